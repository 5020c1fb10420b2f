"""``QontoSession``: the one request loop (DESIGN §2, §6). The only module that talks HTTP.

Per logical call: resolve the URL from the environment; generate the idempotency key once (writes); then per
attempt: ask the :class:`AuthStrategy` for headers, add the staging token iff the environment requires it, send
without following redirects, map errors (tolerant parse, trace id), decode, and retry per :class:`RetryPolicy`;
a 401 lets the auth strategy refresh and try once more.

Bodies: JSON (serialised once, the same bytes on every attempt), or a multipart upload (one ``file`` field, or
several named parts, qonto-api.md §12), rebuilt for every attempt because an aiohttp ``FormData`` can only be sent
once. Binary
responses come back as bytes, or are streamed to a temporary file beside the destination and renamed over it once
complete (nothing is left behind on failure). Pre-signed download URLs (on another host, qonto-api.md §12) go
through the same loop without any Qonto header.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import inspect
import io
import json
import logging
import os
import platform
import re
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Final, Generic, TypeVar
from urllib.parse import urlencode, urlsplit

import aiohttp
import attrs
from multidict import CIMultiDictProxy
from yarl import URL

from qonto_async._version import __version__
from qonto_async.auth._base import FAST_HEADERS, AuthContext, AuthStrategy
from qonto_async.environments import Environment, _is_loopback
from qonto_async.errors import (
    TRACE_ID_HEADER,
    APIError,
    ClientClosedError,
    ConfigurationError,
    EventLoopMismatchError,
    InvalidGrantError,
    OAuthError,
    PermissionDeniedError,
    QontoConnectionError,
    QontoDeprecationWarning,
    QontoError,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    StagingTokenError,
    TransportError,
    api_error_class,
    parse_error_body,
)
from qonto_async.files import UploadFile
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
# qonto-api.md §12: uploads are multipart/form-data with this single field.
_FILE_FIELD: Final = "file"
_CHUNK: Final = 64 * 1024

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
        return _client_timeout(self.total, self.connect)


@functools.lru_cache(maxsize=64)
def _client_timeout(total: float | None, connect: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeout for one attempt, built once per pair of values (every attempt of every request needs one).

    sock_connect, not connect: aiohttp's ``connect`` also counts the wait for a free pooled connection, which would
    turn a busy pool into timeouts (and retries, adding load).
    """
    return aiohttp.ClientTimeout(total=total, sock_connect=connect)


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


def _check_request(request: Request[Any]) -> None:
    # Resource methods build Requests; these are programming errors of theirs, caught before anything is sent.
    if request.file is not None and request.json is not None:
        raise ConfigurationError("a Request sends either a JSON body or a file, not both")
    if request.file is not None and not isinstance(request.file, UploadFile):
        raise ConfigurationError(f"file must be an UploadFile, got {type(request.file).__name__}")
    if request.files:
        _check_form(request)
    if request.dest is not None and not request.raw:
        raise ConfigurationError("dest (stream the body to a file) needs raw=True")
    if request.presigned_url is not None and (
        request.method != "GET"
        or request.file is not None
        or request.files
        or request.json is not None
        or request.params
    ):
        raise ConfigurationError("a pre-signed URL is fetched with a bare GET (no body, no extra parameters)")


def _form(parts: Iterable[tuple[str, UploadFile | str]]) -> tuple[tuple[str, UploadFile | str], ...]:
    return tuple(parts)


def _check_form(request: Request[Any]) -> None:
    if request.file is not None or request.json is not None:
        raise ConfigurationError("a Request sends one body: files, a file or JSON, not several")
    for entry in request.files:
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise ConfigurationError(f"files holds (field name, UploadFile or str) pairs, got {entry!r}")
        name, value = entry
        if not isinstance(name, str) or not name or any(c in name for c in '"\r\n'):
            raise ConfigurationError(f"a multipart field name must be a plain non-empty string, got {name!r}")
        if not isinstance(value, UploadFile | str):
            raise ConfigurationError(
                f"a multipart value must be an UploadFile or a str, got {type(value).__name__}"
            )
    if not any(isinstance(value, UploadFile) for _, value in request.files):
        raise ConfigurationError("files must hold at least one UploadFile")


