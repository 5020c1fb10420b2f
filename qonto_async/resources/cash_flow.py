"""``qonto.cash_flow_categories``: the organization's cash-flow category catalogue (qonto-api.md §3.2 B16-B20)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.cash_flow import (
    CashFlowAssignment,
    CashFlowCategory,
    CashFlowCategoryType,
    CashFlowSubcategory,
    CashFlowUnassignment,
)
from qonto_async.resources._base import Resource, check_id, operation, path_id
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

_LIST = list_decoder(CashFlowCategory, key="cash_flow_categories")
_CATEGORY = decoder(CashFlowCategory, key="cash_flow_category")
_SUBCATEGORY = decoder(CashFlowSubcategory, key="cash_flow_subcategory")
_ASSIGNMENT = decoder(CashFlowAssignment)
_UNASSIGNMENT = decoder(CashFlowUnassignment)
_TYPES: Final = tuple(t.value for t in CashFlowCategoryType)
_MAX_TRANSACTIONS: Final = 100  # docs.qonto.com (assign, unassign): up to 100 transactions per call.
_HUNDRED: Final = Decimal(100)


def vat_rate_percent(value: object) -> str:
    """A VAT rate **in percent** (``"20"``, ``"5.5"``), as cash-flow categories read it (qonto-api.md §11).

    Invoices and products take a fraction (``"0.2"``) instead; a value such as ``0.2`` here would mean 0.2 %,
    which no EU country charges, so a rate strictly between 0 and 1 is refused as a likely fraction.
    """
    if isinstance(value, float):
        raise ConfigurationError(
            f"vat_rate must be a Decimal or a decimal string in percent such as '20' or '5.5', never a float "
            f"(got {value!r})."
        )
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, int) and not isinstance(value, bool):
        rate = Decimal(value)
    elif isinstance(value, str) and value and value == value.strip():
        try:
            rate = Decimal(value)
        except InvalidOperation:
            rate = Decimal("NaN")
    else:
        raise ConfigurationError(f"vat_rate must be a Decimal or a decimal string in percent, got {value!r}.")
    if not rate.is_finite() or not 0 <= rate <= _HUNDRED:
        raise ConfigurationError(f"vat_rate is a percent from 0 to 100 (e.g. '20' for 20 %), got {value!r}.")
    if 0 < rate < 1:
        raise ConfigurationError(
            f"vat_rate is a percent here ('20' means 20 %), not a fraction as on invoices ('0.2'); got {value!r}. "
            f"Pass {rate * _HUNDRED:f} for {rate * _HUNDRED:f} %."
        )
    return f"{rate.normalize():f}"


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"name must be a non-empty string, got {value!r}.")
    return value


def _transaction_ids(values: object) -> list[str]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(
            f"transaction_ids must be a list of transaction ids, got {type(values).__name__}."
        )
    ids = [check_id("transaction_ids", value) for value in values]
    if not 1 <= len(ids) <= _MAX_TRANSACTIONS:
        raise ConfigurationError(f"transaction_ids takes 1 to {_MAX_TRANSACTIONS} ids, got {len(ids)}.")
    return ids


class CashFlowCategoriesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/cash_flow_categories")
    async def list(self) -> tuple[CashFlowCategory, ...]:
        """``GET /v2/cash_flow_categories``: the whole catalogue, subcategories nested (not paginated).

        Scope ``cash_flow_category.read`` (docs.qonto.com; qonto-api.md §2.3 lists it as unconfirmed); that page also
        lists API keys as accepted. A transaction's ``cashflow_category``/``cashflow_subcategory`` refer to these ids.
        ``vat_rate`` is a **percent** (``Decimal("20")`` is 20 %).
        """
        return await self._send(Request(method="GET", path="/v2/cash_flow_categories", decode=_LIST))

    @operation("POST", "/v2/cash_flow_categories")
    async def create(
        self,
        *,
        name: str,
        type: CashFlowCategoryType | str,
        vat_rate: Decimal | str | int | None = None,
    ) -> CashFlowCategory:
        """``POST /v2/cash_flow_categories``: add a top-level category (OAuth ``cash_flow_category.write``).

        ``type`` is ``CATEGORY_TYPE_INFLOW`` or ``CATEGORY_TYPE_OUTFLOW``. ``vat_rate`` is a **percent**
        (``"20"``, ``"5.5"``; ``Decimal`` or decimal string, never a float), **not** the fraction that invoices use
        (qonto-api.md §11); omit it for no rate. The body is not wrapped in a root key. Returns the category, with
        no subcategories. No idempotency key is documented, so the call is never retried.
        """
        kind = type.value if isinstance(type, enum.Enum) else type
        if kind not in _TYPES:
            raise ConfigurationError(f"type must be one of {', '.join(_TYPES)}; got {type!r}.")
        body: dict[str, Any] = {"name": _name(name), "type": kind}
        if vat_rate is not None:
            body["vat_rate"] = vat_rate_percent(vat_rate)
        return await self._send(
            Request(method="POST", path="/v2/cash_flow_categories", json=body, decode=_CATEGORY)
        )

    @operation("POST", "/v2/cash_flow_categories/{category_id}/subcategories")
    async def create_subcategory(
        self, category_id: str, *, name: str, vat_rate: Decimal | str | int | None = None
    ) -> CashFlowSubcategory:
        """``POST /v2/cash_flow_categories/{category_id}/subcategories``: add a subcategory under a category.

        It inherits the parent's direction. ``vat_rate`` is a **percent**, as for :meth:`create`. Once a category
        has subcategories, transactions must be assigned to one of them, not to the parent.
        """
        body: dict[str, Any] = {"name": _name(name)}
        if vat_rate is not None:
            body["vat_rate"] = vat_rate_percent(vat_rate)
        path = f"/v2/cash_flow_categories/{path_id('category_id', category_id)}/subcategories"
        return await self._send(Request(method="POST", path=path, json=body, decode=_SUBCATEGORY))

    @operation("POST", "/v2/cash_flow_categories/assignments")
    async def assign(self, *, transaction_ids: Iterable[str], category_id: str) -> CashFlowAssignment:
        """``POST /v2/cash_flow_categories/assignments``: tag 1 to 100 transactions with a category.

        Replaces whatever category they carried. ``category_id`` must be a leaf: a subcategory, or a category
        without subcategories (assigning a parent that has some is rejected). Returns the ids updated.
        """
        body = {
            "transaction_ids": _transaction_ids(transaction_ids),
            "category_id": check_id("category_id", category_id),
        }
        return await self._send(
            Request(method="POST", path="/v2/cash_flow_categories/assignments", json=body, decode=_ASSIGNMENT)
        )

    @operation("POST", "/v2/cash_flow_categories/unassignments")
    async def unassign(self, *, transaction_ids: Iterable[str]) -> CashFlowUnassignment:
        """``POST /v2/cash_flow_categories/unassignments``: clear the category of 1 to 100 transactions."""
        body = {"transaction_ids": _transaction_ids(transaction_ids)}
        return await self._send(
            Request(method="POST", path="/v2/cash_flow_categories/unassignments", json=body, decode=_UNASSIGNMENT)
        )
