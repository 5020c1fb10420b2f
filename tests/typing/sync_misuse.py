"""Must FAIL mypy --strict with exactly four errors (tests/test_sync.py checks them)."""

from __future__ import annotations

from qonto_async import SyncQontoClient
from qonto_async.models import BankAccount


def misuse(qonto: SyncQontoClient) -> None:
    qonto.transactions.list(bank_account_id="a", per_page="50")  # per_page is an int
    qonto.organization.get(unknown=True)  # no such parameter
    account: BankAccount = qonto.organization.get()  # returns an Organization
    print(account)


SyncQontoClient.from_env(enviroment="sandbox")  # misspelled keyword
