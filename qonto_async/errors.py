"""One error tree for everything the library raises.

::

    QontoError
    ├── ConfigurationError              wrong arguments or settings; raised before anything is sent
    │   └── CredentialFormatError       a static key with one of the mistakes Qonto's troubleshooting page lists
    ├── ClientClosedError               the client was used after aclose()
    ├── EventLoopMismatchError          the client was used from another event loop than its own
    ├── TransportError                  no usable HTTP response
    │   ├── QontoConnectionError        DNS, refused, reset, TLS, server disconnected
    │   └── QontoTimeoutError           connect or total timeout
    ├── ResponseDecodeError             a 2xx response whose body is not what the operation returns
    ├── OAuthError                      the OAuth token endpoint refused or failed
    │   └── InvalidGrantError           the code or refresh token is dead: the user must authorize again
    ├── TokenStoreError                 a token store could not load or save
    ├── ScaError                        Strong Customer Authentication did not complete
    │   ├── ScaDenied                   the user refused (or canceled) the SCA session
    │   └── ScaExpired                  nobody answered within the 15 minutes of the session
    ├── WebhookError                    a webhook delivery that must be refused (qonto_async.webhooks)
    │   ├── MalformedSignatureHeader    X-Qonto-Signature missing or not ``t=<unix>,v1=<hex>``
    │   ├── WebhookTimestampError       the signed timestamp is outside the tolerance (stale or future)
    │   ├── WebhookSignatureError       no v1 signature matches the raw body and secret
    │   └── WebhookPayloadError         a verified body that is not a webhook event envelope
    └── APIError                        Qonto answered with an error status
        ├── ValidationError             400, 422
        ├── AuthenticationError         401 (its message lists the credential checks)
        ├── PermissionDeniedError       403
        ├── NotFoundError               404
        ├── ConflictError               409
        ├── GoneError                   410 (a sunset endpoint)
        ├── PreconditionFailedError     412 (e.g. deleting an invoice that is no longer a draft)
        │   └── ScaSessionInvalidError  412 about the SCA session token
        ├── ScaRequired                 428 (carries sca_session_token, action_type)
        ├── RateLimitError              429 (carries retry_after)
        ├── ServerError                 5xx
        └── StagingTokenError           3xx or an HTML page from the sandbox gate

``str(error)`` always ends with Qonto's trace id when there is one: it is what Qonto support asks for
(qonto-api.md §6.1). Error bodies come in many shapes; :func:`parse_error_body` reads all of them and never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "APIError",
    "AuthenticationError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "CredentialFormatError",
    "ErrorDetail",
    "ErrorSource",
    "EventLoopMismatchError",
    "GoneError",
    "InvalidGrantError",
    "MalformedSignatureHeader",
    "NotFoundError",
    "OAuthError",
    "ParsedErrorBody",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "QontoConnectionError",
    "QontoDeprecationWarning",
    "QontoError",
    "QontoTimeoutError",
    "RateLimitError",
    "ResponseDecodeError",
    "ScaDenied",
    "ScaError",
    "ScaExpired",
    "ScaRequired",
    "ScaSessionInvalidError",
    "ServerError",
    "StagingTokenError",
    "TokenStoreError",
    "TransportError",
    "ValidationError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "api_error_class",
    "parse_error_body",
]

TRACE_ID_HEADER = "X-Tyk-Trace-Id"

Headers = CIMultiDictProxy[str] | CIMultiDict[str] | Mapping[str, str]


class QontoDeprecationWarning(FutureWarning):
    """Qonto announced (``Sunset``/``Deprecation`` headers) that an endpoint goes away, or a legacy route was used.

    A ``FutureWarning`` rather than a ``DeprecationWarning``: it is meant for the application's operators, and
    Python hides ``DeprecationWarning`` outside ``__main__`` by default.
    """


class QontoError(Exception):
    """The root of every error the library raises."""


class ConfigurationError(QontoError, ValueError):
    """A wrong argument or setting, found before any request was sent."""


class CredentialFormatError(ConfigurationError):
    """A static API key that cannot work, with the mistake named (qonto-api.md §2.1, troubleshooting page)."""


class ClientClosedError(QontoError, RuntimeError):
    """The client was used after it was closed."""


def _rebuild_plain_error(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


def _path_of(url: str) -> str:
    # An error is often built from a URL that just failed somewhere: building the error must never raise too.
    try:
        return urlsplit(url).path or url
    except ValueError:
        return url


class EventLoopMismatchError(QontoError, RuntimeError):
    """The client was used from an event loop other than the one it first ran in.

    Its connection pool belongs to that loop (aiohttp binds sessions to their loop): create one client per event
    loop, e.g. inside the coroutine given to ``asyncio.run``, or use ``SyncQontoClient`` from threads.
    """


class TransportError(QontoError):
    """No usable HTTP response: the request may or may not have reached Qonto."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only __init__: the default (cls, args) reduction cannot call it; restore args and fields instead.
        return (_rebuild_plain_error, (type(self), self.args, dict(self.__dict__)))


