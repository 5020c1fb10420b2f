"""``qonto.labels``: the organization's custom labels (qonto-api.md §3.1 rows 66-67)."""

from __future__ import annotations

from qonto_async.models.transactions import Label
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Label, key="labels")
_ONE = decoder(Label, key="label")


class LabelsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/labels")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[Label]:
        """``GET /v2/labels``: one page of labels. Labels form lists through ``parent_id``."""
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/labels", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/labels")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[Label]:
        """Every label, across pages."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Label]:
            return await self.list(page=page, per_page=per_page)

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/labels/{id}")
    async def get(self, id: str) -> Label:
        """``GET /v2/labels/{id}``: one label."""
        path = f"/v2/labels/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))
