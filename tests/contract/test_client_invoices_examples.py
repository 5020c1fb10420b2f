"""Client invoices, e-invoicing and reminders: the examples ``test_examples_decode.py`` cannot take (unwrapped or
docs.qonto.com-only bodies), and the request bodies the client builds against Qonto's documented ones.

The Postman example is read from Qonto's collection (``_data.py``); the docs.qonto.com examples are quoted with their
address (qonto-api.md §3.2 B25-B26, B21-B22).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from qonto_async.files import UploadFile
from qonto_async.models import (
    ClientInvoiceUpload,
    EinvoicingSettings,
    ImportedClientInvoice,
    InvoiceDiscountInput,
    InvoiceItemInput,
    Money,
    Reminder,
    ReminderRuleInput,
)
from qonto_async.resources.client_invoices import ClientInvoicesResource
from qonto_async.resources.reminders import RemindersResource
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request
from tests._recorder import Recorder, Sent

from ._data import _postman_requests, data_dir


def _postman(collection: str, name: str) -> dict[str, Any]:
    path = data_dir() / "postman-collections" / f"{collection}.postman_collection.json"
    for request in _postman_requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
        if request["name"] == name:
            found: dict[str, Any] = request
            return found
    raise AssertionError(f"{name} is not in {path.name}")


def test_einvoicing_settings_example_decodes_in_strict_mode() -> None:
    (response,) = [r for r in _postman("e-invoicing", "Get e-invoicing settings")["response"] if r["code"] == 200]
    body = json.loads(response["body"])
    assert decoder(EinvoicingSettings, strict=True)(body) == EinvoicingSettings(
        sending_status="enabled", receiving_status="pending_creation"
    )


# https://docs.qonto.com/api-reference/business-api/expense-management/client-quotes-notes/client-invoices/bulk-import-client-invoices
BULK_EXAMPLE: dict[str, Any] = {
    "client_invoices": [
        {"invoice_id": "019c688e-4adc-795b-b0fb-c9be149262dd", "file_name": "invoice1.pdf"},
        {"invoice_id": "019c6890-1f2a-7b3c-9d4e-2a1b3c4d5e6f", "file_name": "invoice2.pdf"},
    ]
}

# https://docs.qonto.com/api-reference/business-api/expense-management/client-quotes-notes/client-invoices/create-a-client-invoice-upload
UPLOAD_EXAMPLE: dict[str, Any] = {
    "client_invoice_upload": {
        "id": "4d5418bb-bd0d-4df4-865c-c07afab8bb48",
        "organization_id": "9f8e7d6c-5b4a-3c2d-1e0f-1a2b3c4d5e6f",
        "filename": "invoice_document.pdf",
        "content_type": "application/pdf",
        "file_size": 524288,
        "url": "https://qonto-uploads.s3.eu-central-1.amazonaws.com/uploads/4d5418bb-bd0d-4df4-865c-c07afab8bb48/"
        "invoice_document.pdf",
        "created_at": "2022-03-04T17:58:30+02:00",
        "updated_at": "2022-03-04T17:58:30+02:00",
    }
}


def test_bulk_import_example_decodes_in_strict_mode() -> None:
    decoded = list_decoder(ImportedClientInvoice, key="client_invoices", strict=True)(BULK_EXAMPLE)
    assert [d.invoice_id for d in decoded] == [i["invoice_id"] for i in BULK_EXAMPLE["client_invoices"]]
    assert [d.file_name for d in decoded] == ["invoice1.pdf", "invoice2.pdf"]


def test_upload_example_keeps_its_offset_timestamps() -> None:
    upload = decoder(ClientInvoiceUpload, key="client_invoice_upload", strict=True)(UPLOAD_EXAMPLE)
    assert upload.file_size == 524288
    assert upload.created_at is not None
    # qonto-api.md §11: invoice timestamps may carry an offset; the instant is kept.
    assert upload.created_at.utcoffset() == timedelta(hours=2)
    assert upload.created_at.isoformat() == "2022-03-04T17:58:30+02:00"


# https://docs.qonto.com/api-reference/business-api/expense-management/client-quotes-notes/reminders/create-a-reminder
# (the request body; the page's response example was not in the stored copy, so the model reads the same fields).
REMINDER_BODY: dict[str, Any] = {
    "client_id": "5c1f4e3a-9b7d-4a1e-8f2c-3d6b8a0e7f11",
    "send_to": ["accounting@acme.com"],
    "rules": [
        {
            "email_title": "Reminder: invoice due in 7 days",
            "offset_days": 7,
            "email_body": "Your invoice is due in 7 days.",
        }
    ],
    "copy_to_self": False,
}


def test_the_documented_reminder_shape_decodes_in_strict_mode() -> None:
    reminder = decoder(Reminder, strict=True)(REMINDER_BODY)
    assert reminder.rules[0].offset_days == 7
    assert reminder.copy_to_self is False


async def _built(method: Any, **kwargs: Any) -> Request[Any]:
    recorder = Recorder()
    with pytest.raises(Sent):
        await method(
            ClientInvoicesResource(recorder)
            if "ClientInvoices" in method.__qualname__
            else RemindersResource(recorder),
            **kwargs,
        )  # type: ignore[arg-type]
    (request,) = recorder.sent
    return request


async def test_the_reminder_body_is_the_documented_one() -> None:
    request = await _built(
        RemindersResource.create,
        client_id=REMINDER_BODY["client_id"],
        send_to=REMINDER_BODY["send_to"],
        rules=[
            ReminderRuleInput(
                offset_days=7,
                email_title=REMINDER_BODY["rules"][0]["email_title"],
                email_body=REMINDER_BODY["rules"][0]["email_body"],
            )
        ],
        copy_to_self=False,
    )
    assert request.json == REMINDER_BODY


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON body (list items merged), e.g. ``items[].unit_price.value``."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(prefix + key)
            out |= _keys(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            out |= _keys(item, prefix[:-1] + "[].")
    return out


def _documented_body(name: str) -> set[str]:
    return _keys(json.loads(_postman("client-invoices", name)["request"]["body"]["raw"]))


_ITEM = InvoiceItemInput(
    title="Work",
    quantity="2",
    unit_price=Money(value=Decimal("10.00"), currency="EUR"),
    vat_rate="0.2",
    description="d",
    unit="hour",
    vat_exemption_reason=None,
    discount=InvoiceDiscountInput(type="percentage", value="0.1"),
)
_ITALIAN: dict[str, Any] = {
    "settings": {"vat_number": "IT1", "transaction_type": "services"},
    "report_einvoicing": True,
    "payment_reporting": {"conditions": "TP02", "method": "MP05"},
    "welfare_fund": {"type": "TC04", "rate": "0.04"},
    "withholding_tax": {"reason": "RF01", "rate": "0.2", "payment_reason": "A"},
    "stamp_duty_amount": "2.00",
}


async def test_create_sends_only_documented_fields() -> None:
    request = await _built(
        ClientInvoicesResource.create,
        client_id="c",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        iban="FR76",
        items=[_ITEM],
        number="INV-1",
        status="draft",
        performance_start_date=date(2026, 1, 1),
        performance_end_date=date(2026, 1, 31),
        purchase_order="PO",
        terms_and_conditions="t",
        header="h",
        footer="f",
        **_ITALIAN,
    )
    sent = _keys(request.json)
    assert sent <= _documented_body("Create a client invoice"), sent - _documented_body("Create a client invoice")
    assert request.json["items"][0]["vat_rate"] == "0.2"
    assert request.json["welfare_fund"]["rate"] == "0.04"


async def test_update_sends_only_documented_fields() -> None:
    request = await _built(
        ClientInvoicesResource.update,
        id="x",
        client_id="c",
        issue_date=date(2026, 1, 1),
        performance_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        number="INV-1",
        purchase_order="PO",
        terms_and_conditions="t",
        header="h",
        footer="f",
        iban="FR76",
        items=[_ITEM],
        **_ITALIAN,
    )
    documented = _documented_body("Update a draft client invoice")
    assert _keys(request.json) <= documented, _keys(request.json) - documented


async def test_send_and_mark_as_paid_bodies_are_the_documented_ones() -> None:
    send = await _built(
        ClientInvoicesResource.send,
        id="x",
        send_to=["a@b.example"],
        email_title="t",
        email_body="b",
        copy_to_self=True,
    )
    assert _keys(send.json) == _documented_body("Send a client invoice via email")
    paid = await _built(ClientInvoicesResource.mark_as_paid, id="x", paid_at=date(2026, 1, 2))
    assert _keys(paid.json) == _documented_body("Mark a client invoice as paid")


async def test_bulk_and_upload_use_the_documented_field_names() -> None:
    file = UploadFile.from_bytes(b"%PDF-1.4\n%%EOF", filename="a.pdf")
    bulk = await _built(ClientInvoicesResource.bulk_import, files=[file, file])
    assert [name for name, _ in bulk.files] == ["client_invoices", "client_invoices"]
    upload = await _built(ClientInvoicesResource.upload, file=file)
    assert [name for name, _ in upload.files] == ["client_invoices_upload"]
