"""``QontoSession``: the one request loop (DESIGN §2, §6). The only module that talks HTTP.

Per logical call: resolve the URL from the environment; generate the idempotency key once (writes); then per
attempt: ask the :class:`AuthStrategy` for headers, add the staging token iff the environment requires it, send
without following redirects, map errors (tolerant parse, trace id), decode, and retry per :class:`RetryPolicy`;
a 401 lets the auth strategy refresh and try once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import platform
import re
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Final, Generic, TypeVar
from urllib.parse import urlencode, urlsplit

import aiohttp
import attrs
from multidict import CIMultiDictProxy

from qonto_async._version import __version__
from qonto_async.auth._base import AuthContext, AuthStrategy
from qonto_async.environments import Environment
from qonto_async.errors import (
    TRACE_ID_HEADER,
    APIError,
    ClientClosedError,
    ConfigurationError,
    EventLoopMismatchError,
    InvalidGrantError,
    OAuthError,
    QontoConnectionError,
    QontoDeprecationWarning,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    StagingTokenError,
    TransportError,
    api_error_class,
    parse_error_body,
)
from qonto_async.retry import RetryPolicy, parse_retry_after
from qonto_async.serde import loads

__all__ = ["QontoSession", "Request", "RequestOptions", "ResponseInfo", "Timeout", "capture_responses"]

T = TypeVar("T")

_log = logging.getLogger("qonto_async")

STAGING_TOKEN_HEADER: Final = "X-Qonto-Staging-Token"
IDEMPOTENCY_HEADER: Final = "X-Qonto-Idempotency-Key"
ORGANIZATION_HEADER: Final = "X-Qonto-Organization-Id"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_JSON: Final = "application/json"
# Deprecation warnings are kept once per path; ids in paths must not make that set grow without bound.
_MAX_WARNED_PATHS: Final = 256
# Query strings can carry IBANs and other personal data; aiohttp puts whole URLs in its exception texts.
_QUERY: Final = re.compile(r"\?[^\s'\"]*")
_FORM: Final = "application/x-www-form-urlencoded"

USER_AGENT: Final = (
    f"qonto-async/{__version__} (Python {platform.python_version()}; aiohttp {aiohttp.__version__})"
)


def _positive_or_none(_instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ConfigurationError(f"Timeout.{attribute.name} must be a number of seconds > 0, or None.")


@attrs.frozen(kw_only=True)
class Timeout:
    """Per-attempt timeouts in seconds. ``total`` covers one attempt, from connecting to the last body byte."""

    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none)
    total: float | None = attrs.field(default=60.0, validator=_positive_or_none)

    def _aiohttp(self) -> aiohttp.ClientTimeout:
        # sock_connect, not connect: aiohttp's `connect` also counts the wait for a free pooled connection, which
        # would turn a busy pool into timeouts (and retries, adding load).
        return aiohttp.ClientTimeout(total=self.total, sock_connect=self.connect)


def _timeout(value: Timeout | float | None) -> Timeout:
    if isinstance(value, Timeout):
        return value
    if value is None:
        return Timeout(connect=None, total=None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Timeout(connect=min(10.0, float(value)), total=float(value))
    raise ConfigurationError(f"timeout must be a Timeout, a number of seconds or None, got {value!r}.")


def _organization_id(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value)):
        raise ConfigurationError("organization_id must be the organization's id (a non-empty string), or None.")


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Per-client settings that ``QontoClient.with_options()`` can vary."""

    timeout: Timeout = attrs.field(factory=Timeout, converter=_timeout)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, validator=attrs.validators.instance_of(RetryPolicy))
    organization_id: str | None = attrs.field(default=None, validator=_organization_id)


