"""An event loop on a thread of its own, with a one-route loopback server, for hypothesis tests (which are sync).

Hypothesis drives plain functions; the client and the server live on this loop, and each example hands a
coroutine to :meth:`LoopThread.run`. The server answers every request with whatever :attr:`ScriptedServer.reply`
says at that moment, and records the headers it received.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import web

from qonto_async import Environment, register_environment
from qonto_async.environments import unregister_environment

T = TypeVar("T")
_names = itertools.count()


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="reliability-loop", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)
        self.loop.close()


@contextmanager
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    try:
        yield lt
    finally:
        lt.close()


Reply = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ScriptedServer:
    """A loopback HTTP server registered as an environment; every request gets ``await self.reply(request)``."""

    def __init__(self, *, requires_staging_token: bool = False) -> None:
        self.requires_staging_token = requires_staging_token
        self.reply: Reply = self._default
        self.seen: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._runner: web.AppRunner | None = None
        self._environment: Environment | None = None
        self.base = ""

    @property
    def environment(self) -> Environment:
        if self._environment is None:
            raise RuntimeError("the server is not running")
        return self._environment

    @staticmethod
    async def _default(_request: web.Request) -> web.StreamResponse:
        return web.json_response({})

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.seen.append(dict(request.headers))
        self.paths.append(request.path_qs)
        return await self.reply(request)

    async def start(self) -> ScriptedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.25)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        self._environment = register_environment(
            Environment(
                name=f"reliability-{port}-{next(_names)}",
                api_url=self.base,
                oauth_url=f"{self.base}/oauth",
                requires_staging_token=self.requires_staging_token,
            )
        )
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._environment is not None:
            unregister_environment(self._environment.name)
            self._environment = None
