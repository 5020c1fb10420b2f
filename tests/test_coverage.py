"""``docs/coverage.md`` is up to date, and every ``@operation`` mark matches Qonto's data and the request sent."""

from __future__ import annotations

import inspect
import re
import warnings
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import _coverage
from qonto_async.files import UploadFile
from qonto_async.models import (
    BulkTransferItem,
    ExternalTransferItem,
    InvoiceItemInput,
    Money,
    MultiTransferItem,
    NewCard,
    PayeeVerificationRequest,
    ReminderRuleInput,
)
from qonto_async.pagination import AsyncPaginator
from qonto_async.resources._base import Operation
from qonto_async.session import Request
from tests._recorder import Recorder, Sent

COVERED = _coverage.covered_methods()
DOCUMENTED = {op.name: op for op in _coverage.documented_operations()}


def test_coverage_file_is_up_to_date() -> None:
    expected = _coverage.render()
    current = _coverage.COVERAGE_FILE.read_text(encoding="utf-8") if _coverage.COVERAGE_FILE.exists() else ""
    assert current == expected, f"docs/coverage.md is out of date; regenerate it with: {_coverage.COMMAND}"


def test_the_inventory_has_the_counts_of_qonto_api_md() -> None:
    # qonto-api.md §3.0: 125 distinct operations in the Postman export, 28 in table B, 9 in table C.
    tables = [op.table for op in DOCUMENTED.values()]
    assert (tables.count("A"), tables.count("B"), tables.count("C")) == (125, 28, 9)


def test_the_check_mode_passes() -> None:
    assert _coverage.main(["--check"]) == 0


@pytest.mark.parametrize("name", sorted(COVERED))
def test_every_mark_names_a_documented_operation(name: str) -> None:
    assert COVERED[name].name in DOCUMENTED, f"{name} is marked {COVERED[name].name}, which qonto-api.md §3 lacks"


