"""The request loop, driven through aioresponses: headers per attempt, retries, idempotency, errors."""

from __future__ import annotations

import asyncio
import logging
import pickle
import re
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import attrs
import pytest
from aioresponses import aioresponses

from qonto_async import (
    PRODUCTION,
    SANDBOX,
    APIError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    QontoConnectionError,
    QontoDeprecationWarning,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    ScaRequired,
    ScaSessionInvalidError,
    ServerError,
    StagingTokenError,
    StaticKeyAuth,
    ValidationError,
    capture_responses,
)
from qonto_async.auth._base import FAST_HEADERS, AuthContext
from qonto_async.serde import unstructure
from qonto_async.session import USER_AGENT, QontoSession, Request, Timeout
from tests.conftest import sent_requests

API = PRODUCTION.api_url
SANDBOX_API = SANDBOX.api_url
LOGIN = "pied-piper-7132"
SECRET = "62885d39f3a0ddedd3d3ee0432a43ccr"
AUTH_VALUE = f"{LOGIN}:{SECRET}"
TRACE = "6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c"


def _identity(data: Any) -> Any:
    return data


def get(path: str = "/v2/organization", **kw: Any) -> Request[Any]:
    return Request(method="GET", path=path, decode=_identity, **kw)


@pytest.fixture
async def session(no_sleep: Callable[[float], Awaitable[None]]) -> AsyncIterator[QontoSession]:
    s = QontoSession(
        environment=PRODUCTION,
        auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET),
        sleep=no_sleep,
    )
    yield s
    await s.aclose()


@pytest.fixture
async def sandbox_session(no_sleep: Callable[[float], Awaitable[None]]) -> AsyncIterator[QontoSession]:
    s = QontoSession(
        environment=SANDBOX,
        auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET),
        staging_token="stg-token-123",
        sleep=no_sleep,
    )
    yield s
    await s.aclose()


