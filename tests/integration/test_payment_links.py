"""Payment links against FakeQonto over loopback (qonto-api.md §3.1 rows 72-79): the provider connection, links
with Money prices and fraction VAT rates (§11), deactivation, a link's payments, and the available methods."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    Money,
    PaymentLink,
    PaymentLinkConnectionStatus,
    PaymentLinkItem,
    PaymentLinkItemType,
    PaymentLinkMethod,
    PaymentLinkStatus,
)
from qonto_async.session import Request
from qonto_async.testing import FakeQonto, fake_in_thread

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = ("payment_link.read", "payment_link.write")


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


def client(fake: FakeQonto, auth: Any = None) -> QontoClient:
    return QontoClient(
        auth=auth or oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


def _item(**overrides: Any) -> PaymentLinkItem:
    fields: dict[str, Any] = {
        "title": "Consulting",
        "quantity": 2,
        "unit_price": Money(value=Decimal("100.00"), currency="EUR"),
        "vat_rate": Decimal("0.2"),
        "type": PaymentLinkItemType.SERVICE,
    }
    fields.update(overrides)
    return PaymentLinkItem(**fields)


async def _connect(qonto: QontoClient, fake: FakeQonto) -> None:
    await qonto.payment_links.create_connection(
        partner_callback_url="https://partner.example/back",
        user_bank_account_id=fake.data.bank_accounts[0]["id"],
        user_phone_number="+33612345678",
        user_website_url="https://shop.example",
    )


async def test_connection_then_create_get_and_deactivate(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(NotFoundError):
            await qonto.payment_links.get_connection()
        account = fake.data.bank_accounts[0]["id"]
        connection = await qonto.payment_links.create_connection(
            partner_callback_url="https://partner.example/back",
            user_bank_account_id=account,
            user_phone_number="+33612345678",
            business_description="Yoga classes",
        )
        assert connection.status is PaymentLinkConnectionStatus.PENDING
        assert connection.bank_account_id == account
        assert connection.connection_location
        assert await qonto.payment_links.get_connection() == connection
        sent = fake.last("POST", "/v2/payment_links/connections")
        assert sent is not None
        assert sent.json() == {
            "partner_callback_url": "https://partner.example/back",
            "user_bank_account_id": account,
            "user_phone_number": "+33612345678",
            "business_description": "Yoga classes",
        }

        link = await qonto.payment_links.create(
            items=[
                _item(),
                _item(
                    title="Book",
                    quantity="1",
                    unit_price=Money(value=Decimal("9.99"), currency="EUR"),
                    vat_rate="0.055",
                    type="good",
                    description="Paperback",
                    measure_unit="unit",
                ),
            ],
            potential_payment_methods=[PaymentLinkMethod.CREDIT_CARD, "paypal"],
        )
        body = fake.last("POST", "/v2/payment_links").json()  # type: ignore[union-attr]
        assert body == {
            "payment_link": {
                "potential_payment_methods": ["credit_card", "paypal"],
                "reusable": False,
                "items": [
                    {
                        "title": "Consulting",
                        "quantity": "2",
                        "unit_price": {"value": "100.00", "currency": "EUR"},
                        "vat_rate": "0.2",
                        "type": "service",
                    },
                    {
                        "title": "Book",
                        "quantity": "1",
                        "unit_price": {"value": "9.99", "currency": "EUR"},
                        "vat_rate": "0.055",
                        "type": "good",
                        "description": "Paperback",
                        "measure_unit": "unit",
                    },
                ],
            }
        }
        assert isinstance(link, PaymentLink)
        assert link.status is PaymentLinkStatus.OPEN
        # 2 x 100.00 x 1.2 + 9.99 x 1.055 = 240.00 + 10.54
        assert link.amount == Money(value=Decimal("250.54"), currency="EUR")
        assert link.items[1].vat_rate == Decimal("0.055")
        assert link.items[0].unit_price == Money(value=Decimal("100.00"), currency="EUR")
        assert link.potential_payment_methods == (PaymentLinkMethod.CREDIT_CARD, PaymentLinkMethod.PAYPAL)
        assert link.reusable is False
        assert link.created_at is not None
        assert link.created_at.tzinfo is not None

        # GET and deactivate answer the link unwrapped (Qonto's collection); the client reads it the same.
        assert await qonto.payment_links.get(link.id) == link
        closed = await qonto.payment_links.deactivate(link.id)
        assert closed.id == link.id
        assert closed.status is PaymentLinkStatus.EXPIRED
        assert fake.last("PATCH", f"/v2/payment_links/{link.id}/deactivate") is not None
        with pytest.raises(NotFoundError):
            await qonto.payment_links.get("no-such-link")


async def test_creating_a_link_needs_a_connection(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as raised:
            await qonto.payment_links.create(items=[_item()], potential_payment_methods="credit_card")
        assert raised.value.status == 400
        assert raised.value.errors[0].code == "not_connected"


async def test_list_filters_sorts_and_iterates(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        await _connect(qonto, fake)
        for price in ("10.00", "30.00", "20.00"):
            await qonto.payment_links.create(
                items=[_item(quantity=1, unit_price=Money(value=Decimal(price), currency="EUR"), vat_rate="0")],
                potential_payment_methods=["credit_card"],
                reusable=True,
            )
        page = await qonto.payment_links.list(sort_by="amount:desc", per_page=2)
        assert [link.amount.value for link in page.items if link.amount] == [Decimal("30.00"), Decimal("24.00")]
        assert page.meta.next_page == 2
        query = fake.last("GET", "/v2/payment_links").query  # type: ignore[union-attr]
        assert query == [("sort_by", "amount:desc"), ("per_page", "2")]
        everything = [link async for link in qonto.payment_links.iterate(status="open", per_page=1)]
        assert len(everything) == 4  # the seeded link and the three new ones
        first = everything[0]
        await qonto.payment_links.deactivate(first.id)
        expired = await qonto.payment_links.list(status=PaymentLinkStatus.EXPIRED)
        assert [link.id for link in expired.items] == [first.id]
        with pytest.raises(ValidationError):
            await qonto.payment_links.list(status="bogus")


async def test_payments_of_a_link(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        (seeded,) = (await qonto.payment_links.list()).items
        payments = await qonto.payment_links.list_payments(seeded.id, sort_by="creation_date:desc")
        assert len(payments.items) == 3
        assert payments.items[0].created_at > payments.items[-1].created_at  # type: ignore[operator]
        failed = [p async for p in qonto.payment_links.iterate_payments(seeded.id, status="failed", per_page=1)]
        assert len(failed) == 1
        assert failed[0].status == "failed"
        assert failed[0].paid_at is None
        assert failed[0].payment_method is PaymentLinkMethod.PAYPAL
        paid = (await qonto.payment_links.list_payments(seeded.id, status="paid")).items
        assert all(
            p.paid_at is not None and p.amount == Money(value=Decimal("24.00"), currency="EUR") for p in paid
        )
        query = fake.last("GET", f"/v2/payment_links/{seeded.id}/payments").query  # type: ignore[union-attr]
        assert query == [("status", "paid")]
        with pytest.raises(NotFoundError):
            await qonto.payment_links.list_payments("missing")


async def test_payment_methods(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        methods = await qonto.payment_links.list_payment_methods(amount=Decimal("12.50"), currency="EUR")
        assert {m.name: m.enabled for m in methods} == {
            PaymentLinkMethod.CREDIT_CARD: True,
            PaymentLinkMethod.PAYPAL: True,
            PaymentLinkMethod.IDEAL: True,
        }
        query = fake.last("GET", "/v2/payment_links/payment_methods").query  # type: ignore[union-attr]
        assert query == [("amount", "12.50"), ("currency", "EUR")]
        by_locale = await qonto.payment_links.list_payment_methods(locale="fr")
        assert {m.name: m.enabled for m in by_locale}[PaymentLinkMethod.IDEAL] is False
        with pytest.raises(ValidationError):
            await qonto.payment_links.list_payment_methods()
        with pytest.raises(ConfigurationError, match="together"):
            await qonto.payment_links.list_payment_methods(amount="12.50")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (_item(vat_rate=Decimal("20")), "fraction here"),
        (_item(vat_rate="20"), "Pass .0\\.2."),
        (_item(vat_rate=0.2), "never a float"),
        (_item(unit_price=Money(value=12.5, currency="EUR")), "never a float"),  # type: ignore[arg-type]
        (_item(unit_price=Money(value=Decimal("1.234"), currency="EUR")), "at most 2 decimals"),
        (_item(unit_price=Money(value=Decimal("1.00"), currency="eur")), "ISO 4217"),
        (_item(unit_price=Decimal("1.00")), "Money"),
        (_item(quantity=1.5), "never a float"),
        (_item(quantity=0), "positive"),
        (_item(title=""), "title"),
        (_item(type="gift"), "good, service"),
        ({"title": "x", "bogus": 1}, "unknown fields"),
    ],
)
async def test_bad_items_are_refused_before_sending(fake: FakeQonto, item: Any, message: str) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=message):
            await qonto.payment_links.create(items=[item], potential_payment_methods=["credit_card"])
    assert fake.count("POST", "/v2/payment_links") == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"items": [], "potential_payment_methods": ["paypal"]}, "at least one item"),
        ({"items": [_item()], "potential_payment_methods": []}, "at least one method"),
        ({"items": [_item()], "potential_payment_methods": ["paypal", "paypal"]}, "twice"),
        ({"items": [_item()], "potential_payment_methods": ["paypal"], "reusable": "yes"}, "True or False"),
        ({"items": _item(), "potential_payment_methods": ["paypal"]}, "list of PaymentLinkItem"),
    ],
)
async def test_bad_create_arguments(fake: FakeQonto, kwargs: dict[str, Any], message: str) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=message):
            await qonto.payment_links.create(**kwargs)


async def test_fake_validates_bodies_like_qonto(fake: FakeQonto) -> None:
    # A body the client would refuse, sent raw: the fake answers 422 pointing into it (qonto-api.md §6.1).
    async with client(fake) as qonto:
        await _connect(qonto, fake)
        bad = {
            "payment_link": {
                "potential_payment_methods": ["credit_card"],
                "items": [
                    {
                        "title": "x",
                        "quantity": "1",
                        "unit_price": {"value": "1.00", "currency": "EUR"},
                        "vat_rate": "20",
                        "type": "good",
                    }
                ],
            }
        }
        with pytest.raises(ValidationError) as raised:
            await qonto._send(Request(method="POST", path="/v2/payment_links", json=bad))
        assert raised.value.status == 422
        assert raised.value.errors[0].source is not None
        assert raised.value.errors[0].source.pointer == "/payment_link/items/0/vat_rate"


async def test_oauth_only_and_scopes(fake: FakeQonto) -> None:
    async with client(fake, fake.static_key_auth()) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.payment_links.list()
    async with client(fake, oauth(fake, "payment_link.read")) as qonto:
        await qonto.payment_links.list()
        with pytest.raises(PermissionDeniedError):
            await _connect(qonto, fake)


def test_sync_client() -> None:
    with fake_in_thread(transactions_per_account=5) as fake:
        auth = oauth(fake)
        with SyncQontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            links = qonto.payment_links.iterate().to_list()
            assert len(links) == 1
            assert len(qonto.payment_links.list_payments(links[0].id).items) == 3
