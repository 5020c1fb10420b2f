"""``qonto.requests``: requests awaiting an approver, read side (qonto-api.md §3.1 row 86)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.requests import ApprovalRequest, ApprovalRequestStatus, ApprovalRequestType
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation
from qonto_async.session import Request

_PAGE = page_decoder(ApprovalRequest, key="requests")
_STATUSES: Final = tuple(s.value for s in ApprovalRequestStatus)
_TYPES: Final = tuple(t.value for t in ApprovalRequestType)
# The OpenAPI enum of sort_by.
_SORT_BY: Final = tuple(
    f"{field}:{order}" for field in ("created_at", "processed_at", "status") for order in ("asc", "desc")
)


def _filters(
    *,
    status: Iterable[str] | str | None,
    request_type: Iterable[str] | str | None,
    created_at_from: datetime | str | None,
    processed_at_from: datetime | str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and sort_by not in _SORT_BY:
        raise ConfigurationError(f"sort_by must be one of {', '.join(_SORT_BY)}; got {sort_by!r}.")
    params = Params().add_list("status", status, choices=_STATUSES)
    params.add_list("request_type", request_type, choices=_TYPES)
    params.add_datetime("created_at_from", created_at_from).add_datetime("processed_at_from", processed_at_from)
    return params.add("sort_by", sort_by)


class RequestsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/requests")
    async def list(
        self,
        *,
        status: Iterable[str] | str | None = None,
        request_type: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        processed_at_from: datetime | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[ApprovalRequest]:
        """``GET /v2/requests``: one page of requests (Business and Enterprise plans only).

        ``status`` (pending, approved, declined, canceled) and ``request_type`` (flash_card, virtual_card,
        transfer, multi_transfer) take one value or a list; Qonto returns every status and type by default.
        ``created_at_from``/``processed_at_from`` take an aware datetime or ISO 8601 text. ``sort_by`` is
        ``created_at``, ``processed_at`` or ``status`` with ``:asc``/``:desc`` (``created_at:desc`` by default).
        """
        params = _filters(
            status=status,
            request_type=request_type,
            created_at_from=created_at_from,
            processed_at_from=processed_at_from,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/requests", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/requests")
    def iterate(
        self,
        *,
        status: Iterable[str] | str | None = None,
        request_type: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        processed_at_from: datetime | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[ApprovalRequest]:
        """Every request matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                status=status,
                request_type=request_type,
                created_at_from=created_at_from,
                processed_at_from=processed_at_from,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[ApprovalRequest]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/requests", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)
