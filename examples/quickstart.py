"""The README quickstart, runnable as is: ``python examples/quickstart.py``.

With ``QONTO_LOGIN``/``QONTO_SECRET_KEY`` (and ``QONTO_ENVIRONMENT=sandbox``/``QONTO_STAGING_TOKEN`` for the
sandbox) set, it reads your real organization. With no credentials, it starts the embedded FakeQonto, a local
server that answers like Qonto, so it runs offline.
"""

from __future__ import annotations

# --- quickstart (the README shows this part) ---
import asyncio

from qonto_async import QontoClient, capture_responses


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


async def main() -> None:
    # QONTO_LOGIN and QONTO_SECRET_KEY; in the sandbox also QONTO_ENVIRONMENT=sandbox and QONTO_STAGING_TOKEN.
    async with QontoClient.from_env() as qonto:
        await show(qonto)


# --- end quickstart ---


async def offline() -> None:
    from qonto_async.testing import FakeQonto

    print(
        "No QONTO_* credentials set: running against the embedded FakeQonto, a local server that answers like Qonto.\n"
    )
    async with (
        FakeQonto() as fake,
        QontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto,
    ):
        await show(qonto)


def has_credentials() -> bool:
    import os

    return bool(os.environ.get("QONTO_LOGIN") or os.environ.get("QONTO_CLIENT_ID"))


if __name__ == "__main__":
    asyncio.run(main() if has_credentials() else offline())
