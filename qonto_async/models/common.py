"""Shapes shared by several API areas."""

import attrs

__all__ = ["PageMeta"]


@attrs.frozen(kw_only=True)
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
