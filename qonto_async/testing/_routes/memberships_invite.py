"""``POST /v2/memberships/invite_employee_or_accountant`` (qonto-api.md §3.1 row 70): OAuth only, scope
``membership.write``.

The invited member is added to the organization's memberships (``GET /v2/memberships`` lists them). Its 422 uses
the single-object ``errors`` shape of this endpoint's Postman example (qonto-api.md §6.1).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

# Qonto's OpenAPI enum for this endpoint; "reporting" is the accountant role.
ROLES: Final = ("employee", "reporting")
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _invalid(fake: FakeQonto, ctx: _Ctx, detail: str, pointer: str) -> web.Response:
    error = {
        "code": "invalid",
        "detail": detail,
        "status": "422",
        "message": detail,
        "source": {"pointer": pointer},
    }
    return fake._json(422, {"errors": error, "trace_id": ctx.trace}, ctx.trace)


async def _invite(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    try:
        payload: Any = json.loads(ctx.body) if ctx.body else None
    except (ValueError, RecursionError):
        payload = None
    membership = payload.get("membership") if isinstance(payload, dict) else None
    if not isinstance(membership, dict):
        return fake._error(
            400, "bad_request", "membership is required", ctx.trace, source={"pointer": "/membership"}
        )
    for field in ("email", "first_name", "last_name", "role"):
        value = membership.get(field)
        if not isinstance(value, str) or not value.strip():
            return _invalid(fake, ctx, f"{field} is required", f"/membership/{field}")
    if not _EMAIL.match(membership["email"]):
        return _invalid(fake, ctx, "email is not a valid e-mail address", "/membership/email")
    if membership["role"] not in ROLES:
        return _invalid(fake, ctx, f"role must be one of {', '.join(ROLES)}", "/membership/role")
    known = {member.get("email") for member in fake.data.memberships}
    if membership["email"] in known:
        return _invalid(fake, ctx, "A member with this email already exists", "/membership/email")
    team_id = membership.get("team_id")
    if team_id is not None and not isinstance(team_id, str):
        return _invalid(fake, ctx, "team_id must be a team id", "/membership/team_id")
    n = len(fake.data.memberships)
    created = {
        "id": f"{fake.data.prefix}-3e3b-4000-9000-{n:012x}",
        "first_name": membership["first_name"],
        "last_name": membership["last_name"],
        "email": membership["email"],
        "role": membership["role"],
        "locale": "en",
        "team_id": team_id if team_id is not None else fake.data.current_membership["team_id"],
    }
    fake.data.memberships.append(created)
    return fake._json(200, {"membership": created}, ctx.trace)


ROUTES: Final = (
    _Route(
        "POST",
        "/v2/memberships/invite_employee_or_accountant",
        _invite,
        "membership.write",
        False,
        write=True,
    ),
)
