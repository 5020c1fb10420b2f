"""QontoClient and its first resources over real loopback HTTP: requests built, models decoded, pages followed."""

from __future__ import annotations

import gc
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web

from qonto_async import (
    ClientClosedError,
    ConfigurationError,
    CredentialFormatError,
    NotFoundError,
    OAuthBearerAuth,
    OAuthToken,
    PaginationError,
    QontoClient,
    QontoTimeoutError,
    RetryPolicy,
    StagingTokenError,
    StaticKeyAuth,
    Timeout,
    capture_responses,
)
from qonto_async.models import BankAccount, Transaction, TransactionSide, TransactionStatus
from tests.conftest import LoopbackServer

LOGIN = "pied-piper-7132"
SECRET = "62885d39f3a0ddedd3d3ee0432a43ccr"
KEY = StaticKeyAuth(login=LOGIN, secret_key=SECRET)

ACCOUNT = {
    "id": "018f2a5e-7a3b-7000-8000-000000000001",
    "slug": "pied-piper-7132-bank-account-1",
    "iban": "FR7616798000010000005663951",
    "bic": "TRZOFR21XXX",
    "currency": "EUR",
    "balance": 1100.5,
    "balance_cents": 110050,
    "authorized_balance": "1100.50",
    "authorized_balance_cents": 110050,
    "name": "Main account",
    "updated_at": "2026-01-27T22:05:07.000Z",
    "status": "active",
    "main": True,
}


def tx(n: int) -> dict[str, Any]:
    return {
        "id": f"tx-{n}",
        "transaction_id": f"pied-piper-7132-transaction-{n}",
        "amount": 0.1 * n,
        "amount_cents": 10 * n,
        "currency": "EUR",
        "side": "debit" if n % 2 else "credit",
        "operation_type": "card" if n % 3 else "brand_new_type",
        "status": "completed",
        "label": f"Label {n}",
        "settled_at": "2026-02-01T10:00:00.123Z",
        "emitted_at": "2026-01-31T09:00:00+02:00",
        "updated_at": "2026-02-01T10:00:00Z",
        "note": "",
    }


@pytest.fixture
async def qonto(server: LoopbackServer) -> AsyncIterator[QontoClient]:
    assert server.environment is not None
    async with QontoClient(auth=KEY, environment=server.environment, retry=RetryPolicy(backoff_base=0)) as client:
        yield client


def paged(server: LoopbackServer, path: str, key: str, pages: dict[int, dict[str, Any]]) -> None:
    """Serve `pages` (page number -> body), recording which page numbers were asked for."""

    async def handler(request: web.Request) -> web.StreamResponse:
        page = int(request.query.get("page", "1"))
        return web.json_response(pages.get(page, {key: [], "meta": {"current_page": page, "next_page": None}}))

    server.route("GET", path)(handler)


async def test_organization_get(qonto: QontoClient, server: LoopbackServer) -> None:
    server.json(
        "GET",
        "/v2/organization",
        {"organization": {"id": "org-1", "slug": LOGIN, "legal_share_capital": 1000, "bank_accounts": [ACCOUNT]}},
        headers={"X-Tyk-Trace-Id": "trace-org"},
    )
    with capture_responses() as responses:
        org = await qonto.organization.get(include_external_accounts=True)
    assert org.slug == LOGIN
    assert org.legal_share_capital == Decimal("1000")
    [account] = org.bank_accounts
    assert account.balance == Decimal("1100.5")
    assert account.authorized_balance == Decimal("1100.50")
    assert account.balance_cents == 110050
    assert account.updated_at == datetime(2026, 1, 27, 22, 5, 7, tzinfo=UTC)
    assert responses[-1].trace_id == "trace-org"
    [call] = server.calls("GET", "/v2/organization")
    assert call["query"] == [("include_external_accounts", "true")]
    assert call["headers"]["Authorization"] == f"{LOGIN}:{SECRET}"
    assert "X-Qonto-Staging-Token" not in call["headers"]


