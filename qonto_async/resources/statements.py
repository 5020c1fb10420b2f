"""``qonto.statements``: monthly account statements (qonto-api.md §3.1 rows 113-114), and their PDF files."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Final, TypeVar

from qonto_async.errors import ConfigurationError, PermissionDeniedError
from qonto_async.models.statements import Statement
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id, string_list
from qonto_async.resources._downloads import Destination, bytes_fetcher, check_destination, file_fetcher
from qonto_async.serde import decoder
from qonto_async.session import Request

T = TypeVar("T")

_PAGE = page_decoder(Statement, key="statements")
_ONE = decoder(Statement, key="statement")
_SORT_BY: Final = re.compile(r"^period:(asc|desc)$")


def _period(name: str, value: date | str | None) -> date | str | None:
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(f"{name} must be a date or an ISO 8601 date string such as '2024-08-01'.")
    return value


def _filters(
    *,
    bank_account_ids: Iterable[str] | str | None,
    ibans: Iterable[str] | str | None,
    period_from: date | str | None,
    period_to: date | str | None,
    sort_by: str | None,
) -> Params:
    account_list = string_list("bank_account_ids", bank_account_ids)
    iban_list = string_list("ibans", ibans)
    if account_list and iban_list:
        # The Postman description: ibans and bank_account_ids are mutually exclusive.
        raise ConfigurationError("pass either bank_account_ids or ibans, not both.")
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(f"sort_by must be 'period:asc' or 'period:desc', got {sort_by!r}.")
    params = Params().add_list("bank_account_ids", account_list).add_list("ibans", iban_list)
    params.add("period_from", _period("period_from", period_from))
    params.add("period_to", _period("period_to", period_to))
    return params.add("sort_by", sort_by)


class StatementsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/statements")
    async def list(
        self,
        *,
        bank_account_ids: Iterable[str] | str | None = None,
        ibans: Iterable[str] | str | None = None,
        period_from: date | str | None = None,
        period_to: date | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Statement]:
        """``GET /v2/statements``: one page of statements.

        Filter by ``bank_account_ids`` or ``ibans`` (not both). ``period_from``/``period_to`` take a date (sent as
        ISO 8601, ``YYYY-MM-DD``) and select statements by their ``period``. ``sort_by`` is ``period:asc`` or
        ``period:desc`` (Qonto's default).
        """
        params = _filters(
            bank_account_ids=bank_account_ids,
            ibans=ibans,
            period_from=period_from,
            period_to=period_to,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/statements", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/statements")
    def iterate(
        self,
        *,
        bank_account_ids: Iterable[str] | str | None = None,
        ibans: Iterable[str] | str | None = None,
        period_from: date | str | None = None,
        period_to: date | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Statement]:
        """Every statement matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                bank_account_ids=bank_account_ids,
                ibans=ibans,
                period_from=period_from,
                period_to=period_to,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Statement]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/statements", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/statements/{id}")
    async def get(self, id: str) -> Statement:
        """``GET /v2/statements/{id}``: one statement, with the pre-signed URL of its PDF."""
        path = f"/v2/statements/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    async def download(self, statement: Statement | str) -> bytes:
        """The statement's PDF, as bytes, fetched from its pre-signed ``file.file_url`` **without any Qonto header**.

        ``statement`` is a :class:`~qonto_async.models.Statement` or a statement id (then fetched first with
        :meth:`get`). When the file host refuses a ``Statement``'s URL (pre-signed URLs expire, qonto-api.md §12),
        the statement is fetched again once for a fresh URL. Redirects are never followed; only ``https://`` URLs
        are fetched. Use :meth:`download_to` to stream to a file.
        """
        return await self._download(statement, bytes_fetcher(self))

    async def download_to(self, statement: Statement | str, dest: Destination) -> Path:
        """Like :meth:`download`, streamed to the file ``dest``; returns its path.

        The body goes to a temporary file in ``dest``'s directory, renamed over ``dest`` only once complete:
        ``dest`` is never left half-written, and nothing is left behind on failure.
        """
        return await self._download(statement, file_fetcher(self, check_destination(dest)))

    async def _download(self, statement: Statement | str, fetch: Callable[[str], Awaitable[T]]) -> T:
        fresh = False
        if isinstance(statement, str):
            statement = await self.get(statement)
            fresh = True
        elif not isinstance(statement, Statement):
            raise ConfigurationError(
                f"statement must be a Statement or a statement id, got {type(statement).__name__}."
            )
        try:
            return await fetch(_file_url(statement))
        except PermissionDeniedError:
            if fresh:
                raise
        renewed = await self.get(statement.id)
        return await fetch(_file_url(renewed))


def _file_url(statement: Statement) -> str:
    url = statement.file.file_url if statement.file is not None else None
    if not url:
        raise ConfigurationError(f"statement {statement.id} has no file url to download.")
    return url
