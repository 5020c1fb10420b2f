"""``qonto.oauth``: OAuth operations on the API host (qonto-api.md §2.2, §3.1 row 10)."""

from __future__ import annotations

from qonto_async.resources._base import Resource, operation
from qonto_async.session import Request


class OAuthResource(Resource):
    __slots__ = ()

    @operation("DELETE", "/v2/oauth2/consents")
    async def revoke_consents(self) -> None:
        """``DELETE /v2/oauth2/consents``: revoke the user's consents, disconnecting this app (answers 204).

        The access and refresh tokens stop working; the user must authorize again to reconnect.
        """
        await self._send(Request(method="DELETE", path="/v2/oauth2/consents"))