@attrs.frozen(kw_only=True)
class Request(Generic[T]):
    """What a resource method asks for. Describes; does nothing.

    ``idempotent_key_supported`` marks writes whose endpoint honours ``X-Qonto-Idempotency-Key``
    (qonto-api.md §7): they get a key (generated once, reused on every retry) and may be retried.
    ``raw`` asks for the body of a 2xx response as bytes (a PDF, qonto-api.md §12), undecoded; set the
    ``Accept`` header it expects in ``headers``. Error responses are still read as Qonto's JSON errors.
    """

    method: str
    path: str
    decode: Callable[[Any], T] | None = attrs.field(default=None, eq=False)
    params: Sequence[tuple[str, str]] = ()
    json: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    idempotent_key_supported: bool = False
    idempotency_key: str | None = None
    raw: bool = False


@attrs.frozen(kw_only=True)
class ResponseInfo:
    """What came back for one attempt: for logs, support tickets (``trace_id``) and assertions."""

    method: str
    url: str
    status: int
    headers: CIMultiDictProxy[str] = attrs.field(repr=False)
    trace_id: str | None
    attempt: int
    elapsed: float


_captured: ContextVar[list[ResponseInfo] | None] = ContextVar("qonto_async_captured", default=None)


@contextlib.contextmanager
def capture_responses() -> Iterator[list[ResponseInfo]]:
    """Collect a :class:`ResponseInfo` for every response received inside the block (this task and its children).

    ::

        with capture_responses() as responses:
            org = await qonto.organization.get()
        print(responses[-1].trace_id)
    """
    bucket: list[ResponseInfo] = []
    token = _captured.set(bucket)
    try:
        yield bucket
    finally:
        _captured.reset(token)


def _check_staging_token(environment: Environment, staging_token: str | None) -> str | None:
    if environment.requires_staging_token:
        if staging_token is None or staging_token == "":
            raise ConfigurationError(
                f"The {environment.name!r} environment requires a staging token (sent as "
                f"{STAGING_TOKEN_HEADER} on every request). Copy it from the Developer Portal, under your app's "
                "credentials, and pass staging_token=... (or set QONTO_STAGING_TOKEN)."
            )
        if not isinstance(staging_token, str) or any(c.isspace() for c in staging_token):
            raise ConfigurationError("staging_token must be a string without whitespace.")
        return staging_token
    if staging_token is not None:
        # qonto-api.md §1.1: production refuses the header, and the token must not leak to other hosts.
        raise ConfigurationError(
            f"A staging token was given, but the {environment.name!r} environment does not use one; it is only "
            "for the sandbox. Remove staging_token, or use environment='sandbox'."
        )
    return None


