"""Clients, quotes and products against FakeQonto over loopback HTTP (qonto-api.md §3.1 rows 40-44 and 80-85,
§3.2 B4-B6). Money is Money/Decimal, VAT a fraction (§11)."""

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
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import (
    Client,
    ClientAddress,
    ClientKind,
    DiscountType,
    InvoiceDiscountInput,
    InvoiceItemInput,
    Money,
    Product,
    ProductLink,
    ProductType,
    Quote,
    QuoteStatus,
)
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = (
    "client.read",
    "client.write",
    "client_invoices.read",
    "client_invoice.write",
    "product.read",
    "product.write",
)


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


def client(fake: FakeQonto, auth: OAuthBearerAuth | None = None) -> QontoClient:
    return QontoClient(
        auth=auth or oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


def eur(value: str) -> Money:
    return Money(value=Decimal(value), currency="EUR")


def item(
    title: str = "Consulting", quantity: str = "2", price: str = "150.00", vat: str = "0.2"
) -> InvoiceItemInput:
    return InvoiceItemInput(title=title, quantity=quantity, unit_price=eur(price), vat_rate=vat)


# --- clients --------------------------------------------------------------------------------------------------


async def test_client_lifecycle(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.clients.create(
            kind="company",
            name="Pied Piper",
            email="ap@piedpiper.example",
            extra_emails=["cfo@piedpiper.example"],
            vat_number="FR00123456789",
            billing_address=ClientAddress(
                street_address="1 rue X", city="Paris", zip_code="75001", country_code="FR"
            ),
            currency="EUR",
            locale="en",
        )
        assert isinstance(created, Client)
        assert created.kind is ClientKind.COMPANY
        assert created.extra_emails == ("cfo@piedpiper.example",)
        assert created.billing_address == ClientAddress(
            street_address="1 rue X", city="Paris", zip_code="75001", country_code="FR"
        )
        assert created.created_at is not None
        assert created.created_at.tzinfo is not None
        sent = fake.last("POST", "/v2/clients")
        assert sent is not None
        body = sent.json()
        # Top-level body (no root key); the address object without null fields.
        assert body["kind"] == "company"
        assert body["name"] == "Pied Piper"
        assert body["billing_address"] == {
            "street_address": "1 rue X",
            "city": "Paris",
            "zip_code": "75001",
            "country_code": "FR",
        }
        # No idempotency key is documented for clients: none is sent.
        assert "X-Qonto-Idempotency-Key" not in sent.headers

        assert await qonto.clients.get(created.id) == created
        updated = await qonto.clients.update(created.id, email="billing@piedpiper.example")
        assert updated.email == "billing@piedpiper.example"
        assert fake.last("PATCH", f"/v2/clients/{created.id}").json() == {"email": "billing@piedpiper.example"}  # type: ignore[union-attr]

        found = await qonto.clients.list(email="BILLING@piedpiper.example")
        assert [c.id for c in found.items] == [created.id]
        query = fake.last("GET", "/v2/clients").query  # type: ignore[union-attr]
        assert ("filter[email]", "BILLING@piedpiper.example") in query

        await qonto.clients.delete(created.id)
        with pytest.raises(NotFoundError):
            await qonto.clients.get(created.id)


async def test_client_list_filters_sort_and_iterate(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        for n in range(3):
            await qonto.clients.create(kind="individual", first_name=f"Ann{n}", last_name="Smith")
        by_name = await qonto.clients.list(name="smith", sort_by="name:asc")
        assert [c.name for c in by_name.items] == ["Ann0 Smith", "Ann1 Smith", "Ann2 Smith"]
        assert all(c.kind is ClientKind.INDIVIDUAL for c in by_name.items)
        everyone = [c async for c in qonto.clients.iterate(per_page=2)]
        assert len(everyone) == 5  # two seeded
        assert fake.count("GET", "/v2/clients") == 1 + 3


async def test_client_input_errors_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="kind must be one of"):
            await qonto.clients.create(kind="robot", name="X")
        with pytest.raises(ConfigurationError, match="company client needs a name"):
            await qonto.clients.create(kind=ClientKind.COMPANY)
        with pytest.raises(ConfigurationError, match="first_name and last_name"):
            await qonto.clients.create(kind="freelancer", first_name="Ann")
        with pytest.raises(ConfigurationError, match="e-mail"):
            await qonto.clients.create(kind="company", name="X", email="not-an-email")
        with pytest.raises(ConfigurationError, match="extra_emails"):
            await qonto.clients.create(kind="company", name="X", extra_emails="a@b.example")  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="at least 2 characters"):
            await qonto.clients.list(name="a")
        with pytest.raises(ConfigurationError, match="sort_by"):
            await qonto.clients.list(sort_by="email:asc")
        with pytest.raises(ConfigurationError, match="at least one field"):
            await qonto.clients.update("some-id")
    assert fake.count() == 0


async def test_client_scopes_and_api_key(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "client.read")) as qonto:
        assert len((await qonto.clients.list()).items) == 2
        with pytest.raises(PermissionDeniedError):
            await qonto.clients.create(kind="company", name="X")
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        # qonto-api.md §2.1: clients accept API keys, writes included.
        made = await qonto.clients.create(kind="company", name="Key Co")
        assert made.name == "Key Co"


