"""Starlette and FastAPI integration: one :class:`~qonto_async.QontoClient` per application.

::

    from fastapi import Depends, FastAPI
    from qonto_async.contrib.starlette import get_qonto, qonto_lifespan

    app = FastAPI(lifespan=qonto_lifespan(lambda: QontoClient.from_env()))

    @app.get("/balance")
    async def balance(qonto: QontoClient = Depends(get_qonto)) -> dict[str, str]:
        org = await qonto.organization.get()
        ...

The lifespan creates the client at startup (inside the server's loop), exposes it as lifespan state
(``request.state.qonto``), and closes it at shutdown. ``qonto_lifespan(factory, wrapped=your_lifespan)`` composes
with a lifespan of your own.

Receiving Qonto's webhooks: ``app.add_route("/webhooks/qonto", webhook_endpoint(on_event, secret=...),
methods=["POST"])`` (see :func:`webhook_endpoint`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from qonto_async.client import QontoClient
from qonto_async.errors import WebhookError
from qonto_async.models.webhooks import WebhookEvent
from qonto_async.webhooks import DEFAULT_TOLERANCE, SIGNATURE_HEADER, Clock, check_secrets, construct_event

__all__ = ["STATE_KEY", "get_qonto", "qonto_lifespan", "webhook_endpoint"]

STATE_KEY = "qonto"

Lifespan = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any] | None]]


def qonto_lifespan(
    factory: Callable[[], QontoClient],
    *,
    wrapped: Lifespan | None = None,
    state_key: str = STATE_KEY,
) -> Callable[[Any], AbstractAsyncContextManager[dict[str, Any]]]:
    """A Starlette/FastAPI ``lifespan`` that owns the application's Qonto client."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
        client = factory()
        if not isinstance(client, QontoClient):
            raise TypeError(f"qonto_lifespan factory must return a QontoClient, got {type(client).__name__}")
        try:
            state: dict[str, Any] = {state_key: client}
            if wrapped is None:
                yield state
            else:
                async with wrapped(app) as inner:
                    state.update(inner or {})
                    yield state
        finally:
            await client.aclose()

    return lifespan


def get_qonto(request: Request) -> QontoClient:
    """The application's client, from a Starlette ``Request`` (usable as a FastAPI dependency)."""
    client = getattr(request.state, STATE_KEY, None)
    if not isinstance(client, QontoClient):
        raise RuntimeError(
            "no Qonto client in the request state: pass lifespan=qonto_lifespan(factory) to your application"
        )
    return client


def webhook_endpoint(
    handler: Callable[[WebhookEvent], Awaitable[object]],
    *,
    secret: str | Iterable[str] | Callable[[], str | Iterable[str]],
    tolerance: float = DEFAULT_TOLERANCE,
    clock: Clock | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette/FastAPI endpoint for Qonto's webhook deliveries (qonto-api.md §10).

    It reads the **raw** body (``await request.body()``, before any JSON parsing: a FastAPI body model would
    re-serialise it and break the signature), verifies ``X-Qonto-Signature`` with ``secret`` (or any of several
    during a rotation; or a function returning them, asked on each delivery; a missing secret fails here, at
    set-up) within ``tolerance`` seconds of ``clock``, parses the typed event and awaits ``handler(event)``. A
    signed event whose data drifted from the documented shape arrives as an ``UnknownEvent``, not a 400. Answers **400** for any :class:`~qonto_async.errors.WebhookError` (never naming the
    secret), **200** after the handler returns; an exception from the handler gives a 500, so Qonto retries.

    Qonto waits one second and delivers an event again after a failure or a timeout: keep ``handler`` short and
    idempotent, deduplicating on ``event.id``. Mount it with ``app.add_route(path, endpoint, methods=["POST"])``
    (Starlette and FastAPI alike).
    """

    # A missing or empty secret fails here, at set-up; a callable (a secret only known later, or rotated at run
    # time) is asked on each delivery.
    fixed = None if callable(secret) else check_secrets(secret)

    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            event = construct_event(
                body,
                request.headers.get(SIGNATURE_HEADER),
                fixed if fixed is not None else secret(),  # type: ignore[operator]
                tolerance=tolerance,
                now=clock,
            )
        except WebhookError as exc:
            return PlainTextResponse(f"{type(exc).__name__}: {exc}", status_code=400)
        await handler(event)
        return PlainTextResponse("ok", status_code=200)

    return receive