class QontoConnectionError(TransportError):
    """The connection failed: DNS, refused, reset, TLS, or the server hung up."""


class QontoTimeoutError(TransportError):
    """The connect or total timeout ran out."""


class TokenStoreError(QontoError):
    """A token store could not load or save tokens. Tokens are never dropped silently."""


@attrs.frozen(kw_only=True)
class ErrorSource:
    """Where an error points: a JSON pointer into the request body, a query parameter, or a header."""

    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None


@attrs.frozen(kw_only=True)
class ErrorDetail:
    """One entry of Qonto's ``errors`` list, normalised (``message`` and ``title`` fill in for ``detail``)."""

    code: str | None = None
    detail: str | None = None
    source: ErrorSource | None = None

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            spot = self.source.parameter or self.source.pointer or self.source.header
            if spot:
                where = f" ({spot})"
        text = self.detail or ""
        if self.code and text:
            return f"{self.code}: {text}{where}"
        return f"{self.code or text or 'error'}{where}"


@attrs.frozen(kw_only=True)
class ParsedErrorBody:
    """What :func:`parse_error_body` makes of a response body."""

    errors: tuple[ErrorDetail, ...] = ()
    trace_id: str | None = None
    json: Any = None
    text: str | None = None
    is_html: bool = False


class APIError(QontoError):
    """Qonto answered with a status that is not a success.

    Attributes: ``status``, ``method``, ``url`` (no credentials), ``errors`` (tuple of :class:`ErrorDetail`),
    ``trace_id``, ``headers`` (the response headers), ``body`` (parsed JSON, or None), ``text`` (the raw body
    text) and ``idempotency_key`` (the key a write was sent with: replay with the same one).
    """

    default_message = "Qonto returned an error"

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        errors: tuple[ErrorDetail, ...] = (),
        trace_id: str | None = None,
        headers: Headers | None = None,
        body: Any = None,
        text: str | None = None,
        message: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.url = url
        self.errors = errors
        self.trace_id = trace_id
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict(headers or {}))
        self.body = body
        self.text = text
        self.idempotency_key = idempotency_key
        self._message = message
        super().__init__(self._render())

    @property
    def code(self) -> str | None:
        """The first machine-readable error code, if any."""
        return next((e.code for e in self.errors if e.code), None)

    def _summary(self) -> str:
        if self._message:
            return self._message
        if self.errors:
            return "; ".join(str(e) for e in self.errors)
        if self.text and self.text.strip() and len(self.text) <= 200 and "<" not in self.text:
            return self.text.strip()
        return self.default_message

    def _hint(self) -> str:
        return ""

    def _render(self) -> str:
        path = _path_of(self.url)
        parts = [f"{self.status} on {self.method} {path}: {self._summary()}"]
        hint = self._hint()
        if hint:
            parts.append(hint)
        if self.trace_id:
            parts.append(f"(trace id: {self.trace_id})")
        return " ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only __init__: rebuild through a helper so errors survive pickling (multiprocessing, sync facade).
        return (_rebuild_api_error, (type(self), self._state()))

    def _state(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "method": self.method,
            "url": self.url,
            "errors": self.errors,
            "trace_id": self.trace_id,
            "headers": dict(self.headers),
            "body": self.body,
            "text": self.text,
            "message": self._message,
            "idempotency_key": self.idempotency_key,
        }


