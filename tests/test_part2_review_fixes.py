"""The defects an independent review found in issue #5's resources, each pinned by a test.

Requests are built against a recorder (nothing is sent); bad input must raise a typed
:class:`~qonto_async.ConfigurationError` (or its :class:`~qonto_async.InvalidFileError`), never a bare Python error.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import ConfigurationError
from qonto_async.files import MULTIPART_PART_ALLOWANCE, InvalidFileError, UploadFile, check_upload_sizes
from qonto_async.models import (
    ClientAddress,
    ClientPhone,
    DirectDebitPaymentInfo,
    Money,
    NewCard,
    SupplierInvoiceUpload,
    TerminalPayment,
    TerminalPaymentEvent,
)
from qonto_async.models.cards import MAX_EURO_LIMIT, euro_limit
from qonto_async.models.webhooks import TerminalPaymentWebhookData
from qonto_async.resources import _base, direct_debits, payment_links, products, quotes, terminals
from qonto_async.resources.cards import CardsResource
from qonto_async.resources.client_invoices import (
    MAX_BULK_FILE_SIZE,
    MAX_BULK_TOTAL_SIZE,
    ClientInvoicesResource,
    check_bulk_files,
)
from qonto_async.resources.clients import ClientsResource
from qonto_async.resources.direct_debits import DirectDebitsResource
from qonto_async.resources.products import ProductsResource
from qonto_async.resources.supplier_invoices import (
    MAX_FILE_BYTES,
    MAX_REQUEST_BYTES,
    SupplierInvoicesResource,
    check_bulk,
)
from qonto_async.resources.terminals import TerminalsResource
from qonto_async.resources.webhooks import WebhookSubscriptionsResource
from qonto_async.serde import decoder
from qonto_async.session import Request
from qonto_async.webhooks import parse_event
from tests._recorder import Recorder, Sent


async def _sent(resource_class: type[Any], method: str, *args: Any, **kwargs: Any) -> Request[Any]:
    recorder = Recorder()
    with pytest.raises(Sent):
        await getattr(resource_class(recorder), method)(*args, **kwargs)
    (request,) = recorder.sent
    return request


async def _refused(resource_class: type[Any], method: str, *args: Any, **kwargs: Any) -> ConfigurationError:
    recorder = Recorder()
    with pytest.raises(ConfigurationError) as info:
        await getattr(resource_class(recorder), method)(*args, **kwargs)
    assert recorder.sent == []
    return info.value


def _pdf(name: str, size: int) -> UploadFile:
    """A PDF of exactly ``size`` bytes."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF"
    return UploadFile.from_bytes(head + b"0" * (size - len(head) - len(tail)) + tail, filename=name)


# --- 1. terminal-payment metadata: a JSON object or a JSON-encoded string, in both models ---------------------------

_OBJECT = {"order_id": "zelty-order-456"}
_STRING = json.dumps(_OBJECT)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "production"])
@pytest.mark.parametrize("metadata", [_OBJECT, _STRING], ids=["object", "json-string"])
@pytest.mark.parametrize("model", [TerminalPayment, TerminalPaymentWebhookData])
def test_terminal_metadata_decodes_in_both_forms(model: type[Any], metadata: Any, strict: bool) -> None:
    decoded = decoder(model, strict=strict)({"id": "p1", "metadata": metadata})
    assert decoded.metadata == metadata  # kept as Qonto sent it
    assert decoded.metadata_object == _OBJECT  # and readable as a dict either way


@pytest.mark.parametrize("metadata", [None, "not json", "[1, 2]", 5])
def test_terminal_metadata_object_is_none_when_not_an_object(metadata: Any) -> None:
    payment = decoder(TerminalPayment, strict=True)({"id": "p1", "metadata": metadata})
    assert payment.metadata == metadata
    assert payment.metadata_object is None


@pytest.mark.parametrize("metadata", [_OBJECT, _STRING], ids=["object", "json-string"])
def test_terminal_payment_webhook_parses_either_metadata(metadata: Any) -> None:
    body = {
        "id": "evt-1",
        "type": "v1/terminal-payments",
        "data": {"event": "authorized", "id": "p1", "metadata": metadata},
    }
    event = parse_event(json.dumps(body).encode())
    assert isinstance(event, TerminalPaymentEvent)
    assert event.data.metadata_object == _OBJECT


