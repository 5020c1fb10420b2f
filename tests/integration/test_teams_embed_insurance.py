"""Teams, Embed auth links, encoded-request dispatch and insurance contracts against FakeQonto over loopback HTTP
(qonto-api.md §3.1 rows 48-54, 118-119). Insurance prices are Money with a Decimal value (§11); documents are PDF
multipart uploads with an idempotency key (§7, §12)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    ConflictError,
    InvalidFileError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    SyncQontoClient,
    UploadFile,
    ValidationError,
)
from qonto_async.models import (
    EmbedAuthLink,
    EmbedPostAuthnAction,
    InsuranceContractStatus,
    InsurancePaymentFrequency,
    Money,
    Team,
)
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = (
    "team.read",
    "team.write",
    "embed_auth_link.write",
    "insurance_contract.read",
    "insurance_contract.write",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
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


# --- teams ------------------------------------------------------------------------------------------------------


async def test_teams_list_iterate_and_create(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.teams.list(per_page=2)
        assert [t.name for t in page.items] == ["Management", "Engineering"]
        assert page.items[0].id == fake.data.current_membership["team_id"]
        created = await qonto.teams.create("Pied Piper R&D")
        every = [t async for t in qonto.teams.iterate(per_page=2)]
        with pytest.raises(ValidationError, match="already exists"):
            await qonto.teams.create("Pied Piper R&D")
        with pytest.raises(ConfigurationError, match="name"):
            await qonto.teams.create("  ")
    assert isinstance(created, Team)
    assert every[-1] == created
    assert len(every) == 4
    # The body is top-level, without a root key (Qonto's docs).
    assert fake.requests("POST", "/v2/teams")[0].json() == {"name": "Pied Piper R&D"}
    assert fake.requests("POST", "/v2/teams")[0].status == 201


async def test_teams_need_oauth(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.teams.list()
    async with client(fake, "team.read") as qonto:
        with pytest.raises(PermissionDeniedError, match=r"team\.write"):
            await qonto.teams.create("Ops")


# --- Embed ------------------------------------------------------------------------------------------------------


async def test_embed_auth_link_is_created_and_its_url_kept_out_of_repr(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        link = await qonto.embed_auth_links.create(
            post_authn_action=EmbedPostAuthnAction.CREATE_PAYMENT_LINK, callback_url="https://partner.example/back"
        )
    assert isinstance(link, EmbedAuthLink)
    assert link.post_authn_action is EmbedPostAuthnAction.CREATE_PAYMENT_LINK
    assert link.url is not None
    assert link.url.startswith("https://")
    assert link.url not in repr(link)
    assert link.used_at is None
    assert link.expired_at is not None
    assert link.expired_at > fake.now()
    assert fake.last("POST", "/v1/embed_auth_links").json() == {  # type: ignore[union-attr]
        "embed_auth_link": {
            "post_authn_action": "create_payment_link",
            "callback_url": "https://partner.example/back",
        }
    }


async def test_embed_auth_link_input_is_checked(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="callback_url"):
            await qonto.embed_auth_links.create(post_authn_action="create_payment_link", callback_url="/back")
        with pytest.raises(ConfigurationError, match="post_authn_action"):
            await qonto.embed_auth_links.create(post_authn_action="", callback_url="https://p.example/")
        assert fake.count("POST", "/v1/embed_auth_links") == 0
        # An action the fake does not know: Qonto answers 400, a ValidationError.
        with pytest.raises(ValidationError):
            await qonto.embed_auth_links.create(post_authn_action="teleport", callback_url="https://p.example/")


async def test_encoded_request_dispatch_passes_extra_headers(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        answer = await qonto.encoded_requests.dispatch("c2RrLXBheWxvYWQ=", headers={"X-Partner-Session": "s-1"})
        with pytest.raises(ConfigurationError, match="Authorization"):
            await qonto.encoded_requests.dispatch("x", headers={"Authorization": "Bearer other"})
        with pytest.raises(ConfigurationError, match="data"):
            await qonto.encoded_requests.dispatch("")
    assert answer.data is not None
    assert answer.data not in repr(answer)
    echoed = json.loads(base64.b64decode(answer.data))
    assert echoed == {"received": "c2RrLXBheWxvYWQ=", "headers": {"x-partner-session": "s-1"}}
    sent = fake.requests("POST", "/v1/encoded_requests/dispatch")
    assert len(sent) == 1
    assert sent[0].json() == {"data": "c2RrLXBheWxvYWQ="}
    assert sent[0].headers["Authorization"].startswith("Bearer ")


async def test_a_secret_header_value_never_appears_in_the_error(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError) as caught:
            await qonto.encoded_requests.dispatch("x", headers={"X-Partner-Token": "top-secret\nInjected: 1"})
    assert "top-secret" not in str(caught.value)


# --- insurance contracts ----------------------------------------------------------------------------------------


def contract_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "ProLiability Plan 2026",
        "contract_id": "AXA-12345",
        "origin": "insurance_hub",
        "provider_slug": "axa",
        "type": "business_liability",
        "status": InsuranceContractStatus.ACTIVE,
        "start_date": date(2026, 1, 1),
        "payment_frequency": "month",
        "price": Money(value=Decimal("99.99"), currency="EUR"),
        "expiration_date": "2026-12-31",
    }
    fields.update(overrides)
    return fields


async def test_insurance_contract_lifecycle_with_documents(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.insurance_contracts.create(**contract_fields())
        updated = await qonto.insurance_contracts.update(
            created.id,
            status="pending_payment",
            price=Money(value="109.90", currency="EUR"),
            renewal_date="2027-01-01",
        )
        document = await qonto.insurance_contracts.upload_attachment(
            created.id,
            UploadFile.from_bytes(PDF, filename="contract.pdf"),
            name="Contract Axa",
            type="contract",
            idempotency_key="doc-key-1",
        )
        fetched = await qonto.insurance_contracts.get(created.id)
        await qonto.insurance_contracts.delete_attachment(created.id, document.id)
        after = await qonto.insurance_contracts.get(created.id)
        with pytest.raises(NotFoundError):
            await qonto.insurance_contracts.delete_attachment(created.id, document.id)
    assert created.price == Money(value=Decimal("99.99"), currency="EUR")
    assert created.start_date == date(2026, 1, 1)
    assert created.payment_frequency is InsurancePaymentFrequency.MONTH
    assert updated.status is InsuranceContractStatus.PENDING_PAYMENT
    assert updated.price is not None
    assert updated.price.value == Decimal("109.90")
    assert updated.renewal_date == date(2027, 1, 1)
    assert (document.name, document.type) == ("Contract Axa", "contract")
    assert [d.id for d in fetched.documents] == [document.id]
    assert after.documents == ()
    body = fake.requests("POST", "/v2/insurance_contracts")[0].json()["insurance_contract"]
    assert body["price"] == {"value": "99.99", "currency": "EUR"}
    assert body["start_date"] == "2026-01-01"
    assert body["status"] == "active"
    upload = fake.requests("POST", f"/v2/insurance_contracts/{created.id}/attachments")[0]
    assert upload.status == 201
    assert upload.headers["X-Qonto-Idempotency-Key"] == "doc-key-1"
    assert upload.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="name"' in upload.body
    assert b'name="type"' in upload.body
    assert fake.requests("DELETE")[0].status == 204


async def test_insurance_conflicts_and_validation(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        await qonto.insurance_contracts.create(**contract_fields())
        with pytest.raises(ConflictError):
            await qonto.insurance_contracts.create(**contract_fields())
        with pytest.raises(NotFoundError):
            await qonto.insurance_contracts.get("no-such-contract")
        with pytest.raises(ConfigurationError, match="float"):
            await qonto.insurance_contracts.create(**contract_fields(price=Money(value=9.99, currency="EUR")))  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="currency"):
            await qonto.insurance_contracts.create(
                **contract_fields(price=Money(value=Decimal("9.99"), currency="eur"))
            )
        with pytest.raises(ConfigurationError, match="origin"):
            await qonto.insurance_contracts.create(**contract_fields(origin="broker"))
        with pytest.raises(ConfigurationError, match="start_date"):
            await qonto.insurance_contracts.create(**contract_fields(start_date=datetime(2026, 1, 1, tzinfo=UTC)))
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.insurance_contracts.update("any")
    assert len(fake.requests("POST", "/v2/insurance_contracts")) == 2


async def test_only_pdf_documents_are_uploaded(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.insurance_contracts.create(**contract_fields())
        with pytest.raises(InvalidFileError, match="PDF"):
            await qonto.insurance_contracts.upload_attachment(
                created.id, UploadFile.from_bytes(PNG, filename="scan.png"), name="Scan", type="contract"
            )
        with pytest.raises(ConfigurationError, match="type"):
            await qonto.insurance_contracts.upload_attachment(
                created.id, UploadFile.from_bytes(PDF, filename="c.pdf"), name="Contract", type=""
            )
    assert fake.count("POST", f"/v2/insurance_contracts/{created.id}/attachments") == 0


async def test_upload_from_a_path_generates_one_key_reused_on_retry(fake: FakeQonto, tmp_path: Any) -> None:
    path = tmp_path / "policy.pdf"
    path.write_bytes(PDF)
    async with client(fake) as qonto:
        created = await qonto.insurance_contracts.create(**contract_fields())
        fake.faults.next(1, status=503, path=f"/v2/insurance_contracts/{created.id}/attachments")
        document = await qonto.insurance_contracts.upload_attachment(
            created.id, path, name="Policy", type="contract"
        )
    first, second = fake.requests("POST", f"/v2/insurance_contracts/{created.id}/attachments")
    assert (first.status, second.status) == (503, 201)
    assert first.headers["X-Qonto-Idempotency-Key"] == second.headers["X-Qonto-Idempotency-Key"]
    assert first.body == second.body
    assert document.name == "Policy"


async def test_the_sync_twins(fake: FakeQonto) -> None:
    auth = oauth(fake)

    def run() -> tuple[int, str | None]:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            teams = list(qonto.teams.iterate())
            contract = qonto.insurance_contracts.create(**contract_fields())
            return len(teams), qonto.insurance_contracts.get(contract.id).name

    assert await asyncio.to_thread(run) == (3, "ProLiability Plan 2026")
