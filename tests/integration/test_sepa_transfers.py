"""SEPA transfers, bulk and recurring transfers and Verification of Payee against FakeQonto (issue 4)."""

from __future__ import annotations

import json
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
from qonto_async.models import (
    BulkTransfer,
    BulkTransferItem,
    BulkTransferResultStatus,
    PayeeVerificationRequest,
    RecurringTransferFrequency,
    RecurringTransferStatus,
    SepaRecurringTransfer,
    SepaTransfer,
    SepaTransferStatus,
    TransferBeneficiary,
    VopMatchResult,
    VopProofToken,
)
from qonto_async.resources.sepa_transfers import proof_token_from_error
from qonto_async.testing import FakeQonto, fake_in_thread
from qonto_async.testing._routes.sepa_transfers import BANK_UNAVAILABLE, proof_pdf, store

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = ("offline_access", "organization.read", "payment.write")
NEW_IBAN = "DE89370400440532013000"


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


def _body(fake: FakeQonto, method: str, path: str) -> dict[str, object]:
    entry = fake.last(method, path)
    assert entry is not None
    loaded = json.loads(entry.body)
    assert isinstance(loaded, dict)
    return loaded


# --- reads --------------------------------------------------------------------------------------------------------


async def test_list_get_and_filter_transfers(fake: FakeQonto) -> None:
    seeded = store(fake).transfers
    async with client(fake) as qonto:
        page = await qonto.sepa_transfers.list(per_page=100)
        assert [t.id for t in page.items] == [
            t["id"] for t in sorted(seeded, key=lambda t: (t["updated_at"], t["id"]), reverse=True)
        ]
        first = page.items[0]
        assert isinstance(first, SepaTransfer)
        assert isinstance(first.amount, Decimal)
        assert first.amount_cents == int(first.amount * 100)
        assert await qonto.sepa_transfers.get(first.id) == first

        settled = await qonto.sepa_transfers.list(status=["settled"])
        assert {t.status for t in settled.items} == {SepaTransferStatus.SETTLED}
        assert all(t.completed_at is not None and t.transaction_id for t in settled.items)
        entry = fake.last("GET", "/v2/sepa/transfers")
        assert entry is not None
        assert ("status", "settled") in entry.query

        two = [seeded[0]["id"], seeded[2]["id"]]
        by_id = await qonto.sepa_transfers.list(ids=two, sort_by="scheduled_date:asc")
        assert sorted(t.id for t in by_id.items) == sorted(two)
        entry = fake.last("GET", "/v2/sepa/transfers")
        assert entry is not None
        assert [v for k, v in entry.query if k == "ids"] == two

        recurring_id = store(fake).recurring_transfers[0]["id"]
        runs = await qonto.sepa_transfers.list(recurring_transfer_ids=recurring_id)
        assert [t.recurring_transfer_id for t in runs.items] == [recurring_id]

        beneficiary = seeded[0]["beneficiary_id"]
        mine = await qonto.sepa_transfers.iterate(beneficiary_ids=[beneficiary], per_page=1).to_list()
        assert mine
        assert all(t.beneficiary_id == beneficiary for t in mine)
        entry = fake.last("GET", "/v2/sepa/transfers")
        assert entry is not None
        assert ("beneficiary_ids[]", beneficiary) in entry.query

        pending = await qonto.sepa_transfers.list(
            scheduled_date_from=date(2026, 12, 1), scheduled_date_to="2026-12-31"
        )
        assert {t.status for t in pending.items} == {SepaTransferStatus.PENDING}
        recent = await qonto.sepa_transfers.list(updated_at_from=datetime(2026, 11, 1, tzinfo=UTC))
        assert recent.items
        assert all(
            t.updated_at is not None and t.updated_at >= datetime(2026, 11, 1, tzinfo=UTC) for t in recent.items
        )

        with pytest.raises(NotFoundError):
            await qonto.sepa_transfers.get("missing")


