"""Requests writes against FakeQonto: create flash-card, virtual-card and multi-transfer requests; approve and
decline (qonto-api.md §3.1 rows 87-91)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from qonto_async import (
    ConfigurationError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    ScaRequired,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import ApprovalRequest, ApprovalRequestStatus, ApprovalRequestType, MultiTransferItem
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = ("request_cards.write", "request_transfers.write", "request_review.write", "organization.read")


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=10) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes or SCOPES)
    )


def client(fake: FakeQonto, *scopes: str) -> QontoClient:
    return QontoClient(
        auth=oauth(fake, *scopes), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


def _item(n: int, amount: str = "100.50") -> MultiTransferItem:
    return MultiTransferItem(
        amount=amount,
        credit_iban=f"FR76300060000{n:014d}",
        credit_account_name=f"Supplier {n}",
        reference=f"INV-{n}",
    )


async def test_card_requests_are_created_pending_and_listed(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        flash = await qonto.requests.create_flash_card(
            note="Conference",
            payment_lifespan_limit=Decimal("250"),
            pre_expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        )
        assert isinstance(flash, ApprovalRequest)
        assert flash.request_type is ApprovalRequestType.FLASH_CARD
        assert flash.status is ApprovalRequestStatus.PENDING
        assert flash.payment_lifespan_limit == Decimal("250.00")
        assert flash.pre_expires_at == datetime(2030, 1, 1, tzinfo=UTC)
        sent = fake.last("POST")
        assert sent is not None
        assert sent.json() == {
            "request_flash_card": {
                "note": "Conference",
                "payment_lifespan_limit": "250",
                "pre_expires_at": "2030-01-01T00:00:00.000Z",
            }
        }
        virtual = await qonto.requests.create_virtual_card(note="SaaS", payment_monthly_limit="49.99")
        assert virtual.request_type is ApprovalRequestType.VIRTUAL_CARD
        assert virtual.payment_monthly_limit == Decimal("49.99")
        listed = await qonto.requests.list(status="pending", sort_by="created_at:desc")
        assert {flash.id, virtual.id} <= {r.id for r in listed.items}


async def test_multi_transfer_request_sends_the_key_and_decimal_strings(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.requests.create_multi_transfer(
            note="Salaries",
            transfers=[_item(1), _item(2, "0.10")],
            debit_iban=fake.data.bank_accounts[0]["iban"],
            scheduled_date=date(2026, 12, 1),
            idempotency_key="multi-1",
        )
        assert created.request_type is ApprovalRequestType.MULTI_TRANSFER
        assert created.total_transfers_amount == Decimal("100.60")
        assert created.total_transfers_count == 2
        assert [t.amount for t in created.transfers] == [Decimal("100.50"), Decimal("0.10")]
        assert created.scheduled_date == date(2026, 12, 1)
        sent = fake.last("POST")
        assert sent is not None
        assert sent.headers["X-Qonto-Idempotency-Key"] == "multi-1"
        body = sent.json()["request_multi_transfer"]
        assert body["transfers"][1]["amount"] == "0.10"
        assert body["scheduled_date"] == "2026-12-01"
        # Same key within 30 minutes: Qonto replays the first answer, nothing new is created.
        again = await qonto.requests.create_multi_transfer(
            note="Other", transfers=[_item(3)], idempotency_key="multi-1"
        )
        assert again == created
        assert fake.side_effects["multi-1"] == 1


async def test_multi_transfer_bad_input_is_refused_before_sending(fake: FakeQonto) -> None:
    with pytest.raises(ConfigurationError, match="float"):
        MultiTransferItem(amount=1.5, credit_iban="FR76", credit_account_name="A", reference="R")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="2 decimals"):
        _item(1, "1.001")
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="1 to 400"):
            await qonto.requests.create_multi_transfer(note="x", transfers=[])
        with pytest.raises(ConfigurationError, match="MultiTransferItem"):
            await qonto.requests.create_multi_transfer(note="x", transfers=[{"amount": "1"}])  # type: ignore[list-item]
        with pytest.raises(ConfigurationError, match="140"):
            await qonto.requests.create_multi_transfer(
                note="x",
                transfers=[
                    MultiTransferItem(amount="1", credit_iban="FR76", credit_account_name="A" * 141, reference="R")
                ],
            )
        with pytest.raises(ConfigurationError, match="scheduled_date"):
            await qonto.requests.create_multi_transfer(
                note="x",
                transfers=[_item(1)],
                scheduled_date=datetime(2026, 1, 1, tzinfo=UTC),
            )
        with pytest.raises(ConfigurationError, match="payment_monthly_limit"):
            await qonto.requests.create_virtual_card(payment_monthly_limit=5.0)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="pre_expires_at"):
            await qonto.requests.create_flash_card(pre_expires_at=datetime(2030, 1, 1))
    assert fake.count("POST") == 0


async def test_server_side_validation_is_a_typed_error(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.requests.create_multi_transfer(
                note="x", transfers=[_item(1)], debit_iban="FR7600000000000000000000000"
            )
        assert caught.value.errors[0].source is not None
        with pytest.raises(ValidationError):
            await qonto.requests.create_flash_card(pre_expires_at="2020-01-01T00:00:00Z")


async def test_approve_and_decline_with_either_spelling_of_the_type(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        pending = (await qonto.requests.list(status="pending")).items
        transfer = next(r for r in pending if r.request_type is ApprovalRequestType.TRANSFER)
        approved = await qonto.requests.approve(transfer.request_type, transfer.id)  # type: ignore[arg-type]
        assert approved.id == transfer.id
        assert approved.status is ApprovalRequestStatus.APPROVED
        sent = fake.last("POST")
        assert sent is not None
        assert sent.path == f"/v2/requests/transfers/{transfer.id}/approve"
        assert sent.json() == {}
        assert sent.headers["X-Qonto-Idempotency-Key"]
        virtual = await qonto.requests.create_virtual_card(note="x")
        declined = await qonto.requests.decline("virtual_cards", virtual.id, declined_note="Use the team card")
        assert declined.status is ApprovalRequestStatus.DECLINED
        assert declined.declined_note == "Use the team card"
        # Already processed: Qonto refuses; a wrong type does not find it.
        with pytest.raises(ValidationError):
            await qonto.requests.approve("virtual_cards", virtual.id)
        with pytest.raises(NotFoundError):
            await qonto.requests.approve("flash_cards", transfer.id)
        flash = await qonto.requests.create_flash_card()
        account = fake.data.bank_accounts[1]["iban"]
        assert (await qonto.requests.approve("flash_card", flash.id, debit_iban=account)).status == "approved"
        assert fake.last("POST").json() == {"debit_iban": account}  # type: ignore[union-attr]
        for bad in ("cards", "transfer_requests", None):
            with pytest.raises(ConfigurationError, match="request_type"):
                await qonto.requests.approve(bad, flash.id)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="declined_note"):
            await qonto.requests.decline("transfers", transfer.id, declined_note=" ")


async def test_approve_can_require_sca_and_needs_oauth_scope(fake: FakeQonto) -> None:
    fake.sca.require_for.add("POST /v2/requests/{request_type}/{id}/approve")
    fake.sca.require_mock_in_sandbox = False
    async with client(fake) as qonto:
        flash = await qonto.requests.create_flash_card()
        with pytest.raises(ScaRequired) as caught:
            await qonto.requests.approve("flash_cards", flash.id)
        assert caught.value.sca_session_token
    async with client(fake, "organization.read") as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.requests.decline("flash_cards", flash.id, declined_note="no")
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.requests.create_virtual_card()


async def test_sync_twins(fake: FakeQonto) -> None:
    auth = oauth(fake)

    def run() -> None:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            virtual = qonto.requests.create_virtual_card(payment_monthly_limit="10")
            flash = qonto.requests.create_flash_card(note="x")
            multi = qonto.requests.create_multi_transfer(note="x", transfers=[_item(4)])
            assert qonto.requests.approve("virtual_cards", virtual.id).status == "approved"
            assert qonto.requests.decline("flash_cards", flash.id, declined_note="no").status == "declined"
            assert multi.total_transfers_count == 1

    await asyncio.to_thread(run)
