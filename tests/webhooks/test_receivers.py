"""The receivers, served for real on loopback (aiohttp.web, and Starlette/FastAPI under uvicorn), receiving
deliveries that FakeQonto signs as Qonto does (qonto-api.md §10)."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import uvicorn
from aiohttp import web
from fastapi import FastAPI
from starlette.applications import Starlette

from qonto_async import ConfigurationError
from qonto_async.contrib.aiohttp import webhook_handler
from qonto_async.contrib.starlette import webhook_endpoint
from qonto_async.models import TransactionEvent, UnknownEvent, WebhookEvent
from qonto_async.testing import FakeQonto, deliver_webhook

from ..test_contrib import load_example

SECRET = "whsec_0123456789abcdef0123456789abcdef"
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
TRANSACTION = {"event": "created", "id": "tx-1", "amount": "12.50", "currency": "EUR", "side": "credit"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(rate_limit=None) as server:
        yield server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _serve_aiohttp(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks/qonto"


async def _exercise(fake: FakeQonto, url: str, received: list[WebhookEvent]) -> None:
    """The scenarios every receiver must pass; ``received`` collects what reached the handler."""
    ok = await deliver_webhook(
        fake, url, event_type="v1/transactions", payload=TRANSACTION, secret=SECRET, timeout=10
    )
    assert ok.status == 200, ok
    assert ok.delivered
    assert len(received) == 1
    event = received[0]
    assert isinstance(event, TransactionEvent)
    assert event.id == ok.event_id
    assert event.data.amount == Decimal("12.50")
    assert event.organization_id == fake.data.organization_id

    # Unknown type: still a 2xx, the handler gets the raw event.
    unknown = await deliver_webhook(
        fake, url, event_type="v1/products", payload={"id": "p"}, secret=SECRET, timeout=10
    )
    assert unknown.status == 200
    assert isinstance(received[-1], UnknownEvent)
    assert received[-1].data == {"id": "p"}

    # Wrong secret, a stale (replayed) signature, a tampered body, no header: 400, the handler never runs.
    count = len(received)
    wrong = await deliver_webhook(
        fake, url, event_type="v1/transactions", payload=TRANSACTION, secret="x" * 32, timeout=10
    )
    assert wrong.status == 400
    assert b"WebhookSignatureError" in wrong.response_body
    assert b"x" * 32 not in wrong.response_body
    stale = await deliver_webhook(
        fake,
        url,
        event_type="v1/transactions",
        payload=TRANSACTION,
        secret=SECRET,
        timestamp=int(fake.now().timestamp()) - 301,
        timeout=10,
    )
    assert stale.status == 400
    assert b"WebhookTimestampError" in stale.response_body
    async with aiohttp.ClientSession() as http:
        tampered = ok.body.replace(b"12.50", b"99.50")
        async with http.post(url, data=tampered, headers=dict(ok.headers)) as resp:
            assert resp.status == 400
            assert b"WebhookSignatureError" in await resp.read()
        async with http.post(url, data=ok.body, headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 400
            assert b"MalformedSignatureHeader" in await resp.read()
        # Qonto's retry of the first delivery: same bytes, same header, still fresh -> 200 again.
        async with http.post(url, data=ok.body, headers=dict(ok.headers)) as resp:
            assert resp.status == 200
    assert len(received) == count + 1
    assert received[-1].id == ok.event_id  # the handler sees the retry: deduplicating is its job


def _collector() -> tuple[list[WebhookEvent], Callable[[WebhookEvent], Awaitable[None]]]:
    received: list[WebhookEvent] = []

    async def handler(event: WebhookEvent) -> None:
        received.append(event)

    return received, handler


async def test_aiohttp_receiver(fake: FakeQonto) -> None:
    received, handler = _collector()
    app = web.Application()
    app.router.add_post("/webhooks/qonto", webhook_handler(handler, secret=SECRET, clock=fake.clock))
    runner, url = await _serve_aiohttp(app)
    try:
        await _exercise(fake, url, received)
    finally:
        await runner.cleanup()


async def test_aiohttp_receiver_handler_failure_is_a_500(fake: FakeQonto) -> None:
    async def broken(event: WebhookEvent) -> None:
        raise RuntimeError("database down")

    app = web.Application()
    app.router.add_post("/webhooks/qonto", webhook_handler(broken, secret=SECRET))
    runner, url = await _serve_aiohttp(app)
    try:
        failed = await deliver_webhook(
            fake, url, event_type="v1/cards", payload={"event": "created"}, secret=SECRET, timeout=10
        )
        assert failed.status == 500
        assert not failed.delivered
    finally:
        await runner.cleanup()


async def _serve_asgi(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    return server, serving, f"http://127.0.0.1:{port}/webhooks/qonto"


@pytest.mark.parametrize("framework", ["starlette", "fastapi"])
async def test_starlette_and_fastapi_receivers(fake: FakeQonto, framework: str) -> None:
    received, handler = _collector()
    app: Starlette = Starlette() if framework == "starlette" else FastAPI()
    app.add_route("/webhooks/qonto", webhook_endpoint(handler, secret=SECRET, clock=fake.clock), methods=["POST"])
    server, serving, url = await _serve_asgi(app)
    try:
        await _exercise(fake, url, received)
    finally:
        server.should_exit = True
        await serving


async def test_subscription_deliveries_reach_the_receiver(fake: FakeQonto) -> None:
    """A subscription created through the API; FakeQonto delivers to its URL with its generated secret."""
    from qonto_async import OAuthBearerAuth, QontoClient
    from qonto_async.testing import broadcast_webhook

    received: list[WebhookEvent] = []
    secrets: list[str] = []

    async def handler(event: WebhookEvent) -> None:
        received.append(event)

    app = web.Application()
    # The secret is only known once the subscription exists: a callable is asked on each request.
    app.router.add_post("/webhooks/qonto", webhook_handler(handler, secret=lambda: secrets, clock=fake.clock))
    runner, url = await _serve_aiohttp(app)
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=("webhook",))
    )
    try:
        async with QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            subscription = await qonto.webhook_subscriptions.create(
                callback_url="https://example.com/hooks", types=["v1/transactions"]
            )
            assert subscription.secret is not None
            secrets.append(subscription.secret)
            # Loopback http is accepted by the fake only (Qonto wants https): point the subscription at the receiver.
            await qonto.webhook_subscriptions.update(subscription.id, callback_url=url)
            deliveries = await broadcast_webhook(
                fake, event_type="v1/transactions", payload=TRANSACTION, timeout=10
            )
            assert [d.status for d in deliveries] == [200]
            assert await broadcast_webhook(fake, event_type="v1/cards", payload={}, timeout=10) == []
    finally:
        await runner.cleanup()
    assert len(received) == 1
    assert isinstance(received[0], TransactionEvent)
    assert received[0].subscription_id == subscription.id


async def test_example_receiver_deduplicates(fake: FakeQonto) -> None:
    example = load_example("webhook_receiver")
    app = example.create_app(SECRET, clock=fake.clock)
    runner, url = await _serve_aiohttp(app)
    try:
        first = await deliver_webhook(
            fake, url, event_type="v1/transactions", payload=TRANSACTION, secret=SECRET, timeout=10
        )
        retry = await deliver_webhook(
            fake,
            url,
            event_type="v1/transactions",
            payload=TRANSACTION,
            secret=SECRET,
            event_id=first.event_id,
            timeout=10,
        )
        other = await deliver_webhook(
            fake, url, event_type="v1/cards", payload={"event": "created"}, secret=SECRET, timeout=10
        )
        assert [first.status, retry.status, other.status] == [200, 200, 200]
        queue = app[example.EVENTS]
        assert queue.qsize() == 2  # the retry was acknowledged but not queued twice
        assert [queue.get_nowait().id, queue.get_nowait().id] == [first.event_id, other.event_id]
    finally:
        await runner.cleanup()


async def test_unreachable_receiver_is_a_failed_delivery(fake: FakeQonto) -> None:
    url = f"http://127.0.0.1:{_free_port()}/webhooks/qonto"
    failed = await deliver_webhook(fake, url, event_type="v1/cards", payload={}, secret=SECRET)
    assert failed.status is None
    assert failed.error is not None
    assert not failed.delivered


async def test_readme_webhooks_example_runs(fake: FakeQonto, monkeypatch: pytest.MonkeyPatch) -> None:
    section = README.split("## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    monkeypatch.setenv("QONTO_WEBHOOK_SECRET", SECRET)
    namespace: dict[str, Any] = {"__name__": "readme_webhooks"}
    exec(compile(block, "README.md", "exec"), namespace)
    runner, url = await _serve_aiohttp(namespace["app"])
    try:
        first = await deliver_webhook(
            fake, url, event_type="v1/transactions", payload=TRANSACTION, secret=SECRET, timeout=10
        )
        forged = await deliver_webhook(
            fake, url, event_type="v1/transactions", payload=TRANSACTION, secret="y" * 32, timeout=10
        )
    finally:
        await runner.cleanup()
    assert (first.status, forged.status) == (200, 400)
    assert namespace["seen"] == {first.event_id}


async def test_the_fake_delivers_through_its_own_method_too(fake: FakeQonto) -> None:
    received: list[WebhookEvent] = []

    async def handle(event: WebhookEvent) -> None:
        received.append(event)

    app = web.Application()
    app.router.add_post("/webhooks/qonto", webhook_handler(handle, secret=SECRET))
    runner, url = await _serve_aiohttp(app)
    try:
        delivery = await fake.deliver_webhook(
            url, event_type="v1/transactions", payload=TRANSACTION, secret=SECRET, timeout=10
        )
    finally:
        await runner.cleanup()
    assert delivery.status == 200
    (event,) = received
    assert isinstance(event, TransactionEvent)


async def test_a_genuine_delivery_with_drifted_data_is_accepted(fake: FakeQonto) -> None:
    received: list[WebhookEvent] = []

    async def handle(event: WebhookEvent) -> None:
        received.append(event)

    app = web.Application()
    app.router.add_post("/webhooks/qonto", webhook_handler(handle, secret=SECRET))
    runner, url = await _serve_aiohttp(app)
    try:
        delivery = await deliver_webhook(
            fake,
            url,
            event_type="v1/transactions",
            payload={**TRANSACTION, "attachment_ids": [None]},
            secret=SECRET,
            timeout=10,
        )
    finally:
        await runner.cleanup()
    assert delivery.status == 200
    (event,) = received
    assert isinstance(event, UnknownEvent)
    assert event.type == "v1/transactions"


@pytest.mark.parametrize("secret", [None, "", [], ["ok", ""]])
def test_a_missing_secret_fails_when_the_receiver_is_built(secret: Any) -> None:
    async def handle(event: WebhookEvent) -> None:
        raise AssertionError("never called")

    with pytest.raises(ConfigurationError, match="secret"):
        webhook_handler(handle, secret=secret)
    with pytest.raises(ConfigurationError, match="secret"):
        webhook_endpoint(handle, secret=secret)


def test_a_generator_of_secrets_is_read_once_at_set_up() -> None:
    async def handle(event: WebhookEvent) -> None:
        return None

    # A generator would be exhausted by the first delivery if it were read per request.
    webhook_handler(handle, secret=(s for s in [SECRET, "old-secret"]))
