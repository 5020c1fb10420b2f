"""``qonto.sca``: Strong Customer Authentication sessions (qonto-api.md §3.1 row 11, §3.2 B27-B28, §8)."""

from __future__ import annotations

from typing import Any, Final, Literal

from qonto_async.errors import ConfigurationError, ScaRequired
from qonto_async.models.sca import ScaSession
from qonto_async.resources._base import Resource, check_id, operation, path_id
from qonto_async.sca import (
    MIN_POLL_INTERVAL,
    SCA_SESSION_LIFETIME,
    ScaChallenge,
    ScaHandler,
    ScaPolicy,
    complete,
    wait_for_decision,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

_SESSION = decoder(ScaSession)
_DECISIONS: Final = ("allow", "deny")


class ScaResource(Resource):
    """The SCA session behind a ``428`` (:class:`~qonto_async.ScaRequired`): poll it, or, in the sandbox, decide it.

    SCA needs OAuth (an API key cannot do it). Poll no more than once a second; a session lasts 15 minutes.
    With ``QontoClient(sca=ScaPolicy())`` writes complete SCA by themselves; otherwise catch
    :class:`~qonto_async.ScaRequired` and call :meth:`complete`.
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

    async def complete(
        self,
        error: ScaRequired,
        *,
        on_required: ScaHandler | None = None,
        poll_interval: float = MIN_POLL_INTERVAL,
        timeout: float = SCA_SESSION_LIFETIME,
    ) -> Any:
        """Finish the write that raised ``error``: wait for the user's approval, then replay it; return its result.

        ``on_required(client, challenge)`` runs first (e.g. :func:`qonto_async.sca.allow_mocked` in the sandbox).
        Then ``GET /v2/sca_sessions/{token}`` is polled every ``poll_interval`` seconds (at least 1) for at most
        ``timeout`` seconds (at most 15 minutes), and the write is replayed unchanged (same body, same
        ``X-Qonto-Idempotency-Key``, same ``X-Qonto-2fa-Preference``) with ``X-Qonto-Sca-Session-Token``.
        Raises :class:`~qonto_async.ScaDenied` or :class:`~qonto_async.ScaExpired`; nothing is performed then.
        ``error`` must come from a call of this client (process): the request to replay travels with it, and the
        15 minutes count from when that ``428`` arrived.
        """
        if not isinstance(error, ScaRequired):
            raise ConfigurationError(
                f"complete() takes the ScaRequired a write raised, got {type(error).__name__}."
            )
        replay = getattr(error, "_sca_replay", None)
        if replay is None:
            raise ConfigurationError(
                "this ScaRequired does not carry its request (it was raised elsewhere, or pickled): replay the "
                "write yourself with X-Qonto-Sca-Session-Token once qonto.sca.wait(...) returns."
            )
        client, request, started = replay
        policy = ScaPolicy(
            preference=None,
            auto_complete=True,
            on_required=on_required,
            poll_interval=poll_interval,
            timeout=timeout,
        )
        # The view that raised knows the request's options; replay through it, not through this namespace's client.
        return await complete(client, request, error, policy, started=started)

    async def wait(
        self,
        token: str,
        *,
        poll_interval: float = MIN_POLL_INTERVAL,
        timeout: float = SCA_SESSION_LIFETIME,
    ) -> ScaSession:
        """Poll the session ``token`` until the user allows it; return the ``allow`` session.

        Polls at most once every ``poll_interval`` seconds (at least 1) for at most ``timeout`` seconds (at most
        15 minutes). Raises :class:`~qonto_async.ScaDenied` or :class:`~qonto_async.ScaExpired`.
        """
        ScaPolicy(poll_interval=poll_interval, timeout=timeout)  # validates both
        challenge = ScaChallenge(
            token=check_id("token", token),
            action_type=None,
            method="",
            path="",
            idempotency_key=None,
            trace_id=None,
        )
        return await wait_for_decision(self._client, challenge, poll_interval=poll_interval, timeout=timeout)
