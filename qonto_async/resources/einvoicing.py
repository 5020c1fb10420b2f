"""``qonto.einvoicing``: the organization's e-invoicing settings (qonto-api.md §3.1 row 47)."""

from __future__ import annotations

from qonto_async.models.einvoicing import EinvoicingSettings
from qonto_async.resources._base import Resource, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_SETTINGS = decoder(EinvoicingSettings)


class EinvoicingResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/einvoicing/settings")
    async def get_settings(self) -> EinvoicingSettings:
        """``GET /v2/einvoicing/settings``: whether the organization sends and receives e-invoices (scope
        ``einvoicing.read``; API keys too). The body is not wrapped in a root key. Countries without e-invoicing
        get the default settings."""
        return await self._send(Request(method="GET", path="/v2/einvoicing/settings", decode=_SETTINGS))
