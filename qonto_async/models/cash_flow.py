"""The cash-flow category catalogue: ``/v2/cash_flow_categories`` (qonto-api.md §3.2 B16-B20).

Not to be confused with :class:`~qonto_async.models.CashflowCategory`, the reference a transaction carries in its
``cashflow_category`` field: these are the catalogue's own entries, whose ``id`` that reference points to.
"""

import enum
from decimal import Decimal

import attrs

__all__ = [
    "CashFlowAssignment",
    "CashFlowCategory",
    "CashFlowCategoryType",
    "CashFlowSubcategory",
    "CashFlowUnassignment",
]


class CashFlowCategoryType(enum.StrEnum):
    """A category's direction (an unknown value stays a str)."""

    INFLOW = "CATEGORY_TYPE_INFLOW"
    OUTFLOW = "CATEGORY_TYPE_OUTFLOW"


@attrs.frozen(kw_only=True, weakref_slot=False)
class CashFlowSubcategory:
    """A subcategory; it inherits its parent's direction.

    ``vat_rate`` is a **percent** (``Decimal("20")`` is 20 %, ``Decimal("5.5")`` is 5.5 %), unlike the fraction
    that invoices and products use (qonto-api.md §11); ``None`` when the subcategory has no VAT rate.
    """

    id: str
    name: str | None = None
    vat_rate: Decimal | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CashFlowCategory:
    """A top-level category of the catalogue, with its subcategories.

    ``vat_rate`` is a **percent** (``Decimal("20")`` is 20 %), not a fraction (qonto-api.md §11).
    """

    id: str
    name: str | None = None
    type: CashFlowCategoryType | str | None = None
    vat_rate: Decimal | None = None
    subcategories: tuple[CashFlowSubcategory, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class CashFlowAssignment:
    """What ``POST /v2/cash_flow_categories/assignments`` answers: the transactions tagged, and the category."""

    transaction_ids: tuple[str, ...] = ()
    category_id: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CashFlowUnassignment:
    """What ``POST /v2/cash_flow_categories/unassignments`` answers: the transactions whose category was cleared."""

    transaction_ids: tuple[str, ...] = ()