def _is_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type:
        return True
    head = body[:64].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class _Sent:
    """One attempt's raw outcome."""

    __slots__ = ("body", "content_type", "headers", "status")

    def __init__(self, status: int, headers: CIMultiDictProxy[str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.content_type = headers.get("Content-Type", "").lower()


ErrorMapper = Callable[[str, str, _Sent, "str | None"], Exception]


class QontoSession:
    """Owns the connection pool and runs every request through one loop. Used by ``QontoClient``.

    Create it inside a running event loop's lifetime, and close it (``aclose()`` or ``async with``).
    """

    def __init__(
        self,
        *,
        environment: Environment,
        auth: AuthStrategy | None = None,
        staging_token: str | None = None,
        options: RequestOptions | None = None,
        connection_limit: int = 100,
        user_agent: str | None = None,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        if not isinstance(environment, Environment):
            raise ConfigurationError("QontoSession needs an Environment.")
        if auth is not None and not isinstance(auth, AuthStrategy):
            raise ConfigurationError(
                f"auth must implement the AuthStrategy protocol (async headers() and on_unauthorized()); got "
                f"{type(auth).__name__}. Use StaticKeyAuth(login=..., secret_key=...) or OAuthBearerAuth(...)."
            )
        if auth is not None and not (
            inspect.iscoroutinefunction(auth.headers) and inspect.iscoroutinefunction(auth.on_unauthorized)
        ):
            raise ConfigurationError(
                f"{type(auth).__name__}.headers() and .on_unauthorized() must be 'async def' methods "
                "(the AuthStrategy protocol); the session awaits them on every attempt."
            )
        if user_agent is not None and (not isinstance(user_agent, str) or not user_agent.isprintable()):
            raise ConfigurationError("user_agent must be a printable string, or None for the default.")
        if not isinstance(connection_limit, int) or connection_limit < 1:
            raise ConfigurationError("connection_limit must be an int >= 1.")
        self.environment = environment
        self.auth = auth
        self.options = options if options is not None else RequestOptions()
        self._staging_token = _check_staging_token(environment, staging_token)
        self._api_url = environment.api_url
        self._connection_limit = connection_limit
        self._sleep: Callable[[float], Any] = sleep if sleep is not None else asyncio.sleep
        base = {"Accept": _JSON, "User-Agent": user_agent or USER_AGENT}
        if self._staging_token is not None:
            base[STAGING_TOKEN_HEADER] = self._staging_token
        self._base_headers: Mapping[str, str] = base
        self._http: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._warned_paths: set[str] = set()

    # -- lifecycle ----------------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this Qonto client is closed; create a new QontoClient")
        http = self._http
        if http is not None and self._loop is not asyncio.get_running_loop():
            raise EventLoopMismatchError(
                "this Qonto client belongs to another event loop (its connection pool is bound to the loop it "
                "first ran in); create one client per event loop, e.g. inside the coroutine given to asyncio.run"
            )
        if http is None:
            # Created lazily inside a coroutine: a ClientSession is bound to the loop that creates it.
            http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit, ttl_dns_cache=300),
                # An API client has no business keeping the sandbox gate's or anyone's cookies.
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),
                auto_decompress=True,
            )
            self._http = http
            self._loop = asyncio.get_running_loop()
        return http

    async def aclose(self) -> None:
        self._closed = True
        http, self._http = self._http, None
        if http is not None and not http.closed:
            await http.close()

    async def __aenter__(self) -> QontoSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        http = getattr(self, "_http", None)
        if http is not None and not http.closed:
            warnings.warn(
                "QontoClient was not closed: use 'async with QontoClient(...)' or 'await client.aclose()'",
                ResourceWarning,
                stacklevel=2,
            )

    # -- the API ------------------------------------------------------------------------------------------------

    async def request(self, req: Request[T], options: RequestOptions | None = None) -> T:
        """Send ``req`` through the loop and return its decoded result."""
        opts = options if options is not None else self.options
        method = req.method
        url = self._api_url + req.path
        headers = dict(self._base_headers)
        if opts.organization_id is not None:
            headers[ORGANIZATION_HEADER] = opts.organization_id
        body: bytes | None = None
        if req.json is not None:
            # Serialised once: every retry re-sends the very same bytes.
            body = json.dumps(req.json, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = _JSON
        idempotency_key = req.idempotency_key
        if idempotency_key is None and req.idempotent_key_supported and method not in _SAFE_METHODS:
            # qonto-api.md §7 and §15: one key per logical write, reused on every retry; never per client.
            idempotency_key = str(uuid.uuid4())
        if idempotency_key is not None:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        for name, value in req.headers.items():
            headers[name] = value
        # Issue #2 / DESIGN §6: retried only when sending twice cannot do anything twice: safe methods, and
        # writes that carry an idempotency key. PUT and DELETE are idempotent in HTTP terms, but Qonto does not
        # document it per endpoint, so they are not assumed to be.
        retry_safe = method in _SAFE_METHODS or idempotency_key is not None
        sent = await self._execute(
            method,
            url,
            params=req.params,
            body=body,
            headers=headers,
            retry_safe=retry_safe,
            authenticate=True,
            opts=opts,
            map_error=self._api_error,
            idempotency_key=idempotency_key,
        )
        return self._decode(req, method, url, sent)

    async def token_request(self, form: Mapping[str, str], *, retry_safe: bool) -> Mapping[str, Any]:
        """POST a form to the environment's OAuth token endpoint; return its JSON (qonto-api.md §2.2)."""
        url = self.environment.token_url
        headers = dict(self._base_headers)
        headers["Content-Type"] = _FORM
        body = urlencode(list(form.items())).encode("ascii")
        sent = await self._execute(
            "POST",
            url,
            params=(),
            body=body,
            headers=headers,
            retry_safe=retry_safe,
            authenticate=False,
            opts=self.options,
            map_error=self._oauth_error,
            idempotency_key=None,
        )
        trace_id = sent.headers.get(TRACE_ID_HEADER)
        try:
            payload = json.loads(sent.body)
        except ValueError:
            raise OAuthError(
                "the token endpoint did not answer JSON", status=sent.status, trace_id=trace_id
            ) from None
        if not isinstance(payload, dict):
            raise OAuthError(
                "the token endpoint answered an unexpected body", status=sent.status, trace_id=trace_id
            )
        return payload

    # -- the loop -----------------------------------------------------------------------------------------------

    async def _execute(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]],
        body: bytes | None,
        headers: dict[str, str],
        retry_safe: bool,
        authenticate: bool,
        opts: RequestOptions,
        map_error: ErrorMapper,
        idempotency_key: str | None,
    ) -> _Sent:
        http = self._open()
        policy = opts.retry
        full_timeout = opts.timeout._aiohttp()
        loop = asyncio.get_running_loop()
        started = loop.time()
        attempt = 0
        retries = 0
        auth = self.auth if authenticate else None
        reauthenticated = False
        debug = _log.isEnabledFor(logging.DEBUG)
        while True:
            if self._closed:
                # aclose() ran while this call was refreshing or waiting to retry.
                raise ClientClosedError("this Qonto client was closed while the request was in progress")
            attempt += 1
            ctx: AuthContext | None = None
            auth_headers: Mapping[str, str] = {}
            attempt_headers = headers
            if auth is not None:
                ctx = AuthContext(
                    method=method, url=url, attempt=attempt, environment=self.environment, token_endpoint=self
                )
                auth_headers = await auth.headers(ctx)
                attempt_headers = {**headers, **auth_headers}
            # The whole call, refreshes and retries included, stays within policy.total_timeout: each attempt
            # gets at most what is left of it.
            remaining = policy.total_timeout - (loop.time() - started)
            if remaining <= 0:
                raise QontoTimeoutError(
                    f"{method} {_redact_url(url)} ran out of its total time budget "
                    f"(RetryPolicy.total_timeout={policy.total_timeout:g}s)",
                    method=method,
                    url=_redact_url(url),
                )
            timeout = full_timeout
            if full_timeout.total is None or full_timeout.total > remaining:
                timeout = aiohttp.ClientTimeout(total=remaining, sock_connect=full_timeout.sock_connect)
            if debug:
                _log.debug("-> %s %s attempt %d", method, _redact_url(url), attempt)
            t0 = time.monotonic()
            try:
                sent = await self._send(http, method, url, params, body, attempt_headers, timeout)
            except TransportError as exc:
                delay = policy.backoff(retries + 1)
                if (
                    retry_safe
                    and policy.retry_connection_errors
                    and self._may_retry(policy, retries, started, delay)
                ):
                    retries += 1
                    _log.info("%s; retry %d in %.2fs", exc, retries, delay)
                    await self._sleep(delay)
                    continue
                raise
            elapsed = time.monotonic() - t0
            status = sent.status
            trace_id = sent.headers.get(TRACE_ID_HEADER)
            bucket = _captured.get()
            if bucket is not None:
                bucket.append(
                    ResponseInfo(
                        method=method,
                        url=_redact_url(url),
                        status=status,
                        headers=sent.headers,
                        trace_id=trace_id,
                        attempt=attempt,
                        elapsed=elapsed,
                    )
                )
            if debug:
                _log.debug(
                    "<- %d %s %s in %.1f ms (trace id %s)",
                    status,
                    method,
                    _redact_url(url),
                    elapsed * 1000,
                    trace_id,
                )
            if "Sunset" in sent.headers or "Deprecation" in sent.headers:
                self._warn_deprecated(method, url, sent.headers)
            if 200 <= status < 300:
                if self.environment.requires_staging_token and _is_html(sent.content_type, sent.body):
                    raise self._staging_error(method, url, sent, trace_id)
                return sent
            if status == 401 and auth is not None and ctx is not None and not reauthenticated:
                reauthenticated = True
                if await auth.on_unauthorized(ctx, auth_headers):
                    continue
            error = map_error(method, url, sent, idempotency_key)
            if status in policy.retry_statuses and retry_safe:
                delay = policy.backoff(retries + 1)
                if isinstance(error, RateLimitError) and error.retry_after is not None:
                    if error.retry_after > policy.max_retry_after:
                        raise error
                    delay = error.retry_after
                if self._may_retry(policy, retries, started, delay):
                    retries += 1
                    _log.info(
                        "%s %s answered %d; retry %d in %.2fs (trace id %s)",
                        method,
                        _redact_url(url),
                        status,
                        retries,
                        delay,
                        trace_id,
                    )
                    await self._sleep(delay)
                    continue
            raise error

    @staticmethod
    def _may_retry(policy: RetryPolicy, retries: int, started: float, delay: float) -> bool:
        if retries + 1 >= policy.max_attempts:
            return False
        spent = asyncio.get_running_loop().time() - started
        return spent + delay <= policy.total_timeout

    async def _send(
        self,
        http: aiohttp.ClientSession,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: aiohttp.ClientTimeout,
    ) -> _Sent:
        try:
            async with http.request(
                method,
                url,
                params=params or None,
                data=body,
                headers=headers,
                # DESIGN §6: never follow redirects; credentials must not travel to another host.
                allow_redirects=False,
                timeout=timeout,
            ) as resp:
                payload = await resp.read()
                return _Sent(resp.status, resp.headers, payload)
        except RuntimeError:
            # aiohttp raises a bare RuntimeError("Session is closed") for a session closed under us.
            if http.closed:
                raise ClientClosedError("this Qonto client was closed while the request was in progress") from None
            raise
        except TimeoutError:
            raise QontoTimeoutError(
                f"{method} {_redact_url(url)} timed out (connect {timeout.connect}s, total {timeout.total}s)",
                method=method,
                url=_redact_url(url),
            ) from None
        except aiohttp.ClientError as exc:
            if http.closed:
                raise ClientClosedError("this Qonto client was closed while the request was in progress") from None
            # `from None`: aiohttp's exception carries the full URL (query included) and, through its
            # request_info, the Authorization header; neither may travel on in the exception chain.
            raise QontoConnectionError(
                f"{method} {_redact_url(url)} failed: {type(exc).__name__}: {_QUERY.sub('?…', str(exc))}",
                method=method,
                url=_redact_url(url),
            ) from None

    # -- responses ----------------------------------------------------------------------------------------------

    def _decode(self, req: Request[T], method: str, url: str, sent: _Sent) -> T:
        if req.raw:
            if not sent.body:
                raise _decode_failure(sent, method, url, "expected a file, got an empty response")
            return sent.body  # type: ignore[return-value]
        decode = req.decode
        if decode is None:
            return None  # type: ignore[return-value]
        if not sent.body:
            raise _decode_failure(sent, method, url, "expected a JSON body, got an empty response")
        try:
            data = loads(sent.body)
        except ValueError:
            kind = "an HTML page" if _is_html(sent.content_type, sent.body) else "a body that is not JSON"
            raise _decode_failure(sent, method, url, f"expected JSON, got {kind}") from None
        try:
            return decode(data)
        except Exception as exc:
            raise _decode_failure(
                sent,
                method,
                url,
                f"the response does not match the expected shape ({type(exc).__name__}: {_short(exc)})",
            ) from exc

    def _staging_error(self, method: str, url: str, sent: _Sent, trace_id: str | None) -> StagingTokenError:
        location = sent.headers.get("Location")
        message = None
        if location:
            message = StagingTokenError.default_message + f" (redirected to {_redact_url(location)})"
        return StagingTokenError(
            status=sent.status,
            method=method,
            url=_redact_url(url),
            trace_id=trace_id,
            headers=sent.headers,
            text=None,
            message=message,
        )

    def _is_gate(self, status: int, is_html: bool) -> bool:
        """The sandbox's login gate (qonto-api.md §1.1): a redirect, or an HTML page where JSON was due. An HTML
        5xx is a gateway failing, not the gate, and stays a retryable ServerError."""
        if not self.environment.requires_staging_token:
            return False
        return 300 <= status < 400 or (is_html and status in (401, 403))

    def _api_error(self, method: str, url: str, sent: _Sent, idempotency_key: str | None) -> Exception:
        status = sent.status
        parsed = parse_error_body(sent.body, content_type=sent.content_type, headers=sent.headers)
        if self._is_gate(status, parsed.is_html):
            return self._staging_error(method, url, sent, parsed.trace_id)
        common: dict[str, Any] = {
            "status": status,
            "method": method,
            "url": _redact_url(url),
            "errors": parsed.errors,
            "trace_id": parsed.trace_id,
            "headers": sent.headers,
            "body": parsed.json,
            "text": None if parsed.is_html else parsed.text,
            "idempotency_key": idempotency_key,
        }
        if 300 <= status < 400:
            location = sent.headers.get("Location", "")
            return APIError(
                message=f"Qonto answered with a redirect to {_redact_url(location) if location else '?'}, "
                "which is not followed (credentials never travel to another host)",
                **common,
            )
        cls = api_error_class(status)
        if cls is RateLimitError:
            return RateLimitError(retry_after=parse_retry_after(sent.headers.get("Retry-After")), **common)
        return cls(**common)

    def _oauth_error(self, method: str, url: str, sent: _Sent, _key: str | None) -> Exception:
        status = sent.status
        parsed = parse_error_body(sent.body, content_type=sent.content_type, headers=sent.headers)
        if self._is_gate(status, parsed.is_html):
            return self._staging_error(method, url, sent, parsed.trace_id)
        error = description = None
        if isinstance(parsed.json, dict):
            error = parsed.json.get("error") if isinstance(parsed.json.get("error"), str) else None
            raw_description = parsed.json.get("error_description")
            description = raw_description if isinstance(raw_description, str) else None
        if error is None and parsed.errors:
            error, description = parsed.errors[0].code, parsed.errors[0].detail
        if error == "invalid_grant":
            return InvalidGrantError(
                "the authorization code or refresh token was refused (invalid_grant): it expired, was revoked, "
                "was already used, or was rotated away by another refresh. The user must authorize again.",
                error=error,
                description=description,
                status=status,
                trace_id=parsed.trace_id,
            )
        if status >= 500 or status == 429:
            # A typed server or rate-limit error, so the retry policy sees it (with Retry-After honoured).
            return self._api_error(method, url, sent, None)
        hint = {
            "invalid_client": "the client_id or client_secret was refused; check them on the Developer Portal "
            "(sandbox and production apps have different credentials)",
            "unauthorized_client": "this client may not use this grant type",
            "invalid_scope": "a requested scope is unknown or not granted to this app",
            "invalid_request": "the token request was malformed",
        }.get(error or "", "the token endpoint refused the request")
        detail = f" ({description})" if description else ""
        return OAuthError(
            f"OAuth {error or status}: {hint}{detail}",
            error=error,
            description=description,
            status=status,
            trace_id=parsed.trace_id,
        )

    def _warn_deprecated(self, method: str, url: str, headers: CIMultiDictProxy[str]) -> None:
        path = urlsplit(url).path
        if path in self._warned_paths or len(self._warned_paths) >= _MAX_WARNED_PATHS:
            return
        self._warned_paths.add(path)
        sunset = headers.get("Sunset")
        link = headers.get("Link")
        text = f"Qonto marks {method} {path} as deprecated"
        if sunset:
            text += f"; it stops working on {sunset}"
        if link:
            text += f"; see {link}"
        _log.warning("%s", text)
        warnings.warn(text, QontoDeprecationWarning, stacklevel=4)


def _decode_failure(sent: _Sent, method: str, url: str, message: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        message,
        status=sent.status,
        method=method,
        url=_redact_url(url),
        trace_id=sent.headers.get(TRACE_ID_HEADER),
    )


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
