"""Products: the organization's catalogue of goods and services for invoices and quotes (qonto-api.md §3.2 B4-B6).

``unit_price`` is :class:`~qonto_async.models.Money` (the price before VAT) and ``vat_rate`` **a fraction**
(``Decimal("0.2")`` is 20 %), qonto-api.md §11.
"""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from qonto_async.models.common import Money

__all__ = ["Product", "ProductLink", "ProductType"]


class ProductType(enum.StrEnum):
    GOOD = "good"
    SERVICE = "service"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ProductLink:
    """A link shown with a product (``title`` and ``url``); also what ``products.create(links=...)`` takes."""

    title: str | None = None
    url: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Product:
    """A catalogue product. ``type`` is ``good`` or ``service`` (an unknown value is kept as a string)."""

    id: str
    title: str | None = None
    type: ProductType | str | None = None
    unit_price: Money | None = None
    vat_rate: Decimal | None = None
    vat_exemption_code: str | None = None
    unit: str | None = None
    description: str | None = None
    internal_note: str | None = None
    links: tuple[ProductLink, ...] = ()
    organization_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
