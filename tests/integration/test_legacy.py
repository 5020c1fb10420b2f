"""Table C legacy routes (qonto-api.md §3.3) against FakeQonto: each method warns (DeprecationWarning naming its
replacement, pointing at the caller's line) and still works until Qonto's sunset, after which it is a GoneError."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    GoneError,
    OAuthBearerAuth,
    QontoClient,
    QontoDeprecationWarning,
    RetryPolicy,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import (
    ExternalTransfer,
    ExternalTransferItem,
    ExternalTransferStatus,
    LegacyBeneficiary,
    Organization,
)
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
BEFORE_SUNSETS = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    """A fake whose clock is before every sunset of table C."""
    async with FakeQonto(transactions_per_account=10, clock=lambda: BEFORE_SUNSETS) as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
async def today() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=10) as server:
        yield server
    assert server.internal_errors == []


def key_client(fake: FakeQonto) -> QontoClient:
    return QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


def oauth_client(fake: FakeQonto) -> QontoClient:
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(
        client_id=client_id,
        client_secret=client_secret,
        token=fake.issue_token(scopes=("payment.write", "organization.read")),
        clock=fake.clock,
    )
    return QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST)


def _deprecations(record: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    return [w for w in record if w.category is DeprecationWarning]


async def test_organization_by_slug_warns_names_the_replacement_and_still_works(fake: FakeQonto) -> None:
    async with key_client(fake) as qonto:
        current = await qonto.organization.get()
        for method, path in (
            (qonto.legacy.get_organization_v1, "/v1/organizations/"),
            (qonto.legacy.get_organization_v2, "/v2/organizations/"),
        ):
            with pytest.warns((DeprecationWarning, QontoDeprecationWarning)) as record:
                org = await method("any-slug")
            assert isinstance(org, Organization)
            assert org == current
            (ours,) = _deprecations(record.list)
            assert "qonto.organization.get() (GET /v2/organization)" in str(ours.message)
            assert "2026-09-15" in str(ours.message)
            assert ours.filename == __file__  # the caller's line, not the library's
            # Qonto's own Sunset/Deprecation headers give the operators' warning too.
            (headers,) = [w for w in record.list if w.category is QontoDeprecationWarning]
            assert "Tue, 15 Sep 2026" in str(headers.message)
            assert fake.last("GET").path == path + "any-slug"  # type: ignore[union-attr]


async def test_organization_by_slug_is_gone_after_its_sunset(today: FakeQonto) -> None:
    async with key_client(today) as qonto:
        with pytest.warns(DeprecationWarning, match="GET /v2/organization"), pytest.raises(GoneError):
            await qonto.legacy.get_organization_v1("pied-piper")


async def test_legacy_beneficiaries(fake: FakeQonto) -> None:
    data = fake.data.beneficiaries
    async with key_client(fake) as qonto:
        with pytest.warns(
            DeprecationWarning, match=r"qonto\.beneficiaries\.list\(\) \(GET /v2/sepa/beneficiaries\)"
        ):
            page = await qonto.legacy.list_beneficiaries(trusted=True, status="validated")
        assert all(isinstance(b, LegacyBeneficiary) for b in page.items)
        assert {b.id for b in page.items} == {b["id"] for b in data if b["trusted"] and b["status"] == "validated"}
        first = page.items[0]
        assert first.bank_account is not None
        assert first.bank_account.iban == next(b["iban"] for b in data if b["id"] == first.id)
        with pytest.warns(DeprecationWarning, match="iterate"):
            everything = await qonto.legacy.iterate_beneficiaries(per_page=2).to_list()
        assert len(everything) == len(data)
        with pytest.warns(DeprecationWarning, match=r"qonto\.beneficiaries\.get\(\)"):
            assert (await qonto.legacy.get_beneficiary(first.id)).id == first.id
        with pytest.warns(DeprecationWarning, match=r"qonto\.beneficiaries\.untrust\(\)") as record:
            (untrusted,) = await qonto.legacy.untrust_beneficiaries([first.id])
        assert record.list[0].filename == __file__
        assert untrusted.trusted is False
        # The same records as the SEPA routes.
        assert (await qonto.beneficiaries.get(first.id)).trusted is False
        with pytest.warns(DeprecationWarning, match="deprecated Qonto route"), pytest.raises(ConfigurationError):
            await qonto.legacy.list_beneficiaries(status="approved")


async def test_external_transfer_create_get_list_before_the_sunset(fake: FakeQonto) -> None:
    trusted = next(b for b in fake.data.beneficiaries if b["trusted"])
    untrusted = next(b for b in fake.data.beneficiaries if not b["trusted"])
    debit = fake.data.bank_accounts[0]["iban"]
    async with oauth_client(fake) as qonto:
        with pytest.warns(DeprecationWarning, match="POST /v2/sepa/transfers") as record:
            created = await qonto.legacy.create_external_transfer(
                beneficiary_id=trusted["id"],
                debit_iban=debit,
                reference="INV-1",
                amount="12.55",
                scheduled_date=date(2026, 3, 2),
                idempotency_key="legacy-1",
            )
        assert record.list[0].filename == __file__
        assert isinstance(created, ExternalTransfer)
        # Legacy amounts and cents arrive as strings (qonto-api.md §11).
        assert (created.debit_amount, created.debit_amount_cents) == (Decimal("12.55"), 1255)
        assert created.status is ExternalTransferStatus.PENDING
        sent = fake.last("POST")
        assert sent is not None
        assert sent.headers["X-Qonto-Idempotency-Key"] == "legacy-1"
        assert sent.json()["external_transfer"]["amount"] == "12.55"
        with pytest.warns(DeprecationWarning, match="GET /v2/sepa/transfers/{id}"):
            assert await qonto.legacy.get_external_transfer(created.id) == created
        with pytest.warns(DeprecationWarning, match="GET /v2/sepa/transfers"):
            page = await qonto.legacy.list_external_transfers(status=["pending"], beneficiary_ids=[trusted["id"]])
        assert [t.id for t in page.items] == [created.id]
        assert fake.last("GET").query == [  # type: ignore[union-attr]
            ("status", "pending"),
            ("beneficiary_ids", trusted["id"]),
        ]
        with pytest.warns(DeprecationWarning, match="deprecated Qonto route"):
            assert len(await qonto.legacy.iterate_external_transfers(status="pending").to_list()) == 1
        with (
            pytest.warns(DeprecationWarning, match="deprecated Qonto route"),
            pytest.raises(ValidationError) as caught,
        ):
            await qonto.legacy.create_external_transfer(
                beneficiary_id=untrusted["id"], debit_iban=debit, reference="x", amount="1.00"
            )
        assert caught.value.errors[0].code == "beneficiary_not_trusted"
        with (
            pytest.warns(DeprecationWarning, match="deprecated Qonto route"),
            pytest.raises(ConfigurationError, match="float"),
        ):
            await qonto.legacy.create_external_transfer(
                beneficiary_id=trusted["id"],
                debit_iban=debit,
                reference="x",
                amount=1.5,  # type: ignore[arg-type]
            )


async def test_checkout_partial_success_and_per_item_keys(fake: FakeQonto) -> None:
    debit = fake.data.bank_accounts[0]["iban"]

    def item(n: int, currency: str = "EUR", key: str | None = None) -> ExternalTransferItem:
        return ExternalTransferItem(
            amount=f"{n}.00",
            credit_iban=f"FR76300060000{n:014d}",
            credit_account_name=f"Payee {n}",
            reference=f"R{n}",
            currency=currency,
            idempotency_key=key,
        )

    async with oauth_client(fake) as qonto:
        with pytest.warns(DeprecationWarning, match="POST /v2/sepa/bulk_transfers"):
            result = await qonto.legacy.checkout_external_transfers(
                debit_iban=debit, transfers=[item(1, key="item-1"), item(2, currency="USD"), item(3)]
            )
        # A 200 with one failed item: surfaced, not swallowed.
        assert [t.credit_amount for t in result.external_transfers] == [Decimal("1.00"), Decimal("3.00")]
        (error,) = result.errors
        assert error.code == "invalid"
        assert error.source is not None
        assert error.source.pointer == "/external_transfers/1/currency"
        sent = fake.last("POST").json()  # type: ignore[union-attr]
        keys = [t["idempotency_key"] for t in sent["external_transfers"]]
        assert keys[0] == "item-1"
        assert len(set(keys)) == 3
        # The same item key again: Qonto returns the transfer already made.
        with pytest.warns(DeprecationWarning, match="deprecated Qonto route"):
            again = await qonto.legacy.checkout_external_transfers(
                debit_iban=debit, transfers=[item(1, key="item-1")]
            )
        assert again.external_transfers[0].id == result.external_transfers[0].id
        with (
            pytest.warns(DeprecationWarning, match="deprecated Qonto route"),
            pytest.raises(ConfigurationError, match="1 to 400"),
        ):
            await qonto.legacy.checkout_external_transfers(debit_iban=debit, transfers=[])


async def test_external_transfer_writes_are_gone_after_the_sunset(today: FakeQonto) -> None:
    beneficiary = next(b for b in today.data.beneficiaries if b["trusted"])
    async with oauth_client(today) as qonto:
        with pytest.warns(DeprecationWarning, match="2026-03-31"), pytest.raises(GoneError):
            await qonto.legacy.create_external_transfer(
                beneficiary_id=beneficiary["id"],
                debit_iban=today.data.bank_accounts[0]["iban"],
                reference="late",
                amount=Decimal("1.00"),
            )
        # The reads have no announced sunset.
        with pytest.warns(DeprecationWarning, match="deprecated Qonto route"):
            assert (await qonto.legacy.list_external_transfers()).items == ()


async def test_sync_twins_warn_and_work(fake: FakeQonto) -> None:
    calls: list[Callable[[SyncQontoClient], Any]] = [
        lambda q: q.legacy.list_beneficiaries(per_page=1),
        lambda q: q.legacy.iterate_beneficiaries(per_page=2).to_list(),
        lambda q: q.legacy.get_beneficiary(fake.data.beneficiaries[0]["id"]),
        lambda q: q.legacy.list_external_transfers(),
        lambda q: q.legacy.iterate_external_transfers().to_list(),
    ]

    def run() -> None:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            for call in calls:
                with pytest.warns(DeprecationWarning, match="use"):
                    call(qonto)

    await asyncio.to_thread(run)
