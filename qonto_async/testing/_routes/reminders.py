"""FakeQonto: payment-reminder configurations (qonto-api.md §3.2 B21-B22): at most one per client, 1 to 5 rules,
a repeated create replacing the client's configuration. Kept in ``fake.stores["reminders"]`` by client id.

The response shape is not documented in the sources at hand; the fake wraps one configuration in ``reminder`` and a
page in ``reminders`` with ``meta``, as Qonto's other invoicing endpoints do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto


def store(fake: FakeQonto) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = fake.stores.setdefault("reminders", {})
    return found


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    wanted = [c for c in ctx.query.get("client_ids", "").split(",") if c]
    items = [r for r in store(fake).values() if not wanted or r["client_id"] in wanted]
    return fake._list(ctx, "reminders", items)


def _rule(fake: FakeQonto, ctx: _Ctx, raw: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid(fake, ctx, "invalid_format", "must be an object", pointer)
    offset = raw.get("offset_days")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid(fake, ctx, "invalid_format", "offset_days must be an integer >= 0", f"{pointer}/offset_days")
    title = raw.get("email_title")
    if not isinstance(title, str) or not title.strip():
        raise invalid(fake, ctx, "missing_parameter", "email_title is required", f"{pointer}/email_title")
    rule = {"operator": raw.get("operator", "before"), "offset_days": offset, "email_title": title}
    if isinstance(raw.get("email_body"), str):
        rule["email_body"] = raw["email_body"]
    return rule


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    client_id = body.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise invalid(fake, ctx, "missing_parameter", "client_id is required", "/client_id")
    send_to = body.get("send_to")
    if not isinstance(send_to, list) or not send_to or not all(isinstance(a, str) and "@" in a for a in send_to):
        raise invalid(fake, ctx, "invalid_format", "send_to must list email addresses", "/send_to")
    rules = body.get("rules")
    if not isinstance(rules, list) or not 1 <= len(rules) <= 5:
        raise invalid(fake, ctx, "invalid_format", "rules takes 1 to 5 rules", "/rules")
    reminders = store(fake)
    now = format_time(fake.now())
    previous = reminders.get(client_id)
    reminder = {
        "id": previous["id"] if previous else f"{fake.data.prefix}-7e3d-4000-8000-{len(reminders) + 1:012x}",
        "client_id": client_id,
        "send_to": send_to,
        "copy_to_self": bool(body.get("copy_to_self", False)),
        "rules": [_rule(fake, ctx, r, f"/rules/{n}") for n, r in enumerate(rules)],
        "created_at": previous["created_at"] if previous else now,
        "updated_at": now,
    }
    reminders[client_id] = reminder  # replaces the client's configuration, as Qonto's page says
    return ok(fake, ctx, {"reminder": reminder})


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/reminders", _list, "client_invoices.read", True),
    _Route("POST", "/v2/reminders", _create, "client_invoice.write", True, write=True),
)
