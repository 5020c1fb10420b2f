"""FakeQonto: teams (qonto-api.md §3.1 rows 118-119). OAuth only, ``team.read`` / ``team.write``. Seeded with the
team of the authenticated membership (its ``team_id``) and two more; ``POST /v2/teams`` takes a top-level
``{"name": ...}`` and answers 201."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok, text
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "TeamStore", "store"]

STORE: Final = "teams"
_SEED: Final = ("Management", "Engineering", "Sales")


@attrs.define
class TeamStore:
    teams: list[dict[str, Any]] = attrs.field(factory=list)


def store(fake: FakeQonto) -> TeamStore:
    found: TeamStore | None = fake.stores.get(STORE)
    if found is None:
        found = TeamStore()
        # The first one is the authenticated membership's team (FakeData.current_membership["team_id"]).
        for n, name in enumerate(_SEED):
            found.teams.append({"id": f"{fake.data.prefix}-7ea3-4000-8000-{n:012x}", "name": name})
        fake.stores[STORE] = found
    return found


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return fake._list(ctx, "teams", store(fake).teams)


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    name = text(fake, ctx, json_object(fake, ctx), "name", "", limit=255)
    teams = store(fake)
    if any(t["name"].lower() == str(name).lower() for t in teams.teams):
        raise invalid(fake, ctx, "taken", "A team with this name already exists", "/name")
    team = {"id": f"{fake.data.prefix}-7ea3-4000-8000-{len(teams.teams):012x}", "name": name}
    teams.teams.append(team)
    return ok(fake, ctx, {"team": team}, status=201)


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/teams", _list, "team.read", False),
    _Route("POST", "/v2/teams", _create, "team.write", False, write=True),
)
