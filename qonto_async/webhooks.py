"""Receiving Qonto's webhooks: signature verification and typed events (qonto-api.md §10).

::

    from qonto_async.webhooks import construct_event, SIGNATURE_HEADER

    event = construct_event(raw_body, request.headers.get(SIGNATURE_HEADER), secret)   # raises a WebhookError
    if already_seen(event.id):      # Qonto retries for days: the same event can arrive twice
        return 200
    if isinstance(event, TransactionEvent):
        ...

The rules, from docs.qonto.com (webhooks overview, each "supported webhooks" page):

- Qonto signs each delivery with ``X-Qonto-Signature: t={unix seconds},v1={hex}``, where ``hex`` is the lowercase
  hex HMAC-SHA256 of ``"{t}.{raw body}"`` keyed with the subscription's secret. Verify over the **raw bytes** as
  received: JSON parsed and serialised again is not the same text, and the signature will not match.
- Reject a timestamp older than 5 minutes. This module also rejects one more than the tolerance in the future
  (a clock that far ahead is not Qonto's), so a captured delivery cannot be replayed later.
- Answer 2xx within one second, then do the work (Qonto advises a queue). A delivery that gets no 2xx in time is
  retried with exponential backoff for a few days, and a retry can also follow a transient error: handlers must be
  idempotent, keyed on ``event.id``. No ordering is guaranteed. Past events are not replayed on subscribe.

``verify_signature`` takes one secret or several (accepted if any matches): during a rotation (a new
subscription created before the old one is deleted) both secrets are live. Every ``v1=`` entry of the header is
tried; Qonto documents one.

Errors (:mod:`qonto_async.errors`): :class:`MalformedSignatureHeader`, :class:`WebhookSignatureError`,
:class:`WebhookTimestampError`, :class:`WebhookPayloadError`, all :class:`WebhookError`: answer 400 to any of them.
Their messages never contain the secret or the expected signature.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from qonto_async.errors import (
    ConfigurationError,
    MalformedSignatureHeader,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from qonto_async.models.webhooks import (
    AccountEvent,
    BeneficiaryEvent,
    CardEvent,
    ClientEvent,
    ClientInvoiceEvent,
    ConsentRevocationEvent,
    MembershipEvent,
    OrganizationEvent,
    PaymentLinkConnectionEvent,
    PaymentLinkEvent,
    TerminalPaymentEvent,
    TransactionEvent,
    UnknownEvent,
    WebhookEvent,
)
from qonto_async.serde import converter, loads

_log = logging.getLogger("qonto_async.webhooks")

__all__ = [
    "DEFAULT_TOLERANCE",
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "Clock",
    "check_secrets",
    "compute_signature",
    "construct_event",
    "parse_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER: Final = "X-Qonto-Signature"
DEFAULT_TOLERANCE: Final = 300  # qonto-api.md §10: reject anything older than 5 minutes.

# The ``type`` of each event documented in qonto-api.md §10 -> its event class.
EVENT_TYPES: Final[Mapping[str, type[WebhookEvent]]] = {
    "v1/transactions": TransactionEvent,
    "v1/accounts": AccountEvent,
    "v1/organizations": OrganizationEvent,
    "v1/memberships": MembershipEvent,
    "v1/consent-revocations": ConsentRevocationEvent,
    "v1/cards": CardEvent,
    "v1/payment-links": PaymentLinkEvent,
    "v1/payment-links-connections": PaymentLinkConnectionEvent,
    "v1/beneficiaries": BeneficiaryEvent,
    "v1/client-invoices": ClientInvoiceEvent,
    "v1/clients": ClientEvent,
    "v1/terminal-payments": TerminalPaymentEvent,
}

Clock = Callable[[], "datetime | float | int"]
"""A zero-argument callable giving the current time: an aware ``datetime`` or Unix seconds."""

# Strict shapes: ``int()`` alone would accept "+1", " 1", "1_000" and non-ASCII digits.
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")
_HEX_SHA256: Final = re.compile(r"[0-9a-fA-F]{64}")
_MAX_HEADER: Final = 4096


@attrs.frozen(kw_only=True)
class _Parsed:
    timestamp: int
    signatures: tuple[str, ...]


def _parse_header(header: object) -> _Parsed:
    if header is None:
        raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header is missing")
    if isinstance(header, bytes | bytearray):
        try:
            header = bytes(header).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header is not ASCII") from None
    if not isinstance(header, str):
        raise MalformedSignatureHeader(
            f"the {SIGNATURE_HEADER} header must be a string, got {type(header).__name__}"
        )
    if len(header) > _MAX_HEADER:
        raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header is too long ({len(header)} characters)")
    timestamp: str | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise MalformedSignatureHeader(
                f"the {SIGNATURE_HEADER} header must read t=<unix timestamp>,v1=<hex signature>; "
                f"found an entry without '='"
            )
        key, value = key.strip(), value.strip()
        if key == "t":
            if timestamp is not None:
                raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header has more than one t= entry")
            if not _TIMESTAMP.fullmatch(value):
                raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header's t= is not a Unix timestamp")
            timestamp = value
        elif key == "v1":
            if not _HEX_SHA256.fullmatch(value):
                raise MalformedSignatureHeader(
                    f"the {SIGNATURE_HEADER} header's v1= is not a hex HMAC-SHA256 (64 hex digits)"
                )
            signatures.append(value.lower())
        # Other keys (a future scheme version) are ignored, as long as a v1 entry is there.
    if timestamp is None:
        raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header has no t= entry")
    if not signatures:
        raise MalformedSignatureHeader(f"the {SIGNATURE_HEADER} header has no v1= signature")
    return _Parsed(timestamp=int(timestamp), signatures=tuple(signatures))


def _body_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, bytearray | memoryview):
        return bytes(raw_body)
    if isinstance(raw_body, str):
        raise ConfigurationError(
            "raw_body must be the request body as received, in bytes (e.g. await request.read() in aiohttp, "
            "await request.body() in Starlette), not text: the signature covers the exact bytes"
        )
    raise ConfigurationError(f"raw_body must be bytes, got {type(raw_body).__name__}")


def check_secrets(secret: str | Iterable[str]) -> tuple[str, ...]:
    """``secret`` as a tuple of non-empty strings, or ConfigurationError: receivers call it once, at set-up, so a
    missing secret (an unset environment variable) fails when the app starts, not on every delivery."""
    return tuple(s.decode("utf-8") for s in _secrets(secret))


def _secrets(secret: str | Iterable[str]) -> tuple[bytes, ...]:
    candidates = (secret,) if isinstance(secret, str) else tuple(secret) if isinstance(secret, Iterable) else ()
    if not candidates or not all(isinstance(s, str) and s for s in candidates):
        raise ConfigurationError(
            "secret must be the subscription's webhook secret (a non-empty string), or a list of them during a "
            "rotation"
        )
    return tuple(s.encode("utf-8") for s in candidates)


def _unix_now(now: datetime | float | int | Clock | None) -> int:
    value = now() if callable(now) else now
    if value is None:
        return int(time.time())
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ConfigurationError("now must be a timezone-aware datetime (e.g. datetime.now(UTC))")
        try:
            return int(value.timestamp())
        except (OverflowError, ValueError):  # e.g. datetime(1, 1, 1, tzinfo=UTC+14) is before year 1 in UTC
            raise ConfigurationError(f"now is out of range: {value!r}") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ConfigurationError(f"now must be a finite number of Unix seconds, got {value!r}")
        return int(value)
    raise ConfigurationError(f"now must be an aware datetime, Unix seconds or a clock, got {type(value).__name__}")


def _tolerance(tolerance: object) -> int:
    if not isinstance(tolerance, int | float) or isinstance(tolerance, bool) or not 0 <= tolerance < 10**9:
        raise ConfigurationError(f"tolerance must be a number of seconds >= 0, got {tolerance!r}")
    return int(tolerance)


def compute_signature(raw_body: bytes, secret: str, timestamp: int) -> str:
    """The lowercase hex HMAC-SHA256 of ``"{timestamp}.{raw_body}"`` keyed with ``secret``: the ``v1`` value."""
    key = _secrets(secret)[0]
    message = str(int(timestamp)).encode("ascii") + b"." + _body_bytes(raw_body)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(raw_body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """An ``X-Qonto-Signature`` value for ``raw_body``, as Qonto builds it: ``t={timestamp},v1={hex}``.

    For tests and for :mod:`qonto_async.testing` (FakeQonto's deliveries); ``timestamp`` defaults to now.
    """
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={stamp},v1={compute_signature(raw_body, secret, stamp)}"


def verify_signature(
    raw_body: bytes | bytearray | memoryview,
    header: str | None,
    secret: str | Iterable[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: datetime | float | Clock | None = None,
) -> int:
    """Check that ``raw_body`` is what Qonto signed, recently. Returns the signed timestamp (Unix seconds).

    ``header`` is the ``X-Qonto-Signature`` value (``None`` when absent). ``secret`` is the subscription's secret,
    or several during a rotation. ``now`` (an aware datetime, Unix seconds, or a clock returning either; default
    the system clock) and ``tolerance`` (seconds, default 300) bound the timestamp both ways.

    Raises :class:`MalformedSignatureHeader` for a missing or malformed header, :class:`WebhookSignatureError` when
    no signature matches (wrong secret, altered body, forgery), then :class:`WebhookTimestampError` for an
    authentic but stale (replayed) or future-dated delivery. Signatures are compared with
    :func:`hmac.compare_digest`, whose time does not depend on where the strings differ.
    """
    body = _body_bytes(raw_body)
    keys = _secrets(secret)
    window = _tolerance(tolerance)
    parsed = _parse_header(header)
    message = str(parsed.timestamp).encode("ascii") + b"." + body
    matched = False
    for key in keys:
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        for candidate in parsed.signatures:
            # No early exit: every pair is compared, so timing says nothing about which one matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookSignatureError(
            f"the {SIGNATURE_HEADER} signature does not match this body and secret: check the secret, and verify "
            "the raw body as received (never JSON parsed and serialised again)"
        )
    current = _unix_now(now)
    age = current - parsed.timestamp
    if age > window:
        raise WebhookTimestampError(
            f"the delivery was signed {age} s ago, more than the {window} s allowed: a replay or a late delivery",
            timestamp=parsed.timestamp,
            now=current,
            tolerance=window,
        )
    if -age > window:
        raise WebhookTimestampError(
            f"the delivery is signed {-age} s in the future, more than the {window} s allowed: check this "
            "machine's clock",
            timestamp=parsed.timestamp,
            now=current,
            tolerance=window,
        )
    return parsed.timestamp


def parse_event(raw_body: bytes | bytearray | memoryview | str | Mapping[str, Any]) -> WebhookEvent:
    """The typed event of a delivery body (already verified: see :func:`construct_event`).

    A ``type`` listed in :data:`EVENT_TYPES` gives its class (``TransactionEvent``...); any other type gives an
    :class:`~qonto_async.models.UnknownEvent` holding the raw ``data``, never an error. So does a known type whose
    ``data`` does not fit the documented shape (Qonto added or changed a field): the delivery is genuine, and
    refusing it would only make Qonto deliver it again and again; it is logged at WARNING. Raises
    :class:`WebhookPayloadError` only for a body that is not a JSON object with a string ``id`` and ``type``.
    ``event.raw`` is the parsed body (fractional numbers as ``Decimal``).
    """
    if isinstance(raw_body, Mapping):
        body: Any = dict(raw_body)
    else:
        try:
            body = loads(raw_body if isinstance(raw_body, str) else _body_bytes(raw_body))
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise WebhookPayloadError(f"the webhook body is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(body, dict):
        raise WebhookPayloadError(f"the webhook body must be a JSON object, got {type(body).__name__}")
    event_id, event_type = body.get("id"), body.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str) or not event_type:
        raise WebhookPayloadError("the webhook body has no string 'id' and 'type': it is not a Qonto event")
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        return _unknown(body)
    try:
        event = converter.structure(body, cls)
    except Exception as exc:
        _log.warning(
            "the %s event %s does not have the documented shape (%s); it is handed over as an UnknownEvent",
            event_type,
            event_id,
            type(exc).__name__,
        )
        return _unknown(body)
    return attrs.evolve(event, raw=body)


def _unknown(body: dict[str, Any]) -> UnknownEvent:
    envelope: dict[str, Any] = {}
    for name in ("subscription_id", "organization_id", "membership_id"):
        value = body.get(name)
        envelope[name] = value if isinstance(value, str) else None
    created_at = None
    # An unknown event keeps whatever it can read; the raw body has the rest.
    with contextlib.suppress(Exception):
        created_at = converter.structure(body.get("created_at"), datetime | None)  # type: ignore[arg-type]
    return UnknownEvent(
        id=body["id"], type=body["type"], created_at=created_at, data=body.get("data"), raw=body, **envelope
    )


def construct_event(
    raw_body: bytes | bytearray | memoryview,
    header: str | None,
    secret: str | Iterable[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: datetime | float | Clock | None = None,
) -> WebhookEvent:
    """:func:`verify_signature`, then :func:`parse_event`: the one call a receiver needs.

    Deduplicate on ``event.id`` before acting: Qonto may deliver an event more than once (qonto-api.md §10).
    """
    verify_signature(raw_body, header, secret, tolerance=tolerance, now=now)
    return parse_event(raw_body)
