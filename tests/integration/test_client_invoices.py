"""Client invoices, credit notes, e-invoicing settings and payment reminders against FakeQonto (qonto-api.md §3.1
rows 30-39 and 45-47, §3.2 B21-B22 and B25-B26). VAT rates here are fractions (§11); files are checked before any
request (§12)."""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    InvalidFileError,
    OAuthBearerAuth,
    PermissionDeniedError,
    PreconditionFailedError,
    QontoClient,
    RetryPolicy,
    ScaSessionInvalidError,
    ServerError,
    SyncQontoClient,
    UploadFile,
    ValidationError,
)
from qonto_async.models import (
    ClientInvoiceStatus,
    ClientInvoiceUpload,
    CreditNote,
    DiscountType,
    EinvoicingSettings,
    ImportedClientInvoice,
    InvoiceDiscountInput,
    InvoiceItemInput,
    Money,
    Reminder,
    ReminderRuleInput,
)
from qonto_async.resources.client_invoices import MAX_BULK_FILE_SIZE
from qonto_async.serde import decoder
from qonto_async.session import Request
from qonto_async.testing import FakeQonto
from qonto_async.testing._routes.client_invoices import store as invoice_store

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = ("client_invoices.read", "client_invoice.write", "einvoicing.read")
IBAN = "FR7616958000010000000000001"


def pdf(tag: str, size: int = 0) -> UploadFile:
    body = f"%PDF-1.7\n% {tag}\n".encode() + b"0" * size + b"\n%%EOF"
    return UploadFile.from_bytes(body, filename=f"{tag}.pdf")


def item(**overrides: Any) -> InvoiceItemInput:
    fields: dict[str, Any] = {
        "title": "Design work",
        "quantity": "3",
        "unit_price": Money(value=Decimal("100.00"), currency="EUR"),
        "vat_rate": Decimal("0.2"),
        "unit": "hour",
    }
    fields.update(overrides)
    return InvoiceItemInput(**fields)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes or SCOPES)
    )