async def test_create_payment_still_sends_a_json_object() -> None:
    request = await _sent(TerminalsResource, "create_payment", "t1", amount="1.00", metadata=_OBJECT)
    assert request.json == {"amount": {"value": "1.00", "currency": "EUR"}, "metadata": _OBJECT}


# --- 2. bad input escapes as a typed error -------------------------------------------------------------------------


@pytest.mark.parametrize("first_payment", ["2026-01-01", {"amount": "1.00"}, 5])
async def test_direct_debit_first_payment_is_type_checked(first_payment: Any) -> None:
    info = DirectDebitPaymentInfo(first_payment=first_payment)
    error = await _refused(DirectDebitsResource, "create_mandate", client_id="c1", payment_info=info)
    assert "DirectDebitFirstPayment" in str(error)


@pytest.mark.parametrize(
    "limit",
    [10**30, Decimal("1e30"), "1e30", MAX_EURO_LIMIT + 1, 10**5000],
    ids=["int-1e30", "decimal-1e30", "str-1e30", "cap-plus-one", "int-5000-digits"],
)
async def test_huge_card_limits_are_refused(limit: Any) -> None:
    error = await _refused(CardsResource, "update_limits", "card-1", atm_monthly_limit=limit)
    assert f"at most {MAX_EURO_LIMIT:,} euros" in str(error)
    with pytest.raises(ConfigurationError, match="at most"):
        NewCard(
            card_level="virtual",
            holder_id="h1",
            bank_account_id="b1",
            organization_id="o1",
            payment_monthly_limit=limit,
        )


def test_a_card_limit_at_the_cap_is_accepted() -> None:
    assert euro_limit("atm_monthly_limit", MAX_EURO_LIMIT) == Decimal(MAX_EURO_LIMIT)
    assert euro_limit("atm_monthly_limit", Decimal("1E+3")) == Decimal(1000)


@pytest.mark.parametrize("files", [None, 5, 1.5, date(2026, 1, 1), object()], ids=repr)
async def test_supplier_bulk_refuses_what_is_not_a_list(files: Any) -> None:
    error = await _refused(SupplierInvoicesResource, "bulk_create", files)
    assert "list of files" in str(error)


@pytest.mark.parametrize("path", ["a\x00b.pdf", "dir/\x00"])
async def test_a_path_with_a_null_byte_is_an_invalid_file(path: str) -> None:
    with pytest.raises(InvalidFileError, match="null byte"):
        UploadFile.from_path(path)
    with pytest.raises(InvalidFileError, match="null byte"):
        await SupplierInvoicesResource(Recorder()).bulk_create([path])  # type: ignore[arg-type]
    with pytest.raises(InvalidFileError, match="null byte"):
        await ClientInvoicesResource(Recorder()).bulk_import([path])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("billing_address", ClientAddress(city=1.5)),  # type: ignore[arg-type]
        ("billing_address", ClientAddress(zip_code=75001)),  # type: ignore[arg-type]
        ("delivery_address", ClientAddress(street_address=object())),  # type: ignore[arg-type]
        ("delivery_address", ClientAddress(country_code=datetime(2026, 1, 1))),  # type: ignore[arg-type]
        ("billing_address", ClientAddress(city=" ")),
        ("phone", ClientPhone(number=612345678)),  # type: ignore[arg-type]
        ("phone", ClientPhone(country_code=datetime(2026, 1, 1, tzinfo=UTC))),  # type: ignore[arg-type]
    ],
)
async def test_client_address_and_phone_fields_are_strings(field: str, value: Any) -> None:
    error = await _refused(ClientsResource, "create", kind="company", name="Acme", **{field: value})
    assert f"{field}." in str(error)
    assert "non-empty string" in str(error)
    await _refused(ClientsResource, "update", "c1", **{field: value})


async def test_client_address_sends_only_the_fields_given() -> None:
    address = ClientAddress(street_address="1 rue de Rivoli", city="Paris", country_code="FR")
    request = await _sent(ClientsResource, "create", kind="company", name="Acme", billing_address=address)
    assert request.json["billing_address"] == {
        "street_address": "1 rue de Rivoli",
        "city": "Paris",
        "country_code": "FR",
    }


# --- 3. one size rule for both bulk uploads: decimal MB, framing counted, exact byte counts ----------------------------


