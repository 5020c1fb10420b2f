"""The README quickstart, runnable as is: ``python examples/quickstart.py``.

With ``QONTO_LOGIN``/``QONTO_SECRET_KEY`` (and ``QONTO_ENVIRONMENT``/``QONTO_STAGING_TOKEN`` for the sandbox) set,
it reads your real organization. With no credentials, it starts a local loopback server that answers like Qonto,
so it runs offline.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from qonto_async import QontoClient, capture_responses

sys.path.insert(0, str(Path(__file__).resolve().parent))


# --- quickstart (the README shows this function) ---
async def show(qonto: QontoClient) -> None:
    org = await qonto.organization.get()
    print(f"{org.slug}: {len(org.bank_accounts)} accounts")
    account = org.bank_accounts[0]
    print(f"{account.name} {account.iban}: {account.balance} {account.currency}")

    # Qonto lists completed transactions only unless asked; accounting periods filter on settled_at.
    count = 0
    async for tx in qonto.transactions.iterate(bank_account_id=account.id, status=["pending", "completed"]):
        count += 1
        if count <= 3:
            print(f"  {tx.settled_at or 'pending'}  {tx.side:<6} {tx.amount:>9} EUR  {tx.label}")
    print(f"{count} transactions")

    with capture_responses() as responses:
        await qonto.bank_accounts.list()
    print(f"trace id of the last call (quote it to Qonto support): {responses[-1].trace_id}")


# --- end quickstart ---


async def main() -> None:
    if os.environ.get("QONTO_LOGIN") or os.environ.get("QONTO_CLIENT_ID"):
        async with QontoClient.from_env() as qonto:
            await show(qonto)
        return
    from _local_server import local_qonto

    print("No QONTO_* credentials set: running against a local loopback server that answers like Qonto.\n")
    async with local_qonto() as (environment, auth), QontoClient(auth=auth, environment=environment) as qonto:
        await show(qonto)


if __name__ == "__main__":
    asyncio.run(main())
