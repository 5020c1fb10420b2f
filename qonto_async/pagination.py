"""Pages and iteration across them (qonto-api.md §4, §15).

Qonto paginates with ``page``/``per_page`` and a ``meta`` object. Iteration follows ``meta.next_page`` and stops
on ``null``, ``0``, a missing key or an empty page (``/v2/cards`` omits ``next_page`` on its last page,
``/v2/payment_links`` sends ``0``). A page number that does not advance, or more pages than ``max_pages``, is an
error rather than a silent endless loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from qonto_async.errors import ConfigurationError, QontoError
from qonto_async.models.common import PageMeta
from qonto_async.serde import decoder, list_decoder

__all__ = ["AsyncPaginator", "Page", "PaginationError", "page_decoder"]

T = TypeVar("T")

DEFAULT_MAX_PAGES = 100_000


class PaginationError(QontoError):
    """The API's pagination did not advance, or ran past ``max_pages``."""


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a list: ``items`` and Qonto's ``meta`` (None on the few lists that send none)."""

    items: tuple[T, ...]
    meta: PageMeta | None = None

    @property
    def next_page(self) -> int | None:
        """The next page number, or None on the last page (null, 0 or a missing key all mean the end)."""
        if self.meta is None or not self.meta.next_page or not self.items:
            return None
        return self.meta.next_page

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_decoder(cls: type[T], *, key: str) -> Callable[[Any], Page[T]]:
    """A decoder for a list response whose items sit under ``key``, beside ``meta``."""
    items = list_decoder(cls, key=key)
    meta = decoder(PageMeta)

    def decode(data: Any) -> Page[T]:
        raw_meta = data.get("meta") if isinstance(data, dict) else None
        return Page(items=items(data), meta=meta(raw_meta) if isinstance(raw_meta, dict) else None)

    return decode


FetchPage = Callable[[int], Awaitable[Page[T]]]


class _PageCursor(Generic[T]):
    __slots__ = ("_fetch", "_fetched", "_max_pages", "_next")

    def __init__(self, fetch: FetchPage[T], first_page: int, max_pages: int) -> None:
        self._fetch = fetch
        self._next: int | None = first_page
        self._max_pages = max_pages
        self._fetched = 0

    def __aiter__(self) -> _PageCursor[T]:
        return self

    async def __anext__(self) -> Page[T]:
        current = self._next
        if current is None:
            raise StopAsyncIteration
        if self._fetched >= self._max_pages:
            self._next = None
            raise PaginationError(
                f"stopped after {self._max_pages} pages (max_pages); narrow the filters or raise max_pages"
            )
        page = await self._fetch(current)
        self._fetched += 1
        following = page.next_page
        if following is not None and following <= current:
            self._next = None
            raise PaginationError(
                f"the API answered next_page={following} on page {current}; stopping instead of looping"
            )
        self._next = following
        return page


class _ItemCursor(Generic[T]):
    __slots__ = ("_buffer", "_pages")

    def __init__(self, pages: AsyncIterator[Page[T]]) -> None:
        self._pages = pages
        self._buffer: Iterator[T] = iter(())

    def __aiter__(self) -> _ItemCursor[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            for item in self._buffer:
                return item
            page = await self._pages.__anext__()
            self._buffer = iter(page.items)


def _positive_int(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(f"{name} must be an int >= 1, got {value!r}.")
    return value


class AsyncPaginator(Generic[T]):
    """Items across all pages: ``async for item in paginator``; pages: ``async for page in paginator.pages()``.

    Each ``async for`` starts again from the first page. Pages are fetched one at a time, as the loop asks, so
    memory stays flat however long the list.
    """

    __slots__ = ("_fetch", "_first_page", "_max_pages")

    def __init__(self, fetch: FetchPage[T], *, first_page: int = 1, max_pages: int = DEFAULT_MAX_PAGES) -> None:
        if not callable(fetch):
            raise ConfigurationError("AsyncPaginator fetch must be an async callable taking a page number.")
        self._fetch = fetch
        self._first_page = _positive_int("first_page", first_page)
        self._max_pages = _positive_int("max_pages", max_pages)

    def __aiter__(self) -> AsyncIterator[T]:
        return _ItemCursor(self.pages())

    def pages(self) -> AsyncIterator[Page[T]]:
        """The pages themselves, one fetch each: ``async for page in paginator.pages()``."""
        return _PageCursor(self._fetch, self._first_page, self._max_pages)

    async def to_list(self, *, limit: int | None = None) -> list[T]:
        """Collect items into a list (up to ``limit``; ``limit=0`` fetches nothing)."""
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise ConfigurationError(f"limit must be None (no limit) or an int >= 0, got {limit!r}.")
        out: list[T] = []
        if limit == 0:
            return out
        async for item in self:
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out