def _rebuild_api_error(cls: type[APIError], state: dict[str, Any]) -> APIError:
    return cls(**state)


class ValidationError(APIError):
    """400 or 422: the request was refused as invalid. See ``errors`` for the fields at fault."""

    default_message = "the request was refused as invalid"


class AuthenticationError(APIError):
    """401: the credentials were refused."""

    default_message = "the credentials were refused"

    def _hint(self) -> str:
        # qonto-api.md §2.1 and Qonto's troubleshooting page: the checks, in the order Qonto support asks.
        return (
            "Check: the Authorization header is exactly 'login:secret_key' for an API key (no 'Bearer '/'Basic ' "
            "prefix, no base64, no spaces); the key was not regenerated since; the login is the organization "
            "slug and the secret is in the secret_key argument; sandbox credentials go to the sandbox and "
            "production credentials to production; an OAuth access token has not expired or been revoked."
        )


class PermissionDeniedError(APIError):
    """403: authenticated, but not allowed (missing OAuth scope, role, price plan, or organization header)."""

    default_message = "not allowed: check the OAuth scopes, the member's role and the organization's plan"


class NotFoundError(APIError):
    """404: no such resource, or a wrong path (e.g. /v2/organizations instead of /v2/organization)."""

    default_message = "not found"


class ConflictError(APIError):
    """409: the request conflicts with the resource's state (e.g. a duplicate invoice number)."""

    default_message = "conflict"


class GoneError(APIError):
    """410: the endpoint has been sunset."""

    default_message = "this endpoint has been sunset"


class PreconditionFailedError(APIError):
    """412: the resource is not in a state that allows the operation (e.g. ``invoice_not_in_draft_status``)."""

    default_message = "the resource is not in a state that allows this operation"


class ScaSessionInvalidError(PreconditionFailedError):
    """412 about SCA: the session token is invalid, expired, already used, or bound to another request."""

    default_message = "the SCA session token is invalid or expired"


class ScaRequired(APIError):
    """428: Qonto wants Strong Customer Authentication before it performs this write (qonto-api.md §8).

    ``sca_session_token`` (valid 15 minutes) identifies the session to approve; ``action_type`` names the action,
    e.g. ``transfer.single.create``. The same request must be replayed with the same idempotency key.
    """

    default_message = "Strong Customer Authentication is required"

    @property
    def sca_session_token(self) -> str | None:
        return _str_field(self.body, "sca_session_token")

    @property
    def action_type(self) -> str | None:
        return _str_field(self.body, "action_type")


class ScaError(QontoError):
    """A write that needed Strong Customer Authentication (a ``428``) was not completed (qonto-api.md §8).

    Attributes: ``action_type`` (e.g. ``transfer.single.create``), ``trace_id`` of the ``428`` response, and
    ``idempotency_key``: the write was not performed, and replaying it with this key is safe.
    """

    def __init__(
        self,
        message: str,
        *,
        action_type: str | None = None,
        trace_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.action_type = action_type
        self.trace_id = trace_id
        self.idempotency_key = idempotency_key
        text = message if trace_id is None else f"{message} (trace id: {trace_id})"
        super().__init__(text)
        self._message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_sca_error,
            (type(self), self._message, self.action_type, self.trace_id, self.idempotency_key),
        )


def _rebuild_sca_error(
    cls: type[ScaError], message: str, action_type: str | None, trace_id: str | None, key: str | None
) -> ScaError:
    return cls(message, action_type=action_type, trace_id=trace_id, idempotency_key=key)


class ScaDenied(ScaError):
    """The SCA session ended in ``deny``: the user refused or canceled it. Nothing was performed."""


