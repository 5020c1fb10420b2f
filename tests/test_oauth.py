"""OAuthBearerAuth over real loopback HTTP: bearer headers, refresh ahead of expiry and on 401, one refresh per
storm, rotation and durability, token-endpoint errors, and reconciliation with a shared token store.

The loopback server plays Qonto's token endpoint with its real rules (qonto-api.md §2.2): every refresh returns a
new access *and* refresh token, and an old refresh token stays valid for 60 s after its first use, then answers
``invalid_grant``. Expiry and the grace period run on a controllable clock shared by the client and the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web

from qonto_async import (
    AuthenticationError,
    FileTokenStore,
    InvalidGrantError,
    OAuthBearerAuth,
    OAuthError,
    OAuthToken,
    QontoClient,
    RetryPolicy,
    StagingTokenError,
    TokenStoreError,
)
from qonto_async.auth import AuthContext
from tests.conftest import LoopbackServer

CLIENT_ID = "qonto-app-7f3e2a"
CLIENT_SECRET = "cs-9d8c7b6a5f4e3d2c1b0a"
STAGING_TOKEN = "stg-5a4b3c2d1e"
TOKEN_PATH = "/oauth/oauth2/token"
ORG_PATH = "/v2/organization"
ORG_BODY = {"organization": {"id": "org-4f2a", "slug": "pied-piper-7132", "bank_accounts": []}}
GRACE = timedelta(seconds=60)
FORM = "application/x-www-form-urlencoded"
# Zero backoff: a retry happens at once, without real waiting (DESIGN §9).
FAST_RETRY = RetryPolicy(random=lambda: 0.0)
# Every token string in these tests carries one of these prefixes (as Qonto's Ory tokens do), so a leak into a
# log line or an error message is easy to spot.
SECRET_PATTERN = re.compile(r"ory_(at|rt|ac|id)_|" + re.escape(CLIENT_SECRET) + "|wrong-secret")


def assert_no_secrets(text: str) -> None:
    found = SECRET_PATTERN.search(text)
    assert found is None, f"a secret leaked: ...{text[max(0, found.start() - 60) : found.end() + 20]}..."


def assert_clean_error(exc: BaseException) -> None:
    assert_no_secrets(str(exc))
    assert_no_secrets(repr(exc))


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="qonto_async")
    yield
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.get_records("call"):
        assert_no_secrets(formatter.format(record))


class Clock:
    """The "now" of both the client (``OAuthBearerAuth(clock=...)``) and the fake token server."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeQontoOAuth:
    """``POST /oauth/oauth2/token`` and ``GET /v2/organization`` with Qonto's rotation and grace-period rules."""

    def __init__(
        self, srv: LoopbackServer, clock: Clock, *, staging_token: str | None = None, gate: str = "html"
    ) -> None:
        self.srv = srv
        self.clock = clock
        self.staging_token = staging_token
        self.gate = gate
        self.access: dict[str, datetime] = {}  # access token -> expires at
        self.refresh: dict[str, datetime | None] = {}  # refresh token -> first used at
        self.issued: list[OAuthToken] = []  # pairs handed out by the token endpoint, in order
        self.log: list[tuple[str, str]] = []  # shared event log: ("api", token), ("issue", token), ...
        self.reject_all = False  # answer 401 to every API call
        self.fail_next_api = 0  # answer 503 to that many API calls first
        self.token_gate: asyncio.Event | None = None  # when set, the token endpoint waits for it
        self._serial = itertools.count(1)
        srv.route("POST", TOKEN_PATH)(self._token_endpoint)
        srv.route("GET", ORG_PATH)(self._organization)

    # -- test controls --------------------------------------------------------------------------------------------

    def mint(self, *, expires_in: float = 3600, refresh: bool = True) -> OAuthToken:
        """A pair the server knows, as if obtained earlier (e.g. by the code exchange)."""
        n = next(self._serial)
        access, refresh_token = f"ory_at_seed{n}", f"ory_rt_seed{n}"
        expires_at = self.clock() + timedelta(seconds=expires_in)
        self.access[access] = expires_at
        if refresh:
            self.refresh[refresh_token] = None
        return OAuthToken(
            access_token=access,
            refresh_token=refresh_token if refresh else None,
            expires_at=expires_at,
            scopes=("offline_access", "organization.read"),
        )

    def revoke(self, access_token: str) -> None:
        self.access.pop(access_token, None)

    def token_calls(self) -> list[dict[str, Any]]:
        return self.srv.calls("POST", TOKEN_PATH)

    def api_calls(self, access_token: str | None = None) -> list[dict[str, Any]]:
        calls = self.srv.calls("GET", ORG_PATH)
        if access_token is None:
            return calls
        return [c for c in calls if c["headers"].get("Authorization") == f"Bearer {access_token}"]

    # -- handlers -------------------------------------------------------------------------------------------------

    def _gated(self, request: web.Request) -> web.StreamResponse | None:
        if not self.srv.requires_staging_token:
            return None
        if request.headers.get("X-Qonto-Staging-Token") == self.staging_token:
            return None
        # qonto-api.md §1.1: without the staging token the sandbox answers its OneLogin page, or redirects to it.
        if self.gate == "redirect":
            return web.Response(status=302, headers={"Location": "https://qonto.onelogin.com/login"})
        return web.Response(
            status=200, text="<!DOCTYPE html><html><body>Sign in to Qonto</body></html>", content_type="text/html"
        )

    @staticmethod
    def _oauth_error(status: int, error: str, description: str) -> web.Response:
        return web.json_response({"error": error, "error_description": description}, status=status)

    async def _token_endpoint(self, request: web.Request) -> web.StreamResponse:
        gated = self._gated(request)
        if gated is not None:
            return gated
        if self.token_gate is not None:
            await self.token_gate.wait()
        if request.content_type != FORM:
            return self._oauth_error(400, "invalid_request", "expected a form body")
        form = dict(parse_qsl(await request.text(), keep_blank_values=True))
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return self._oauth_error(401, "invalid_client", "Client authentication failed.")
        if form.get("grant_type") != "refresh_token":
            return self._oauth_error(400, "unsupported_grant_type", "only refresh_token here")
        now = self.clock()
        spent = form.get("refresh_token", "")
        if spent not in self.refresh:
            return self._oauth_error(400, "invalid_grant", "The refresh token is malformed or not valid.")
        first_used = self.refresh[spent]
        if first_used is None:
            self.refresh[spent] = now
        elif now - first_used > GRACE:
            return self._oauth_error(400, "invalid_grant", "The refresh token was already used.")
        n = next(self._serial)
        access, refresh_token = f"ory_at_{n}", f"ory_rt_{n}"
        self.access[access] = now + timedelta(seconds=3600)
        self.refresh[refresh_token] = None
        self.issued.append(
            OAuthToken(
                access_token=access,
                refresh_token=refresh_token,
                expires_at=now + timedelta(seconds=3600),
                scopes=("offline_access", "organization.read"),
            )
        )
        self.log.append(("issue", access))
        return web.json_response(
            {
                "access_token": access,
                "expires_in": 3600,
                "refresh_token": refresh_token,
                "scope": "offline_access organization.read",
                "token_type": "bearer",
            }
        )

    async def _organization(self, request: web.Request) -> web.StreamResponse:
        gated = self._gated(request)
        if gated is not None:
            return gated
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        self.log.append(("api", token))
        if self.fail_next_api > 0:
            self.fail_next_api -= 1
            return web.json_response({"errors": [{"code": "unavailable", "detail": "try later"}]}, status=503)
        expires_at = self.access.get(token)
        if self.reject_all or expires_at is None or self.clock() >= expires_at:
            return web.json_response(
                {"errors": [{"code": "unauthorized", "detail": "The access token is invalid or expired."}]},
                status=401,
            )
        return web.json_response(ORG_BODY)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(server: LoopbackServer, clock: Clock) -> FakeQontoOAuth:
    return FakeQontoOAuth(server, clock)


