"""Strong Customer Authentication sessions: ``GET /v2/sca_sessions/{token}`` and its sandbox mock (qonto-api.md §8)."""

import enum
from datetime import datetime

import attrs

__all__ = ["ScaResult", "ScaSession"]


class ScaResult(enum.StrEnum):
    """``waiting`` until the user answers; ``deny`` also covers a session older than 15 minutes."""

    WAITING = "waiting"
    ALLOW = "allow"
    DENY = "deny"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ScaSession:
    """The state of one SCA session: ``{"result": "waiting"|"allow"|"deny", "canceled_at": ...}``."""

    result: ScaResult | str
    canceled_at: datetime | None = None
