"""FakeQonto: payment links and the provider connection (qonto-api.md §3.1 rows 72-79). OAuth only, scopes
``payment_link.read`` / ``payment_link.write``.

State lives in ``fake.stores["payment_links"]`` (a :class:`PaymentLinksStore`): one seeded reusable link with three
payments, then whatever the client creates. Creating a link needs a connection first (``POST .../connections``);
``store.connection`` may be set by a test. As in Qonto's collection, the created link comes back wrapped in
``payment_link`` while GET and deactivate answer it unwrapped. A deactivated link turns ``expired`` (the nearest
status Qonto documents; the real value after deactivation is not documented). A link's ``amount`` is the total of its
items, VAT included.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import ANCHOR, format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok, text, wrapped
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_METHODS: Final = ("credit_card", "paypal", "ideal")
_ITEM_TYPES: Final = ("good", "service")
_STATUSES: Final = ("open", "processing", "expired")
_PAYMENT_STATUSES: Final = ("paid", "failed")
_CENT: Final = Decimal("0.01")
_LINK_LIFETIME: Final = timedelta(days=30)  # not documented: the fake's choice


@attrs.define(kw_only=True)
class PaymentLinksStore:
    """The fake's payment links. Tests may read and tweak it (``connection``, ``links``, ``payments``)."""

    connection: dict[str, Any] | None = None
    links: list[dict[str, Any]] = attrs.field(factory=list)
    # link id -> its payments
    payments: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    counter: int = 0

    def next_id(self, fake: FakeQonto, kind: str) -> str:
        self.counter += 1
        return f"{fake.data.prefix}-{kind}-4000-8000-{self.counter:012x}"


def store(fake: FakeQonto) -> PaymentLinksStore:
    found = fake.stores.get("payment_links")
    if found is None:
        found = fake.stores["payment_links"] = PaymentLinksStore()
        _seed(fake, found)
    assert isinstance(found, PaymentLinksStore)
    return found


def money(value: Decimal, currency: str = "EUR") -> dict[str, str]:
    return {"value": f"{value.quantize(_CENT):f}", "currency": currency}


def _seed(fake: FakeQonto, found: PaymentLinksStore) -> None:
    items = [
        {
            "title": "Yoga class",
            "quantity": "1",
            "unit_price": money(Decimal("20.00")),
            "vat_rate": "0.2",
            "type": "service",
            "description": "One class",
            "measure_unit": "unit",
        }
    ]
    link = _link(fake, found, items, ["credit_card", "paypal"], reusable=True, created_at=ANCHOR)
    found.links.append(link)
    outcomes = [("paid", "credit_card", 1), ("failed", "paypal", 2), ("paid", "paypal", 3)]
    found.payments[link["id"]] = [
        {
            "id": found.next_id(fake, "9a12"),
            "amount": money(Decimal("24.00")),
            "status": status,
            "created_at": format_time(ANCHOR + timedelta(hours=hours)),
            "payment_method": method,
            "paid_at": format_time(ANCHOR + timedelta(hours=hours, minutes=1)) if status == "paid" else None,
            "debitor_email": f"customer{hours}@example.com",
        }
        for status, method, hours in outcomes
    ]


def _link(
    fake: FakeQonto,
    found: PaymentLinksStore,
    items: list[dict[str, Any]],
    methods: list[str],
    *,
    reusable: bool,
    created_at: datetime,
) -> dict[str, Any]:
    total = sum(
        (
            Decimal(item["quantity"]) * Decimal(item["unit_price"]["value"]) * (1 + Decimal(item["vat_rate"]))
            for item in items
        ),
        Decimal(0),
    )
    link_id = found.next_id(fake, "9a11")
    return {
        "id": link_id,
        "status": "open",
        "expiration_date": format_time(created_at + _LINK_LIFETIME),
        "potential_payment_methods": methods,
        "amount": money(total.quantize(_CENT, rounding=ROUND_HALF_UP), items[0]["unit_price"]["currency"]),
        "items": items,
        "reusable": reusable,
        "created_at": format_time(created_at),
        "url": f"https://pay.qonto-fake.example/links/{link_id}",
    }


# --- Body checks (422 with a pointer, qonto-api.md §6.1) -----------------------------------------------------------


