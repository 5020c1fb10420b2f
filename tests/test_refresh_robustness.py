"""OAuth refresh under event-loop changes and cancellation, against FakeQonto over loopback."""

from __future__ import annotations

import asyncio

import pytest

from qonto_async import MemoryTokenStore, OAuthBearerAuth, OAuthToken, QontoClient
from qonto_async.testing import FakeQonto, fake_in_thread


def test_one_auth_object_across_successive_event_loops() -> None:
    with fake_in_thread(rate_limit=None) as fake:
        client_id, client_secret = fake.oauth_client()
        auth = OAuthBearerAuth(
            client_id=client_id, client_secret=client_secret, token=fake.issue_token(), clock=fake.clock
        )

        async def job() -> list[str]:
            async with QontoClient(
                auth=auth, environment=fake.environment, staging_token=fake.staging_token
            ) as qonto:
                orgs = await asyncio.gather(*(qonto.organization.get() for _ in range(20)))
            return [o.id for o in orgs]

        for round_ in range(3):
            fake.advance(3600 + 120)  # the token expires between jobs, so each loop refreshes under its own lock
            assert len(set(asyncio.run(job()))) == 1, round_
        assert fake.token_calls["refresh_token"] == 3
        assert auth.refresh_count == 3


class GatedStore(MemoryTokenStore):
    """A store whose save waits for a gate: the window after Qonto rotated the pair, before it is durable."""

    def __init__(self, token: OAuthToken) -> None:
        super().__init__(token)
        self.saving = asyncio.Event()
        self.gate = asyncio.Event()

    async def save(self, token: OAuthToken) -> None:
        if token.refresh_token != (await self.load() or token).refresh_token:
            self.saving.set()
            await self.gate.wait()
        await super().save(token)


async def test_a_cancelled_caller_does_not_lose_the_rotated_pair() -> None:
    async with FakeQonto(rate_limit=None) as fake:
        client_id, client_secret = fake.oauth_client()
        start = fake.issue_token()
        store = GatedStore(start)
        auth = OAuthBearerAuth(
            client_id=client_id, client_secret=client_secret, token=start, token_store=store, clock=fake.clock
        )
        async with QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            fake.advance(3600 + 120)
            first = asyncio.create_task(qonto.organization.get())
            await store.saving.wait()  # Qonto has rotated the pair; it is being saved
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            store.gate.set()
            # The next request waits for the shielded refresh: the new pair reached the store, and no second
            # token call spends the old refresh token again.
            assert (await qonto.organization.get()).id
        saved = await store.load()
        assert saved is not None
        assert saved.refresh_token != start.refresh_token
        assert saved == auth.token
        assert fake.token_calls["refresh_token"] == 1
        assert fake.internal_errors == []


def test_a_client_used_from_another_loop_says_so() -> None:
    from qonto_async import EventLoopMismatchError

    with fake_in_thread(rate_limit=None) as fake:
        qonto = QontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        )
        home = asyncio.new_event_loop()
        try:
            assert home.run_until_complete(qonto.organization.get()).id
            with pytest.raises(EventLoopMismatchError, match="one client per event loop"):
                asyncio.run(qonto.organization.get())
            assert home.run_until_complete(qonto.organization.get()).id  # still fine on its own loop
        finally:
            home.run_until_complete(qonto.aclose())
            home.close()
