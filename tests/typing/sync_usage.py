"""Checked by mypy --strict in tests/test_sync.py: the sync API's types follow the async definitions."""

from __future__ import annotations

from typing import assert_type

from qonto_async import Page, StaticKeyAuth, SyncQontoClient
from qonto_async.models import BankAccount, Organization, Transaction
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
    assert_type(qonto.with_options(timeout=5), SyncQontoClient)


with SyncQontoClient(
    auth=StaticKeyAuth(login="pied-piper-7132", secret_key="62885d39f3a0ddedd3d3ee0432a43ccr")
) as q:
    use(q)
