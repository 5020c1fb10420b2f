"""International transfers and the membership invite against FakeQonto (issue 4).

The flow follows docs.qonto.com's international transfers guide: eligibility, currencies, quote, beneficiary
requirements (refreshed while a field asks for it), beneficiary, transfer requirements, transfer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
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
    InternationalBeneficiary,
    InternationalBeneficiaryResult,
    InternationalCurrency,
    InternationalEligibility,
    InternationalEligibilityReason,
    InternationalEligibilityStatus,
    InternationalQuote,
    InternationalQuoteStatus,
    InternationalRequirement,
    InternationalRequirementFieldType,
    InternationalTransfer,
    InternationalTransferStatus,
    Membership,
    MembershipRole,
    Money,
)
from qonto_async.testing import FakeQonto
from qonto_async.testing._routes.international import store

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
WRITE = "international_transfer.write"
IDEMPOTENCY = "X-Qonto-Idempotency-Key"

# Answers to the fake's SWIFT form, with dotted keys as the requirement fields name them.
SWIFT_DETAILS: dict[str, Any] = {
    "accountHolderName": "Ada Lovelace",
    "legalType": "BUSINESS",
    "swiftCode": "BOFAUS3NXXX",
    "accountNumber": "123456789",
    "address.country": "US",
    "address.city": "New York",
    "address.firstLine": "1 Main Street",
}
PURPOSE = {"reference": "Invoice 42", "transferPurpose": "verification.transfer.purpose.invoice"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes))


def client(fake: FakeQonto, *scopes: str) -> QontoClient:
    return QontoClient(
        auth=oauth(fake, *(scopes or ("organization.read", WRITE))),
        environment=fake.environment,
        staging_token=fake.staging_token,
        retry=FAST,
    )


def sent_json(fake: FakeQonto, method: str, path: str) -> Any:
    entry = fake.last(method, path)
    assert entry is not None
    return json.loads(entry.body)


def keys(requirement: InternationalRequirement) -> list[str | None]:
    return [field.key for group in requirement.fields for field in group.group]


# --- eligibility and currencies ---------------------------------------------------------------------------------


async def test_eligibility_is_a_string_status(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        eligibility = await qonto.international.get_eligibility()
        assert eligibility == InternationalEligibility(eligible=InternationalEligibilityStatus.ELIGIBLE)
        st = store(fake)
        st.eligible, st.reason = "ineligible", "kyb_not_approved"
        eligibility = await qonto.international.get_eligibility()
        assert eligibility.eligible is InternationalEligibilityStatus.INELIGIBLE
        assert eligibility.reason is InternationalEligibilityReason.KYB_NOT_APPROVED
        # An undocumented reason is kept as sent.
        st.reason = "country_not_supported"
        assert (await qonto.international.get_eligibility()).reason == "country_not_supported"


async def test_international_needs_oauth_and_its_scopes(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.international.get_eligibility()
    async with client(fake, "organization.read") as qonto:
        assert await qonto.international.list_currencies("EUR")
        with pytest.raises(PermissionDeniedError, match=WRITE):
            await qonto.international.create_quote(
                source_currency="EUR", target_currency="USD", source_amount=Decimal("10.00")
            )


async def test_currencies_from_a_source(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        currencies = await qonto.international.list_currencies("EUR")
        assert all(isinstance(c, InternationalCurrency) for c in currencies)
        assert [c.currency_code for c in currencies][:2] == ["USD", "GBP"]
        assert currencies[0] == InternationalCurrency(
            currency_code="USD", country_code="US", suggestion_priority=1
        )
        assert fake.last("GET").query == [("source", "EUR")]  # type: ignore[union-attr]
        assert await qonto.international.list_currencies("USD") == ()
        before = fake.count()
        for bad in ("eur", "EURO", "", None):
            with pytest.raises(ConfigurationError, match="ISO 4217"):
                await qonto.international.list_currencies(bad)  # type: ignore[arg-type]
        assert fake.count() == before


# --- quotes -----------------------------------------------------------------------------------------------------


async def test_quote_from_a_source_amount_is_all_decimal(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount=Decimal("1000.00")
        )
        assert isinstance(quote, InternationalQuote)
        assert quote.status is InternationalQuoteStatus.PENDING
        assert quote.rate == Decimal("1.085")
        assert isinstance(quote.rate, Decimal)
        assert quote.source_amount == Money(value=Decimal("1000.00"), currency="EUR")
        assert quote.target_amount == Money(value=Decimal("1085.00"), currency="USD")
        assert quote.fees is not None
        assert quote.fees.total == Money(value=Decimal("9.00"), currency="EUR")
        assert sum(fee.value or 0 for fee in quote.fees.details) == Decimal("9.00")
        assert quote.created_at is not None
        assert quote.expired_at is not None
        assert quote.expired_at > quote.created_at
        assert quote.created_at.tzinfo is not None
        # Amounts go out as decimal strings; Qonto documents no idempotency key on quotes.
        assert sent_json(fake, "POST", "/v2/international/quotes") == {
            "source_currency": "EUR",
            "target_currency": "USD",
            "source_amount": "1000.00",
        }
        assert IDEMPOTENCY not in fake.last("POST").headers  # type: ignore[union-attr]


async def test_quote_from_a_target_amount(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="GBP", target_amount="856"
        )
        assert sent_json(fake, "POST", "/v2/international/quotes")["target_amount"] == "856"
        assert quote.source_amount == Money(value=Decimal("1000.00"), currency="EUR")


async def test_quote_bad_input_is_refused_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        before = fake.count()
        create = qonto.international.create_quote
        with pytest.raises(ConfigurationError, match="exactly one"):
            await create(source_currency="EUR", target_currency="USD")
        with pytest.raises(ConfigurationError, match="exactly one"):
            await create(source_currency="EUR", target_currency="USD", source_amount="1", target_amount="1")
        with pytest.raises(ConfigurationError, match="never a float"):
            await create(
                source_currency="EUR",
                target_currency="USD",
                source_amount=10.5,  # type: ignore[arg-type]
            )
        with pytest.raises(ConfigurationError, match="at most 2 decimals"):
            await create(source_currency="EUR", target_currency="USD", source_amount=Decimal("1.005"))
        with pytest.raises(ConfigurationError, match="positive"):
            await create(source_currency="EUR", target_currency="USD", source_amount="-5")
        with pytest.raises(ConfigurationError, match="Decimal or a decimal string"):
            await create(
                source_currency="EUR",
                target_currency="GBP",
                target_amount=Money(value=Decimal("5"), currency="GBP"),  # type: ignore[arg-type]
            )
        with pytest.raises(ConfigurationError, match="ISO 4217"):
            await create(source_currency="EUR", target_currency="usd", source_amount="5")
        assert fake.count() == before


async def test_quote_refused_by_qonto_is_a_validation_error(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.international.create_quote(
                source_currency="EUR", target_currency="XAU", source_amount="10.00"
            )
        assert caught.value.status == 422
        (error,) = caught.value.errors
        assert error.source is not None
        assert error.source.pointer == "/target_currency"


# --- beneficiaries ----------------------------------------------------------------------------------------------


async def test_beneficiary_requirements_form(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="GBP", source_amount="100.00"
        )
        methods = await qonto.international.beneficiary_requirements(quote_id=quote.id, currency="GBP")
        # One requirement per payment method: GBP offers SWIFT and UK sort code.
        assert [r.type for r in methods] == ["swift_code", "sort_code"]
        assert sent_json(fake, "POST", "/v2/international/beneficiaries/requirements") == {
            "quote_id": quote.id,
            "payload": {"currency": "GBP"},
        }
        swift = methods[0]
        assert [group.name for group in swift.fields] == ["Account holder", "Bank details", "Address"]
        legal = swift.fields[0].group[1]
        assert legal.key == "legalType"
        assert legal.type is InternationalRequirementFieldType.RADIO
        assert legal.refresh_requirements_on_change is True
        assert [(v.key, v.value) for v in legal.values_allowed] == [
            ("PRIVATE", "Person"),
            ("BUSINESS", "Business"),
        ]
        swift_code = swift.fields[1].group[0]
        assert swift_code.required is True
        assert swift_code.validation_regexp
        city = swift.fields[2].group[1]
        assert city.key == "address.city"
        assert city.max_length == 85
        assert isinstance(city.max_length, int)
        assert "dateOfBirth" not in keys(swift)

        # Answering a refresh field changes the form: a person needs a date of birth.
        (refreshed,) = await qonto.international.beneficiary_requirements(
            quote_id=quote.id, currency="GBP", type="swift_code", details={"legalType": "PRIVATE"}
        )
        birth = next(f for g in refreshed.fields for f in g.group if f.key == "dateOfBirth")
        assert birth.type is InternationalRequirementFieldType.DATE
        assert sent_json(fake, "POST", "/v2/international/beneficiaries/requirements")["payload"] == {
            "currency": "GBP",
            "type": "swift_code",
            "details": {"legalType": "PRIVATE"},
        }


async def test_requirements_follow_accept_language(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="100.00"
        )
        (french,) = await qonto.international.beneficiary_requirements(
            quote_id=quote.id, currency="USD", accept_language="fr"
        )
        assert fake.last("POST").headers["Accept-Language"] == "fr"  # type: ignore[union-attr]
        assert french.fields[0].name == "Titulaire du compte"
        await qonto.international.beneficiary_requirements(quote_id=quote.id, currency="USD")
        assert "Accept-Language" not in fake.last("POST").headers  # type: ignore[union-attr]
        before = fake.count()
        for bad in ("en-GB", "nl", "FR", ""):
            with pytest.raises(ConfigurationError, match="accept_language"):
                await qonto.international.beneficiary_requirements(
                    quote_id=quote.id, currency="USD", accept_language=bad
                )
        assert fake.count() == before


async def test_unknown_quote_or_beneficiary_is_not_found(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(NotFoundError):
            await qonto.international.beneficiary_requirements(quote_id="no-such-quote", currency="USD")
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="100.00"
        )
        with pytest.raises(NotFoundError):
            await qonto.international.beneficiary_requirements(
                quote_id=quote.id, currency="USD", beneficiary_id="no-such-beneficiary"
            )
        with pytest.raises(ValidationError, match="target currency"):
            await qonto.international.beneficiary_requirements(quote_id=quote.id, currency="GBP")


async def test_create_update_delete_a_beneficiary(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="250.00"
        )
        result = await qonto.international.create_beneficiary(
            quote_id=quote.id, currency="USD", type="swift_code", details=SWIFT_DETAILS
        )
        assert isinstance(result, InternationalBeneficiaryResult)
        created = result.beneficiary
        assert created == InternationalBeneficiary(
            id=created.id,
            name="Ada Lovelace",
            country="US",
            currency="USD",
            payment_type="swift_code",
            account_identifier="123456789",
            bank_identifier="BOFAUS3NXXX",
        )
        # A new quote comes back: the one to use from now on.
        assert result.quote is not None
        assert result.quote.id != quote.id
        assert result.quote.source_amount == quote.source_amount
        assert result.target_account_id
        # Dotted keys went out as the nested object Qonto expects.
        assert sent_json(fake, "POST", "/v2/international/beneficiaries")["payload"]["details"]["address"] == {
            "country": "US",
            "city": "New York",
            "firstLine": "1 Main Street",
        }

        updated = await qonto.international.update_beneficiary(
            created.id,
            quote_id=result.quote.id,
            currency="USD",
            type="swift_code",
            details={**SWIFT_DETAILS, "accountNumber": "987654321"},
        )
        assert fake.last("PUT").path == f"/v2/international/beneficiaries/{created.id}"  # type: ignore[union-attr]
        assert updated.beneficiary.account_identifier == "987654321"
        assert updated.target_account_id == result.target_account_id

        assert created.id in [b.id async for b in qonto.international.iterate_beneficiaries(currency="USD")]
        await qonto.international.delete_beneficiary(created.id)
        assert fake.last("DELETE").status == 200  # type: ignore[union-attr]
        assert created.id not in [b.id async for b in qonto.international.iterate_beneficiaries(currency="USD")]
        with pytest.raises(NotFoundError):
            await qonto.international.delete_beneficiary(created.id)
        with pytest.raises(NotFoundError):
            await qonto.international.update_beneficiary(
                created.id, quote_id=result.quote.id, currency="USD", type="swift_code", details=SWIFT_DETAILS
            )


async def test_missing_beneficiary_detail_is_pointed_at(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="250.00"
        )
        details = {k: v for k, v in SWIFT_DETAILS.items() if k != "address.city"}
        with pytest.raises(ValidationError) as caught:
            await qonto.international.create_beneficiary(
                quote_id=quote.id, currency="USD", type="swift_code", details=details
            )
        (error,) = caught.value.errors
        assert error.source is not None
        assert error.source.pointer == "/payload/details/address/city"
        with pytest.raises(ValidationError, match="swiftCode"):
            await qonto.international.create_beneficiary(
                quote_id=quote.id, currency="USD", type="swift_code", details={**SWIFT_DETAILS, "swiftCode": "x"}
            )
        with pytest.raises(ValidationError, match=r"payload\.type"):
            await qonto.international.create_beneficiary(
                quote_id=quote.id, currency="USD", type="sort_code", details=SWIFT_DETAILS
            )


async def test_details_are_checked_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        before = fake.count()
        create = qonto.international.create_beneficiary
        cases: list[tuple[Any, str]] = [
            ({"amount": 1.5}, "float"),
            ({"address.city": "Paris", "address": {"city": "Lyon"}}, "given twice"),
            ({"address": "Paris", "address.city": "Paris"}, "already has a value"),
            ({"address..city": "Paris"}, "requirement keys"),
            ({1: "x"}, "requirement keys"),
            (["accountHolderName"], "mapping"),
            ({"when": object()}, "unsupported type"),
        ]
        for details, message in cases:
            with pytest.raises(ConfigurationError, match=message):
                await create(quote_id="q", currency="USD", type="swift_code", details=details)
        assert fake.count() == before


async def test_dotted_and_nested_details_merge(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="250.00"
        )
        details = {
            **{k: v for k, v in SWIFT_DETAILS.items() if not k.startswith("address.")},
            "address.country": "US",
            "address": {"city": "New York", "firstLine": "1 Main Street", "postCode": Decimal("10001")},
        }
        await qonto.international.create_beneficiary(
            quote_id=quote.id, currency="USD", type="swift_code", details=details
        )
        sent = sent_json(fake, "POST", "/v2/international/beneficiaries")["payload"]["details"]["address"]
        assert sent == {"country": "US", "city": "New York", "firstLine": "1 Main Street", "postCode": "10001"}


async def test_list_beneficiaries_by_currency(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.international.list_beneficiaries(currency="USD", per_page=1)
        assert len(page.items) == 1
        assert isinstance(page.items[0], InternationalBeneficiary)
        assert page.meta is not None
        assert page.meta.total_count == 2
        assert page.meta.next_page == 2
        assert fake.last("GET").query == [("currency", "USD"), ("per_page", "1")]  # type: ignore[union-attr]
        everyone = await qonto.international.iterate_beneficiaries(currency="USD", per_page=1).to_list()
        assert [b.name for b in everyone] == ["Acme Corp", "Initech Inc"]
        (globex,) = (await qonto.international.list_beneficiaries(currency="GBP")).items
        assert globex.payment_type == "sort_code"
        with pytest.raises(ConfigurationError, match="ISO 4217"):
            qonto.international.iterate_beneficiaries(currency="dollars")
        with pytest.raises(ConfigurationError, match="per_page"):
            await qonto.international.list_beneficiaries(currency="USD", per_page=0)


# --- transfers --------------------------------------------------------------------------------------------------


async def _ready(qonto: QontoClient) -> tuple[InternationalQuote, InternationalBeneficiaryResult]:
    quote = await qonto.international.create_quote(
        source_currency="EUR", target_currency="USD", source_amount="500.00"
    )
    result = await qonto.international.create_beneficiary(
        quote_id=quote.id, currency="USD", type="swift_code", details=SWIFT_DETAILS
    )
    assert result.quote is not None
    return result.quote, result


async def test_transfer_requirements_until_nothing_is_missing(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote, result = await _ready(qonto)
        assert result.target_account_id is not None
        (needed,) = await qonto.international.transfer_requirements(
            quote_id=quote.id, target_account_id=result.target_account_id, accept_language="en"
        )
        assert needed.type == "transfer"
        assert keys(needed) == ["reference", "transferPurpose"]
        assert fake.last("POST").headers["Accept-Language"] == "en"  # type: ignore[union-attr]
        (other,) = await qonto.international.transfer_requirements(
            quote_id=quote.id,
            target_account_id=result.target_account_id,
            details={"transferPurpose": "verification.transfer.purpose.other"},
        )
        assert keys(other) == ["reference", "transferPurpose", "transferPurposeOther"]
        done = await qonto.international.transfer_requirements(
            quote_id=quote.id, target_account_id=result.target_account_id, details=PURPOSE
        )
        assert done == ()
        assert sent_json(fake, "POST", "/v2/international/transfers/requirements") == {
            "quote_id": quote.id,
            "target_account_id": result.target_account_id,
            "details": PURPOSE,
        }
        with pytest.raises(NotFoundError):
            await qonto.international.transfer_requirements(quote_id=quote.id, target_account_id="0")


async def test_create_transfer_with_an_idempotency_key(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote, result = await _ready(qonto)
        assert result.target_account_id is not None
        account = fake.data.bank_accounts[0]["id"]
        transfer = await qonto.international.create_transfer(
            beneficiary_id=result.beneficiary.id,
            quote_id=quote.id,
            target_account_id=result.target_account_id,
            bank_account_id=account,
            details=PURPOSE,
            source_amount=quote.source_amount,
            target_amount=quote.target_amount,
            attachment_ids=["attachment-1"],
        )
        assert isinstance(transfer, InternationalTransfer)
        assert transfer.status is InternationalTransferStatus.PROCESSING
        assert transfer.source_amount == Money(value=Decimal("500.00"), currency="EUR")
        assert transfer.target_amount == Money(value=Decimal("542.50"), currency="USD")
        assert transfer.bank_account_id == account
        entry = fake.last("POST", "/v2/international/transfers")
        assert entry is not None
        key = entry.headers[IDEMPOTENCY]
        assert json.loads(entry.body) == {
            "beneficiary_id": result.beneficiary.id,
            "quote_id": quote.id,
            "target_account_id": result.target_account_id,
            "bank_account_id": account,
            "details": PURPOSE,
            "source_amount": {"currency": "EUR", "value": "500.00"},
            "target_amount": {"currency": "USD", "value": "542.50"},
            "attachment_ids": ["attachment-1"],
        }

        # A retried call (5xx) reuses its key; a caller-chosen key replays the first answer.
        fake.faults.next(1, status=503, path="/v2/international/transfers")
        mine = "my-transfer-key-1"
        arguments: dict[str, Any] = {
            "beneficiary_id": result.beneficiary.id,
            "quote_id": quote.id,
            "target_account_id": result.target_account_id,
            "details": PURPOSE,
            "idempotency_key": mine,
        }
        first = await qonto.international.create_transfer(**arguments)
        keys_sent = [e.headers[IDEMPOTENCY] for e in fake.requests("POST", "/v2/international/transfers")]
        assert keys_sent == [key, mine, mine]
        assert await qonto.international.create_transfer(**arguments) == first
        assert fake.side_effects[mine] == 1
        assert len(store(fake).transfers) == 2


async def test_create_transfer_refusals(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote, result = await _ready(qonto)
        assert result.target_account_id is not None
        base: dict[str, Any] = {
            "beneficiary_id": result.beneficiary.id,
            "quote_id": quote.id,
            "target_account_id": result.target_account_id,
        }
        with pytest.raises(ValidationError) as caught:
            await qonto.international.create_transfer(**base)
        assert caught.value.errors[0].source is not None
        assert caught.value.errors[0].source.pointer == "/details/reference"
        with pytest.raises(NotFoundError):
            await qonto.international.create_transfer(**base, details=PURPOSE, bank_account_id="not-an-account")
        before = fake.count()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"source_amount": Decimal("5.00")}, "Money"),
            ({"source_amount": Money(value=Decimal("5.00"))}, "value and a currency"),
            ({"target_amount": Money(value=Decimal("5.001"), currency="USD")}, "at most 2 decimals"),
            ({"attachment_ids": "one-id"}, "list of ids"),
            ({"idempotency_key": " "}, "idempotency_key"),
        ]
        for bad, message in cases:
            with pytest.raises(ConfigurationError, match=message):
                await qonto.international.create_transfer(**base, details=PURPOSE, **bad)
        assert fake.count() == before


async def test_an_expired_quote_is_replaced(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        quote, result = await _ready(qonto)
        assert result.target_account_id is not None
        fake.advance(31 * 60)
        await qonto.international.create_transfer(
            beneficiary_id=result.beneficiary.id,
            quote_id=quote.id,
            target_account_id=result.target_account_id,
            details=PURPOSE,
        )
        (saved,) = store(fake).transfers
        assert saved["quote_id"] != quote.id


async def test_create_transfer_can_require_sca(fake: FakeQonto) -> None:
    fake.sca.require_for.add("POST /v2/international/transfers")
    fake.sca.require_mock_in_sandbox = False
    async with client(fake) as qonto:
        quote, result = await _ready(qonto)
        assert result.target_account_id is not None
        with pytest.raises(ScaRequired) as caught:
            await qonto.international.create_transfer(
                beneficiary_id=result.beneficiary.id,
                quote_id=quote.id,
                target_account_id=result.target_account_id,
                details=PURPOSE,
            )
        assert caught.value.sca_session_token == fake.sca.last_token
        assert caught.value.idempotency_key == fake.last("POST").headers[IDEMPOTENCY]  # type: ignore[union-attr]
        assert store(fake).transfers == []


async def test_sync_twins(fake: FakeQonto) -> None:
    auth = oauth(fake, "organization.read", WRITE)
    await asyncio.to_thread(_sync_flow, fake, auth)


def _sync_flow(fake: FakeQonto, auth: OAuthBearerAuth) -> None:
    with SyncQontoClient(
        auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as sync:
        assert sync.international.get_eligibility().eligible is InternationalEligibilityStatus.ELIGIBLE
        assert sync.international.list_currencies("EUR")[0].currency_code == "USD"
        quote = sync.international.create_quote(source_currency="EUR", target_currency="USD", source_amount="9")
        assert sync.international.beneficiary_requirements(quote_id=quote.id, currency="USD")
        made = sync.international.create_beneficiary(
            quote_id=quote.id, currency="USD", type="swift_code", details=SWIFT_DETAILS
        )
        assert made.quote is not None
        assert made.target_account_id is not None
        assert len(sync.international.list_beneficiaries(currency="USD").items) == 3
        assert len(list(sync.international.iterate_beneficiaries(currency="USD"))) == 3
        sync.international.update_beneficiary(
            made.beneficiary.id, quote_id=made.quote.id, currency="USD", type="swift_code", details=SWIFT_DETAILS
        )
        assert (
            sync.international.transfer_requirements(
                quote_id=made.quote.id, target_account_id=made.target_account_id, details=PURPOSE
            )
            == ()
        )
        transfer = sync.international.create_transfer(
            beneficiary_id=made.beneficiary.id,
            quote_id=made.quote.id,
            target_account_id=made.target_account_id,
            details=PURPOSE,
        )
        assert transfer.status is InternationalTransferStatus.PROCESSING
        sync.international.delete_beneficiary(made.beneficiary.id)
        assert len(sync.international.list_beneficiaries(currency="USD").items) == 2


# --- membership invite ------------------------------------------------------------------------------------------


async def test_invite_a_member(fake: FakeQonto) -> None:
    team = fake.data.current_membership["team_id"]
    async with client(fake, "organization.read", "membership.write") as qonto:
        member = await qonto.memberships.create(
            email="grace@example.com",
            first_name="Grace",
            last_name="Hopper",
            role=MembershipRole.REPORTING,
            team_id=team,
        )
        assert isinstance(member, Membership)
        assert member.role is MembershipRole.REPORTING
        assert member.email == "grace@example.com"
        assert member.team_id == team
        assert sent_json(fake, "POST", "/v2/memberships/invite_employee_or_accountant") == {
            "membership": {
                "email": "grace@example.com",
                "first_name": "Grace",
                "last_name": "Hopper",
                "role": "reporting",
                "team_id": team,
            }
        }
        assert IDEMPOTENCY not in fake.last("POST").headers  # type: ignore[union-attr]
        assert member.id in [m.id async for m in qonto.memberships.iterate()]
        employee = await qonto.memberships.create(
            email="alan@example.com", first_name="Alan", last_name="Turing", role="employee"
        )
        assert employee.role is MembershipRole.EMPLOYEE
        assert (
            "team_id" not in sent_json(fake, "POST", "/v2/memberships/invite_employee_or_accountant")["membership"]
        )


async def test_invite_refusals(fake: FakeQonto) -> None:
    async with client(fake, "organization.read", "membership.write") as qonto:
        # Qonto's 422 here carries a single error object, not a list (its Postman example).
        with pytest.raises(ValidationError) as caught:
            await qonto.memberships.create(email="x@localhost", first_name="X", last_name="Y", role="employee")
        assert caught.value.status == 422
        assert caught.value.errors[0].source is not None
        assert caught.value.errors[0].source.pointer == "/membership/email"
        assert "not a valid e-mail address" in str(caught.value)
        await qonto.memberships.create(email="dup@example.com", first_name="A", last_name="B", role="employee")
        with pytest.raises(ValidationError, match="already exists"):
            await qonto.memberships.create(email="dup@example.com", first_name="A", last_name="B", role="employee")
        before = fake.count()
        invalid: list[tuple[dict[str, Any], str]] = [
            ({"email": "not-an-email"}, "e-mail"),
            ({"email": " a@b.c"}, "e-mail"),
            ({"first_name": " "}, "first_name"),
            ({"role": ""}, "role"),
            ({"role": "admin"}, "'employee' or 'reporting'"),
            ({"role": MembershipRole.ACCOUNTANT}, "accountant role is 'reporting'"),
            ({"team_id": ""}, "team_id"),
        ]
        for bad, message in invalid:
            arguments: dict[str, Any] = {
                "email": "ok@example.com",
                "first_name": "A",
                "last_name": "B",
                "role": "employee",
                **bad,
            }
            with pytest.raises(ConfigurationError, match=message):
                await qonto.memberships.create(**arguments)
        assert fake.count() == before
    async with client(fake, "organization.read") as qonto:
        with pytest.raises(PermissionDeniedError, match=r"membership\.write"):
            await qonto.memberships.create(email="z@example.com", first_name="Z", last_name="Z", role="employee")
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.memberships.create(email="z@example.com", first_name="Z", last_name="Z", role="employee")


async def test_invite_sync_twin(fake: FakeQonto) -> None:
    auth = oauth(fake, "membership.write")

    def run() -> Membership:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as sync:
            return sync.memberships.create(email="s@example.com", first_name="S", last_name="T", role="employee")

    member = await asyncio.to_thread(run)
    assert member.email == "s@example.com"


# --- the fake itself: bad bodies get Qonto's 4xx, never a FakeQonto bug ------------------------------------------

_BAD_BODIES: list[Any] = [
    None,
    [],
    "text",
    {},
    {"quote_id": 5},
    {"quote_id": "q", "payload": []},
    {"quote_id": "q", "payload": {"currency": 3, "type": [], "details": "x"}},
    {"source_currency": "EUR", "target_currency": "USD", "source_amount": 12.5},
    {"source_currency": "EUR", "target_currency": "USD", "target_amount": "NaN"},
    {"source_currency": ["EUR"], "target_currency": {"a": 1}, "source_amount": "1"},
    {"beneficiary_id": [], "quote_id": {}, "target_account_id": 7, "details": [], "attachment_ids": "x"},
    {"membership": {"email": 1, "first_name": None, "role": ["employee"], "team_id": 4}},
    {"membership": {"email": "a@b.co", "first_name": "A", "last_name": "B", "role": "employee", "team_id": 4}},
]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v2/international/quotes"),
        ("POST", "/v2/international/beneficiaries/requirements"),
        ("POST", "/v2/international/beneficiaries"),
        ("PUT", "/v2/international/beneficiaries/{id}"),
        ("POST", "/v2/international/transfers/requirements"),
        ("POST", "/v2/international/transfers"),
        ("POST", "/v2/memberships/invite_employee_or_accountant"),
    ],
)
async def test_the_fake_answers_bad_bodies_with_client_errors(fake: FakeQonto, method: str, path: str) -> None:
    token = fake.issue_token(scopes=("organization.read", WRITE, "membership.write"))
    async with client(fake) as qonto:
        quote = await qonto.international.create_quote(
            source_currency="EUR", target_currency="USD", source_amount="10.00"
        )
        (seeded, *_) = (await qonto.international.list_beneficiaries(currency="USD")).items
    target = path.replace("{id}", seeded.id)
    headers = {"Authorization": f"Bearer {token.access_token}", "X-Qonto-Staging-Token": fake.staging_token or ""}
    async with aiohttp.ClientSession() as http:
        for n, body in enumerate(
            [*_BAD_BODIES, {"quote_id": quote.id, "payload": {"currency": "USD", "details": 1}}]
        ):
            headers[IDEMPOTENCY] = f"key-{n}"
            async with http.request(method, fake.url + target, json=body, headers=headers) as response:
                assert 400 <= response.status < 500, (body, response.status, await response.text())
    assert fake.internal_errors == []
