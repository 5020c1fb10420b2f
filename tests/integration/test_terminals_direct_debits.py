"""Payment terminals (qonto-api.md §3.2 B7-B9) and SEPA Direct Debit collection (B10-B15) against FakeQonto over
loopback: Money amounts (§11), the terminal payment's required idempotency key (§7) and 1 kB metadata limit, the
202-then-poll flow, and mandates, subscriptions and collections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import (
    DirectDebitCollectionStatus,
    DirectDebitFirstPayment,
    DirectDebitMandateStatus,
    DirectDebitPaymentInfo,
    DirectDebitScheduleType,
    DirectDebitSubscriptionStatus,
    Money,
    TerminalPaymentStatus,
)
from qonto_async.resources.terminals import MAX_METADATA_BYTES
from qonto_async.testing import FakeQonto, fake_in_thread
from qonto_async.testing._routes.direct_debits import SEED_CLIENT_ID
from qonto_async.testing._routes.terminals import store as terminal_store

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
TERMINAL_SCOPES = ("terminal.read", "terminal.write")
SDD_SCOPES = ("sepa_direct_debit.read", "sepa_direct_debit.write")
EUR = "EUR"


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id,
        client_secret=client_secret,
        token=fake.issue_token(scopes=scopes or (*TERMINAL_SCOPES, *SDD_SCOPES)),
    )


def client(fake: FakeQonto, auth: Any = None) -> QontoClient:
    return QontoClient(
        auth=auth or oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


# --- Terminals ------------------------------------------------------------------------------------------------------


async def test_terminal_payment_is_accepted_then_polled(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        terminals = await qonto.terminals.list()
        assert len(terminals) == 2
        assert terminals[0].poi_id
        assert isinstance(terminals[0].created_at, datetime)
        terminal = terminals[0]

        accepted = await qonto.terminals.create_payment(
            terminal.id, amount=Decimal("13.30"), metadata={"order_id": "order-456", "table": "12"}
        )
        sent = fake.last("POST", f"/v2/terminals/{terminal.id}/payment")
        assert sent is not None
        assert sent.status == 202
        assert sent.json() == {
            "amount": {"value": "13.30", "currency": "EUR"},
            "metadata": {"order_id": "order-456", "table": "12"},
        }
        assert sent.headers["X-Qonto-Idempotency-Key"]
        assert accepted.terminal_id == terminal.id
        assert accepted.amount == Money(value=Decimal("13.30"), currency=EUR)
        assert accepted.metadata == {"order_id": "order-456", "table": "12"}
        assert accepted.status is None  # the 202 is an acknowledgement, not an outcome

        pending = await qonto.terminals.get_payment(accepted.id)
        assert pending.status is TerminalPaymentStatus.PENDING
        terminal_store(fake).complete(fake, accepted.id, tip=Decimal("2.00"))
        done = await qonto.terminals.get_payment(accepted.id)
        assert done.status is TerminalPaymentStatus.AUTHORIZED
        assert done.authorized_amount == Money(value=Decimal("15.30"), currency=EUR)
        assert done.tip_amount == Money(value=Decimal("2.00"), currency=EUR)
        assert done.authorized_at is not None
        assert done.card_summary == "4242"

        second = await qonto.terminals.create_payment(terminal.id, amount=Money(value=Decimal("5"), currency=EUR))
        terminal_store(fake).complete(fake, second.id, authorized=False)
        refused = await qonto.terminals.get_payment(second.id)
        assert refused.status is TerminalPaymentStatus.REFUSED
        assert refused.failure_reason
        with pytest.raises(NotFoundError):
            await qonto.terminals.get_payment("missing")
        with pytest.raises(NotFoundError):
            await qonto.terminals.create_payment("missing", amount="1.00")


async def test_terminal_payment_idempotency_key_is_reused_on_retry_and_replayed(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        terminal = (await qonto.terminals.list())[0]
        path = f"/v2/terminals/{terminal.id}/payment"
        fake.faults.next(status=503, path=path)
        first = await qonto.terminals.create_payment(terminal.id, amount="9.90", idempotency_key="pos-key-1")
        attempts = fake.requests("POST", path)
        assert [a.status for a in attempts] == [503, 202]
        assert {a.headers["X-Qonto-Idempotency-Key"] for a in attempts} == {"pos-key-1"}
        # Same key again, even with another amount: Qonto replays the first answer (qonto-api.md §7).
        again = await qonto.terminals.create_payment(terminal.id, amount="99.00", idempotency_key="pos-key-1")
        assert again == first
    assert fake.side_effects["pos-key-1"] == 1
    assert len(terminal_store(fake).payments) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 13.3}, "never a float"),
        ({"amount": "13.333"}, "at most 2 decimals"),
        ({"amount": "-1"}, "positive"),
        ({"amount": "1.00", "currency": "eur"}, "ISO 4217"),
        ({"amount": Money(value=Decimal("1.00"))}, "both a value and a currency"),
        ({"amount": "1.00", "metadata": ["order"]}, "JSON object"),
        ({"amount": "1.00", "metadata": {1: "x"}}, "keys must be strings"),
        ({"amount": "1.00", "metadata": {"at": datetime(2026, 1, 1)}}, "JSON values"),
        ({"amount": "1.00", "metadata": {"note": "x" * MAX_METADATA_BYTES}}, "1 kB"),
        ({"amount": "1.00", "metadata": {"note": "é" * 510}}, "1 kB"),  # 1,020 characters, 1,033 bytes
        ({"amount": "1.00", "idempotency_key": " key"}, "idempotency_key"),
    ],
)
async def test_bad_terminal_payments_are_refused_before_sending(
    fake: FakeQonto, kwargs: dict[str, Any], message: str
) -> None:
    async with client(fake) as qonto:
        terminal = (await qonto.terminals.list())[0]
        with pytest.raises(ConfigurationError, match=message):
            await qonto.terminals.create_payment(terminal.id, **kwargs)
    assert fake.count("POST", f"/v2/terminals/{terminal.id}/payment") == 0


async def test_metadata_just_under_the_limit_is_sent(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        terminal = (await qonto.terminals.list())[0]
        metadata = {"note": "x" * (MAX_METADATA_BYTES - len('{"note":""}'))}
        payment = await qonto.terminals.create_payment(terminal.id, amount="1.00", metadata=metadata)
        assert payment.metadata == metadata


async def test_terminal_fake_rejects_other_currencies(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        terminal = (await qonto.terminals.list())[0]
        with pytest.raises(ValidationError) as raised:
            await qonto.terminals.create_payment(terminal.id, amount="1.00", currency="USD")
        assert raised.value.errors[0].source is not None
        assert raised.value.errors[0].source.pointer == "/amount/currency"


async def test_terminals_need_oauth_and_their_scopes(fake: FakeQonto) -> None:
    async with client(fake, fake.static_key_auth()) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.terminals.list()
    async with client(fake, oauth(fake, "terminal.read")) as qonto:
        terminal = (await qonto.terminals.list())[0]
        with pytest.raises(PermissionDeniedError):
            await qonto.terminals.create_payment(terminal.id, amount="1.00")


# --- SEPA Direct Debit --------------------------------------------------------------------------------------------


async def test_mandates_list_and_create(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        (seeded,) = (await qonto.direct_debits.list_mandates(client_id=SEED_CLIENT_ID)).items
        assert seeded.status is DirectDebitMandateStatus.SIGNED
        assert fake.last("GET", "/v2/sepa/direct_debit_mandates").query == [("client_id", SEED_CLIENT_ID)]  # type: ignore[union-attr]
        assert (await qonto.direct_debits.list_mandates(client_id="someone-else")).items == ()

        plain = await qonto.direct_debits.create_mandate(client_id="client-1", send_mandate_signature_email=True)
        assert fake.last("POST", "/v2/sepa/direct_debit_mandates").json() == {  # type: ignore[union-attr]
            "direct_debit_mandate": {"client_id": "client-1", "send_mandate_signature_email": True}
        }
        assert plain.status is DirectDebitMandateStatus.PENDING_SIGNATURE
        assert plain.sign_url
        assert plain.unique_mandate_reference

        info = DirectDebitPaymentInfo(
            first_payment=DirectDebitFirstPayment(
                collection_date=date(2026, 12, 15),
                amount=Money(value=Decimal("49.90"), currency=EUR),
                reference="SUBSCRIPTION-2026",
            ),
            notify_client=True,
            schedule_type=DirectDebitScheduleType.MONTHLY,
            schedule_total_collection_count=12,
        )
        scheduled = await qonto.direct_debits.create_mandate(client_id="client-1", payment_info=info)
        assert fake.last("POST", "/v2/sepa/direct_debit_mandates").json() == {  # type: ignore[union-attr]
            "direct_debit_mandate": {
                "client_id": "client-1",
                "payment_info": {
                    "first_payment": {
                        "collection_date": "2026-12-15",
                        "amount": {"value": "49.90", "currency": "EUR"},
                        "reference": "SUBSCRIPTION-2026",
                    },
                    "notify_client": True,
                    "schedule_type": "monthly",
                    "schedule_total_collection_count": 12,
                },
            }
        }
        assert scheduled.payment_info == info
        assert scheduled.schedule_type is DirectDebitScheduleType.MONTHLY
        everything = [m async for m in qonto.direct_debits.iterate_mandates(per_page=1)]
        assert [m.id for m in everything] == [seeded.id, plain.id, scheduled.id]


async def test_subscriptions_create_get_and_list(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        (mandate,) = (await qonto.direct_debits.list_mandates(client_id=SEED_CLIENT_ID)).items
        account = fake.data.bank_accounts[1]["id"]
        on_mandate = await qonto.direct_debits.create_subscription(
            direct_debit_mandate_id=mandate.id,
            bank_account_id=account,
            amount=Money(value=Decimal("250.00"), currency=EUR),
            initial_collection_date="2026-12-01",
            reference="INV-2026-001",
            schedule_type="one_off",
            notify_client=True,
        )
        assert fake.last("POST", "/v2/sepa/direct_debit_subscriptions").json() == {  # type: ignore[union-attr]
            "direct_debit_subscription": {
                "direct_debit_mandate_id": mandate.id,
                "bank_account_id": account,
                "initial_collection_date": "2026-12-01",
                "amount": {"value": "250.00", "currency": "EUR"},
                "reference": "INV-2026-001",
                "notify_client": True,
                "schedule_type": "one_off",
            }
        }
        assert on_mandate.status == "active"
        assert on_mandate.sign_url is None
        assert on_mandate.initial_collection_date == date(2026, 12, 1)
        assert on_mandate.amount == Money(value=Decimal("250.00"), currency=EUR)

        new_client = await qonto.direct_debits.create_subscription(
            client_id="client-9",
            amount="19.99",
            initial_collection_date=date(2026, 12, 5),
            reference="Gym",
            schedule_type=DirectDebitScheduleType.CUSTOM,
            schedule_custom_interval=2,
            schedule_custom_unit="week",
            schedule_total_collection_count=6,
        )
        assert new_client.status is DirectDebitSubscriptionStatus.PENDING_MANDATE_SIGNATURE
        assert new_client.sign_url
        assert new_client.schedule_custom_interval == 2
        (created_mandate,) = (await qonto.direct_debits.list_mandates(client_id="client-9")).items
        assert new_client.direct_debit_mandate_id == created_mandate.id

        assert await qonto.direct_debits.get_subscription(new_client.id) == new_client
        with pytest.raises(NotFoundError):
            await qonto.direct_debits.get_subscription("missing")

        pending = await qonto.direct_debits.list_subscriptions(status="pending_mandate_signature")
        assert [s.id for s in pending.items] == [new_client.id]
        query = fake.last("GET", "/v2/sepa/direct_debit_subscriptions").query  # type: ignore[union-attr]
        assert query == [("status[]", "pending_mandate_signature")]
        ordered = [
            s async for s in qonto.direct_debits.iterate_subscriptions(sort_by="created_at:asc", per_page=2)
        ]
        assert len(ordered) == 3
        assert ordered[0].reference == "SUBSCRIPTION-2026"  # the seeded one is the oldest
        with pytest.raises(ValidationError):
            await qonto.direct_debits.list_subscriptions(sort_by="amount:asc")


async def test_collections(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        (subscription,) = (await qonto.direct_debits.list_subscriptions()).items
        collections = [
            c
            async for c in qonto.direct_debits.iterate_collections(
                direct_debit_subscription_id=subscription.id, per_page=2
            )
        ]
        assert len(collections) == 3
        assert [c.status for c in collections] == [
            DirectDebitCollectionStatus.COMPLETED,
            DirectDebitCollectionStatus.REJECTED,
            DirectDebitCollectionStatus.COMPLETED,
        ]
        assert collections[1].status_reason == "insufficient_funds"
        assert collections[0].amount == Money(value=Decimal("49.90"), currency=EUR)
        assert isinstance(collections[0].collection_date, date)
        none = await qonto.direct_debits.list_collections(direct_debit_subscription_id="other")
        assert none.items == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "direct_debit_mandate_id .* or client_id"),
        ({"client_id": "c", "amount": 9.99}, "never a float"),
        ({"client_id": "c", "initial_collection_date": datetime(2026, 1, 1)}, "calendar date, not a date-time"),
        ({"client_id": "c", "initial_collection_date": "01/12/2026"}, "YYYY-MM-DD"),
        ({"client_id": "c", "schedule_type": "daily"}, "one_off, weekly"),
        ({"client_id": "c", "schedule_type": "custom"}, "needs schedule_custom_interval"),
        ({"client_id": "c", "schedule_custom_interval": 2, "schedule_custom_unit": "week"}, "go with"),
        ({"client_id": "c", "schedule_total_collection_count": 0}, ">= 1"),
        ({"client_id": "c", "reference": " "}, "reference"),
        ({"client_id": "c", "notify_client": "yes"}, "True or False"),
    ],
)
async def test_bad_subscriptions_are_refused_before_sending(
    fake: FakeQonto, kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"amount": "10.00", "initial_collection_date": "2026-12-01", "reference": "r"}
    arguments.update(kwargs)
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=message):
            await qonto.direct_debits.create_subscription(**arguments)
    assert fake.count("POST", "/v2/sepa/direct_debit_subscriptions") == 0


async def test_bad_mandates_are_refused_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="DirectDebitPaymentInfo"):
            await qonto.direct_debits.create_mandate(client_id="c", payment_info={"first_payment": {}})  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="first_payment is required"):
            await qonto.direct_debits.create_mandate(client_id="c", payment_info=DirectDebitPaymentInfo())
        no_amount = DirectDebitPaymentInfo(
            first_payment=DirectDebitFirstPayment(collection_date=date(2026, 12, 1), reference="r")
        )
        with pytest.raises(ConfigurationError, match=r"first_payment\.amount"):
            await qonto.direct_debits.create_mandate(client_id="c", payment_info=no_amount)
        with pytest.raises(ConfigurationError, match="client_id"):
            await qonto.direct_debits.create_mandate(client_id="")
    assert fake.count("POST", "/v2/sepa/direct_debit_mandates") == 0


async def test_fake_checks_the_mandate_of_a_subscription(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as raised:
            await qonto.direct_debits.create_subscription(
                direct_debit_mandate_id="missing",
                amount="1.00",
                initial_collection_date="2026-12-01",
                reference="r",
            )
        assert raised.value.status == 422
        assert raised.value.errors[0].source is not None
        assert raised.value.errors[0].source.pointer == "/direct_debit_subscription/direct_debit_mandate_id"


async def test_direct_debit_scopes_and_api_key(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "sepa_direct_debit.read")) as qonto:
        await qonto.direct_debits.list_collections()
        with pytest.raises(PermissionDeniedError):
            await qonto.direct_debits.create_mandate(client_id="c")
    # The newer docs.qonto.com pages list API keys for the SDD endpoints.
    async with client(fake, fake.static_key_auth()) as qonto:
        assert (await qonto.direct_debits.list_mandates()).items


def test_sync_twins() -> None:
    with (
        fake_in_thread(transactions_per_account=5) as fake,
        SyncQontoClient(auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token) as qonto,
    ):
        terminal = qonto.terminals.list()[0]
        payment = qonto.terminals.create_payment(terminal.id, amount="3.50")
        assert qonto.terminals.get_payment(payment.id).status is TerminalPaymentStatus.PENDING
        assert len(qonto.direct_debits.iterate_collections().to_list()) == 3
        mandate = qonto.direct_debits.create_mandate(client_id="sync-client")
        assert mandate.status is DirectDebitMandateStatus.PENDING_SIGNATURE
