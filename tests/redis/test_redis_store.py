"""RedisTokenStore on its own: the pair, the compare-and-set, the lease lock, configuration and errors."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import math
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from qonto_async import ConfigurationError, OAuthToken, TokenStore, TokenStoreError
from qonto_async.auth.redis_store import RedisTokenStore
from tests.redis.conftest import RedisServer, free_port

_EXPIRY = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def make_token(n: int = 1) -> OAuthToken:
    return OAuthToken(
        access_token=f"ory_at_{n}",
        refresh_token=f"ory_rt_{n}",
        expires_at=_EXPIRY + timedelta(seconds=n),
        scopes=("offline_access", "organization.read"),
    )


# --- the pair ------------------------------------------------------------------------------------------------------


async def test_it_is_a_token_store_and_round_trips_a_pair(redis_url: str, redis_key: str) -> None:
    store = RedisTokenStore(redis_url, key=redis_key)
    assert isinstance(store, TokenStore)
    assert await store.load() is None
    token = make_token()
    await store.save(token)
    assert await store.load() == token
    # Another instance (another process, another host) sees the same pair.
    assert await RedisTokenStore(redis_url, key=redis_key).load() == token
    assert await RedisTokenStore(redis_url, key=redis_key + ":other").load() is None


async def test_the_pair_is_a_versioned_hash(redis_server: RedisServer, redis_key: str) -> None:
    store = RedisTokenStore(redis_server.url, key=redis_key)
    await store.save(make_token(1))
    await store.save(make_token(2))
    with redis_server.client() as r:
        raw = r.hgetall(redis_key)
    assert raw[b"version"] == b"2"
    assert json.loads(raw[b"token"])["access_token"] == "ory_at_2"


async def test_save_under_the_lock_is_a_compare_and_set(
    redis_url: str, redis_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    mine, theirs = RedisTokenStore(redis_url, key=redis_key), RedisTokenStore(redis_url, key=redis_key)
    await mine.save(make_token(1))
    async with mine.refresh_lock():
        assert await mine.load() == make_token(1)
        # Another process writes while this one holds (a lease it has actually lost).
        await theirs.save(make_token(2))
        with caplog.at_level(logging.WARNING, logger="qonto_async.auth"):
            await mine.save(make_token(3))
    assert await mine.load() == make_token(2)
    assert "another process saved a newer OAuth token pair" in caplog.text
    assert "ory_at_" not in caplog.text
    assert "ory_rt_" not in caplog.text


async def test_saves_under_the_lock_chain_on_their_own_version(redis_url: str, redis_key: str) -> None:
    store = RedisTokenStore(redis_url, key=redis_key)
    async with store.refresh_lock():
        assert await store.load() is None
        await store.save(make_token(1))  # seeds an empty store (version 0 -> 1)
        await store.save(make_token(2))  # then the refreshed pair (1 -> 2)
    assert await store.load() == make_token(2)


async def test_a_pair_created_while_an_empty_store_was_read_is_kept(redis_url: str, redis_key: str) -> None:
    mine, theirs = RedisTokenStore(redis_url, key=redis_key), RedisTokenStore(redis_url, key=redis_key)
    async with mine.refresh_lock():
        assert await mine.load() is None
        await theirs.save(make_token(2))
        await mine.save(make_token(1))
    assert await mine.load() == make_token(2)


async def test_save_outside_the_lock_overwrites(redis_url: str, redis_key: str) -> None:
    store = RedisTokenStore(redis_url, key=redis_key)
    await store.save(make_token(2))
    await store.save(make_token(1))  # e.g. a fresh authorization after exchange_code
    assert await store.load() == make_token(1)


async def test_save_refuses_what_is_not_a_token(redis_url: str, redis_key: str) -> None:
    with pytest.raises(ConfigurationError, match="OAuthToken"):
        await RedisTokenStore(redis_url, key=redis_key).save({"access_token": "x"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [b"not json", b'{"access_token": null, "expires_at": "2030-01-01T00:00:00+00:00"}', b"[1, 2]"]
)
async def test_a_corrupt_pair_is_a_token_store_error(
    redis_server: RedisServer, redis_key: str, value: bytes
) -> None:
    with redis_server.client() as r:
        r.hset(redis_key, mapping={"version": "1", "token": value})
    with pytest.raises(TokenStoreError, match="not a valid token pair") as caught:
        await RedisTokenStore(redis_server.url, key=redis_key).load()
    assert caught.value.__cause__ is None


async def test_a_key_of_another_type_is_a_token_store_error(redis_server: RedisServer, redis_key: str) -> None:
    with redis_server.client() as r:
        r.set(redis_key, "a string, not a hash")
    store = RedisTokenStore(redis_server.url, key=redis_key)
    with pytest.raises(TokenStoreError, match=r"failed while reading .*WRONGTYPE"):
        await store.load()
    with pytest.raises(TokenStoreError, match=r"failed while saving .*WRONGTYPE"):
        await store.save(make_token())


# --- the lease lock ------------------------------------------------------------------------------------------------


async def test_the_lock_excludes_other_holders_and_hands_over(redis_url: str, redis_key: str) -> None:
    events: list[str] = []

    async def hold(name: str, started: asyncio.Event | None) -> None:
        async with RedisTokenStore(redis_url, key=redis_key).refresh_lock():
            events.append(f"{name} in")
            if started is not None:
                started.set()
            await asyncio.sleep(0.2)
            events.append(f"{name} out")

    first_in = asyncio.Event()
    first = asyncio.create_task(hold("a", first_in))
    await first_in.wait()
    await asyncio.gather(first, hold("b", None), hold("c", None))
    assert events[:2] == ["a in", "a out"]
    assert sorted(events) == ["a in", "a out", "b in", "b out", "c in", "c out"]
    for i in range(0, 6, 2):
        assert events[i].split()[0] == events[i + 1].split()[0], events  # never two holders at once


async def test_the_lock_is_released_on_exit_even_when_the_block_raises(
    redis_server: RedisServer, redis_key: str
) -> None:
    store = RedisTokenStore(redis_server.url, key=redis_key)

    async def fail_inside() -> None:
        async with store.refresh_lock():
            with redis_server.client() as r:
                assert r.get(store.lock_key) is not None
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await fail_inside()
    with redis_server.client() as r:
        assert r.get(store.lock_key) is None


async def test_a_crashed_holder_loses_the_lock_when_its_lease_runs_out(
    redis_server: RedisServer, redis_key: str
) -> None:
    store = RedisTokenStore(redis_server.url, key=redis_key)
    with redis_server.client() as r:
        r.set(store.lock_key, "a-holder-that-died", px=400)  # it will never renew nor release
    started = time.monotonic()
    async with store.refresh_lock():
        waited = time.monotonic() - started
    assert 0.3 < waited < 1.5


async def test_a_live_holder_renews_its_lease(redis_server: RedisServer, redis_key: str) -> None:
    holder = RedisTokenStore(redis_server.url, key=redis_key, lease=0.3)
    waiter = RedisTokenStore(redis_server.url, key=redis_key, wait_timeout=0.5)
    async with holder.refresh_lock():
        # Three leases long: without renewal the lock would have expired twice over.
        with pytest.raises(TokenStoreError, match=r"waited 0.5 s for the refresh lock .*another process holds it"):
            await asyncio.wait_for(_enter(waiter), 5)
        await asyncio.sleep(0.5)
        with redis_server.client() as r:
            assert 0 < r.pttl(holder.lock_key) <= 300


async def _enter(store: RedisTokenStore) -> None:
    async with store.refresh_lock():
        pass


async def test_release_never_frees_another_holders_lock(
    redis_server: RedisServer, redis_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisTokenStore(redis_server.url, key=redis_key, lease=0.3)
    with caplog.at_level(logging.WARNING, logger="qonto_async.auth"):
        async with store.refresh_lock():
            with redis_server.client() as r:
                # The lease ran out during a stall and another process took the lock.
                r.set(store.lock_key, "someone-else", px=10_000)
            await asyncio.sleep(0.25)  # the renewer notices
    with redis_server.client() as r:
        assert r.get(store.lock_key) == b"someone-else"
    assert "expired while held" in caplog.text


async def test_the_lock_is_not_reentrant(redis_url: str, redis_key: str) -> None:
    store = RedisTokenStore(redis_url, key=redis_key)
    async with store.refresh_lock():
        with pytest.raises(RuntimeError, match="not reentrant"):
            await _enter(store)


async def test_a_cancelled_waiter_stops_waiting_and_leaves_no_lock_behind(
    redis_server: RedisServer, redis_key: str
) -> None:
    # Cancelled at various moments: while it sleeps between polls, and while redis-py reads a reply (where
    # redis-py can swallow the cancellation; the store must still honour it).
    holder = RedisTokenStore(redis_server.url, key=redis_key)
    waiter = RedisTokenStore(redis_server.url, key=redis_key, wait_timeout=5)
    for delay in (0.0, 0.002, 0.004, 0.007, 0.011, 0.016, 0.025, 0.04, 0.1):
        async with holder.refresh_lock():
            task = asyncio.create_task(_enter(waiter))
            await asyncio.sleep(delay)
            task.cancel()
            async with asyncio.timeout(2):  # not the 5 s wait_timeout: the cancellation stopped it
                with pytest.raises(asyncio.CancelledError):
                    await task
        with redis_server.client() as r:
            assert r.get(holder.lock_key) is None
    await _enter(waiter)  # free for the next one


# --- configuration and errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://localhost:6379", "localhost:6379", "", 6379])
def test_the_url_must_be_a_redis_url(url: object) -> None:
    with pytest.raises(ConfigurationError, match="redis://"):
        RedisTokenStore(url, key="k")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["", "   ", None, b"k"])
def test_the_key_is_required(key: object) -> None:
    with pytest.raises(ConfigurationError, match="key must be a non-empty string"):
        RedisTokenStore("redis://localhost", key=key)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["lease", "wait_timeout", "socket_timeout"])
@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, True, "5"])
def test_durations_must_be_finite_and_positive(name: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=f"{name} must be a finite number of seconds > 0"):
        RedisTokenStore("redis://localhost", key="k", **{name: value})  # type: ignore[arg-type]


def test_redis_options_must_be_a_mapping() -> None:
    with pytest.raises(ConfigurationError, match="redis_options"):
        RedisTokenStore("redis://localhost", key="k", redis_options=["ssl"])  # type: ignore[arg-type]


def test_repr_never_shows_the_redis_password() -> None:
    store = RedisTokenStore("rediss://app:s3cr3t-pw@redis.internal:6380/2", key="qonto:oauth:acme")
    assert repr(store) == "RedisTokenStore('rediss://redis.internal:6380/2', key='qonto:oauth:acme')"


async def test_unreachable_redis_is_a_token_store_error_naming_it() -> None:
    port = free_port()  # nothing listens there
    store = RedisTokenStore(f"redis://app:s3cr3t-pw@127.0.0.1:{port}/0", key="k", socket_timeout=1)
    for call in (store.load(), store.save(make_token()), _enter(store)):
        with pytest.raises(
            TokenStoreError, match=rf"Redis at redis://127.0.0.1:{port}/0 is unreachable"
        ) as caught:
            await call
        assert "s3cr3t" not in str(caught.value)


def test_without_the_extra_the_import_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("redis", "redis.asyncio", "redis.exceptions"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "qonto_async.auth.redis_store")
    with pytest.raises(ImportError, match=r"pip install 'qonto-async\[redis\]'"):
        importlib.import_module("qonto_async.auth.redis_store")


def test_the_package_does_not_need_redis() -> None:
    code = "import sys, qonto_async, qonto_async.auth, qonto_async.testing; assert 'redis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
