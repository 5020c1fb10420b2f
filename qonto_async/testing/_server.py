"""``FakeQonto``: a real aiohttp.web server on loopback that answers like Qonto (DESIGN §8).

One catch-all aiohttp route feeds one pipeline, in the order Qonto's layers apply: fault injection, the sandbox
gate (qonto-api.md §1.1), routing, the per-client rate limit (§6.2), authentication (§2.1, §2.2), scopes (§2.3),
then for writes the idempotency cache (§7) and SCA (§8), then the handler. Every response carries
``X-Tyk-Trace-Id`` and every error body the same ``trace_id`` (§6.1).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import itertools
import json
import random
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
from aiohttp import web
from multidict import MultiMapping

from qonto_async.auth.static import StaticKeyAuth
from qonto_async.auth.tokens import OAuthToken
from qonto_async.environments import Environment, register_environment, unregister_environment
from qonto_async.testing._data import SETTLED_OFFSET, UPDATED_OFFSET, FakeData, Selection, format_time
from qonto_async.testing._faults import Fault, FaultPlan

if TYPE_CHECKING:
    from qonto_async.testing._routes.webhooks import WebhookDelivery

__all__ = ["FakeQonto", "JournalEntry", "Quirks", "ScaSettings"]

TRACE_HEADER: Final = "X-Tyk-Trace-Id"
STAGING_HEADER: Final = "X-Qonto-Staging-Token"
IDEMPOTENCY_HEADER: Final = "X-Qonto-Idempotency-Key"
SCA_TOKEN_HEADER: Final = "X-Qonto-Sca-Session-Token"
TWO_FA_HEADER: Final = "X-Qonto-2fa-Preference"
LOGIN_PAGE: Final = "https://qonto.onelogin.com/login"
OAUTH_PREFIX: Final = "/oauth"

# Lifetimes from qonto-api.md §2.2 (code 10 min, access 1 h, refresh 90 days, 60 s rotation grace), §7 (30 min
# idempotency) and §8 (15 min SCA session).
CODE_LIFETIME: Final = timedelta(minutes=10)
REFRESH_LIFETIME: Final = timedelta(days=90)
REFRESH_GRACE: Final = timedelta(seconds=60)
IDEMPOTENCY_TTL: Final = timedelta(minutes=30)
SCA_TTL: Final = timedelta(minutes=15)

_STATUSES: Final = frozenset({"pending", "declined", "completed"})
_INCLUDES: Final = frozenset({"labels", "attachments", "vat_details"})
_SORT_FIELDS: Final = {"settled_at": SETTLED_OFFSET, "updated_at": UPDATED_OFFSET, "emitted_at": 0}
_JSON: Final = "application/json"
_HTML_GATE: Final = (
    b"<!DOCTYPE html><html><head><title>OneLogin</title></head>"
    b"<body><form action='https://qonto.onelogin.com/login'>Sign in</form></body></html>"
)
_names = itertools.count(1)
# Trace ids only need to be distinct, not secret; getrandbits is far cheaper per request than secrets.
_rng = random.Random()  # noqa: S311


def _now() -> datetime:
    return datetime.now(UTC)


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@attrs.define(kw_only=True, slots=True)
class JournalEntry:
    """One request the fake received, and the status it answered (0: the connection was cut on purpose)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    trace_id: str
    status: int | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.text, keep_blank_values=True))


@attrs.define(kw_only=True)
class Quirks:
    """Deviations some Qonto endpoints show (qonto-api.md §15), off by default."""

    omit_next_page_on_last_page: bool = False
    next_page_zero_on_last_page: bool = False


@attrs.define(kw_only=True)
class _ScaSession:
    token: str
    result: str
    created_at: datetime
    fingerprint: tuple[str, str, bytes]
    action_type: str
    used: bool = False


@attrs.define(kw_only=True)
class ScaSettings:
    """Which writes want SCA, and the sessions created so far (qonto-api.md §8).

    ``require_for`` holds ``"METHOD /path-template"`` strings, e.g. ``"POST /v2/internal_transfers"``.
    ``require_mock_in_sandbox`` reproduces the sandbox's ``428 sca_not_enrolled`` for requests without
    ``X-Qonto-2fa-Preference: mock``.
    """

    require_for: set[str] = attrs.field(factory=set)
    require_mock_in_sandbox: bool = True
    sessions: dict[str, _ScaSession] = attrs.field(factory=dict)

    def approve(self, token: str) -> None:
        """Approve a session, as the user would on their phone (or the sandbox's mocked ``/allow``)."""
        self.sessions[token].result = "allow"

    def deny(self, token: str) -> None:
        self.sessions[token].result = "deny"

    @property
    def last_token(self) -> str | None:
        return next(reversed(self.sessions), None)


# The 428's action_type per route. transfer.single.create is documented (qonto-api.md §8); the others are guesses
# in the same pattern (FakeQonto only echoes them).
_ACTION_TYPES: Final = {
    "POST /v2/internal_transfers": "transfer.internal.create",
    "POST /v2/sepa/transfers": "transfer.single.create",
    "POST /v2/sepa/bulk_transfers": "transfer.bulk.create",
    "POST /v2/sepa/recurring_transfers": "transfer.recurring.create",
    "POST /v2/international/transfers": "transfer.international.create",
    "POST /v2/bank_accounts/{id}/close": "bank_account.close",
    "POST /v2/requests/{request_type}/{id}/approve": "request.approve",
    "POST /v2/cards": "card.create",
    "POST /v2/cards/bulk": "card.bulk.create",
    "PATCH /v2/cards/{id}/limits": "card.limits.update",
}


@attrs.define(kw_only=True)
class _Principal:
    kind: Literal["key", "oauth"]
    ident: str
    scopes: frozenset[str]


@attrs.define(kw_only=True)
class _AccessToken:
    scopes: frozenset[str]
    expires_at: datetime
    revoked: bool = False


@attrs.define(kw_only=True)
class _RefreshToken:
    scopes: frozenset[str]
    expires_at: datetime
    first_used_at: datetime | None = None
    revoked: bool = False


@attrs.define(kw_only=True)
class _Code:
    scopes: frozenset[str]
    redirect_uri: str
    expires_at: datetime
    code_challenge: str | None = None
    used: bool = False


@attrs.define(kw_only=True)
class _Cached:
    status: int
    body: bytes
    created_at: datetime


class _Reject(Exception):
    """Raised inside the pipeline to answer with ``response`` at once."""

    def __init__(self, response: web.StreamResponse) -> None:
        self.response = response


class _Ctx:
    __slots__ = ("body", "cut", "method", "params", "path", "principal", "query", "request", "trace")

    def __init__(self, request: web.Request, trace: str, body: bytes) -> None:
        self.request = request
        self.trace = trace
        self.body = body
        self.method = request.method
        self.path = request.path
        self.query: MultiMapping[str] = request.query
        self.params: dict[str, str] = {}
        self.principal: _Principal | None = None
        # Set when a fault closed the connection on purpose: the journal then records status 0.
        self.cut = False


Handler = Callable[["FakeQonto", _Ctx], Awaitable[web.StreamResponse]]