async def test_bank_accounts_list_get_and_iterate(qonto: QontoClient, server: LoopbackServer) -> None:
    second = {**ACCOUNT, "id": "acc/2", "main": False}
    paged(
        server,
        "/v2/bank_accounts",
        "bank_accounts",
        {
            1: {"bank_accounts": [ACCOUNT], "meta": {"current_page": 1, "next_page": 2, "per_page": 1}},
            2: {"bank_accounts": [second], "meta": {"current_page": 2, "next_page": None, "per_page": 1}},
        },
    )
    page = await qonto.bank_accounts.list(page=1, per_page=1)
    assert [a.id for a in page.items] == [ACCOUNT["id"]]
    assert page.next_page == 2
    assert [a.id async for a in qonto.bank_accounts.iterate(per_page=1)] == [ACCOUNT["id"], "acc/2"]
    server.json("GET", "/v2/bank_accounts/acc%2F2", {"bank_account": second})
    got = await qonto.bank_accounts.get("acc/2")
    assert isinstance(got, BankAccount)
    assert got.id == "acc/2"
    assert server.requests[-1]["raw_path"] == "/v2/bank_accounts/acc%2F2"


async def test_transactions_list_encodes_filters_like_qonto(qonto: QontoClient, server: LoopbackServer) -> None:
    paged(
        server,
        "/v2/transactions",
        "transactions",
        {1: {"transactions": [tx(1), tx(3)], "meta": {"current_page": 1, "next_page": None}}},
    )
    page = await qonto.transactions.list(
        bank_account_id="acc-1",
        status=[TransactionStatus.PENDING, "completed"],
        settled_at_from=datetime(2026, 1, 1, tzinfo=UTC),
        settled_at_to=datetime(2026, 1, 31, 23, 59, 59, 999000, tzinfo=timezone(timedelta(hours=1))),
        side="debit",
        operation_type=["card", "transfer"],
        with_attachments=False,
        includes=["labels", "attachments"],
        sort_by="settled_at:asc",
        page=1,
        per_page=50,
    )
    [call] = server.calls("GET", "/v2/transactions")
    assert call["query"] == [
        ("bank_account_id", "acc-1"),
        ("status[]", "pending"),
        ("status[]", "completed"),
        ("settled_at_from", "2026-01-01T00:00:00.000Z"),
        ("settled_at_to", "2026-01-31T22:59:59.999Z"),
        ("side", "debit"),
        ("operation_type[]", "card"),
        ("operation_type[]", "transfer"),
        ("with_attachments", "false"),
        ("includes[]", "labels"),
        ("includes[]", "attachments"),
        ("sort_by", "settled_at:asc"),
        ("page", "1"),
        ("per_page", "50"),
    ]
    first, third = page.items
    assert isinstance(first, Transaction)
    assert first.amount == Decimal("0.1")
    assert first.side is TransactionSide.DEBIT
    assert third.operation_type == "brand_new_type"
    assert first.note is None
    assert first.emitted_at == datetime(2026, 1, 31, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({}, "bank_account_id"),
        ({"bank_account_id": "a", "iban": "FR76"}, "not both"),
        ({"bank_account_id": "a", "settled_at_from": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"bank_account_id": "a", "per_page": 101}, "per_page"),
        ({"bank_account_id": "a", "per_page": 0}, "per_page"),
        ({"bank_account_id": "a", "page": 0}, "page"),
        ({"bank_account_id": "a", "sort_by": "amount:desc"}, "sort_by"),
        ({"bank_account_id": "a", "side": "both"}, "side"),
        ({"bank_account_id": "a", "includes": ["everything"]}, "includes"),
        ({"bank_account_id": "a", "status": ["completed", None]}, "None"),
        ({"bank_account_id": ""}, "empty"),
    ],
    ids=[
        "no-account",
        "both-accounts",
        "naive-datetime",
        "per-page-101",
        "per-page-0",
        "page-0",
        "bad-sort",
        "bad-side",
        "bad-include",
        "none-status",
        "empty-id",
    ],
)
async def test_bad_arguments_fail_before_sending(
    qonto: QontoClient, server: LoopbackServer, kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        await qonto.transactions.list(**kwargs)
    if "page" not in kwargs:
        with pytest.raises(ConfigurationError, match=fragment):
            qonto.transactions.iterate(**kwargs)
    assert server.requests == []


@pytest.mark.parametrize(
    "last_meta",
    [
        {"current_page": 2, "next_page": None},
        {"current_page": 2, "next_page": 0},
        {"current_page": 2},
    ],
    ids=["next-null", "next-zero", "next-missing"],
)
async def test_iterate_stops_on_every_last_page_shape(
    qonto: QontoClient, server: LoopbackServer, last_meta: dict[str, Any]
) -> None:
    paged(
        server,
        "/v2/transactions",
        "transactions",
        {
            1: {"transactions": [tx(1), tx(2)], "meta": {"current_page": 1, "next_page": 2}},
            2: {"transactions": [tx(3)], "meta": last_meta},
        },
    )
    ids = [
        t.id
        async for t in qonto.transactions.iterate(
            bank_account_id="acc-1", status=["pending", "completed"], per_page=2
        )
    ]
    assert ids == ["tx-1", "tx-2", "tx-3"]
    calls = server.calls("GET", "/v2/transactions")
    assert [dict(c["query"])["page"] for c in calls] == ["1", "2"]
    assert all(("status[]", "pending") in c["query"] and dict(c["query"])["per_page"] == "2" for c in calls)


async def test_iterate_stops_on_an_empty_page_and_missing_meta(qonto: QontoClient, server: LoopbackServer) -> None:
    paged(
        server,
        "/v2/transactions",
        "transactions",
        {
            1: {"transactions": [tx(1)], "meta": {"current_page": 1, "next_page": 2}},
            2: {"transactions": [], "meta": {"current_page": 2, "next_page": 3}},
        },
    )
    assert [t.id async for t in qonto.transactions.iterate(bank_account_id="a")] == ["tx-1"]
    server.json("GET", "/v2/bank_accounts", {"bank_accounts": [ACCOUNT]})
    assert [a.id async for a in qonto.bank_accounts.iterate()] == [ACCOUNT["id"]]


async def test_iterate_refuses_a_page_number_that_does_not_advance(
    qonto: QontoClient, server: LoopbackServer
) -> None:
    paged(
        server,
        "/v2/transactions",
        "transactions",
        {1: {"transactions": [tx(1)], "meta": {"current_page": 1, "next_page": 1}}},
    )
    with pytest.raises(PaginationError, match="next_page=1"):
        [t async for t in qonto.transactions.iterate(bank_account_id="a")]


async def test_iterate_has_a_loop_cap(qonto: QontoClient, server: LoopbackServer) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        page = int(request.query["page"])
        return web.json_response(
            {"transactions": [tx(page)], "meta": {"current_page": page, "next_page": page + 1}}
        )

    server.route("GET", "/v2/transactions")(endless)
    seen = []
    with pytest.raises(PaginationError, match="max_pages"):  # noqa: PT012 - the items before the cap are the point
        async for t in qonto.transactions.iterate(bank_account_id="a", max_pages=5):
            seen.append(t.id)
    assert len(seen) == 5


async def test_pages_and_reiteration(qonto: QontoClient, server: LoopbackServer) -> None:
    paged(
        server,
        "/v2/transactions",
        "transactions",
        {
            1: {"transactions": [tx(1)], "meta": {"current_page": 1, "next_page": 2, "total_count": 2}},
            2: {"transactions": [tx(2)], "meta": {"current_page": 2, "next_page": None}},
        },
    )
    paginator = qonto.transactions.iterate(bank_account_id="a")
    pages = [p async for p in paginator.pages()]
    assert [len(p) for p in pages] == [1, 1]
    assert pages[0].meta is not None
    assert pages[0].meta.total_count == 2
    assert [t.id for t in await paginator.to_list()] == ["tx-1", "tx-2"]
    assert [t.id for t in await paginator.to_list(limit=1)] == ["tx-1"]


async def test_transactions_get_and_not_found(qonto: QontoClient, server: LoopbackServer) -> None:
    server.json("GET", "/v2/transactions/tx-9", {"transaction": tx(9)})
    got = await qonto.transactions.get("tx-9", includes="vat_details")
    assert got.id == "tx-9"
    assert server.calls("GET", "/v2/transactions/tx-9")[0]["query"] == [("includes[]", "vat_details")]
    with pytest.raises(NotFoundError) as info:
        await qonto.transactions.get("missing")
    assert info.value.status == 404


async def test_staging_gate_over_real_http(sandbox_server: LoopbackServer) -> None:
    assert sandbox_server.environment is not None

    async def gate(request: web.Request) -> web.StreamResponse:
        if request.headers.get("X-Qonto-Staging-Token") != "stg":
            raise web.HTTPFound("https://qonto.onelogin.com/login")
        return web.json_response({"organization": {"id": "o"}})

    async def html(_request: web.Request) -> web.StreamResponse:
        return web.Response(text="<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html")

    sandbox_server.route("GET", "/v2/organization")(gate)
    sandbox_server.route("GET", "/v2/bank_accounts")(html)
    with pytest.raises(ConfigurationError, match="staging token"):
        QontoClient(auth=KEY, environment=sandbox_server.environment)
    async with QontoClient(auth=KEY, environment=sandbox_server.environment, staging_token="wrong") as bad:
        with pytest.raises(StagingTokenError, match="X-Qonto-Staging-Token"):
            await bad.organization.get()
    async with QontoClient(auth=KEY, environment=sandbox_server.environment, staging_token="stg") as good:
        assert (await good.organization.get()).id == "o"
        with pytest.raises(StagingTokenError):
            await good.bank_accounts.list()
    assert all(r["headers"].get("X-Qonto-Staging-Token") in ("wrong", "stg") for r in sandbox_server.requests)
    assert len(sandbox_server.requests) == 3


async def test_redirects_never_carry_credentials_elsewhere(server: LoopbackServer) -> None:
    other = await LoopbackServer(requires_staging_token=False).start()
    try:
        assert other.environment is not None
        assert server.environment is not None

        async def redirect(_request: web.Request) -> web.StreamResponse:
            raise web.HTTPTemporaryRedirect(f"{other.environment.api_url}/v2/organization")  # type: ignore[union-attr]

        server.route("GET", "/v2/organization")(redirect)
        async with QontoClient(auth=KEY, environment=server.environment) as qonto:
            with pytest.raises(Exception, match="not followed"):
                await qonto.organization.get()
        assert other.requests == []
    finally:
        await other.stop()


async def test_timeouts_are_typed(server: LoopbackServer) -> None:
    import asyncio

    assert server.environment is not None
    release = asyncio.Event()

    async def slow(_request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({})

    server.route("GET", "/v2/organization")(slow)
    async with QontoClient(
        auth=KEY, environment=server.environment, timeout=Timeout(total=0.2), retry=RetryPolicy.disabled()
    ) as qonto:
        with pytest.raises(QontoTimeoutError, match="timed out"):
            await qonto.organization.get()
    release.set()


async def test_with_options_shares_the_pool_and_changes_settings(
    qonto: QontoClient, server: LoopbackServer
) -> None:
    server.json("GET", "/v2/organization", {"organization": {"id": "o"}})
    fast = qonto.with_options(timeout=5, retry=RetryPolicy.disabled())
    assert fast.options.timeout == Timeout(connect=5.0, total=5.0)
    assert fast.options.retry.max_attempts == 1
    assert qonto.options.timeout == Timeout()
    assert fast._session is qonto._session
    await fast.organization.get()
    await fast.aclose()
    assert not qonto.closed
    await qonto.organization.get()


async def test_organization_id_header_for_the_user_oauth_flow(server: LoopbackServer) -> None:
    assert server.environment is not None
    server.json("GET", "/v2/organization", {"organization": {"id": "o"}})
    token = OAuthToken(
        access_token="at-1", refresh_token="rt-1", expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    auth = OAuthBearerAuth(client_id="cid", client_secret="csecret", token=token)
    with pytest.raises(ConfigurationError, match="User OAuth"):
        QontoClient(auth=KEY, environment=server.environment, organization_id="org-1")
    async with QontoClient(auth=auth, environment=server.environment, organization_id="org-1") as qonto:
        await qonto.organization.get()
        await qonto.with_options(organization_id="org-2").organization.get()
    assert [r["headers"]["X-Qonto-Organization-Id"] for r in server.requests] == ["org-1", "org-2"]
    assert server.requests[0]["headers"]["Authorization"] == "Bearer at-1"


async def test_close_is_idempotent_and_use_after_close_is_clear(server: LoopbackServer) -> None:
    assert server.environment is not None
    qonto = QontoClient(auth=KEY, environment=server.environment)
    await qonto.aclose()
    await qonto.aclose()
    with pytest.raises(ClientClosedError, match="closed"):
        await qonto.organization.get()
    assert server.requests == []


async def test_an_unclosed_client_warns(server: LoopbackServer) -> None:
    assert server.environment is not None
    server.json("GET", "/v2/organization", {"organization": {"id": "o"}})
    qonto = QontoClient(auth=KEY, environment=server.environment)
    await qonto.organization.get()
    http = qonto._session._http
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del qonto
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) and "not closed" in str(w.message) for w in caught)
    assert http is not None
    await http.close()


def test_constructor_rejects_bad_arguments() -> None:
    with pytest.raises(ConfigurationError, match="Unknown Qonto environment"):
        QontoClient(auth=KEY, environment="staging")
    with pytest.raises(ConfigurationError, match="only"):
        QontoClient(auth=KEY, staging_token="stg")
    with pytest.raises(ConfigurationError, match="AuthStrategy"):
        QontoClient(auth="login:secret")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="auth is required"):
        QontoClient(auth=None)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="timeout"):
        QontoClient(auth=KEY, timeout="fast")  # type: ignore[arg-type]


