"""aiohttp.web integration: one :class:`~qonto_async.QontoClient` per application.

::

    from aiohttp import web
    from qonto_async.contrib.aiohttp import QONTO_CLIENT, setup_qonto

    app = web.Application()
    setup_qonto(app, lambda: QontoClient.from_env())

    async def handler(request: web.Request) -> web.Response:
        org = await request.app[QONTO_CLIENT].organization.get()
        ...

The client is created when the application starts (inside its event loop) and closed on cleanup, through
``app.cleanup_ctx``; never one per request.

Receiving Qonto's webhooks: ``app.router.add_post("/webhooks/qonto", webhook_handler(on_event, secret=...))``
(see :func:`webhook_handler`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from aiohttp import web

from qonto_async.client import QontoClient
from qonto_async.errors import WebhookError
from qonto_async.models.webhooks import WebhookEvent
from qonto_async.webhooks import DEFAULT_TOLERANCE, SIGNATURE_HEADER, Clock, check_secrets, construct_event

__all__ = ["QONTO_CLIENT", "get_qonto", "setup_qonto", "webhook_handler"]

QONTO_CLIENT: web.AppKey[QontoClient] = web.AppKey("qonto_client", QontoClient)


def setup_qonto(
    app: web.Application,
    factory: Callable[[], QontoClient],
    *,
    key: web.AppKey[QontoClient] = QONTO_CLIENT,
) -> None:
    """Create the client on startup (``factory()`` runs in the app's loop) and close it on cleanup."""

    async def qonto_ctx(app: web.Application) -> AsyncIterator[None]:
        client = factory()
        if not isinstance(client, QontoClient):
            raise TypeError(f"setup_qonto factory must return a QontoClient, got {type(client).__name__}")
        app[key] = client
        try:
            yield
        finally:
            await client.aclose()

    app.cleanup_ctx.append(qonto_ctx)


def get_qonto(
    source: web.Application | web.Request, *, key: web.AppKey[QontoClient] = QONTO_CLIENT
) -> QontoClient:
    """The application's client, from the app or a request."""
    app = source.app if isinstance(source, web.Request) else source
    try:
        return app[key]
    except KeyError:
        raise RuntimeError(
            "no Qonto client on this application: call setup_qonto(app, factory) before starting it"
        ) from None


def webhook_handler(
    handler: Callable[[WebhookEvent], Awaitable[object]],
    *,
    secret: str | Iterable[str] | Callable[[], str | Iterable[str]],
    tolerance: float = DEFAULT_TOLERANCE,
    clock: Clock | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp.web handler for Qonto's webhook deliveries (qonto-api.md §10).

    It reads the **raw** body, verifies ``X-Qonto-Signature`` with ``secret`` (or any of several during a
    rotation; or a function returning them, asked on each delivery; a missing secret fails here, at set-up)
    within ``tolerance`` seconds of ``clock`` (default: the system clock), parses the typed event and awaits
    ``handler(event)``. A signed event whose data drifted from the documented shape arrives as an
    ``UnknownEvent``, not a 400 (which Qonto would retry for days). Answers **400** (text naming the problem, never the secret) for any
    :class:`~qonto_async.errors.WebhookError`, **200** after the handler returns; an exception from the handler
    gives aiohttp's 500, so Qonto retries later.

    Qonto waits one second for the answer and delivers an event again after a failure or a timeout: keep
    ``handler`` short (enqueue the work) and idempotent, deduplicating on ``event.id``::

        async def on_event(event: WebhookEvent) -> None:
            if await seen_before(event.id):
                return
            await queue.put(event)

        app.router.add_post("/webhooks/qonto", webhook_handler(on_event, secret=os.environ["QONTO_WEBHOOK_SECRET"]))
    """

    # A missing or empty secret fails here, at set-up; a callable (a secret only known later, or rotated at run
    # time) is asked on each delivery.
    fixed = None if callable(secret) else check_secrets(secret)

    async def receive(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            event = construct_event(
                body,
                request.headers.get(SIGNATURE_HEADER),
                fixed if fixed is not None else secret(),  # type: ignore[operator]
                tolerance=tolerance,
                now=clock,
            )
        except WebhookError as exc:
            return web.Response(status=400, text=f"{type(exc).__name__}: {exc}")
        await handler(event)
        return web.Response(status=200, text="ok")

    return receive
