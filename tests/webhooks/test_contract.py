"""Qonto's documented webhook payloads and subscription bodies decode in strict mode (DESIGN §9).

The event examples exist only on docs.qonto.com ("Supported webhooks" pages): they are quoted here with their
address. The subscription examples are read from Qonto's Postman collection and the docs' create example.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from cattrs.errors import ClassValidationError

from qonto_async.models import (
    BeneficiaryEvent,
    CardEvent,
    ClientEvent,
    ClientInvoiceEvent,
    ConsentRevocationEvent,
    MembershipEvent,
    MembershipRole,
    Money,
    OrganizationEvent,
    PaymentLinkConnectionEvent,
    PaymentLinkEvent,
    TerminalPaymentEvent,
    TransactionEvent,
    WebhookSubscription,
)
from qonto_async.models.transactions import OperationType, TransactionSide, TransactionStatus
from qonto_async.serde import decoder
from qonto_async.webhooks import EVENT_TYPES, parse_event

from ..contract._data import _postman_path, _postman_requests, data_dir, fill_placeholders

_DOCS = "https://docs.qonto.com/api-reference/business-api/webhooks/supported-webhooks/"
_ENVELOPE = """
    "id": "123e4567-e89b-12d3-a456-426614174000",
    "subscription_id": "123e4567-e89b-12d3-a456-426614174000",
    "organization_id": "123e4567-e89b-12d3-a456-426614174000",
    "membership_id": "123e4567-e89b-12d3-a456-426614174000",