async def test_bad_filters_are_refused_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="status"):
            await qonto.sepa_transfers.list(status="done")
        with pytest.raises(ConfigurationError, match="sort_by"):
            await qonto.sepa_transfers.list(sort_by="amount:asc")
        with pytest.raises(ConfigurationError, match="scheduled_date_from"):
            await qonto.sepa_transfers.list(scheduled_date_from=datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(ConfigurationError, match="updated_at_from"):
            await qonto.sepa_transfers.list(updated_at_from=datetime(2026, 1, 1))
        with pytest.raises(ConfigurationError, match="per_page"):
            qonto.sepa_transfers.iterate(per_page=0)
    assert fake.count("GET", "/v2/sepa/transfers") == 0


async def test_reads_need_oauth_and_writes_need_payment_write(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError, match="OAuth"):
            await qonto.sepa_transfers.list()
    async with client(fake, "organization.read") as qonto:
        assert (await qonto.recurring_transfers.list()).items
        with pytest.raises(PermissionDeniedError, match=r"payment\.write"):
            await qonto.sepa_transfers.verify_payee(iban=NEW_IBAN, beneficiary_name="Anyone")


# --- Verification of Payee ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["string", "object"])
async def test_verify_payee_and_both_proof_token_shapes(fake: FakeQonto, shape: str) -> None:
    store(fake).proof_token_shape = shape  # type: ignore[assignment]
    known = fake.data.beneficiaries[1]
    async with client(fake) as qonto:
        exact = await qonto.sepa_transfers.verify_payee(iban=known["iban"], beneficiary_name=known["name"])
        assert exact.match_result is VopMatchResult.MATCH
        assert exact.matched_name is None
        assert isinstance(exact.proof_token, VopProofToken)
        assert exact.proof_token.token.startswith("vop_")
        close = await qonto.sepa_transfers.verify_payee(iban=known["iban"], beneficiary_name=known["name"].upper())
        assert close.match_result is VopMatchResult.CLOSE_MATCH
        assert close.matched_name == known["name"]
        wrong = await qonto.sepa_transfers.verify_payee(iban=known["iban"], beneficiary_name="Someone Else")
        assert wrong.match_result is VopMatchResult.NO_MATCH
        unknown = await qonto.sepa_transfers.verify_payee(iban=NEW_IBAN, beneficiary_name="New Supplier")
        assert unknown.match_result is VopMatchResult.NOT_POSSIBLE
        assert _body(fake, "POST", "/v2/sepa/verify_payee") == {
            "iban": NEW_IBAN,
            "beneficiary_name": "New Supplier",
        }
        # The proof works whatever the match result (qonto-api.md §9).
        assert unknown.proof_token is not None
        transfer = await qonto.sepa_transfers.create(
            bank_account_id=fake.data.bank_accounts[0]["id"],
            amount="10.00",
            reference="after a no-match",
            beneficiary_id=known["id"],
            vop_proof_token=wrong.proof_token,  # type: ignore[arg-type]
        )
        assert transfer.amount == Decimal("10.00")
        assert repr(exact.proof_token).count(exact.proof_token.token) == 0  # shortened in repr


async def test_verify_payee_bank_unavailable_still_yields_a_proof(fake: FakeQonto) -> None:
    store(fake).unavailable_ibans.add(NEW_IBAN)
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.sepa_transfers.verify_payee(iban=NEW_IBAN, beneficiary_name="New Supplier")
        assert caught.value.code == BANK_UNAVAILABLE
        assert caught.value.trace_id
        proof = proof_token_from_error(caught.value)
        assert isinstance(proof, VopProofToken)
        created = await qonto.sepa_transfers.create(
            bank_account_id=fake.data.bank_accounts[0]["id"],
            amount=Decimal("5"),
            reference="bank down",
            beneficiary=TransferBeneficiary(name="New Supplier", iban=NEW_IBAN),
            vop_proof_token=proof,
        )
        assert created.status == SepaTransferStatus.PROCESSING
    assert proof_token_from_error(NotFoundError(status=404, method="GET", url="u", body={"errors": []})) is None


async def test_bulk_verify_is_a_partial_success(fake: FakeQonto) -> None:
    known = fake.data.beneficiaries[0]
    store(fake).unavailable_ibans.add(NEW_IBAN)
    async with client(fake) as qonto:
        result = await qonto.sepa_transfers.bulk_verify_payee(
            [
                PayeeVerificationRequest(id="a", iban=known["iban"], beneficiary_name=known["name"]),
                {"id": "b", "iban": NEW_IBAN, "beneficiary_name": "Down Bank"},
            ]
        )
        ok, down = result.requests
        assert (ok.id, ok.failed, ok.error_code) == ("a", False, "ERROR_UNSPECIFIED")
        assert ok.response is not None
        assert ok.response.match_result is VopMatchResult.MATCH
        assert ok.response.proof_token is not None
        assert (down.id, down.failed, down.error_code, down.response) == ("b", True, BANK_UNAVAILABLE, None)
        assert result.failed == (down,)
        assert result.proof_token is not None
        sent = _body(fake, "POST", "/v2/sepa/bulk_verify_payee")
        assert sent == {
            "requests": [
                {"id": "a", "beneficiary_name": known["name"], "iban": known["iban"]},
                {"id": "b", "beneficiary_name": "Down Bank", "iban": NEW_IBAN},
            ]
        }
        skipped = await qonto.sepa_transfers.skip_verify_payee(
            [PayeeVerificationRequest(iban=NEW_IBAN, beneficiary_name="X")]
        )
        assert isinstance(skipped, VopProofToken)
        generated = _body(fake, "POST", "/v2/sepa/skip_verify_payee")["requests"][0]  # type: ignore[index]
        assert isinstance(generated["id"], str)
        assert len(generated["id"]) == 36


async def test_verification_arguments_are_checked(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="1 to 400"):
            await qonto.sepa_transfers.bulk_verify_payee([])
        too_many = [PayeeVerificationRequest(iban=f"FR{n}", beneficiary_name="n") for n in range(401)]
        with pytest.raises(ConfigurationError, match="1 to 400"):
            await qonto.sepa_transfers.skip_verify_payee(too_many)
        with pytest.raises(ConfigurationError, match="unique"):
            await qonto.sepa_transfers.bulk_verify_payee(
                [PayeeVerificationRequest(id="x", iban="A", beneficiary_name="a")] * 2
            )
        with pytest.raises(ConfigurationError, match="140"):
            await qonto.sepa_transfers.verify_payee(iban=NEW_IBAN, beneficiary_name="x" * 141)
        with pytest.raises(ConfigurationError, match="requests must be a list"):
            await qonto.sepa_transfers.bulk_verify_payee(PayeeVerificationRequest(iban="A", beneficiary_name="a"))  # type: ignore[arg-type]
    assert fake.count("POST") == 0


# --- single transfers ---------------------------------------------------------------------------------------------


async def test_create_transfer_sends_the_documented_body_with_an_idempotency_key(fake: FakeQonto) -> None:
    beneficiary = fake.data.beneficiaries[0]
    account = fake.data.bank_accounts[0]["id"]
    async with client(fake) as qonto:
        proof = (
            await qonto.sepa_transfers.verify_payee(iban=beneficiary["iban"], beneficiary_name=beneficiary["name"])
        ).proof_token
        assert proof is not None
        created = await qonto.sepa_transfers.create(
            bank_account_id=account,
            amount="1250.50",
            reference="Invoice 42",
            beneficiary_id=beneficiary["id"],
            scheduled_date=date(2099, 1, 2),
            note="paid by the bot",
            attachment_ids=["att-1"],
            vop_proof_token=proof,
            idempotency_key="sepa-key-1",
        )
        assert created.status is SepaTransferStatus.PENDING
        assert (created.amount, created.amount_cents, created.scheduled_date) == (
            Decimal("1250.50"),
            125050,
            date(2099, 1, 2),
        )
        assert await qonto.sepa_transfers.get(created.id) == created
        entry = fake.last("POST", "/v2/sepa/transfers")
        assert entry is not None
        assert entry.headers["X-Qonto-Idempotency-Key"] == "sepa-key-1"
        assert json.loads(entry.body) == {
            "transfer": {
                "bank_account_id": account,
                "reference": "Invoice 42",
                "amount": "1250.50",
                "beneficiary_id": beneficiary["id"],
                "note": "paid by the bot",
                "attachment_ids": ["att-1"],
                "scheduled_date": "2099-01-02",
            },
            "vop_proof_token": proof.token,
        }
        # Same key: Qonto replays the first answer and creates nothing (qonto-api.md §7).
        again = await qonto.sepa_transfers.create(
            bank_account_id=account,
            amount="1250.50",
            reference="Invoice 42",
            beneficiary_id=beneficiary["id"],
            vop_proof_token=proof.token,
            idempotency_key="sepa-key-1",
        )
        assert again == created
        # Without a key, one is generated per call.
        await qonto.sepa_transfers.create(
            bank_account_id=account,
            amount="1",
            reference="r",
            beneficiary_id=beneficiary["id"],
            vop_proof_token=proof,
        )
        key = fake.last("POST", "/v2/sepa/transfers").headers["X-Qonto-Idempotency-Key"]  # type: ignore[union-attr]
        assert key
        assert key != "sepa-key-1"
    assert fake.side_effects["sepa-key-1"] == 1


async def test_inline_beneficiary_creates_an_untrusted_beneficiary(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        proof = await qonto.sepa_transfers.skip_verify_payee(
            [PayeeVerificationRequest(iban=NEW_IBAN, beneficiary_name="Fresh")]
        )
        created = await qonto.sepa_transfers.create(
            bank_account_id=fake.data.bank_accounts[0]["id"],
            amount=Decimal("99.99"),
            reference="first payment",
            beneficiary=TransferBeneficiary(name="Fresh GmbH", iban=NEW_IBAN, bic="COBADEFFXXX"),
            vop_proof_token=proof,
        )
        assert _body(fake, "POST", "/v2/sepa/transfers")["transfer"]["beneficiary"] == {  # type: ignore[index]
            "name": "Fresh GmbH",
            "iban": NEW_IBAN,
            "bic": "COBADEFFXXX",
        }
        assert created.beneficiary_id is not None
        beneficiary = await qonto.beneficiaries.get(created.beneficiary_id)
        assert (beneficiary.iban, beneficiary.trusted) == (NEW_IBAN, False)


async def test_bad_transfers_are_refused_before_sending(fake: FakeQonto) -> None:
    beneficiary = fake.data.beneficiaries[0]["id"]
    base = {"bank_account_id": "acc", "reference": "r", "vop_proof_token": "vop_x", "beneficiary_id": beneficiary}
    async with client(fake) as qonto:
        for amount, match in ((12.5, "float"), ("12.345", "2 decimals"), ("-1", "positive"), (0, "Decimal")):
            with pytest.raises(ConfigurationError, match=match):
                await qonto.sepa_transfers.create(amount=amount, **base)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="exactly one"):
            await qonto.sepa_transfers.create(
                amount="1",
                beneficiary=TransferBeneficiary(name="n", iban="i"),
                **base,  # type: ignore[arg-type]
            )
        with pytest.raises(ConfigurationError, match="vop_proof_token"):
            await qonto.sepa_transfers.create(**{**base, "vop_proof_token": ""}, amount="1")  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="scheduled_date"):
            await qonto.sepa_transfers.create(amount="1", scheduled_date="02/01/2099", **base)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="idempotency_key"):
            await qonto.sepa_transfers.create(amount="1", idempotency_key=" k", **base)  # type: ignore[arg-type]
    assert fake.count("POST") == 0