def test_the_size_rule_names_exact_byte_counts() -> None:
    assert (MAX_BULK_FILE_SIZE, MAX_BULK_TOTAL_SIZE, MAX_REQUEST_BYTES, MAX_FILE_BYTES) == (
        5_000_000,
        15_000_000,
        15_000_000,
        10_000_000,
    )
    check_bulk_files([_pdf("ok.pdf", 5_000_000)])
    with pytest.raises(InvalidFileError, match=r"'big\.pdf' is 5,000,005 bytes; at most 5,000,000 bytes per file"):
        check_bulk_files([_pdf("big.pdf", 5_000_005)])
    with pytest.raises(InvalidFileError, match=r"is 10,000,001 bytes; at most 10,000,000 bytes per file"):
        check_bulk([SupplierInvoiceUpload(file=_pdf("big.pdf", 10_000_001))])


@pytest.mark.parametrize("check", ["client", "supplier"])
def test_both_bulk_uploads_count_the_request_the_same_way(check: str) -> None:
    # Three files filling 15,000,000 bytes exactly are over the limit once their multipart framing is counted.
    per_file = 5_000_000 - MULTIPART_PART_ALLOWANCE
    fits = [_pdf(f"{n}.pdf", per_file) for n in range(3)]
    over = [*fits[:2], _pdf("2.pdf", per_file + 1)]
    run: Any = (
        check_bulk_files
        if check == "client"
        else (lambda fs: check_bulk([SupplierInvoiceUpload(file=f) for f in fs]))
    )
    run(fits)
    expected = (
        f"would be 15,000,001 bytes (3 files plus {MULTIPART_PART_ALLOWANCE:,} bytes of multipart framing each)"
    )
    with pytest.raises(InvalidFileError, match=r"at most 15,000,000 bytes for the whole request") as info:
        run(over)
    assert expected in str(info.value)


def test_check_upload_sizes_is_the_shared_rule() -> None:
    files = [_pdf("a.pdf", 1_000)]
    check_upload_sizes(
        files, max_file_bytes=1_000, max_request_bytes=1_000 + MULTIPART_PART_ALLOWANCE, what="test"
    )
    with pytest.raises(InvalidFileError, match="1,000 bytes; at most 999 bytes per file in a test"):
        check_upload_sizes(files, max_file_bytes=999, max_request_bytes=10**9, what="test")
    with pytest.raises(InvalidFileError, match="the test request would be 2,024 bytes"):
        check_upload_sizes(files, max_file_bytes=None, max_request_bytes=2_023, what="test")


# --- 4. supplier bulk limits cite their source ---------------------------------------------------------------------


def test_supplier_bulk_limits_cite_the_qonto_guide() -> None:
    source = SupplierInvoicesResource.bulk_create.__doc__ or ""
    assert "How to bulk upload supplier invoices" in source
    assert "20 files" in source
    assert "10 MB" in source


# --- 5. supplier invoice list filters: Postman's names, with the array forms it documents ---------------------------


