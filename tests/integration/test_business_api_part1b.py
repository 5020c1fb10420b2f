"""Transaction attachments, SEPA beneficiaries, requests, the subscription and the IBAN certificate and
SCA sessions against FakeQonto (issue 4, batch 2)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from qonto_async import (
    APIError,
    ConfigurationError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    ScaRequired,
    SyncQontoClient,
)
from qonto_async.models import (
    ApprovalRequest,
    ApprovalRequestStatus,
    ApprovalRequestType,
    Attachment,
    ScaResult,
    ScaSession,
    SepaBeneficiary,
    SepaBeneficiaryStatus,
    Subscription,
)
from qonto_async.testing import FakeQonto
from qonto_async.testing._data import ATTACHED_OF, PERIOD

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=40) as server:
        yield server
    assert server.internal_errors == []


def client(fake: FakeQonto, auth: OAuthBearerAuth | None = None) -> QontoClient:
    return QontoClient(
        auth=auth if auth is not None else fake.static_key_auth(),
        environment=fake.environment,
        staging_token=fake.staging_token,
        retry=FAST,
    )


def _query(fake: FakeQonto, name: str) -> list[str]:
    entry = fake.last("GET")
    assert entry is not None
    return [value for key, value in entry.query if key == name]


def _transaction_ids(fake: FakeQonto) -> tuple[str, str]:
    with_file = next(i for i in range(PERIOD) if ATTACHED_OF[i])
    without = next(i for i in range(PERIOD) if not ATTACHED_OF[i])
    return fake.data.transaction_id(0, with_file), fake.data.transaction_id(0, without)


async def test_attachments_of_a_transaction(fake: FakeQonto) -> None:
    with_file, without = _transaction_ids(fake)
    async with client(fake) as qonto:
        page = await qonto.attachments.list_for_transaction(with_file, per_page=10)
        (attachment,) = page.items
        assert isinstance(attachment, Attachment)
        assert attachment == await qonto.attachments.get(attachment.id)
        assert isinstance(attachment.file_size, int)
        assert fake.last("GET").path == f"/v2/attachments/{attachment.id}"  # type: ignore[union-attr]
        assert await qonto.attachments.iterate_for_transaction(with_file).to_list() == [attachment]
        assert (await qonto.attachments.list_for_transaction(without)).items == ()
        with pytest.raises(NotFoundError):
            await qonto.attachments.list_for_transaction("no-such-transaction")
        with pytest.raises(ConfigurationError):
            await qonto.attachments.list_for_transaction("a/../b ")
        with pytest.raises(ConfigurationError):
            qonto.attachments.iterate_for_transaction(with_file, per_page=0)


async def test_beneficiaries_list_iterate_get(fake: FakeQonto) -> None:
    data = fake.data.beneficiaries
    async with client(fake) as qonto:
        everything = await qonto.beneficiaries.iterate(per_page=2).to_list()
        # Qonto's example order: updated_at:desc.
        assert [b.id for b in everything] == [b["id"] for b in reversed(data)]
        assert all(isinstance(b, SepaBeneficiary) for b in everything)
        first = everything[-1]
        assert first.status is SepaBeneficiaryStatus.VALIDATED
        assert first.trusted is True
        assert first.updated_at == datetime(2025, 1, 15, 9, tzinfo=UTC)
        assert await qonto.beneficiaries.get(first.id) == first
        with pytest.raises(NotFoundError):
            await qonto.beneficiaries.get("missing")


async def test_beneficiaries_filters_are_sent_as_the_official_collection_does(fake: FakeQonto) -> None:
    data = fake.data.beneficiaries
    async with client(fake) as qonto:
        page = await qonto.beneficiaries.list(
            status=["validated", "pending"], trusted=False, sort_by="created_at:asc"
        )
        assert [b.name for b in page] == ["Bolt Logistics", "Cloud Hosting"]
        assert _query(fake, "status") == ["validated", "pending"]  # bare repeated keys, as in Postman
        assert _query(fake, "status[]") == []
        assert _query(fake, "trusted") == ["false"]
        by_iban = await qonto.beneficiaries.list(ibans=[data[3]["iban"], data[0]["iban"]])
        assert {b.id for b in by_iban} == {data[0]["id"], data[3]["id"]}
        assert (await qonto.beneficiaries.list(ibans=data[4]["iban"])).items[0].id == data[4]["id"]
    for bad in ({"status": "approved"}, {"sort_by": "name:asc"}, {"trusted": "yes"}, {"ibans": "FR1,FR2"}):
        async with client(fake) as qonto:
            with pytest.raises(ConfigurationError):
                await qonto.beneficiaries.list(**bad)  # type: ignore[arg-type]


async def test_requests_list_and_filters(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        everything = await qonto.requests.iterate(per_page=4).to_list()
        assert [r.id for r in everything] == [r["id"] for r in reversed(fake.data.requests)]
        assert all(isinstance(r, ApprovalRequest) for r in everything)
        by_type = {r.request_type: r for r in everything}
        flash = by_type[ApprovalRequestType.FLASH_CARD]
        assert flash.payment_lifespan_limit == Decimal("250.00")
        assert flash.status is ApprovalRequestStatus.PENDING
        assert flash.processed_at is None
        multi = by_type[ApprovalRequestType.MULTI_TRANSFER]
        assert multi.total_transfers_amount == Decimal("25561.80")
        assert multi.total_transfers_count == 43

        pending_transfers = await qonto.requests.list(status="pending", request_type=["transfer"])
        assert [r.note for r in pending_transfers] == ["transfer request 4"]
        assert _query(fake, "status[]") == ["pending"]
        assert _query(fake, "request_type[]") == ["transfer"]

        recent = await qonto.requests.list(
            created_at_from=datetime(2025, 3, 4, tzinfo=UTC), sort_by="created_at:asc"
        )
        assert [r.created_at.day for r in recent if r.created_at] == [4, 5, 6]
        assert _query(fake, "created_at_from") == ["2025-03-04T00:00:00.000Z"]
        processed = await qonto.requests.list(processed_at_from="2025-03-13T00:00:00Z")
        assert {r.status for r in processed} == {ApprovalRequestStatus.APPROVED, ApprovalRequestStatus.CANCELED}
        for bad in (
            {"status": "done"},
            {"request_type": "card"},
            {"sort_by": "amount:asc"},
            {"created_at_from": datetime(2025, 1, 1)},
        ):
            with pytest.raises(ConfigurationError):
                await qonto.requests.list(**bad)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError):
            qonto.requests.iterate(status="nope")


async def test_sync_twins(fake: FakeQonto) -> None:
    with_file, _ = _transaction_ids(fake)

    def run() -> None:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            assert len(qonto.attachments.list_for_transaction(with_file).items) == 1
            assert len(qonto.attachments.iterate_for_transaction(with_file).to_list()) == 1
            beneficiaries = qonto.beneficiaries.iterate(per_page=2).to_list()
            assert len(beneficiaries) == len(fake.data.beneficiaries)
            assert qonto.beneficiaries.get(beneficiaries[0].id) == beneficiaries[0]
            assert len(qonto.beneficiaries.list(trusted=True).items) == 2
            assert len(qonto.requests.iterate(per_page=5).to_list()) == len(fake.data.requests)
            assert len(qonto.requests.list(request_type="virtual_card").items) == 2
            with pytest.raises(ConfigurationError):
                qonto.requests.iterate(sort_by="nope")

    await asyncio.to_thread(run)


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes))


async def test_subscription_plan_and_null_plan(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        subscription = await qonto.organization.get_subscription()
    assert isinstance(subscription, Subscription)
    assert subscription.plan is not None
    assert subscription.plan.code == "team_business"
    assert subscription.plan.monthly_price is not None
    assert subscription.plan.monthly_price.amount == Decimal("99.00")
    assert subscription.plan.trial_ends_at is None
    fake.data.subscription_plan = None
    async with client(fake, oauth(fake, "subscription.read")) as qonto:
        assert await qonto.organization.get_subscription() == Subscription(plan=None)
    async with client(fake, oauth(fake, "organization.read")) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.organization.get_subscription()


async def test_iban_certificate_is_the_pdf_bytes(fake: FakeQonto) -> None:
    account = fake.data.bank_accounts[1]
    async with client(fake) as qonto:
        pdf = await qonto.bank_accounts.download_iban_certificate(account["id"], locale="fr")
        assert pdf == fake.data.iban_certificate(account, "fr")
        assert pdf.startswith(b"%PDF-")
        sent = fake.last("GET")
        assert sent is not None
        assert sent.headers["Accept"] == "application/pdf"
        assert ("locale", "fr") in sent.query
        assert await qonto.bank_accounts.download_iban_certificate(account["id"]) == fake.data.iban_certificate(
            account, "en"
        )
        # JSON requests keep their Accept header.
        await qonto.bank_accounts.get(account["id"])
        assert fake.last("GET").headers["Accept"] == "application/json"  # type: ignore[union-attr]
        with pytest.raises(NotFoundError):
            await qonto.bank_accounts.download_iban_certificate("missing")
        with pytest.raises(ConfigurationError):
            await qonto.bank_accounts.download_iban_certificate(account["id"], locale="FR")


async def test_iban_certificate_retries_then_returns_bytes(fake: FakeQonto) -> None:
    account = fake.data.bank_accounts[0]
    async with client(fake) as qonto:
        fake.faults.next(1, status=503)
        pdf = await qonto.bank_accounts.download_iban_certificate(account["id"])
    assert pdf.startswith(b"%PDF-")
    assert [r.status for r in fake.requests("GET")][-2:] == [503, 200]


async def test_table_b_sync_twins(fake: FakeQonto) -> None:
    account_id = fake.data.bank_accounts[0]["id"]

    def run() -> None:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            assert qonto.organization.get_subscription().plan is not None
            assert qonto.bank_accounts.download_iban_certificate(account_id, locale="de").startswith(b"%PDF-")

    await asyncio.to_thread(run)


async def _sca_token(fake: FakeQonto, qonto: QontoClient) -> str:
    fake.sca.require_for.add("POST /v2/internal_transfers")
    fake.sca.require_mock_in_sandbox = False
    with pytest.raises(ScaRequired) as caught:
        await qonto.internal_transfers.create(
            debit_iban=fake.data.bank_accounts[0]["iban"],
            credit_iban=fake.data.bank_accounts[1]["iban"],
            reference="SCA",
            amount="10.00",
        )
    token = caught.value.sca_session_token
    assert token is not None
    return token


async def test_sca_session_polling_and_sandbox_decisions(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "internal_transfer.write")) as qonto:
        token = await _sca_token(fake, qonto)
        assert await qonto.sca.get_session(token) == ScaSession(result=ScaResult.WAITING)
        assert await qonto.sca.mock_decision(token, "allow") is None
        assert fake.last("POST").path == f"/v2/mocked_sca_sessions/{token}/allow"  # type: ignore[union-attr]
        assert (await qonto.sca.get_mocked_session(token)).result is ScaResult.ALLOW
        assert (await qonto.sca.get_session(token)).result is ScaResult.ALLOW

        other = await _sca_token(fake, qonto)
        await qonto.sca.mock_decision(other, "deny")
        assert (await qonto.sca.get_session(other)).result is ScaResult.DENY

        expiring = await _sca_token(fake, qonto)
        fake.advance(16 * 60)
        # qonto-api.md §8: "deny" also covers a session older than 15 minutes.
        assert (await qonto.sca.get_session(expiring)).result is ScaResult.DENY

        with pytest.raises(NotFoundError):
            await qonto.sca.get_session("sca_unknown")
        with pytest.raises(ConfigurationError):
            await qonto.sca.mock_decision(token, "maybe")  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError):
            await qonto.sca.get_session(" ")


async def test_sca_needs_oauth_and_mocks_need_the_sandbox(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.sca.get_session("sca_any")
    async with FakeQonto(sandbox=False, transactions_per_account=10) as production:
        client_id, client_secret = production.oauth_client()
        auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=production.issue_token())
        async with QontoClient(auth=auth, environment=production.environment, retry=FAST) as qonto:
            with pytest.raises(APIError) as caught:
                await qonto.sca.mock_decision("sca_any", "allow")
            assert caught.value.status in (403, 404)


async def test_sca_sync_twins(fake: FakeQonto) -> None:
    auth = oauth(fake, "internal_transfer.write")
    async with client(fake, auth) as qonto:
        token = await _sca_token(fake, qonto)

    def run() -> None:
        with SyncQontoClient(
            auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as sync:
            assert sync.sca.get_session(token).result is ScaResult.WAITING
            sync.sca.mock_decision(token, "allow")
            assert sync.sca.get_mocked_session(token).result is ScaResult.ALLOW

    await asyncio.to_thread(run)
