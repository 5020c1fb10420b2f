"""Teams (qonto-api.md §3.1 rows 118-119): ``GET /v2/teams`` and ``POST /v2/teams``."""

import attrs

__all__ = ["Team"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class Team:
    """A team of the organization (memberships point at it with ``team_id``)."""

    id: str
    name: str | None = None