@attrs.frozen
class _Route:
    method: str
    template: str
    handler: Handler
    # None: no credential needed (OAuth endpoints). "" : any authenticated principal.
    scope: str | None
    api_key: bool
    write: bool = False
    idempotency_required: bool = False
    sandbox_only: bool = False
    parts: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.template.split("/")))

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    def match(self, method: str, parts: list[str]) -> dict[str, str] | None:
        if method != self.method or len(parts) != len(self.parts):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.parts, parts, strict=True):
            if want.startswith("{"):
                if not got:
                    return None
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params


class FakeQonto:
    """A local Qonto: ``async with FakeQonto() as fake: ...`` (or ``await fake.start()`` / ``await fake.stop()``).

    On start it listens on 127.0.0.1 (a free port unless ``port`` is given) and registers a unique
    :class:`~qonto_async.Environment` (``fake.environment``) whose OAuth base is ``/oauth`` on the same server.
    ``sandbox=True`` puts it behind the staging-token gate (pass ``staging_token=fake.staging_token`` to the
    client); ``sandbox=False`` behaves like production and refuses the staging-token header.

    Time (token expiry, the refresh grace period, the idempotency cache, SCA sessions, rate-limit windows) runs
    on ``fake.clock``: real time plus whatever ``fake.advance(seconds)`` added, or the ``clock`` given.
    """

    def __init__(
        self,
        *,
        sandbox: bool = True,
        transactions_per_account: int = 250,
        seed: int = 0,
        clock: Callable[[], datetime] | None = None,
        rate_limit: int | None = 1000,
        rate_window: float = 10.0,
        rate_limit_by: Literal["ip", "credential"] = "ip",
        rate_limit_retry_after: bool = True,
        html_gate: bool = False,
        quirks: Quirks | None = None,
        accounts: int = 3,
        access_token_lifetime: int = 3600,
        journal: bool = True,
        port: int = 0,
    ) -> None:
        if rate_limit is not None and rate_limit < 1:
            raise ValueError("rate_limit must be >= 1, or None for no limit")
        if rate_window <= 0:
            raise ValueError("rate_window must be > 0 seconds")
        self.sandbox = sandbox
        self.data = FakeData(seed=seed, transactions_per_account=transactions_per_account, accounts=accounts)
        self._base_clock: Callable[[], datetime] = clock if clock is not None else _now
        self._offset = timedelta(0)
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.rate_limit_by = rate_limit_by
        self.rate_limit_retry_after = rate_limit_retry_after
        self.html_gate = html_gate
        self.quirks = quirks if quirks is not None else Quirks()
        self.access_token_lifetime = access_token_lifetime
        self.record_journal = journal
        self.sca = ScaSettings()
        self.faults = FaultPlan()
        self.journal: list[JournalEntry] = []
        self.internal_errors: list[BaseException] = []
        self.token_calls: Counter[str] = Counter()
        self.side_effects: Counter[str] = Counter()
        self.internal_transfers: list[dict[str, Any]] = []
        digest = hashlib.sha256(f"fake-qonto-oauth-{seed}".encode()).hexdigest()
        self.client_id = f"fake-client-{digest[:12]}"
        self.client_secret = digest[12:44]
        self._staging_token = f"fake-staging-{digest[44:64]}"
        self._access: dict[str, _AccessToken] = {}
        self._refresh: dict[str, _RefreshToken] = {}
        self._codes: dict[str, _Code] = {}
        self._idempotency: dict[tuple[str, str], _Cached] = {}
        self._windows: dict[str, list[float]] = {}
        self._port = port
        self._runner: web.AppRunner | None = None
        self._environment: Environment | None = None
        self._exact: dict[tuple[str, str], _Route] = {}
        self._templated: list[_Route] = []
        # Qonto's endpoints grouped by API section live in ``qonto_async.testing._routes`` (one module a group, each
        # exporting ``ROUTES``); their per-fake state goes in ``self.stores`` under the module's name.
        self.stores: dict[str, Any] = {}
        seen: set[str] = set()
        for route in (*_ROUTES, *_group_routes()):
            if route.name in seen:
                raise RuntimeError(f"FakeQonto bug: {route.name} is routed twice")
            seen.add(route.name)
            if "{" in route.template:
                self._templated.append(route)
            else:
                self._exact[(route.method, route.template)] = route
        self._org_bodies = {
            flag: _dumps(self.data.organization(include_external_accounts=flag)) for flag in (False, True)
        }
        self._account_bodies = {acc["id"]: _dumps({"bank_account": acc}) for acc in self.data.bank_accounts}

    # -- lifecycle ----------------------------------------------------------------------------------------------

    async def start(self) -> FakeQonto:
        if self._runner is not None:
            return self
        # Qonto takes bulk uploads of up to 15 MB in one request (qonto-api.md §12).
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A delay fault must not hold up stop() for its whole length: in-flight handlers get 0.25 s, then are
        # cancelled.
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.25)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}"
        self._environment = register_environment(
            Environment(
                name=f"fake-qonto-{port}-{next(_names)}",
                api_url=base,
                oauth_url=base + OAUTH_PREFIX,
                requires_staging_token=self.sandbox,
            )
        )
        return self

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        env, self._environment = self._environment, None
        if env is not None:
            unregister_environment(env.name)
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeQonto:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def environment(self) -> Environment:
        """The registered environment pointing at this server (only while it runs)."""
        if self._environment is None:
            raise RuntimeError("FakeQonto is not running: use 'async with FakeQonto() as fake' or await start()")
        return self._environment

    @property
    def url(self) -> str:
        return self.environment.api_url

    @property
    def staging_token(self) -> str | None:
        """The token the sandbox gate wants; None in production-like mode."""
        return self._staging_token if self.sandbox else None

    # -- clock --------------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._base_clock() + self._offset

    @property
    def clock(self) -> Callable[[], datetime]:
        """The fake's clock, e.g. for ``OAuthBearerAuth(clock=fake.clock)`` so both sides agree on expiry."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (tokens expire, grace periods end, caches and windows roll over)."""
        self._offset += timedelta(seconds=seconds)

    # -- credentials --------------------------------------------------------------------------------------------

    @property
    def login(self) -> str:
        return self.data.login

    @property
    def secret_key(self) -> str:
        return self.data.secret_key

    def static_key_auth(self) -> StaticKeyAuth:
        """A working API key (qonto-api.md §2.1)."""
        return StaticKeyAuth(login=self.data.login, secret_key=self.data.secret_key)

    def oauth_client(self) -> tuple[str, str]:
        """(client_id, client_secret) of the one OAuth app the fake knows."""
        return self.client_id, self.client_secret

    def issue_token(
        self, *, scopes: Iterable[str] = ("offline_access", "organization.read"), expires_in: int | None = None
    ) -> OAuthToken:
        """A fresh token pair, as if the user had just authorized (refresh token with ``offline_access``)."""
        payload = self._issue(frozenset(scopes), expires_in)
        return OAuthToken.from_token_response(payload, now=self.now())

    def authorization_code(
        self,
        *,
        scopes: Iterable[str] = ("offline_access", "organization.read"),
        redirect_uri: str = "http://127.0.0.1/callback",
        code_challenge: str | None = None,
    ) -> str:
        """A code for the authorization-code grant (valid 10 minutes, single use)."""
        code = "ory_ac_" + secrets.token_urlsafe(24)
        self._codes[code] = _Code(
            scopes=frozenset(scopes),
            redirect_uri=redirect_uri,
            expires_at=self.now() + CODE_LIFETIME,
            code_challenge=code_challenge,
        )
        return code

    async def deliver_webhook(self, url: str | None = None, **options: Any) -> WebhookDelivery:
        """POST one signed webhook delivery to ``url``, as Qonto does; see :func:`qonto_async.testing.deliver_webhook`."""
        from qonto_async.testing._routes.webhooks import deliver_webhook

        return await deliver_webhook(self, url, **options)

    async def broadcast_webhook(self, **options: Any) -> list[WebhookDelivery]:
        """Deliver one event to every subscription listing its type; see :func:`qonto_async.testing.broadcast_webhook`."""
        from qonto_async.testing._routes.webhooks import broadcast_webhook

        return await broadcast_webhook(self, **options)

    def revoke_tokens(self) -> None:
        """Revoke every token, as ``DELETE /v2/oauth2/consents`` or the user's own revocation does."""
        for at in self._access.values():
            at.revoked = True
        for rt in self._refresh.values():
            rt.revoked = True

    def _issue(self, scopes: frozenset[str], expires_in: int | None = None) -> dict[str, Any]:
        lifetime = self.access_token_lifetime if expires_in is None else expires_in
        now = self.now()
        access = "ory_at_" + secrets.token_urlsafe(24)
        self._access[access] = _AccessToken(scopes=scopes, expires_at=now + timedelta(seconds=lifetime))
        payload: dict[str, Any] = {
            "access_token": access,
            "expires_in": lifetime,
            "scope": " ".join(sorted(scopes)),
            "token_type": "bearer",
        }
        if "offline_access" in scopes:
            refresh = "ory_rt_" + secrets.token_urlsafe(24)
            self._refresh[refresh] = _RefreshToken(scopes=scopes, expires_at=now + REFRESH_LIFETIME)
            payload["refresh_token"] = refresh
        if "openid" in scopes:
            payload["id_token"] = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0."
        return payload

    # -- journal ------------------------------------------------------------------------------------------------

    def _matching(self, method: str | None, path: str | None) -> Iterable[JournalEntry]:
        want = method.upper() if method else None
        return (e for e in self.journal if (want is None or e.method == want) and (path is None or e.path == path))

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests (of this method, to this path) the fake received."""
        return sum(1 for _ in self._matching(method, path))

    def last(self, method: str | None = None, path: str | None = None) -> JournalEntry | None:
        found = None
        for found in self._matching(method, path):  # noqa: B007 - the last match is what we want
            pass
        return found

    def requests(self, method: str | None = None, path: str | None = None) -> list[JournalEntry]:
        return list(self._matching(method, path))

    def reset_journal(self) -> None:
        self.journal.clear()

    # -- responses ----------------------------------------------------------------------------------------------

    @staticmethod
    def _json(status: int, payload: Any, trace: str, headers: Mapping[str, str] | None = None) -> web.Response:
        hdrs = {TRACE_HEADER: trace}
        if headers:
            hdrs.update(headers)
        return web.Response(status=status, body=_dumps(payload), content_type=_JSON, headers=hdrs)

    @classmethod
    def _error(
        cls,
        status: int,
        code: str,
        detail: str,
        trace: str,
        *,
        source: dict[str, str] | None = None,
        key: str = "detail",
        headers: Mapping[str, str] | None = None,
    ) -> web.Response:
        # qonto-api.md §6.1: JSON:API-like items; a few endpoints say "message" instead of "detail".
        item: dict[str, Any] = {"code": code, key: detail}
        if source is not None:
            item["source"] = source
        return cls._json(status, {"errors": [item], "trace_id": trace}, trace, headers)

    # -- the pipeline -------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        trace = f"{_rng.getrandbits(128):032x}"
        try:
            body = await request.read() if request.body_exists else b""
        except web.HTTPRequestEntityTooLarge:
            return self._error(413, "payload_too_large", "The request body is too large", trace)
        ctx = _Ctx(request, trace, body)
        entry = None
        if self.record_journal:
            entry = JournalEntry(
                method=ctx.method,
                path=ctx.path,
                query=list(ctx.query.items()),
                headers=dict(request.headers),
                body=body,
                trace_id=trace,
            )
            self.journal.append(entry)
        try:
            response = await self._serve(ctx)
        except _Reject as reject:
            response = reject.response
        except Exception as exc:
            # The fake must never be the one failing: record it so tests can assert internal_errors == [].
            self.internal_errors.append(exc)
            response = self._error(500, "internal_server_error", f"FakeQonto bug: {type(exc).__name__}", trace)
        if entry is not None:
            entry.status = 0 if ctx.cut else response.status
        return response

    async def _serve(self, ctx: _Ctx) -> web.StreamResponse:
        if self.faults._queue:
            fault = self.faults.take(ctx.method, ctx.path)
            if fault is not None:
                faulted = await self._apply_fault(ctx, fault)
                if faulted is not None:
                    return faulted
        self._gate(ctx)
        route = self._route(ctx)
        if route is None:
            return self._error(404, "not_found", f"No route matches {ctx.method} {ctx.path}", ctx.trace)
        if route.sandbox_only and not self.sandbox:
            return self._error(404, "not_found", "Mocked SCA sessions only exist in the sandbox", ctx.trace)
        if self.rate_limit is not None:
            self._rate_limit(ctx)
        if route.scope is not None:
            principal = self._authenticate(ctx)
            ctx.principal = principal
            self._authorize(ctx, route, principal)
        if route.write:
            return await self._write(ctx, route)
        return await route.handler(self, ctx)

    async def _apply_fault(self, ctx: _Ctx, fault: Fault) -> web.StreamResponse | None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        request = ctx.request
        if fault.reset:
            if fault.reset == "after_headers":
                response = web.StreamResponse(status=200, headers={TRACE_HEADER: ctx.trace})
                response.content_type = _JSON
                response.content_length = 1024
                await response.prepare(request)
                self._close(ctx)
                return response
            self._close(ctx)
            # Nothing reaches the client: aiohttp finds the transport closed and drops this response.
            return web.Response(status=200, headers={TRACE_HEADER: ctx.trace})
        if fault.truncate:
            payload = b'{"organization":{"id":"truncated","name":"This body is cut sh'
            response = web.StreamResponse(status=200, headers={TRACE_HEADER: ctx.trace})
            response.content_type = _JSON
            response.content_length = len(payload) * 4
            await response.prepare(request)
            await response.write(payload)
            self._close(ctx)
            return response
        if fault.malformed:
            return web.Response(
                status=200,
                body=b'{"oops": this is not json',
                content_type=_JSON,
                headers={TRACE_HEADER: ctx.trace},
            )
        if fault.status is not None:
            headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            code = {429: "too_many_requests", 503: "service_unavailable"}.get(fault.status, "injected_fault")
            return self._error(fault.status, code, "Injected by FakeQonto.faults", ctx.trace, headers=headers)
        return None

    @staticmethod
    def _close(ctx: _Ctx) -> None:
        ctx.cut = True
        transport = ctx.request.transport
        if transport is not None:
            transport.abort()

    def _gate(self, ctx: _Ctx) -> None:
        token = ctx.request.headers.get(STAGING_HEADER)
        if self.sandbox:
            if token is None or token != self._staging_token:
                # qonto-api.md §1.1: the OneLogin gate answers a 302 to its login page, or that page with a 200.
                if self.html_gate:
                    raise _Reject(
                        web.Response(
                            status=200,
                            body=_HTML_GATE,
                            content_type="text/html",
                            headers={TRACE_HEADER: ctx.trace},
                        )
                    )
                raise _Reject(web.Response(status=302, headers={"Location": LOGIN_PAGE, TRACE_HEADER: ctx.trace}))
        elif token is not None:
            # qonto-api.md §1.1: production does not accept the staging token.
            raise _Reject(
                self._error(
                    400,
                    "staging_token_not_allowed",
                    "X-Qonto-Staging-Token is only accepted by the sandbox",
                    ctx.trace,
                    source={"header": STAGING_HEADER},
                )
            )

    def _route(self, ctx: _Ctx) -> _Route | None:
        route = self._exact.get((ctx.method, ctx.path))
        if route is not None:
            return route
        parts = ctx.path.split("/")
        for candidate in self._templated:
            params = candidate.match(ctx.method, parts)
            if params is not None:
                ctx.params = params
                return candidate
        return None

    def _rate_limit(self, ctx: _Ctx) -> None:
        if self.rate_limit_by == "credential":
            headers = ctx.request.headers
            key = headers.get("Authorization") or ctx.request.remote or "?"
        else:
            key = ctx.request.remote or "?"
        now = self.now().timestamp()
        window = self._windows.get(key)
        if window is None or now >= window[0] + self.rate_window:
            self._windows[key] = [now, 1.0]
            return
        window[1] += 1
        assert self.rate_limit is not None
        if window[1] > self.rate_limit:
            retry: dict[str, str] = {}
            if self.rate_limit_retry_after:
                retry["Retry-After"] = str(max(1, int(window[0] + self.rate_window - now + 0.999)))
            raise _Reject(
                self._error(
                    429,
                    "too_many_requests",
                    f"Rate limit of {self.rate_limit} requests per {self.rate_window:g} s exceeded",
                    ctx.trace,
                    headers=retry,
                )
            )

    # -- authentication (qonto-api.md §2.1, §2.2) ---------------------------------------------------------------

    def _unauthorized(self, ctx: _Ctx, detail: str) -> _Reject:
        return _Reject(self._error(401, "unauthorized", detail, ctx.trace))

    def _authenticate(self, ctx: _Ctx) -> _Principal:
        value = ctx.request.headers.get("Authorization")
        if value is None or value == "":
            raise self._unauthorized(ctx, "The Authorization header is missing")
        expected = f"{self.data.login}:{self.data.secret_key}"
        if value == expected:
            return _Principal(kind="key", ident="key:" + self.data.login, scopes=frozenset())
        scheme, _, rest = value.partition(" ")
        lowered = scheme.lower()
        if lowered == "bearer":
            token = self._access.get(rest)
            if token is not None:
                if token.revoked:
                    raise self._unauthorized(ctx, "The access token was revoked")
                if self.now() >= token.expires_at:
                    raise self._unauthorized(ctx, "The access token expired")
                return _Principal(kind="oauth", ident="oauth:" + self.client_id, scopes=token.scopes)
            if rest == expected:
                raise self._unauthorized(
                    ctx, "An API key must not be prefixed with 'Bearer ': send 'login:secret-key' as is"
                )
            raise self._unauthorized(ctx, "The access token is invalid")
        if lowered == "basic":
            raise self._unauthorized(
                ctx,
                "The API key is not HTTP Basic auth: no 'Basic ' prefix and no base64, send 'login:secret-key'",
            )
        if any(ch.isspace() for ch in value):
            raise self._unauthorized(ctx, "The API key contains whitespace; remove it")
        if ":" not in value:
            if self._is_base64_of(value, expected):
                raise self._unauthorized(ctx, "The API key must not be base64-encoded: send 'login:secret-key'")
            raise self._unauthorized(ctx, "The API key must be 'login:secret-key', with a colon between the two")
        login, _, secret = value.partition(":")
        if login == self.data.secret_key and secret == self.data.login:
            raise self._unauthorized(ctx, "The login and the secret key are swapped: send 'login:secret-key'")
        if login == self.data.login:
            raise self._unauthorized(ctx, "The secret key is wrong for this login (was it regenerated?)")
        raise self._unauthorized(ctx, "No organization has this login")

    @staticmethod
    def _is_base64_of(value: str, expected: str) -> bool:
        padded = value + "=" * (-len(value) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                text = decode(padded).decode("utf-8")
            except (binascii.Error, ValueError):
                continue
            if text.rstrip("\r\n") == expected:
                return True
        return False

    def _authorize(self, ctx: _Ctx, route: _Route, principal: _Principal) -> None:
        if principal.kind == "key":
            if not route.api_key:
                raise _Reject(
                    self._error(
                        403, "forbidden", f"{route.name} requires OAuth; an API key cannot reach it", ctx.trace
                    )
                )
            return
        if route.scope and route.scope not in principal.scopes:
            raise _Reject(
                self._error(403, "forbidden", f"The access token lacks the '{route.scope}' scope", ctx.trace)
            )

    # -- writes: idempotency (qonto-api.md §7) and SCA (§8) -----------------------------------------------------

    async def _write(self, ctx: _Ctx, route: _Route) -> web.StreamResponse:
        key = ctx.request.headers.get(IDEMPOTENCY_HEADER)
        if key is None and route.idempotency_required:
            return self._error(
                422,
                "idempotency_key_missing",
                f"The {IDEMPOTENCY_HEADER} header is required on this endpoint",
                ctx.trace,
                source={"header": IDEMPOTENCY_HEADER},
            )
        assert ctx.principal is not None
        cache_key = (ctx.principal.ident, key) if key else None
        now = self.now()
        if cache_key is not None:
            cached = self._idempotency.get(cache_key)
            if cached is not None:
                if now - cached.created_at <= IDEMPOTENCY_TTL:
                    # Replayed even if the body differs: that is how Qonto behaves (qonto-api.md §7, §15).
                    return web.Response(
                        status=cached.status,
                        body=cached.body,
                        content_type=_JSON,
                        headers={TRACE_HEADER: ctx.trace},
                    )
                del self._idempotency[cache_key]
        session = None
        if route.name in self.sca.require_for:
            session = self._sca_check(ctx, route)
        response = await route.handler(self, ctx)
        if 200 <= response.status < 300:
            if session is not None:
                session.used = True  # single use (qonto-api.md §8)
            self.side_effects[key or ""] += 1
            if cache_key is not None and isinstance(response, web.Response) and response.body is not None:
                body = response.body if isinstance(response.body, bytes) else b""
                self._idempotency[cache_key] = _Cached(status=response.status, body=body, created_at=now)
        return response

    def _sca_check(self, ctx: _Ctx, route: _Route) -> _ScaSession:
        headers = ctx.request.headers
        token = headers.get(SCA_TOKEN_HEADER)
        fingerprint = (ctx.method, ctx.path, ctx.body)
        now = self.now()
        if token is None:
            if self.sandbox and self.sca.require_mock_in_sandbox and headers.get(TWO_FA_HEADER) != "mock":
                raise _Reject(
                    self._json(
                        428,
                        {
                            "code": "sca_not_enrolled",
                            "message": "You must enable SCA to perform this action",
                            "trace_id": ctx.trace,
                        },
                        ctx.trace,
                    )
                )
            new = "sca_" + secrets.token_hex(16)
            action = _ACTION_TYPES.get(route.name, "sensitive_action")
            self.sca.sessions[new] = _ScaSession(
                token=new, result="waiting", created_at=now, fingerprint=fingerprint, action_type=action
            )
            raise _Reject(
                self._json(
                    428,
                    {
                        "code": "sca_required",
                        "message": "SCA required",
                        "sca_session_token": new,
                        "action_type": action,
                        "trace_id": ctx.trace,
                    },
                    ctx.trace,
                )
            )
        session = self.sca.sessions.get(token)
        if session is None or session.used or now - session.created_at > SCA_TTL or session.result != "allow":
            raise _Reject(
                self._json(
                    412,
                    {
                        "message": "Invalid SCA session token",
                        "code": "invalid_sca_session_token",
                        "trace_id": ctx.trace,
                    },
                    ctx.trace,
                )
            )
        if session.fingerprint != fingerprint:
            # qonto-api.md §8: an approved token replayed on a different request.
            raise _Reject(self._json(422, {"errors": {"message": "Not found"}, "trace_id": ctx.trace}, ctx.trace))
        return session

    def _sca_result(self, session: _ScaSession) -> str:
        # qonto-api.md §8: "deny" also covers a session older than 15 minutes.
        if session.result == "waiting" and self.now() - session.created_at > SCA_TTL:
            return "deny"
        return session.result

    # -- query parsing ------------------------------------------------------------------------------------------

    def _paging(self, ctx: _Ctx) -> tuple[int, int]:
        query = ctx.query
        raw_page = query.get("page")
        raw_per_page = query.get("per_page")
        page = per_page = 0
        if raw_page is None:
            page = 1
        elif raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 10:
            page = int(raw_page)
        if page < 1:
            raise _Reject(
                self._error(
                    400,
                    "invalid_parameter",
                    "page must be an integer >= 1",
                    ctx.trace,
                    source={"parameter": "page"},
                )
            )
        if raw_per_page is None:
            per_page = 100
        elif raw_per_page.isascii() and raw_per_page.isdigit() and len(raw_per_page) < 10:
            per_page = int(raw_per_page)
        if not 1 <= per_page <= 100:
            # qonto-api.md §4: per_page runs from 1 to 100.
            raise _Reject(
                self._error(
                    422,
                    "invalid_parameter",
                    "per_page must be an integer between 1 and 100",
                    ctx.trace,
                    source={"parameter": "per_page"},
                )
            )
        return page, per_page

    def _meta(self, page: int, per_page: int, total: int) -> dict[str, Any]:
        total_pages = -(-total // per_page)
        meta: dict[str, Any] = {
            "current_page": page,
            "next_page": page + 1 if page < total_pages else None,
            "prev_page": page - 1 if page > 1 else None,
            "total_pages": total_pages,
            "total_count": total,
            "per_page": per_page,
        }
        if meta["next_page"] is None:
            if self.quirks.omit_next_page_on_last_page:
                del meta["next_page"]
            elif self.quirks.next_page_zero_on_last_page:
                meta["next_page"] = 0
        return meta

    def _list(self, ctx: _Ctx, key: str, items: list[dict[str, Any]]) -> web.Response:
        page, per_page = self._paging(ctx)
        start = (page - 1) * per_page
        return self._json(
            200, {key: items[start : start + per_page], "meta": self._meta(page, per_page, len(items))}, ctx.trace
        )

    def _bad(self, ctx: _Ctx, code: str, message: str, parameter: str) -> _Reject:
        # qonto-api.md §5: the transactions filters answer 400 with items that carry "message".
        return _Reject(self._error(400, code, message, ctx.trace, source={"parameter": parameter}, key="message"))

    def _datetime(self, ctx: _Ctx, name: str) -> datetime | None:
        raw = ctx.query.get(name)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or "T" not in raw:
            raise self._bad(
                ctx,
                "date_invalid",
                f"The datetime in {name} param isn't well formatted (ISO 8601), e.g. 2019-01-10T11:47:53.123Z",
                name,
            )
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def _includes(self, ctx: _Ctx) -> frozenset[str]:
        values = ctx.query.getall("includes[]", ())
        unknown = [v for v in values if v not in _INCLUDES]
        if unknown:
            raise self._bad(
                ctx, "includes_invalid", f"includes[] accepts {', '.join(sorted(_INCLUDES))}", "includes[]"
            )
        return frozenset(values)

    # -- handlers -----------------------------------------------------------------------------------------------

    async def _get_organization(self, ctx: _Ctx) -> web.StreamResponse:
        raw = ctx.query.get("include_external_accounts")
        if raw not in (None, "true", "false"):
            return self._error(
                400,
                "invalid_parameter",
                "include_external_accounts must be true or false",
                ctx.trace,
                source={"parameter": "include_external_accounts"},
            )
        return web.Response(
            status=200, body=self._org_bodies[raw == "true"], content_type=_JSON, headers={TRACE_HEADER: ctx.trace}
        )

    async def _list_bank_accounts(self, ctx: _Ctx) -> web.StreamResponse:
        # Accounts created, renamed or closed through _routes/bank_accounts_write.py (its store, once used).
        writes = self.stores.get("bank_accounts_write")
        accounts = self.data.bank_accounts if writes is None else writes.accounts(self)
        return self._list(ctx, "bank_accounts", accounts)

    async def _get_bank_account(self, ctx: _Ctx) -> web.StreamResponse:
        writes = self.stores.get("bank_accounts_write")
        if writes is not None:
            account = writes.account(self, ctx.params["id"])
            if account is None:
                return self._error(404, "not_found", "Business account not found", ctx.trace)
            return self._json(200, {"bank_account": account}, ctx.trace)
        body = self._account_bodies.get(ctx.params["id"])
        if body is None:
            return self._error(404, "not_found", "Business account not found", ctx.trace)
        return web.Response(status=200, body=body, content_type=_JSON, headers={TRACE_HEADER: ctx.trace})

    async def _list_transactions(self, ctx: _Ctx) -> web.StreamResponse:
        query = ctx.query
        account_id, iban = query.get("bank_account_id"), query.get("iban")
        if account_id is None and iban is None:
            return self._error(
                422,
                "missing_parameter",
                "bank_account_id or iban is required",
                ctx.trace,
                source={"parameter": "bank_account_id"},
            )
        account = self.data.account_index(account_id, iban)
        if account is None:
            return self._error(404, "not_found", "Bank account not found", ctx.trace)
        statuses = query.getall("status[]", ["completed"])  # qonto-api.md §5: completed only by default
        if any(s not in _STATUSES for s in statuses):
            raise self._bad(ctx, "status_invalid", "status[] accepts pending, declined and completed", "status[]")
        side = query.get("side")
        if side is not None and side not in ("credit", "debit"):
            raise self._bad(ctx, "side_invalid", "side must be credit or debit", "side")
        raw_attachments = query.get("with_attachments")
        if raw_attachments not in (None, "true", "false"):
            raise self._bad(
                ctx, "with_attachments_invalid", "with_attachments must be true or false", "with_attachments"
            )
        sort_by = query.get("sort_by", "settled_at:desc")
        field, _, order = sort_by.partition(":")
        if field not in _SORT_FIELDS or order not in ("asc", "desc"):
            raise self._bad(
                ctx,
                "sort_invalid",
                "sort_by must be updated_at, settled_at or emitted_at, then :asc or :desc",
                "sort_by",
            )
        includes = self._includes(ctx)
        operations = query.getall("operation_type[]", None)
        lo, hi = 0, self.data.transactions_per_account
        settled = False
        for name, offset in _SORT_FIELDS.items():
            start, stop = self.data.index_range(
                offset, self._datetime(ctx, f"{name}_from"), self._datetime(ctx, f"{name}_to")
            )
            if (start, stop) != (0, self.data.transactions_per_account) and name == "settled_at":
                settled = True
            lo, hi = max(lo, start), min(hi, stop)
        if settled:
            # Only completed transactions have a settled_at to filter on.
            statuses = [s for s in statuses if s == "completed"]
        residues = self.data.residues(
            statuses=statuses,
            side=side,
            operation_types=operations,
            with_attachments=None if raw_attachments is None else raw_attachments == "true",
        )
        page, per_page = self._paging(ctx)
        selection = Selection(residues, lo, hi)
        first = (page - 1) * per_page
        last = min(first + per_page, selection.count)
        ascending = order == "asc"
        items = [
            self.data.transaction(account, selection.nth(k, ascending=ascending), includes)
            for k in range(first, last)
        ]
        return self._json(
            200, {"transactions": items, "meta": self._meta(page, per_page, selection.count)}, ctx.trace
        )

    async def _get_transaction(self, ctx: _Ctx) -> web.StreamResponse:
        found = self.data.parse_id(ctx.params["id"])
        if found is None:
            # qonto-api.md §6.1: the OpenAPI document has this 404 as an empty text/plain body.
            return web.Response(status=404, body=b"", content_type="text/plain", headers={TRACE_HEADER: ctx.trace})
        includes = self._includes(ctx)
        transaction = self.data.transaction(*found, includes)
        uploads = self.stores.get("attachments_write")
        if uploads is not None:
            # Attachments uploaded or removed through _routes/attachments_write.py.
            seeded = [self.data.attachment(*found)] if transaction["attachment_ids"] else []
            current = uploads.for_transaction(self, ctx.params["id"], seeded)
            transaction["attachment_ids"] = [a["id"] for a in current]
            if "attachments" in includes:
                transaction["attachments"] = current
        return self._json(200, {"transaction": transaction}, ctx.trace)

    async def _list_labels(self, ctx: _Ctx) -> web.StreamResponse:
        return self._list(ctx, "labels", self.data.labels)

    async def _get_label(self, ctx: _Ctx) -> web.StreamResponse:
        for label in self.data.labels:
            if label["id"] == ctx.params["id"]:
                return self._json(200, {"label": label}, ctx.trace)
        return self._error(404, "not_found", "Label not found", ctx.trace)

    async def _list_memberships(self, ctx: _Ctx) -> web.StreamResponse:
        return self._list(ctx, "memberships", self.data.memberships)

    async def _get_current_membership(self, ctx: _Ctx) -> web.StreamResponse:
        return self._json(200, {"membership": self.data.current_membership}, ctx.trace)

    async def _list_statements(self, ctx: _Ctx) -> web.StreamResponse:
        query = ctx.query
        account_ids = query.getall("bank_account_ids[]", ())
        ibans = query.getall("ibans[]", ())
        if account_ids and ibans:
            # The Postman description: the two filters are mutually exclusive.
            raise self._bad(
                ctx, "invalid_parameter", "ibans and bank_account_ids cannot be used together", "ibans"
            )
        if ibans:
            accounts = [self.data.account_by_iban(iban) for iban in ibans]
            account_ids = [acc["id"] for acc in accounts if acc is not None]
        selected = [
            s for s in self.data.statements if not (account_ids or ibans) or s["bank_account_id"] in account_ids
        ]

        def month(name: str) -> tuple[int, int] | None:
            raw = query.get(name)
            if raw is None:
                return None
            try:
                parsed = date.fromisoformat(raw[:10])
            except ValueError:
                raise self._bad(ctx, "invalid_parameter", f"{name} must be an ISO 8601 date", name) from None
            return parsed.year, parsed.month

        def key(statement: dict[str, Any]) -> tuple[int, int]:
            mm, yyyy = statement["period"].split("-")
            return int(yyyy), int(mm)

        low, high = month("period_from"), month("period_to")
        selected = [s for s in selected if (low is None or key(s) >= low) and (high is None or key(s) <= high)]
        sort_by = query.get("sort_by", "period:desc")
        if sort_by not in ("period:asc", "period:desc"):
            raise self._bad(ctx, "invalid_parameter", "sort_by must be period:asc or period:desc", "sort_by")
        selected.sort(key=lambda s: (key(s), s["id"]), reverse=sort_by == "period:desc")
        return self._list(ctx, "statements", selected)

    async def _get_statement(self, ctx: _Ctx) -> web.StreamResponse:
        for statement in self.data.statements:
            if statement["id"] == ctx.params["id"]:
                return self._json(200, {"statement": statement}, ctx.trace)
        return self._error(404, "not_found", "Statement not found", ctx.trace)

    async def _get_attachment(self, ctx: _Ctx) -> web.StreamResponse:
        uploads = self.stores.get("attachments_write")
        if uploads is not None:
            # Uploads (and removals) made through _routes/attachments_write.py.
            uploaded = uploads.attachment(self, ctx.params["id"])
            if uploaded is not None:
                return self._json(200, {"attachment": uploaded}, ctx.trace)
            if uploads.is_removed(ctx.params["id"]):
                return self._error(404, "not_found", "Attachment not found", ctx.trace)
        found = self.data.parse_id(ctx.params["id"], kind="a000")
        if found is None or not self.data.transaction(*found)["attachment_ids"]:
            return self._error(404, "not_found", "Attachment not found", ctx.trace)
        return self._json(200, {"attachment": self.data.attachment(*found)}, ctx.trace)

    async def _list_transaction_attachments(self, ctx: _Ctx) -> web.StreamResponse:
        found = self.data.parse_id(ctx.params["id"])
        if found is None:
            return self._error(404, "not_found", "Transaction not found", ctx.trace)
        attached = bool(self.data.transaction(*found)["attachment_ids"])
        items = [self.data.attachment(*found)] if attached else []
        uploads = self.stores.get("attachments_write")
        if uploads is not None:
            items = uploads.for_transaction(self, ctx.params["id"], items)
        return self._list(ctx, "attachments", items)

    def _choices(self, ctx: _Ctx, name: str, allowed: tuple[str, ...], *, bare: bool = False) -> list[str]:
        # Rails reads ``name[]`` (and a lone ``name``) as the same array parameter; ``bare`` endpoints (SEPA
        # beneficiaries, per the official collection) read only the repeated bare key.
        values = list(ctx.query.getall(name, ()))
        if not bare:
            values = [*ctx.query.getall(f"{name}[]", ()), *values]
        if allowed and any(v not in allowed for v in values):
            raise self._bad(ctx, "invalid_parameter", f"{name} accepts {', '.join(allowed)}", f"{name}[]")
        return values

    def _sorted(
        self, ctx: _Ctx, items: list[dict[str, Any]], fields: tuple[str, ...], default: str
    ) -> list[dict[str, Any]]:
        sort_by = ctx.query.get("sort_by", default)
        field, _, order = sort_by.partition(":")
        if field not in fields or order not in ("asc", "desc"):
            raise self._bad(
                ctx, "invalid_parameter", f"sort_by must be one of {fields} with :asc or :desc", "sort_by"
            )
        return sorted(items, key=lambda item: (item[field] or "", item["id"]), reverse=order == "desc")

    async def _list_beneficiaries(self, ctx: _Ctx) -> web.StreamResponse:
        ibans = self._choices(ctx, "iban", (), bare=True)
        statuses = self._choices(ctx, "status", ("pending", "validated", "declined"), bare=True)
        trusted = ctx.query.get("trusted")
        if trusted not in (None, "true", "false"):
            raise self._bad(ctx, "invalid_parameter", "trusted must be true or false", "trusted")
        selected = [
            b
            for b in self.data.beneficiaries
            if (not ibans or b["iban"] in ibans)
            and (not statuses or b["status"] in statuses)
            and (trusted is None or b["trusted"] == (trusted == "true"))
        ]
        selected = self._sorted(ctx, selected, ("updated_at", "created_at"), "updated_at:desc")
        return self._list(ctx, "beneficiaries", selected)

    async def _get_beneficiary(self, ctx: _Ctx) -> web.StreamResponse:
        for beneficiary in self.data.beneficiaries:
            if beneficiary["id"] == ctx.params["id"]:
                return self._json(200, {"beneficiary": beneficiary}, ctx.trace)
        return self._error(404, "not_found", "Beneficiary not found", ctx.trace)

    async def _list_requests(self, ctx: _Ctx) -> web.StreamResponse:
        statuses = self._choices(ctx, "status", ("pending", "approved", "declined", "canceled"))
        kinds = self._choices(ctx, "request_type", ("flash_card", "virtual_card", "transfer", "multi_transfer"))
        created_from = self._datetime(ctx, "created_at_from")
        processed_from = self._datetime(ctx, "processed_at_from")

        def at(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value)

        selected = []
        for r in self.data.requests:
            created, processed = at(r["created_at"]), at(r["processed_at"])
            if (statuses and r["status"] not in statuses) or (kinds and r["request_type"] not in kinds):
                continue
            if created_from is not None and (created is None or created < created_from):
                continue
            if processed_from is not None and (processed is None or processed < processed_from):
                continue
            selected.append(r)
        selected = self._sorted(ctx, selected, ("created_at", "processed_at", "status"), "created_at:desc")
        return self._list(ctx, "requests", selected)

    async def _get_subscription(self, ctx: _Ctx) -> web.StreamResponse:
        return self._json(200, {"plan": self.data.subscription_plan}, ctx.trace)

    async def _get_iban_certificate(self, ctx: _Ctx) -> web.StreamResponse:
        account = next((a for a in self.data.bank_accounts if a["id"] == ctx.params["id"]), None)
        if account is None:
            return self._error(404, "not_found", "Bank account not found", ctx.trace)
        locale = ctx.query.get("locale", "en")
        if locale not in ("en", "fr", "it", "de", "es", "pt", "nl"):
            raise self._bad(ctx, "invalid_parameter", "locale must be one of en, fr, it, de, es, pt, nl", "locale")
        accept = ctx.request.headers.get("Accept", "*/*")
        if not any(kind in accept for kind in ("application/pdf", "*/*", "application/*")):
            return self._error(406, "not_acceptable", "This endpoint answers application/pdf", ctx.trace)
        return web.Response(
            status=200,
            body=self.data.iban_certificate(account, locale),
            content_type="application/pdf",
            headers={TRACE_HEADER: ctx.trace},
        )

    async def _revoke_consents(self, ctx: _Ctx) -> web.StreamResponse:
        self.revoke_tokens()
        return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})

    async def _create_internal_transfer(self, ctx: _Ctx) -> web.StreamResponse:
        def invalid(code: str, detail: str, pointer: str) -> web.Response:
            return self._error(422, code, detail, ctx.trace, source={"pointer": pointer})

        try:
            payload = json.loads(ctx.body)
        except (ValueError, RecursionError):
            return self._error(400, "bad_request", "The request body is not valid JSON", ctx.trace)
        transfer = payload.get("internal_transfer") if isinstance(payload, dict) else None
        if not isinstance(transfer, dict):
            return invalid("missing_parameter", "internal_transfer is required", "/internal_transfer")
        for field in ("debit_iban", "credit_iban", "reference", "amount", "currency"):
            if not isinstance(transfer.get(field), str | int | float) or transfer.get(field) in ("", None):
                return invalid("missing_parameter", f"{field} is required", f"/internal_transfer/{field}")
        debit = self.data.account_by_iban(str(transfer["debit_iban"]))
        credit = self.data.account_by_iban(str(transfer["credit_iban"]))
        if debit is None:
            return invalid(
                "not_found", "No account of this organization has this IBAN", "/internal_transfer/debit_iban"
            )
        if credit is None:
            return invalid(
                "not_found", "No account of this organization has this IBAN", "/internal_transfer/credit_iban"
            )
        if debit is credit:
            return invalid(
                "invalid", "The debit and credit accounts must differ", "/internal_transfer/credit_iban"
            )
        if transfer["currency"] != "EUR":
            return invalid("invalid", "Only EUR is supported", "/internal_transfer/currency")
        try:
            amount = Decimal(str(transfer["amount"]))
        except InvalidOperation:
            amount = Decimal(-1)
        exponent = amount.as_tuple().exponent
        if (
            not amount.is_finite()
            or not isinstance(exponent, int)
            or exponent < -2
            or not Decimal(0) < amount < Decimal(10**9)
        ):
            return invalid(
                "invalid", "amount must be a positive decimal with at most 2 decimals", "/internal_transfer/amount"
            )
        reference = str(transfer["reference"])
        if len(reference) > 99:
            return invalid("invalid", "reference is limited to 99 characters", "/internal_transfer/reference")
        number = len(self.internal_transfers) + 1
        created = {
            "id": f"{self.data.prefix}-7a00-4000-8000-{number:012x}",
            "slug": f"{self.data.login}-internal-transfer-{number}",
            "status": "processing",
            "amount": f"{amount:.2f}",
            "amount_cents": str(int(amount * 100)),
            "currency": "EUR",
            "reference": reference,
            "created_at": format_time(self.now()),
        }
        self.internal_transfers.append(created)
        return self._json(201, {"internal_transfer": created}, ctx.trace)

    async def _get_sca_session(self, ctx: _Ctx) -> web.StreamResponse:
        session = self.sca.sessions.get(ctx.params["token"])
        if session is None:
            return self._error(404, "not_found", "SCA session not found", ctx.trace)
        return self._json(200, {"result": self._sca_result(session)}, ctx.trace)

    async def _mock_sca(self, ctx: _Ctx, result: str) -> web.StreamResponse:
        session = self.sca.sessions.get(ctx.params["token"])
        if session is None:
            return self._error(404, "not_found", "SCA session not found", ctx.trace)
        session.result = result
        return self._json(200, {"message": "Success"}, ctx.trace)

    async def _mock_sca_allow(self, ctx: _Ctx) -> web.StreamResponse:
        return await self._mock_sca(ctx, "allow")

    async def _mock_sca_deny(self, ctx: _Ctx) -> web.StreamResponse:
        return await self._mock_sca(ctx, "deny")

    # -- OAuth (qonto-api.md §2.2) ------------------------------------------------------------------------------

    def _oauth_error(self, ctx: _Ctx, status: int, error: str, description: str) -> web.Response:
        return self._json(
            status, {"error": error, "error_description": description, "trace_id": ctx.trace}, ctx.trace
        )

    async def _authorize_endpoint(self, ctx: _Ctx) -> web.StreamResponse:
        query = ctx.query
        redirect_uri = query.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if query.get("client_id") != self.client_id:
            return self._oauth_error(ctx, 400, "invalid_client", "Unknown client_id")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return self._oauth_error(ctx, 400, "invalid_request", "redirect_uri must be an absolute URL")
        if query.get("response_type") != "code" or not query.get("state") or not query.get("scope"):
            return self._oauth_error(
                ctx, 400, "invalid_request", "response_type=code, scope and state are required"
            )
        code = self.authorization_code(
            scopes=query["scope"].split(), redirect_uri=redirect_uri, code_challenge=query.get("code_challenge")
        )
        separator = "&" if parts.query else "?"
        location = f"{redirect_uri}{separator}{urlencode({'code': code, 'state': query['state']})}"
        return web.Response(status=302, headers={"Location": location, TRACE_HEADER: ctx.trace})

    async def _token_endpoint(self, ctx: _Ctx) -> web.StreamResponse:
        if ctx.request.content_type != "application/x-www-form-urlencoded":
            self.token_calls["?"] += 1
            return self._oauth_error(
                ctx, 400, "invalid_request", "The body must be application/x-www-form-urlencoded"
            )
        form = dict(parse_qsl(ctx.body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type", "")
        self.token_calls[grant or "?"] += 1
        # client_secret_post: the client credentials travel in the form body (qonto-api.md §2.2).
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._oauth_error(ctx, 401, "invalid_client", "Client authentication failed")
        now = self.now()
        if grant == "authorization_code":
            code = self._codes.get(form.get("code", ""))
            if code is None or code.used or now >= code.expires_at:
                return self._oauth_error(
                    ctx, 400, "invalid_grant", "The authorization code is invalid, expired or already used"
                )
            if form.get("redirect_uri") != code.redirect_uri:
                return self._oauth_error(
                    ctx, 400, "invalid_grant", "redirect_uri does not match the authorization"
                )
            if code.code_challenge is not None:
                verifier = form.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code.code_challenge:
                    return self._oauth_error(ctx, 400, "invalid_grant", "The PKCE code_verifier does not match")
            code.used = True
            return self._json(200, self._issue(code.scopes), ctx.trace)
        if grant == "refresh_token":
            refresh = self._refresh.get(form.get("refresh_token", ""))
            if refresh is None or refresh.revoked or now >= refresh.expires_at:
                return self._oauth_error(
                    ctx, 400, "invalid_grant", "The refresh token is invalid, expired or revoked"
                )
            if refresh.first_used_at is None:
                refresh.first_used_at = now
            elif now - refresh.first_used_at > REFRESH_GRACE:
                # qonto-api.md §2.2: rotation; the old token lives 60 s after its first use, then dies.
                return self._oauth_error(
                    ctx,
                    400,
                    "invalid_grant",
                    "The refresh token was already used and its 60-second grace period is over",
                )
            return self._json(200, self._issue(refresh.scopes), ctx.trace)
        return self._oauth_error(ctx, 400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")


def _group_routes() -> tuple[_Route, ...]:
    # Imported here, not at the top: the route modules import this module's _Route, _Ctx and FakeQonto.
    from qonto_async.testing._routes import all_routes

    return all_routes()


_READ = "organization.read"
_ROUTES: Final = (
    _Route("GET", "/v2/organization", FakeQonto._get_organization, _READ, True),
    _Route("GET", "/v2/bank_accounts", FakeQonto._list_bank_accounts, _READ, True),
    _Route("GET", "/v2/bank_accounts/{id}", FakeQonto._get_bank_account, _READ, True),
    # qonto-api.md §3.2 B2: the certificate PDF (scope organization.read).
    _Route("GET", "/v2/bank_accounts/{id}/iban_certificate", FakeQonto._get_iban_certificate, _READ, True),
    # qonto-api.md §2.3, §3.2 B1: scope subscription.read; docs.qonto.com lists API keys too.
    _Route("GET", "/v2/subscription", FakeQonto._get_subscription, "subscription.read", True),
    _Route("GET", "/v2/transactions", FakeQonto._list_transactions, _READ, True),
    _Route("GET", "/v2/transactions/{id}", FakeQonto._get_transaction, _READ, True),
    _Route("GET", "/v2/labels", FakeQonto._list_labels, _READ, True),
    _Route("GET", "/v2/labels/{id}", FakeQonto._get_label, _READ, True),
    _Route("GET", "/v2/memberships", FakeQonto._list_memberships, _READ, True),
    _Route("GET", "/v2/attachments/{id}", FakeQonto._get_attachment, _READ, True),
    _Route("GET", "/v2/transactions/{id}/attachments", FakeQonto._list_transaction_attachments, _READ, True),
    _Route("GET", "/v2/sepa/beneficiaries", FakeQonto._list_beneficiaries, _READ, True),
    _Route("GET", "/v2/sepa/beneficiaries/{id}", FakeQonto._get_beneficiary, _READ, True),
    # qonto-api.md §3.1 row 86 (Business and Enterprise plans; the fake's organization has one).
    _Route("GET", "/v2/requests", FakeQonto._list_requests, _READ, True),
    # qonto-api.md §3.1 row 69: OAuth only, scope membership.read.
    _Route("GET", "/v2/membership", FakeQonto._get_current_membership, "membership.read", False),
    _Route("GET", "/v2/statements", FakeQonto._list_statements, _READ, True),
    _Route("GET", "/v2/statements/{id}", FakeQonto._get_statement, _READ, True),
    # qonto-api.md §2.2: revocation is an OAuth operation (scope organization.read per the Postman export).
    _Route("DELETE", "/v2/oauth2/consents", FakeQonto._revoke_consents, _READ, False),
    # qonto-api.md §2.1 (API key may create internal transfers), §2.3 (scope), §7 (idempotency key required).
    _Route(
        "POST",
        "/v2/internal_transfers",
        FakeQonto._create_internal_transfer,
        "internal_transfer.write",
        True,
        write=True,
        idempotency_required=True,
    ),
    # qonto-api.md §8: SCA needs OAuth; API keys cannot do it.
    _Route("GET", "/v2/sca_sessions/{token}", FakeQonto._get_sca_session, "", False),
    _Route("GET", "/v2/mocked_sca_sessions/{token}", FakeQonto._get_sca_session, "", False, sandbox_only=True),
    _Route(
        "POST", "/v2/mocked_sca_sessions/{token}/allow", FakeQonto._mock_sca_allow, "", False, sandbox_only=True
    ),
    _Route("POST", "/v2/mocked_sca_sessions/{token}/deny", FakeQonto._mock_sca_deny, "", False, sandbox_only=True),
    _Route("POST", OAUTH_PREFIX + "/oauth2/token", FakeQonto._token_endpoint, None, True),
    _Route("GET", OAUTH_PREFIX + "/oauth2/auth", FakeQonto._authorize_endpoint, None, True),
)
