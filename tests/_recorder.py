"""A stand-in for QontoClient that records the Request a resource method builds and sends nothing."""

from __future__ import annotations

from typing import Any

from qonto_async.session import Request


class Sent(Exception):
    """Raised instead of sending, so the resource method stops once its Request is recorded."""


class Recorder:
    def __init__(self) -> None:
        self.sent: list[Request[Any]] = []

    async def _send(self, request: Request[Any]) -> Any:
        self.sent.append(request)
        raise Sent
