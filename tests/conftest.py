"""Shared fixtures: an aioresponses compatibility shim and a scriptable loopback server."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import aioresponses.core
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ClientResponse

from qonto_async import Environment, register_environment
from qonto_async.environments import unregister_environment

# --- aioresponses on aiohttp >= 3.14 ------------------------------------------------------------------------------
# aioresponses 0.7.9 builds ClientResponse without the `stream_writer` argument that aiohttp 3.14 made required
# (aioresponses issue #289, fix proposed in PR #288). aiohttp only reads `stream_writer.output_size` there, so a
# subclass that supplies a writer reporting 0 bytes restores it. Remove once aioresponses ships the fix.
if "stream_writer" in inspect.signature(ClientResponse.__init__).parameters:

    class _NoOutput:
        output_size = 0

    class _CompatClientResponse(ClientResponse):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", _NoOutput())
            super().__init__(*args, **kwargs)

    aioresponses.core.ClientResponse = _CompatClientResponse  # type: ignore[misc]


@pytest.fixture
def mocked() -> Iterator[aioresponses.aioresponses]:
    """aioresponses that only ever answers: any request without a matching mock fails the test."""
    with aioresponses.aioresponses() as m:
        yield m


def sent_requests(m: aioresponses.aioresponses) -> list[tuple[str, str, dict[str, Any]]]:
    """Every request aioresponses saw, in order: (method, url without query, kwargs)."""
    out = []
    for (method, url), calls in m.requests.items():
        for call in calls:
            out.append((method, str(url.with_query(None)), call.kwargs))
    return out


# --- a scriptable loopback server ---------------------------------------------------------------------------------
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_names = itertools.count()


class LoopbackServer:
    """A real aiohttp.web server on 127.0.0.1, registered as an environment, with per-route handlers.

    Every request is recorded in ``requests`` as (method, path, raw_path, query, headers, body text). Routes match
    the raw (still percent-encoded) path first, then the decoded one.
    """

    def __init__(self, *, requires_staging_token: bool) -> None:
        self.requires_staging_token = requires_staging_token
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.environment: Environment | None = None

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[(method, path)] = handler
            return handler

        return register

    def json(
        self, method: str, path: str, payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        async def handler(_request: web.Request) -> web.StreamResponse:
            return web.json_response(payload, status=status, headers=headers)

        self.routes[(method, path)] = handler

    def calls(self, method: str, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "raw_path": request.raw_path.split("?", 1)[0],
                "query": list(request.query.items()),
                "headers": dict(request.headers),
                "body": body.decode("utf-8", "replace"),
            }
        )
        raw = request.raw_path.split("?", 1)[0]
        handler = self.routes.get((request.method, raw)) or self.routes.get((request.method, request.path))
        if handler is None:
            return web.json_response({"errors": [{"code": "not_found", "detail": "no such route"}]}, status=404)
        return await handler(request)

    async def start(self) -> LoopbackServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}"
        self.environment = register_environment(
            Environment(
                name=f"loopback-{next(_names)}",
                api_url=base,
                oauth_url=f"{base}/oauth",
                requires_staging_token=self.requires_staging_token,
            )
        )
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.environment is not None:
            unregister_environment(self.environment.name)


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    """A production-like loopback server (no staging gate)."""
    srv = await LoopbackServer(requires_staging_token=False).start()
    yield srv
    await srv.stop()


@pytest.fixture
async def sandbox_server() -> AsyncIterator[LoopbackServer]:
    """A sandbox-like loopback server (staging token required)."""
    srv = await LoopbackServer(requires_staging_token=True).start()
    yield srv
    await srv.stop()


@pytest.fixture
def no_sleep() -> Callable[[float], Awaitable[None]]:
    """A sleep that records the delays asked for and returns at once (DESIGN §9: no real waiting)."""
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    sleep.delays = delays  # type: ignore[attr-defined]
    return sleep


__all__ = ["LoopbackServer", "aiohttp", "sent_requests"]