async def test_the_fake_refuses_what_qonto_refuses(fake: FakeQonto) -> None:
    beneficiary = fake.data.beneficiaries[0]
    account = fake.data.bank_accounts[0]["id"]
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.sepa_transfers.create(
                bank_account_id=account,
                amount="1",
                reference="r",
                beneficiary_id=beneficiary["id"],
                vop_proof_token="vop_forged",
            )
        assert caught.value.code == "invalid_vop_proof_token"
        other = await qonto.sepa_transfers.verify_payee(iban=NEW_IBAN, beneficiary_name="Other")
        with pytest.raises(ValidationError, match="does not cover"):
            await qonto.sepa_transfers.create(
                bank_account_id=account,
                amount="1",
                reference="r",
                beneficiary_id=beneficiary["id"],
                vop_proof_token=other.proof_token,  # type: ignore[arg-type]
            )
        proof = await qonto.sepa_transfers.verify_payee(
            iban=beneficiary["iban"], beneficiary_name=beneficiary["name"]
        )
        with pytest.raises(ValidationError) as caught:
            await qonto.sepa_transfers.create(
                bank_account_id=account,
                amount="30000.01",
                reference="big",
                beneficiary_id=beneficiary["id"],
                vop_proof_token=proof.proof_token,  # type: ignore[arg-type]
            )
        assert caught.value.code == "attachment_required"
        assert caught.value.errors[0].source is not None
        assert caught.value.errors[0].source.pointer == "/transfer/attachment_ids"
        with pytest.raises(ValidationError, match="Bank account"):
            await qonto.sepa_transfers.create(
                bank_account_id="nope",
                amount="1",
                reference="r",
                beneficiary_id=beneficiary["id"],
                vop_proof_token=proof.proof_token,  # type: ignore[arg-type]
            )
        fake.advance(23 * 3600 + 1)
        with pytest.raises(ValidationError, match="expired"):
            await qonto.sepa_transfers.create(
                bank_account_id=account,
                amount="1",
                reference="r",
                beneficiary_id=beneficiary["id"],
                vop_proof_token=proof.proof_token,  # type: ignore[arg-type]
            )
    assert store(fake).transfers[-1]["reference"] != "big"