"""

# address -> the request example of that page (the envelope's four ids are the same on every page but one).
EXAMPLES: dict[str, str] = {
    _DOCS + "v1-transactions": "{"
    + _ENVELOPE
    + """
    "type": "v1/transactions",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {
        "event": "created",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "transaction_id": "super-transaction-6576",
        "amount": 50.01,
        "currency": "EUR",
        "local_amount": 45.01,
        "local_currency": "USD",
        "side": "debit",
        "settled_balance": 100.02,
        "operation_type": "transfer",
        "status": "completed",
        "label": "ACME Corp",
        "clean_counterparty_name": "ACME Corp",
        "note": "Business lunch",
        "reference": "INV-1234",
        "settled_at": "2025-01-24T10:54:00Z",
        "emitted_at": "2025-01-24T10:54:00Z",
        "updated_at": "2025-01-24T10:55:00Z",
        "attachment_ids": ["attachment-1", "attachment-2"],
        "subject_type": "Transfer",
        "bank_account_id": "123e4567-e89b-12d3-a456-426614174000",
        "transfer": {
            "counterparty_account_number": "123456789",
            "counterparty_account_number_format": "account_number",
            "counterparty_bank_identifier": "987654321",
            "counterparty_bank_identifier_format": "bic"
        }
    }
}""",
    _DOCS + "v1-organizations": "{"
    + _ENVELOPE
    + """
    "type": "v1/organizations",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {
        "event": "suspended",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "legal_name": "Elektro Tesla GmbH",
        "slug": "elektro-tesla-gmbh-3066",
        "locale": "de",
        "legal_country": "DE",
        "legal_form": "GmbH",
        "legal_sector": "6200Z",
        "legal_number": "12A34FC5",
        "legal_registration_date": "2022-01-01",
        "legal_share_capital": 100000,
        "contract_signed_at": "2022-12-01T08:57:00.123Z",
        "status": "suspended",
        "created_at": "2022-12-01T08:57:00.123Z",
        "updated_at": "2022-12-01T08:57:00.123Z"
    }
}""",
    _DOCS + "v1-memberships": "{"
    + _ENVELOPE
    + """
    "type": "v1/memberships",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {
        "event": "updated",
        "id": "c9f9f051-7558-451c-b310-f4b8521424aa",
        "first_name": "Bruce Thomas Patrick",
        "last_name": "Wayne",
        "email": "batman@dc-comics.com",
        "phone_number": "+49123456789",
        "position": "CEO Batman corp",
        "status": "active",
        "role": "owner",
        "locale": "en",
        "team_id": "d1f9f066-5642-462d-b421-a7d8521556bc",
        "kyc_status": "accepted"
    }
}""",
    _DOCS + "v1-consent-revocations": """{
    "id": "01968118-96ca-702f-8d57-63c23479dd5b",
    "subscription_id": "01968118-d9fe-7b06-adec-19167234406c",
    "organization_id": "01968118-ff61-71a1-8c88-9a5032bc0d28",
    "membership_id": "01968119-23e1-7650-9eb5-0268e910cf80",
    "type": "v1/consent-revocations",
    "created_at": "2025-01-01T10:00:00Z",
    "data": {
        "client_id": "01968119-8efd-7422-8a8a-75c9b45a6a69",
        "revoked_at": "2025-01-01T10:00:00Z"
    }
}""",
    _DOCS + "v1-cards": "{"
    + _ENVELOPE
    + """
    "type": "v1/cards",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {
        "event": "created",
        "id": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
        "nickname": "\U0001f4b3 for \U0001f357",
        "status": "pending",
        "masked_pan": "511768******7662",
        "exp_month": "3",
        "exp_year": "2024",
        "atm_option": true,
        "nfc_option": true,
        "online_option": true,
        "foreign_option": true,
        "atm_daily_limit": "1000.00",
        "atm_daily_limit_option": true,
        "atm_monthly_limit": "1000.00",
        "payment_monthly_limit": "1000.00",
        "payment_daily_limit": "1000.00",
        "payment_daily_limit_option": true,
        "payment_transaction_limit": "1000.00",
        "payment_transaction_limit_option": true,
        "payment_lifespan_limit": "42.00",
        "active_days": [1, 3, 5],
        "holder_id": "a2b0c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "bank_account_id": "b3c4d5e6-f7a8-9b0c-1d2e-3f4a5b6c7d8e",
        "updated_at": "2023-05-15T14:32:17Z",
        "created_at": "2023-05-15T14:30:00Z",
        "card_type": "debit",
        "card_level": "standard",
        "category_tags": ["transport", "restaurant_and_bar", "food_and_grocery"],
        "renewal": false,
        "upsell": false,
        "discarded_at": "2022-11-31"
    }
}""",
    _DOCS + "v1-payment-links": "{"
    + _ENVELOPE
    + """
    "type": "v1/payment-links",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {
        "event": "created",
        "status": "open",
        "payment_link_id": "0199e1de-4fa1-7324-9aed-0b0f6a65243e",
        "amount": {"currency": "EUR", "value": "77052.50"},
        "potential_payment_methods": ["bank_transfer", "credit_card", "apple_pay", "paypal"],
        "resource_id": "0199e1de-4e01-72b7-86a0-fbe4e0475d56",
        "resource_metadata": {"invoice_number": "H2025-343"},
        "resource_type": "Invoice",
        "expired_at": "2026-10-14T08:37:47Z",
        "created_at": "2025-10-14T08:37:47Z",
        "updated_at": "2025-10-14T08:37:47Z"
    }
}""",
    _DOCS + "v1-payment-links-connections": "{"
    + _ENVELOPE
    + """
    "type": "v1/payment-links-connections",
    "created_at": "2025-01-24T10:55:00Z",
    "data": {"event": "connection_enabled"}
}""",
    _DOCS + "v1-beneficiaries": "{"
    + _ENVELOPE
    + """
    "type": "v1/beneficiaries",
    "created_at": "2025-01-27T22:05:07.000Z",
    "data": {
        "event": "created",
        "id": "ce91bc4e-68d6-4ab0-bfab-4a9403f7f316",
        "name": "Alice In Wonderland",
        "status": "pending",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "trusted": true,
        "created_at": "2021-01-27T22:05:07.000Z",
        "updated_at": "2021-01-27T22:05:07.000Z"
    }
}""",
    _DOCS + "v1-clients": "{"
    + _ENVELOPE
    + """
    "type": "v1/clients",
    "created_at": "2025-01-27T22:05:07.000Z",
    "data": {
        "event": "created",
        "id": "ce91bc4e-68d6-4ab0-bfab-4a9403f7f316",
        "kind": "company",
        "type": "company",
        "name": "Acme SAS",
        "email": "billing@acme.example",
        "extra_emails": ["accounting@acme.example"],
        "phone": {"country_code": "+33", "number": "612345678"},
        "phone_number": "+33612345678",
        "tax_identification_number": "FR12345678901",
        "vat_number": "FR12345678901",
        "locale": "fr",
        "currency": "EUR",
        "address": "10 Rue de Rivoli",
        "city": "Paris",
        "zip_code": "75001",
        "country_code": "FR",
        "billing_address": {
            "street_address": "10 Rue de Rivoli",
            "zip_code": "75001",
            "city": "Paris",
            "country_code": "FR"
        },
        "created_at": "2025-01-24T10:54:00Z",
        "updated_at": "2025-01-24T10:55:00Z"
    }
}""",
    _DOCS + "v1-terminal-payments": "{"
    + _ENVELOPE
    + """
    "type": "v1/terminal-payments",
    "created_at": "2026-04-28T13:02:32Z",
    "data": {
        "event": "authorized",
        "id": "019dd42e-87cf-7072-863e-7fef8714c2c0",
        "terminal_id": "019d7188-1476-7a74-a7da-01c57793eb93",
        "poi_id": "S1F2-000158244717080",
        "amount": {"value": "20.00", "currency": "EUR"},
        "authorized_amount": {"value": "21.00", "currency": "EUR"},
        "tip_amount": {"value": "1.00", "currency": "EUR"},
        "payment_method": "cartebancaire",
        "card_summary": "2120",
        "metadata": "{\\"order_id\\": \\"zelty-order-456\\"}",
        "created_at": "2026-04-28T13:01:52Z",
        "authorized_at": "2026-04-28T13:02:00Z"
    }
}""",
}

_CLASSES = {
    "v1/transactions": TransactionEvent,
    "v1/organizations": OrganizationEvent,
    "v1/memberships": MembershipEvent,
    "v1/consent-revocations": ConsentRevocationEvent,
    "v1/cards": CardEvent,
    "v1/payment-links": PaymentLinkEvent,
    "v1/payment-links-connections": PaymentLinkConnectionEvent,
    "v1/beneficiaries": BeneficiaryEvent,
    "v1/clients": ClientEvent,
    "v1/terminal-payments": TerminalPaymentEvent,
}


@pytest.mark.parametrize("url", sorted(EXAMPLES), ids=lambda u: u.rsplit("/", 1)[1])
def test_documented_event_decodes_strictly(url: str) -> None:
    raw = json.loads(EXAMPLES[url])
    cls = _CLASSES[raw["type"]]
    # Strict: a documented field the model lacks fails here.
    strict: Any = decoder(cls, strict=True)(raw)
    event = parse_event(EXAMPLES[url].encode())
    assert type(event) is cls
    assert event == strict
    assert event.raw["data"].keys() == raw["data"].keys()
    assert event.id == raw["id"]
    assert event.type == raw["type"]
    assert event.created_at is not None
    assert event.created_at.tzinfo is not None


def test_every_documented_type_has_an_example_or_a_reason() -> None:
    # v1/accounts: the page shows no payload; v1/client-invoices: checked below on its (long) example's head.
    assert set(_CLASSES) == set(EVENT_TYPES) - {"v1/accounts", "v1/client-invoices"}


def test_transaction_values() -> None:
    event = parse_event(EXAMPLES[_DOCS + "v1-transactions"].encode())
    assert isinstance(event, TransactionEvent)
    data = event.data
    assert (data.amount, data.local_amount, data.settled_balance) == (
        Decimal("50.01"),
        Decimal("45.01"),
        Decimal("100.02"),
    )
    assert data.side is TransactionSide.DEBIT
    assert data.status is TransactionStatus.COMPLETED
    assert data.operation_type is OperationType.TRANSFER
    assert data.attachment_ids == ("attachment-1", "attachment-2")
    assert data.transfer is not None
    assert data.transfer.counterparty_bank_identifier_format == "bic"
    # The other example on the same page sends the amounts as strings: they read the same way.
    as_strings = json.loads(EXAMPLES[_DOCS + "v1-transactions"])
    as_strings["data"].update(amount="50.00", local_amount="45.00", settled_balance="100.00")
    other = parse_event(json.dumps(as_strings).encode())
    assert isinstance(other, TransactionEvent)
    assert (other.data.amount, other.data.settled_balance) == (Decimal("50.00"), Decimal("100.00"))


def test_other_values() -> None:
    org = parse_event(EXAMPLES[_DOCS + "v1-organizations"].encode())
    assert isinstance(org, OrganizationEvent)
    assert org.data.legal_registration_date == date(2022, 1, 1)
    assert org.data.legal_share_capital == Decimal(100000)
    member = parse_event(EXAMPLES[_DOCS + "v1-memberships"].encode())
    assert isinstance(member, MembershipEvent)
    assert member.data.role is MembershipRole.OWNER
    revoked = parse_event(EXAMPLES[_DOCS + "v1-consent-revocations"].encode())
    assert isinstance(revoked, ConsentRevocationEvent)
    assert revoked.data.revoked_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    card = parse_event(EXAMPLES[_DOCS + "v1-cards"].encode())
    assert isinstance(card, CardEvent)
    assert card.data.payment_lifespan_limit == Decimal("42.00")
    assert card.data.active_days == (1, 3, 5)
    assert card.data.discarded_at == "2022-11-31"  # not a calendar date: kept as sent
    link = parse_event(EXAMPLES[_DOCS + "v1-payment-links"].encode())
    assert isinstance(link, PaymentLinkEvent)
    assert link.data.amount == Money(value=Decimal("77052.50"), currency="EUR")
    assert link.data.resource_metadata is not None
    assert link.data.resource_metadata.invoice_number == "H2025-343"
    terminal = parse_event(EXAMPLES[_DOCS + "v1-terminal-payments"].encode())
    assert isinstance(terminal, TerminalPaymentEvent)
    assert terminal.data.authorized_amount == Money(value=Decimal("21.00"), currency="EUR")
    assert terminal.data.metadata == '{"order_id": "zelty-order-456"}'


# https://docs.qonto.com/api-reference/business-api/webhooks/supported-webhooks/v1-client-invoices.md: the head of
# the request example (the rest of the invoice, items and addresses, stays in event.raw).
CLIENT_INVOICE = {
    "id": "123e4567-e89b-12d3-a456-426614174000",
    "subscription_id": "123e4567-e89b-12d3-a456-426614174000",
    "organization_id": "123e4567-e89b-12d3-a456-426614174000",
    "membership_id": "123e4567-e89b-12d3-a456-426614174000",
    "type": "v1/client-invoices",
    "created_at": "2025-01-27T22:05:07.000Z",
    "data": {
        "id": "4d5418bb-bd0d-4df4-865c-c07afab8bb48",
        "number": "INV001",
        "purchase_order": "<string>",
        "status": "paid",
        "contact_email": "contact@qonto.com",
        "terms_and_conditions": "This is an example.",
        "currency": "EUR",
        "total_amount": {"value": "12.52", "currency": "EUR"},
        "vat_amount": {"value": "0.51", "currency": "EUR"},
        "issue_date": "2022-03-01",
        "due_date": "2022-03-01",
        "performance_date": "2022-03-01",
        "performance_start_date": "2022-03-01",
        "performance_end_date": "2022-03-31",
        "created_at": "2022-03-04T17:58:30+02:00",
        "finalized_at": "2022-03-04T17:58:30+02:00",
        "paid_at": "2022-03-04T17:58:30+02:00",
    },
}


def test_client_invoice_event_summary() -> None:
    event = parse_event(json.dumps(CLIENT_INVOICE).encode())
    assert isinstance(event, ClientInvoiceEvent)
    assert event.data.total_amount == Money(value=Decimal("12.52"), currency="EUR")
    assert event.data.performance_end_date == date(2022, 3, 31)
    assert event.data.paid_at == datetime(2022, 3, 4, 15, 58, 30, tzinfo=UTC)
    # Long-form fields are not modelled: the raw body keeps them.
    assert event.raw["data"]["terms_and_conditions"] == "This is an example."


# --- Subscriptions -----------------------------------------------------------------------------------------------


def _postman_subscription_bodies() -> list[tuple[str, Any]]:
    path = data_dir() / "postman-collections" / "webhooks.postman_collection.json"
    out = []
    for request in _postman_requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
        route = (request["request"]["method"], _postman_path(request["request"]["url"]))
        for response in request.get("response", []):
            if (200 <= response["code"] < 300 and response.get("body") and route[1].endswith("{id}")) or (
                route == ("POST", "/v2/webhook_subscriptions") and response["code"] == 201
            ):
                out.append((f"{route[0]} {route[1]} [{response['code']}]", json.loads(response["body"])))
    return out


POSTMAN = _postman_subscription_bodies()


def test_postman_has_the_three_unwrapped_subscription_bodies() -> None:
    assert sorted(name for name, _ in POSTMAN) == [
        "GET /v2/webhook_subscriptions/{id} [200]",
        "POST /v2/webhook_subscriptions [201]",
        "PUT /v2/webhook_subscriptions/{id} [200]",
    ]


@pytest.mark.parametrize(("name", "body"), POSTMAN, ids=[n for n, _ in POSTMAN])
def test_postman_subscription_decodes_strictly(name: str, body: Any) -> None:
    filled = fill_placeholders(body, WebhookSubscription)
    strict = decoder(WebhookSubscription, strict=True)(filled)
    assert decoder(WebhookSubscription)(filled) == strict
    assert strict.types
    assert strict.types[0].startswith("v1/")
    assert ("secret" in body) == name.startswith("POST")


def test_docs_create_example_decodes_and_hides_the_secret() -> None:
    # https://docs.qonto.com/api-reference/business-api/webhooks/create-a-webhook-subscription (201 example).
    body = {
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "organization_id": "123e4567-e89b-12d3-a456-426614174000",
        "membership_id": "123e4567-e89b-12d3-a456-426614174000",
        "callback_url": "https://api.partner.com/webhooks/qonto",
        "types": ["v1/transactions", "v1/organizations", "v1/memberships", "v1/consent-revocations"],
        "description": "Production webhook for transactions",
        "created_at": "2025-01-24T10:55:00Z",
        "updated_at": "2025-01-24T10:55:00Z",
        "secret": "whsec_VuvcYxzMbryt1UBytq58jtGBxCgbQdzX/c0vj5ZLjUA=",
    }
    subscription = decoder(WebhookSubscription, strict=True)(body)
    assert subscription.secret == body["secret"]
    assert body["secret"] not in repr(subscription)
    assert subscription.created_at == datetime(2025, 1, 24, 10, 55, tzinfo=UTC)


def test_strict_mode_reports_an_unknown_field() -> None:
    raw = json.loads(EXAMPLES[_DOCS + "v1-beneficiaries"])
    raw["data"]["brand_new_field"] = 1
    with pytest.raises(ClassValidationError):
        decoder(BeneficiaryEvent, strict=True)(raw)
    # Production mode ignores it; the raw body keeps it.
    event = parse_event(json.dumps(raw).encode())
    assert isinstance(event, BeneficiaryEvent)
    assert event.raw["data"]["brand_new_field"] == 1