async def test_exact_headers_on_a_get(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/organization", payload={"ok": True}, headers={"X-Tyk-Trace-Id": TRACE})
    assert await session.request(get()) == {"ok": True}
    [(method, url, kwargs)] = sent_requests(mocked)
    assert (method, url) == ("GET", f"{API}/v2/organization")
    assert kwargs["headers"] == {
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        "Authorization": AUTH_VALUE,
    }
    assert kwargs["allow_redirects"] is False
    assert "qonto-async/" in USER_AGENT


async def test_sandbox_sends_the_staging_token_on_every_attempt(
    sandbox_session: QontoSession, mocked: aioresponses
) -> None:
    url = f"{SANDBOX_API}/v2/organization"
    mocked.get(url, status=503)
    mocked.get(url, payload={"ok": 1})
    await sandbox_session.request(get())
    calls = sent_requests(mocked)
    assert len(calls) == 2
    for _, _, kwargs in calls:
        assert kwargs["headers"]["X-Qonto-Staging-Token"] == "stg-token-123"
        assert kwargs["headers"]["Authorization"] == AUTH_VALUE


async def test_production_never_gets_a_staging_token(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/organization", payload={})
    await session.request(get())
    [(_, _, kwargs)] = sent_requests(mocked)
    assert not any(h.lower() == "x-qonto-staging-token" for h in kwargs["headers"])


async def test_auth_headers_are_asked_for_on_every_attempt(mocked: aioresponses, no_sleep: Any) -> None:
    class CountingAuth:
        def __init__(self) -> None:
            self.attempts: list[int] = []

        async def headers(self, ctx: Any) -> dict[str, str]:
            self.attempts.append(ctx.attempt)
            return {"Authorization": f"custom-{ctx.attempt}"}

        async def on_unauthorized(self, ctx: Any, sent: Any) -> bool:
            return False

    auth = CountingAuth()
    async with QontoSession(environment=PRODUCTION, auth=auth, sleep=no_sleep) as s:
        mocked.get(f"{API}/v2/organization", status=502)
        mocked.get(f"{API}/v2/organization", status=500)
        mocked.get(f"{API}/v2/organization", payload={})
        await s.request(get())
    assert auth.attempts == [1, 2, 3]
    assert [kw["headers"]["Authorization"] for _, _, kw in sent_requests(mocked)] == [
        "custom-1",
        "custom-2",
        "custom-3",
    ]


async def test_idempotency_key_is_generated_once_and_reused_on_every_retry(
    session: QontoSession, mocked: aioresponses
) -> None:
    url = f"{API}/v2/internal_transfers"
    mocked.post(url, status=503)
    mocked.post(url, exception=aiohttp.ServerDisconnectedError())
    mocked.post(url, status=201, payload={"internal_transfer": {"id": "t1"}})
    req = Request(
        method="POST",
        path="/v2/internal_transfers",
        json={"a": 1},
        decode=_identity,
        idempotent_key_supported=True,
    )
    assert await session.request(req) == {"internal_transfer": {"id": "t1"}}
    calls = sent_requests(mocked)
    keys = {kw["headers"]["X-Qonto-Idempotency-Key"] for _, _, kw in calls}
    assert len(calls) == 3
    assert len(keys) == 1
    bodies = {kw["data"] for _, _, kw in calls}
    assert bodies == {b'{"a":1}'}


async def test_each_logical_write_gets_its_own_key(session: QontoSession, mocked: aioresponses) -> None:
    url = f"{API}/v2/internal_transfers"
    mocked.post(url, payload={}, repeat=True)
    req = Request(
        method="POST", path="/v2/internal_transfers", json={}, decode=_identity, idempotent_key_supported=True
    )
    await session.request(req)
    await session.request(req)
    keys = [kw["headers"]["X-Qonto-Idempotency-Key"] for _, _, kw in sent_requests(mocked)]
    assert len(keys) == 2
    assert keys[0] != keys[1]


async def test_caller_key_is_used_verbatim(session: QontoSession, mocked: aioresponses) -> None:
    mocked.post(f"{API}/v2/internal_transfers", payload={})
    req = Request(
        method="POST", path="/v2/internal_transfers", json={}, decode=_identity, idempotency_key="my-key-1"
    )
    await session.request(req)
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["headers"]["X-Qonto-Idempotency-Key"] == "my-key-1"


async def test_unkeyed_post_is_never_retried(session: QontoSession, mocked: aioresponses) -> None:
    mocked.post(f"{API}/v2/teams", status=503, headers={"X-Tyk-Trace-Id": TRACE})
    with pytest.raises(ServerError) as info:
        await session.request(Request(method="POST", path="/v2/teams", json={"name": "x"}, decode=_identity))
    assert len(sent_requests(mocked)) == 1
    assert info.value.trace_id == TRACE
    assert "X-Qonto-Idempotency-Key" not in sent_requests(mocked)[0][2]["headers"]


async def test_unkeyed_post_connection_error_is_not_retried(session: QontoSession, mocked: aioresponses) -> None:
    mocked.post(f"{API}/v2/teams", exception=aiohttp.ClientOSError(104, "Connection reset by peer"))
    with pytest.raises(QontoConnectionError):
        await session.request(Request(method="POST", path="/v2/teams", json={}, decode=_identity))
    assert len(sent_requests(mocked)) == 1


async def test_retry_after_seconds_is_honoured(session: QontoSession, mocked: aioresponses, no_sleep: Any) -> None:
    url = f"{API}/v2/organization"
    mocked.get(url, status=429, headers={"Retry-After": "3"})
    mocked.get(url, payload={"ok": 1})
    assert await session.request(get()) == {"ok": 1}
    assert no_sleep.delays == [3.0]


async def test_retry_after_http_date_is_honoured(
    session: QontoSession, mocked: aioresponses, no_sleep: Any
) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    url = f"{API}/v2/organization"
    mocked.get(url, status=429, headers={"Retry-After": when})
    mocked.get(url, payload={})
    await session.request(get())
    assert len(no_sleep.delays) == 1
    assert 15 < no_sleep.delays[0] <= 20


async def test_huge_retry_after_raises_instead_of_waiting(
    session: QontoSession, mocked: aioresponses, no_sleep: Any
) -> None:
    mocked.get(f"{API}/v2/organization", status=429, headers={"Retry-After": "86400", "X-Tyk-Trace-Id": TRACE})
    with pytest.raises(RateLimitError) as info:
        await session.request(get())
    assert info.value.retry_after == 86400
    assert no_sleep.delays == []
    assert str(info.value).endswith(f"(trace id: {TRACE})")


async def test_retries_stop_at_max_attempts(mocked: aioresponses, no_sleep: Any) -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_max=4.0)
    async with QontoSession(
        environment=PRODUCTION, auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET), sleep=no_sleep
    ) as s:
        mocked.get(f"{API}/v2/organization", status=500, repeat=True)
        with pytest.raises(ServerError):
            await s.request(get(), s.options.__class__(retry=policy))
    assert len(sent_requests(mocked)) == 3
    assert len(no_sleep.delays) == 2
    assert 0 <= no_sleep.delays[0] <= 1.0
    assert 0 <= no_sleep.delays[1] <= 2.0