# --- products -------------------------------------------------------------------------------------------------


async def test_product_create_get_list(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        product = await qonto.products.create(
            title="Web development",
            type=ProductType.SERVICE,
            unit_price=Money(value="150.00", currency="EUR"),  # type: ignore[arg-type]
            vat_rate=Decimal("0.2"),
            unit="hour",
            links=[ProductLink(title="Page", url="https://example.com/p")],
        )
        assert isinstance(product, Product)
        assert product.vat_rate == Decimal("0.2")
        assert product.unit_price == eur("150.00")
        assert product.links == (ProductLink(title="Page", url="https://example.com/p"),)
        body = fake.last("POST", "/v2/products").json()  # type: ignore[union-attr]
        assert body["unit_price"] == {"value": "150.00", "currency": "EUR"}
        assert body["vat_rate"] == "0.2"
        assert await qonto.products.get(product.id) == product
        goods = await qonto.products.list(type="good")
        assert [p.title for p in goods.items] == ["Book"]
        assert goods.items[0].vat_rate == Decimal("0.055")
        titles = [p.title async for p in qonto.products.iterate(sort_by="title:asc", per_page=1)]
        assert titles == ["Book", "Consulting hour", "Web development"]


async def test_product_vat_rate_is_a_fraction(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=r"fraction here .* Pass '0.2' for 20 %"):
            await qonto.products.create(title="X", type="good", unit_price=eur("1.00"), vat_rate="20")
        with pytest.raises(ConfigurationError, match="never a float"):
            await qonto.products.create(title="X", type="good", unit_price=eur("1.00"), vat_rate=0.2)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="never a float"):
            await qonto.products.create(
                title="X",
                type="good",
                unit_price=Money(value=1.5, currency="EUR"),  # type: ignore[arg-type]
                vat_rate="0.2",
            )
        with pytest.raises(ConfigurationError, match="ISO 4217"):
            await qonto.products.create(
                title="X", type="good", unit_price=Money(value=Decimal(1), currency="eur"), vat_rate="0.2"
            )
        with pytest.raises(ConfigurationError, match="type must be one of"):
            await qonto.products.create(title="X", type="gift", unit_price=eur("1.00"), vat_rate="0")
        with pytest.raises(ConfigurationError, match="sort_by"):
            await qonto.products.list(sort_by="price:asc")
    assert fake.count("POST", "/v2/products") == 0


async def test_product_server_side_rejects_a_percent(fake: FakeQonto) -> None:
    # A raw request that bypassed the client's check: the fake answers like Qonto, 422 pointing at vat_rate.
    async with client(fake) as qonto:
        from qonto_async.session import Request

        with pytest.raises(ValidationError) as caught:
            await qonto._send(
                Request(
                    method="POST",
                    path="/v2/products",
                    json={
                        "title": "X",
                        "type": "good",
                        "unit_price": {"value": "1.00", "currency": "EUR"},
                        "vat_rate": "20",
                    },
                )
            )
        assert caught.value.errors[0].source is not None
        assert caught.value.errors[0].source.pointer == "/vat_rate"


# --- quotes ---------------------------------------------------------------------------------------------------