@pytest.fixture
def sandbox_fake(sandbox_server: LoopbackServer, clock: Clock) -> FakeQontoOAuth:
    return FakeQontoOAuth(sandbox_server, clock, staging_token=STAGING_TOKEN)


def oauth(token: OAuthToken, clock: Clock, **kwargs: Any) -> OAuthBearerAuth:
    return OAuthBearerAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token=token, clock=clock, **kwargs)


def client_for(fake: FakeQontoOAuth, auth: OAuthBearerAuth, **kwargs: Any) -> QontoClient:
    kwargs.setdefault("staging_token", fake.staging_token)
    return QontoClient(auth=auth, environment=fake.srv.environment, retry=FAST_RETRY, **kwargs)


def auth_context(qonto: QontoClient) -> AuthContext:
    return AuthContext(
        method="GET",
        url=qonto.environment.api_url + ORG_PATH,
        attempt=1,
        environment=qonto.environment,
        token_endpoint=qonto._session,
    )


class RecordingStore:
    """A TokenStore that writes what it saves into the fake's event log, and can be held inside ``save``."""

    def __init__(self, fake: FakeQontoOAuth, token: OAuthToken | None = None) -> None:
        self.fake = fake
        self.token = token
        self.saved: list[OAuthToken] = []
        self.api_calls_at_save: list[int] = []
        self.save_entered = asyncio.Event()
        self.hold: asyncio.Event | None = None  # when set, save() waits for it before it completes
        self.fail_with: Exception | None = None

    async def load(self) -> OAuthToken | None:
        return self.token

    async def save(self, token: OAuthToken) -> None:
        self.api_calls_at_save.append(len(self.fake.api_calls(token.access_token)))
        self.fake.log.append(("save-start", token.access_token))
        self.save_entered.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.fail_with is not None:
            raise self.fail_with
        self.token = token
        self.saved.append(token)
        self.fake.log.append(("save-end", token.access_token))

    def refresh_lock(self) -> contextlib.AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()


