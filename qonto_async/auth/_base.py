"""The :class:`AuthStrategy` protocol: how credentials get onto each attempt of each request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from qonto_async.environments import Environment


class FastHeaders(NamedTuple):
    """How the session may read a built-in strategy's headers without an AuthContext or a coroutine per attempt
    (a call's own cost at high concurrency), as long as no refresh is due. See :data:`FAST_HEADERS`."""

    #: The ``headers`` function this stands for: once it is replaced (patched on the class or the instance),
    #: the session calls ``headers()`` again.
    headers: Callable[..., Awaitable[Mapping[str, str]]]
    #: The headers while no refresh is due, else None. A plain dict, which the session only reads: merging a
    #: read-only mapping proxy into the request's headers costs several times as much.
    current: Callable[[Any], Mapping[str, str] | None]
    #: The headers after the refresh that ``current`` found due.
    refreshed: Callable[[Any, AuthContext], Awaitable[Mapping[str, str]]]


# Keyed by exact type: a subclass is always asked through its headers().
FAST_HEADERS: dict[type, FastHeaders] = {}


class TokenEndpoint(Protocol):
    """What an auth strategy may call to reach the OAuth token endpoint through the client's one request loop."""

    async def token_request(self, form: Mapping[str, str], *, retry_safe: bool) -> Mapping[str, Any]: ...


@attrs.frozen(kw_only=True)
class AuthContext:
    """What a strategy knows about the attempt it is asked to authenticate."""

    method: str
    url: str
    attempt: int
    environment: Environment
    token_endpoint: TokenEndpoint = attrs.field(repr=False, eq=False)


@runtime_checkable
class AuthStrategy(Protocol):
    """Supplies authentication headers. Called by the session on **every attempt**, retries included.

    Write your own by implementing both methods; nothing else is required::

        class MyAuth:
            async def headers(self, ctx: AuthContext) -> Mapping[str, str]:
                return {"Authorization": await vault.current_header()}

            async def on_unauthorized(self, ctx: AuthContext, sent_headers: Mapping[str, str]) -> bool:
                return False  # True asks the session to try once more with fresh headers
    """

    async def headers(self, ctx: AuthContext) -> Mapping[str, str]:
        """Headers to add to this attempt (typically ``Authorization``)."""
        ...

    async def on_unauthorized(self, ctx: AuthContext, sent_headers: Mapping[str, str]) -> bool:
        """Called on a 401. Return True to have the request tried once more (after refreshing, say)."""
        ...