# Sample arguments by parameter name, for the parameters a method requires (or, like transactions' account, needs).
_SAMPLES: dict[str, Any] = {
    "id": "sample-id",
    "transaction_id": "sample-transaction",
    "token": "sample-sca-token",
    "decision": "allow",
    "bank_account_id": "sample-account",
    "debit_iban": "FR7616958000010000000000001",
    "credit_iban": "FR7616958000010000000000002",
    "reference": "sample",
    "amount": Decimal("1.00"),
    # Uploads and business account writes (issue 4, files).
    "file": UploadFile.from_bytes(b"%PDF-1.4\n%%EOF", filename="sample.pdf"),
    "attachment_id": "sample-attachment",
    "dest": "sample.pdf",
    # SEPA transfers (tests/integration/test_sepa_transfers.py exercises them for real).
    "vop_proof_token": "sample-proof",
    "beneficiary_id": "sample-beneficiary",
    "frequency": "monthly",
    "first_execution_date": "2026-01-01",
    "transfers": [BulkTransferItem(amount="1.00", reference="sample", beneficiary_id="sample-beneficiary")],
    "requests": [PayeeVerificationRequest(id="sample", iban="FR7616958000010000000000003", beneficiary_name="n")],
    # Requests, beneficiary and cash-flow writes, legacy routes (tests/integration/test_requests_write.py,
    # test_beneficiaries_write.py, test_cash_flow.py, test_legacy.py exercise them for real).
    "slug": "sample-slug",
    "category_id": "sample-category",
    "note": "sample",
    "declined_note": "sample",
    "ids": ["sample-id"],
    "transaction_ids": ["sample-transaction"],
}
# Samples for one method only, where a name means something else elsewhere (transactions.list refuses an ``iban``
# beside its ``bank_account_id``).
_SAMPLES_FOR: dict[str, dict[str, Any]] = {
    "bank_accounts.create": {"name": "Sample account"},
    # Client invoices, credit notes, reminders (tests/integration/test_client_invoices.py exercises them for real).
    "client_invoices.create": {
        "client_id": "sample-client",
        "issue_date": "2026-01-01",
        "due_date": "2026-01-31",
        "iban": "FR7616958000010000000000001",
        "items": [
            InvoiceItemInput(
                title="t", quantity="1", unit_price=Money(value=Decimal("1"), currency="EUR"), vat_rate="0.2"
            )
        ],
    },
    "client_invoices.update": {"number": "INV-1"},
    "client_invoices.send": {"send_to": ["sample@example.com"]},
    "client_invoices.bulk_import": {"files": [UploadFile.from_bytes(b"%PDF-1.4\n%%EOF", filename="sample.pdf")]},
    "reminders.create": {
        "client_id": "sample-client",
        "send_to": ["sample@example.com"],
        "rules": [ReminderRuleInput(offset_days=7, email_title="Reminder")],
    },
    "bank_accounts.update": {"name": "Sample account"},
    # Clients, quotes, products, supplier invoices (tests/integration/test_clients_quotes_products.py and
    # test_supplier_invoices.py exercise them for real).
    "clients.create": {"kind": "company", "name": "Sample"},
    "clients.update": {"name": "Sample"},
    "quotes.create": {
        "client_id": "sample-client",
        "issue_date": "2026-01-01",
        "expiry_date": "2026-02-01",
        "items": [
            InvoiceItemInput(
                title="Sample",
                quantity="1",
                unit_price=Money(value=Decimal("10.00"), currency="EUR"),
                vat_rate="0.2",
            )
        ],
    },
    "quotes.update": {"footer": "Sample"},
    "quotes.send": {"send_to": ["sample@example.com"]},
    "products.create": {
        "title": "Sample",
        "type": "service",
        "unit_price": Money(value=Decimal("10.00"), currency="EUR"),
        "vat_rate": "0.2",
    },
    "supplier_invoices.bulk_create": {"files": [UploadFile.from_bytes(b"%PDF-1.4\n%%EOF", filename="sample.pdf")]},
    "supplier_invoices.mark_as_paid": {"payment_date": "2026-01-01"},
    "sepa_transfers.verify_payee": {"iban": "FR7616958000010000000000003", "beneficiary_name": "Sample Payee"},
    # International transfers (tests/integration/test_international.py exercises them for real).
    "international.list_currencies": {"source": "EUR"},
    "international.create_quote": {
        "source_currency": "EUR",
        "target_currency": "USD",
        "source_amount": Decimal("100.00"),
    },
    "international.beneficiary_requirements": {"quote_id": "sample-quote", "currency": "USD"},
    "international.list_beneficiaries": {"currency": "USD"},
    "international.iterate_beneficiaries": {"currency": "USD"},
    "international.create_beneficiary": {
        "quote_id": "sample-quote",
        "currency": "USD",
        "type": "swift_code",
        "details": {"swiftCode": "BOFAUS3NXXX"},
    },
    "international.update_beneficiary": {
        "quote_id": "sample-quote",
        "currency": "USD",
        "type": "swift_code",
        "details": {"swiftCode": "BOFAUS3NXXX"},
    },
    "international.transfer_requirements": {"quote_id": "sample-quote", "target_account_id": "123456"},
    "international.create_transfer": {"quote_id": "sample-quote", "target_account_id": "123456"},
    "memberships.create": {
        "email": "sample@example.com",
        "first_name": "Sample",
        "last_name": "Member",
        "role": "employee",
    },
    "beneficiaries.create": {"name": "Sample", "iban": "FR7616958000010000000000003"},
    "beneficiaries.update": {"name": "Sample"},
    "requests.approve": {"request_type": "transfers"},
    "requests.decline": {"request_type": "transfers"},
    "cash_flow_categories.create": {"name": "Sample", "type": "CATEGORY_TYPE_OUTFLOW"},
    "cash_flow_categories.create_subcategory": {"name": "Sample"},
    # Webhook subscriptions (tests/webhooks/test_subscriptions.py exercises them for real).
    "webhook_subscriptions.create": {"callback_url": "https://example.com/hooks", "types": ["v1/transactions"]},
    "webhook_subscriptions.update": {"description": "Sample"},
    "requests.create_multi_transfer": {
        "transfers": [MultiTransferItem(amount="1.00", credit_iban="FR76", credit_account_name="n", reference="r")]
    },
    "legacy.checkout_external_transfers": {
        "transfers": [
            ExternalTransferItem(amount="1.00", credit_iban="FR76", credit_account_name="n", reference="r")
        ]
    },
}
# Cards, teams, Embed and insurance contracts (tests/integration/test_cards.py and test_teams_embed_insurance.py
# exercise them for real).
_SAMPLE_CARD = NewCard(card_level="virtual", holder_id="h", bank_account_id="b", organization_id="o")
_SAMPLES_FOR.update(
    {
        "cards.create": {"card": _SAMPLE_CARD},
        "cards.bulk_create": {"cards": [_SAMPLE_CARD]},
        "cards.update_limits": {"payment_monthly_limit": 100},
        "cards.update_restrictions": {"active_days": [1]},
        "cards.update_options": {"nfc_option": True},
        "cards.update_nickname": {"nickname": "Sample"},
        "teams.create": {"name": "Sample"},
        "embed_auth_links.create": {
            "post_authn_action": "create_payment_link",
            "callback_url": "https://partner.example/back",
        },
        "encoded_requests.dispatch": {"data": "sample"},
        "insurance_contracts.create": {
            "name": "Sample",
            "contract_id": "c-1",
            "origin": "insurance_hub",
            "provider_slug": "axa",
            "type": "business_liability",
            "status": "active",
            "start_date": "2026-01-01",
            "payment_frequency": "month",
            "price": Money(value=Decimal("9.99"), currency="EUR"),
        },
        "insurance_contracts.update": {"name": "Sample"},
        "insurance_contracts.upload_attachment": {"name": "Sample", "type": "contract"},
    }
)

