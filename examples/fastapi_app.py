"""A FastAPI application sharing one QontoClient: ``uvicorn examples.fastapi_app:app``.

Reads credentials from QONTO_* variables (``QontoClient.from_env()``) when the application starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI

from qonto_async import QontoClient
from qonto_async.contrib.starlette import get_qonto, qonto_lifespan

Qonto = Annotated[QontoClient, Depends(get_qonto)]


def create_app(factory: Callable[[], QontoClient]) -> FastAPI:
    # One client per application: the lifespan creates it at startup and closes it at shutdown.
    app = FastAPI(lifespan=qonto_lifespan(factory))

    @app.get("/balance")
    async def balance(qonto: Qonto) -> dict[str, str]:
        org = await qonto.organization.get()
        return {a.id: str(a.balance) for a in org.bank_accounts}

    return app


app = create_app(QontoClient.from_env)