def decimal_text(value: Any) -> Decimal:
    try:
        return Decimal(value) if isinstance(value, str) and value == value.strip() else Decimal("NaN")
    except InvalidOperation:
        return Decimal("NaN")


def money_body(
    fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str, *, currencies: tuple[str, ...] = ()
) -> Decimal:
    """``{"value": "12.50", "currency": "EUR"}``: a positive decimal string with at most 2 decimals."""
    if not isinstance(value, dict):
        raise invalid(fake, ctx, "missing_parameter", "a money object {value, currency} is required", pointer)
    amount = decimal_text(value.get("value"))
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2 or amount <= 0:
        raise invalid(
            fake,
            ctx,
            "invalid",
            "value must be a positive decimal string with at most 2 decimals",
            f"{pointer}/value",
        )
    currency = value.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise invalid(fake, ctx, "invalid", "currency must be an ISO 4217 code", f"{pointer}/currency")
    if currencies and currency not in currencies:
        raise invalid(
            fake, ctx, "invalid", f"currency must be one of {', '.join(currencies)}", f"{pointer}/currency"
        )
    return amount


def _item(fake: FakeQonto, ctx: _Ctx, item: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise invalid(fake, ctx, "invalid", "each item must be an object", pointer)
    text(fake, ctx, item, "title", pointer)
    quantity = decimal_text(item.get("quantity"))
    if not quantity.is_finite() or quantity <= 0:
        raise invalid(fake, ctx, "invalid", "quantity must be a positive decimal string", f"{pointer}/quantity")
    money_body(fake, ctx, item.get("unit_price"), f"{pointer}/unit_price")
    rate = decimal_text(item.get("vat_rate"))
    # qonto-api.md §11: a fraction ("0.2" is 20 %) on invoices, products and payment links.
    if not rate.is_finite() or not 0 <= rate < 1:
        raise invalid(fake, ctx, "invalid", "vat_rate must be a fraction such as 0.2", f"{pointer}/vat_rate")
    if item.get("type") not in _ITEM_TYPES:
        raise invalid(fake, ctx, "invalid", f"type must be one of {', '.join(_ITEM_TYPES)}", f"{pointer}/type")
    return dict(item)


def _find(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any] | None:
    return next((link for link in store(fake).links if link["id"] == ctx.params["id"]), None)


def _sort(fake: FakeQonto, ctx: _Ctx, items: list[dict[str, Any]], fields: dict[str, str]) -> list[dict[str, Any]]:
    sort_by = ctx.query.get("sort_by")
    if sort_by is None:
        return items
    field, _, order = sort_by.partition(":")
    if field not in fields or order not in ("asc", "desc"):
        raise fake._bad(
            ctx, "invalid_parameter", f"sort_by must be one of {tuple(fields)} with :asc or :desc", "sort_by"
        )
    key = fields[field]

    def value(item: dict[str, Any]) -> tuple[Any, str]:
        raw = item[key]
        return (Decimal(raw["value"]) if isinstance(raw, dict) else raw or "", item["id"])

    return sorted(items, key=value, reverse=order == "desc")


# --- Handlers -----------------------------------------------------------------------------------------------------


async def _create_connection(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    text(fake, ctx, body, "partner_callback_url", "")
    account_id = text(fake, ctx, body, "user_bank_account_id", "")
    text(fake, ctx, body, "user_phone_number", "")
    if account_id not in {account["id"] for account in fake.data.bank_accounts}:
        raise invalid(fake, ctx, "not_found", "Bank account not found", "/user_bank_account_id")
    connection = {
        "connection_location": f"https://onboarding.qonto-fake.example/payment-links/{account_id}",
        "status": "pending",
        "bank_account_id": account_id,
    }
    store(fake).connection = connection
    return ok(fake, ctx, connection, 201)


async def _get_connection(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    connection = store(fake).connection
    if connection is None:
        return fake._error(404, "not_found", "No payment links connection", ctx.trace)
    return ok(fake, ctx, connection)


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "payment_link")
    links = store(fake)
    if links.connection is None:
        raise invalid(
            fake, ctx, "not_connected", "Connect to the payment links provider first", "/payment_link", status=400
        )
    methods = body.get("potential_payment_methods")
    if not isinstance(methods, list) or not methods or any(m not in _METHODS for m in methods):
        raise invalid(
            fake,
            ctx,
            "invalid",
            f"potential_payment_methods must list some of {', '.join(_METHODS)}",
            "/payment_link/potential_payment_methods",
        )
    reusable = body.get("reusable", False)
    if not isinstance(reusable, bool):
        raise invalid(fake, ctx, "invalid", "reusable must be a boolean", "/payment_link/reusable")
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise invalid(fake, ctx, "missing_parameter", "items is required", "/payment_link/items")
    checked = [_item(fake, ctx, item, f"/payment_link/items/{n}") for n, item in enumerate(items)]
    if len({item["unit_price"]["currency"] for item in checked}) != 1:
        raise invalid(fake, ctx, "invalid", "all items must share one currency", "/payment_link/items")
    link = _link(fake, links, checked, methods, reusable=reusable, created_at=fake.now().astimezone(UTC))
    links.links.append(link)
    links.payments[link["id"]] = []
    return ok(fake, ctx, {"payment_link": link}, 201)


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    status = ctx.query.get("status")
    if status is not None and status not in _STATUSES:
        raise fake._bad(ctx, "invalid_parameter", f"status accepts {', '.join(_STATUSES)}", "status")
    items = [link for link in store(fake).links if status is None or link["status"] == status]
    items = _sort(
        fake, ctx, items, {"amount": "amount", "created_at": "created_at", "expiration_date": "expiration_date"}
    )
    return fake._list(ctx, "payment_links", items)


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    link = _find(fake, ctx)
    if link is None:
        return fake._error(404, "not_found", "Payment link not found", ctx.trace, source={"parameter": "id"})
    return ok(fake, ctx, link)


async def _deactivate(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    link = _find(fake, ctx)
    if link is None:
        return fake._error(404, "not_found", "Payment link not found", ctx.trace, source={"parameter": "id"})
    link["status"] = "expired"
    return ok(fake, ctx, link)


async def _payments(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    link = _find(fake, ctx)
    if link is None:
        return fake._error(404, "not_found", "Payment link not found", ctx.trace, source={"parameter": "id"})
    status = ctx.query.get("status")
    if status is not None and status not in _PAYMENT_STATUSES:
        raise fake._bad(ctx, "invalid_parameter", f"status accepts {', '.join(_PAYMENT_STATUSES)}", "status")
    items = [p for p in store(fake).payments.get(link["id"], []) if status is None or p["status"] == status]
    items = _sort(fake, ctx, items, {"creation_date": "created_at", "amount": "amount"})
    return fake._list(ctx, "payments", items)


async def _payment_methods(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    amount, currency, locale = (ctx.query.get(k) for k in ("amount", "currency", "locale"))
    if (amount is None) != (currency is None):
        raise fake._bad(ctx, "invalid_parameter", "amount must be provided along with currency", "amount")
    if amount is None and locale is None:
        raise fake._bad(ctx, "invalid_parameter", "provide amount and currency, or locale", "locale")
    if amount is not None and not decimal_text(amount).is_finite():
        raise fake._bad(ctx, "invalid_parameter", "amount must be a decimal", "amount")
    # The fake's choice: iDEAL only for euros (or a Dutch locale), the rest always.
    ideal = currency == "EUR" or (locale or "").lower().startswith("nl")
    methods = [{"name": "credit_card", "enabled": True}, {"name": "paypal", "enabled": True}]
    methods.append({"name": "ideal", "enabled": ideal})
    return ok(fake, ctx, {"payment_link_payment_methods": methods})


_READ: Final = "payment_link.read"
_WRITE: Final = "payment_link.write"
# qonto-api.md §2.1: payment links are OAuth only.
ROUTES: tuple[_Route, ...] = (
    _Route("POST", "/v2/payment_links/connections", _create_connection, _WRITE, False, write=True),
    _Route("GET", "/v2/payment_links/connections", _get_connection, _READ, False),
    _Route("POST", "/v2/payment_links", _create, _WRITE, False, write=True),
    _Route("GET", "/v2/payment_links", _list, _READ, False),
    _Route("GET", "/v2/payment_links/payment_methods", _payment_methods, _READ, False),
    _Route("GET", "/v2/payment_links/{id}", _get, _READ, False),
    _Route("PATCH", "/v2/payment_links/{id}/deactivate", _deactivate, _WRITE, False, write=True),
    _Route("GET", "/v2/payment_links/{id}/payments", _payments, _READ, False),
)