async def _a_client(qonto: QontoClient) -> Client:
    return (await qonto.clients.list(name="Hooli")).items[0]


async def test_quote_create_computes_totals_in_decimal(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        customer = await _a_client(qonto)
        quote = await qonto.quotes.create(
            client_id=customer.id,
            issue_date=date(2026, 3, 1),
            expiry_date="2026-03-31",
            items=[
                item(),
                InvoiceItemInput(
                    title="Book",
                    quantity="3",
                    unit_price=eur("19.99"),
                    vat_rate="0.055",
                    unit="piece",
                    discount=InvoiceDiscountInput(type=DiscountType.PERCENTAGE, value="0.1"),
                ),
            ],
            terms_and_conditions="30 days",
            discount=InvoiceDiscountInput(type="amount", value="10.00"),
        )
        assert isinstance(quote, Quote)
        assert quote.status is QuoteStatus.PENDING_APPROVAL
        assert quote.issue_date == date(2026, 3, 1)
        assert quote.expiry_date == date(2026, 3, 31)
        # 2 x 150.00 at 20 % -> 300.00 + 60.00; 3 x 19.99 - 10 % = 53.973 -> VAT 2.968515.
        first, second = quote.items
        assert first.subtotal == eur("300.00")
        assert first.total_vat == eur("60.00")
        assert first.vat_rate == Decimal("0.2")
        assert first.quantity == Decimal(2)
        assert second.discount is not None
        assert second.discount.type is DiscountType.PERCENTAGE
        assert second.discount.value == Decimal("0.1")
        assert second.subtotal == eur("53.97")
        assert quote.vat_amount == eur("62.97")
        assert quote.total_amount == eur("406.94")  # 353.973 - 10.00 + 62.968515
        assert quote.total_amount_cents == 40694
        assert quote.client is not None
        assert quote.client.id == customer.id

        body = fake.last("POST", "/v2/quotes").json()  # type: ignore[union-attr]
        assert body["items"][0] == {
            "title": "Consulting",
            "quantity": "2",
            "unit_price": {"value": "150.00", "currency": "EUR"},
            "vat_rate": "0.2",
            "currency": "EUR",
        }
        assert body["items"][1]["discount"] == {"type": "percentage", "value": "0.1"}
        assert body["discount"] == {"type": "amount", "value": "10.00"}
        assert body["issue_date"] == "2026-03-01"
        assert body["currency"] == "EUR"
        assert await qonto.quotes.get(quote.id) == quote


async def test_quote_update_send_delete_and_list(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        customer = await _a_client(qonto)
        quote = await qonto.quotes.create(
            client_id=customer.id, issue_date="2026-03-01", expiry_date="2026-03-31", items=[item()]
        )
        changed = await qonto.quotes.update(quote.id, items=[item(quantity="1")], footer="Thanks")
        assert changed.footer == "Thanks"
        assert changed.total_amount == eur("180.00")
        assert set(fake.last("PATCH", f"/v2/quotes/{quote.id}").json()) == {"items", "footer"}  # type: ignore[union-attr]

        await qonto.quotes.send(quote.id, send_to=["boss@hooli.example"], email_title="Quote", copy_to_self=True)
        sent = fake.last("POST", f"/v2/quotes/{quote.id}/send")
        assert sent is not None
        assert sent.status == 204
        assert sent.json() == {"send_to": ["boss@hooli.example"], "email_title": "Quote", "copy_to_self": True}

        listed = await qonto.quotes.list(
            status="pending_approval", created_at_from=datetime(2000, 1, 1, tzinfo=UTC), sort_by="created_at:asc"
        )
        assert [q.id for q in listed.items] == [quote.id]
        query = fake.last("GET", "/v2/quotes").query  # type: ignore[union-attr]
        assert ("filter[status]", "pending_approval") in query
        assert ("filter[created_at_from]", "2000-01-01T00:00:00.000Z") in query
        assert (await qonto.quotes.list(status=QuoteStatus.APPROVED)).items == ()
        assert [q.id async for q in qonto.quotes.iterate()] == [quote.id]

        await qonto.quotes.delete(quote.id)
        with pytest.raises(NotFoundError):
            await qonto.quotes.get(quote.id)


def test_item_inputs_refuse_floats_and_percents() -> None:
    with pytest.raises(ConfigurationError, match=r"fraction here .* Pass '0.055' for 5.5 %"):
        item(vat="5.5")
    with pytest.raises(ConfigurationError, match="never a float"):
        InvoiceItemInput(title="X", quantity=1.5, unit_price=eur("1.00"), vat_rate="0.2")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="quantity must be positive"):
        item(quantity="0")
    with pytest.raises(ConfigurationError, match="unit_price must be a Money"):
        InvoiceItemInput(title="X", quantity="1", unit_price="1.00", vat_rate="0.2")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="title"):
        item(title=" ")
    with pytest.raises(ConfigurationError, match=r"percentage discount is a fraction .* '0.1' for 10 %"):
        InvoiceDiscountInput(type="percentage", value="10")
    with pytest.raises(ConfigurationError, match=r"0\.0001"):
        InvoiceDiscountInput(type="percentage", value="0")
    with pytest.raises(ConfigurationError, match="amount discount must be positive"):
        InvoiceDiscountInput(type="amount", value="-1")
    with pytest.raises(ConfigurationError, match="'percentage' or 'amount'"):
        InvoiceDiscountInput(type="fixed", value="1")  # type: ignore[arg-type]
    assert item(vat="0").vat_rate == Decimal(0)


