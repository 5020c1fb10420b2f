"""A small loopback stand-in for Qonto, so the quickstart runs with no credentials and no network.

It serves ``GET /v2/organization``, ``/v2/bank_accounts`` and ``/v2/transactions`` with deterministic data in
Qonto's shapes, checks the API key exactly, and sends ``X-Tyk-Trace-Id`` on every response. It is deliberately
small: the full fake server is ``qonto_async.testing.FakeQonto`` (in progress).
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from qonto_async import Environment, StaticKeyAuth, register_environment
from qonto_async.environments import unregister_environment

LOGIN = "pied-piper-7132"
SECRET = "62885d39f3a0ddedd3d3ee0432a43ccr"
ACCOUNTS = [
    {"id": "018f2a5e-0000-7000-8000-00000000000a", "name": "Main account", "balance": 48210.37, "main": True},
    {"id": "018f2a5e-0000-7000-8000-00000000000b", "name": "Taxes", "balance": 12000.0, "main": False},
]
LABELS = ["Coffee shop", "AWS", "Client payment", "Office rent", "Train ticket", "Payroll"]


def _account(raw: dict[str, Any], n: int) -> dict[str, Any]:
    cents = round(raw["balance"] * 100)
    return {
        "id": raw["id"],
        "slug": f"{LOGIN}-bank-account-{n}",
        "name": raw["name"],
        "iban": f"FR76167980000100000056639{n:02d}",
        "bic": "QNTOFRP1XXX",
        "currency": "EUR",
        "balance": raw["balance"],
        "balance_cents": cents,
        "authorized_balance": raw["balance"],
        "authorized_balance_cents": cents,
        "status": "active",
        "main": raw["main"],
        "updated_at": "2026-11-24T08:00:00.000Z",
    }


def _transaction(account_id: str, n: int) -> dict[str, Any]:
    settled = datetime(2026, 11, 24, 12, tzinfo=UTC) - timedelta(hours=7 * n)
    credit = n % 4 == 2
    cents = 137 * (n % 50 + 1) + 99 * (n % 7)
    return {
        "id": str(uuid.UUID(int=n + (0 if account_id.endswith("a") else 10**6))),
        "transaction_id": f"{LOGIN}-transaction-{n}",
        "bank_account_id": account_id,
        "amount": cents / 100,
        "amount_cents": cents,
        "currency": "EUR",
        "side": "credit" if credit else "debit",
        "operation_type": "transfer" if credit else "card",
        "status": "pending" if n < 2 else "completed",
        "label": LABELS[n % len(LABELS)],
        "emitted_at": (settled - timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
        "settled_at": None if n < 2 else settled.isoformat().replace("+00:00", "Z"),
        "updated_at": settled.isoformat().replace("+00:00", "Z"),
    }


@web.middleware
async def _qonto_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    trace_id = secrets.token_hex(16)
    if request.headers.get("Authorization") != f"{LOGIN}:{SECRET}":
        body = {"errors": [{"code": "unauthorized", "detail": "Invalid credentials"}], "trace_id": trace_id}
        return web.json_response(body, status=401, headers={"X-Tyk-Trace-Id": trace_id})
    response = await handler(request)
    response.headers["X-Tyk-Trace-Id"] = trace_id
    return response


async def _organization(_request: web.Request) -> web.StreamResponse:
    accounts = [_account(a, i + 1) for i, a in enumerate(ACCOUNTS)]
    return web.json_response(
        {"organization": {"id": "org-1", "slug": LOGIN, "legal_name": "Pied Piper SAS", "bank_accounts": accounts}}
    )


async def _bank_accounts(_request: web.Request) -> web.StreamResponse:
    accounts = [_account(a, i + 1) for i, a in enumerate(ACCOUNTS)]
    meta = {
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "total_pages": 1,
        "total_count": 2,
        "per_page": 100,
    }
    return web.json_response({"bank_accounts": accounts, "meta": meta})


async def _transactions(request: web.Request) -> web.StreamResponse:
    account_id = request.query.get("bank_account_id", "")
    statuses = request.query.getall("status[]", ["completed"])  # Qonto's default: completed only
    page, per_page = int(request.query.get("page", "1")), int(request.query.get("per_page", "100"))
    matching = [t for t in (_transaction(account_id, n) for n in range(230)) if t["status"] in statuses]
    items = matching[(page - 1) * per_page : page * per_page]
    pages = max(1, -(-len(matching) // per_page))
    meta = {
        "current_page": page,
        "next_page": page + 1 if page < pages else None,
        "prev_page": page - 1 if page > 1 else None,
        "total_pages": pages,
        "total_count": len(matching),
        "per_page": per_page,
    }
    return web.json_response({"transactions": items, "meta": meta})


@contextlib.asynccontextmanager
async def local_qonto() -> AsyncIterator[tuple[Environment, StaticKeyAuth]]:
    """Start the server on 127.0.0.1 (free port); yield its registered environment and a working API key."""
    app = web.Application(middlewares=[_qonto_middleware])
    app.router.add_get("/v2/organization", _organization)
    app.router.add_get("/v2/bank_accounts", _bank_accounts)
    app.router.add_get("/v2/transactions", _transactions)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    environment = register_environment(
        Environment(
            name=f"local-{port}",
            api_url=f"http://127.0.0.1:{port}",
            oauth_url=f"http://127.0.0.1:{port}/oauth",
            requires_staging_token=False,
        )
    )
    try:
        yield environment, StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    finally:
        unregister_environment(environment.name)
        await runner.cleanup()
