"""Cards against FakeQonto over loopback HTTP (qonto-api.md §3.1 rows 17-29): listing, creation (single and bulk,
with partial success), the iframe view with its Accept-Language and escaped URL, state changes, and settings.
Limits are whole euros as Decimal (§11); card writes may need SCA (§8)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    ScaPolicy,
    ScaRequired,
    SyncQontoClient,
    ValidationError,
)
from qonto_async.models import Card, CardAddress, CardLevel, CardStatus, NewCard
from qonto_async.sca import allow_mocked
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)


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
        token=fake.issue_token(scopes=scopes or ("card.read", "card.write")),
    )


def client(fake: FakeQonto, *, sca: ScaPolicy | None = None) -> QontoClient:
    return QontoClient(
        auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST, sca=sca
    )


def virtual(fake: FakeQonto, **overrides: Any) -> NewCard:
    fields: dict[str, Any] = {
        "card_level": "virtual",
        "holder_id": fake.data.memberships[1]["id"],
        "bank_account_id": fake.data.bank_accounts[0]["id"],
        "organization_id": fake.data.organization_id,
        "payment_monthly_limit": Decimal("1500"),
    }
    fields.update(overrides)
    return NewCard(**fields)


async def test_list_filters_sorts_and_iterates(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.cards.list()
        assert len(page.items) == 6
        assert all(isinstance(c, Card) for c in page.items)
        # Qonto's default order is status:asc.
        assert [c.status for c in page.items] == sorted(c.status for c in page.items)
        live_virtual = await qonto.cards.list(statuses=["live"], card_levels=[CardLevel.VIRTUAL, "advertising"])
        assert {c.card_level for c in live_virtual.items} == {CardLevel.VIRTUAL, CardLevel.ADVERTISING}
        holder = fake.data.memberships[0]["id"]
        mine = await qonto.cards.list(holder_ids=holder, sort_by="created_at:desc")
        assert mine.items
        assert all(c.holder_id == holder for c in mine.items)
        found = await qonto.cards.list(query="Travel")
        assert [c.nickname for c in found.items] == ["Travel"]
        every = [c.id async for c in qonto.cards.iterate(per_page=4)]
    assert len(every) == 6
    assert len(fake.requests("GET", "/v2/cards")) == 6
    sent = fake.requests("GET", "/v2/cards")[1].query
    assert ("statuses[]", "live") in sent
    assert [v for k, v in sent if k == "card_levels[]"] == ["virtual", "advertising"]


async def test_limits_and_amounts_are_decimal(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        (card, *_) = (await qonto.cards.list(card_levels="virtual")).items
    assert isinstance(card.payment_monthly_limit, Decimal)
    assert card.payment_monthly_spent == Decimal("12.5")
    assert card.active_days == (1, 2, 3, 4, 5, 6, 7)


async def test_list_arguments_are_checked_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="sort_by"):
            await qonto.cards.list(sort_by="id:asc")
        with pytest.raises(ConfigurationError, match="statuses"):
            await qonto.cards.list(statuses=["alive"])
        with pytest.raises(ConfigurationError, match="comma"):
            await qonto.cards.list(ids="a,b")
    assert fake.count("GET", "/v2/cards") == 0


async def test_create_sends_whole_euro_limits_with_an_idempotency_key(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        card = await qonto.cards.create(
            virtual(fake, active_days=[1, 2, 3], categories=["transport"]), idempotency_key="card-key-1"
        )
        again = await qonto.cards.create(virtual(fake), idempotency_key="card-key-1")
    assert card.card_level is CardLevel.VIRTUAL
    assert card.payment_monthly_limit == Decimal("1500")
    assert card.active_days == (1, 2, 3)
    # Qonto replays the first answer for the same key (qonto-api.md §7): one card only.
    assert again == card
    assert fake.side_effects["card-key-1"] == 1
    entry, replayed = fake.requests("POST", "/v2/cards")
    assert entry.headers["X-Qonto-Idempotency-Key"] == replayed.headers["X-Qonto-Idempotency-Key"] == "card-key-1"
    assert entry.json()["card"]["payment_monthly_limit"] == 1500
    assert entry.json()["card"]["categories"] == ["transport"]


async def test_create_generates_one_key_per_call(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        await qonto.cards.create(virtual(fake))
        await qonto.cards.create(virtual(fake))
    keys = [e.headers["X-Qonto-Idempotency-Key"] for e in fake.requests("POST", "/v2/cards")]
    assert len(set(keys)) == 2


async def test_a_physical_card_with_a_shipping_address(fake: FakeQonto) -> None:
    address = CardAddress(first_line="5230 Newell Road", zipcode="94301", city="Palo Alto", country="US")
    order = virtual(
        fake,
        card_level="plus",
        ship_to_business=False,
        address=address,
        atm_monthly_limit=1000,
        atm_daily_limit="300",
        atm_daily_limit_option=True,
        type_of_print="embossed",
    )
    async with client(fake) as qonto:
        card = await qonto.cards.create(order)
    assert card.card_level is CardLevel.PLUS
    body = fake.last("POST", "/v2/cards").json()["card"]  # type: ignore[union-attr]
    assert body["address"] == {
        "first_line": "5230 Newell Road",
        "zipcode": "94301",
        "city": "Palo Alto",
        "country": "US",
    }
    assert body["atm_daily_limit"] == 300


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"payment_monthly_limit": 1500.0}, "float"),
        ({"payment_monthly_limit": Decimal("10.50")}, "whole"),
        ({"payment_monthly_limit": "-1"}, "non-negative"),
        ({"card_level": "titanium"}, "card_level"),
        ({"active_days": [0, 8]}, "weekdays"),
        ({"active_days": [1, 1]}, "twice"),
        ({"categories": "transport"}, "categories"),
        ({"holder_id": " "}, "holder_id"),
        ({"pre_expires_at": "2026-01-01T00:00:00"}, "timezone"),
        ({"atm_option": "yes"}, "atm_option"),
    ],
)
def test_new_card_refuses_bad_input(fake: FakeQonto, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        virtual(fake, **overrides)


async def test_qonto_validation_errors_come_back_typed(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.cards.create(virtual(fake, payment_monthly_limit=None))
        with pytest.raises(ValidationError, match="between"):
            await qonto.cards.create(virtual(fake, payment_monthly_limit=999_999))
    assert caught.value.status == 422
    assert caught.value.errors[0].source is not None
    assert caught.value.errors[0].source.pointer == "/card/payment_monthly_limit"


async def test_create_with_sca_completes_through_the_policy(fake: FakeQonto) -> None:
    fake.sca.require_for.add("POST /v2/cards")
    async with client(fake) as qonto:
        with pytest.raises(ScaRequired):
            await qonto.cards.create(virtual(fake))
    async with client(fake, sca=ScaPolicy(preference="mock", on_required=allow_mocked)) as qonto:
        card = await qonto.cards.create(virtual(fake))
    first, replay = fake.requests("POST", "/v2/cards")[-2:]
    assert (first.status, replay.status) == (428, 200)
    assert first.headers["X-Qonto-Idempotency-Key"] == replay.headers["X-Qonto-Idempotency-Key"]
    assert card.status is CardStatus.LIVE


async def test_bulk_create_surfaces_partial_success_in_request_order(fake: FakeQonto) -> None:
    orders = [
        virtual(fake),
        virtual(fake, holder_id="no-such-member"),
        virtual(
            fake,
            card_level="flash",
            payment_monthly_limit=None,
            payment_lifespan_limit=200,
            pre_expires_at="2027-01-31T23:59:59Z",
        ),
    ]
    async with client(fake) as qonto:
        result = await qonto.cards.bulk_create(orders)
    assert [c.card_level for c in result.created] == [CardLevel.VIRTUAL, CardLevel.FLASH]
    ((index, failed),) = result.failures
    assert index == 1
    assert failed.card is None
    assert failed.errors[0].source is not None
    assert failed.errors[0].source.pointer == "/cards/1/card/holder_id"
    body = fake.last("POST", "/v2/cards/bulk").json()  # type: ignore[union-attr]
    assert [entry["card"]["card_level"] for entry in body["cards"]] == ["virtual", "virtual", "flash"]
    assert body["cards"][2]["card"]["pre_expires_at"] == "2027-01-31T23:59:59.000Z"


async def test_bulk_create_checks_every_item_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=r"cards\[1\]"):
            await qonto.cards.bulk_create([virtual(fake), {"card_level": "virtual"}])  # type: ignore[list-item]
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.cards.bulk_create([])
    assert fake.count("POST", "/v2/cards/bulk") == 0


async def test_data_view_sends_the_language_and_returns_a_usable_url(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        card_id = (await qonto.cards.list()).items[0].id
        view = await qonto.cards.get_data_view(card_id, accept_language="fr")
        default = await qonto.cards.get_data_view(card_id)
        with pytest.raises(ConfigurationError, match="accept_language"):
            await qonto.cards.get_data_view(card_id, accept_language="nl")
    raw = fake.requests("GET", f"/v2/cards/{card_id}/data_view")
    assert [r.headers["Accept-Language"] for r in raw] == ["fr", "en"]
    assert "\\u0026" not in view.iframe_url
    assert "?locale=fr&token=" in view.iframe_url
    assert view.iframe_url.endswith("&theme=<light>")
    assert "locale=en" in default.iframe_url
    assert view.iframe_url not in repr(view)


async def test_lock_unlock_and_the_final_states(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        cards = {c.card_level: c for c in (await qonto.cards.list()).items}
        standard, virtual_card = cards[CardLevel.STANDARD], cards[CardLevel.VIRTUAL]
        assert (await qonto.cards.lock(standard.id)).status is CardStatus.PAUSED
        assert (await qonto.cards.unlock(standard.id)).status is CardStatus.LIVE
        with pytest.raises(ValidationError, match="paused"):
            await qonto.cards.unlock(standard.id)
        with pytest.raises(ValidationError, match="virtual"):
            await qonto.cards.report_lost(virtual_card.id)
        with pytest.raises(ValidationError, match="standard"):
            await qonto.cards.discard(standard.id)
        assert (await qonto.cards.report_stolen(standard.id)).status is CardStatus.STOLEN
        assert (await qonto.cards.discard(virtual_card.id)).status is CardStatus.DISCARDED
        with pytest.raises(ValidationError, match="discarded"):
            await qonto.cards.lock(virtual_card.id)
        assert (await qonto.cards.report_lost(cards[CardLevel.PLUS].id)).status is CardStatus.LOST
    puts = fake.requests("PUT")
    assert all(not r.body for r in puts)
    assert all("X-Qonto-Idempotency-Key" not in r.headers for r in puts)


async def test_settings_updates(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        card_id = (await qonto.cards.list(card_levels="virtual")).items[0].id
        limited = await qonto.cards.update_limits(
            card_id,
            payment_monthly_limit=Decimal("2500"),
            payment_daily_limit="100",
            payment_daily_limit_option=True,
        )
        restricted = await qonto.cards.update_restrictions(card_id, active_days=[1, 5], categories=[])
        options = await qonto.cards.update_options(card_id, online_option=False)
        renamed = await qonto.cards.update_nickname(card_id, "Cloud bills 💳")
    assert limited.payment_monthly_limit == Decimal("2500")
    assert limited.payment_daily_limit_option is True
    assert restricted.active_days == (1, 5)
    assert restricted.categories == ()
    assert options.online_option is False
    assert renamed.nickname == "Cloud bills 💳"
    bodies = [r.json() for r in fake.requests("PATCH")]
    assert bodies[0] == {
        "card": {"payment_monthly_limit": 2500, "payment_daily_limit_option": True, "payment_daily_limit": 100}
    }
    assert bodies[1] == {"card": {"active_days": [1, 5], "categories": []}}
    assert bodies[2] == {"card": {"online_option": False}}


async def test_settings_arguments_are_checked_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="float"):
            await qonto.cards.update_limits("c", payment_monthly_limit=10.0)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.cards.update_limits("c")
        with pytest.raises(ConfigurationError, match="True or False"):
            await qonto.cards.update_limits("c", atm_daily_limit_option=1)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="active_days, categories"):
            await qonto.cards.update_restrictions("c")
        with pytest.raises(ConfigurationError, match="at least one"):
            await qonto.cards.update_options("c")
        with pytest.raises(ConfigurationError, match="40"):
            await qonto.cards.update_nickname("c", "x" * 41)
        with pytest.raises(ConfigurationError, match="id"):
            await qonto.cards.lock("")
    assert fake.requests("PATCH") == []
    assert fake.requests("PUT") == []


async def test_limits_update_may_need_sca(fake: FakeQonto) -> None:
    fake.sca.require_for.add("PATCH /v2/cards/{id}/limits")
    async with client(fake) as qonto:
        card_id = (await qonto.cards.list()).items[0].id
        with pytest.raises(ScaRequired) as caught:
            await qonto.cards.update_limits(card_id, payment_monthly_limit=100)
    assert caught.value.sca_session_token == fake.sca.last_token


async def test_cards_need_oauth_and_the_card_scopes(fake: FakeQonto) -> None:
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        with pytest.raises(PermissionDeniedError):
            await qonto.cards.list()
    async with QontoClient(
        auth=oauth(fake, "card.read"), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        await qonto.cards.list()
        with pytest.raises(PermissionDeniedError, match=r"card\.write"):
            await qonto.cards.create(virtual(fake))


async def test_the_sync_client_has_the_same_cards(fake: FakeQonto) -> None:
    auth = oauth(fake)

    def run() -> tuple[list[Card], Card]:
        with SyncQontoClient(
            auth=auth, environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            cards = list(qonto.cards.iterate())
            return cards, qonto.cards.lock(next(c.id for c in cards if c.status is CardStatus.LIVE))

    cards, locked = await asyncio.to_thread(run)
    assert len(cards) == 6
    assert locked.status is CardStatus.PAUSED
