"""SEPA beneficiary writes against FakeQonto: add, update, trust, untrust (qonto-api.md §3.1 rows 108-112)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

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
from qonto_async.models import SepaBeneficiary, SepaBeneficiaryStatus
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
IBAN = "DE89370400440532013000"


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=10) as server:
        yield server
    assert server.internal_errors == []


def client(fake: FakeQonto, *scopes: str) -> QontoClient:
    client_id, client_secret = fake.oauth_client()
    token = fake.issue_token(scopes=scopes or ("payment.write", "beneficiary.trust", "organization.read"))
    auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token)
    return QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST)


async def test_add_is_untrusted_idempotent_and_listed(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.beneficiaries.create(
            name="Hooli GmbH", iban=IBAN, bic="COBADEFFXXX", email="ap@hooli.example", idempotency_key="add-hooli"
        )
        assert isinstance(created, SepaBeneficiary)
        assert created.trusted is False
        assert created.status is SepaBeneficiaryStatus.PENDING
        sent = fake.last("POST")
        assert sent is not None
        assert sent.headers["X-Qonto-Idempotency-Key"] == "add-hooli"
        assert sent.json() == {
            "beneficiary": {"name": "Hooli GmbH", "iban": IBAN, "bic": "COBADEFFXXX", "email": "ap@hooli.example"}
        }
        assert (
            await qonto.beneficiaries.create(name="Hooli GmbH", iban=IBAN, idempotency_key="add-hooli") == created
        )
        assert fake.side_effects["add-hooli"] == 1
        assert await qonto.beneficiaries.get(created.id) == created
        assert created.id in {b.id for b in await qonto.beneficiaries.iterate(ibans=IBAN).to_list()}
        # A second add of the IBAN under a new key: Qonto says it exists.
        with pytest.raises(ValidationError) as caught:
            await qonto.beneficiaries.create(name="Hooli", iban=IBAN)
        assert caught.value.errors[0].code == "already_exists"
        with pytest.raises(ValidationError):
            await qonto.beneficiaries.create(name="Bad", iban="not-an-iban")
        with pytest.raises(ConfigurationError):
            await qonto.beneficiaries.create(name=" ", iban=IBAN)
        with pytest.raises(ConfigurationError):
            await qonto.beneficiaries.create(name="X", iban=f" {IBAN}")


async def test_update_changes_only_what_is_given(fake: FakeQonto) -> None:
    first = fake.data.beneficiaries[0]
    async with client(fake) as qonto:
        updated = await qonto.beneficiaries.update(first["id"], email="new@example.com")
        assert updated.email == "new@example.com"
        assert updated.name == first["name"]
        assert updated.iban == first["iban"]
        assert fake.last("PATCH").json() == {"beneficiary": {"email": "new@example.com"}}  # type: ignore[union-attr]
        renamed = await qonto.beneficiaries.update(first["id"], name="Renamed", activity_tag="marketing")
        assert (renamed.name, renamed.activity_tag) == ("Renamed", "marketing")
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.beneficiaries.update(first["id"])
        with pytest.raises(NotFoundError):
            await qonto.beneficiaries.update("missing", name="x")


async def test_trust_and_untrust(fake: FakeQonto) -> None:
    ids = [b["id"] for b in fake.data.beneficiaries[:3]]
    async with client(fake) as qonto:
        untrusted = await qonto.beneficiaries.untrust(ids)
        assert [b.id for b in untrusted] == ids
        assert all(b.trusted is False for b in untrusted)
        assert fake.last("PATCH").json() == {"ids": ids}  # type: ignore[union-attr]
        assert not {b.id for b in (await qonto.beneficiaries.list(trusted=True)).items} & set(ids)
        trusted = await qonto.beneficiaries.trust(ids[:1])
        assert trusted[0].trusted is True
        with pytest.raises(NotFoundError):
            await qonto.beneficiaries.untrust(["missing"])
        for bad in ([], "one-id", ["ok", " "], ["x"] * 401):
            with pytest.raises(ConfigurationError):
                await qonto.beneficiaries.trust(bad)
    # beneficiary.trust is for Embed partners: a token without it is refused; SCA applies when Qonto asks.
    async with client(fake, "payment.write") as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.beneficiaries.trust(ids[:1])
    fake.sca.require_for.add("PATCH /v2/sepa/beneficiaries/trust")
    fake.sca.require_mock_in_sandbox = False
    async with client(fake) as qonto:
        with pytest.raises(ScaRequired):
            await qonto.beneficiaries.trust(ids[:1])


async def test_writes_need_oauth(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.beneficiaries.create(name="X", iban=IBAN)


async def test_sync_twins(fake: FakeQonto) -> None:
    first = fake.data.beneficiaries[0]["id"]
    client_id, client_secret = fake.oauth_client()
    token = fake.issue_token(scopes=("payment.write", "beneficiary.trust"))
    auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token)

    def run() -> None:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            assert qonto.beneficiaries.create(name="Sync", iban=IBAN).name == "Sync"
            assert qonto.beneficiaries.update(first, name="S").name == "S"
            assert qonto.beneficiaries.untrust([first])[0].trusted is False
            assert qonto.beneficiaries.trust([first])[0].trusted is True

    await asyncio.to_thread(run)