class ScaExpired(ScaError):
    """The SCA session was not approved within its 15 minutes (or the configured wait). Nothing was performed."""


class RateLimitError(APIError):
    """429: too many requests (1,000 per 10 s and 10,000 per 10 min per IP, qonto-api.md §6.2)."""

    default_message = "rate limited"

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)

    def _hint(self) -> str:
        if self.retry_after is not None:
            return f"Retry after {self.retry_after:g} s."
        return ""

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "retry_after": self.retry_after}


class ServerError(APIError):
    """5xx: Qonto failed. Safe requests and keyed writes were already retried."""

    default_message = "Qonto had a server error"


class StagingTokenError(APIError):
    """The sandbox gate answered (a redirect or an HTML login page) instead of the API (qonto-api.md §1.1)."""

    default_message = (
        "the sandbox answered with its login gate instead of the API: the X-Qonto-Staging-Token header is "
        "missing or wrong. Copy the staging token from the Developer Portal (your app's credentials) and pass "
        "it as staging_token="
    )


class ResponseDecodeError(QontoError):
    """A successful response whose body does not match what the operation returns."""

    def __init__(self, message: str, *, status: int, method: str, url: str, trace_id: str | None = None) -> None:
        self.status = status
        self.method = method
        self.url = url
        self.trace_id = trace_id
        text = f"{message} ({status} on {method} {_path_of(url)})"
        if trace_id:
            text += f" (trace id: {trace_id})"
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_plain_error, (type(self), self.args, dict(self.__dict__)))


class OAuthError(QontoError):
    """The OAuth token endpoint refused or failed (RFC 6749 §5.2 error codes)."""

    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        description: str | None = None,
        status: int | None = None,
        trace_id: str | None = None,
    ) -> None:
        self.error = error
        self.description = description
        self.status = status
        self.trace_id = trace_id
        text = message
        if trace_id:
            text += f" (trace id: {trace_id})"
        super().__init__(text)


class InvalidGrantError(OAuthError):
    """The authorization code or refresh token is invalid, expired, revoked or already rotated away.

    Nothing automatic can fix this: the user must go through the authorization flow again.
    """


class WebhookError(QontoError):
    """A webhook delivery to refuse (answer 400): see :mod:`qonto_async.webhooks`.

    Messages never contain the secret, the expected signature or the body.
    """


class MalformedSignatureHeader(WebhookError):
    """``X-Qonto-Signature`` is missing or not ``t={unix timestamp},v1={hex HMAC-SHA256}`` (qonto-api.md §10)."""


class WebhookTimestampError(WebhookError):
    """The signed timestamp ``t`` is too old (a replay, or a delivery held too long) or in the future.

    Carries ``timestamp`` (the header's ``t``), ``now`` and ``tolerance`` (seconds), all ints.
    """

    def __init__(self, message: str, *, timestamp: int, now: int, tolerance: int) -> None:
        super().__init__(message)
        self.timestamp = timestamp
        self.now = now
        self.tolerance = tolerance

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_plain_error, (type(self), self.args, dict(self.__dict__)))


class WebhookSignatureError(WebhookError):
    """No ``v1`` signature of the header matches HMAC-SHA256(secret, ``"{t}.{raw body}"``): a wrong secret, a
    body changed on the way (re-serialised JSON, a proxy), or a forged delivery."""


class WebhookPayloadError(WebhookError):
    """The (verified) body is not a webhook event: not JSON, not an object, or without ``id``/``type``."""


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    412: PreconditionFailedError,
    422: ValidationError,
    428: ScaRequired,
    429: RateLimitError,
}


def api_error_class(status: int, errors: tuple[ErrorDetail, ...] = ()) -> type[APIError]:
    """The :class:`APIError` subclass for an HTTP status (and, for a 412, its error items)."""
    if status == 412 and any(_about_sca(e) for e in errors):
        return ScaSessionInvalidError
    found = _STATUS_CLASSES.get(status)
    if found is not None:
        return found
    if 500 <= status < 600:
        return ServerError
    if 300 <= status < 400:
        return StagingTokenError
    return APIError