@pytest.fixture
async def qonto(fake: FakeQonto) -> AsyncIterator[QontoClient]:
    async with QontoClient(
        auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as client:
        yield client


def form_parts(body: bytes, content_type: str) -> list[EmailMessage]:
    """The parts of a multipart/form-data body, read by the standard library (not by the code under test)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    assert isinstance(message, EmailMessage)
    return [part for part in message.iter_parts() if isinstance(part, EmailMessage)]


# -- list, get, iterate -------------------------------------------------------------------------------------------


async def test_list_leaves_imported_invoices_out_unless_asked(fake: FakeQonto, qonto: QontoClient) -> None:
    page = await qonto.client_invoices.list()
    assert {i.status for i in page.items} == set(ClientInvoiceStatus)
    assert len(page.items) == 4
    everything = await qonto.client_invoices.list(exclude_imported=False, sort_by="created_at:asc")
    assert len(everything.items) == 5
    assert [i.created_at for i in everything.items] == sorted(i.created_at for i in everything.items)  # type: ignore[type-var]
    assert ("exclude_imported", "false") in fake.requests("GET", "/v2/client_invoices")[-1].query


async def test_status_filter_is_comma_joined_and_checked(fake: FakeQonto, qonto: QontoClient) -> None:
    page = await qonto.client_invoices.list(status=[ClientInvoiceStatus.DRAFT, "paid"])
    assert {i.status for i in page.items} == {ClientInvoiceStatus.DRAFT, ClientInvoiceStatus.PAID}
    assert ("filter[status]", "draft,paid") in fake.requests("GET", "/v2/client_invoices")[-1].query
    before = len(fake.requests())
    with pytest.raises(ConfigurationError, match="status"):
        await qonto.client_invoices.list(status="void")
    with pytest.raises(ConfigurationError, match="sort_by"):
        await qonto.client_invoices.list(sort_by="number:asc")
    with pytest.raises(ConfigurationError, match="timezone"):
        await qonto.client_invoices.list(created_at_from="2026-01-01T00:00:00")
    assert len(fake.requests()) == before


async def test_iterate_and_get_decode_money_dates_and_fractions(qonto: QontoClient) -> None:
    invoices = [i async for i in qonto.client_invoices.iterate(per_page=2)]
    assert len(invoices) == 4
    one = await qonto.client_invoices.get(invoices[0].id)
    assert one == invoices[0]
    line = one.items[0]
    assert line.vat_rate == Decimal("0.2")
    assert line.unit_price == Money(value=Decimal("450.00"), currency="EUR")
    assert one.total_amount == Money(value=Decimal("1080.00"), currency="EUR")
    assert one.total_amount_cents == 108000
    assert isinstance(one.issue_date, date)
    assert one.created_at is not None
    assert one.created_at.tzinfo is not None


# -- writes ----------------------------------------------------------------------------------------------------------


async def test_create_sends_fractions_and_decimal_strings(fake: FakeQonto, qonto: QontoClient) -> None:
    invoice = await qonto.client_invoices.create(
        client_id="client-1",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31),
        iban=IBAN,
        status="draft",
        items=[
            item(),
            item(
                title="Support",
                quantity=Decimal("1.5"),
                vat_rate="0.055",
                discount=InvoiceDiscountInput(type=DiscountType.AMOUNT, value="10"),
            ),
        ],
    )
    sent = fake.requests("POST", "/v2/client_invoices")[-1].json()
    assert sent["payment_methods"] == {"iban": IBAN}
    assert sent["issue_date"] == "2026-03-01"
    assert sent["items"][0] == {
        "title": "Design work",
        "quantity": "3",
        "unit_price": {"value": "100.00", "currency": "EUR"},
        "vat_rate": "0.2",
        "unit": "hour",
    }
    # Client invoices call an absolute discount "absolute" (quotes say "amount").
    assert sent["items"][1]["discount"] == {"type": "absolute", "value": "10"}
    assert sent["items"][1]["vat_rate"] == "0.055"
    assert invoice.status is ClientInvoiceStatus.DRAFT
    # 300.00 + 20 % VAT, then 150.00 - 10.00 + 5.5 % VAT (7.70).
    assert invoice.total_amount == Money(value=Decimal("507.70"), currency="EUR")
    assert invoice.vat_amount == Money(value=Decimal("67.70"), currency="EUR")
    # Never retried: no idempotency key is documented for client invoices (qonto-api.md §7).
    assert "X-Qonto-Idempotency-Key" not in fake.requests("POST", "/v2/client_invoices")[-1].headers


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"vat_rate": 20}, "fraction"),
        ({"vat_rate": "5.5"}, "0.055"),
        ({"vat_rate": 0.2}, "float"),
        ({"quantity": 1.5}, "float"),
        ({"unit_price": Money(value=12.5, currency="EUR")}, "float"),  # type: ignore[arg-type]
        ({"quantity": "0"}, "positive"),
    ],
)
async def test_bad_items_are_refused_before_sending(
    fake: FakeQonto, qonto: QontoClient, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        await qonto.client_invoices.create(
            client_id="c",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 1, 2),
            iban=IBAN,
            items=[item(**overrides)],
        )
    assert fake.requests("POST", "/v2/client_invoices") == []


async def test_bad_arguments_are_refused_before_sending(fake: FakeQonto, qonto: QontoClient) -> None:
    base: dict[str, Any] = {
        "client_id": "c",
        "issue_date": date(2026, 1, 1),
        "due_date": date(2026, 1, 2),
        "iban": IBAN,
    }
    with pytest.raises(ConfigurationError, match="at least one"):
        await qonto.client_invoices.create(**base, items=[])
    with pytest.raises(ConfigurationError, match="InvoiceItemInput"):
        await qonto.client_invoices.create(**base, items=[{"title": "x"}])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="date"):
        await qonto.client_invoices.create(**{**base, "due_date": "31/01/2026"}, items=[item()])
    with pytest.raises(ConfigurationError, match="fraction"):
        await qonto.client_invoices.create(
            **base, items=[item()], withholding_tax={"reason": "RF01", "rate": "20"}
        )
    with pytest.raises(ConfigurationError, match="float"):
        await qonto.client_invoices.create(**base, items=[item()], stamp_duty_amount=2.0)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="at least one field"):
        await qonto.client_invoices.update("some-id")
    with pytest.raises(ConfigurationError, match="email"):
        await qonto.client_invoices.send("some-id", send_to="a@example.com")
    assert fake.requests("POST") == []
    assert fake.requests("PATCH") == []


async def test_the_fake_refuses_a_percent_vat_rate_like_qonto(fake: FakeQonto, qonto: QontoClient) -> None:
    body = {
        "client_id": "c",
        "issue_date": "2026-01-01",
        "due_date": "2026-01-31",
        "currency": "EUR",
        "payment_methods": {"iban": IBAN},
        "items": [
            {"title": "t", "quantity": "1", "unit_price": {"value": "1", "currency": "EUR"}, "vat_rate": "20"}
        ],
    }
    with pytest.raises(ValidationError) as caught:
        await qonto._send(Request(method="POST", path="/v2/client_invoices", json=body))
    assert caught.value.errors[0].source is not None
    assert caught.value.errors[0].source.pointer == "/items/0/vat_rate"


async def test_life_cycle_draft_to_paid_to_canceled(fake: FakeQonto, qonto: QontoClient) -> None:
    draft = await qonto.client_invoices.create(
        client_id="c",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 2, 28),
        iban=IBAN,
        items=[item()],
        status="draft",
    )
    updated = await qonto.client_invoices.update(draft.id, number="INV-X-1", items=[item(quantity="4")])
    assert updated.number == "INV-X-1"
    assert updated.total_amount == Money(value=Decimal("480.00"), currency="EUR")
    assert fake.requests("PATCH")[-1].json() == {
        "number": "INV-X-1",
        "items": [
            {
                "title": "Design work",
                "quantity": "4",
                "unit_price": {"value": "100.00", "currency": "EUR"},
                "vat_rate": "0.2",
                "unit": "hour",
            }
        ],
    }
    unpaid = await qonto.client_invoices.finalize(draft.id)
    assert unpaid.status is ClientInvoiceStatus.UNPAID
    assert unpaid.finalized_at is not None
    paid = await qonto.client_invoices.mark_as_paid(draft.id, paid_at=date(2026, 1, 2))
    assert paid.status is ClientInvoiceStatus.PAID
    assert fake.requests("POST", f"/v2/client_invoices/{draft.id}/mark_as_paid")[-1].json() == {
        "paid_at": "2026-01-02"
    }
    assert (await qonto.client_invoices.unmark_as_paid(draft.id)).status is ClientInvoiceStatus.UNPAID
    assert (await qonto.client_invoices.mark_as_canceled(draft.id)).status is ClientInvoiceStatus.CANCELED
    with pytest.raises(ValidationError) as caught:
        await qonto.client_invoices.finalize(draft.id)
    assert caught.value.errors[0].code == "invalid_status_transition"
    # Qonto answers 412 for a non-draft delete (Postman); the error keeps its code.
    with pytest.raises(PreconditionFailedError) as refused:
        await qonto.client_invoices.delete(draft.id)
    assert refused.value.status == 412
    assert not isinstance(refused.value, ScaSessionInvalidError)
    assert refused.value.errors[0].code == "invoice_not_in_draft_status"


async def test_delete_a_draft(fake: FakeQonto, qonto: QontoClient) -> None:
    (draft,) = (await qonto.client_invoices.list(status="draft")).items
    assert await qonto.client_invoices.delete(draft.id) is None
    assert (await qonto.client_invoices.list(status="draft")).items == ()


async def test_send_by_email(fake: FakeQonto, qonto: QontoClient) -> None:
    (unpaid, *_) = (await qonto.client_invoices.list(status="unpaid")).items
    await qonto.client_invoices.send(
        unpaid.id, send_to=["billing@hooli.example"], email_title="Your invoice", copy_to_self=True
    )
    assert invoice_store(fake).sent == [
        {
            "invoice_id": unpaid.id,
            "send_to": ["billing@hooli.example"],
            "email_title": "Your invoice",
            "copy_to_self": True,
        }
    ]


async def test_writes_need_the_singular_write_scope(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=oauth(fake, "client_invoices.read"), environment=fake.environment, staging_token=fake.staging_token
    ) as qonto:
        assert (await qonto.client_invoices.list()).items
        with pytest.raises(PermissionDeniedError):
            await qonto.client_invoices.finalize("any")


async def test_an_api_key_reads_invoices(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
    ) as qonto:
        assert len((await qonto.client_invoices.list()).items) == 4


# -- files -----------------------------------------------------------------------------------------------------------


async def test_bulk_import_sends_one_field_per_file_and_is_idempotent(fake: FakeQonto, qonto: QontoClient) -> None:
    files = [pdf("invoice-1"), pdf("invoice-2")]
    first = await qonto.client_invoices.bulk_import(files)
    assert [r.file_name for r in first] == ["invoice-1.pdf", "invoice-2.pdf"]
    assert all(isinstance(r, ImportedClientInvoice) for r in first)
    entry = fake.requests("POST", "/v2/client_invoices/bulk")[-1]
    parts = form_parts(entry.body, entry.headers["Content-Type"])
    assert [p.get_param("name", header="content-disposition") for p in parts] == ["client_invoices"] * 2
    assert [p.get_filename() for p in parts] == ["invoice-1.pdf", "invoice-2.pdf"]
    assert [p.get_payload(decode=True) for p in parts] == [f.content for f in files]
    # docs.qonto.com: re-importing a file answers the invoice it already made.
    again = await qonto.client_invoices.bulk_import([files[1]])
    assert again[0].invoice_id == first[1].invoice_id
    imported = (await qonto.client_invoices.list(exclude_imported=False)).items
    assert {r.invoice_id for r in first} <= {i.id for i in imported}


async def test_bulk_import_reads_paths(tmp_path: Any, qonto: QontoClient) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    (result,) = await qonto.client_invoices.bulk_import([path])
    assert result.file_name == "scan.png"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "1 to 5 files"),
        ([pdf(f"f{n}") for n in range(6)], "1 to 5 files"),
        ([pdf("big", MAX_BULK_FILE_SIZE)], "at most 5,000,000 bytes per file"),
        ([pdf(f"f{n}", 4_000_000) for n in range(4)], "at most 15,000,000 bytes for the whole request"),
    ],
    ids=["none", "six", "too-big", "too-much-in-all"],
)
async def test_bulk_limits_are_checked_before_sending(
    fake: FakeQonto, qonto: QontoClient, files: list[UploadFile], message: str
) -> None:
    with pytest.raises(InvalidFileError, match=message):
        await qonto.client_invoices.bulk_import(files)
    assert fake.requests("POST", "/v2/client_invoices/bulk") == []


async def test_bulk_refuses_what_is_not_a_list_of_files(
    fake: FakeQonto, qonto: QontoClient, tmp_path: Any
) -> None:
    with pytest.raises(InvalidFileError, match="list"):
        await qonto.client_invoices.bulk_import(pdf("alone"))  # type: ignore[arg-type]
    text = tmp_path / "notes.txt"
    text.write_bytes(b"plain text")
    with pytest.raises(InvalidFileError, match="PDF, JPEG or PNG"):
        await qonto.client_invoices.bulk_import([text])
    assert fake.requests("POST", "/v2/client_invoices/bulk") == []


async def test_bulk_import_is_not_retried_without_an_idempotency_key(fake: FakeQonto, qonto: QontoClient) -> None:
    fake.faults.next(1, status=503, path="/v2/client_invoices/bulk")
    with pytest.raises(ServerError):
        await qonto.client_invoices.bulk_import([pdf("once")])
    assert len(fake.requests("POST", "/v2/client_invoices/bulk")) == 1


async def test_upload_uses_its_own_field(fake: FakeQonto, qonto: QontoClient) -> None:
    upload = await qonto.client_invoices.upload(pdf("facturx"))
    assert isinstance(upload, ClientInvoiceUpload)
    assert upload.filename == "facturx.pdf"
    assert upload.content_type == "application/pdf"
    assert upload.file_size == pdf("facturx").size
    entry = fake.requests("POST", "/v2/client_invoices/uploads")[-1]
    (part,) = form_parts(entry.body, entry.headers["Content-Type"])
    assert part.get_param("name", header="content-disposition") == "client_invoices_upload"


async def test_a_multipart_form_is_byte_identical_on_every_attempt(fake: FakeQonto, qonto: QontoClient) -> None:
    """Request(files=...) rebuilds its form per attempt with the very same bytes (boundary from a digest), text
    parts included: what a bulk endpoint with per-item idempotency keys needs."""
    fake.faults.next(2, status=503, path="/v2/client_invoices/bulk")
    form = [("client_invoices", pdf("a")), ("client_invoices", pdf("b")), ("note", "per-item key 1")]
    with pytest.raises(ValidationError, match="missing_file"):  # the fake refuses the stray text field
        await qonto._send(
            Request(method="POST", path="/v2/client_invoices/bulk", files=form, idempotent_key_supported=True)
        )
    attempts = fake.requests("POST", "/v2/client_invoices/bulk")
    assert [a.status for a in attempts] == [503, 503, 400]
    assert len({a.body for a in attempts}) == 1
    assert len({a.headers["Content-Type"] for a in attempts}) == 1
    assert len({a.headers["X-Qonto-Idempotency-Key"] for a in attempts}) == 1
    parts = form_parts(attempts[0].body, attempts[0].headers["Content-Type"])
    assert [p.get_param("name", header="content-disposition") for p in parts] == ["client_invoices"] * 2 + ["note"]
    assert parts[2].get_payload(decode=True) == b"per-item key 1"


def test_a_request_refuses_a_malformed_form() -> None:
    with pytest.raises(ConfigurationError, match="UploadFile or a str"):
        Request(method="POST", path="/x", files=[("f", b"bytes")])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="one body"):
        Request(method="POST", path="/x", files=[("f", pdf("a"))], json={})
    with pytest.raises(ConfigurationError, match="at least one UploadFile"):
        Request(method="POST", path="/x", files=[("f", "text only")])
    with pytest.raises(ConfigurationError, match="field name"):
        Request(method="POST", path="/x", files=[('bad"name', pdf("a"))])


# -- credit notes, e-invoicing, reminders ----------------------------------------------------------------------------


async def test_credit_notes(fake: FakeQonto, qonto: QontoClient) -> None:
    page = await qonto.credit_notes.list(created_at_from="2026-01-01T00:00:00Z", sort_by="created_at:asc")
    (note,) = page.items
    assert isinstance(note, CreditNote)
    assert note.total_amount == Money(value=Decimal("1080.00"), currency="EUR")
    assert note.items[0].vat_rate == Decimal("0.2")
    assert await qonto.credit_notes.get(note.id) == note
    assert [n async for n in qonto.credit_notes.iterate()] == [note]
    canceled = await qonto.client_invoices.get(note.invoice_id or "")
    assert canceled.credit_notes_ids == (note.id,)
    query = fake.requests("GET", "/v2/credit_notes")[0].query
    assert ("filter[created_at_from]", "2026-01-01T00:00:00.000Z") in query


async def test_einvoicing_settings(fake: FakeQonto, qonto: QontoClient) -> None:
    assert await qonto.einvoicing.get_settings() == EinvoicingSettings(
        sending_status="enabled", receiving_status="pending_creation"
    )


async def test_reminders_replace_a_clients_configuration(fake: FakeQonto, qonto: QontoClient) -> None:
    first = await qonto.reminders.create(
        client_id="client-1",
        send_to=["ap@hooli.example"],
        rules=[ReminderRuleInput(offset_days=7, email_title="Due in 7 days")],
        copy_to_self=False,
    )
    assert isinstance(first, Reminder)
    assert first.client_id == "client-1"
    assert fake.requests("POST", "/v2/reminders")[-1].json() == {
        "client_id": "client-1",
        "send_to": ["ap@hooli.example"],
        "rules": [{"email_title": "Due in 7 days", "offset_days": 7}],
        "copy_to_self": False,
    }
    second = await qonto.reminders.create(
        client_id="client-1",
        send_to=["ceo@hooli.example"],
        rules=[
            ReminderRuleInput(offset_days=0, email_title="Due today", email_body="Hello"),
            ReminderRuleInput(offset_days=3, email_title="Late", operator="after"),
        ],
    )
    assert second.id == first.id
    assert len(second.rules) == 2
    await qonto.reminders.create(
        client_id="client-2", send_to=["x@y.example"], rules=[ReminderRuleInput(offset_days=1, email_title="t")]
    )
    listed = (await qonto.reminders.list(client_ids=["client-1"])).items
    assert [r.send_to for r in listed] == [("ceo@hooli.example",)]
    assert ("client_ids", "client-1") in fake.requests("GET", "/v2/reminders")[-1].query
    assert len([r async for r in qonto.reminders.iterate()]) == 2


async def test_reminder_arguments_are_checked_before_sending(fake: FakeQonto, qonto: QontoClient) -> None:
    rule = ReminderRuleInput(offset_days=1, email_title="t")
    with pytest.raises(ConfigurationError, match="1 to 5"):
        await qonto.reminders.create(client_id="c", send_to=["a@b.example"], rules=[rule] * 6)
    with pytest.raises(ConfigurationError, match="email_title"):
        ReminderRuleInput(offset_days=1, email_title=" ")
    with pytest.raises(ConfigurationError, match="offset_days"):
        ReminderRuleInput(offset_days=-1, email_title="t")
    with pytest.raises(ConfigurationError, match="send_to"):
        await qonto.reminders.create(client_id="c", send_to=[], rules=[rule])
    assert fake.requests("POST", "/v2/reminders") == []


def test_a_bare_reminder_body_decodes_too() -> None:
    from qonto_async.resources.reminders import _one

    body = {"client_id": "c", "send_to": ["a@b.example"], "rules": [{"offset_days": 2, "email_title": "t"}]}
    assert _one(body) == _one({"reminder": body}) == decoder(Reminder)(body)


async def test_the_sync_client_has_the_same_methods(fake: FakeQonto) -> None:
    import asyncio

    def run() -> tuple[int, EinvoicingSettings]:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto:
            return len(qonto.client_invoices.list().items), qonto.einvoicing.get_settings()

    count, settings = await asyncio.to_thread(run)
    assert count == 4
    assert settings.sending_status == "enabled"


def test_json_bodies_hold_no_float() -> None:
    assert json.dumps({"v": f"{Decimal('0.055'):f}"}) == '{"v": "0.055"}'
