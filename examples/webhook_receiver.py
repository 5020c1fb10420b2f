"""A Qonto webhook receiver on aiohttp.web: ``QONTO_WEBHOOK_SECRET=... python examples/webhook_receiver.py``.

Serves ``POST /webhooks/qonto`` on 127.0.0.1:8081. Each delivery is verified (``X-Qonto-Signature`` over the raw
body, 5-minute window), parsed into a typed event, and queued once: Qonto retries deliveries, so the same event id
may arrive twice. Answer fast (Qonto waits one second) and do the work from the queue.
"""

from __future__ import annotations

import asyncio
import os

from aiohttp import web

from qonto_async.contrib.aiohttp import webhook_handler
from qonto_async.models import TransactionEvent, WebhookEvent
from qonto_async.webhooks import Clock

EVENTS: web.AppKey[asyncio.Queue[WebhookEvent]] = web.AppKey("events", asyncio.Queue)
WORKER: web.AppKey[asyncio.Task[None]] = web.AppKey("worker", asyncio.Task)


def create_app(secret: str, *, clock: Clock | None = None) -> web.Application:
    app = web.Application()
    queue: asyncio.Queue[WebhookEvent] = asyncio.Queue()
    app[EVENTS] = queue
    seen: set[str] = set()  # use a shared store with expiry (Redis SET NX EX...) across several processes

    async def on_event(event: WebhookEvent) -> None:
        if event.id in seen:  # a retry of an event already taken: acknowledge, do nothing
            return
        seen.add(event.id)
        await queue.put(event)

    app.router.add_post("/webhooks/qonto", webhook_handler(on_event, secret=secret, clock=clock))
    return app


async def worker(queue: asyncio.Queue[WebhookEvent]) -> None:
    while True:
        event = await queue.get()
        if isinstance(event, TransactionEvent):
            print(event.data.event, event.data.amount, event.data.currency, event.data.label)
        else:
            print("event", event.type, event.id)


async def _start_worker(app: web.Application) -> None:
    app[WORKER] = asyncio.create_task(worker(app[EVENTS]))


if __name__ == "__main__":
    application = create_app(os.environ["QONTO_WEBHOOK_SECRET"])
    application.on_startup.append(_start_worker)
    web.run_app(application, host="127.0.0.1", port=8081)
