"""``GET /v2/user_organizations`` (qonto-api.md §2.4, §3.2 B3): the organizations of a User OAuth flow token.

The fake's own organization comes first (role owner), then a second one the same user is an admin of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    org = fake.data.organization()["organization"]
    organizations = [
        {
            "id": org["id"],
            "name": org.get("name"),
            "legal_name": org.get("legal_name"),
            "legal_number": org.get("legal_number"),
            "legal_country": org.get("legal_country"),
            "membership_role": "owner",
        },
        {
            "id": f"{fake.data.prefix}-0000-4000-8000-000000000001",
            "name": "Omega Ltd",
            "legal_name": "Omega Limited GmbH",
            "legal_number": "HRB 12345",
            "legal_country": "DE",
            "membership_role": "admin",
        },
    ]
    return fake._json(200, {"organizations": organizations}, ctx.trace)


# qonto-api.md §2.3: scope user_organization.read, User OAuth flow only (no API key).
ROUTES: tuple[_Route, ...] = (_Route("GET", "/v2/user_organizations", _list, "user_organization.read", False),)
