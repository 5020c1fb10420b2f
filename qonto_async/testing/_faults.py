"""Fault injection for :class:`~qonto_async.testing.FakeQonto`: the next N responses go wrong on purpose."""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["Fault", "FaultPlan"]

ResetMode = Literal["before_headers", "after_headers"]


@attrs.define(kw_only=True)
class Fault:
    """One planned fault, applied to the next ``remaining`` matching requests.

    - ``status``: answer this status (with a JSON:API error body) instead of serving the request.
    - ``retry_after``: add a ``Retry-After`` header (seconds) to that answer.
    - ``delay``: wait this many real seconds first (for timeout tests), then serve normally or apply the rest.
    - ``reset``: close the connection before the status line (True or ``"before_headers"``), or right after
      the headers (``"after_headers"``).
    - ``truncate``: announce a longer ``Content-Length`` than the body sent, then close.
    - ``malformed``: answer 200 with a body that is not valid JSON.
    """

    remaining: int
    status: int | None = None
    retry_after: float | None = None
    path: str | None = None
    method: str | None = None
    delay: float | None = None
    reset: bool | ResetMode = False
    truncate: bool = False
    malformed: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or self.path == path) and (self.method is None or self.method == method)


class FaultPlan:
    """Faults consumed in the order they were planned: ``fake.faults.next(2, status=503)``."""

    __slots__ = ("_queue",)

    def __init__(self) -> None:
        self._queue: list[Fault] = []

    def next(
        self,
        n: int = 1,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        path: str | None = None,
        method: str | None = None,
        delay: float | None = None,
        reset: bool | ResetMode = False,
        truncate: bool = False,
        malformed: bool = False,
    ) -> Fault:
        """Plan a fault for the next ``n`` requests (to ``path`` only, when given: the URL path, no query)."""
        if not isinstance(n, int) or n < 1:
            raise ValueError("n must be an int >= 1")
        if status is not None and not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        if reset not in (False, True, "before_headers", "after_headers"):
            raise ValueError("reset must be a bool, 'before_headers' or 'after_headers'")
        chosen = sum(bool(x) for x in (status is not None, reset, truncate, malformed))
        if chosen == 0 and delay is None:
            raise ValueError("plan at least one of status, delay, reset, truncate or malformed")
        if chosen > 1:
            raise ValueError("status, reset, truncate and malformed are exclusive; plan them separately")
        fault = Fault(
            remaining=n,
            status=status,
            retry_after=retry_after,
            path=path,
            method=method.upper() if method else None,
            delay=delay,
            reset=reset,
            truncate=truncate,
            malformed=malformed,
        )
        self._queue.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first planned fault matching this request, consumed once; None when nothing is planned."""
        queue = self._queue
        if not queue:
            return None
        for position, fault in enumerate(queue):
            if fault.matches(method, path):
                fault.remaining -= 1
                fault.hits += 1
                if fault.remaining <= 0:
                    del queue[position]
                return fault
        return None

    @property
    def pending(self) -> list[Fault]:
        """Faults not yet fully consumed."""
        return list(self._queue)

    def clear(self) -> None:
        self._queue.clear()

    def __len__(self) -> int:
        return sum(f.remaining for f in self._queue)