async def test_total_time_cap_stops_retries(mocked: aioresponses, no_sleep: Any) -> None:
    policy = RetryPolicy(max_attempts=10, total_timeout=5.0)
    async with QontoSession(
        environment=PRODUCTION, auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET), sleep=no_sleep
    ) as s:
        mocked.get(f"{API}/v2/organization", status=429, headers={"Retry-After": "10"}, repeat=True)
        with pytest.raises(RateLimitError):
            await s.request(get(), s.options.__class__(retry=policy))
    assert len(sent_requests(mocked)) == 1


async def test_timeouts_are_wrapped_and_retried_for_gets(session: QontoSession, mocked: aioresponses) -> None:
    url = f"{API}/v2/organization"
    mocked.get(url, exception=TimeoutError())
    mocked.get(url, payload={"ok": 1})
    assert await session.request(get()) == {"ok": 1}
    mocked.get(url, exception=aiohttp.ServerTimeoutError("slow"), repeat=True)
    with pytest.raises(QontoTimeoutError) as info:
        await session.request(get())
    assert not isinstance(info.value, aiohttp.ClientError)


async def test_a_strategy_that_overrides_headers_is_asked_through_it(
    no_sleep: Callable[[float], Awaitable[None]], mocked: aioresponses
) -> None:
    # The built-in strategies are read synchronously while no refresh is due (FAST_HEADERS, keyed by exact
    # type); a subclass that overrides headers() must still be called, with its AuthContext, on every attempt.
    seen: list[AuthContext] = []

    class Tagged(StaticKeyAuth):
        async def headers(self, ctx: AuthContext) -> Mapping[str, str]:
            seen.append(ctx)
            return {**await super().headers(ctx), "X-Tag": f"attempt-{ctx.attempt}"}

    url = f"{API}/v2/organization"
    mocked.get(url, status=503)
    mocked.get(url, payload={"ok": 1})
    async with QontoSession(
        environment=PRODUCTION, auth=Tagged(login=LOGIN, secret_key=SECRET), sleep=no_sleep
    ) as tagged:
        assert await tagged.request(get()) == {"ok": 1}
    sent = [kwargs["headers"] for _, _, kwargs in sent_requests(mocked)]
    assert [h["X-Tag"] for h in sent] == ["attempt-1", "attempt-2"]
    assert all(h["Authorization"] == f"{LOGIN}:{SECRET}" for h in sent)
    assert [(c.method, c.attempt) for c in seen] == [("GET", 1), ("GET", 2)]


