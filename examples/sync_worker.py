"""Sync worker threads sharing one SyncQontoClient: ``python examples/sync_worker.py``.

Reads credentials from QONTO_* variables; with none set, it runs against an embedded FakeQonto.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from qonto_async import SyncQontoClient
from qonto_async.testing import fake_in_thread


def account_summary(qonto: SyncQontoClient, account_id: str) -> str:
    # Any number of threads may call the same client: one pool, one refresh lock.
    account = qonto.bank_accounts.get(account_id)
    settled = sum(1 for _ in qonto.transactions.iterate(bank_account_id=account_id))
    return f"{account.name}: {account.balance} {account.currency}, {settled} completed transactions"


def run(qonto: SyncQontoClient) -> None:
    org = qonto.organization.get()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for line in pool.map(lambda a: account_summary(qonto, a.id), org.bank_accounts):
            print(line)


if __name__ == "__main__":
    if os.environ.get("QONTO_LOGIN") or os.environ.get("QONTO_CLIENT_ID"):
        with SyncQontoClient.from_env() as client:
            run(client)
    else:
        with (
            fake_in_thread() as fake,
            SyncQontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            ) as client,
        ):
            run(client)
