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
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from qonto_async.client import QontoClient

__all__ = ["QONTO_CLIENT", "get_qonto", "setup_qonto"]

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
