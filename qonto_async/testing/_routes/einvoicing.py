"""FakeQonto: e-invoicing settings (qonto-api.md §3.1 row 47), unwrapped as Qonto's example shows them.

Tests may replace ``fake.stores["einvoicing"]`` (a dict) to show other statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from qonto_async.testing._routes._misc_bodies import ok
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto


async def _settings(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    settings = fake.stores.setdefault(
        "einvoicing", {"sending_status": "enabled", "receiving_status": "pending_creation"}
    )
    return ok(fake, ctx, settings)


ROUTES: tuple[_Route, ...] = (_Route("GET", "/v2/einvoicing/settings", _settings, "einvoicing.read", True),)
