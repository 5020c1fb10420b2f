"""Shared pieces of the fault, cancellation and soak tests (issue 9): a FakeQonto that can also answer canned
responses its fault plan cannot express, and probes for open file descriptors, connections and memory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import attrs
from aiohttp import web

from qonto_async import QontoClient
from qonto_async.testing import FakeQonto
from qonto_async.testing._server import _Ctx

Build = Callable[[str], web.StreamResponse]


@attrs.define
class _Canned:
    build: Build
    remaining: int
    path: str | None
    method: str | None

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or self.path == path) and (self.method is None or self.method == method)


class FaultyQonto(FakeQonto):
    """FakeQonto plus ``serve_next(build)``: the next matching request gets ``build(trace_id)`` as its answer,
    served where the fault plan would apply (after the journal, before the gate, auth and the handler).

    For what ``fake.faults`` cannot plan: a ``Retry-After`` HTTP date, an empty or cut-short JSON body with an
    honest ``Content-Length``, an HTML page with a 200, a 302."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.canned: list[_Canned] = []

    def serve_next(self, build: Build, *, n: int = 1, path: str | None = None, method: str | None = None) -> None:
        self.canned.append(_Canned(build=build, remaining=n, path=path, method=method))

    async def _serve(self, ctx: _Ctx) -> web.StreamResponse:
        for position, canned in enumerate(self.canned):
            if canned.matches(ctx.method, ctx.path):
                canned.remaining -= 1
                if canned.remaining <= 0:
                    del self.canned[position]
                return canned.build(ctx.trace)
        return await super()._serve(ctx)


def fd_count() -> int:
    """Open file descriptors of this process (Linux)."""
    return len(os.listdir("/proc/self/fd"))


def socket_count() -> int:
    """Open sockets of this process (Linux): client and server ends of loopback connections, listeners."""
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                count += 1
        except OSError:
            continue  # closed between listdir and readlink (the listdir's own fd, for one)
    return count


def rss_bytes() -> int:
    """Resident set size of this process (Linux)."""
    with open("/proc/self/statm") as fh:
        resident_pages = int(fh.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def connector(qonto: QontoClient) -> aiohttp.TCPConnector:
    """The client's connection pool (created on first use)."""
    http = qonto._session._http
    assert http is not None, "the client has not sent anything yet"
    pool = http.connector
    assert isinstance(pool, aiohttp.TCPConnector)
    return pool


def acquired(qonto: QontoClient) -> int:
    """Connections the client's pool has handed out and not got back (0 before its first request)."""
    if qonto._session._http is None:
        return 0
    return len(connector(qonto)._acquired)


def pooled(qonto: QontoClient) -> int:
    """Idle keep-alive connections in the client's pool (0 before its first request)."""
    if qonto._session._http is None:
        return 0
    return sum(len(conns) for conns in connector(qonto)._conns.values())


async def settle(predicate: Callable[[], bool], *, timeout: float = 5.0) -> bool:
    """Let the loop run until ``predicate()`` holds (True) or ``timeout`` seconds pass (False)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def fds_back_to(baseline: int, *, slack: int = 5, timeout: float = 5.0) -> int:
    """Wait for the fd count to come back within ``slack`` of ``baseline``; return the last count seen."""
    await settle(lambda: fd_count() <= baseline + slack, timeout=timeout)
    gc.collect()
    return fd_count()


class SleepRecorder:
    """Stands in for the session's ``asyncio.sleep`` between retries: records the delays, waits for none."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def record_sleeps(qonto: QontoClient) -> SleepRecorder:
    recorder = SleepRecorder()
    qonto._session._sleep = recorder
    return recorder


@contextlib.contextmanager
def no_loop_errors() -> Iterator[None]:
    """What the running loop reports to its exception handler in the block (a task's exception never retrieved,
    a callback that raised) fails the test, after the handler is restored."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        yield
    finally:
        loop.set_exception_handler(previous)
    assert errors == [], errors


@contextlib.contextmanager
def quiet_logs(*prefixes: str) -> Iterator[None]:
    """Loggers under these names at WARNING for the block, levels restored after: a long run must not measure
    the memory of pytest's log capture keeping every DEBUG record (another test may have left DEBUG on)."""
    names = [
        name
        for name in (*prefixes, *logging.root.manager.loggerDict)
        if any(name == p or name.startswith(p + ".") for p in prefixes)
    ]
    saved = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
