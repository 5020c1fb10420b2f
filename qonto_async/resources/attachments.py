"""``qonto.attachments``: files attached to transactions (qonto-api.md §3.1 row 2, §12)."""

from __future__ import annotations

from qonto_async.models.transactions import Attachment
from qonto_async.resources._base import Resource, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_ONE = decoder(Attachment, key="attachment")


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
