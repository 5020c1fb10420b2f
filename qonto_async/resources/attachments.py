"""``qonto.attachments``: files attached to transactions (qonto-api.md §3.1 rows 2 and 5, §12)."""

from __future__ import annotations

from qonto_async.models.transactions import Attachment
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_ONE = decoder(Attachment, key="attachment")
_PAGE = page_decoder(Attachment, key="attachments")


class AttachmentsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/attachments/{id}")
    async def get(self, id: str) -> Attachment:
        """``GET /v2/attachments/{id}``: one attachment.

        Its ``url`` is a pre-signed S3 URL valid for 30 minutes (qonto-api.md §12): fetch it without any Qonto
        header, and call this again for a fresh URL once it has expired.
        """
        path = f"/v2/attachments/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("GET", "/v2/transactions/{id}/attachments")
    async def list_for_transaction(
        self, transaction_id: str, *, page: int | None = None, per_page: int | None = None
    ) -> Page[Attachment]:
        """``GET /v2/transactions/{id}/attachments``: one page of the attachments of one transaction.

        Each ``url`` is pre-signed and valid for 30 minutes (qonto-api.md §12). Qonto's examples of this list carry
        no ``meta``; such a page counts as the last one.
        """
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path=path, params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/transactions/{id}/attachments")
    def iterate_for_transaction(
        self, transaction_id: str, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[Attachment]:
        """Every attachment of one transaction, across pages. Arguments are checked now, before any request."""
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Attachment]:
            pairs = [("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path=path, params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)
