"""FakeQonto on a thread of its own, for code that blocks: SyncQontoClient, WSGI apps, worker pools, forks."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from qonto_async.testing._server import FakeQonto


@contextlib.contextmanager
def fake_in_thread(**kwargs: Any) -> Iterator[FakeQonto]:
    """Run a FakeQonto on a background event loop: ``with fake_in_thread() as fake: ...``.

    Takes FakeQonto's keyword arguments. Its plain attributes (``environment``, ``static_key_auth()``,
    ``issue_token()``, ``advance()``, ``faults``, ``journal``...) are safe to use from the calling thread.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-qonto", daemon=True)
    thread.start()
    fake = FakeQonto(**kwargs)
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(timeout=30)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(timeout=30)
        # As asyncio.run does: handlers still running (a client that went away mid-request) are cancelled and
        # awaited, so that no task is destroyed pending once the loop is closed.
        asyncio.run_coroutine_threadsafe(_cancel_pending(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


async def _cancel_pending() -> None:
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
