"""``qonto.webhook_subscriptions`` against FakeQonto over loopback (qonto-api.md §3.1 rows 122-126, §10)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qonto_async import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import WebhookSubscription
from qonto_async.testing import FakeQonto, fake_in_thread

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
URL = "https://partner.example/webhooks/qonto"


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def client(fake: FakeQonto, *scopes: str) -> QontoClient:
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(
        client_id=client_id,
        client_secret=client_secret,
        token=fake.issue_token(scopes=scopes or ("webhook", "organization.read")),
    )
    return QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST)


async def test_crud(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.webhook_subscriptions.create(
            callback_url=URL, types=["v1/transactions", "v1/cards"], description="ERP sync"
        )
        assert isinstance(created, WebhookSubscription)
        assert created.types == ("v1/transactions", "v1/cards")
        assert created.secret is not None
        assert 32 <= len(created.secret) <= 128
        assert created.secret not in repr(created)
        assert created.organization_id == fake.data.organization_id
        assert created.created_at is not None
        assert created.created_at.tzinfo is not None

        mine = await qonto.webhook_subscriptions.create(callback_url=URL, types="v1/memberships", secret="s" * 40)
        assert mine.secret == "s" * 40
        assert mine.description is None

        got = await qonto.webhook_subscriptions.get(created.id)
        assert got.secret is None  # only the create answer carries it
        assert got.callback_url == URL
        assert got.description == "ERP sync"

        page = await qonto.webhook_subscriptions.list(per_page=1)
        assert [s.id for s in page.items] == [created.id]
        assert page.meta is not None
        assert page.meta.total_count == 2
        assert [s.id async for s in qonto.webhook_subscriptions.iterate(per_page=1)] == [created.id, mine.id]

        updated = await qonto.webhook_subscriptions.update(created.id, types=["v1/transactions"])
        assert updated.types == ("v1/transactions",)
        assert updated.callback_url == URL
        assert updated.description == "ERP sync"
        sent = fake.journal[-1]
        assert (sent.method, sent.path) == ("PUT", f"/v2/webhook_subscriptions/{created.id}")

        await qonto.webhook_subscriptions.delete(created.id)
        with pytest.raises(NotFoundError) as missing:
            await qonto.webhook_subscriptions.get(created.id)
        # Flat {code, detail, source} error body (Qonto's Postman examples for this group).
        assert missing.value.errors[0].code == "not_found"
        assert [s.id for s in (await qonto.webhook_subscriptions.list()).items] == [mine.id]


async def test_server_side_validation(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as unknown_type:
            await qonto.webhook_subscriptions.create(callback_url=URL, types=["v1/not-a-type"])
        assert unknown_type.value.status == 400
        assert unknown_type.value.errors[0].source is not None
        assert unknown_type.value.errors[0].source.pointer == "/types/0"
        with pytest.raises(NotFoundError):
            await qonto.webhook_subscriptions.update("nope", description="x")
        with pytest.raises(NotFoundError):
            await qonto.webhook_subscriptions.delete("nope")


async def test_client_side_validation_sends_nothing(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        before = len(fake.journal)
        bad_calls = [
            qonto.webhook_subscriptions.create(callback_url="http://partner.example/hook", types=["v1/cards"]),
            qonto.webhook_subscriptions.create(
                callback_url="https://" + "a" * 600 + ".example", types=["v1/cards"]
            ),
            qonto.webhook_subscriptions.create(callback_url=URL, types=[]),
            qonto.webhook_subscriptions.create(callback_url=URL, types=["transactions"]),
            qonto.webhook_subscriptions.create(
                callback_url=URL, types=["v1/cards"], secret="tooshort-secret-value"
            ),
            qonto.webhook_subscriptions.create(callback_url=URL, types=["v1/cards"], description="d" * 257),
            qonto.webhook_subscriptions.update("id-1"),
            qonto.webhook_subscriptions.get(" padded "),
        ]
        for call in bad_calls:
            with pytest.raises(ConfigurationError) as caught:
                await call
            assert "tooshort-secret-value" not in str(caught.value)  # a secret is never echoed
        assert len(fake.journal) == before


async def test_scope_and_auth_rules(fake: FakeQonto) -> None:
    async with client(fake, "organization.read") as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.webhook_subscriptions.list()
    # API keys cannot manage webhooks (qonto-api.md §2.1): OAuth only.
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises((PermissionDeniedError, AuthenticationError)):
            await qonto.webhook_subscriptions.create(callback_url=URL, types=["v1/cards"])


def test_sync_twin() -> None:
    with fake_in_thread() as fake:
        client_id, client_secret = fake.oauth_client()
        auth = OAuthBearerAuth(
            client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=("webhook",))
        )
        with SyncQontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            created = qonto.webhook_subscriptions.create(callback_url=URL, types=["v1/clients"])
            assert qonto.webhook_subscriptions.get(created.id).types == ("v1/clients",)
            assert [s.id for s in qonto.webhook_subscriptions.iterate()] == [created.id]
            qonto.webhook_subscriptions.delete(created.id)
            assert qonto.webhook_subscriptions.list().items == ()