# --- 1. the bearer header ---------------------------------------------------------------------------------------


async def test_bearer_header_is_exact_on_every_attempt_retries_included(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint()
    fake.fail_next_api = 1  # the first attempt gets a 503, the retry succeeds
    async with client_for(fake, oauth(token, clock)) as qonto:
        org = await qonto.organization.get()
    assert org.id == "org-4f2a"
    calls = fake.api_calls()
    assert len(calls) == 2
    assert [c["headers"]["Authorization"] for c in calls] == [f"Bearer {token.access_token}"] * 2
    assert fake.token_calls() == []


async def test_fresh_token_is_used_without_any_token_call(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=120)  # outside the 60 s leeway
    auth = oauth(token, clock, leeway=60)
    async with client_for(fake, auth) as qonto:
        for _ in range(3):
            await qonto.organization.get()
    assert fake.token_calls() == []
    assert len(fake.api_calls(token.access_token)) == 3
    assert auth.refresh_count == 0


# --- 2. refresh ahead of expiry ---------------------------------------------------------------------------------


async def test_headers_hands_out_a_dict_of_its_own_and_reads_the_clock_once_per_attempt(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    reads: list[datetime] = []

    def counting() -> datetime:
        reads.append(clock())
        return clock()

    token = fake.mint(expires_in=30)  # inside the 60 s leeway: the first attempt refreshes
    auth = oauth(token, counting, leeway=60)
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()  # refreshes
        after_refresh = len(reads)
        await qonto.organization.get()
        assert len(reads) == after_refresh + 1  # no refresh due: one read for the attempt
        first = await auth.headers(auth_context(qonto))
        second = await auth.headers(auth_context(qonto))
    (new,) = fake.issued
    assert first == second == {"Authorization": f"Bearer {new.access_token}"}
    assert type(first) is dict  # a subclass may add to what it gets
    assert first is not second
    first["X-Extra"] = "1"
    assert "X-Extra" not in await auth.headers(auth_context(qonto))


async def test_a_patched_headers_is_called_instead_of_the_fast_path(fake: FakeQontoOAuth, clock: Clock) -> None:
    auth = oauth(fake.mint(expires_in=3600), clock)
    original = auth.headers
    seen: list[int] = []

    async def patched(ctx: AuthContext) -> Mapping[str, str]:
        seen.append(ctx.attempt)
        return {**await original(ctx), "X-Patched": "yes"}

    auth.headers = patched  # type: ignore[method-assign]
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
    assert seen == [1]
    assert fake.api_calls()[0]["headers"]["X-Patched"] == "yes"


async def test_headers_delegated_to_another_strategy_are_that_strategys(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    mine = oauth(fake.mint(expires_in=3600), clock)
    other = oauth(fake.mint(expires_in=3600), clock)
    mine.headers = other.headers  # type: ignore[method-assign]
    async with client_for(fake, mine) as qonto:
        await qonto.organization.get()
    assert fake.api_calls()[0]["headers"]["Authorization"] == f"Bearer {other.token.access_token}"


async def test_token_expiring_within_the_leeway_is_refreshed_before_the_request(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=30)  # still accepted by the server, but inside the 60 s leeway
    auth = oauth(token, clock, leeway=60)
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert [r["path"] for r in fake.srv.requests] == [TOKEN_PATH, ORG_PATH]
    assert fake.api_calls()[0]["headers"]["Authorization"] == f"Bearer {new.access_token}"
    assert auth.token.access_token == new.access_token
    assert auth.token.refresh_token == new.refresh_token
    assert auth.token.expires_at == clock() + timedelta(seconds=3600)
    assert auth.token.scopes == ("offline_access", "organization.read")


async def test_time_passing_makes_the_next_request_refresh(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=3600)
    auth = oauth(token, clock, leeway=60)
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
        clock.advance(3600 - 59)  # now inside the leeway
        await qonto.organization.get()
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert [c["headers"]["Authorization"] for c in fake.api_calls()] == [
        f"Bearer {token.access_token}",
        f"Bearer {new.access_token}",
    ]


# --- 3. the token call ------------------------------------------------------------------------------------------


async def test_token_call_is_a_form_post_with_client_credentials_in_the_body(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1)
    async with client_for(fake, oauth(token, clock)) as qonto:
        await qonto.organization.get()
    (call,) = fake.token_calls()
    assert call["method"] == "POST"
    assert call["query"] == []
    assert call["headers"]["Content-Type"] == FORM
    assert sorted(parse_qsl(call["body"], keep_blank_values=True)) == sorted(
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", token.refresh_token),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ]
    )
    # client_secret_post: no HTTP Basic client authentication, and no bearer token on the token call.
    assert "Authorization" not in call["headers"]
    # Production-like: the staging token never goes anywhere.
    for request in fake.srv.requests:
        assert "X-Qonto-Staging-Token" not in request["headers"]


async def test_sandbox_sends_the_staging_token_on_the_token_call_and_on_api_calls(
    sandbox_fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = sandbox_fake.mint(expires_in=-1)
    async with client_for(sandbox_fake, oauth(token, clock)) as qonto:
        org = await qonto.organization.get()
    assert org.id == "org-4f2a"
    assert [r["path"] for r in sandbox_fake.srv.requests] == [TOKEN_PATH, ORG_PATH]
    for request in sandbox_fake.srv.requests:
        assert request["headers"]["X-Qonto-Staging-Token"] == STAGING_TOKEN
    (call,) = sandbox_fake.token_calls()
    assert "Authorization" not in call["headers"]
    assert call["headers"]["Content-Type"] == FORM


# --- 4. 401 handling --------------------------------------------------------------------------------------------


async def test_401_on_the_current_token_refreshes_once_and_retries(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint()
    fake.revoke(token.access_token)  # still fresh locally, but the server no longer accepts it
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        org = await qonto.organization.get()
    assert org.id == "org-4f2a"
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert [c["headers"]["Authorization"] for c in fake.api_calls()] == [
        f"Bearer {token.access_token}",
        f"Bearer {new.access_token}",
    ]
    assert auth.refresh_count == 1


async def test_401_again_after_the_refresh_raises_without_looping(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint()
    fake.reject_all = True
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        with pytest.raises(AuthenticationError) as caught:
            await qonto.organization.get()
    assert caught.value.status == 401
    assert len(fake.token_calls()) == 1
    assert len(fake.api_calls()) == 2
    assert auth.refresh_count == 1
    assert_clean_error(caught.value)


async def test_401_without_a_refresh_token_raises_without_a_token_call(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(refresh=False)
    fake.revoke(token.access_token)
    async with client_for(fake, oauth(token, clock)) as qonto:
        with pytest.raises(AuthenticationError):
            await qonto.organization.get()
    assert fake.token_calls() == []
    assert len(fake.api_calls()) == 1


async def test_expired_token_without_a_refresh_token_says_how_to_get_one(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1, refresh=False)
    async with client_for(fake, oauth(token, clock)) as qonto:
        with pytest.raises(OAuthError, match="offline_access") as caught:
            await qonto.organization.get()
    assert caught.value.error == "no_refresh_token"
    assert fake.srv.requests == []
    assert_clean_error(caught.value)


# --- 5. one refresh for a storm ---------------------------------------------------------------------------------


async def test_500_concurrent_requests_on_an_expired_token_make_exactly_one_token_call(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-5)
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        orgs = await asyncio.gather(*(qonto.organization.get() for _ in range(500)))
    assert len(orgs) == 500
    assert all(org.id == "org-4f2a" for org in orgs)
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert len(fake.api_calls()) == 500
    assert len(fake.api_calls(new.access_token)) == 500
    assert auth.refresh_count == 1


async def test_500_concurrent_requests_answered_401_make_exactly_one_token_call(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=3600)  # fresh locally ...
    fake.revoke(token.access_token)  # ... but revoked on the server
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        orgs = await asyncio.gather(*(qonto.organization.get() for _ in range(500)))
    assert len(orgs) == 500
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert len(fake.api_calls(new.access_token)) == 500
    # Every request that met the 401 was retried once with the new token; none needed more.
    assert len(fake.api_calls()) == 500 + len(fake.api_calls(token.access_token))
    assert auth.refresh_count == 1


# --- 6. rotation and durability ---------------------------------------------------------------------------------


async def test_new_pair_is_saved_before_any_request_uses_it(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=-1)
    store = RecordingStore(fake, token)
    auth = oauth(token, clock, token_store=store)
    async with client_for(fake, auth) as qonto:
        await asyncio.gather(*(qonto.organization.get() for _ in range(20)))
    (new,) = fake.issued
    assert store.saved[-1] == new
    assert store.token == new
    assert store.api_calls_at_save[-1] == 0
    events = fake.log
    saved_at = events.index(("save-end", new.access_token))
    first_use = events.index(("api", new.access_token))
    assert events.index(("issue", new.access_token)) < saved_at < first_use
    assert len(fake.api_calls(new.access_token)) == 20


async def test_a_request_started_while_the_new_pair_is_being_saved_waits_for_the_save(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1)
    store = RecordingStore(fake, token)
    store.hold = asyncio.Event()
    auth = oauth(token, clock, token_store=store)
    async with client_for(fake, auth) as qonto:
        first = asyncio.create_task(qonto.organization.get())
        await store.save_entered.wait()  # the token call is done; the new pair is not durable yet
        assert fake.log[-1][0] == "save-start"
        probe = asyncio.create_task(auth.headers(auth_context(qonto)))
        later = asyncio.create_task(qonto.organization.get())
        try:
            # One turn of the event loop (not a wait for time to pass): enough for a lock-free path to finish.
            await asyncio.sleep(0)
            probe_done_during_save = probe.done()
        finally:
            store.hold.set()
            headers, *_ = await asyncio.gather(probe, first, later)
    assert not probe_done_during_save, "a request got the new access token before it was saved"
    (new,) = fake.issued
    assert headers == {"Authorization": f"Bearer {new.access_token}"}
    saved_at = fake.log.index(("save-end", new.access_token))
    uses = [i for i, event in enumerate(fake.log) if event == ("api", new.access_token)]
    assert len(uses) == 2
    assert min(uses) > saved_at
    assert len(fake.token_calls()) == 1


async def test_a_failed_save_fails_the_request_but_keeps_the_new_pair_in_memory(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1)
    store = RecordingStore(fake, token)
    store.fail_with = OSError("disk full")
    auth = oauth(token, clock, token_store=store)
    async with client_for(fake, auth) as qonto:
        with pytest.raises(TokenStoreError) as caught:
            await qonto.organization.get()
        assert fake.api_calls() == []
        # The old refresh token is spent (rotation): the new pair is the only live one, so it is not dropped.
        store.fail_with = None
        await qonto.organization.get()
    (new,) = fake.issued
    assert auth.token == new
    assert len(fake.token_calls()) == 1
    assert len(fake.api_calls(new.access_token)) == 1
    assert_clean_error(caught.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_on_token_refreshed_gets_the_saved_pair_after_the_lock_is_released(
    fake: FakeQontoOAuth, clock: Clock, kind: str
) -> None:
    token = fake.mint(expires_in=-1)
    store = RecordingStore(fake, token)
    seen: list[tuple[OAuthToken, bool, bool]] = []
    auth: OAuthBearerAuth

    def record(new: OAuthToken) -> None:
        seen.append((new, auth._lock.locked(), new in store.saved))

    async def record_async(new: OAuthToken) -> None:
        record(new)

    auth = oauth(token, clock, token_store=store, on_token_refreshed=record if kind == "sync" else record_async)
    async with client_for(fake, auth) as qonto:
        await asyncio.gather(*(qonto.organization.get() for _ in range(10)))
    (new,) = fake.issued
    assert seen == [(new, False, True)]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_raising_callback_is_logged_and_does_not_fail_the_request(
    fake: FakeQontoOAuth, clock: Clock, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    def explode(_new: OAuthToken) -> None:
        raise RuntimeError("callback exploded")

    async def explode_async(new: OAuthToken) -> None:
        explode(new)

    token = fake.mint(expires_in=-1)
    auth = oauth(token, clock, on_token_refreshed=explode if kind == "sync" else explode_async)
    async with client_for(fake, auth) as qonto:
        org = await qonto.organization.get()
        await qonto.organization.get()
    assert org.id == "org-4f2a"
    (new,) = fake.issued
    assert auth.token == new
    failures = [r for r in caplog.records if "on_token_refreshed" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert failures[0].name.startswith("qonto_async")
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


async def test_rotation_each_refresh_spends_the_previous_refresh_token(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=-1)
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
        clock.advance(3600)
        await qonto.organization.get()
        clock.advance(3600)
        await qonto.organization.get()
    first, second, third = fake.issued
    spent = [dict(parse_qsl(c["body"]))["refresh_token"] for c in fake.token_calls()]
    assert spent == [token.refresh_token, first.refresh_token, second.refresh_token]
    assert auth.token == third


async def test_public_refresh_forces_a_token_call(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint()
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        new = await auth.refresh(qonto._session)
    assert fake.issued == [new]
    assert auth.token == new


# --- 7. token-endpoint errors -----------------------------------------------------------------------------------


async def test_old_refresh_token_works_within_the_grace_period_and_then_gives_invalid_grant(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1)
    async with client_for(fake, oauth(token, clock)) as qonto:
        await qonto.organization.get()  # first use of the refresh token
    clock.advance(59)
    # Another holder of the same (now rotated) pair, inside the 60 s grace period: still accepted.
    async with client_for(fake, oauth(token, clock)) as qonto:
        await qonto.organization.get()
    assert len(fake.issued) == 2
    clock.advance(2)  # 61 s after the first use
    late = oauth(token, clock)
    async with client_for(fake, late) as qonto:
        with pytest.raises(InvalidGrantError, match="must authorize again") as caught:
            await qonto.organization.get()
    assert isinstance(caught.value, OAuthError)
    assert caught.value.error == "invalid_grant"
    assert caught.value.status == 400
    assert caught.value.description == "The refresh token was already used."
    assert len(fake.token_calls()) == 3
    assert len(fake.api_calls()) == 2  # the refused refresh sent no API call
    assert late.token == token
    assert_clean_error(caught.value)


async def test_invalid_grant_is_not_retried(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=-1)
    fake.refresh.clear()  # the server forgot the refresh token (revoked consent)
    async with client_for(fake, oauth(token, clock)) as qonto:
        with pytest.raises(InvalidGrantError):
            await qonto.organization.get()
        with pytest.raises(InvalidGrantError):
            await qonto.organization.get()
    assert len(fake.token_calls()) == 2  # one per request: no retry of a dead grant


async def test_invalid_client_is_an_oauth_error_not_invalid_grant(fake: FakeQontoOAuth, clock: Clock) -> None:
    token = fake.mint(expires_in=-1)
    auth = OAuthBearerAuth(client_id=CLIENT_ID, client_secret="wrong-secret-42", token=token, clock=clock)
    async with client_for(fake, auth) as qonto:
        with pytest.raises(OAuthError) as caught:
            await qonto.organization.get()
    assert not isinstance(caught.value, InvalidGrantError)
    assert caught.value.error == "invalid_client"
    assert caught.value.status == 401
    assert "client_secret" in str(caught.value)
    assert len(fake.token_calls()) == 1
    assert fake.api_calls() == []
    assert_clean_error(caught.value)


@pytest.mark.parametrize("gate", ["html", "redirect"])
async def test_sandbox_token_call_without_a_valid_staging_token_raises_staging_token_error(
    sandbox_fake: FakeQontoOAuth, clock: Clock, gate: str
) -> None:
    sandbox_fake.gate = gate
    token = sandbox_fake.mint(expires_in=-1)
    async with client_for(sandbox_fake, oauth(token, clock), staging_token="stg-wrong-0000") as qonto:
        with pytest.raises(StagingTokenError) as caught:
            await qonto.organization.get()
    assert "X-Qonto-Staging-Token" in str(caught.value)
    assert caught.value.url.endswith(TOKEN_PATH)
    assert len(sandbox_fake.token_calls()) == 1  # a redirect is never followed, a gate page never retried
    assert sandbox_fake.api_calls() == []
    assert_clean_error(caught.value)
    assert "stg-wrong-0000" not in str(caught.value)


# --- 8. reconciliation with the token store ---------------------------------------------------------------------


async def test_a_newer_pair_in_the_file_store_wins_over_the_configured_one(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    configured = fake.mint(expires_in=-600)  # from configuration: old and expired
    newer = fake.mint(expires_in=3000)  # written by "another process"
    path = tmp_path / "qonto-token.json"
    await FileTokenStore(path).save(newer)
    auth = oauth(configured, clock, token_store=FileTokenStore(path))
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
        await qonto.organization.get()
    assert fake.token_calls() == []
    assert len(fake.api_calls(newer.access_token)) == 2
    assert auth.token == newer
    assert await FileTokenStore(path).load() == newer


async def test_an_expired_newer_pair_in_the_store_is_refreshed_with_its_own_refresh_token(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    configured = fake.mint(expires_in=-600)
    newer = fake.mint(expires_in=-10)
    path = tmp_path / "qonto-token.json"
    await FileTokenStore(path).save(newer)
    auth = oauth(configured, clock, token_store=FileTokenStore(path))
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
    (call,) = fake.token_calls()
    assert dict(parse_qsl(call["body"]))["refresh_token"] == newer.refresh_token
    (issued,) = fake.issued
    assert await FileTokenStore(path).load() == issued


async def test_an_older_pair_in_the_store_is_replaced_by_the_configured_one(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    older = fake.mint(expires_in=-600)
    configured = fake.mint(expires_in=3000)
    path = tmp_path / "qonto-token.json"
    await FileTokenStore(path).save(older)
    auth = oauth(configured, clock, token_store=FileTokenStore(path))
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
    assert fake.token_calls() == []
    assert len(fake.api_calls(configured.access_token)) == 1
    assert await FileTokenStore(path).load() == configured


async def test_an_empty_store_is_seeded_with_the_configured_pair(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    configured = fake.mint()
    path = tmp_path / "qonto-token.json"
    async with client_for(fake, oauth(configured, clock, token_store=FileTokenStore(path))) as qonto:
        await qonto.organization.get()
    assert fake.token_calls() == []
    assert await FileTokenStore(path).load() == configured


async def test_two_processes_sharing_a_token_file_refresh_exactly_once(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    token = fake.mint(expires_in=-30)
    path = tmp_path / "qonto-token.json"
    # Two auth objects, each with its own FileTokenStore on the same file: two "processes" in one loop.
    auth_a = oauth(token, clock, token_store=FileTokenStore(path))
    auth_b = oauth(token, clock, token_store=FileTokenStore(path))
    async with client_for(fake, auth_a) as qa, client_for(fake, auth_b) as qb:
        requests = [q.organization.get() for _ in range(50) for q in (qa, qb)]
        orgs = await asyncio.gather(*requests)
    assert len(orgs) == 100
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert auth_a.token == auth_b.token == new
    assert await FileTokenStore(path).load() == new
    assert len(fake.api_calls(new.access_token)) == 100
    assert auth_a.refresh_count + auth_b.refresh_count == 1


async def test_two_processes_sharing_a_token_file_after_expiry_refresh_once_again(
    fake: FakeQontoOAuth, clock: Clock, tmp_path: Path
) -> None:
    token = fake.mint()
    path = tmp_path / "qonto-token.json"
    auth_a = oauth(token, clock, token_store=FileTokenStore(path))
    auth_b = oauth(token, clock, token_store=FileTokenStore(path))
    async with client_for(fake, auth_a) as qa, client_for(fake, auth_b) as qb:
        await asyncio.gather(qa.organization.get(), qb.organization.get())
        assert fake.token_calls() == []
        clock.advance(3600)
        await asyncio.gather(*(q.organization.get() for _ in range(20) for q in (qa, qb)))
    assert len(fake.token_calls()) == 1
    (new,) = fake.issued
    assert auth_a.token == auth_b.token == new


# --- 11. secrets ------------------------------------------------------------------------------------------------


async def test_repr_of_the_auth_and_client_hide_secrets_after_a_refresh(
    fake: FakeQontoOAuth, clock: Clock
) -> None:
    token = fake.mint(expires_in=-1)
    auth = oauth(token, clock)
    async with client_for(fake, auth) as qonto:
        await qonto.organization.get()
        assert_no_secrets(repr(auth))
        assert_no_secrets(str(auth))
        assert_no_secrets(repr(qonto))
        assert_no_secrets(repr(auth.token))
        assert_no_secrets(repr(auth_context(qonto)))
