"""FakeQonto: the product catalogue (qonto-api.md §3.2 B4-B6). Scopes ``product.read``/``product.write``; API keys
allowed (docs.qonto.com). The create body is top-level; ``vat_rate`` is a fraction string (``"0.2"``, §11): a
percent such as ``"20"`` is refused with 422 like any rate outside 0..1."""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok, text
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_TYPES: Final = ("good", "service")


@attrs.define
class ProductStore:
    products: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    counter: int = 0


def store(fake: FakeQonto) -> ProductStore:
    found: ProductStore | None = fake.stores.get("products")
    if found is None:
        found = ProductStore()
        fake.stores["products"] = found
        for title, kind, price, vat in (
            ("Consulting hour", "service", "100.00", "0.2"),
            ("Book", "good", "25.00", "0.055"),
        ):
            _add(
                fake,
                found,
                {"title": title, "type": kind, "unit_price": {"value": price, "currency": "EUR"}, "vat_rate": vat},
            )
    return found


def _add(fake: FakeQonto, products: ProductStore, body: dict[str, Any]) -> dict[str, Any]:
    products.counter += 1
    now = format_time(fake.now())
    product = {
        "id": f"{fake.data.prefix}-9d0c-4000-8000-{products.counter:012x}",
        "organization_id": fake.data.organization_id,
        "created_at": now,
        "updated_at": now,
        "links": [],
        **body,
    }
    products.products[product["id"]] = product
    return product


def fraction(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> str:
    """A VAT rate as invoices and products read it: a decimal string from 0 to 1 (qonto-api.md §11)."""
    rate = Decimal("NaN")
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation):
            rate = Decimal(value)
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise invalid(fake, ctx, "invalid", "vat_rate must be a decimal string between 0 and 1, e.g. 0.2", pointer)
    return str(value)


def money(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> dict[str, str]:
    """A money object ``{value: decimal string, currency}`` (qonto-api.md §11)."""
    amount = Decimal("NaN")
    if isinstance(value, dict) and isinstance(value.get("value"), str):
        with contextlib.suppress(InvalidOperation):
            amount = Decimal(value["value"])
    if not amount.is_finite() or not isinstance(value.get("currency"), str) or len(value["currency"]) != 3:
        raise invalid(fake, ctx, "invalid", "must be {value: decimal string, currency: ISO 4217 code}", pointer)
    return {"value": value["value"], "currency": value["currency"]}


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = list(store(fake).products.values())
    kind = ctx.query.get("filter[type]")
    if kind is not None:
        if kind not in _TYPES:
            raise fake._bad(ctx, "invalid_parameter", "filter[type] accepts good, service", "filter[type]")
        items = [p for p in items if p["type"] == kind]
    return fake._list(ctx, "products", fake._sorted(ctx, items, ("created_at", "title"), "created_at:desc"))


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    product = store(fake).products.get(ctx.params["id"])
    if product is None:
        return fake._error(404, "not_found", "Product not found", ctx.trace, source={"parameter": "id"})
    return ok(fake, ctx, {"product": product})


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    product: dict[str, Any] = {"title": text(fake, ctx, body, "title", "")}
    if body.get("type") not in _TYPES:
        raise invalid(fake, ctx, "invalid", "type must be good or service", "/type")
    product["type"] = body["type"]
    product["unit_price"] = money(fake, ctx, body.get("unit_price"), "/unit_price")
    product["vat_rate"] = fraction(fake, ctx, body.get("vat_rate"), "/vat_rate")
    for key in ("description", "internal_note", "unit", "vat_exemption_code"):
        value = text(fake, ctx, body, key, "", required=False)
        if value is not None:
            product[key] = value
    links = body.get("links", [])
    if not isinstance(links, list) or not all(
        isinstance(link, dict) and set(link) == {"title", "url"} for link in links
    ):
        raise invalid(fake, ctx, "invalid", "links must be a list of {title, url}", "/links")
    product["links"] = links
    return ok(fake, ctx, {"product": _add(fake, store(fake), product)}, status=201)


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/products", _list, "product.read", True),
    _Route("GET", "/v2/products/{id}", _get, "product.read", True),
    _Route("POST", "/v2/products", _create, "product.write", True, write=True),
)