# Payment links, terminals and SEPA direct debits (tests/integration/test_payment_links.py and
# test_terminals_direct_debits.py exercise them for real).
_SAMPLES_FOR.update(
    {
        "payment_links.create_connection": {
            "partner_callback_url": "https://partner.example/back",
            "user_bank_account_id": "sample-account",
            "user_phone_number": "+33600000000",
            "user_website_url": "https://shop.example",
            "business_description": "Sample",
        },
        "payment_links.create": {
            "items": [
                {
                    "title": "Sample",
                    "quantity": "1",
                    "unit_price": Money(value=Decimal("1.00"), currency="EUR"),
                    "vat_rate": "0.2",
                    "type": "good",
                    "description": "Sample",
                    "measure_unit": "unit",
                }
            ],
            "potential_payment_methods": ["credit_card"],
        },
        "payment_links.list_payment_methods": {"amount": Decimal("1.00"), "currency": "EUR", "locale": "fr"},
        "payment_links.list": {"status": "open", "sort_by": "amount:desc", "page": 1, "per_page": 10},
        "payment_links.list_payments": {
            "status": "failed",
            "sort_by": "creation_date:desc",
            "page": 1,
            "per_page": 10,
        },
        "terminals.create_payment": {"metadata": {"order_id": "sample"}},
        "direct_debits.create_mandate": {"client_id": "sample-client"},
        "direct_debits.create_subscription": {
            "client_id": "sample-client",
            "initial_collection_date": "2026-01-01",
        },
        "direct_debits.get_subscription": {"direct_debit_subscription_id": "sample-subscription"},
    }
)


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


async def _built_request(name: str) -> Request[Any]:
    namespace, attribute = name.split(".")
    recorder = Recorder()
    resource = _coverage.resource_classes()[namespace](recorder)  # type: ignore[arg-type]
    method = getattr(resource, attribute)
    parameters = inspect.signature(method).parameters
    kwargs = {p: value for p, value in _SAMPLES.items() if p in parameters}
    kwargs.update(_SAMPLES_FOR.get(name, {}))
    with warnings.catch_warnings():
        # Table C methods warn, naming their replacement; tests/integration/test_legacy.py checks the warning.
        warnings.simplefilter("ignore", DeprecationWarning)
        result = method(**kwargs)
        pending = result.pages().__anext__() if isinstance(result, AsyncPaginator) else result
        with pytest.raises(Sent):
            await pending
    (request,) = recorder.sent
    return request


@pytest.mark.parametrize("name", sorted(COVERED))
async def test_the_request_sent_is_the_marked_operation(name: str) -> None:
    mark: Operation = COVERED[name]
    request = await _built_request(name)
    assert request.method == mark.method
    assert _template(mark.path).match(request.path), (request.path, mark.path)
    documented_query = _coverage.postman_query_names().get(mark.name)
    if documented_query is not None and DOCUMENTED[mark.name].table == "A":
        sent = {key for key, _ in request.params}
        assert sent <= documented_query, f"{name} sends {sent - documented_query}, not documented for {mark.name}"


