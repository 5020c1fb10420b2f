"""``qonto.transactions`` (qonto-api.md §5; §3.1 rows 120-121)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.transactions import Transaction, TransactionStatus
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id, string_list
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Transaction, key="transactions")
_ONE = decoder(Transaction, key="transaction")
_SORT_BY: Final = re.compile(r"^(updated_at|settled_at|emitted_at):(asc|desc)$")
_INCLUDES: Final = ("labels", "attachments", "vat_details")
# qonto-api.md §5: the values the status[] filter takes (REVERSED is a state, not a filter value).
_STATUSES: Final = (
    TransactionStatus.PENDING.value,
    TransactionStatus.DECLINED.value,
    TransactionStatus.COMPLETED.value,
)


def _includes(includes: Iterable[str] | str | None) -> list[str]:
    return string_list("includes", includes, choices=_INCLUDES)


def _filters(
    *,
    bank_account_id: str | None,
    iban: str | None,
    status: Iterable[str] | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
    settled_at_from: datetime | str | None,
    settled_at_to: datetime | str | None,
    emitted_at_from: datetime | str | None,
    emitted_at_to: datetime | str | None,
    side: str | None,
    operation_type: Iterable[str] | str | None,
    with_attachments: bool | None,
    includes: Iterable[str] | str | None,
    sort_by: str | None,
) -> Params:
    if bank_account_id is None and iban is None:
        raise ConfigurationError(
            "transactions are listed per account: pass bank_account_id=... (from qonto.organization.get() or "
            "qonto.bank_accounts.list()) or iban=..."
        )
    if bank_account_id is not None and iban is not None:
        # qonto-api.md §5: Qonto silently prefers bank_account_id; refuse the ambiguity instead.
        raise ConfigurationError("pass either bank_account_id or iban, not both.")
    if side is not None and side not in ("credit", "debit"):
        raise ConfigurationError(f"side must be 'credit' or 'debit', got {side!r}.")
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(
            "sort_by must be '<updated_at|settled_at|emitted_at>:<asc|desc>', e.g. 'settled_at:asc'; "
            f"got {sort_by!r}."
        )
    include_list = _includes(includes)
    params = Params()
    params.add_id("bank_account_id", bank_account_id).add_id("iban", iban)
    params.add_list("status", status, choices=_STATUSES)
    params.add_datetime("updated_at_from", updated_at_from).add_datetime("updated_at_to", updated_at_to)
    params.add_datetime("settled_at_from", settled_at_from).add_datetime("settled_at_to", settled_at_to)
    params.add_datetime("emitted_at_from", emitted_at_from).add_datetime("emitted_at_to", emitted_at_to)
    params.add("side", side)
    params.add_list("operation_type", operation_type)
    params.add_bool("with_attachments", with_attachments)
    params.add_list("includes", include_list)
    params.add("sort_by", sort_by)
    return params


class TransactionsResource(Resource):
    """Transactions of one business account.

    Two traps (qonto-api.md §5, §15):

    - ``status`` defaults to **completed only** on Qonto's side: pending and declined transactions are left out
      unless you ask, e.g. ``status=["pending", "completed"]``.
    - For an accounting period, filter on **settled_at** (``settled_at_from``/``settled_at_to``), not on
      ``updated_at``: filtering on ``updated_at`` silently loses transactions settled in the period but updated
      later. Use ``updated_at_from`` for incremental sync instead.
    """

    __slots__ = ()

    @operation("GET", "/v2/transactions")
    async def list(
        self,
        *,
        bank_account_id: str | None = None,
        iban: str | None = None,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        settled_at_from: datetime | str | None = None,
        settled_at_to: datetime | str | None = None,
        emitted_at_from: datetime | str | None = None,
        emitted_at_to: datetime | str | None = None,
        side: str | None = None,
        operation_type: Iterable[str] | str | None = None,
        with_attachments: bool | None = None,
        includes: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Transaction]:
        """``GET /v2/transactions``: one page of an account's transactions.

        ``status`` defaults to completed only (Qonto's default); it takes a list of ``pending``, ``declined``,
        ``completed``. Datetimes must be timezone-aware (datetime objects or ISO 8601 strings with an offset or
        ``Z``); they are sent as ISO 8601 UTC with milliseconds. ``includes`` embeds ``labels``, ``attachments``,
        ``vat_details``. ``sort_by`` is ``field:order``, default ``settled_at:desc``.
        """
        params = _filters(
            bank_account_id=bank_account_id,
            iban=iban,
            status=status,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            settled_at_from=settled_at_from,
            settled_at_to=settled_at_to,
            emitted_at_from=emitted_at_from,
            emitted_at_to=emitted_at_to,
            side=side,
            operation_type=operation_type,
            with_attachments=with_attachments,
            includes=includes,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/transactions", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/transactions")
    def iterate(
        self,
        *,
        bank_account_id: str | None = None,
        iban: str | None = None,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        settled_at_from: datetime | str | None = None,
        settled_at_to: datetime | str | None = None,
        emitted_at_from: datetime | str | None = None,
        emitted_at_to: datetime | str | None = None,
        side: str | None = None,
        operation_type: Iterable[str] | str | None = None,
        with_attachments: bool | None = None,
        includes: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Transaction]:
        """Every transaction matching the filters, across pages: ``async for tx in qonto.transactions.iterate(...)``.

        Mind the traps: ``status`` defaults to **completed only** (pass ``status=["pending", "declined",
        "completed"]`` for all), and accounting periods filter on **settled_at**, not ``updated_at``.
        Arguments are checked now, before any request.
        """
        params = _filters(
            bank_account_id=bank_account_id,
            iban=iban,
            status=status,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            settled_at_from=settled_at_from,
            settled_at_to=settled_at_to,
            emitted_at_from=emitted_at_from,
            emitted_at_to=emitted_at_to,
            side=side,
            operation_type=operation_type,
            with_attachments=with_attachments,
            includes=includes,
            sort_by=sort_by,
        )
        check_per_page(per_page)
        base = tuple(params.pairs)

        async def fetch(page: int) -> Page[Transaction]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/transactions", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/transactions/{id}")
    async def get(self, id: str, *, includes: Iterable[str] | str | None = None) -> Transaction:
        """``GET /v2/transactions/{id}``: one transaction (``includes`` as in :meth:`list`)."""
        path = f"/v2/transactions/{path_id('id', id)}"
        params = Params().add_list("includes", _includes(includes))
        return await self._send(Request(method="GET", path=path, params=params.pairs, decode=_ONE))
