"""Cash-flow categories and the User OAuth flow's organizations against FakeQonto (qonto-api.md §3.2 B3,
B16-B20). VAT rates here are percents (§11)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from qonto_async import (
    ConfigurationError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import (
    CashFlowAssignment,
    CashFlowCategory,
    CashFlowCategoryType,
    CashFlowUnassignment,
    MembershipRole,
    UserOrganization,
)
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=10) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id,
        client_secret=client_secret,
        token=fake.issue_token(scopes=scopes or ("cash_flow_category.read", "cash_flow_category.write")),
    )


def client(fake: FakeQonto, auth: OAuthBearerAuth | None = None) -> QontoClient:
    return QontoClient(
        auth=auth or oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


async def test_catalogue_with_percent_vat_rates(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        catalogue = await qonto.cash_flow_categories.list()
    assert all(isinstance(c, CashFlowCategory) for c in catalogue)
    suppliers = next(c for c in catalogue if c.name == "Suppliers")
    assert suppliers.type is CashFlowCategoryType.OUTFLOW
    assert suppliers.vat_rate == Decimal("20")
    assert [(s.name, s.vat_rate) for s in suppliers.subcategories] == [
        ("Cloud hosting", Decimal("20")),
        ("Books", Decimal("5.5")),
    ]
    assert next(c for c in catalogue if c.name == "Sales").vat_rate is None


async def test_create_category_and_subcategory(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.cash_flow_categories.create(
            name="Software", type="CATEGORY_TYPE_OUTFLOW", vat_rate="5.50"
        )
        assert created.type is CashFlowCategoryType.OUTFLOW
        assert created.vat_rate == Decimal("5.5")
        assert created.subcategories == ()
        assert fake.last("POST").json() == {  # type: ignore[union-attr]
            "name": "Software",
            "type": "CATEGORY_TYPE_OUTFLOW",
            "vat_rate": "5.5",
        }
        sub = await qonto.cash_flow_categories.create_subcategory(created.id, name="Hosting", vat_rate=Decimal(20))
        assert (sub.name, sub.vat_rate) == ("Hosting", Decimal("20"))
        assert fake.last("POST").json() == {"name": "Hosting", "vat_rate": "20"}  # type: ignore[union-attr]
        no_rate = await qonto.cash_flow_categories.create(name="Grants", type=CashFlowCategoryType.INFLOW)
        assert no_rate.vat_rate is None
        catalogue = await qonto.cash_flow_categories.list()
        assert [s.id for s in next(c for c in catalogue if c.id == created.id).subcategories] == [sub.id]


@pytest.mark.parametrize(
    ("vat_rate", "message"),
    [(0.2, "float"), ("0.2", "fraction"), (Decimal("0.055"), "fraction"), ("120", "0 to 100"), ("20%", "percent")],
)
async def test_vat_rate_is_a_percent_and_checked(fake: FakeQonto, vat_rate: object, message: str) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=message):
            await qonto.cash_flow_categories.create(name="X", type="CATEGORY_TYPE_INFLOW", vat_rate=vat_rate)  # type: ignore[arg-type]
    assert fake.count("POST") == 0


async def test_bad_input(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="type"):
            await qonto.cash_flow_categories.create(name="X", type="outflow")
        with pytest.raises(ConfigurationError, match="name"):
            await qonto.cash_flow_categories.create_subcategory("some-id", name="")
        with pytest.raises(ConfigurationError, match="1 to 100"):
            await qonto.cash_flow_categories.assign(transaction_ids=["t"] * 101, category_id="c")
        with pytest.raises(ConfigurationError, match="list"):
            await qonto.cash_flow_categories.unassign(transaction_ids="one-id")
        with pytest.raises(ValidationError):
            await qonto.cash_flow_categories.assign(transaction_ids=["not-a-transaction"], category_id="c")


async def test_assign_to_a_leaf_then_unassign(fake: FakeQonto) -> None:
    transactions = [fake.data.transaction_id(0, n) for n in range(3)]
    async with client(fake) as qonto:
        catalogue = await qonto.cash_flow_categories.list()
        suppliers = next(c for c in catalogue if c.name == "Suppliers")
        leaf = suppliers.subcategories[0]
        assigned = await qonto.cash_flow_categories.assign(transaction_ids=transactions, category_id=leaf.id)
        assert assigned == CashFlowAssignment(transaction_ids=tuple(transactions), category_id=leaf.id)
        assert fake.stores["cash_flow"].assigned == dict.fromkeys(transactions, leaf.id)
        # docs.qonto.com: a category that has subcategories is not a valid target.
        with pytest.raises(ValidationError):
            await qonto.cash_flow_categories.assign(transaction_ids=transactions, category_id=suppliers.id)
        cleared = await qonto.cash_flow_categories.unassign(transaction_ids=transactions[:2])
        assert cleared == CashFlowUnassignment(transaction_ids=tuple(transactions[:2]))
        assert fake.stores["cash_flow"].assigned == {transactions[2]: leaf.id}
    async with client(fake, oauth(fake, "cash_flow_category.read")) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.cash_flow_categories.unassign(transaction_ids=transactions)


async def test_user_organizations(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "user_organization.read")) as qonto:
        organizations = await qonto.organization.list_user_organizations()
    assert all(isinstance(o, UserOrganization) for o in organizations)
    assert organizations[0].id == fake.data.organization_id
    assert organizations[0].membership_role is MembershipRole.OWNER
    assert organizations[1].legal_country == "DE"
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.organization.list_user_organizations()


async def test_sync_twins(fake: FakeQonto) -> None:
    auth = oauth(fake, "cash_flow_category.read", "cash_flow_category.write", "user_organization.read")
    transaction = fake.data.transaction_id(0, 0)

    def run() -> None:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            created = qonto.cash_flow_categories.create(name="S", type="CATEGORY_TYPE_INFLOW")
            sub = qonto.cash_flow_categories.create_subcategory(created.id, name="T")
            assert qonto.cash_flow_categories.assign(transaction_ids=[transaction], category_id=sub.id).category_id
            assert qonto.cash_flow_categories.unassign(transaction_ids=[transaction]).transaction_ids
            assert len(qonto.cash_flow_categories.list()) == 4
            assert len(qonto.organization.list_user_organizations()) == 2

    await asyncio.to_thread(run)
