"""OAuthBearerAuth with a RedisTokenStore, in one process: Redis failures, and the blocking SyncQontoClient."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from qonto_async import OAuthBearerAuth, OAuthToken, QontoClient, SyncQontoClient, TokenStoreError
from qonto_async.auth.redis_store import RedisTokenStore
from qonto_async.testing import FakeQonto, fake_in_thread
from tests.redis.conftest import RedisServer, free_port


def bearer(fake: FakeQonto, token: OAuthToken, store: RedisTokenStore) -> OAuthBearerAuth:
    return OAuthBearerAuth(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        token=token,
        token_store=store,
        clock=fake.clock,
    )


@pytest.mark.parametrize("expires_in", [3600, 30], ids=["fresh", "due"])
async def test_unreachable_redis_fails_the_request_with_a_typed_error_and_spends_nothing(expires_in: int) -> None:
    port = free_port()  # nothing listens there
    async with FakeQonto(sandbox=False, rate_limit=None) as fake:
        token = fake.issue_token(expires_in=expires_in)
        store = RedisTokenStore(f"redis://127.0.0.1:{port}/0", key="qonto:oauth:test", socket_timeout=1)
        auth = bearer(fake, token, store)
        async with QontoClient(auth=auth, environment=fake.environment) as qonto:
            for _ in range(2):  # and again: it never goes on without the store
                with pytest.raises(TokenStoreError, match=rf"Redis at redis://127.0.0.1:{port}/0 is unreachable"):
                    await qonto.organization.get()
        # The refresh token was not spent, and the pair is untouched.
        assert fake.token_calls == Counter()
        assert fake.journal == []  # nothing at all reached Qonto
        assert auth.token == token


async def test_redis_dying_mid_refresh_never_drops_the_new_pair(own_redis: RedisServer) -> None:
    key = "qonto:oauth:test"
    async with FakeQonto(sandbox=False, rate_limit=None) as fake:
        token = fake.issue_token(expires_in=30)  # due: the first request refreshes
        store = RedisTokenStore(own_redis.url, key=key, socket_timeout=1)
        await store.save(token)
        auth = bearer(fake, token, store)
        async with QontoClient(auth=auth, environment=fake.environment) as qonto:
            fake.faults.next(1, path="/oauth/oauth2/token", delay=0.5)
            request = asyncio.create_task(qonto.organization.get())
            async with asyncio.timeout(10):
                while len(fake.faults):  # noqa: ASYNC110 - the token call is in flight, the lock is held
                    await asyncio.sleep(0.01)
            await asyncio.to_thread(own_redis.stop)

            with pytest.raises(TokenStoreError, match="is unreachable while saving the token pair") as caught:
                await request
            assert "ory_" not in str(caught.value)
            # Qonto rotated the pair: the new one is the only live one, and it is kept.
            new = auth.token
            assert new.refresh_token not in (None, token.refresh_token)
            assert fake.token_calls == Counter({"refresh_token": 1})

            # While Redis is down, requests fail loudly instead of going on with a pair nobody else can see.
            with pytest.raises(TokenStoreError, match="is unreachable"):
                await qonto.organization.get()

            # Redis is back (empty: no persistence in this test): the next request saves the pair first.
            await asyncio.to_thread(own_redis.start)
            await qonto.organization.get()
            assert await store.load() == new == auth.token
            assert fake.token_calls == Counter({"refresh_token": 1})

            # Long after the old token's grace period, the saved refresh token still works.
            fake.advance(3600)
            await qonto.organization.get()
            assert fake.token_calls == Counter({"refresh_token": 2})
            assert await store.load() == auth.token != new


def test_sync_clients_on_their_own_loop_threads_share_one_refresh(
    redis_server: RedisServer, redis_key: str
) -> None:
    with fake_in_thread(sandbox=False, rate_limit=None) as fake:
        token = fake.issue_token(expires_in=30)  # due: the first requests refresh
        asyncio.run(RedisTokenStore(redis_server.url, key=redis_key).save(token))
        auths = [bearer(fake, token, RedisTokenStore(redis_server.url, key=redis_key)) for _ in range(3)]
        clients = [SyncQontoClient(auth=auth, environment=fake.environment) for auth in auths]
        try:
            with ThreadPoolExecutor(max_workers=12) as pool:
                results = list(pool.map(lambda i: clients[i % 3].organization.get(), range(60)))
        finally:
            for client in clients:
                client.close()
        assert len(results) == 60
        assert fake.token_calls == Counter({"refresh_token": 1})
        saved = asyncio.run(RedisTokenStore(redis_server.url, key=redis_key).load())
        assert saved is not None
        assert saved.access_token != token.access_token
        assert all(auth.token == saved for auth in auths)
        assert sorted(auth.refresh_count for auth in auths) == [0, 0, 1]