# Every filter a list method takes, so that each parameter name it can send is checked against Qonto's data.
_FULL: dict[str, dict[str, Any]] = {
    "transactions.list": {
        "bank_account_id": "a",
        "status": ["pending"],
        "updated_at_from": "2026-01-01T00:00:00Z",
        "updated_at_to": "2026-01-02T00:00:00Z",
        "settled_at_from": "2026-01-01T00:00:00Z",
        "settled_at_to": "2026-01-02T00:00:00Z",
        "emitted_at_from": "2026-01-01T00:00:00Z",
        "emitted_at_to": "2026-01-02T00:00:00Z",
        "side": "debit",
        "operation_type": ["card"],
        "with_attachments": True,
        "includes": ["labels"],
        "sort_by": "settled_at:asc",
        "page": 1,
        "per_page": 10,
    },
    "statements.list": {
        "bank_account_ids": ["a"],
        "period_from": "2025-01-01",
        "period_to": "2025-02-01",
        "sort_by": "period:asc",
        "page": 1,
        "per_page": 10,
    },
    "labels.list": {"page": 1, "per_page": 10},
    "client_invoices.list": {
        "status": ["draft", "paid"],
        "created_at_from": "2026-01-01T00:00:00Z",
        "created_at_to": "2026-01-02T00:00:00Z",
        "updated_at_from": "2026-01-01T00:00:00Z",
        "updated_at_to": "2026-01-02T00:00:00Z",
        "exclude_imported": False,
        "sort_by": "created_at:asc",
        "page": 1,
        "per_page": 10,
    },
    "credit_notes.list": {
        "created_at_from": "2026-01-01T00:00:00Z",
        "created_at_to": "2026-01-02T00:00:00Z",
        "sort_by": "created_at:desc",
        "page": 1,
        "per_page": 10,
    },
    "memberships.list": {"page": 1, "per_page": 10},
    "bank_accounts.list": {"page": 1, "per_page": 10},
    "supplier_invoices.list": {
        "status": ["to_pay", "paid"],
        "created_at_from": "2026-01-01T00:00:00Z",
        "created_at_to": "2026-01-02T00:00:00Z",
        "updated_at_from": "2026-01-01T00:00:00Z",
        "updated_at_to": "2026-01-02T00:00:00Z",
        "issue_date_from": "2026-01-01",
        "document_type": ["duplicates"],
        "due_date": ["missing_date"],
        "payment_date": "this_week",
        "issue_date": "this_week",
        "attachment_id": ["a1", "a2"],
        "approver_id": ["u1"],
        "payable_amount": "lte:100.00:EUR",
        "missing_data": True,
        "matched_transactions": False,
        "exclude_credit_notes": True,
        "query": "acme",
        "query_fields": "supplier_name",
        "sort_by": "created_at:desc",
        "page": 1,
        "per_page": 10,
    },
}


@pytest.mark.parametrize("name", sorted(_FULL))
async def test_every_query_parameter_is_documented(name: str) -> None:
    namespace, attribute = name.split(".")
    recorder = Recorder()
    resource = _coverage.resource_classes()[namespace](recorder)  # type: ignore[arg-type]
    with pytest.raises(Sent):
        await getattr(resource, attribute)(**_FULL[name])
    (request,) = recorder.sent
    documented = _coverage.postman_query_names()[COVERED[name].name]
    sent = {key for key, _ in request.params}
    assert sent <= documented, f"{name} sends {sent - documented}, not documented"


@pytest.mark.parametrize(
    ("operation", "names"), sorted(_coverage.OUTSIDE_RESOURCES.items()), ids=sorted(_coverage.OUTSIDE_RESOURCES)
)
def test_the_oauth_host_operations_name_real_helpers(operation: str, names: tuple[str, ...]) -> None:
    import qonto_async

    assert operation in DOCUMENTED
    for name in names:
        target: Any = qonto_async
        for part in name.split("."):
            target = getattr(target, part)
        assert callable(target), name