async def test_create_transfer_goes_through_sca(fake: FakeQonto) -> None:
    fake.sca.require_for.add("POST /v2/sepa/transfers")
    fake.sca.require_mock_in_sandbox = False
    beneficiary = fake.data.beneficiaries[1]
    async with client(fake) as qonto:
        proof = await qonto.sepa_transfers.skip_verify_payee(
            [PayeeVerificationRequest(iban=beneficiary["iban"], beneficiary_name="b")]
        )
        before = len(store(fake).transfers)
        with pytest.raises(ScaRequired) as caught:
            await qonto.sepa_transfers.create(
                bank_account_id=fake.data.bank_accounts[0]["id"],
                amount="42.00",
                reference="needs SCA",
                beneficiary_id=beneficiary["id"],
                vop_proof_token=proof,
            )
        assert caught.value.sca_session_token
        assert len(store(fake).transfers) == before


async def test_cancel_and_download_proof(fake: FakeQonto) -> None:
    transfers = store(fake).transfers
    settled = next(t for t in transfers if t["status"] == "settled")
    pending = next(t for t in transfers if t["status"] == "pending")
    async with client(fake) as qonto:
        pdf = await qonto.sepa_transfers.download_proof(settled["id"])
        assert pdf == proof_pdf(settled)
        assert pdf.startswith(b"%PDF-")
        entry = fake.last("POST", f"/v2/sepa/transfers/{settled['id']}/download_proof")
        assert entry is not None
        assert entry.headers["Accept"] == "application/pdf"
        with pytest.raises(ValidationError, match="completed"):
            await qonto.sepa_transfers.download_proof(pending["id"])
        assert await qonto.sepa_transfers.cancel(pending["id"]) is None
        assert (await qonto.sepa_transfers.get(pending["id"])).status is SepaTransferStatus.CANCELED
        with pytest.raises(ValidationError, match="cannot be canceled"):
            await qonto.sepa_transfers.cancel(pending["id"])
        with pytest.raises(NotFoundError):
            await qonto.sepa_transfers.cancel("missing")
        with pytest.raises(ConfigurationError):
            await qonto.sepa_transfers.download_proof("")


