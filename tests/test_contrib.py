"""The framework integrations, through the runnable examples, served for real on loopback against FakeQonto."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import aiohttp
import pytest
import uvicorn
from aiohttp import web

from qonto_async import OAuthBearerAuth, QontoClient
from qonto_async.contrib.aiohttp import QONTO_CLIENT, get_qonto, setup_qonto
from qonto_async.testing import FakeQonto

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(sandbox=True, rate_limit=None) as server:
        yield server


def oauth_factory(fake: FakeQonto, created: list[QontoClient]) -> tuple[OAuthBearerAuth, object]:
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(), clock=fake.clock
    )

    def factory() -> QontoClient:
        client = QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token)
        created.append(client)
        return client

    return auth, factory


async def hammer(url: str, n: int, fake: FakeQonto) -> list[int]:
    """n concurrent GETs; the token expires (both clocks) once a quarter of them are done."""
    done = 0
    expired = False

    async with aiohttp.ClientSession() as http:

        async def one() -> int:
            nonlocal done, expired
            async with http.get(url) as resp:
                await resp.read()
                done += 1
                if done == n // 4 and not expired:
                    expired = True
                    fake.advance(3600 + 120)
                return resp.status

        first = await asyncio.gather(*(one() for _ in range(n // 2)))
        second = await asyncio.gather(*(one() for _ in range(n - n // 2)))
    return [*first, *second]


async def test_aiohttp_example_one_client_one_refresh(fake: FakeQonto) -> None:
    example = load_example("aiohttp_app")
    created: list[QontoClient] = []
    auth, factory = oauth_factory(fake, created)
    app = example.create_app(factory)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        assert len(created) == 1  # created on startup, not per request
        assert get_qonto(app) is created[0]
        before = fake.token_calls["refresh_token"]
        statuses = await hammer(f"http://127.0.0.1:{port}/balance", 200, fake)
        assert statuses == [200] * 200
        assert fake.token_calls["refresh_token"] - before == 1
        assert auth.refresh_count == 1
        assert len(created) == 1
    finally:
        await runner.cleanup()
    assert created[0].closed


async def test_aiohttp_setup_errors_are_clear() -> None:
    app = web.Application()
    with pytest.raises(RuntimeError, match="setup_qonto"):
        get_qonto(app)
    setup_qonto(app, lambda: "not a client")  # type: ignore[arg-type,return-value]
    runner = web.AppRunner(app)
    with pytest.raises(TypeError, match="QontoClient"):
        await runner.setup()
    await runner.cleanup()
    assert QONTO_CLIENT not in app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_fastapi_example_one_client_one_refresh(fake: FakeQonto) -> None:
    example = load_example("fastapi_app")
    created: list[QontoClient] = []
    auth, factory = oauth_factory(fake, created)
    app = example.create_app(factory)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.01)
        assert len(created) == 1
        before = fake.token_calls["refresh_token"]
        statuses = await hammer(f"http://127.0.0.1:{port}/balance", 200, fake)
        assert statuses == [200] * 200
        assert fake.token_calls["refresh_token"] - before == 1
        assert auth.refresh_count == 1
        assert len(created) == 1
    finally:
        server.should_exit = True
        await serving
    assert created[0].closed


def test_starlette_without_lifespan_says_what_to_do() -> None:
    from starlette.requests import Request

    from qonto_async.contrib.starlette import get_qonto as dependency

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "state": {}})
    with pytest.raises(RuntimeError, match="qonto_lifespan"):
        dependency(request)