async def test_quote_input_errors_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="must not be before issue_date"):
            await qonto.quotes.create(
                client_id="c", issue_date="2026-03-02", expiry_date="2026-03-01", items=[item()]
            )
        with pytest.raises(ConfigurationError, match="not a date-time"):
            await qonto.quotes.create(
                client_id="c",
                issue_date=datetime(2026, 3, 1, tzinfo=UTC),
                expiry_date="2026-03-31",
                items=[item()],
            )
        with pytest.raises(ConfigurationError, match="YYYY-MM-DD"):
            await qonto.quotes.create(
                client_id="c", issue_date="01/03/2026", expiry_date="2026-03-31", items=[item()]
            )
        with pytest.raises(ConfigurationError, match="at least one InvoiceItemInput"):
            await qonto.quotes.create(client_id="c", issue_date="2026-03-01", expiry_date="2026-03-31", items=[])
        with pytest.raises(ConfigurationError, match=r"items\[0\] must be an InvoiceItemInput"):
            await qonto.quotes.create(
                client_id="c",
                issue_date="2026-03-01",
                expiry_date="2026-03-31",
                items=[{"title": "X"}],  # type: ignore[list-item]
            )
        with pytest.raises(ConfigurationError, match="status must be one of"):
            await qonto.quotes.list(status="draft")
        with pytest.raises(ConfigurationError, match="send_to"):
            await qonto.quotes.send("q", send_to=[])
    assert fake.count() == 0


async def test_quote_server_validation_is_typed(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.quotes.create(
                client_id="no-such-client", issue_date="2026-03-01", expiry_date="2026-03-31", items=[item()]
            )
        assert caught.value.status == 422
        assert caught.value.trace_id is not None


async def test_quote_scope_spelling(fake: FakeQonto) -> None:
    # qonto-api.md §2.3: reading takes client_invoices.read (plural), writing client_invoice.write (singular).
    async with client(fake, oauth(fake, "client_invoices.read", "client.read")) as qonto:
        assert (await qonto.quotes.list()).items == ()
        customer = await _a_client(qonto)
        with pytest.raises(PermissionDeniedError):
            await qonto.quotes.create(
                client_id=customer.id, issue_date="2026-03-01", expiry_date="2026-03-31", items=[item()]
            )


async def test_sync_twins(fake: FakeQonto) -> None:
    def work() -> tuple[int, Decimal | None, int]:
        with SyncQontoClient(
            auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            customers = list(qonto.clients.iterate())
            quote = qonto.quotes.create(
                client_id=customers[0].id, issue_date="2026-03-01", expiry_date="2026-03-31", items=[item()]
            )
            products = qonto.products.list()
            return len(customers), quote.total_amount.value if quote.total_amount else None, len(products.items)

    assert await asyncio.to_thread(work) == (2, Decimal("360.00"), 2)
