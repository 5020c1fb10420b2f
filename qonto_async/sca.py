"""Completing Strong Customer Authentication: the ``428`` → poll → replay flow of qonto-api.md §8.

A sensitive write (a SEPA or international transfer, closing an account, approving a request...) may answer
``428 Precondition Required`` with an ``sca_session_token``. The user then approves on their phone (or, in the
sandbox, you answer for them with ``X-Qonto-2fa-Preference: mock``), and the *same* request, same body and same
idempotency key, is replayed with ``X-Qonto-Sca-Session-Token``.

Two ways to run it:

- **Automatically**: ``QontoClient(..., sca=ScaPolicy())``. Every write that gets a ``428`` calls the policy's
  ``on_required`` hook (tell the user to open the Qonto app), polls the session no more than once a second for at
  most 15 minutes, and replays the write. The call returns the write's result, or raises :class:`ScaDenied` /
  :class:`ScaExpired`.
- **By hand**: without a policy (or with ``auto_complete=False``) the write raises :class:`ScaRequired`; call
  ``await qonto.sca.complete(error)`` when you are ready, or run the steps yourself with ``qonto.sca.wait`` and
  ``qonto.sca.get_session``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from qonto_async.errors import ConfigurationError, ScaDenied, ScaExpired, ScaRequired
from qonto_async.models.sca import ScaResult, ScaSession

if TYPE_CHECKING:
    from qonto_async.client import QontoClient
    from qonto_async.session import Request

__all__ = [
    "MIN_POLL_INTERVAL",
    "SCA_SESSION_LIFETIME",
    "SCA_TOKEN_HEADER",
    "TWO_FA_PREFERENCES",
    "TWO_FA_PREFERENCE_HEADER",
    "ScaChallenge",
    "ScaHandler",
    "ScaPolicy",
    "allow_mocked",
]

T = TypeVar("T")

SCA_TOKEN_HEADER: Final = "X-Qonto-Sca-Session-Token"
TWO_FA_PREFERENCE_HEADER: Final = "X-Qonto-2fa-Preference"
# qonto-api.md §8: paired-device is the default when the header is absent; mock exists only in the sandbox.
# sms-otp (Embed partners) is left out: its replay carries an OTP in X-Qonto-MFA and its 428 payload is undocumented.
TWO_FA_PREFERENCES: Final = ("paired-device", "passkey", "mock")
MIN_POLL_INTERVAL: Final = 1.0  # "no more than once per second"
SCA_SESSION_LIFETIME: Final = 15 * 60.0  # a session token is valid 15 minutes

_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

# Patched by the tests to run the 15-minute paths without waiting.
_monotonic: Callable[[], float] = time.monotonic
_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


def monotonic() -> float:
    """The clock SCA deadlines use (a module attribute, so tests can move it)."""
    return _monotonic()


@attrs.frozen(kw_only=True)
class ScaChallenge:
    """One ``428``: what is waiting for the user's approval.

    ``token`` is the session token (it authorizes one replay of this very request: it is kept out of ``repr``).
    ``action_type`` names the action (e.g. ``transfer.single.create``); ``method`` and ``path`` the request.
    """

    token: str = attrs.field(repr=False)
    action_type: str | None
    method: str
    path: str
    idempotency_key: str | None
    trace_id: str | None


ScaHandler = Callable[["QontoClient", ScaChallenge], Awaitable[None] | None]
"""``on_required(client, challenge)``: called once per ``428``, before polling starts.

