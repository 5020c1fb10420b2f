"""The client end to end against FakeQonto over real loopback HTTP (DESIGN §9)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from qonto_async import (
    AuthenticationError,
    ConfigurationError,
    InvalidGrantError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    QontoConnectionError,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    ServerError,
    StagingTokenError,
    StaticKeyAuth,
    Timeout,
    build_authorization_url,
    capture_responses,
    exchange_code,
)
from qonto_async.errors import QontoError
from qonto_async.models import TransactionStatus
from qonto_async.testing import FakeQonto, Quirks

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
ALL = ["pending", "declined", "completed"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto() as server:
        yield server
    assert server.internal_errors == []


def client(fake: FakeQonto, auth: object = None, **kwargs: object) -> QontoClient:
    return QontoClient(
        auth=auth if auth is not None else fake.static_key_auth(),  # type: ignore[arg-type]
        environment=fake.environment,
        staging_token=fake.staging_token,
        retry=kwargs.pop("retry", FAST),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def oauth(fake: FakeQonto, **kwargs: object) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    token = kwargs.pop("token", None) or fake.issue_token()
    return OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token, **kwargs)  # type: ignore[arg-type]


# -- static key, environments, the gate ---------------------------------------------------------------------------


async def test_static_key_reads_everything_the_client_covers(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with capture_responses() as responses:
            org = await qonto.organization.get()
        assert org.slug == fake.login
        assert len(org.bank_accounts) == 3
        assert responses[-1].trace_id == fake.last("GET", "/v2/organization").trace_id  # type: ignore[union-attr]
        with_external = await qonto.organization.get(include_external_accounts=True)
        assert with_external.bank_accounts[-1].is_external_account is True
        accounts = await qonto.bank_accounts.iterate(per_page=2).to_list()
        assert [a.id for a in accounts] == [a.id for a in org.bank_accounts]
        assert await qonto.bank_accounts.get(accounts[1].id) == accounts[1]
        page = await qonto.transactions.list(
            bank_account_id=accounts[0].id,
            status=ALL,
            includes=["labels", "attachments", "vat_details"],
            per_page=20,
        )
        assert len(page) == 20
        assert page.meta is not None
        assert page.meta.total_count == 250
        assert any(t.status == TransactionStatus.PENDING and t.settled_at is None for t in page)
        with_files = next(t for t in page if t.attachment_ids)
        assert with_files.attachments is not None
        assert with_files.attachments[0].id == with_files.attachment_ids[0]
        one = await qonto.transactions.get(with_files.id, includes=["attachments", "labels", "vat_details"])
        assert one == with_files
    headers = fake.last("GET", "/v2/transactions/" + with_files.id).headers  # type: ignore[union-attr]
    assert headers["X-Qonto-Staging-Token"] == fake.staging_token
    assert headers["Authorization"] == f"{fake.login}:{fake.secret_key}"


async def test_filters_the_client_sends_are_understood(fake: FakeQonto) -> None:
    account = fake.data.bank_accounts[0]
    async with client(fake) as qonto:
        everything = await qonto.transactions.iterate(iban=account["iban"], status=ALL).to_list()
        cut = everything[100].emitted_at
        assert cut is not None
        newer = await qonto.transactions.iterate(
            bank_account_id=account["id"], status=ALL, updated_at_from=cut, sort_by="updated_at:asc"
        ).to_list()
        assert newer
        assert all(t.updated_at and t.updated_at >= cut for t in newer)
        assert [t.id for t in newer] == [t.id for t in everything if t.updated_at and t.updated_at >= cut][::-1]
        settled = await qonto.transactions.iterate(
            bank_account_id=account["id"], settled_at_to=datetime(2026, 1, 1, tzinfo=UTC), side="credit"
        ).to_list()
        assert settled
        assert all(t.side == "credit" and t.settled_at and t.settled_at.year < 2026 for t in settled)
        attached = await qonto.transactions.list(bank_account_id=account["id"], with_attachments=True)
        assert attached.items
        assert all(t.attachment_ids for t in attached)
        cards = await qonto.transactions.list(bank_account_id=account["id"], operation_type=["card"])
        assert cards.items
        assert {t.operation_type for t in cards} == {"card"}


async def test_production_like_mode_needs_no_staging_token() -> None:
    async with FakeQonto(sandbox=False) as fake, client(fake) as qonto:
        assert (await qonto.organization.get()).slug == fake.login
        assert "X-Qonto-Staging-Token" not in fake.last().headers  # type: ignore[union-attr]


@pytest.mark.parametrize("html_gate", [False, True])
async def test_a_wrong_staging_token_hits_the_gate(html_gate: bool) -> None:
    async with FakeQonto(html_gate=html_gate) as fake:
        async with QontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token="not-the-token", retry=FAST
        ) as qonto:
            with pytest.raises(StagingTokenError):
                await qonto.organization.get()
        assert fake.count() == 1  # not retried, not followed


async def test_a_wrong_secret_is_a_401_carrying_the_fakes_detail_and_trace_id(fake: FakeQonto) -> None:
    auth = StaticKeyAuth(login=fake.login, secret_key="0123456789abcdef0123456789abcdef")
    async with client(fake, auth) as qonto:
        with pytest.raises(AuthenticationError) as caught:
            await qonto.organization.get()
    assert caught.value.status == 401
    assert caught.value.trace_id == fake.last().trace_id  # type: ignore[union-attr]
    assert "secret key is wrong" in str(caught.value)
    assert fake.count() == 1  # a static key is not retried on 401


async def test_raw_credential_mistakes_each_get_a_distinct_401(fake: FakeQonto) -> None:
    # StaticKeyAuth refuses these shapes before sending, so plain aiohttp sends them as a confused user would.
    pair = f"{fake.login}:{fake.secret_key}"
    values = [
        f"Bearer {pair}",
        f"Basic {pair}",
        pair.replace(":", ""),
        f"{fake.secret_key}:{fake.login}",
        f"{fake.login} :x",
    ]
    details = set()
    async with aiohttp.ClientSession() as http:
        for value in values:
            headers = {"Authorization": value, "X-Qonto-Staging-Token": fake.staging_token or ""}
            async with http.get(fake.url + "/v2/organization", headers=headers) as resp:
                body = await resp.json()
                assert resp.status == 401
                assert body["trace_id"] == resp.headers["X-Tyk-Trace-Id"]
                details.add(body["errors"][0]["detail"])
    assert len(details) == len(values)


# -- pagination ----------------------------------------------------------------------------------------------------


async def test_pagination_to_the_end_over_ten_thousand_transactions() -> None:
    async with FakeQonto(transactions_per_account=10_000, rate_limit=None) as fake, client(fake) as qonto:
        account = fake.data.bank_accounts[2]["id"]
        seen = set()
        async for tx in qonto.transactions.iterate(bank_account_id=account, status=ALL):
            seen.add(tx.id)
        assert len(seen) == 10_000
        assert fake.count("GET", "/v2/transactions") == 100
        completed = await qonto.transactions.iterate(bank_account_id=account, per_page=77).to_list()
        assert len(completed) == 9_000
        assert all(t.status == "completed" for t in completed)
        assert fake.count("GET", "/v2/transactions") == 100 + 117
        assert fake.internal_errors == []


@pytest.mark.parametrize(
    "quirks", [Quirks(next_page_zero_on_last_page=True), Quirks(omit_next_page_on_last_page=True)]
)
async def test_pagination_stops_on_the_last_page_quirks(quirks: Quirks) -> None:
    async with FakeQonto(transactions_per_account=45, quirks=quirks) as fake, client(fake) as qonto:
        txs = await qonto.transactions.iterate(
            bank_account_id=fake.data.bank_accounts[0]["id"], status=ALL, per_page=10
        ).to_list()
        assert len(txs) == 45
        assert fake.count("GET", "/v2/transactions") == 5


# -- retries under injected faults ---------------------------------------------------------------------------------


async def test_503s_are_retried_until_success(fake: FakeQonto) -> None:
    fake.faults.next(2, status=503)
    async with client(fake) as qonto:
        with capture_responses() as responses:
            await qonto.organization.get()
    assert [r.status for r in responses] == [503, 503, 200]
    assert fake.count("GET", "/v2/organization") == 3


async def test_retries_give_up_with_the_last_trace_id(fake: FakeQonto) -> None:
    fake.faults.next(10, status=503)
    async with client(fake, retry=RetryPolicy(max_attempts=3, backoff_base=0.0)) as qonto:
        with pytest.raises(ServerError) as caught:
            await qonto.organization.get()
    assert fake.count() == 3
    assert caught.value.trace_id == fake.last().trace_id


async def test_429_retry_after_is_honoured_or_raised(fake: FakeQonto) -> None:
    fake.faults.next(1, status=429, retry_after=0)
    async with client(fake) as qonto:
        await qonto.organization.get()
        assert fake.count() == 2
        fake.faults.next(1, status=429, retry_after=120)
        with pytest.raises(RateLimitError) as caught:
            await qonto.organization.get()
    assert caught.value.retry_after == 120
    assert fake.count() == 3


async def test_the_rate_limit_on_the_fake_clock() -> None:
    fake = FakeQonto(rate_limit=2, rate_window=10)
    await fake.start()
    try:
        async with client(fake, retry=RetryPolicy(max_retry_after=0.0, backoff_base=0.0)) as qonto:
            await qonto.bank_accounts.list()
            await qonto.bank_accounts.list()
            with pytest.raises(RateLimitError) as caught:
                await qonto.bank_accounts.list()
            assert caught.value.retry_after is not None
            assert 1 <= caught.value.retry_after <= 10
            fake.advance(10)
            await qonto.bank_accounts.list()
    finally:
        await fake.stop()


@pytest.mark.parametrize("fault", ["reset", "after_headers", "truncate"])
async def test_connection_faults_are_retried(fake: FakeQonto, fault: str) -> None:
    if fault == "reset":
        fake.faults.next(3, reset=True)  # aiohttp itself resends once, then the client's policy takes over
    elif fault == "after_headers":
        fake.faults.next(2, reset="after_headers")
    else:
        fake.faults.next(2, truncate=True)
    async with client(fake) as qonto:
        assert (await qonto.organization.get()).slug == fake.login
    assert [e.status for e in fake.journal][-1] == 200
    assert 0 in [e.status for e in fake.journal]


async def test_connection_faults_surface_when_retries_run_out(fake: FakeQonto) -> None:
    fake.faults.next(10, truncate=True)
    async with client(fake, retry=RetryPolicy(max_attempts=2, backoff_base=0.0)) as qonto:
        with pytest.raises(QontoConnectionError):
            await qonto.organization.get()
    assert fake.count() == 2


async def test_a_malformed_body_is_a_decode_error_not_retried(fake: FakeQonto) -> None:
    fake.faults.next(malformed=True)
    async with client(fake) as qonto:
        with pytest.raises(ResponseDecodeError) as caught:
            await qonto.organization.get()
    assert caught.value.trace_id == fake.last().trace_id
    assert fake.count() == 1


async def test_a_slow_answer_times_out_then_the_retry_succeeds(fake: FakeQonto) -> None:
    fake.faults.next(1, delay=0.3, path="/v2/organization")
    async with client(fake, timeout=Timeout(total=0.05)) as qonto:
        assert (await qonto.organization.get()).slug == fake.login
    async with client(fake, timeout=Timeout(total=0.05), retry=RetryPolicy.disabled()) as qonto:
        fake.faults.next(1, delay=0.3)
        with pytest.raises(QontoTimeoutError):
            await qonto.organization.get()


# -- OAuth ---------------------------------------------------------------------------------------------------------


async def test_an_expired_access_token_is_refreshed_with_rotation(fake: FakeQonto) -> None:
    auth = oauth(fake)
    first = auth.token
    fake.advance(3601)  # the fake now considers the access token expired; the client's own clock does not
    async with client(fake, auth) as qonto:
        with capture_responses() as responses:
            await qonto.organization.get()
    assert [(r.status, r.url.rsplit("/", 1)[-1]) for r in responses] == [
        (401, "organization"),
        (200, "token"),
        (200, "organization"),
    ]
    assert fake.token_calls["refresh_token"] == 1
    assert auth.token.refresh_token != first.refresh_token
    assert auth.token.access_token != first.access_token
    form = fake.last("POST", "/oauth/oauth2/token").form()  # type: ignore[union-attr]
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == first.refresh_token
    assert form["client_id"] == fake.client_id
    assert form["client_secret"] == fake.client_secret
    assert fake.last("POST", "/oauth/oauth2/token").headers["X-Qonto-Staging-Token"] == fake.staging_token  # type: ignore[union-attr]


async def test_refresh_before_expiry_on_a_shared_clock_and_only_once_under_concurrency(fake: FakeQonto) -> None:
    auth = oauth(fake, clock=fake.clock)
    fake.advance(3600 - 30)  # inside the client's 60 s leeway
    async with client(fake, auth) as qonto:
        await asyncio.gather(*(qonto.organization.get() for _ in range(20)))
    assert fake.token_calls["refresh_token"] == 1
    assert fake.count("GET", "/v2/organization") == 20  # no 401 on the way


async def test_a_rotated_away_refresh_token_dies_after_the_grace_period(fake: FakeQonto) -> None:
    token = fake.issue_token()
    fake.advance(3601)
    async with client(fake, oauth(fake, token=token)) as qonto:
        await qonto.organization.get()
    fake.advance(61)
    # A second process still holding the original pair (say, from configuration) is locked out.
    async with client(fake, oauth(fake, token=token)) as stale:
        with pytest.raises(InvalidGrantError):
            await stale.organization.get()


async def test_missing_scope_is_403(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, token=fake.issue_token(scopes=["membership.read"]))) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.bank_accounts.list()


async def test_revoking_consents_logs_the_app_out(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake)) as qonto:
        await qonto.oauth.revoke_consents()
        assert fake.last().status == 204  # type: ignore[union-attr]
        with pytest.raises(QontoError):
            await qonto.organization.get()


async def test_the_whole_authorization_code_flow(fake: FakeQonto) -> None:
    client_id, client_secret = fake.oauth_client()
    request = build_authorization_url(
        client_id=client_id,
        redirect_uri="http://127.0.0.1:8765/callback",
        scopes=["offline_access", "organization.read"],
        state="state-1234567",
        environment=fake.environment,
        pkce=True,
    )
    async with aiohttp.ClientSession() as http:
        headers = {"X-Qonto-Staging-Token": fake.staging_token or ""}
        async with http.get(request.url, headers=headers, allow_redirects=False) as resp:
            assert resp.status == 302
            query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == [request.state]
    assert request.pkce is not None
    kwargs = {
        "client_id": client_id,
        "client_secret": client_secret,
        "code": query["code"][0],
        "redirect_uri": "http://127.0.0.1:8765/callback",
        "code_verifier": request.pkce.verifier,
        "environment": fake.environment,
        "staging_token": fake.staging_token,
    }
    token = await exchange_code(**kwargs)  # type: ignore[arg-type]
    assert token.refresh_token
    assert set(token.scopes) == {"offline_access", "organization.read"}
    with pytest.raises(InvalidGrantError):
        await exchange_code(**kwargs)  # type: ignore[arg-type]
    async with client(fake, oauth(fake, token=token)) as qonto:
        assert (await qonto.organization.get()).slug == fake.login


async def test_client_side_validation_errors_match_the_fake(fake: FakeQonto) -> None:
    # The client refuses a malformed date before sending (nothing reaches the fake); the fake's own 400 for a raw
    # bad value is tested in tests/testing/test_fake_http.py.
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="ISO 8601"):
            await qonto.transactions.list(bank_account_id=fake.data.bank_accounts[0]["id"], updated_at_from="nope")
    assert fake.count("GET", "/v2/transactions") == 0
