"""FakeQonto: clients (qonto-api.md §3.1 rows 40-44). Scopes ``client.read``/``client.write``, API keys allowed.

Create and update bodies are top-level (not wrapped); the answers wrap the client in ``client``. Two clients are
seeded. The list filters like Qonto's: ``filter[email|vat_number|tax_identification_number]`` exact and
case-insensitive, ``filter[name]`` partial (2 characters at least), ``sort_by`` ``created_at|name:asc|desc``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_KINDS: Final = ("company", "individual", "freelancer")
_TEXT: Final = (
    "name",
    "first_name",
    "last_name",
    "email",
    "e_invoicing_address",
    "vat_number",
    "tax_identification_number",
    "recipient_code",
    "currency",
    "locale",
)
_ADDRESS: Final = ("street_address", "city", "zip_code", "province_code", "country_code")


@attrs.define
class ClientStore:
    clients: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    counter: int = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-c11e-4000-8000-{self.counter:012x}"


def store(fake: FakeQonto) -> ClientStore:
    found: ClientStore | None = fake.stores.get("clients")
    if found is None:
        found = ClientStore()
        fake.stores["clients"] = found
        seeds = (
            {
                "kind": "company",
                "name": "Hooli SAS",
                "email": "billing@hooli.example",
                "vat_number": "FR12345678901",
            },
            {"kind": "freelancer", "first_name": "Jian", "last_name": "Yang", "email": "jian@example.com"},
        )
        for seed in seeds:
            client = _new(fake, found, seed)
            found.clients[client["id"]] = client
    return found


def _new(fake: FakeQonto, clients: ClientStore, body: dict[str, Any]) -> dict[str, Any]:
    client: dict[str, Any] = {
        "id": clients.next_id(fake.data.prefix),
        "kind": body["kind"],
        "extra_emails": [],
        "currency": "EUR",
        "locale": "fr",
        "created_at": format_time(fake.now()),
    }
    _apply(client, body)
    return client


def _apply(client: dict[str, Any], body: dict[str, Any]) -> None:
    for key in (*_TEXT, "extra_emails", "phone", "billing_address", "delivery_address"):
        if key in body:
            client[key] = body[key]
    if client["kind"] != "company":
        client["name"] = f"{client.get('first_name', '')} {client.get('last_name', '')}".strip()
    billing = client.get("billing_address")
    if isinstance(billing, dict):
        # The flat fields are the older form of billing_address; Qonto keeps sending both.
        client["address"] = billing.get("street_address")
        for key in ("city", "zip_code", "province_code", "country_code"):
            client[key] = billing.get(key)


def _check(fake: FakeQonto, ctx: _Ctx, body: dict[str, Any]) -> None:
    for key in _TEXT:
        value = body.get(key)
        if key in body and (not isinstance(value, str) or not value.strip()):
            raise invalid(fake, ctx, "invalid", f"{key} must be a non-empty string", f"/{key}")
    if "email" in body and "@" not in body["email"]:
        raise invalid(fake, ctx, "invalid", "email is not a valid e-mail address", "/email")
    extra = body.get("extra_emails")
    if "extra_emails" in body and (
        not isinstance(extra, list) or not all(isinstance(e, str) and "@" in e for e in extra)
    ):
        raise invalid(fake, ctx, "invalid", "extra_emails must be a list of e-mail addresses", "/extra_emails")
    for key in ("billing_address", "delivery_address"):
        address = body.get(key)
        if key in body and (not isinstance(address, dict) or set(address) - set(_ADDRESS)):
            raise invalid(fake, ctx, "invalid", f"{key} has unknown fields", f"/{key}")


def _found(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    client = store(fake).clients.get(ctx.params["id"])
    if client is None:
        raise invalid(fake, ctx, "not_found", "Client not found", "/id", status=404)
    return client


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = list(store(fake).clients.values())
    for key in ("email", "vat_number", "tax_identification_number"):
        wanted = ctx.query.get(f"filter[{key}]")
        if wanted is not None:
            items = [c for c in items if str(c.get(key) or "").lower() == wanted.lower()]
    name = ctx.query.get("filter[name]")
    if name is not None:
        if len(name) < 2:
            raise fake._bad(ctx, "invalid_parameter", "filter[name] needs at least 2 characters", "filter[name]")
        items = [c for c in items if name.lower() in str(c.get("name") or "").lower()]
    items = fake._sorted(ctx, items, ("created_at", "name"), "created_at:desc")
    return fake._list(ctx, "clients", items)


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"client": _found(fake, ctx)})


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    if body.get("kind") not in _KINDS:
        raise invalid(fake, ctx, "invalid", f"kind must be one of {', '.join(_KINDS)}", "/kind")
    _check(fake, ctx, body)
    if body["kind"] == "company" and "name" not in body:
        raise invalid(fake, ctx, "missing_parameter", "name is required for a company", "/name")
    if body["kind"] != "company":
        for key in ("first_name", "last_name"):
            if key not in body:
                raise invalid(fake, ctx, "missing_parameter", f"{key} is required", f"/{key}")
    clients = store(fake)
    client = _new(fake, clients, body)
    clients.clients[client["id"]] = client
    return ok(fake, ctx, {"client": client})


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    client = _found(fake, ctx)
    body = json_object(fake, ctx)
    if "kind" in body:
        raise invalid(fake, ctx, "invalid", "kind cannot be changed", "/kind")
    _check(fake, ctx, body)
    _apply(client, body)
    return ok(fake, ctx, {"client": client})


async def _delete(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    _found(fake, ctx)
    del store(fake).clients[ctx.params["id"]]
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


_READ: Final = "client.read"
_WRITE: Final = "client.write"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/clients", _list, _READ, True),
    _Route("GET", "/v2/clients/{id}", _get, _READ, True),
    _Route("POST", "/v2/clients", _create, _WRITE, True, write=True),
    _Route("PATCH", "/v2/clients/{id}", _update, _WRITE, True, write=True),
    _Route("DELETE", "/v2/clients/{id}", _delete, _WRITE, True, write=True),
)
