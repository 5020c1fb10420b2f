"""Cash-flow categories (qonto-api.md §3.2 B16-B20): the catalogue, new categories and subcategories, and tagging
up to 100 transactions. VAT rates are percent strings (``"20"``, ``"5.5"``, §11). Listing takes
``cash_flow_category.read`` (API keys too); writes ``cash_flow_category.write``, OAuth only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._routes._misc_bodies import ids, invalid, json_object, ok, text
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_TYPES: Final = ("CATEGORY_TYPE_INFLOW", "CATEGORY_TYPE_OUTFLOW")
_SEED: Final = (
    ("Sales", "CATEGORY_TYPE_INFLOW", None, (("Subscriptions", "20"), ("Services", "20"))),
    ("Suppliers", "CATEGORY_TYPE_OUTFLOW", "20", (("Cloud hosting", "20"), ("Books", "5.5"))),
    ("Taxes", "CATEGORY_TYPE_OUTFLOW", None, ()),
)


@attrs.define
class CashFlowStore:
    categories: list[dict[str, Any]]
    # transaction id -> the category (or subcategory) id it is tagged with
    assigned: dict[str, str] = attrs.field(factory=dict)
    counter: int = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-cf00-4000-8000-{self.counter:012x}"


def store(fake: FakeQonto) -> CashFlowStore:
    found: CashFlowStore | None = fake.stores.get("cash_flow")
    if found is None:
        found = CashFlowStore(categories=[])
        for name, kind, vat, subs in _SEED:
            category = _category(found.next_id(fake.data.prefix), name, kind, vat)
            category["subcategories"] = [_sub(found.next_id(fake.data.prefix), n, v) for n, v in subs]
            found.categories.append(category)
        fake.stores["cash_flow"] = found
    return found


def _category(category_id: str, name: str, kind: str, vat: str | None) -> dict[str, Any]:
    category: dict[str, Any] = {"id": category_id, "name": name, "type": kind, "subcategories": []}
    if vat is not None:
        category["vat_rate"] = vat
    return category


def _sub(sub_id: str, name: str, vat: str | None) -> dict[str, Any]:
    sub: dict[str, Any] = {"id": sub_id, "name": name}
    if vat is not None:
        sub["vat_rate"] = vat
    return sub


def _vat(fake: FakeQonto, ctx: _Ctx, body: dict[str, Any]) -> str | None:
    value = body.get("vat_rate")
    if value is None:
        return None
    try:
        rate = Decimal(value) if isinstance(value, str) else Decimal("NaN")
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not 0 <= rate <= 100:
        raise invalid(
            fake, ctx, "invalid", "vat_rate must be a decimal string in percent, e.g. 20 or 5.5", "/vat_rate"
        )
    return str(value)


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"cash_flow_categories": store(fake).categories})


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    name = text(fake, ctx, body, "name", "")
    assert name is not None
    kind = body.get("type")
    if kind not in _TYPES:
        raise invalid(fake, ctx, "invalid", f"type must be one of {', '.join(_TYPES)}", "/type")
    catalogue = store(fake)
    category = _category(catalogue.next_id(fake.data.prefix), name, kind, _vat(fake, ctx, body))
    catalogue.categories.append(category)
    return ok(fake, ctx, {"cash_flow_category": category})


async def _create_subcategory(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    catalogue = store(fake)
    parent = next((c for c in catalogue.categories if c["id"] == ctx.params["category_id"]), None)
    if parent is None:
        return fake._error(
            404, "not_found", "Cash flow category not found", ctx.trace, source={"parameter": "category_id"}
        )
    if "type" in body:
        # docs.qonto.com: a subcategory inherits its parent's direction.
        raise invalid(fake, ctx, "invalid", "A subcategory inherits its type from its parent", "/type")
    name = text(fake, ctx, body, "name", "")
    assert name is not None
    sub = _sub(catalogue.next_id(fake.data.prefix), name, _vat(fake, ctx, body))
    parent["subcategories"].append(sub)
    return ok(fake, ctx, {"cash_flow_subcategory": sub})


def _transactions(fake: FakeQonto, ctx: _Ctx, body: dict[str, Any]) -> list[str]:
    wanted = ids(fake, ctx, body, "transaction_ids", 100)
    for n, transaction_id in enumerate(wanted):
        if fake.data.parse_id(transaction_id) is None:
            raise invalid(fake, ctx, "not_found", "Transaction not found", f"/transaction_ids/{n}")
    return wanted


async def _assign(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    wanted = _transactions(fake, ctx, body)
    category_id = body.get("category_id")
    catalogue = store(fake)
    parent = next((c for c in catalogue.categories if c["id"] == category_id), None)
    leaf = parent is not None and not parent["subcategories"]
    if parent is None:
        leaf = any(s["id"] == category_id for c in catalogue.categories for s in c["subcategories"])
        if not leaf:
            raise invalid(fake, ctx, "not_found", "Cash flow category not found", "/category_id")
    if not leaf:
        raise invalid(fake, ctx, "invalid", "This category has subcategories: assign one of them", "/category_id")
    for transaction_id in wanted:
        catalogue.assigned[transaction_id] = str(category_id)
    return ok(fake, ctx, {"transaction_ids": wanted, "category_id": category_id})


async def _unassign(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    wanted = _transactions(fake, ctx, json_object(fake, ctx))
    catalogue = store(fake)
    for transaction_id in wanted:
        catalogue.assigned.pop(transaction_id, None)
    return ok(fake, ctx, {"transaction_ids": wanted})


_WRITE: Final = "cash_flow_category.write"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/cash_flow_categories", _list, "cash_flow_category.read", True),
    _Route("POST", "/v2/cash_flow_categories", _create, _WRITE, False, write=True),
    _Route(
        "POST",
        "/v2/cash_flow_categories/{category_id}/subcategories",
        _create_subcategory,
        _WRITE,
        False,
        write=True,
    ),
    _Route("POST", "/v2/cash_flow_categories/assignments", _assign, _WRITE, False, write=True),
    _Route("POST", "/v2/cash_flow_categories/unassignments", _unassign, _WRITE, False, write=True),
)