def _about_sca(detail: ErrorDetail) -> bool:
    # qonto-api.md §8: "Invalid SCA session token" / code invalid_sca_session_token; other 412s are business rules.
    return "sca" in re.split(r"[^a-z0-9]+", f"{detail.code or ''} {detail.detail or ''}".lower())


def _str_field(body: Any, key: str) -> str | None:
    if isinstance(body, Mapping):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float | bool):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _source(value: Any) -> ErrorSource | None:
    if isinstance(value, Mapping):
        src = ErrorSource(
            pointer=_text_or_none(value.get("pointer")),
            parameter=_text_or_none(value.get("parameter")),
            header=_text_or_none(value.get("header")),
        )
        return src if (src.pointer or src.parameter or src.header) else None
    if isinstance(value, str) and value:
        return ErrorSource(parameter=value)
    return None


def _detail_from_mapping(item: Mapping[Any, Any]) -> ErrorDetail:
    detail = item.get("detail")
    if detail is None or detail == "":
        detail = item.get("message")
    if detail is None or detail == "":
        detail = item.get("title")
    if detail is None or detail == "":
        detail = item.get("error_description")
    code = item.get("code")
    if code is None or code == "":
        code = item.get("error")
    return ErrorDetail(code=_text_or_none(code), detail=_text_or_none(detail), source=_source(item.get("source")))


def _details(body: Any) -> tuple[ErrorDetail, ...]:
    if not isinstance(body, Mapping):
        if isinstance(body, list):
            return tuple(_detail_from_mapping(i) for i in body if isinstance(i, Mapping))
        return ()
    errors = body.get("errors")
    if isinstance(errors, list):
        out: list[ErrorDetail] = []
        for item in errors:
            if isinstance(item, Mapping):
                out.append(_detail_from_mapping(item))
            elif item is not None:
                out.append(ErrorDetail(detail=_text_or_none(item)))
        return tuple(out)
    if isinstance(errors, Mapping):
        # qonto-api.md §6.1: 422 bodies with `errors` as one object, and {"errors": {"message": "Not found"}}.
        return (_detail_from_mapping(errors),)
    if isinstance(errors, str) and errors:
        return (ErrorDetail(detail=errors),)
    # Flat bodies: webhook subscriptions {code, detail}, 412 {message, code}, 428 {code, message, ...},
    # and RFC 6749 token errors {error, error_description}.
    if any(k in body for k in ("code", "detail", "message", "title", "error", "error_description")):
        return (_detail_from_mapping(body),)
    return ()


def _looks_like_html(content_type: str, text: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = text.lstrip()[:64].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body"))


def parse_error_body(
    body: bytes | str | None,
    *,
    content_type: str = "",
    headers: Headers | None = None,
) -> ParsedErrorBody:
    """Read any error body Qonto sends (qonto-api.md §6.1). Never raises.

    The trace id comes from the ``X-Tyk-Trace-Id`` header, or else from the body's ``trace_id`` field.
    """
    header_trace: str | None = None
    if headers is not None:
        try:
            if not isinstance(headers, CIMultiDict | CIMultiDictProxy):
                # Header names are case-insensitive (RFC 9110 §5.1), also in a plain dict from the caller.
                headers = CIMultiDict(headers)
            header_trace = headers.get(TRACE_ID_HEADER) or None
        except Exception:  # a caller's odd mapping must not hide the real error
            header_trace = None
    if body is None or body == b"" or body == "":
        return ParsedErrorBody(trace_id=header_trace)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if _looks_like_html(content_type, text):
        return ParsedErrorBody(trace_id=header_trace, text=text, is_html=True)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return ParsedErrorBody(trace_id=header_trace, text=text)
    trace_id = header_trace
    if trace_id is None and isinstance(data, Mapping):
        trace_id = _text_or_none(data.get("trace_id"))
    return ParsedErrorBody(errors=_details(data), trace_id=trace_id, json=data, text=text)
