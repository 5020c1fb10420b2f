"""``RedisTokenStore``: one OAuth grant shared by many processes and hosts (the ``redis`` extra).

Qonto rotates refresh tokens, and the old one dies 60 seconds after its first use (qonto-api.md §2.2). Workers
that refresh on their own therefore race: the loser may keep a token that is about to die, and the integration
locks itself out. This store makes every worker that shares one Redis key behave as one:

- **A lease lock.** ``refresh_lock()`` takes ``<key>:refresh-lock`` with ``SET NX PX`` and a random holder token;
  while held, a background task renews the lease every third of its length. A holder that crashes (or whose
  event loop stops) stops renewing, so the lock frees itself within one lease and another worker takes over.
  Releasing and renewing are Lua scripts that check the holder token, so a holder never frees somebody else's
  lock. Waiters poll with a short, jittered back-off.
- **Compare-and-set.** The pair lives in a hash (``version``, ``token``). A ``save()`` under the lock only
  writes if the version is still the one its ``load()`` saw; so a holder whose lease ran out while it was stalled
  can never overwrite a newer pair with one derived from an older refresh token.
- **Pick-up.** :class:`~qonto_async.OAuthBearerAuth` reads the store once it holds the lock: a worker that waited
  finds the pair the holder saved and uses it without spending the refresh token. Exactly one refresh happens per
  expiry across all workers.
- **Loud failures.** Redis unreachable, a timeout or an unexpected value raise
  :class:`~qonto_async.TokenStoreError` naming the Redis server (never its password).

Each ``refresh_lock()``, and each ``load()``/``save()`` outside one, opens its own connection and closes it: the
store touches Redis about once per token lifetime, and holding no connection makes it safe to share between event
loops, threads (``SyncQontoClient``) and forked workers, with nothing to close.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import math
import random
import secrets
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from qonto_async.auth.tokens import OAuthToken
from qonto_async.errors import ConfigurationError, TokenStoreError

try:
    import redis.asyncio as aioredis
    from redis import exceptions as redis_errors
except ImportError as exc:
    raise ImportError(
        "RedisTokenStore needs the redis client: install the extra with pip install 'qonto-async[redis]'"
    ) from exc

__all__ = ["RedisTokenStore"]

_log = logging.getLogger("qonto_async.auth")

# KEYS[1] = the token hash; ARGV[1] = the version the caller's load() saw ("" = write whatever is there),
# ARGV[2] = the pair as JSON. Returns {1, new_version} or {0, current_version}. Version 0 means "no pair".
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'version') or '0'
if ARGV[1] ~= '' and current ~= ARGV[1] then
  return {0, current}
end
local version = (tonumber(current) or 0) + 1
redis.call('HSET', KEYS[1], 'version', version, 'token', ARGV[2])
return {1, tostring(version)}
"""

# KEYS[1] = the lock; ARGV[1] = the holder token (ARGV[2] = lease in ms, for renew).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_SCHEMES = ("redis", "rediss", "unix")


@attrs.define(eq=False)
class _Lease:
    """The lock this task holds on one store, with the version its last load() saw."""

    store: RedisTokenStore
    client: aioredis.Redis
    holder: str
    version: str | None = None
    lost: bool = False


# Set by refresh_lock() in the task that holds it: load() and save() inside the block use its connection, and
# save() compare-and-sets against what load() saw.
_LEASE: contextvars.ContextVar[_Lease | None] = contextvars.ContextVar("qonto_async_redis_lease", default=None)


def _positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ConfigurationError(f"RedisTokenStore {name} must be a finite number of seconds > 0, got {value!r}.")
    return float(value)


