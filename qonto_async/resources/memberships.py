"""``qonto.memberships``: the organization's members (qonto-api.md §3.1 rows 68-69)."""

from __future__ import annotations

from qonto_async.models.memberships import Membership
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Membership, key="memberships")
_ONE = decoder(Membership, key="membership")


class MembershipsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/memberships")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[Membership]:
        """``GET /v2/memberships``: one page of the organization's memberships."""
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/memberships", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/memberships")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[Membership]:
        """Every membership, across pages."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Membership]:
            return await self.list(page=page, per_page=per_page)

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/membership")
    async def get_current(self) -> Membership:
        """``GET /v2/membership``: the membership of the user who authorized the app.

        OAuth only, with the ``membership.read`` scope (qonto-api.md §3.1 row 69): an API key gets a 401/403.
        """
        return await self._send(Request(method="GET", path="/v2/membership", decode=_ONE))
