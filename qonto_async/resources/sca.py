"""``qonto.sca``: Strong Customer Authentication sessions (qonto-api.md §3.1 row 11, §3.2 B27-B28, §8)."""

from __future__ import annotations

from typing import Final, Literal

from qonto_async.errors import ConfigurationError
from qonto_async.models.sca import ScaSession
from qonto_async.resources._base import Resource, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_SESSION = decoder(ScaSession)
_DECISIONS: Final = ("allow", "deny")


class ScaResource(Resource):
    """The SCA session behind a ``428`` (:class:`~qonto_async.ScaRequired`): poll it, or, in the sandbox, decide it.

    SCA needs OAuth (an API key cannot do it). Poll no more than once a second; a session lasts 15 minutes.
    """

    __slots__ = ()

    @operation("GET", "/v2/sca_sessions/{sca_session_token}")
    async def get_session(self, token: str) -> ScaSession:
        """``GET /v2/sca_sessions/{token}``: ``result`` is ``waiting``, ``allow`` or ``deny``.

        ``deny`` also means the 15 minutes ran out. Once ``allow``, replay the original request unchanged (same
        body, same idempotency key) with ``X-Qonto-Sca-Session-Token``. Poll at most once a second.
        """
        path = f"/v2/sca_sessions/{path_id('token', token)}"
        return await self._send(Request(method="GET", path=path, decode=_SESSION))

    @operation("GET", "/v2/mocked_sca_sessions/{sca_session_token}")
    async def get_mocked_session(self, token: str) -> ScaSession:
        """``GET /v2/mocked_sca_sessions/{token}``: **sandbox only**, the state of a mocked SCA session."""
        path = f"/v2/mocked_sca_sessions/{path_id('token', token)}"
        return await self._send(Request(method="GET", path=path, decode=_SESSION))

    @operation("POST", "/v2/mocked_sca_sessions/{sca_session_token}/{decision}")
    async def mock_decision(self, token: str, decision: Literal["allow", "deny"]) -> None:
        """``POST /v2/mocked_sca_sessions/{token}/{decision}``: **sandbox only**, answer as the user would.

        Works for a session started with ``X-Qonto-2fa-Preference: mock``. ``decision`` is ``"allow"`` or
        ``"deny"``. Sending it twice is harmless: it only sets the session's result.
        """
        if decision not in _DECISIONS:
            raise ConfigurationError(f"decision must be 'allow' or 'deny', got {decision!r}.")
        path = f"/v2/mocked_sca_sessions/{path_id('token', token)}/{decision}"
        await self._send(Request(method="POST", path=path))
