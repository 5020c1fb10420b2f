"""Pages and iteration across them (qonto-api.md §4, §15).

Qonto paginates with ``page``/``per_page`` and a ``meta`` object. Iteration follows ``meta.next_page`` and stops
on ``null``, ``0``, a missing key or an empty page (``/v2/cards`` omits ``next_page`` on its last page,
``/v2/payment_links`` sends ``0``). A page number that does not advance, or more pages than ``max_pages``, is an
error rather than a silent endless loop.
"""

from __future__ import annotations

import asyncio
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


def _retrieve(task: asyncio.Future[Any]) -> None:
    # A read-ahead nobody will await: fetch its outcome so asyncio never reports it as never retrieved.
    if not task.cancelled():
        task.exception()


class _PageCursor(Generic[T]):
    """Fetches pages in order, following ``next_page``.

    With ``read_ahead``, once a page's ``meta.total_pages`` says another page exists, the request for page ``n + 1``
    is sent while page ``n`` is still being received and decoded, so Qonto's work on the next page overlaps ours.
    At most one request runs ahead; it is used only if ``next_page`` turns out to be ``n + 1``, and is cancelled
    when the cursor is closed or the iteration fails.
    """

    __slots__ = ("_ahead", "_fetch", "_fetched", "_max_pages", "_next", "_read_ahead", "_total")

    def __init__(self, fetch: FetchPage[T], first_page: int, max_pages: int, read_ahead: bool) -> None:
        self._fetch = fetch
        self._next: int | None = first_page
        self._max_pages = max_pages
        self._fetched = 0
        self._read_ahead = read_ahead
        self._total: int | None = None
        self._ahead: tuple[int, asyncio.Future[Page[T]]] | None = None

    def __aiter__(self) -> _PageCursor[T]:
        return self

    def _take_ahead(self, number: int) -> asyncio.Future[Page[T]] | None:
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return None
        if ahead[0] == number:
            return ahead[1]
        ahead[1].cancel()
        return None

    def _start_ahead(self, number: int, nth: int) -> None:
        # nth: how many pages this cursor will have fetched once ``number`` is in (max_pages is never exceeded).
        if self._read_ahead and self._total is not None and number <= self._total and nth <= self._max_pages:
            task = asyncio.ensure_future(self._fetch(number))
            task.add_done_callback(_retrieve)
            self._ahead = (number, task)

    async def aclose(self) -> None:
        """Cancel a request running ahead, if any (``break`` out of a loop leaves at most one)."""
        self._next = None
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead[1].cancel()

    async def __anext__(self) -> Page[T]:
        current = self._next
        if current is None:
            raise StopAsyncIteration
        if self._fetched >= self._max_pages:
            await self.aclose()
            raise PaginationError(
                f"stopped after {self._max_pages} pages (max_pages); narrow the filters or raise max_pages"
            )
        pending = self._take_ahead(current)
        self._start_ahead(current + 1, self._fetched + 2)
        try:
            page = await (pending if pending is not None else self._fetch(current))
        except BaseException:
            await self.aclose()
            raise
        self._fetched += 1
        following = page.next_page
        if following is not None and following <= current:
            await self.aclose()
            raise PaginationError(
                f"the API answered next_page={following} on page {current}; stopping instead of looping"
            )
        if following is None:
            await self.aclose()  # the last page: a request sent ahead on total_pages' word is not needed
            return page
        if page.meta is not None and page.meta.total_pages:
            self._total = page.meta.total_pages
        if self._ahead is None:
            self._start_ahead(following, self._fetched + 1)
        self._next = following
        return page


class _ItemCursor(Generic[T]):
    __slots__ = ("_buffer", "_pages")

    def __init__(self, pages: _PageCursor[T]) -> None:
        self._pages = pages
        self._buffer: Iterator[T] = iter(())

    def __aiter__(self) -> _ItemCursor[T]:
        return self

    async def aclose(self) -> None:
        await self._pages.aclose()

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

    Each ``async for`` starts again from the first page. Pages are fetched in order, as the loop asks, so memory
    stays flat however long the list: at most two pages are held. With ``read_ahead`` (the default), once Qonto's
    ``meta.total_pages`` says another page exists, its request is sent while the current one is still being
    decoded, so a long iteration runs at the speed of the slower side rather than the sum of both. Leaving a loop
    early may leave that one request unneeded: ``aclose()`` the iterator (``contextlib.aclosing``) to cancel it at
    once, or pass ``read_ahead=False``.
    """

    __slots__ = ("_fetch", "_first_page", "_max_pages", "_read_ahead")

    def __init__(
        self,
        fetch: FetchPage[T],
        *,
        first_page: int = 1,
        max_pages: int = DEFAULT_MAX_PAGES,
        read_ahead: bool = True,
    ) -> None:
        if not callable(fetch):
            raise ConfigurationError("AsyncPaginator fetch must be an async callable taking a page number.")
        if not isinstance(read_ahead, bool):
            raise ConfigurationError(f"read_ahead must be True or False, got {read_ahead!r}.")
        self._fetch = fetch
        self._first_page = _positive_int("first_page", first_page)
        self._max_pages = _positive_int("max_pages", max_pages)
        self._read_ahead = read_ahead

    def __aiter__(self) -> AsyncIterator[T]:
        return _ItemCursor(self._cursor(self._read_ahead))

    def pages(self) -> AsyncIterator[Page[T]]:
        """The pages themselves: ``async for page in paginator.pages()``."""
        return self._cursor(self._read_ahead)

    def _cursor(self, read_ahead: bool) -> _PageCursor[T]:
        return _PageCursor(self._fetch, self._first_page, self._max_pages, read_ahead)

    async def to_list(self, *, limit: int | None = None) -> list[T]:
        """Collect items into a list (up to ``limit``; ``limit=0`` fetches nothing)."""
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise ConfigurationError(f"limit must be None (no limit) or an int >= 0, got {limit!r}.")
        out: list[T] = []
        if limit == 0:
            return out
        # With a limit, no request is sent ahead: the next page may not be wanted.
        cursor = _ItemCursor(self._cursor(self._read_ahead and limit is None))
        try:
            async for item in cursor:
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
        finally:
            await cursor.aclose()
        return out
