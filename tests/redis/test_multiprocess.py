"""Many processes, one OAuth grant: RedisTokenStore against FakeQonto (rotation with its 60 s grace period).

FakeQonto runs on a thread of the test process; each worker is a separate Python process with its own
QontoClient, OAuthBearerAuth and RedisTokenStore (tests/redis/_worker.py), all sharing one Redis key.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest

from qonto_async import OAuthBearerAuth, OAuthToken, QontoClient
from qonto_async.auth.redis_store import RedisTokenStore
from qonto_async.testing import FakeQonto, fake_in_thread
from tests.redis._procs import workers
from tests.redis.conftest import RedisServer


def worker_config(fake: FakeQonto, token: OAuthToken, redis_url: str, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "api_url": fake.url,
        "port": fake.url.rsplit(":", 1)[1],
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "token": token.to_dict(),
        "redis_url": redis_url,
        "key": key,
        "lease": 2.0,
        **extra,
    }


def stored(redis_url: str, key: str) -> OAuthToken | None:
    return asyncio.run(RedisTokenStore(redis_url, key=key).load())


def test_eight_processes_times_200_concurrent_requests_across_an_expiry_make_one_token_call(
    redis_server: RedisServer, redis_key: str
) -> None:
    with fake_in_thread(sandbox=False, rate_limit=None) as fake, workers(8) as procs:
        # Default leeway (60 s): the pair is due for refresh 4 s from now, in the middle of the test.
        token = fake.issue_token(expires_in=64)
        due = token.expires_at.timestamp() - 60
        asyncio.run(RedisTokenStore(redis_server.url, key=redis_key).save(token))
        config = worker_config(fake, token, redis_server.url, redis_key)
        for proc in procs:
            proc.send(cmd="start", config=config)
        for proc in procs:
            proc.expect("started")

        # Before the expiry: 8 x 200 concurrent requests on the configured pair.
        at = time.time() + 0.2
        for proc in procs:
            proc.send(cmd="burst_at", n=200, at=at)
        before = [proc.expect("burst") for proc in procs]
        assert time.time() < due, "the first burst was too slow to stay before the expiry"
        assert fake.token_calls == Counter()

        # Across it: all 8 processes see the pair due at once, with 200 requests each waiting on it.
        at = due + 0.05
        for proc in procs:
            proc.send(cmd="burst_at", n=200, at=at)
        after = [proc.expect("burst") for proc in procs]

    for burst in before + after:
        assert burst["errors"] == []
        assert burst["ok"] == 200
    assert fake.token_calls == Counter({"refresh_token": 1})
    new = stored(redis_server.url, redis_key)
    assert new is not None
    assert new.access_token != token.access_token
    assert new.refresh_token not in (None, token.refresh_token)
    assert all(b["before"] == token.access_token == b["after"] for b in before)
    assert all(b["before"] == token.access_token for b in after)
    # Every process ended on the one refreshed pair, which it read from Redis (one process spent the token).
    assert all(b["after"] == new.access_token for b in after)
    assert sorted(b["refresh_count"] for b in after) == [0] * 7 + [1]


@pytest.mark.parametrize("moment", ["during_the_token_call", "after_rotation_before_the_save"])
def test_killing_the_lock_holder_mid_refresh_lets_another_process_finish_within_the_lease(
    redis_server: RedisServer, redis_key: str, moment: str
) -> None:
    lease = 2.0
    with fake_in_thread(sandbox=False, rate_limit=None) as fake, workers(2) as (holder, other):
        token = fake.issue_token(expires_in=30)  # inside the 60 s leeway: the first request refreshes
        asyncio.run(RedisTokenStore(redis_server.url, key=redis_key).save(token))
        if moment == "during_the_token_call":
            fake.faults.next(1, path="/oauth/oauth2/token", delay=30)
        holder.send(
            cmd="start",
            config=worker_config(
                fake, token, redis_server.url, redis_key, hang_in_save=moment == "after_rotation_before_the_save"
            ),
        )
        holder.expect("started")
        other.send(cmd="start", config=worker_config(fake, token, redis_server.url, redis_key))
        other.expect("started")

        holder.send(cmd="burst", n=5)
        if moment == "after_rotation_before_the_save":
            holder.expect("saving")  # Qonto rotated the pair; the holder has it in memory only
            assert fake.token_calls == Counter({"refresh_token": 1})
        else:
            deadline = time.monotonic() + 10
            while len(fake.faults) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(fake.faults) == 0  # the holder's token call reached Qonto, which is slow to answer
        with redis_server.client() as r:
            assert r.get(f"{redis_key}:refresh-lock") is not None

        other.send(cmd="burst", n=5)
        time.sleep(0.5)
        assert not other.pending(), "the other process did not wait for the lock"

        holder.kill()
        killed_at = time.time()
        done = other.expect("burst", timeout=lease + 10)

        assert done["errors"] == []
        assert done["ok"] == 5
        # The lease the dead holder left ran out (it had been renewed up to a third of a lease ago at most), and
        # the other process refreshed right then.
        assert done["finished"] - killed_at < lease + 1.5
        assert done["refresh_count"] == 1

        new = stored(redis_server.url, redis_key)
        assert new is not None
        assert new.access_token == done["after"] != token.access_token
        # The token call that died with the holder (if Qonto answered it) and the one that completed.
        expected_calls = 2 if moment == "after_rotation_before_the_save" else 1
        assert fake.token_calls["refresh_token"] == expected_calls

        # The refresh token is never lost: long after every grace period, the stored one still refreshes.
        fake.advance(3600)
        asyncio.run(_refresh_from_store(fake, redis_server.url, redis_key))
    latest = stored(redis_server.url, redis_key)
    assert latest is not None
    assert latest.refresh_token not in (new.refresh_token, token.refresh_token)


async def _refresh_from_store(fake: FakeQonto, redis_url: str, key: str) -> None:
    store = RedisTokenStore(redis_url, key=key)
    pair = await store.load()
    assert pair is not None
    auth = OAuthBearerAuth(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        token=pair,
        token_store=store,
        clock=fake.clock,
    )
    async with QontoClient(auth=auth, environment=fake.environment) as qonto:
        await qonto.organization.get()
    assert auth.refresh_count == 1
