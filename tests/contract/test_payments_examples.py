"""Qonto's examples for payment links, terminals and SEPA direct debits decode in strict mode (DESIGN §9).

Payment links: the Postman examples that ``test_examples_decode.py`` cannot take (``_data.OPERATIONS`` holds the
others) are read from the collection here: GET and deactivate answer the link unwrapped, the connection calls answer
a bare object, and the payments list writes its nullable ``paid_at`` as ``"<null,string-date-time>"``.

Terminals and direct debits (table B, qonto-api.md §3.2 B7-B15) have no Postman or OpenAPI example: their examples
are docs.qonto.com's, quoted below with their address.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import _coverage
from qonto_async.models import (
    DirectDebitCollection,
    DirectDebitCollectionStatus,
    DirectDebitFirstPayment,
    DirectDebitMandate,
    DirectDebitMandateStatus,
    DirectDebitPaymentInfo,
    DirectDebitScheduleType,
    DirectDebitSubscription,
    DirectDebitSubscriptionStatus,
    Money,
    PageMeta,
    PaymentLink,
    PaymentLinkConnection,
    PaymentLinkConnectionStatus,
    PaymentLinkPayment,
    Terminal,
    TerminalPayment,
    TerminalPaymentStatus,
)
from qonto_async.pagination import page_decoder
from qonto_async.resources.payment_links import _decode_connection, _decode_link
from qonto_async.serde import decoder, list_decoder

from ._data import OPERATIONS, _postman_path, _postman_requests, data_dir, fill_placeholders

# --- Payment links (Postman) ------------------------------------------------------------------------------------


def _postman() -> dict[str, list[Any]]:
    path = data_dir() / "postman-collections" / "payment-links.postman_collection.json"
    out: dict[str, list[Any]] = {}
    for request in _postman_requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
        name = f"{request['request']['method']} {_postman_path(request['request']['url'])}"
        bodies = [json.loads(r["body"]) for r in request.get("response", []) if 200 <= r["code"] < 300]
        out[name] = bodies
    return out


POSTMAN = _postman()
_HERE_LINKS = {
    "GET /v2/payment_links/{id}": PaymentLink,
    "PATCH /v2/payment_links/{id}/deactivate": PaymentLink,
    "POST /v2/payment_links/connections": PaymentLinkConnection,
    "GET /v2/payment_links/connections": PaymentLinkConnection,
}


def test_every_payment_link_operation_is_checked_somewhere() -> None:
    marked = {m.name for m in _coverage.covered_methods().values() if m.path.startswith("/v2/payment_links")}
    shared = {op.name for op in OPERATIONS if op.path.startswith("/v2/payment_links")}
    here = {*_HERE_LINKS, "GET /v2/payment_links/{id}/payments"}
    assert marked == set(POSTMAN) == shared | here
    assert not shared & here
    assert all(POSTMAN[name] for name in marked), "every operation has a saved 2xx example"


@pytest.mark.parametrize("name", sorted(_HERE_LINKS))
def test_unwrapped_postman_examples_decode(name: str) -> None:
    model = _HERE_LINKS[name]
    for body in POSTMAN[name]:
        assert "payment_link" not in body  # Qonto's collection shows these unwrapped
        filled = fill_placeholders(body, model)
        strict = decoder(model, strict=True)(filled)
        assert decoder(model)(filled) == strict
        # The client's own decoder reads the bare object, and the wrapped form of the create call too.
        read = _decode_link if model is PaymentLink else _decode_connection
        assert read(filled) == strict
        if model is PaymentLink:
            assert read({"payment_link": filled}) == strict
            assert isinstance(strict.amount, Money)
            assert isinstance(strict.amount.value, Decimal)
            assert all(isinstance(item.quantity, Decimal) for item in strict.items)
        else:
            assert strict.status is PaymentLinkConnectionStatus.PENDING


@pytest.mark.parametrize("paid_at", [None, "2026-04-29T12:10:26Z"])
def test_payments_list_example_decodes(paid_at: str | None) -> None:
    (body,) = POSTMAN["GET /v2/payment_links/{id}/payments"]
    # "<null,string-date-time>" is not one of the placeholders _data knows: it stands for null or a date-time.
    items = [{**item, "paid_at": paid_at} for item in body["payments"]]
    assert all(item["paid_at"] == "<null,string-date-time>" for item in body["payments"])
    filled = {
        "payments": fill_placeholders(items, tuple[PaymentLinkPayment, ...], "payments"),
        "meta": fill_placeholders(body["meta"], PageMeta, "meta"),
    }
    strict = list_decoder(PaymentLinkPayment, key="payments", strict=True)(filled)
    page = page_decoder(PaymentLinkPayment, key="payments")(filled)
    assert page.items == strict
    for payment in strict:
        assert payment.paid_at == (None if paid_at is None else datetime(2026, 4, 29, 12, 10, 26, tzinfo=UTC))
        assert payment.amount is not None
        assert isinstance(payment.amount.value, Decimal)


# --- Terminals (docs.qonto.com) -----------------------------------------------------------------------------------

# https://docs.qonto.com/api-reference/business-api/terminals/get-terminal-payment
GET_TERMINAL_PAYMENT: dict[str, Any] = {
    "terminal_payment": {
        "id": "019dd925-c6cb-7cdd-9e8f-14104f887764",
        "terminal_id": "019d7188-1476-7a74-a7da-01c57793eb93",
        "poi_id": "S1F2-000158252426226",
        "amount": {"value": "12.50", "currency": "EUR"},
        "status": "AUTHORIZED",
        "authorized_amount": {"value": "12.50", "currency": "EUR"},
        "payment_method": "visa",
        "card_summary": "4242",
        "metadata": {"order_id": "order-456", "table": "12"},
        "created_at": "2026-04-29T12:10:24Z",
        "updated_at": "2026-04-29T12:10:26Z",
        "authorized_at": "2026-04-29T12:10:26Z",
    }
}

# https://docs.qonto.com/api-reference/business-api/terminals/create-terminal-payment (the 202 answer; Qonto added
# "source" to the metadata the request sent)
CREATE_TERMINAL_PAYMENT: dict[str, Any] = {
    "terminal_payment": {
        "id": "5f8a9b2c-1d3e-4f5a-8b9c-7d6e5f4a3b2c",
        "terminal_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "amount": {"value": "13.30", "currency": "EUR"},
        "created_at": "2026-04-01T14:30:00Z",
        "metadata": {"order_id": "order-456", "table": "12", "source": "pos_vendor_identifier"},
    }
}

# The stored copy of https://docs.qonto.com/api-reference/business-api/terminals/list-terminals shows no response
# body; the page says to use each terminal's `id` for payments, and the terminal payment above carries the terminal's
# id and `poi_id`. This list is built from those two documented values.
LIST_TERMINALS: dict[str, Any] = {
    "terminals": [{"id": "019d7188-1476-7a74-a7da-01c57793eb93", "poi_id": "S1F2-000158252426226"}]
}


def test_get_terminal_payment_example_decodes() -> None:
    strict = decoder(TerminalPayment, key="terminal_payment", strict=True)(GET_TERMINAL_PAYMENT)
    assert decoder(TerminalPayment, key="terminal_payment")(GET_TERMINAL_PAYMENT) == strict
    assert strict.status is TerminalPaymentStatus.AUTHORIZED
    assert strict.amount == Money(value=Decimal("12.50"), currency="EUR")
    assert strict.authorized_amount == Money(value=Decimal("12.50"), currency="EUR")
    assert strict.metadata == {"order_id": "order-456", "table": "12"}
    assert strict.authorized_at == datetime(2026, 4, 29, 12, 10, 26, tzinfo=UTC)
    assert strict.poi_id == "S1F2-000158252426226"


def test_create_terminal_payment_example_decodes() -> None:
    strict = decoder(TerminalPayment, key="terminal_payment", strict=True)(CREATE_TERMINAL_PAYMENT)
    assert strict.status is None  # queued: the outcome comes later
    assert strict.amount == Money(value=Decimal("13.30"), currency="EUR")
    assert strict.metadata is not None
    assert strict.metadata["source"] == "pos_vendor_identifier"


def test_terminal_list_shape_decodes() -> None:
    (terminal,) = list_decoder(Terminal, key="terminals", strict=True)(LIST_TERMINALS)
    assert terminal == Terminal(id="019d7188-1476-7a74-a7da-01c57793eb93", poi_id="S1F2-000158252426226")


def test_an_unknown_terminal_payment_status_is_kept() -> None:
    body = {"terminal_payment": {**GET_TERMINAL_PAYMENT["terminal_payment"], "status": "CANCELED"}}
    assert decoder(TerminalPayment, key="terminal_payment", strict=True)(body).status == "CANCELED"


# --- SEPA direct debits (docs.qonto.com) --------------------------------------------------------------------------

# https://docs.qonto.com/api-reference/business-api/getting-paid/sepa-direct-debit/mandates/create
CREATE_MANDATE: dict[str, Any] = {
    "direct_debit_mandate": {
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "unique_mandate_reference": "01M48PB59D901CAQ8SW41DABJW",
        "client_id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
        "status": "pending_signature",
        "is_cancelable": True,
        "schedule_type": "monthly",
        "notify_client": True,
        "payment_info": {
            "first_payment": {
                "collection_date": "2026-11-15",
                "amount": {"value": "49.90", "currency": "EUR"},
                "reference": "SUBSCRIPTION-2026",
            },
            "notify_client": True,
            "schedule_type": "monthly",
            "schedule_total_collection_count": 12,
        },
        "sign_url": "https://pay.qonto.com/mandates/7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "created_at": "2026-10-06T09:30:00Z",
    }
}

# https://docs.qonto.com/api-reference/business-api/webhooks/supported-webhooks/v1-sepa-direct-debit-mandates
# (the `data` of the `accepted` event, less its `event` key: the mandate fields)
SIGNED_MANDATE: dict[str, Any] = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "unique_mandate_reference": "UMR-...",
    "status": "signed",
    "mandate_signature_date": "2025-01-24T10:55:00Z",
}

# https://docs.qonto.com/api-reference/business-api/getting-paid/sepa-direct-debit/subscriptions/create
CREATE_SUBSCRIPTION: dict[str, Any] = {
    "direct_debit_subscription": {
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "direct_debit_mandate_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "bank_account_id": "497f6eca-6276-4993-bfeb-53cbbbba6f09",
        "initial_collection_date": "2026-11-15",
        "amount": {"value": "49.90", "currency": "EUR"},
        "reference": "SUBSCRIPTION-2026",
        "status": "pending_mandate_signature",
        "schedule_type": "monthly",
        "schedule_total_collection_count": 12,
        "schedule_next_collection_date": "2026-11-15",
        "schedule_end_date": "2027-10-15",
        "notify_client": True,
        "sign_url": "https://pay.qonto.com/mandates/7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "created_at": "2026-10-06T09:30:00Z",
    }
}

# https://docs.qonto.com/api-reference/business-api/webhooks/supported-webhooks/v1-sepa-direct-debit-collections
# (the `data` of the `completed` event, less its `event` key; the stored list page shows no response body)
COLLECTION: dict[str, Any] = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "direct_debit_subscription_id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "amount": {"value": "102.34", "currency": "EUR"},
    "reference": "ref-123",
    "status": "completed",
    "collection_date": "2026-01-01",
}
_META = {
    "current_page": 1,
    "next_page": None,
    "prev_page": None,
    "total_pages": 1,
    "total_count": 1,
    "per_page": 100,
}


@pytest.mark.parametrize("strict", [True, False])
def test_create_mandate_example_decodes(strict: bool) -> None:
    mandate = decoder(DirectDebitMandate, key="direct_debit_mandate", strict=strict)(CREATE_MANDATE)
    assert mandate.status is DirectDebitMandateStatus.PENDING_SIGNATURE
    assert mandate.payment_info == DirectDebitPaymentInfo(
        first_payment=DirectDebitFirstPayment(
            collection_date=date(2026, 11, 15),
            amount=Money(value=Decimal("49.90"), currency="EUR"),
            reference="SUBSCRIPTION-2026",
        ),
        notify_client=True,
        schedule_type=DirectDebitScheduleType.MONTHLY,
        schedule_total_collection_count=12,
    )
    assert mandate.sign_url == "https://pay.qonto.com/mandates/7c9e6679-7425-40de-944b-e07fc1f90ae7"
    # As a list item (GET /v2/sepa/direct_debit_mandates).
    listed = {"direct_debit_mandates": [CREATE_MANDATE["direct_debit_mandate"]], "meta": _META}
    assert page_decoder(DirectDebitMandate, key="direct_debit_mandates")(listed).items == (mandate,)


def test_signed_mandate_fields_decode() -> None:
    mandate = decoder(DirectDebitMandate, strict=True)(SIGNED_MANDATE)
    assert mandate.status is DirectDebitMandateStatus.SIGNED
    assert mandate.mandate_signature_date == datetime(2025, 1, 24, 10, 55, tzinfo=UTC)


@pytest.mark.parametrize("strict", [True, False])
def test_create_subscription_example_decodes(strict: bool) -> None:
    sub = decoder(DirectDebitSubscription, key="direct_debit_subscription", strict=strict)(CREATE_SUBSCRIPTION)
    assert sub.status is DirectDebitSubscriptionStatus.PENDING_MANDATE_SIGNATURE
    assert sub.amount == Money(value=Decimal("49.90"), currency="EUR")
    assert sub.schedule_end_date == date(2027, 10, 15)
    assert sub.schedule_type is DirectDebitScheduleType.MONTHLY
    assert sub.schedule_total_collection_count == 12
    listed = {"direct_debit_subscriptions": [CREATE_SUBSCRIPTION["direct_debit_subscription"]], "meta": _META}
    assert page_decoder(DirectDebitSubscription, key="direct_debit_subscriptions")(listed).items == (sub,)


def test_collection_fields_decode() -> None:
    (collection,) = list_decoder(DirectDebitCollection, key="direct_debit_collections", strict=True)(
        {"direct_debit_collections": [COLLECTION], "meta": _META}
    )
    assert collection.status is DirectDebitCollectionStatus.COMPLETED
    assert collection.amount == Money(value=Decimal("102.34"), currency="EUR")
    assert collection.collection_date == date(2026, 1, 1)
    failed = decoder(DirectDebitCollection, strict=True)(
        {**COLLECTION, "status": "rejected", "status_reason": "insufficient_funds"}
    )
    assert failed.status is DirectDebitCollectionStatus.REJECTED
    assert failed.status_reason == "insufficient_funds"


def test_every_table_b_operation_of_these_groups_has_an_example_here() -> None:
    marked = {
        m.name
        for m in _coverage.covered_methods().values()
        if m.path.startswith(("/v2/terminal", "/v2/sepa/direct_debit_"))
    }
    checked = {
        "GET /v2/terminals",  # LIST_TERMINALS
        "POST /v2/terminals/{id}/payment",  # CREATE_TERMINAL_PAYMENT
        "GET /v2/terminal_payments/{id}",  # GET_TERMINAL_PAYMENT
        "GET /v2/sepa/direct_debit_mandates",  # CREATE_MANDATE as a list item, SIGNED_MANDATE
        "POST /v2/sepa/direct_debit_mandates",  # CREATE_MANDATE
        "GET /v2/sepa/direct_debit_subscriptions",  # CREATE_SUBSCRIPTION as a list item
        "POST /v2/sepa/direct_debit_subscriptions",  # CREATE_SUBSCRIPTION
        "GET /v2/sepa/direct_debit_subscriptions/{direct_debit_subscription_id}",  # same shape as the create
        "GET /v2/sepa/direct_debit_collections",  # COLLECTION
    }
    assert marked == checked