@attrs.frozen(kw_only=True)
class Request(Generic[T]):
    """What a resource method asks for. Describes; does nothing.

    ``idempotent_key_supported`` marks writes whose endpoint honours ``X-Qonto-Idempotency-Key``
    (qonto-api.md §7): they get a key (generated once, reused on every retry) and may be retried.
    ``raw`` asks for the body of a 2xx response as bytes (a PDF, qonto-api.md §12), undecoded; set the
    ``Accept`` header it expects in ``headers``. Error responses are still read as Qonto's JSON errors.
    With ``dest`` too, the body is streamed to that file instead (atomically: a temporary file beside it, renamed
    over it once complete) and the result is ``dest``.

    ``file`` sends a ``multipart/form-data`` body whose single field ``file`` holds that upload (qonto-api.md
    §12); the form is rebuilt for each attempt. ``files`` sends a ``multipart/form-data`` body of several named parts
    in order, ``(field name, UploadFile)`` for a file and ``(field name, str)`` for a text field (a bulk import's
    repeated file field, a per-item idempotency key); like ``file``, the very same bytes on every attempt.
    ``presigned_url`` fetches that absolute URL (``path`` is then
    unused) without any Qonto header: no Authorization, no staging token, no organization id.
    """

    method: str
    path: str
    decode: Callable[[Any], T] | None = attrs.field(default=None, eq=False)
    # Query, body and headers may carry personal data, payment details or an SCA session token: never in repr.
    params: Sequence[tuple[str, str]] = attrs.field(default=(), repr=False)
    json: Any = attrs.field(default=None, repr=False)
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    idempotent_key_supported: bool = False
    idempotency_key: str | None = None
    raw: bool = False
    file: UploadFile | None = None
    files: Sequence[tuple[str, UploadFile | str]] = attrs.field(default=(), converter=_form)
    dest: Path | None = None
    presigned_url: str | None = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_request(self)


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
    """One attempt's raw outcome. ``streamed`` is the byte count when the body went to a :class:`_FileSink`."""

    __slots__ = ("body", "headers", "status", "streamed")

    def __init__(
        self, status: int, headers: CIMultiDictProxy[str], body: bytes, streamed: int | None = None
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.streamed = streamed

    @property
    def content_type(self) -> str:
        """Lower-cased; read only by the checks that need it (errors, the sandbox gate), not on every success."""
        return self.headers.get("Content-Type", "").lower()


# A request body: bytes sent as they are on every attempt, or a factory building a fresh multipart body per
# attempt (an aiohttp multipart payload, like a FormData, is consumed by sending it).
_Body = bytes | Callable[[], aiohttp.MultipartWriter] | None


def _multipart(parts: Sequence[tuple[str, UploadFile | str]]) -> Callable[[], aiohttp.MultipartWriter]:
    """``multipart/form-data`` with these named parts, in order (qonto-api.md §12), rebuilt for each attempt.

    The boundary comes from a digest of every part, not from chance: every attempt of the call, and an SCA replay
    of it, sends the very same bytes (a digest of the content cannot plausibly occur inside that content).
    """
    digest = hashlib.sha256()
    for name, value in parts:
        data = value.content if isinstance(value, UploadFile) else value.encode("utf-8")
        digest.update(b"%d:%s:%d:" % (len(name), name.encode("utf-8"), len(data)))
        digest.update(data)
    boundary = "qonto-async-" + digest.hexdigest()[:40]

    def build() -> aiohttp.MultipartWriter:
        writer = aiohttp.MultipartWriter("form-data", boundary=boundary)
        for name, value in parts:
            if isinstance(value, str):
                part = writer.append(value, {"Content-Type": "text/plain; charset=utf-8"})
                part.set_content_disposition("form-data", quote_fields=False, name=name)
                continue
            # A BytesIO, not the bytes: aiohttp warns (ResourceWarning) when a large bytes payload is sent as is.
            part = writer.append(io.BytesIO(value.content), {"Content-Type": value.content_type})
            # As browsers send it (WHATWG HTML, multipart/form-data encoding): UTF-8 as is, only '"' escaped as
            # %22. aiohttp's default would percent-encode every non-token character of the name.
            filename = value.filename.replace('"', "%22")
            part.set_content_disposition("form-data", quote_fields=False, name=name, filename=filename)
        return writer

    return build


class _FileSink:
    """A response body streamed to ``dest``: a temporary file in the same directory per attempt, renamed over
    ``dest`` by :meth:`commit` once the whole call succeeded, removed by :meth:`discard` otherwise."""

    __slots__ = ("_fh", "_tmp", "dest", "written")

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self._fh: Any = None
        self._tmp: str | None = None
        self.written = 0

    def start(self) -> None:
        self.discard()  # a failed earlier attempt's partial file
        directory = self.dest.parent
        try:
            fd, self._tmp = tempfile.mkstemp(dir=directory, prefix=f".{self.dest.name}.", suffix=".part")
        except OSError as exc:
            raise ConfigurationError(f"cannot write into {str(directory)!r}: {exc.strerror or exc}") from None
        self._fh = os.fdopen(fd, "wb")
        self.written = 0

    def write(self, chunk: bytes) -> None:
        # Plain writes land in the page cache and are cheap; the one slow call, fsync, runs in a thread (commit).
        self._fh.write(chunk)
        self.written += len(chunk)

    async def commit(self) -> Path:
        fh, tmp = self._fh, self._tmp
        assert fh is not None
        assert tmp is not None
        # The thread owns the file object from here: a cancelled commit must not close it under the thread's feet;
        # discard() then only removes the temporary file.
        self._fh = None

        def finish() -> None:
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.replace(tmp, self.dest)

        try:
            await asyncio.to_thread(finish)
        except OSError as exc:
            with contextlib.suppress(OSError):
                fh.close()
            self.discard()
            raise ConfigurationError(f"cannot write {str(self.dest)!r}: {exc.strerror or exc}") from None
        self._tmp = None
        return self.dest

    def discard(self) -> None:
        fh, tmp = self._fh, self._tmp
        self._fh = self._tmp = None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _check_dest(dest: object) -> Path:
    if not isinstance(dest, str | os.PathLike):
        raise ConfigurationError(f"dest must be a file path (str or Path), got {type(dest).__name__}.")
    path = Path(dest)
    if path.is_dir():
        raise ConfigurationError(f"dest must be a file path, but {str(path)!r} is a directory.")
    if not path.parent.is_dir():
        raise ConfigurationError(f"dest's directory {str(path.parent)!r} does not exist.")
    return path


def _check_presigned_url(url: object) -> str:
    """An absolute https URL (http only on loopback, as for environments, DESIGN §4), without credentials."""
    if not isinstance(url, str) or not url or url != url.strip() or any(c.isspace() for c in url):
        raise ConfigurationError("a download URL must be a non-empty string without whitespace.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise ConfigurationError(f"not a valid download URL: {_redact_url(url)!r}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigurationError(f"a download URL must be an absolute https:// URL, got {_redact_url(url)!r}.")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigurationError(
            f"refusing to download {_redact_url(url)} over plain http: only https:// (or a loopback host for local "
            "tests) is allowed."
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError("a download URL must not carry a user name or password.")
    return url


ErrorMapper = Callable[[str, str, _Sent, "str | None"], Exception]


def _transport_failure(
    exc: BaseException, http: aiohttp.ClientSession, method: str, url: str, timeout: aiohttp.ClientTimeout
) -> QontoError | None:
    """What an exception of one exchange means, or None for one that is not about the transport (re-raised as
    it is). The caller raises it outside its except block, ``from None``: aiohttp's exception carries the full URL
    (query included) and, through its request_info, the Authorization header; it must not be reachable from the
    error, not even as a suppressed ``__context__``."""
    if isinstance(exc, TimeoutError):  # aiohttp's own timeouts are ClientErrors too
        return QontoTimeoutError(
            f"{method} {_redact_url(url)} timed out (connect {timeout.connect}s, total {timeout.total}s)",
            method=method,
            url=_redact_url(url),
        )
    if http.closed:
        # aiohttp raises a bare RuntimeError("Session is closed") for a session closed under us.
        return ClientClosedError("this Qonto client was closed while the request was in progress")
    if isinstance(exc, aiohttp.ClientError):
        return QontoConnectionError(
            f"{method} {_redact_url(url)} failed: {type(exc).__name__}: {_QUERY.sub('?…', str(exc))}",
            method=method,
            url=_redact_url(url),
        )
    return None


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
            # aiohttp resends a request once, by itself, when the connection closes before any byte of the answer
            # and the method is idempotent in HTTP terms (GET, PUT, DELETE...). Qonto does not document PUT and
            # DELETE as idempotent (DESIGN §6), so a DELETE without an idempotency key could be performed twice:
            # off, and every retry goes through the RetryPolicy. No public switch; aiohttp's test client flips it.
            if hasattr(http, "_retry_connection"):
                http._retry_connection = False
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

    def request(self, req: Request[T], options: RequestOptions | None = None) -> Coroutine[Any, Any, T]:
        """Send ``req`` through the loop and return its decoded result (a coroutine: await it).

        A JSON call gets the request coroutine itself, not one wrapping it: every resumption of a call passes
        through each coroutine frame between the task and the socket. Only the choice between the JSON and the
        file path is made here; everything else runs when the coroutine is awaited.
        """
        opts = options if options is not None else self.options
        if req.dest is None and req.presigned_url is None:
            return self._request(req, opts, None)
        return self._request_file(req, opts)

    async def _request_file(self, req: Request[T], opts: RequestOptions) -> T:
        sink = _FileSink(_check_dest(req.dest)) if req.dest is not None else None
        try:
            if req.presigned_url is not None:
                return await self._fetch_presigned(req, opts, sink)
            return await self._request(req, opts, sink)
        finally:
            if sink is not None:
                sink.discard()  # a no-op once committed

    async def _request(self, req: Request[T], opts: RequestOptions, sink: _FileSink | None) -> T:
        method = req.method
        url = self._api_url + req.path
        headers = dict(self._base_headers)
        if opts.organization_id is not None:
            headers[ORGANIZATION_HEADER] = opts.organization_id
        body: _Body = None
        if req.file is not None:
            # aiohttp sets Content-Type: multipart/form-data with the boundary of each attempt's form.
            body = _multipart(((_FILE_FIELD, req.file),))
        elif req.files:
            body = _multipart(req.files)
        elif req.json is not None:
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
            sink=sink,
        )
        if sink is not None:
            return await self._commit(sink, method, url, sent)  # type: ignore[return-value]
        return self._decode(req, method, url, sent)

    async def _fetch_presigned(self, req: Request[T], opts: RequestOptions, sink: _FileSink | None) -> T:
        """GET a pre-signed URL (qonto-api.md §12, DESIGN §6): the signature in its query is the only credential.

        No Qonto header goes to that host: the headers are built here from nothing, auth is off, and redirects
        are never followed. The URL is sent exactly as given (``encoded=True``): re-quoting would break the
        signature.
        """
        url = _check_presigned_url(req.presigned_url)
        headers = {"User-Agent": self._base_headers["User-Agent"], "Accept": "*/*"}
        sent = await self._execute(
            "GET",
            url,
            params=(),
            body=None,
            headers=headers,
            retry_safe=True,
            authenticate=False,
            opts=opts,
            map_error=self._presigned_error,
            idempotency_key=None,
            sink=sink,
            external=True,
        )
        if sent.streamed is None and _is_html(sent.content_type, sent.body):
            raise _decode_failure(
                sent,
                "GET",
                url,
                "expected a file, got an HTML page (in the sandbox, pre-signed file URLs can sit behind Qonto's "
                "OneLogin gate, qonto-api.md §12)",
            )
        if sink is not None:
            return await self._commit(sink, "GET", url, sent)  # type: ignore[return-value]
        if not sent.body:
            raise _decode_failure(sent, "GET", url, "expected a file, got an empty response")
        return sent.body  # type: ignore[return-value]

    @staticmethod
    async def _commit(sink: _FileSink, method: str, url: str, sent: _Sent) -> Path:
        if sent.streamed is None:
            # The body was read into memory (an HTML page the gate check let through): write it as received.
            sink.start()
            sink.write(sent.body)
        if not sink.written:
            raise _decode_failure(sent, method, url, "expected a file, got an empty response")
        return await sink.commit()

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
        body: _Body,
        headers: dict[str, str],
        retry_safe: bool,
        authenticate: bool,
        opts: RequestOptions,
        map_error: ErrorMapper,
        idempotency_key: str | None,
        sink: _FileSink | None = None,
        external: bool = False,
    ) -> _Sent:
        """``external``: the URL is not Qonto's (a pre-signed file URL): sent exactly as given, and the sandbox
        gate checks (which read an HTML answer as a missing staging token) do not apply."""
        http = self._open()
        loop = self._loop  # the running loop: _open() checked
        assert loop is not None
        policy = opts.retry
        full_timeout = opts.timeout._aiohttp()
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
                fast = FAST_HEADERS.get(type(auth))
                bound = auth.headers
                # The built-in headers(), bound to this very strategy: nothing patched over it, on the class or
                # the instance (not even another strategy's headers).
                if (
                    fast is not None
                    and getattr(bound, "__func__", None) is fast.headers
                    and getattr(bound, "__self__", None) is auth
                ):
                    current = fast.current(auth)
                    if current is None:
                        ctx = self._auth_context(method, url, attempt)
                        current = await fast.refreshed(auth, ctx)
                    auth_headers = current
                else:
                    ctx = self._auth_context(method, url, attempt)
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
            # The exchange itself, inline rather than in a coroutine of its own (see request()).
            try:
                async with http.request(
                    method,
                    URL(url, encoded=True) if external else url,
                    params=params or None,
                    data=body() if callable(body) else body,
                    headers=attempt_headers,
                    # DESIGN §6: never follow redirects; credentials must not travel to another host.
                    allow_redirects=False,
                    timeout=timeout,
                ) as resp:
                    if sink is not None and 200 <= resp.status < 300:
                        sent = await self._stream(resp, sink)
                    else:
                        sent = _Sent(resp.status, resp.headers, await resp.read())
            except (RuntimeError, TimeoutError, aiohttp.ClientError) as exc:
                failure = _transport_failure(exc, http, method, url, timeout)
                if failure is None:
                    raise
            else:
                failure = None
            if failure is not None:
                # Handled outside the except block: neither the backoff below (where a cancellation may strike) nor
                # the failure raised carries aiohttp's exception as its context.
                delay = policy.backoff(retries + 1)
                if (
                    isinstance(failure, TransportError)
                    and retry_safe
                    and policy.retry_connection_errors
                    and self._may_retry(policy, retries, started, delay)
                ):
                    retries += 1
                    _log.info("%s; retry %d in %.2fs", failure, retries, delay)
                    await self._sleep(delay)
                    continue
                raise failure from None
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
                if (
                    not external
                    and self.environment.requires_staging_token
                    and _is_html(sent.content_type, sent.body)
                ):
                    raise self._staging_error(method, url, sent, trace_id, idempotency_key)
                return sent
            if status == 401 and auth is not None and not reauthenticated:
                reauthenticated = True
                if ctx is None:
                    ctx = self._auth_context(method, url, attempt)
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

    def _auth_context(self, method: str, url: str, attempt: int) -> AuthContext:
        return AuthContext(
            method=method, url=url, attempt=attempt, environment=self.environment, token_endpoint=self
        )

    @staticmethod
    def _may_retry(policy: RetryPolicy, retries: int, started: float, delay: float) -> bool:
        if retries + 1 >= policy.max_attempts:
            return False
        spent = asyncio.get_running_loop().time() - started
        return spent + delay <= policy.total_timeout

    @staticmethod
    async def _stream(resp: aiohttp.ClientResponse, sink: _FileSink) -> _Sent:
        """A 2xx body to the sink, chunk by chunk. An HTML answer is read into memory instead, for the checks of
        :meth:`_execute` (the sandbox gate) and :meth:`_fetch_presigned` to see it."""
        content_type = resp.headers.get("Content-Type", "").lower()
        first = await resp.content.read(_CHUNK)
        if "html" in content_type or _is_html(content_type, first):
            return _Sent(resp.status, resp.headers, first + await resp.read())
        sink.start()
        if first:
            sink.write(first)
        async for chunk in resp.content.iter_chunked(_CHUNK):
            sink.write(chunk)
        return _Sent(resp.status, resp.headers, b"", streamed=sink.written)

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

    def _staging_error(
        self, method: str, url: str, sent: _Sent, trace_id: str | None, idempotency_key: str | None
    ) -> StagingTokenError:
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
            idempotency_key=idempotency_key,
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
            return self._staging_error(method, url, sent, parsed.trace_id, idempotency_key)
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
        cls = api_error_class(status, parsed.errors)
        if cls is RateLimitError:
            return RateLimitError(retry_after=parse_retry_after(sent.headers.get("Retry-After")), **common)
        return cls(**common)

    def _presigned_error(self, method: str, url: str, sent: _Sent, _key: str | None) -> Exception:
        """An error from a pre-signed file URL's host (S3-like, not Qonto): no Qonto error body to parse, and its
        body (which can echo the signature) is not kept."""
        status = sent.status
        common: dict[str, Any] = {
            "status": status,
            "method": method,
            "url": _redact_url(url),
            "trace_id": sent.headers.get(TRACE_ID_HEADER),
            "headers": sent.headers,
        }
        if 300 <= status < 400:
            location = sent.headers.get("Location", "")
            return APIError(
                message=f"the file host answered with a redirect to {_redact_url(location) if location else '?'}, "
                "which is not followed",
                **common,
            )
        if status in (400, 401, 403):
            # S3 answers 403 (sometimes 400) once a pre-signed URL has expired.
            return PermissionDeniedError(
                message="the file host refused the pre-signed URL; such URLs are valid for 30 minutes "
                "(qonto-api.md §12): fetch the attachment or statement again for a fresh one",
                **common,
            )
        cls = api_error_class(status)
        message = f"the file host answered {status}"
        if cls is RateLimitError:
            return RateLimitError(
                retry_after=parse_retry_after(sent.headers.get("Retry-After")), message=message, **common
            )
        return cls(message=message, **common)

    def _oauth_error(self, method: str, url: str, sent: _Sent, _key: str | None) -> Exception:
        status = sent.status
        parsed = parse_error_body(sent.body, content_type=sent.content_type, headers=sent.headers)
        if self._is_gate(status, parsed.is_html):
            return self._staging_error(method, url, sent, parsed.trace_id, _key)
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