async def test_headers_patched_on_the_class_is_called(
    session: QontoSession, mocked: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a test suite does with mock.patch.object(StaticKeyAuth, "headers", ...): the fast path steps aside.
    async def patched(self: StaticKeyAuth, ctx: AuthContext) -> Mapping[str, str]:
        return {"Authorization": "patched"}

    monkeypatch.setattr(StaticKeyAuth, "headers", patched)
    mocked.get(f"{API}/v2/organization", payload={"ok": 1})
    await session.request(get())
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["headers"]["Authorization"] == "patched"


async def test_a_401_hands_on_unauthorized_a_context_even_on_the_fast_path(
    session: QontoSession, mocked: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A built-in StaticKeyAuth with its own headers(): the attempt takes the fast path and builds no AuthContext;
    # the 401 builds one for on_unauthorized (patched here, on the class, to watch it).
    assert type(session.auth) is StaticKeyAuth
    assert StaticKeyAuth in FAST_HEADERS
    calls: list[tuple[AuthContext, Mapping[str, str]]] = []

    async def watched(self: StaticKeyAuth, ctx: AuthContext, sent_headers: Mapping[str, str]) -> bool:
        calls.append((ctx, sent_headers))
        return False

    monkeypatch.setattr(StaticKeyAuth, "on_unauthorized", watched)
    mocked.get(f"{API}/v2/organization", status=401, payload={"errors": [{"code": "unauthorized"}]})
    with pytest.raises(AuthenticationError):
        await session.request(get())
    [(ctx, sent_headers)] = calls
    assert (ctx.method, ctx.url, ctx.attempt) == ("GET", f"{API}/v2/organization", 1)
    assert ctx.environment is PRODUCTION
    assert ctx.token_endpoint is session
    assert sent_headers["Authorization"] == f"{LOGIN}:{SECRET}"


async def test_an_error_that_is_not_the_transports_propagates_as_it_is(
    session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(f"{API}/v2/organization", exception=RuntimeError("a bug elsewhere"))
    with pytest.raises(RuntimeError, match="a bug elsewhere") as info:
        await session.request(get())
    assert not isinstance(info.value, ClientClosedError)
    assert len(sent_requests(mocked)) == 1  # not a transport failure: never retried


async def test_a_timeout_while_closing_is_still_a_timeout(session: QontoSession, mocked: aioresponses) -> None:
    # aiohttp's timeouts are ClientErrors too; what failed is the time budget, whatever the session's state.
    async def close_then_time_out(url: Any, **kwargs: Any) -> None:
        await session._open().close()
        raise aiohttp.ServerTimeoutError("slow")

    mocked.get(f"{API}/v2/organization", callback=close_then_time_out)
    with pytest.raises(QontoTimeoutError):
        await session.request(get(), session.options.__class__(retry=RetryPolicy.disabled()))


async def test_request_runs_nothing_before_it_is_awaited(session: QontoSession, mocked: aioresponses) -> None:
    # A bad destination is reported when the call runs, as for any coroutine, not when it is created.
    pending = session.request(Request(method="GET", path="/v2/x", raw=True, dest=42))  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="dest must be a file path"):
        await pending
    pending = session.request(get())
    pending.close()
    assert sent_requests(mocked) == []


async def test_connection_errors_are_wrapped(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/organization", exception=aiohttp.ClientConnectionError("refused"), repeat=True)
    with pytest.raises(QontoConnectionError) as info:
        await session.request(get())
    assert info.value.method == "GET"
    assert len(sent_requests(mocked)) == RetryPolicy().max_attempts


ERROR_SHAPES: list[tuple[str, int, Any, type[APIError], str | None, str]] = [
    (
        "errors-array",
        422,
        {
            "errors": [
                {"code": "not_in_list", "detail": "status must be one of: x", "source": {"parameter": "status"}}
            ],
            "trace_id": TRACE,
        },
        ValidationError,
        "not_in_list",
        "status must be one of: x (status)",
    ),
    (
        "errors-single-object",
        422,
        {"errors": {"code": "invalid", "detail": "bad", "status": 422, "message": "m"}},
        ValidationError,
        "invalid",
        "bad",
    ),
    (
        "flat-webhook",
        400,
        {"code": "invalid_url", "detail": "callback_url must be https"},
        ValidationError,
        "invalid_url",
        "must be https",
    ),
    (
        "flat-412",
        412,
        {"message": "Invalid SCA session token", "code": "invalid_sca"},
        ScaSessionInvalidError,
        "invalid_sca",
        "Invalid SCA",
    ),
    (
        "message-not-detail",
        400,
        {
            "errors": [
                {"code": "date_invalid", "message": "The datetime in settled_at_from param isn't well formatted"}
            ]
        },
        ValidationError,
        "date_invalid",
        "well formatted",
    ),
    (
        "errors-message-object",
        422,
        {"errors": {"message": "Not found"}, "trace_id": TRACE},
        ValidationError,
        None,
        "Not found",
    ),
    (
        "jsonapi-full",
        504,
        {
            "errors": [
                {
                    "id": "x",
                    "status": "504",
                    "code": "timeout",
                    "title": "Gateway",
                    "detail": "upstream",
                    "source": {"header": "X"},
                }
            ]
        },
        ServerError,
        "timeout",
        "upstream",
    ),
    (
        "conflict",
        409,
        {"errors": [{"code": "invoice_number_already_exists", "detail": "dup"}]},
        ConflictError,
        "invoice_number_already_exists",
        "dup",
    ),
    (
        "forbidden",
        403,
        {"errors": [{"code": "forbidden", "detail": "pricing plan"}]},
        PermissionDeniedError,
        "forbidden",
        "pricing plan",
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "fragment"), [s[1:] for s in ERROR_SHAPES], ids=[s[0] for s in ERROR_SHAPES]
)
async def test_every_error_body_shape_becomes_a_typed_error(
    session: QontoSession,
    mocked: aioresponses,
    status: int,
    body: Any,
    cls: type[APIError],
    code: str | None,
    fragment: str,
) -> None:
    mocked.get(
        f"{API}/v2/organization", status=status, payload=body, headers={"X-Tyk-Trace-Id": TRACE}, repeat=True
    )
    with pytest.raises(cls) as info:
        await session.request(get(), session.options.__class__(retry=RetryPolicy.disabled()))
    err = info.value
    assert err.status == status
    assert err.code == code
    assert fragment in str(err)
    assert err.trace_id == TRACE
    assert str(err).endswith(f"(trace id: {TRACE})")


async def test_text_plain_404_keeps_the_header_trace_id(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(
        f"{API}/v2/transactions/x",
        status=404,
        body="",
        content_type="text/plain",
        headers={"X-Tyk-Trace-Id": TRACE},
    )
    with pytest.raises(NotFoundError) as info:
        await session.request(get("/v2/transactions/x"))
    assert info.value.trace_id == TRACE
    assert str(info.value) == f"404 on GET /v2/transactions/x: not found (trace id: {TRACE})"


async def test_body_trace_id_is_used_when_the_header_is_missing(
    session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(
        f"{API}/v2/organization",
        status=400,
        payload={"errors": [{"code": "x", "detail": "y"}], "trace_id": "body-trace"},
    )
    with pytest.raises(ValidationError) as info:
        await session.request(get())
    assert info.value.trace_id == "body-trace"


async def test_401_explains_the_credential_checks(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(
        f"{API}/v2/organization",
        status=401,
        payload={"errors": [{"code": "unauthorized", "detail": "Invalid credentials"}]},
        headers={"X-Tyk-Trace-Id": TRACE},
    )
    with pytest.raises(AuthenticationError) as info:
        await session.request(get())
    text = str(info.value)
    assert "login:secret_key" in text
    assert "Bearer" in text
    assert "base64" in text
    assert text.endswith(f"(trace id: {TRACE})")
    assert SECRET not in text
    assert len(sent_requests(mocked)) == 1


async def test_428_carries_the_sca_session(session: QontoSession, mocked: aioresponses) -> None:
    body = {
        "code": "sca_required",
        "message": "SCA required",
        "sca_session_token": "sca-tok",
        "action_type": "transfer.single.create",
        "trace_id": TRACE,
    }
    mocked.post(f"{API}/v2/sepa/transfers", status=428, payload=body)
    req = Request(
        method="POST", path="/v2/sepa/transfers", json={}, decode=_identity, idempotent_key_supported=True
    )
    with pytest.raises(ScaRequired) as info:
        await session.request(req)
    err = info.value
    assert err.sca_session_token == "sca-tok"
    assert err.action_type == "transfer.single.create"
    assert err.idempotency_key == sent_requests(mocked)[0][2]["headers"]["X-Qonto-Idempotency-Key"]
    assert err.trace_id == TRACE


async def test_sandbox_html_200_is_a_staging_token_error(
    sandbox_session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(
        f"{SANDBOX_API}/v2/organization",
        status=200,
        body="<!DOCTYPE html><html>OneLogin</html>",
        content_type="text/html",
    )
    with pytest.raises(StagingTokenError) as info:
        await sandbox_session.request(get())
    assert "X-Qonto-Staging-Token" in str(info.value)


async def test_sandbox_redirect_is_a_staging_token_error(
    sandbox_session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(
        f"{SANDBOX_API}/v2/organization", status=302, headers={"Location": "https://qonto.onelogin.com/login"}
    )
    with pytest.raises(StagingTokenError) as info:
        await sandbox_session.request(get())
    assert "qonto.onelogin.com" in str(info.value)
    assert len(sent_requests(mocked)) == 1


async def test_production_redirect_is_not_followed(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(
        f"{API}/v2/organization", status=301, headers={"Location": "https://elsewhere.example/v2/organization"}
    )
    with pytest.raises(APIError) as info:
        await session.request(get())
    assert info.value.status == 301
    assert "not followed" in str(info.value)
    assert len(sent_requests(mocked)) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"", "application/json", "empty"),
        (b'{"trunc', "application/json", "not JSON"),
        (b"<html></html>", "text/html", "HTML"),
        # A number Decimal cannot hold: a decode error, not decimal.InvalidOperation.
        (
            b'{"organization": {"id": "o", "legal_share_capital": 1e99999999999999999999}}',
            "application/json",
            "JSON",
        ),
    ],
)
async def test_bad_success_bodies_raise_decode_errors(
    session: QontoSession, mocked: aioresponses, body: bytes, content_type: str, fragment: str
) -> None:
    mocked.get(
        f"{API}/v2/organization",
        status=200,
        body=body,
        content_type=content_type,
        headers={"X-Tyk-Trace-Id": TRACE},
    )
    with pytest.raises(ResponseDecodeError) as info:
        await session.request(get())
    assert fragment in str(info.value)
    assert info.value.trace_id == TRACE


async def test_decoder_failures_are_wrapped(session: QontoSession, mocked: aioresponses) -> None:
    def boom(_data: Any) -> Any:
        raise KeyError("organization")

    mocked.get(f"{API}/v2/organization", payload={"unexpected": True})
    with pytest.raises(ResponseDecodeError) as info:
        await session.request(Request(method="GET", path="/v2/organization", decode=boom))
    assert "KeyError" in str(info.value)


async def test_sunset_header_warns_once_per_path(session: QontoSession, mocked: aioresponses) -> None:
    url = f"{API}/v1/organizations/pied-piper-7132"
    mocked.get(
        url, payload={}, headers={"Sunset": "Tue, 15 Sep 2026 00:00:00 GMT", "Deprecation": "true"}, repeat=True
    )
    with pytest.warns(QontoDeprecationWarning, match="Sep 2026"):
        await session.request(get("/v1/organizations/pied-piper-7132"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await session.request(get("/v1/organizations/pied-piper-7132"))


async def test_capture_responses_exposes_success_trace_ids(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/organization", status=503, headers={"X-Tyk-Trace-Id": "t-1"})
    mocked.get(f"{API}/v2/organization", payload={}, headers={"X-Tyk-Trace-Id": "t-2"})
    with capture_responses() as responses:
        await session.request(get())
    assert [(r.status, r.trace_id, r.attempt) for r in responses] == [(503, "t-1", 1), (200, "t-2", 2)]


async def test_use_after_close_is_a_clear_error(mocked: aioresponses) -> None:
    s = QontoSession(environment=PRODUCTION, auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET))
    await s.aclose()
    with pytest.raises(ClientClosedError, match="closed"):
        await s.request(get())
    assert sent_requests(mocked) == []


async def test_debug_logs_never_show_secrets(
    session: QontoSession, mocked: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    url = re.compile(rf"^{re.escape(API)}/v2/transactions\?")
    mocked.get(url, status=500)
    mocked.get(url, payload={}, headers={"X-Tyk-Trace-Id": TRACE})
    with caplog.at_level(logging.DEBUG, logger="qonto_async"):
        await session.request(get("/v2/transactions", params=[("iban", "FR7612345000010009876543210")]))
    assert caplog.records
    text = caplog.text
    assert SECRET not in text
    assert LOGIN not in text
    assert "FR7612345000010009876543210" not in text
    assert TRACE in text


async def test_sandbox_html_5xx_is_a_server_error_not_the_gate(
    sandbox_session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(
        f"{SANDBOX_API}/v2/organization",
        status=502,
        body="<html><body>Bad Gateway</body></html>",
        content_type="text/html",
        repeat=True,
    )
    with pytest.raises(ServerError) as info:
        await sandbox_session.request(get(), sandbox_session.options.__class__(retry=RetryPolicy.disabled()))
    assert not isinstance(info.value, StagingTokenError)


async def test_transport_errors_carry_no_url_query_nor_credentials(
    session: QontoSession, mocked: aioresponses
) -> None:
    url = re.compile(rf"^{re.escape(API)}/v2/transactions\?")
    mocked.get(
        url,
        exception=aiohttp.ClientConnectionError(f"{API}/v2/transactions?iban=FR7612345 {AUTH_VALUE}"),
        repeat=True,
    )
    with pytest.raises(QontoConnectionError) as info:
        await session.request(get("/v2/transactions", params=[("iban", "FR7612345")]))
    err = info.value
    assert err.__cause__ is None
    assert err.__suppress_context__
    # Not even a suppressed context: aiohttp's exception, with its URL and request headers, is not reachable.
    assert err.__context__ is None
    assert "FR7612345" not in str(err)


async def test_a_call_cancelled_in_its_backoff_chains_no_aiohttp_exception(mocked: aioresponses) -> None:
    in_backoff = asyncio.Event()

    async def stuck(delay: float) -> None:
        in_backoff.set()
        await asyncio.Event().wait()

    secret_url = f"{API}/v2/transactions?iban=FR7612345"
    mocked.get(
        re.compile(rf"^{re.escape(API)}/v2/transactions\?"),
        exception=aiohttp.ClientConnectionError(f"{secret_url} {AUTH_VALUE}"),
        repeat=True,
    )
    async with QontoSession(
        environment=PRODUCTION, auth=StaticKeyAuth(login=LOGIN, secret_key=SECRET), sleep=stuck
    ) as s:
        call = asyncio.ensure_future(s.request(get("/v2/transactions", params=[("iban", "FR7612345")])))
        await in_backoff.wait()
        call.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await call
    chain: list[BaseException] = []
    link: BaseException | None = info.value
    while link is not None:
        chain.append(link)
        link = link.__cause__ or link.__context__
    assert not any(isinstance(e, aiohttp.ClientError) for e in chain)
    printed = "".join(traceback.format_exception(info.value))
    assert "FR7612345" not in printed
    assert SECRET not in printed


def test_timeout_hands_aiohttp_one_cached_client_timeout_and_stays_two_fields() -> None:
    timeout = Timeout(connect=5, total=30)
    built = timeout._aiohttp()
    assert (built.total, built.sock_connect, built.connect) == (30, 5, None)  # never the pool wait
    assert Timeout(connect=5, total=30)._aiohttp() is built  # built once per pair of values
    assert [f.name for f in attrs.fields(Timeout)] == ["connect", "total"]
    assert unstructure(timeout) == {"connect": 5, "total": 30}
    assert pickle.loads(pickle.dumps(timeout))._aiohttp() is built
    assert attrs.evolve(timeout, total=7)._aiohttp().total == 7
