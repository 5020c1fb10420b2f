"""Shapes shared by several API areas."""

from decimal import Decimal

import attrs

__all__ = ["Money", "PageMeta"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class Money:
    """An amount and its ISO 4217 currency, as newer resources send it: ``{"value": "12.52", "currency": "EUR"}``.

    ``value`` is a ``Decimal`` read from the decimal string (never a float), qonto-api.md §11. Also what request
    methods take where Qonto wants a money object (e.g. international transfers' ``source_amount``).
    """

    value: Decimal | None = None
    currency: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PageMeta:
    """The ``meta`` object of a paginated list (qonto-api.md §4).

    ``next_page`` is ``None`` on the last page; some endpoints send ``0`` or leave it out instead (§15), which the
    paginator treats the same way, so the value is kept as sent.
    """

    current_page: int
    next_page: int | None = None
    prev_page: int | None = None
    total_pages: int | None = None
    total_count: int | None = None
    per_page: int | None = None
