"""Business account writes against FakeQonto (qonto-api.md §3.1 rows 13, 15, 16): create, rename, close."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from qonto_async import (
    ConfigurationError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    ScaRequired,
    ValidationError,
)
from qonto_async.models import BankAccount, BankAccountStatus
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
CLOSE = "POST /v2/bank_accounts/{id}/close"


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def client(
    fake: FakeQonto, *, scopes: tuple[str, ...] = ("bank_account.write", "organization.read")
) -> QontoClient:
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes))
    return QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST)


async def test_create_rename_and_close_an_account(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.bank_accounts.create(name="Tax pot")
        assert isinstance(created, BankAccount)
        assert (created.name, created.status, created.main, created.balance) == (
            "Tax pot",
            BankAccountStatus.ACTIVE,
            False,
            Decimal("0"),
        )
        renamed = await qonto.bank_accounts.update(created.id, name="Taxes 2026")
        assert (renamed.id, renamed.name) == (created.id, "Taxes 2026")
        closed = await qonto.bank_accounts.close(created.id)
        assert closed.status == BankAccountStatus.CLOSED
        with pytest.raises(ValidationError, match="already closed"):
            await qonto.bank_accounts.close(created.id)
    create = fake.last("POST", "/v2/bank_accounts")
    assert create is not None
    assert create.json() == {"bank_account": {"name": "Tax pot"}}
    assert create.headers["X-Qonto-Idempotency-Key"]
    patch = fake.last("PATCH", f"/v2/bank_accounts/{created.id}")
    assert patch is not None
    assert patch.json() == {"bank_account": {"name": "Taxes 2026"}}
    close = fake.last("POST", f"/v2/bank_accounts/{created.id}/close")
    assert close is not None
    assert close.body == b""
    # Neither PATCH nor close documents the key: none is sent.
    assert "X-Qonto-Idempotency-Key" not in patch.headers
    assert "X-Qonto-Idempotency-Key" not in close.headers


async def test_create_keeps_its_key_across_retries_and_replays(fake: FakeQonto) -> None:
    fake.faults.next(1, status=503, path="/v2/bank_accounts", method="POST")
    async with client(fake) as qonto:
        first = await qonto.bank_accounts.create(name="Projects", idempotency_key="acc-key-1")
        again = await qonto.bank_accounts.create(name="Projects", idempotency_key="acc-key-1")
    posts = fake.requests("POST", "/v2/bank_accounts")
    assert [e.status for e in posts] == [503, 200, 200]
    assert {e.headers["X-Qonto-Idempotency-Key"] for e in posts} == {"acc-key-1"}
    assert first == again
    assert fake.side_effects["acc-key-1"] == 1


async def test_renaming_a_seeded_account_shows_in_its_view(fake: FakeQonto) -> None:
    from qonto_async.testing._routes.bank_accounts_write import store

    seeded = fake.data.bank_accounts[1]["id"]
    async with client(fake) as qonto:
        renamed = await qonto.bank_accounts.update(seeded, name="Payroll (EU)")
    assert renamed.iban == fake.data.bank_accounts[1]["iban"]
    view = store(fake).account(fake, seeded)
    assert view is not None
    assert view["name"] == "Payroll (EU)"
    assert fake.data.bank_accounts[1]["name"] != "Payroll (EU)"  # the seeded data itself is untouched


async def test_qontos_closing_rules(fake: FakeQonto) -> None:
    main, other = fake.data.bank_accounts[0]["id"], fake.data.bank_accounts[1]["id"]
    async with client(fake) as qonto:
        with pytest.raises(ValidationError, match="main account") as main_error:
            await qonto.bank_accounts.close(main)
        with pytest.raises(ValidationError, match="non-zero balance"):
            await qonto.bank_accounts.close(other)
        with pytest.raises(Exception, match="404"):
            await qonto.bank_accounts.close("no-such-account")
    assert main_error.value.code == "main_account"


async def test_bad_input_is_refused_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        for bad in ("", "   ", None, 3):
            with pytest.raises(ConfigurationError, match="name"):
                await qonto.bank_accounts.create(name=bad)  # type: ignore[arg-type]
            with pytest.raises(ConfigurationError, match="name"):
                await qonto.bank_accounts.update("acc", name=bad)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="id"):
            await qonto.bank_accounts.close(" padded ")
        with pytest.raises(ConfigurationError, match="idempotency_key"):
            await qonto.bank_accounts.create(name="x", idempotency_key="")
    assert fake.count() == 0


async def test_the_fake_validates_the_body_like_qonto(fake: FakeQonto) -> None:
    from qonto_async.session import Request

    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto._send(
                Request(
                    method="POST",
                    path="/v2/bank_accounts",
                    json={"bank_account": {"name": " "}},
                    idempotent_key_supported=True,
                )
            )
    assert caught.value.code == "missing_parameter"
    assert caught.value.errors[0].source is not None


async def test_api_keys_and_missing_scopes_are_refused(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError, match="OAuth"):
            await qonto.bank_accounts.create(name="x")
    async with client(fake, scopes=("organization.read",)) as qonto:
        with pytest.raises(PermissionDeniedError, match=r"bank_account\.write"):
            await qonto.bank_accounts.update(fake.data.bank_accounts[1]["id"], name="x")


async def test_closing_asks_for_sca_when_qonto_does(fake: FakeQonto) -> None:
    fake.sca.require_for.add(CLOSE)
    fake.sca.require_mock_in_sandbox = False
    async with client(fake) as qonto:
        created = await qonto.bank_accounts.create(name="Short-lived")
        with pytest.raises(ScaRequired) as caught:
            await qonto.bank_accounts.close(created.id)
        assert caught.value.sca_session_token is not None
        fake.sca.approve(caught.value.sca_session_token)
        closed = await qonto.sca.complete(caught.value)
    assert isinstance(closed, BankAccount)
    assert closed.status == BankAccountStatus.CLOSED
    replay = fake.last("POST", f"/v2/bank_accounts/{created.id}/close")
    assert replay is not None
    assert replay.headers["X-Qonto-Sca-Session-Token"] == caught.value.sca_session_token