def _redacted(url: str) -> str:
    # For repr and error messages: scheme, host, port and database, never the user name or password.
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisTokenStore:
    """Keeps the token pair in Redis, shared by every process and host that uses the same ``key``.

    ``url`` is a redis-py URL (``redis://``, ``rediss://`` for TLS, ``unix://``); ``key`` names the pair and must be
    unique per Qonto connection (e.g. ``"qonto:oauth:<organization slug>"``): two connections sharing a key would
    send one organization's token for the other. ``lease`` is how long a crashed refresher keeps the lock (keep it
    well under Qonto's 60 s grace period); ``wait_timeout`` is how long a worker waits for another one's refresh
    before it raises :class:`~qonto_async.TokenStoreError`. ``socket_timeout`` bounds each Redis call, and
    ``redis_options`` goes to ``redis.asyncio.Redis.from_url`` (TLS files, credentials provider, ...).

    The pair is stored in clear text in a hash at ``key``: protect Redis with a password/ACL and TLS, and give it
    persistence (AOF) if a restart of Redis must not lose the only live refresh token.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        key: str,
        lease: float = 10.0,
        wait_timeout: float = 60.0,
        socket_timeout: float = 5.0,
        redis_options: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(url, str) or urlsplit(url).scheme not in _SCHEMES:
            raise ConfigurationError(
                "RedisTokenStore url must be a redis://, rediss:// or unix:// URL, e.g. 'redis://localhost:6379/0'."
            )
        if not isinstance(key, str) or not key.strip():
            raise ConfigurationError(
                "RedisTokenStore key must be a non-empty string naming this Qonto connection, "
                "e.g. 'qonto:oauth:my-organization'."
            )
        if redis_options is not None and not isinstance(redis_options, Mapping):
            raise ConfigurationError("RedisTokenStore redis_options must be a mapping of redis-py options.")
        self._url = url
        self._where = _redacted(url)
        self._key = key
        self._lock_key = f"{key}:refresh-lock"
        self._lease_seconds = _positive("lease", lease)
        self._wait_timeout = _positive("wait_timeout", wait_timeout)
        self._socket_timeout = _positive("socket_timeout", socket_timeout)
        self._options = dict(redis_options or {})

    @property
    def key(self) -> str:
        """The Redis key of the token hash (the lock is ``<key>:refresh-lock``)."""
        return self._key

    @property
    def lock_key(self) -> str:
        return self._lock_key

    @property
    def lease(self) -> float:
        return self._lease_seconds

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._where!r}, key={self._key!r})"

    # -- connections and errors ---------------------------------------------------------------------------------

    def _client(self) -> aioredis.Redis:
        options: dict[str, Any] = {
            "socket_connect_timeout": self._socket_timeout,
            "socket_timeout": self._socket_timeout,
        }
        options.update(self._options)
        return aioredis.Redis.from_url(self._url, **options)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[aioredis.Redis]:
        client = self._client()
        try:
            yield client
        finally:
            await _close(client)

    @contextlib.contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        try:
            yield
        except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
            raise TokenStoreError(
                f"Redis at {self._where} is unreachable while {doing} ({type(exc).__name__}: {exc}); "
                "the OAuth token pair was neither read nor written there"
            ) from exc
        except redis_errors.RedisError as exc:
            raise TokenStoreError(
                f"Redis at {self._where} failed while {doing} ({type(exc).__name__}: {exc})"
            ) from exc

    def _lease_here(self) -> _Lease | None:
        lease = _LEASE.get()
        return lease if lease is not None and lease.store is self else None

    # -- the pair -----------------------------------------------------------------------------------------------

    async def _read(self, client: aioredis.Redis) -> tuple[OAuthToken | None, str]:
        with self._translate(f"reading the token pair at {self._key!r}"):
            version, raw = await client.hmget(self._key, ["version", "token"])
        if raw is None:
            return None, "0" if version is None else _text(version)
        try:
            return OAuthToken.from_dict(json.loads(raw)), _text(version or b"0")
        except (ValueError, KeyError, TypeError, ConfigurationError) as exc:
            raise TokenStoreError(
                f"the value at {self._key!r} in Redis at {self._where} is not a valid token pair "
                f"({type(exc).__name__}); authorize again or restore it"
            ) from None

    async def load(self) -> OAuthToken | None:
        """The saved pair, or None. Under ``refresh_lock()``, also remembers its version for ``save()``."""
        lease = self._lease_here()
        if lease is not None:
            token, lease.version = await self._read(lease.client)
            return token
        async with self._connection() as client:
            token, _ = await self._read(client)
            return token

    async def save(self, token: OAuthToken) -> None:
        """Store ``token``.

        Under ``refresh_lock()`` after a ``load()``, this is a compare-and-set: if another worker saved a pair in
        between (only possible when this one's lease ran out), that pair is kept and a warning is logged; the
        pair given here stays valid for the caller that holds it. Outside the lock (e.g. right after
        ``exchange_code``) it overwrites whatever is there.
        """
        if not isinstance(token, OAuthToken):
            raise ConfigurationError(f"RedisTokenStore.save() takes an OAuthToken, got {type(token).__name__}.")
        payload = json.dumps(token.to_dict())
        lease = self._lease_here()
        if lease is None:
            async with self._connection() as client:
                await self._write(client, "", payload)
            return
        expected = lease.version if lease.version is not None else ""
        written, version = await self._write(lease.client, expected, payload)
        if written:
            lease.version = version
        else:
            _log.warning(
                "another process saved a newer OAuth token pair at %r while this one refreshed (its lock lease "
                "ran out); the stored pair is kept",
                self._key,
            )
            lease.version = version

    async def _write(self, client: aioredis.Redis, expected: str, payload: str) -> tuple[bool, str]:
        with self._translate(f"saving the token pair at {self._key!r}"):
            written, version = await client.eval(_SAVE, 1, self._key, expected, payload)
        return bool(written), _text(version)

    # -- the lock -----------------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        """Hold the cross-process refresh lock (a lease renewed while held) for the ``async with`` block."""
        if self._lease_here() is not None:
            raise RuntimeError("RedisTokenStore.refresh_lock() is not reentrant")
        holder = secrets.token_hex(16)
        async with self._connection() as client:
            await self._acquire(client, holder)
            lease = _Lease(store=self, client=client, holder=holder)
            reset = _LEASE.set(lease)
            renewer = asyncio.ensure_future(self._keep_alive(lease))
            try:
                yield
            finally:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
                _LEASE.reset(reset)
                await self._release(client, holder)

    async def _acquire(self, client: aioredis.Redis, holder: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_timeout
        lease_ms = max(1, round(self._lease_seconds * 1000))
        delay = 0.005
        task = asyncio.current_task()
        cancelling = task.cancelling() if task is not None else 0
        try:
            while True:
                with self._translate(f"taking the refresh lock {self._lock_key!r}"):
                    acquired = await client.set(self._lock_key, holder, nx=True, px=lease_ms)
                if task is not None and task.cancelling() > cancelling:
                    # redis-py (8.1 on Python 3.11) can swallow a cancellation that lands while it reads a
                    # reply; honour it here, or a cancelled waiter would go on polling and take the lock.
                    raise asyncio.CancelledError
                if acquired:
                    return
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TokenStoreError(
                        f"waited {self._wait_timeout:g} s for the refresh lock {self._lock_key!r} in Redis at "
                        f"{self._where}: another process holds it and keeps renewing its lease"
                    )
                await asyncio.sleep(min(remaining, delay * (0.5 + random.random())))  # noqa: S311 - jitter
                delay = min(delay * 2, 0.1)
        except asyncio.CancelledError:
            # A cancellation can land after Redis granted the lock but before we saw it: free it (only if ours).
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._release(client, holder), self._socket_timeout)
            raise

    async def _release(self, client: aioredis.Redis, holder: str) -> None:
        try:
            await client.eval(_RELEASE, 1, self._lock_key, holder)
        except (redis_errors.RedisError, OSError) as exc:
            # Never hides the outcome of the block: the lease frees the lock on its own.
            _log.warning(
                "could not release the refresh lock %r in Redis at %s (%s); it frees itself within %g s",
                self._lock_key,
                self._where,
                type(exc).__name__,
                self._lease_seconds,
            )

    async def _keep_alive(self, lease: _Lease) -> None:
        lease_ms = max(1, round(self._lease_seconds * 1000))
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                renewed = await lease.client.eval(_RENEW, 1, self._lock_key, lease.holder, lease_ms)
            except (redis_errors.RedisError, OSError) as exc:
                _log.warning("could not renew the refresh lock %r (%s)", self._lock_key, type(exc).__name__)
                continue
            if not renewed:
                lease.lost = True
                _log.warning(
                    "the refresh lock %r expired while held (a stall longer than the %g s lease); another "
                    "process may refresh too, the compare-and-set keeps the stored pair consistent",
                    self._lock_key,
                    self._lease_seconds,
                )
                return


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return str(value)


async def _close(client: aioredis.Redis) -> None:
    with contextlib.suppress(Exception):
        await client.aclose()
