"""An aiohttp.web application sharing one QontoClient: ``python examples/aiohttp_app.py``.

Reads credentials from QONTO_* variables (``QontoClient.from_env()``); serves ``GET /balance`` on 127.0.0.1:8080.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from qonto_async import QontoClient
from qonto_async.contrib.aiohttp import QONTO_CLIENT, setup_qonto


async def balance(request: web.Request) -> web.Response:
    qonto = request.app[QONTO_CLIENT]
    org = await qonto.organization.get()
    return web.json_response({a.id: str(a.balance) for a in org.bank_accounts})


def create_app(factory: Callable[[], QontoClient]) -> web.Application:
    app = web.Application()
    # One client per application: created on startup in the app's loop, closed on cleanup.
    setup_qonto(app, factory)
    app.router.add_get("/balance", balance)
    return app


if __name__ == "__main__":
    web.run_app(create_app(QontoClient.from_env), host="127.0.0.1", port=8080)
