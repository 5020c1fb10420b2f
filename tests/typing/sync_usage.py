"""Checked by mypy --strict in tests/test_sync.py: the sync API's types follow the async definitions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import assert_type

from qonto_async import Page, StaticKeyAuth, SyncQontoClient
from qonto_async.models import (
    ApprovalRequest,
    Attachment,
    BankAccount,
    InternalTransfer,
    Label,
    Membership,
    Organization,
    ScaSession,
    SepaBeneficiary,
    Statement,
    Subscription,
    Transaction,
)
from qonto_async.sync import SyncPaginator


def use(qonto: SyncQontoClient) -> None:
    assert_type(qonto.organization.get(), Organization)
    assert_type(qonto.organization.get(include_external_accounts=True), Organization)
    assert_type(qonto.bank_accounts.list(page=1, per_page=10), Page[BankAccount])
    assert_type(qonto.bank_accounts.get("id"), BankAccount)
    assert_type(qonto.transactions.list(bank_account_id="a", status=["pending"]), Page[Transaction])
    assert_type(qonto.transactions.get("id", includes=["labels"]), Transaction)
    paginator = qonto.transactions.iterate(bank_account_id="a", per_page=50)
    assert_type(paginator, SyncPaginator[Transaction])
    for tx in paginator:
        assert_type(tx, Transaction)
    assert_type(qonto.oauth.revoke_consents(), None)
    assert_type(qonto.labels.list(page=1), Page[Label])
    assert_type(qonto.labels.get("id"), Label)
    assert_type(qonto.labels.iterate(per_page=10), SyncPaginator[Label])
    assert_type(qonto.memberships.list(), Page[Membership])
    assert_type(qonto.memberships.iterate(), SyncPaginator[Membership])
    assert_type(qonto.memberships.get_current(), Membership)
    assert_type(
        qonto.internal_transfers.create(debit_iban="a", credit_iban="b", reference="r", amount=Decimal("1.00")),
        InternalTransfer,
    )
    assert_type(qonto.attachments.get("id"), Attachment)
    assert_type(qonto.statements.list(ibans=["FR76"], period_from=date(2025, 1, 1)), Page[Statement])
    assert_type(qonto.statements.iterate(sort_by="period:asc"), SyncPaginator[Statement])
    assert_type(qonto.statements.get("id"), Statement)
    assert_type(qonto.attachments.list_for_transaction("tx", per_page=10), Page[Attachment])
    assert_type(qonto.attachments.iterate_for_transaction("tx"), SyncPaginator[Attachment])
    assert_type(qonto.beneficiaries.list(ibans=["FR76"], status="validated", trusted=True), Page[SepaBeneficiary])
    assert_type(qonto.beneficiaries.iterate(sort_by="updated_at:desc"), SyncPaginator[SepaBeneficiary])
    assert_type(qonto.beneficiaries.get("id"), SepaBeneficiary)
    assert_type(qonto.requests.list(status=["pending"], request_type="transfer"), Page[ApprovalRequest])
    assert_type(qonto.requests.iterate(sort_by="created_at:asc"), SyncPaginator[ApprovalRequest])
    assert_type(qonto.organization.get_subscription(), Subscription)
    assert_type(qonto.bank_accounts.download_iban_certificate("id", locale="fr"), bytes)
    assert_type(qonto.sca.get_session("token"), ScaSession)
    assert_type(qonto.sca.get_mocked_session("token"), ScaSession)
    assert_type(qonto.sca.mock_decision("token", "allow"), None)
    assert_type(qonto.with_options(timeout=5), SyncQontoClient)


with SyncQontoClient(
    auth=StaticKeyAuth(login="pied-piper-7132", secret_key="62885d39f3a0ddedd3d3ee0432a43ccr")
) as q:
    use(q)
