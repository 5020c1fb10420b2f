"""FakeQonto: business account writes (qonto-api.md §3.1 rows 13, 15, 16).

All three are OAuth only with scope ``bank_account.write``; creating one requires the idempotency key (§7); closing
one is an SCA action in Qonto's collection (add ``"POST /v2/bank_accounts/{id}/close"`` to
``fake.sca.require_for`` to have the fake ask for it). Closing follows the collection's restrictions: not the main
account, not an account with a non-zero balance, not an external account. The 422 codes for those are the fake's
own (Qonto documents none).

State lives in ``fake.stores["bank_accounts_write"]`` (a :class:`BankAccountStore`): the accounts created, and the
renamed or closed versions of seeded ones. :meth:`BankAccountStore.accounts` and :meth:`BankAccountStore.account`
give the current view of every account.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "BankAccountStore", "store"]

STORE: Final = "bank_accounts_write"
_SCOPE: Final = "bank_account.write"


@attrs.define(kw_only=True)
class BankAccountStore:
    created: list[dict[str, Any]] = attrs.field(factory=list)
    # Seeded accounts (FakeData) as changed by PATCH or close, by id.
    changed: dict[str, dict[str, Any]] = attrs.field(factory=dict)

    def accounts(self, fake: FakeQonto) -> list[dict[str, Any]]:
        """Every business account as ``GET /v2/bank_accounts`` should list it: seeded (as changed), then created."""
        return [self.changed.get(a["id"], a) for a in fake.data.bank_accounts] + list(self.created)

    def account(self, fake: FakeQonto, account_id: str) -> dict[str, Any] | None:
        return next((a for a in self.accounts(fake) if a["id"] == account_id), None)

    def _save(self, account: dict[str, Any]) -> None:
        for n, existing in enumerate(self.created):
            if existing["id"] == account["id"]:
                self.created[n] = account
                return
        self.changed[account["id"]] = account


def store(fake: FakeQonto) -> BankAccountStore:
    found: BankAccountStore = fake.stores.setdefault(STORE, BankAccountStore())
    return found


def _invalid(fake: FakeQonto, ctx: _Ctx, code: str, detail: str, pointer: str) -> web.Response:
    return fake._error(422, code, detail, ctx.trace, source={"pointer": pointer})


def _name(fake: FakeQonto, ctx: _Ctx) -> str | web.Response:
    try:
        payload = json.loads(ctx.body)
    except (ValueError, RecursionError):
        return fake._error(400, "bad_request", "The request body is not valid JSON", ctx.trace)
    account = payload.get("bank_account") if isinstance(payload, dict) else None
    if not isinstance(account, dict):
        return _invalid(fake, ctx, "missing_parameter", "bank_account is required", "/bank_account")
    name = account.get("name")
    if not isinstance(name, str) or not name.strip():
        return _invalid(fake, ctx, "missing_parameter", "name is required", "/bank_account/name")
    return name


def _not_found(fake: FakeQonto, ctx: _Ctx) -> web.Response:
    return fake._error(404, "not_found", "Business account not found", ctx.trace, source={"parameter": "id"})


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    name = _name(fake, ctx)
    if isinstance(name, web.Response):
        return name
    accounts = store(fake)
    number = len(accounts.created) + 1
    digits = int(hashlib.sha256(f"{fake.data.prefix}:{number}".encode()).hexdigest(), 16)
    account = {
        "id": f"{fake.data.prefix}-ba00-4000-9000-{number:012x}",
        "slug": f"{fake.data.login}-bank-account-new-{number}",
        "name": name,
        "organization_id": fake.data.organization_id,
        "iban": f"FR76169580001{digits % 10**14:014d}",
        "bic": "QNTOFRP1XXX",
        "account_number": f"{digits % 10**11:011d}",
        "currency": "EUR",
        "balance": 0.0,
        "balance_cents": 0,
        "authorized_balance": 0.0,
        "authorized_balance_cents": 0,
        "status": "active",
        "main": False,
        "is_external_account": False,
        "updated_at": format_time(fake.now()),
    }
    accounts.created.append(account)
    # Qonto's collection shows 200 (not 201) for the creation.
    return fake._json(200, {"bank_account": account}, ctx.trace)


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    accounts = store(fake)
    account = accounts.account(fake, ctx.params["id"])
    if account is None:
        return _not_found(fake, ctx)
    name = _name(fake, ctx)
    if isinstance(name, web.Response):
        return name
    updated = {**account, "name": name, "updated_at": format_time(fake.now())}
    accounts._save(updated)
    return fake._json(200, {"bank_account": updated}, ctx.trace)


async def _close(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    accounts = store(fake)
    account = accounts.account(fake, ctx.params["id"])
    if account is None:
        return _not_found(fake, ctx)
    # The restrictions listed in Qonto's collection for this endpoint.
    if account.get("is_external_account"):
        return _invalid(fake, ctx, "external_account", "External business accounts cannot be closed", "/id")
    if account.get("main"):
        return _invalid(fake, ctx, "main_account", "The main account cannot be closed", "/id")
    if account.get("status") == "closed":
        return _invalid(fake, ctx, "already_closed", "The business account is already closed", "/id")
    if account.get("balance_cents") or account.get("authorized_balance_cents"):
        return _invalid(
            fake, ctx, "balance_not_zero", "A business account with a non-zero balance cannot be closed", "/id"
        )
    closed = {**account, "status": "closed", "updated_at": format_time(fake.now())}
    accounts._save(closed)
    return fake._json(200, {"bank_account": closed}, ctx.trace)


# qonto-api.md §3.1 rows 13, 15, 16: OAuth only (no API key), scope bank_account.write; §7: key required on create.
ROUTES: Final = (
    _Route("POST", "/v2/bank_accounts", _create, _SCOPE, False, write=True, idempotency_required=True),
    _Route("PATCH", "/v2/bank_accounts/{id}", _update, _SCOPE, False, write=True),
    _Route("POST", "/v2/bank_accounts/{id}/close", _close, _SCOPE, False, write=True),
)
