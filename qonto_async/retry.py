"""``RetryPolicy``: which failures are retried, and how long to wait (DESIGN §6, qonto-api.md §6.2).

Retried: 429 (honouring ``Retry-After`` in seconds or as an HTTP date, capped), 5xx statuses, connection errors
and timeouts, with exponential backoff and full jitter, within a total time budget. Only for requests that are
safe to send twice: safe HTTP methods, and writes that carry an idempotency key.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import attrs

from qonto_async.errors import ConfigurationError

__all__ = ["RetryPolicy", "parse_retry_after"]


def _non_negative(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    # NaN compares false with everything, so `value < 0` alone would let it through into every delay.
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value) or value < 0:
        raise ConfigurationError(f"RetryPolicy.{attribute.name} must be a number >= 0, got {value!r}.")


def _max_attempts(_instance: object, _attribute: object, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(
            f"RetryPolicy.max_attempts must be an int >= 1 (1 means no retry), got {value!r}."
        )


def _callable(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ConfigurationError(
            f"RetryPolicy.{attribute.name} must be callable, returning a float in [0, 1) like random.random; "
            f"got {type(value).__name__}."
        )


def _statuses(value: object) -> frozenset[int]:
    if isinstance(value, int | str) or not hasattr(value, "__iter__"):
        raise ConfigurationError("RetryPolicy.retry_statuses must be a collection of HTTP status codes.")
    out = frozenset(value)
    if not all(isinstance(s, int) and 400 <= s <= 599 for s in out):
        raise ConfigurationError("RetryPolicy.retry_statuses may only hold 4xx/5xx status codes.")
    return out


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How the session retries. Frozen: derive variants with ``attrs.evolve`` or ``QontoClient.with_options``.

    - ``max_attempts``: attempts in all, the first included (1 disables retries).
    - ``backoff_base``/``backoff_max``: the n-th wait is uniform in ``[0, min(backoff_max, base * 2**(n-1))]``
      (full jitter, so many clients hitting the same outage do not retry in step).
    - ``max_retry_after``: a ``Retry-After`` longer than this is not waited for; the 429 is raised instead.
    - ``total_timeout``: the whole call, OAuth refresh and retries included, takes at most this many seconds:
      each attempt's timeout is cut to what is left, and no retry starts that could not finish in time.
    """

    max_attempts: int = attrs.field(default=4, validator=_max_attempts)
    backoff_base: float = attrs.field(default=0.5, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=60.0, validator=_non_negative)
    total_timeout: float = attrs.field(default=120.0, validator=_non_negative)
    retry_statuses: frozenset[int] = attrs.field(default=frozenset({429, 500, 502, 503, 504}), converter=_statuses)
    retry_connection_errors: bool = True
    random: Callable[[], float] = attrs.field(default=random.random, repr=False, eq=False, validator=_callable)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based), jittered."""
        try:
            growth = math.ldexp(self.backoff_base, max(retry_number - 1, 0))  # base * 2**(n-1), exactly
        except OverflowError:
            # max_attempts is not capped: after ~1,000 retries base * 2**(n-1) leaves float range (an int power
            # would raise here too); the wait is then simply backoff_max.
            growth = math.inf
        ceiling = min(self.backoff_max, growth)
        return ceiling * self.random()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date, RFC 9110 §10.2.3).

    Returns None when the header is absent or unreadable; never negative.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    # ASCII only: str.isdigit() and float() also accept other scripts' digits (and "²", which int() refuses).
    if not text.isascii():
        return None
    if text.isdigit():
        # float(), not int(): a very long digit string would exceed int()'s 4,300-digit limit and raise.
        return float(text)
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            return None
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