# --- bulk transfers -----------------------------------------------------------------------------------------------


async def test_bulk_transfer_surfaces_per_item_errors(fake: FakeQonto) -> None:
    known = fake.data.beneficiaries[0]
    account = fake.data.bank_accounts[0]["id"]
    async with client(fake) as qonto:
        assert (await qonto.bulk_transfers.list()).items == ()
        verified = await qonto.sepa_transfers.bulk_verify_payee(
            [
                PayeeVerificationRequest(iban=known["iban"], beneficiary_name=known["name"]),
                PayeeVerificationRequest(iban=NEW_IBAN, beneficiary_name="New One"),
            ]
        )
        items = [
            BulkTransferItem(
                amount="100.00", reference="ok", beneficiary_id=known["id"], client_transfer_id="c-ok"
            ),
            BulkTransferItem(
                amount=Decimal("45000"),
                reference="too big without a file",
                beneficiary=TransferBeneficiary(name="New One", iban=NEW_IBAN),
                scheduled_date=date(2099, 3, 1),
                client_transfer_id="c-big",
            ),
        ]
        bulk = await qonto.bulk_transfers.create(
            bank_account_id=account, transfers=items, vop_proof_token=verified, idempotency_key="bulk-1"
        )
        assert isinstance(bulk, BulkTransfer)
        assert (bulk.total_count, bulk.completed_count, bulk.failed_count, bulk.pending_count) == (2, 1, 1, 0)
        ok, big = bulk.results
        assert (ok.client_transfer_id, ok.status, ok.failed) == ("c-ok", BulkTransferResultStatus.COMPLETED, False)
        assert bulk.failed_results == (big,)
        assert big.transfer_id is None
        (error,) = big.error_items
        assert error.code == "attachment_required"
        assert error.source is not None
        assert error.source.pointer == "/bulk_transfers/1/attachment_ids"
        sent = _body(fake, "POST", "/v2/sepa/bulk_transfers")
        assert sent["bulk_transfers"][1] == {  # type: ignore[index]
            "client_transfer_id": "c-big",
            "reference": "too big without a file",
            "amount": "45000",
            "beneficiary": {"name": "New One", "iban": NEW_IBAN},
            "scheduled_date": "2099-03-01",
        }
        assert sent["vop_proof_token"] == verified.proof_token.token  # type: ignore[union-attr]
        assert await qonto.bulk_transfers.get(bulk.id) == bulk
        assert [b.id for b in await qonto.bulk_transfers.iterate().to_list()] == [bulk.id]
        assert ok.transfer_id is not None
        made = await qonto.sepa_transfers.list(ids=[ok.transfer_id])
        assert [t.reference for t in made.items] == ["ok"]
        with pytest.raises(ValidationError, match="does not cover"):
            await qonto.bulk_transfers.create(
                bank_account_id=account, transfers=items[:1], vop_proof_token=verified.proof_token
            )  # type: ignore[arg-type]
        with pytest.raises(NotFoundError):
            await qonto.bulk_transfers.get("missing")


