"""Labels, memberships, internal transfers, attachments and statements against FakeQonto (issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

from qonto_async import (
    ConfigurationError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    SyncQontoClient,
)
from qonto_async.models import InternalTransfer, InternalTransferStatus, Membership, MembershipRole, Statement
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto() as server:
        yield server
    assert server.internal_errors == []


def client(fake: FakeQonto, auth: object = None) -> QontoClient:
    return QontoClient(
        auth=auth if auth is not None else fake.static_key_auth(),  # type: ignore[arg-type]
        environment=fake.environment,
        staging_token=fake.staging_token,
        retry=FAST,
    )


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    token = fake.issue_token(scopes=scopes)
    return OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token)


async def test_labels_list_iterate_get(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.labels.list(per_page=2)
        assert [label.id for label in page.items] == [label["id"] for label in fake.data.labels[:2]]
        everything = await qonto.labels.iterate(per_page=2).to_list()
        assert [label.id for label in everything] == [label["id"] for label in fake.data.labels]
        child = next(label for label in everything if label.parent_id is not None)
        assert await qonto.labels.get(child.id) == child
        assert fake.last("GET").path == f"/v2/labels/{child.id}"  # type: ignore[union-attr]


async def test_memberships_list_iterate(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        members = await qonto.memberships.iterate(per_page=1).to_list()
        assert [m.id for m in members] == [m["id"] for m in fake.data.memberships]
        assert members[0].role is MembershipRole.OWNER
        assert isinstance(members[0].birthdate, date)
        assert (await qonto.memberships.list()).items == tuple(members)


async def test_current_membership_needs_oauth_and_its_scope(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "membership.read")) as qonto:
        me = await qonto.memberships.get_current()
        assert isinstance(me, Membership)
        assert me.id == fake.data.memberships[0]["id"]
        assert me.email is not None
    async with client(fake, oauth(fake, "organization.read")) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.memberships.get_current()
    async with client(fake) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.memberships.get_current()


async def test_internal_transfer_is_created_with_one_idempotency_key_across_retries(fake: FakeQonto) -> None:
    debit, credit = fake.data.bank_accounts[0]["iban"], fake.data.bank_accounts[1]["iban"]
    async with client(fake) as qonto:
        fake.faults.next(2, status=503)
        transfer = await qonto.internal_transfers.create(
            debit_iban=debit, credit_iban=credit, reference="Savings", amount=Decimal("12.50")
        )
    assert isinstance(transfer, InternalTransfer)
    assert transfer.amount == Decimal("12.50")
    assert transfer.amount_cents == 1250
    assert transfer.status is InternalTransferStatus.PROCESSING
    sent = fake.requests("POST", "/v2/internal_transfers")
    assert [r.status for r in sent] == [503, 503, 201]
    keys = {r.headers["X-Qonto-Idempotency-Key"] for r in sent}
    assert len(keys) == 1
    assert sent[-1].json() == {
        "internal_transfer": {
            "debit_iban": debit,
            "credit_iban": credit,
            "reference": "Savings",
            "amount": "12.50",
            "currency": "EUR",
        }
    }
    assert len(fake.internal_transfers) == 1


async def test_internal_transfer_with_the_callers_key_is_not_created_twice(fake: FakeQonto) -> None:
    debit, credit = fake.data.bank_accounts[0]["iban"], fake.data.bank_accounts[1]["iban"]
    async with client(fake) as qonto:
        first = await qonto.internal_transfers.create(
            debit_iban=debit, credit_iban=credit, reference="Rent", amount="100", idempotency_key="my-key-1"
        )
        again = await qonto.internal_transfers.create(
            debit_iban=debit, credit_iban=credit, reference="Rent", amount="100", idempotency_key="my-key-1"
        )
    assert first == again
    assert len(fake.internal_transfers) == 1
    assert fake.last("POST").headers["X-Qonto-Idempotency-Key"] == "my-key-1"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "amount", [12.5, Decimal("0"), Decimal("-1"), "1.234", "abc", "", Decimal("NaN"), 5, None]
)
async def test_internal_transfer_amount_is_checked_before_sending(fake: FakeQonto, amount: object) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="amount"):
            await qonto.internal_transfers.create(
                debit_iban="FR76A",
                credit_iban="FR76B",
                reference="x",
                amount=amount,  # type: ignore[arg-type]
            )
    assert fake.requests("POST", "/v2/internal_transfers") == []


async def test_attachment_get(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.transactions.list(
            bank_account_id=fake.data.bank_accounts[0]["id"], with_attachments=True, per_page=5
        )
        attachment_id = page.items[0].attachment_ids[0]
        attachment = await qonto.attachments.get(attachment_id)
    assert attachment.id == attachment_id
    assert attachment.url is not None
    assert attachment.url.startswith("https://")
    assert isinstance(attachment.file_size, int)


async def test_statements_filters_sort_and_get(fake: FakeQonto) -> None:
    account = fake.data.bank_accounts[1]
    async with client(fake) as qonto:
        everything = await qonto.statements.iterate(per_page=10).to_list()
        assert len(everything) == len(fake.data.statements)
        mine = await qonto.statements.iterate(
            bank_account_ids=[account["id"]],
            period_from=date(2025, 3, 1),
            period_to="2025-05-01",
            sort_by="period:asc",
        ).to_list()
        assert [s.period for s in mine] == ["03-2025", "04-2025", "05-2025"]
        assert {s.bank_account_id for s in mine} == {account["id"]}
        by_iban = await qonto.statements.list(ibans=account["iban"], per_page=2)
        assert [s.period for s in by_iban.items] == ["12-2025", "11-2025"]
        one = await qonto.statements.get(mine[0].id)
    assert isinstance(one, Statement)
    assert one == mine[0]
    assert one.file is not None
    assert isinstance(one.file.file_size, int)
    (query,) = [
        r.query for r in fake.requests("GET", "/v2/statements") if ("period_from", "2025-03-01") in r.query
    ]
    assert ("bank_account_ids[]", account["id"]) in query
    assert ("period_to", "2025-05-01") in query
    assert ("sort_by", "period:asc") in query


async def test_statements_arguments_are_checked_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="not both"):
            qonto.statements.iterate(bank_account_ids="a", ibans="b")
        with pytest.raises(ConfigurationError, match="sort_by"):
            await qonto.statements.list(sort_by="created_at:asc")
    assert fake.requests("GET", "/v2/statements") == []


async def test_sync_twins(fake: FakeQonto) -> None:
    import asyncio

    def run() -> None:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto:
            labels = qonto.labels.iterate().to_list()
            assert qonto.labels.get(labels[0].id) == labels[0]
            assert qonto.labels.list().items == tuple(labels)
            assert qonto.memberships.iterate().to_list() == list(qonto.memberships.list().items)
            statements = qonto.statements.iterate(per_page=50).to_list()
            assert qonto.statements.get(statements[0].id) == statements[0]
            assert len(qonto.statements.list().items) == len(statements)
            created = qonto.internal_transfers.create(
                debit_iban=fake.data.bank_accounts[0]["iban"],
                credit_iban=fake.data.bank_accounts[2]["iban"],
                reference="sync",
                amount=Decimal("1.00"),
            )
            assert created.amount == Decimal("1.00")

    await asyncio.to_thread(run)
