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
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.requests import Request

from qonto_async.client import QontoClient

__all__ = ["STATE_KEY", "get_qonto", "qonto_lifespan"]

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