def test_from_env_static_key_and_errors(tmp_path: Any) -> None:
    client = QontoClient.from_env({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": SECRET})
    assert client.environment.name == "production"
    assert isinstance(client.auth, StaticKeyAuth)
    assert SECRET not in repr(client)
    sandbox = QontoClient.from_env(
        {
            "QONTO_LOGIN": LOGIN,
            "QONTO_SECRET_KEY": SECRET,
            "QONTO_ENVIRONMENT": "sandbox",
            "QONTO_STAGING_TOKEN": "stg",
        }
    )
    assert sandbox.environment.name == "sandbox"
    cases: list[tuple[dict[str, str], str]] = [
        ({}, "no credentials"),
        ({"QONTO_LOGIN": LOGIN}, "QONTO_SECRET_KEY"),
        ({"QONTO_SECRET_KEY": SECRET}, "QONTO_LOGIN"),
        ({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": SECRET, "QONTO_CLIENT_ID": "c"}, "only one"),
        ({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": SECRET + "\n"}, "whitespace"),
        ({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": SECRET, "QONTO_ENVIRONMENT": "sandbox"}, "staging token"),
        ({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": SECRET, "QONTO_STAGING_TOKEN": "x"}, "only for the sandbox"),
        ({"QONTO_CLIENT_ID": "c", "QONTO_CLIENT_SECRET": "s"}, "QONTO_TOKEN_FILE"),
        ({"QONTO_CLIENT_ID": "c"}, "QONTO_CLIENT_SECRET"),
        (
            {"QONTO_CLIENT_ID": "c", "QONTO_CLIENT_SECRET": "s", "QONTO_TOKEN_FILE": str(tmp_path / "t.json")},
            "QONTO_REFRESH_TOKEN",
        ),
    ]
    for environ, fragment in cases:
        with pytest.raises(ConfigurationError, match=fragment) as info:
            QontoClient.from_env(environ)
        assert SECRET not in str(info.value)
    with pytest.raises(CredentialFormatError):
        QontoClient.from_env({"QONTO_LOGIN": SECRET, "QONTO_SECRET_KEY": LOGIN})


def test_from_env_oauth_seeds_from_refresh_token(tmp_path: Any) -> None:
    client = QontoClient.from_env(
        {
            "QONTO_CLIENT_ID": "cid",
            "QONTO_CLIENT_SECRET": "cs",
            "QONTO_TOKEN_FILE": str(tmp_path / "t.json"),
            "QONTO_REFRESH_TOKEN": "rt-seed",
        }
    )
    auth = client.auth
    assert isinstance(auth, OAuthBearerAuth)
    assert auth.token.refresh_token == "rt-seed"
    assert auth.token.expires_within(0)
    assert "rt-seed" not in repr(client)


async def test_closing_during_a_request_gives_client_closed_error(server: LoopbackServer) -> None:
    import asyncio

    assert server.environment is not None
    arrived = asyncio.Event()

    async def flaky(_request: web.Request) -> web.StreamResponse:
        arrived.set()
        return web.json_response({"errors": [{"code": "unavailable"}]}, status=503)

    server.route("GET", "/v2/organization")(flaky)
    qonto = QontoClient(auth=KEY, environment=server.environment, retry=RetryPolicy(backoff_base=0.05))
    call = asyncio.create_task(qonto.organization.get())
    await arrived.wait()
    await qonto.aclose()
    with pytest.raises(ClientClosedError, match="closed while the request"):
        await call


async def test_total_timeout_caps_the_whole_call(server: LoopbackServer) -> None:
    import asyncio
    import time

    assert server.environment is not None
    release = asyncio.Event()

    async def slow(_request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({})

    server.route("GET", "/v2/organization")(slow)
    policy = RetryPolicy(total_timeout=0.3, backoff_base=0)
    async with QontoClient(
        auth=KEY, environment=server.environment, timeout=Timeout(total=60), retry=policy
    ) as qonto:
        started = time.monotonic()
        with pytest.raises(QontoTimeoutError):
            await qonto.organization.get()
        assert time.monotonic() - started < 2
    release.set()


async def test_unkeyed_delete_is_not_retried(server: LoopbackServer) -> None:
    assert server.environment is not None
    server.json("DELETE", "/v2/oauth2/consents", {"errors": [{"code": "unavailable"}]}, status=503)
    token = OAuthToken(
        access_token="at-1", refresh_token="rt-1", expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    auth = OAuthBearerAuth(client_id="cid", client_secret="csecret", token=token)
    async with QontoClient(auth=auth, environment=server.environment, retry=RetryPolicy(backoff_base=0)) as qonto:
        with pytest.raises(Exception, match="503"):
            await qonto.oauth.revoke_consents()
    assert len(server.calls("DELETE", "/v2/oauth2/consents")) == 1


def test_more_bad_arguments_are_typed_errors() -> None:
    class SyncAuth:
        def headers(self, ctx: object) -> dict[str, str]:
            return {}

        async def on_unauthorized(self, ctx: object, sent: object) -> bool:
            return False

    with pytest.raises(ConfigurationError, match="async def"):
        QontoClient(auth=SyncAuth())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="user_agent"):
        QontoClient(auth=KEY, user_agent=123)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="User OAuth"):
        QontoClient(auth=KEY).with_options(organization_id="org-1")
    with pytest.raises(CredentialFormatError, match="QONTO_SECRET_KEY") as info:
        QontoClient.from_env({"QONTO_LOGIN": LOGIN, "QONTO_SECRET_KEY": "Bearer " + SECRET})
    assert "StaticKeyAuth" not in str(info.value)
    assert SECRET not in str(info.value)
