"""``OAuthBearerAuth``: bearer tokens with safe, serialised refresh (qonto-api.md §2.2).

Rules, and why:

- Refresh **before** expiry (``leeway``): Qonto recommends it, and every 401 counts toward its 401 throttle.
- At most one refresh in flight per auth object: an ``asyncio.Lock``, checked again once held. The fast path (a
  fresh token) takes no lock.
- Qonto **rotates** refresh tokens, and the old one dies 60 s after first use. The new pair is saved to the
  :class:`TokenStore` before any request uses it; a store shared between processes lends its ``refresh_lock()``
  so that only one process spends the refresh token and the others read the saved pair. A pair the store
  failed to save stays in memory, and the next request saves it again (failing with ``TokenStoreError`` for as
  long as the store does) rather than going on with a pair no other process can see.
- On a 401, refresh once only if the token that failed is still the current one (another task may have
  refreshed already), then let the session retry once.
- The ``on_token_refreshed`` callback runs after the lock is released, so a slow or failing callback never
  holds up other requests.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from qonto_async.auth._base import FAST_HEADERS, AuthContext, FastHeaders, TokenEndpoint
from qonto_async.auth.tokens import MemoryTokenStore, OAuthToken, TokenStore
from qonto_async.errors import ConfigurationError, OAuthError, TokenStoreError

__all__ = ["OAuthBearerAuth"]

_log = logging.getLogger("qonto_async.auth")

TokenCallback = Callable[[OAuthToken], Awaitable[None] | None]


def _retrieve(task: asyncio.Future[OAuthToken]) -> None:
    # A shielded refresh whose caller was cancelled still ends; its outcome is read here so that asyncio does
    # not report it as never retrieved. Other callers see the saved token on their next attempt.
    if not task.cancelled():
        task.exception()


def _now() -> datetime:
    return datetime.now(UTC)


def _check_client_field(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"OAuthBearerAuth {name} must be a non-empty string.")
    if any(ch.isspace() for ch in value):
        raise ConfigurationError(
            f"OAuthBearerAuth {name} contains whitespace; copy it again from the Developer Portal."
        )
    return value


class OAuthBearerAuth:
    """Authenticate with an OAuth 2.0 access token, refreshing it as needed.

    ``token`` is the pair to start from. With a ``token_store``, a pair already saved there wins over ``token``
    once it is newer (a store outlives the process; configuration does not, and rotation makes a refresh token
    from configuration stale after its first use).
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        token: OAuthToken,
        token_store: TokenStore | None = None,
        leeway: float = 60.0,
        on_token_refreshed: TokenCallback | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._client_id = _check_client_field("client_id", client_id)
        self._client_secret = _check_client_field("client_secret", client_secret)
        if not isinstance(token, OAuthToken):
            raise ConfigurationError(
                "OAuthBearerAuth token must be an OAuthToken(access_token=..., refresh_token=..., expires_at=...)."
            )
        if token_store is not None and not isinstance(token_store, TokenStore):
            raise ConfigurationError(
                "OAuthBearerAuth token_store must implement load(), save() and refresh_lock() "
                "(MemoryTokenStore, FileTokenStore, or your own)."
            )
        # `0 <= leeway < inf` is False for NaN too, which `leeway < 0` alone would let through.
        if not isinstance(leeway, int | float) or not 0 <= leeway < float("inf"):
            raise ConfigurationError("OAuthBearerAuth leeway must be a finite number of seconds >= 0.")
        try:
            leeway_delta = timedelta(seconds=float(leeway))
        except OverflowError:
            raise ConfigurationError(
                "OAuthBearerAuth leeway is too large; a token lives for an hour (qonto-api.md §2.2), so a leeway "
                "of seconds or minutes is what is meant."
            ) from None
        if on_token_refreshed is not None and not callable(on_token_refreshed):
            raise ConfigurationError("OAuthBearerAuth on_token_refreshed must be callable.")
        if not callable(clock):
            raise ConfigurationError(
                "OAuthBearerAuth clock must be callable, returning a timezone-aware datetime (default: now in UTC)."
            )
        self._token = token
        self._store: TokenStore = token_store if token_store is not None else MemoryTokenStore(token)
        self._store_checked = token_store is None
        self._leeway = float(leeway)
        self._leeway_delta = leeway_delta
        self._headers: tuple[OAuthToken | None, dict[str, str]] = (None, {})
        self._on_token_refreshed = on_token_refreshed
        self._clock = clock
        # One lock per event loop: an asyncio.Lock binds to the first loop that waits on it, and one auth object
        # may serve successive loops (asyncio.run per job, the sync facade, a forked worker).
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.refresh_count = 0

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def token(self) -> OAuthToken:
        """The current token pair."""
        return self._token

    @property
    def token_store(self) -> TokenStore:
        return self._store

    def __repr__(self) -> str:
        return (
            f"OAuthBearerAuth(client_id={self._client_id!r}, client_secret='***', "
            f"token={self._token!r}, token_store={self._store!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("OAuthBearerAuth cannot be pickled: it holds a client secret and tokens.")

    async def headers(self, ctx: AuthContext) -> Mapping[str, str]:
        current = self._current_headers()
        if current is None:
            current = await self._refreshed_headers(ctx)
        return dict(current)  # a dict of its own, as always: a subclass may add to it

    async def _refreshed_headers(self, ctx: AuthContext) -> Mapping[str, str]:
        return self._headers_for(await self._refresh(ctx.token_endpoint, stale=self._token, force=False))

    def _current_headers(self) -> Mapping[str, str] | None:
        """The current token's headers, or None when a refresh is due (or the store was not read yet)."""
        token = self._token
        # token.expires_within(leeway), inline: this runs on every attempt of every call.
        if not self._store_checked or token.expires_at - self._clock() <= self._leeway_delta:
            return None
        return self._headers_for(token)

    def _headers_for(self, token: OAuthToken) -> Mapping[str, str]:
        sent_for, headers = self._headers
        if sent_for is not token:
            # Built once per token pair. Handed only to the session, which only reads it; headers() copies it.
            headers = {"Authorization": f"Bearer {token.access_token}"}
            self._headers = (token, headers)
        return headers

    async def on_unauthorized(self, ctx: AuthContext, sent_headers: Mapping[str, str]) -> bool:
        current = self._token
        if sent_headers.get("Authorization") != f"Bearer {current.access_token}":
            # Someone refreshed while this request was in flight: retry with the new token.
            return True
        if current.refresh_token is None:
            return False
        await self._refresh(ctx.token_endpoint, stale=current, force=True)
        return True

    async def refresh(self, token_endpoint: TokenEndpoint) -> OAuthToken:
        """Refresh now, whatever the expiry (e.g. after changing scopes)."""
        return await self._refresh(token_endpoint, stale=self._token, force=True)

    def _usable(self, token: OAuthToken) -> bool:
        return not token.expires_within(self._leeway, now=self._clock())

    @property
    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def _refresh(self, endpoint: TokenEndpoint, *, stale: OAuthToken, force: bool) -> OAuthToken:
        # The refresh runs in a task of its own, shielded from the caller: a request cancelled mid-refresh (a
        # client that disconnected, a wait_for timeout) must not abandon a token call whose answer carries the
        # only live refresh token (rotation, qonto-api.md §2.2). The task always saves what the server returned.
        task = asyncio.ensure_future(self._refresh_locked(endpoint, stale=stale, force=force))
        task.add_done_callback(_retrieve)
        return await asyncio.shield(task)

    async def _refresh_locked(self, endpoint: TokenEndpoint, *, stale: OAuthToken, force: bool) -> OAuthToken:
        refreshed: OAuthToken | None = None
        async with self._lock:
            if self._token is not stale and self._usable(self._token):
                return self._token
            if not force and self._store_checked and self._usable(self._token):
                # Another task consulted the store while this one waited: nothing to reload.
                return self._token
            async with self._store.refresh_lock():
                saved = await self._store.load()
                self._store_checked = True
                if saved is not None and saved.access_token != stale.access_token:
                    if saved.expires_at > stale.expires_at:
                        # Another task, process or host already refreshed: use its pair, spend nothing.
                        self._token = saved
                        if self._usable(saved) or saved.refresh_token is None:
                            return saved
                        stale = saved
                    else:
                        # The store holds an older pair than the one configured: ours wins and is kept.
                        await self._store.save(stale)
                elif saved is None:
                    await self._store.save(stale)
                if not force and self._usable(stale):
                    return stale
                refresh_token = stale.refresh_token
                if refresh_token is None:
                    raise OAuthError(
                        "the access token expired and there is no refresh token to renew it; request the "
                        "offline_access scope when authorizing, or authorize again",
                        error="no_refresh_token",
                    )
                payload = await endpoint.token_request(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": refresh_token,
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                    # qonto-api.md §2.2: the old refresh token stays valid 60 s after first use, so resending
                    # a refresh whose answer was lost is safe.
                    retry_safe=True,
                )
                try:
                    new = OAuthToken.from_token_response(payload, now=self._clock())
                except (ValueError, ConfigurationError) as exc:
                    raise OAuthError(f"the token endpoint answered without a usable token: {exc}") from None
                if new.refresh_token is None:
                    # Some grants return no new refresh token; the current one then stays valid.
                    new = OAuthToken(
                        access_token=new.access_token,
                        refresh_token=refresh_token,
                        expires_at=new.expires_at,
                        scopes=new.scopes or stale.scopes,
                        token_type=new.token_type,
                        id_token=new.id_token,
                    )
                self.refresh_count += 1
                saved_ok = False
                try:
                    await self._store.save(new)
                    saved_ok = True
                except TokenStoreError:
                    _log.error(
                        "the refreshed OAuth token could not be saved; it is kept in memory and saved again on "
                        "the next request"
                    )
                    raise
                except Exception as exc:
                    raise TokenStoreError(
                        f"the token store failed to save the refreshed token ({type(exc).__name__}); "
                        "it is kept in memory and saved again on the next request"
                    ) from exc
                finally:
                    # Rotation: the new pair must be durable before anything uses it, and the lock-free fast
                    # path in headers() reads self._token, so it is published only after the save. A failed or
                    # cancelled save still publishes it: the old refresh token is spent, this pair is the only
                    # live one. It is not dropped either: until a save succeeds, the next request goes back to
                    # the store (and fails loudly while the store does), where it is saved again.
                    self._token = new
                    if not saved_ok:
                        self._store_checked = False
                refreshed = new
        _log.debug("OAuth access token refreshed; expires at %s", refreshed.expires_at.isoformat())
        await self._notify(refreshed)
        return refreshed

    async def _notify(self, token: OAuthToken) -> None:
        if self._on_token_refreshed is None:
            return
        try:
            result: Any = self._on_token_refreshed(token)
            if inspect.isawaitable(result):
                await result
        except Exception:
            # The token is already saved; a failing user callback must not fail the request that refreshed.
            _log.exception("on_token_refreshed callback failed")


FAST_HEADERS[OAuthBearerAuth] = FastHeaders(
    OAuthBearerAuth.headers, OAuthBearerAuth._current_headers, OAuthBearerAuth._refreshed_headers
)