async def test_supplier_list_sends_postmans_names() -> None:
    request = await _sent(
        SupplierInvoicesResource,
        "list",
        status=["to_pay", "paid"],
        document_type=["duplicates", "invoice"],
        due_date=["missing_date", "overdue"],
        payment_date="this_week",
        issue_date="this_month",
        attachment_id=["a1", "a2"],
        approver_id="u1",
        payable_amount="lte:100.00:EUR",
    )
    assert request.params == [
        ("filter[status]", "to_pay"),
        ("filter[status]", "paid"),
        ("filter[due_date]", "missing_date"),
        ("filter[due_date]", "overdue"),
        ("filter[attachment_id][]", "a1"),
        ("filter[attachment_id][]", "a2"),
        ("filter[payment_date]", "this_week"),
        ("filter[issue_date]", "this_month"),
        ("filter[document_type][]", "duplicates"),
        ("filter[document_type][]", "invoice"),
        ("filter[approver_id][]", "u1"),
        ("filter[payable_amount]", "lte:100.00:EUR"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"payable_amount": "100"}, "lte:AMOUNT:CURRENCY"),
        ({"payable_amount": "lt:100:EUR"}, "lte:AMOUNT:CURRENCY"),
        ({"payable_amount": "lte:1.005:EUR"}, "lte:AMOUNT:CURRENCY"),
        ({"payable_amount": Decimal("100")}, "lte:AMOUNT:CURRENCY"),
        ({"payment_date": ["this_week"]}, "one non-empty string"),
        ({"issue_date": ""}, "one non-empty string"),
        ({"attachment_id": [" a1"]}, "surrounding whitespace"),
        ({"approver_id": [5]}, "only contain strings"),
        ({"due_date": "a,b"}, "list for several values"),
    ],
)
async def test_supplier_list_filters_are_checked(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        await SupplierInvoicesResource(Recorder()).list(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=message):
        SupplierInvoicesResource(Recorder()).iterate(**kwargs)  # type: ignore[arg-type]


# --- 6. validation gaps --------------------------------------------------------------------------------------------


async def test_client_invoice_due_date_before_issue_date_is_refused() -> None:
    error = await _refused(
        ClientInvoicesResource,
        "update",
        "inv-1",
        issue_date="2026-02-01",
        due_date=date(2026, 1, 31),
    )
    assert str(error) == "due_date (2026-01-31) must not be before issue_date (2026-02-01)."
    request = await _sent(
        ClientInvoicesResource, "update", "inv-1", issue_date="2026-02-01", due_date="2026-02-01"
    )
    assert request.json["due_date"] == "2026-02-01"


@pytest.mark.parametrize("currency", ["euro", "eur", "EU", "EURO", 978, " EUR"])
async def test_client_currency_is_an_iso_code(currency: Any) -> None:
    error = await _refused(ClientsResource, "create", kind="company", name="Acme", currency=currency)
    assert "ISO 4217" in str(error)
    await _refused(ClientsResource, "update", "c1", currency=currency)
    request = await _sent(ClientsResource, "create", kind="company", name="Acme", currency="USD")
    assert request.json["currency"] == "USD"


@pytest.mark.parametrize("value", ["-1.00", "0", "0.00", "10.123456", "1.001", Decimal("-5"), 1.5])
async def test_product_price_is_a_positive_cent_amount(value: Any) -> None:
    price = Money(value=value, currency="EUR")
    await _refused(ProductsResource, "create", title="t", type="good", unit_price=price, vat_rate="0.2")


async def test_product_price_currency_is_checked_and_good_prices_pass() -> None:
    bad = Money(value=Decimal("10.00"), currency="euro")
    assert "ISO 4217" in str(
        await _refused(ProductsResource, "create", title="t", type="good", unit_price=bad, vat_rate="0.2")
    )
    good = Money(value=Decimal("10.5"), currency="EUR")
    request = await _sent(ProductsResource, "create", title="t", type="good", unit_price=good, vat_rate="0.2")
    assert request.json["unit_price"] == {"value": "10.5", "currency": "EUR"}


# --- 7. one home for the shared helpers -----------------------------------------------------------------------------


def test_the_shared_helpers_live_in_base() -> None:
    from qonto_async.models import quotes as quote_models

    assert quote_models.vat_rate_fraction is _base.vat_rate_fraction
    assert vars(products)["vat_rate_fraction"] is _base.vat_rate_fraction
    assert vars(payment_links)["money_param"] is _base.money_param
    assert vars(terminals)["money_param"] is _base.money_param
    assert vars(direct_debits)["money_param"] is _base.money_param
    assert vars(direct_debits)["date_param"] is _base.date_param
    assert vars(quotes)["date_param"] is _base.date_param
    assert not hasattr(direct_debits, "_date")


@pytest.mark.parametrize(("value", "sent"), [(date(2026, 1, 31), "2026-01-31"), ("2026-01-31", "2026-01-31")])
def test_date_param(value: Any, sent: str) -> None:
    assert _base.date_param("d", value) == sent


@pytest.mark.parametrize("value", [datetime(2026, 1, 1), "2026-13-01", "20260131", "2026-1-31", None, 5, "\x00"])
def test_date_param_refuses(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="'YYYY-MM-DD'"):
        _base.date_param("d", value)


def test_payment_link_vat_rate_keeps_its_format() -> None:
    assert payment_links._vat_rate("vat_rate", "0.20") == "0.2"
    assert payment_links._vat_rate("vat_rate", Decimal("0")) == "0"
    with pytest.raises(ConfigurationError, match=r"Pass '0\.2' for 20 %"):
        payment_links._vat_rate("vat_rate", "20")


def test_webhook_types_docstring_promises_forward_compatibility() -> None:
    for method in (WebhookSubscriptionsResource.create, WebhookSubscriptionsResource.update):
        assert "sent as given" in (method.__doc__ or "")


async def test_unknown_webhook_types_are_sent_as_given() -> None:
    request = await _sent(
        WebhookSubscriptionsResource,
        "create",
        callback_url="https://example.com/hook",
        types=["v1/brand-new-thing"],
    )
    assert request.json["types"] == ["v1/brand-new-thing"]
