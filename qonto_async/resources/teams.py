"""``qonto.teams``: the organization's teams (qonto-api.md §3.1 rows 118-119). OAuth only (``team.read`` /
``team.write``)."""

from __future__ import annotations

from qonto_async.errors import ConfigurationError
from qonto_async.models.teams import Team
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Team, key="teams")
_ONE = decoder(Team, key="team")


class TeamsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/teams")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[Team]:
        """``GET /v2/teams``: one page of the organization's teams (OAuth ``team.read``)."""
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/teams", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/teams")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[Team]:
        """Every team, across pages. Arguments are checked now, before any request."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Team]:
            pairs = [("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/teams", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/teams")
    async def create(self, name: str) -> Team:
        """``POST /v2/teams``: create a team (OAuth ``team.write``); Qonto answers 201 with it.

        The body is top-level (``{"name": ...}``, no root key, as Qonto documents it). Qonto documents no
        idempotency key here, so a failed call is never retried automatically: list the teams before retrying.
        """
        if not isinstance(name, str) or not name.strip():
            raise ConfigurationError(f"name must be a non-empty string, got {name!r}.")
        return await self._send(Request(method="POST", path="/v2/teams", json={"name": name}, decode=_ONE))