async def test_bulk_arguments_are_checked(fake: FakeQonto) -> None:
    item = BulkTransferItem(amount="1", reference="r", beneficiary_id="b", client_transfer_id="same")
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.bulk_transfers.create(bank_account_id="a", transfers=[], vop_proof_token="p")
        with pytest.raises(ConfigurationError, match="unique"):
            await qonto.bulk_transfers.create(bank_account_id="a", transfers=[item, item], vop_proof_token="p")
        with pytest.raises(ConfigurationError, match=r"transfers\[0\]: amount"):
            await qonto.bulk_transfers.create(
                bank_account_id="a",
                transfers=[BulkTransferItem(amount="1.001", reference="r", beneficiary_id="b")],
                vop_proof_token="p",
            )
        with pytest.raises(ConfigurationError, match="exactly one"):
            await qonto.bulk_transfers.create(
                bank_account_id="a", transfers=[BulkTransferItem(amount="1", reference="r")], vop_proof_token="p"
            )
    with pytest.raises(ConfigurationError, match="float"):
        BulkTransferItem(amount=1.5, reference="r")  # type: ignore[arg-type]
    assert fake.count("POST") == 0


# --- recurring transfers ------------------------------------------------------------------------------------------


async def test_recurring_transfers(fake: FakeQonto) -> None:
    beneficiary = fake.data.beneficiaries[0]
    account = fake.data.bank_accounts[0]["id"]
    async with client(fake) as qonto:
        (seeded,) = (await qonto.recurring_transfers.list()).items
        assert isinstance(seeded, SepaRecurringTransfer)
        assert seeded.frequency is RecurringTransferFrequency.MONTHLY
        assert seeded.amount == Decimal("1100.5")
        assert seeded.last_execution_date is None
        proof = await qonto.sepa_transfers.verify_payee(
            iban=beneficiary["iban"], beneficiary_name=beneficiary["name"]
        )
        created = await qonto.recurring_transfers.create(
            bank_account_id=account,
            amount="250.00",
            reference="Subscription",
            frequency=RecurringTransferFrequency.QUARTERLY,
            first_execution_date="2027-01-01",
            last_execution_date=date(2027, 12, 31),
            beneficiary_id=beneficiary["id"],
            vop_proof_token=proof.proof_token,  # type: ignore[arg-type]
        )
        assert (created.frequency, created.first_execution_date, created.next_execution_date) == (
            RecurringTransferFrequency.QUARTERLY,
            date(2027, 1, 1),
            date(2027, 1, 1),
        )
        entry = fake.last("POST", "/v2/sepa/recurring_transfers")
        assert entry is not None
        assert entry.headers["X-Qonto-Idempotency-Key"]
        assert json.loads(entry.body)["recurring_transfer"] == {
            "bank_account_id": account,
            "reference": "Subscription",
            "amount": "250.00",
            "beneficiary_id": beneficiary["id"],
            "frequency": "quarterly",
            "first_execution_date": "2027-01-01",
            "last_execution_date": "2027-12-31",
        }
        assert await qonto.recurring_transfers.get(created.id) == created
        assert len(await qonto.recurring_transfers.iterate(per_page=1).to_list()) == 2
        assert await qonto.recurring_transfers.cancel(created.id) is None
        canceled = await qonto.recurring_transfers.get(created.id)
        assert (canceled.status, canceled.next_execution_date) == (RecurringTransferStatus.CANCELED, None)
        with pytest.raises(ValidationError, match="already canceled"):
            await qonto.recurring_transfers.cancel(created.id)
        with pytest.raises(NotFoundError):
            await qonto.recurring_transfers.get("missing")
        with pytest.raises(ConfigurationError, match="frequency"):
            await qonto.recurring_transfers.create(
                bank_account_id=account,
                amount="1",
                reference="r",
                frequency="daily",
                first_execution_date="2027-01-01",
                beneficiary_id="b",
                vop_proof_token="p",
            )
        with pytest.raises(ConfigurationError, match="before"):
            await qonto.recurring_transfers.create(
                bank_account_id=account,
                amount="1",
                reference="r",
                frequency="weekly",
                first_execution_date="2027-01-02",
                last_execution_date="2027-01-01",
                beneficiary_id="b",
                vop_proof_token="p",
            )


def test_sync_twins() -> None:
    with fake_in_thread(sandbox=True, transactions_per_account=5) as fake:
        client_id, client_secret = fake.oauth_client()
        auth = OAuthBearerAuth(
            client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=SCOPES)
        )
        with SyncQontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            transfers = qonto.sepa_transfers.iterate(status="settled").to_list()
            assert transfers
            assert all(t.status is SepaTransferStatus.SETTLED for t in transfers)
            assert qonto.sepa_transfers.download_proof(transfers[0].id).startswith(b"%PDF-")
            beneficiary = fake.data.beneficiaries[0]
            proof = qonto.sepa_transfers.verify_payee(
                iban=beneficiary["iban"], beneficiary_name=beneficiary["name"]
            )
            assert proof.match_result is VopMatchResult.MATCH
            assert qonto.recurring_transfers.list().items
            assert qonto.bulk_transfers.list().items == ()
