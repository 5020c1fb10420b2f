"""FakeQonto: quotes (qonto-api.md §3.1 rows 80-85). Scopes ``client_invoices.read``/``client_invoice.write`` (the
docs' spelling, §2.3), API keys allowed. As in Qonto's examples, a quote is answered at the top level, not under a
``quote`` key. Items are checked like Qonto's: a positive decimal ``quantity``, ``unit_price`` a money object,
``vat_rate`` a fraction from 0 to 1; totals are computed in Decimal and rounded to the cent."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok, text
from qonto_async.testing._routes.clients import store as client_store
from qonto_async.testing._routes.products import fraction, money
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_CENT: Final = Decimal("0.01")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUSES: Final = ("pending_approval", "approved", "canceled")


@attrs.define
class QuoteStore:
    quotes: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    counter: int = 0
    sent: list[tuple[str, dict[str, Any]]] = attrs.field(factory=list)


def store(fake: FakeQonto) -> QuoteStore:
    found: QuoteStore = fake.stores.setdefault("quotes", QuoteStore())
    return found


def _money(value: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{value.quantize(_CENT, ROUND_HALF_UP):f}", "currency": currency}


def _cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), ROUND_HALF_UP))


def _decimal(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str, *, positive: bool = True) -> Decimal:
    parsed = Decimal("NaN")
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation):
            parsed = Decimal(value)
    if not parsed.is_finite() or (positive and parsed <= 0):
        raise invalid(fake, ctx, "invalid", "must be a positive decimal string", pointer)
    return parsed


def _date(fake: FakeQonto, ctx: _Ctx, body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not _DATE.match(value):
        raise invalid(fake, ctx, "invalid", f"{key} must be a date (YYYY-MM-DD)", f"/{key}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise invalid(fake, ctx, "invalid", f"{key} must be a date (YYYY-MM-DD)", f"/{key}") from None
    return value


def _discount(
    fake: FakeQonto, ctx: _Ctx, value: Any, base: Decimal, pointer: str
) -> tuple[dict[str, Any], Decimal]:
    if not isinstance(value, dict) or value.get("type") not in ("percentage", "amount"):
        raise invalid(fake, ctx, "invalid", "discount type must be percentage or amount", f"{pointer}/type")
    rate = _decimal(fake, ctx, value.get("value"), f"{pointer}/value")
    if value["type"] == "percentage":
        if rate > 1:
            raise invalid(fake, ctx, "invalid", "a percentage discount is at most 1 (100%)", f"{pointer}/value")
        amount = base * rate
    else:
        if rate > base:
            raise invalid(fake, ctx, "invalid", "the discount exceeds the amount", f"{pointer}/value")
        amount = rate
    return {"type": value["type"], "value": value["value"]}, amount


def _items(fake: FakeQonto, ctx: _Ctx, raw: Any, currency: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise invalid(fake, ctx, "invalid", "items must be a non-empty list", "/items")
    out = []
    for n, item in enumerate(raw):
        where = f"/items/{n}"
        if not isinstance(item, dict):
            raise invalid(fake, ctx, "invalid", "an item must be an object", where)
        title = text(fake, ctx, item, "title", where)
        quantity = _decimal(fake, ctx, item.get("quantity"), f"{where}/quantity")
        price = money(fake, ctx, item.get("unit_price"), f"{where}/unit_price")
        if price["currency"] != currency:
            raise invalid(
                fake, ctx, "invalid", "the unit price must be in the quote's currency", f"{where}/unit_price"
            )
        vat_rate = Decimal(fraction(fake, ctx, item.get("vat_rate"), f"{where}/vat_rate"))
        gross = quantity * Decimal(price["value"])
        line: dict[str, Any] = {"title": title, "quantity": item["quantity"], "vat_rate": item["vat_rate"]}
        for key in ("description", "unit", "vat_exemption_reason"):
            if key in item:
                line[key] = text(fake, ctx, item, key, where)
        off = Decimal(0)
        if "discount" in item:
            line["discount"], off = _discount(fake, ctx, item["discount"], gross, f"{where}/discount")
            line["discount"]["amount"] = _money(off, currency)
            line["discount"]["amount_cents"] = _cents(off)
        subtotal = gross - off
        vat = subtotal * vat_rate
        for key, value in (
            ("unit_price", Decimal(price["value"])),
            ("subtotal", subtotal),
            ("total_vat", vat),
            ("total_amount", subtotal + vat),
        ):
            line[key] = _money(value, currency)
            line[f"{key}_cents"] = _cents(value)
        out.append(line)
    return out


def _fill(fake: FakeQonto, ctx: _Ctx, quote: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("issue_date", "expiry_date"):
        if key in body:
            quote[key] = _date(fake, ctx, body, key)
    if quote["expiry_date"] < quote["issue_date"]:
        raise invalid(fake, ctx, "invalid", "expiry_date must be on or after issue_date", "/expiry_date")
    if "currency" in body:
        if not isinstance(body["currency"], str) or len(body["currency"]) != 3:
            raise invalid(fake, ctx, "invalid", "currency must be an ISO 4217 code", "/currency")
        quote["currency"] = body["currency"]
    for key in ("number", "terms_and_conditions", "header", "footer"):
        if key in body:
            quote[key] = text(fake, ctx, body, key, "")
    if "items" in body:
        quote["items"] = _items(fake, ctx, body["items"], quote["currency"])
    subtotal = sum((Decimal(i["subtotal"]["value"]) for i in quote["items"]), Decimal(0))
    vat = sum((Decimal(i["total_vat"]["value"]) for i in quote["items"]), Decimal(0))
    if "discount" in body:
        quote["discount"], off = _discount(fake, ctx, body["discount"], subtotal, "/discount")
        quote["discount"]["amount"] = _money(off, quote["currency"])
        subtotal -= off
    quote["vat_amount"] = _money(vat, quote["currency"])
    quote["vat_amount_cents"] = _cents(vat)
    quote["total_amount"] = _money(subtotal + vat, quote["currency"])
    quote["total_amount_cents"] = _cents(subtotal + vat)


def _found(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    quote = store(fake).quotes.get(ctx.params["id"])
    if quote is None:
        raise invalid(fake, ctx, "not_found", "Quote not found", "/id", status=404)
    return quote


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = list(store(fake).quotes.values())
    status = ctx.query.get("filter[status]")
    if status is not None:
        if status not in _STATUSES:
            raise fake._bad(
                ctx, "invalid_parameter", f"filter[status] accepts {', '.join(_STATUSES)}", "filter[status]"
            )
        items = [q for q in items if q["status"] == status]
    since = fake._datetime(ctx, "filter[created_at_from]")
    if since is not None:
        items = [q for q in items if q["_created"] >= since]
    until = fake._datetime(ctx, "filter[created_at_to]")
    if until is not None:
        items = [q for q in items if q["_created"] <= until]
    items = fake._sorted(ctx, items, ("created_at",), "created_at:desc")
    response = fake._list(ctx, "quotes", [_public(q) for q in items])
    return response


def _public(quote: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in quote.items() if not k.startswith("_")}


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, _public(_found(fake, ctx)))


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    client = client_store(fake).clients.get(body.get("client_id"))  # type: ignore[arg-type]
    if client is None:
        raise invalid(fake, ctx, "not_found", "Client not found", "/client_id")
    for key in ("issue_date", "expiry_date", "items"):
        if key not in body:
            raise invalid(fake, ctx, "missing_parameter", f"{key} is required", f"/{key}")
    quotes = store(fake)
    quotes.counter += 1
    now = fake.now()
    quote: dict[str, Any] = {
        "id": f"{fake.data.prefix}-9807-4000-8000-{quotes.counter:012x}",
        "organization_id": fake.data.organization_id,
        "number": f"D-{now.year}-{quotes.counter:03d}",
        "status": "pending_approval",
        "currency": "EUR",
        "created_at": format_time(now),
        "_created": now,
        "client": {k: client.get(k) for k in ("id", "name", "email", "vat_number", "locale")}
        | {"type": client["kind"]},
        "quote_url": f"https://qonto-fake-quotes.example/{quotes.counter}",
        "invoice_ids": [],
        "issue_date": "",
        "expiry_date": "",
    }
    _fill(fake, ctx, quote, body)
    quotes.quotes[quote["id"]] = quote
    return ok(fake, ctx, _public(quote), status=201)


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    quote = _found(fake, ctx)
    body = json_object(fake, ctx)
    if "client_id" in body:
        raise invalid(fake, ctx, "invalid", "client_id cannot be changed", "/client_id")
    draft = dict(quote)
    _fill(fake, ctx, draft, body)
    quote.update(draft)
    return ok(fake, ctx, _public(quote))


async def _delete(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    _found(fake, ctx)
    del store(fake).quotes[ctx.params["id"]]
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


async def _send(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    _found(fake, ctx)
    body = json_object(fake, ctx)
    send_to = body.get("send_to")
    if not isinstance(send_to, list) or not send_to or not all(isinstance(e, str) and "@" in e for e in send_to):
        raise invalid(fake, ctx, "invalid", "send_to must be a non-empty list of e-mail addresses", "/send_to")
    store(fake).sent.append((ctx.params["id"], body))
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


_READ: Final = "client_invoices.read"
_WRITE: Final = "client_invoice.write"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/quotes", _list, _READ, True),
    _Route("GET", "/v2/quotes/{id}", _get, _READ, True),
    _Route("POST", "/v2/quotes", _create, _WRITE, True, write=True),
    _Route("PATCH", "/v2/quotes/{id}", _update, _WRITE, True, write=True),
    _Route("DELETE", "/v2/quotes/{id}", _delete, _WRITE, True, write=True),
    _Route("POST", "/v2/quotes/{id}/send", _send, _WRITE, True, write=True),
)