An ``async def`` is awaited; a plain function is called on the event loop (keep it quick: it blocks the loop).
"""


async def allow_mocked(client: QontoClient, challenge: ScaChallenge) -> None:
    """An ``on_required`` hook for the **sandbox**: approve the mocked session at once, as the user would.

    Use with ``ScaPolicy(preference="mock", on_required=allow_mocked)`` to run SCA-protected writes end to end in
    the sandbox or against FakeQonto.
    """
    await client.sca.mock_decision(challenge.token, "allow")


def _poll_interval(_: Any, __: Any, value: object) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not value >= MIN_POLL_INTERVAL:
        raise ConfigurationError(
            f"poll_interval must be at least {MIN_POLL_INTERVAL:g} s: Qonto asks for no more than one poll per "
            f"second (got {value!r})."
        )
    if not math.isfinite(value):
        raise ConfigurationError(f"poll_interval must be finite, got {value!r}.")


def _wait_timeout(_: Any, __: Any, value: object) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= SCA_SESSION_LIFETIME:
        raise ConfigurationError(
            f"timeout must be more than 0 and at most {SCA_SESSION_LIFETIME:g} s (a session lives 15 minutes), "
            f"got {value!r}."
        )


def _flag(_: Any, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{attribute.name} must be True or False, got {value!r}.")


def _preference(_: Any, __: Any, value: object) -> None:
    if value == "sms-otp":
        raise ConfigurationError(
            "the 'sms-otp' SCA preference (Embed partners) is not supported: it is completed by replaying with an "
            "OTP in X-Qonto-MFA, and Qonto does not document its 428; use 'paired-device' or 'passkey'."
        )
    if value is not None and value not in TWO_FA_PREFERENCES:
        raise ConfigurationError(
            f"preference must be one of {', '.join(TWO_FA_PREFERENCES)} (or None for Qonto's default, "
            f"paired-device), got {value!r}."
        )


@attrs.frozen(kw_only=True)
class ScaPolicy:
    """How a client handles Strong Customer Authentication (qonto-api.md §8).

    - ``preference``: sent as ``X-Qonto-2fa-Preference`` on every write (and kept on the replay):
      ``"paired-device"`` (push notification, Qonto's default), ``"passkey"``, or ``"mock"`` (sandbox only:
      without it every sandbox write answers ``428 sca_not_enrolled``).
    - ``auto_complete``: on a ``428``, wait for the decision and replay (default). ``False`` raises
      :class:`~qonto_async.ScaRequired` for you to finish with ``qonto.sca.complete(error)``.
    - ``on_required``: ``hook(client, challenge)``, called once per ``428`` before polling starts (awaited if it
      is async): tell the user to approve in the Qonto app, or, in the sandbox, :func:`allow_mocked`.
    - ``poll_interval``: seconds between polls; at least 1 (Qonto's limit).
    - ``timeout``: how long to wait for the decision, at most 15 minutes (the session's lifetime).
    """

    preference: str | None = attrs.field(default=None, validator=_preference)
    auto_complete: bool = attrs.field(default=True, validator=_flag)
    on_required: ScaHandler | None = attrs.field(default=None, repr=False)
    poll_interval: float = attrs.field(default=MIN_POLL_INTERVAL, validator=_poll_interval)
    timeout: float = attrs.field(default=SCA_SESSION_LIFETIME, validator=_wait_timeout)

    def __attrs_post_init__(self) -> None:
        if self.on_required is not None and not callable(self.on_required):
            raise ConfigurationError("on_required must be an async function (client, challenge) -> None.")

    def check_environment(self, requires_staging_token: bool, name: str) -> None:
        """Refuse ``mock`` outside a sandbox-like environment: production would answer an unclear error."""
        if self.preference == "mock" and not requires_staging_token:
            raise ConfigurationError(
                f"the 'mock' SCA preference exists only in the sandbox; environment {name!r} is not one."
            )


def with_preference(request: Request[T], policy: ScaPolicy | None) -> Request[T]:
    """``request`` with the policy's ``X-Qonto-2fa-Preference`` when it is a write and a preference is set."""
    if policy is None or policy.preference is None or request.method in _SAFE_METHODS:
        return request
    if TWO_FA_PREFERENCE_HEADER in request.headers:
        return request
    return attrs.evolve(request, headers={**request.headers, TWO_FA_PREFERENCE_HEADER: policy.preference})


def challenge_of(error: ScaRequired, request: Request[Any]) -> ScaChallenge:
    token = error.sca_session_token
    if token is None:
        # qonto-api.md §8: sca_not_enrolled (sandbox without "mock", or no paired device) carries no token.
        raise error
    return ScaChallenge(
        token=token,
        action_type=error.action_type,
        method=request.method,
        path=request.path,
        idempotency_key=error.idempotency_key,
        trace_id=error.trace_id,
    )


async def wait_for_decision(
    client: QontoClient,
    challenge: ScaChallenge,
    *,
    poll_interval: float = MIN_POLL_INTERVAL,
    timeout: float = SCA_SESSION_LIFETIME,
    started: float | None = None,
) -> ScaSession:
    """Poll ``GET /v2/sca_sessions/{token}`` until ``allow``; raise :class:`ScaDenied` or :class:`ScaExpired`.

    Polls at most once every ``poll_interval`` seconds (never faster than once a second) and gives up after
    ``timeout`` seconds counted from ``started`` (the moment of the ``428``; now when omitted).
    """
    interval = max(poll_interval, MIN_POLL_INTERVAL)
    begin = _monotonic() if started is None else started
    deadline = begin + min(timeout, SCA_SESSION_LIFETIME)

    def failure(cls: type[ScaDenied | ScaExpired], what: str) -> ScaDenied | ScaExpired:
        request = f" for {challenge.method} {challenge.path}" if challenge.method else ""
        return cls(
            f"SCA{request} ({challenge.action_type or 'sensitive action'}) {what}; nothing was performed",
            action_type=challenge.action_type,
            trace_id=challenge.trace_id,
            idempotency_key=challenge.idempotency_key,
        )

    while True:
        polled_at = _monotonic()
        session = await client.sca.get_session(challenge.token)
        if session.result == ScaResult.ALLOW:
            return session
        if session.result == ScaResult.DENY:
            # qonto-api.md §8: "deny" also covers a session older than 15 minutes.
            if session.canceled_at is None and _monotonic() - begin >= SCA_SESSION_LIFETIME:
                raise failure(ScaExpired, "expired: the 15-minute session ended without approval")
            raise failure(ScaDenied, "was denied by the user")
        now = _monotonic()
        if now >= deadline:
            raise failure(ScaExpired, f"was not approved within {deadline - begin:g} s")
        # Never poll faster than once per interval, and never sleep past the deadline.
        await _sleep(max(0.0, min(polled_at + interval, deadline) - now))


async def complete(
    client: QontoClient,
    request: Request[T],
    error: ScaRequired,
    policy: ScaPolicy,
    *,
    started: float | None = None,
) -> T:
    """Run the hook, wait for approval, and replay ``request`` with the session token and the same key.

    ``started``: when the ``428`` arrived (``_monotonic()`` time; now when omitted): the 15 minutes count from it.
    """
    started = _monotonic() if started is None else started
    challenge = challenge_of(error, request)
    if policy.on_required is not None:
        outcome = policy.on_required(client, challenge)
        if inspect.isawaitable(outcome):
            await outcome
    await wait_for_decision(
        client, challenge, poll_interval=policy.poll_interval, timeout=policy.timeout, started=started
    )
    replay = attrs.evolve(
        request,
        headers={**request.headers, SCA_TOKEN_HEADER: challenge.token},
        # The very key the first attempt carried: the replay is the same logical write (qonto-api.md §7).
        idempotency_key=error.idempotency_key if error.idempotency_key is not None else request.idempotency_key,
    )
    return await client._send_once(replay)
