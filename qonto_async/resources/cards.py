"""``qonto.cards``: list, create and manage cards (qonto-api.md §3.1 rows 17-29; beta endpoints).

OAuth only (``card.read`` / ``card.write``): Qonto's collection shows no API-key header on any card endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.cards import (
    Card,
    CardBulkCreation,
    CardDataView,
    CardLevel,
    CardStatus,
    NewCard,
    active_days_tuple,
    categories_tuple,
    euro_limit,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    datetime_param,
    operation,
    path_id,
)
from qonto_async.resources.international import ACCEPT_LANGUAGES
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Card, key="cards")
_ONE = decoder(Card, key="card")
_BULK = decoder(CardBulkCreation)
_DATA_VIEW = decoder(CardDataView)

# The Postman description of sort_by: status, nickname, last_activity_at or created_at, with :asc or :desc.
_SORT_BY: Final = tuple(
    f"{field}:{order}"
    for field in ("status", "nickname", "last_activity_at", "created_at")
    for order in ("asc", "desc")
)
_STATUSES: Final = tuple(s.value for s in CardStatus)
_LEVELS: Final = tuple(level.value for level in CardLevel)
_NICKNAME_MAX: Final = 40  # OpenAPI card_nickname: 1 to 40 characters.
_LIMITS: Final = (
    "atm_monthly_limit",
    "atm_daily_limit_option",
    "atm_daily_limit",
    "payment_monthly_limit",
    "payment_daily_limit_option",
    "payment_daily_limit",
    "payment_transaction_limit_option",
    "payment_transaction_limit",
)
_OPTIONS: Final = ("atm_option", "nfc_option", "online_option", "foreign_option")
# qonto-api.md §12: Qonto HTML-escapes &, < and > in the iframe URL as \u0026, \u003c, \u003e. A JSON parser turns
# those escapes back into characters when they are JSON escapes; when they arrive doubly escaped (the six
# characters themselves), they are undone here, and so are the HTML entities the same escaping may produce.
_ESCAPES: Final = re.compile(r"\\u00(26|3[cC]|3[eE])|&(amp|lt|gt);")
_UNESCAPED: Final = {"26": "&", "3c": "<", "3e": ">", "amp": "&", "lt": "<", "gt": ">"}


def usable_url(url: str) -> str:
    """The iframe URL with Qonto's HTML escaping of ``&``, ``<``, ``>`` undone (qonto-api.md §12)."""
    return _ESCAPES.sub(lambda m: _UNESCAPED[(m.group(1) or m.group(2)).lower()], url)


def _decode_data_view(body: Any) -> CardDataView:
    view = _DATA_VIEW(body)
    return CardDataView(iframe_url=usable_url(view.iframe_url))


def _filters(
    *,
    query: str | None,
    holder_ids: Iterable[str] | str | None,
    statuses: Iterable[str] | str | None,
    bank_account_ids: Iterable[str] | str | None,
    card_levels: Iterable[str] | str | None,
    ids: Iterable[str] | str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and sort_by not in _SORT_BY:
        raise ConfigurationError(f"sort_by must be one of {', '.join(_SORT_BY)}; got {sort_by!r}.")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise ConfigurationError(f"query must be a non-empty string, got {query!r}.")
    params = Params().add("query", query).add("sort_by", sort_by)
    params.add_list("holder_ids", holder_ids).add_list("statuses", statuses, choices=_STATUSES)
    params.add_list("bank_account_ids", bank_account_ids).add_list("card_levels", card_levels, choices=_LEVELS)
    return params.add_list("ids", ids)


def _card_body(card: object, where: str = "card") -> dict[str, Any]:
    if not isinstance(card, NewCard):
        raise ConfigurationError(
            f"{where} must be a NewCard(card_level=..., holder_id=..., bank_account_id=..., organization_id=...), "
            f"got {type(card).__name__}."
        )
    body: dict[str, Any] = {
        "card_level": str(card.card_level),
        "holder_id": card.holder_id,
        "bank_account_id": card.bank_account_id,
        "organization_id": card.organization_id,
    }
    for name in (
        "initiator_id",
        "ship_to_business",
        "atm_option",
        "nfc_option",
        "online_option",
        "foreign_option",
        "atm_daily_limit_option",
        "payment_daily_limit_option",
        "payment_transaction_limit_option",
        "card_design",
    ):
        value = getattr(card, name)
        if value is not None:
            body[name] = value
    for name in (
        "atm_monthly_limit",
        "atm_daily_limit",
        "payment_monthly_limit",
        "payment_daily_limit",
        "payment_transaction_limit",
        "payment_lifespan_limit",
    ):
        value = getattr(card, name)
        if value is not None:
            # The schema's integers (whole euros, checked by NewCard): sent as JSON numbers, never floats.
            body[name] = int(value)
    if card.pre_expires_at is not None:
        body["pre_expires_at"] = datetime_param("pre_expires_at", card.pre_expires_at)
    if card.active_days is not None:
        body["active_days"] = list(card.active_days)
    if card.categories is not None:
        body["categories"] = list(card.categories)
    if card.type_of_print is not None:
        body["type_of_print"] = str(card.type_of_print)
    if card.address is not None:
        address = {
            "first_line": card.address.first_line,
            "zipcode": card.address.zipcode,
            "city": card.address.city,
            "country": card.address.country,
        }
        for name in ("contact_name", "second_line", "third_line"):
            value = getattr(card.address, name)
            if value is not None:
                address[name] = value
        body["address"] = address
    return body


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, got {value!r}.")
    return value


class CardsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/cards")
    async def list(
        self,
        *,
        query: str | None = None,
        holder_ids: Iterable[str] | str | None = None,
        statuses: Iterable[str] | str | None = None,
        bank_account_ids: Iterable[str] | str | None = None,
        card_levels: Iterable[str] | str | None = None,
        ids: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Card]:
        """``GET /v2/cards``: one page of the cards the authenticated membership can see (OAuth ``card.read``).

        ``query`` searches holder names, card id, nickname, last digits, status and dates. The list filters
        (``holder_ids``, ``statuses``, ``bank_account_ids``, ``card_levels``, ``ids``) take one value or a list and
        go out as ``name[]``. ``sort_by`` is ``status``, ``nickname``, ``last_activity_at`` or ``created_at`` with
        ``:asc``/``:desc`` (Qonto's default: ``status:asc``).
        """
        params = _filters(
            query=query,
            holder_ids=holder_ids,
            statuses=statuses,
            bank_account_ids=bank_account_ids,
            card_levels=card_levels,
            ids=ids,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/cards", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/cards")
    def iterate(
        self,
        *,
        query: str | None = None,
        holder_ids: Iterable[str] | str | None = None,
        statuses: Iterable[str] | str | None = None,
        bank_account_ids: Iterable[str] | str | None = None,
        card_levels: Iterable[str] | str | None = None,
        ids: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Card]:
        """Every card matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                query=query,
                holder_ids=holder_ids,
                statuses=statuses,
                bank_account_ids=bank_account_ids,
                card_levels=card_levels,
                ids=ids,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Card]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/cards", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/cards")
    async def create(self, card: NewCard, *, idempotency_key: str | None = None) -> Card:
        """``POST /v2/cards``: create one card (OAuth ``card.write``).

        ``card`` is a :class:`~qonto_async.models.NewCard` (checked when it is built: limits are whole euros, no
        float). ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on
        every retry and on the SCA replay, or pass your own. **SCA**: Qonto may answer 428 (§8); with a
        ``ScaPolicy`` on the client the call is completed and replayed, otherwise :class:`~qonto_async.ScaRequired`
        is raised. Returns the new card.
        """
        return await self._send(
            Request(
                method="POST",
                path="/v2/cards",
                json={"card": _card_body(card)},
                decode=_ONE,
                idempotent_key_supported=True,
                idempotency_key=None if idempotency_key is None else check_id("idempotency_key", idempotency_key),
            )
        )

    @operation("POST", "/v2/cards/bulk")
    async def bulk_create(self, cards: Sequence[NewCard]) -> CardBulkCreation:
        """``POST /v2/cards/bulk``: create several cards in one call (OAuth ``card.write``).

        Returns one result per requested card, **in request order**: a partial success is possible, so read
        :attr:`~qonto_async.models.CardBulkCreation.failures` (index in ``cards`` and its errors) as well as
        :attr:`~qonto_async.models.CardBulkCreation.created`. **SCA**: Qonto's documentation says this call
        requires it (428, qonto-api.md §8). Qonto documents no idempotency key here, so a failed call is never
        retried automatically: list the cards before calling again.
        """
        if isinstance(cards, str | bytes | Mapping) or not isinstance(cards, Sequence):
            raise ConfigurationError(f"cards must be a list of NewCard, got {type(cards).__name__}.")
        if not cards:
            raise ConfigurationError("cards must hold at least one NewCard.")
        body = {"cards": [{"card": _card_body(card, f"cards[{n}]")} for n, card in enumerate(cards)]}
        return await self._send(Request(method="POST", path="/v2/cards/bulk", json=body, decode=_BULK))

    @operation("GET", "/v2/cards/{id}/data_view")
    async def get_data_view(self, id: str, *, accept_language: str = "en") -> CardDataView:
        """``GET /v2/cards/{id}/data_view``: the URL of an iframe showing the card's details (OAuth ``card.read``).

        Qonto requires ``Accept-Language`` here: ``accept_language`` is one of ``en``, ``it``, ``es``, ``de``,
        ``fr``, ``pt`` (``en`` by default). Qonto HTML-escapes ``&``, ``<``, ``>`` in the URL (qonto-api.md §12);
        the returned ``iframe_url`` has that undone and can be used as it is. Qonto suggests an iframe 460 px
        high and 504 px wide, room enough for the SCA step the view may ask for.
        """
        if accept_language not in ACCEPT_LANGUAGES:
            raise ConfigurationError(
                f"accept_language must be one of {', '.join(ACCEPT_LANGUAGES)}; got {accept_language!r}."
            )
        return await self._send(
            Request(
                method="GET",
                path=f"/v2/cards/{path_id('id', id)}/data_view",
                headers={"Accept-Language": accept_language},
                decode=_decode_data_view,
            )
        )

    async def _put(self, id: str, action: str) -> Card:
        return await self._send(Request(method="PUT", path=f"/v2/cards/{path_id('id', id)}/{action}", decode=_ONE))

    @operation("PUT", "/v2/cards/{id}/lost")
    async def report_lost(self, id: str) -> Card:
        """``PUT /v2/cards/{id}/lost``: report a physical card lost. **Permanent**: the card is blocked for good."""
        return await self._put(id, "lost")

    @operation("PUT", "/v2/cards/{id}/stolen")
    async def report_stolen(self, id: str) -> Card:
        """``PUT /v2/cards/{id}/stolen``: report a physical card stolen. **Permanent**: the card is blocked."""
        return await self._put(id, "stolen")

    @operation("PUT", "/v2/cards/{id}/discard")
    async def discard(self, id: str) -> Card:
        """``PUT /v2/cards/{id}/discard``: discard a virtual card. **Permanent**: it can never be used again."""
        return await self._put(id, "discard")

    @operation("PUT", "/v2/cards/{id}/lock")
    async def lock(self, id: str) -> Card:
        """``PUT /v2/cards/{id}/lock``: suspend a card for now; :meth:`unlock` lifts it."""
        return await self._put(id, "lock")

    @operation("PUT", "/v2/cards/{id}/unlock")
    async def unlock(self, id: str) -> Card:
        """``PUT /v2/cards/{id}/unlock``: lift a lock. Only admins and owners may (403 otherwise)."""
        return await self._put(id, "unlock")

    async def _patch(self, id: str, action: str, inner: dict[str, Any]) -> Card:
        return await self._send(
            Request(
                method="PATCH",
                path=f"/v2/cards/{path_id('id', id)}/{action}",
                json={"card": inner},
                decode=_ONE,
            )
        )

    @operation("PATCH", "/v2/cards/{id}/limits")
    async def update_limits(
        self,
        id: str,
        *,
        atm_monthly_limit: Decimal | int | str | None = None,
        atm_daily_limit_option: bool | None = None,
        atm_daily_limit: Decimal | int | str | None = None,
        payment_monthly_limit: Decimal | int | str | None = None,
        payment_daily_limit_option: bool | None = None,
        payment_daily_limit: Decimal | int | str | None = None,
        payment_transaction_limit_option: bool | None = None,
        payment_transaction_limit: Decimal | int | str | None = None,
    ) -> Card:
        """``PATCH /v2/cards/{id}/limits``: change a card's spending and withdrawal limits (admins and owners).

        Limits are whole euros: a ``Decimal``, an ``int`` or a decimal string (a float or cents are refused).
        Only the arguments given are sent; at least one is needed. The ``*_option`` flags switch the daily and
        per-transaction limits on or off. **SCA**: Qonto may answer 428 (qonto-api.md §8). Qonto documents no
        idempotency key here, so a failed call is not retried automatically.
        """
        given = {
            "atm_monthly_limit": atm_monthly_limit,
            "atm_daily_limit_option": atm_daily_limit_option,
            "atm_daily_limit": atm_daily_limit,
            "payment_monthly_limit": payment_monthly_limit,
            "payment_daily_limit_option": payment_daily_limit_option,
            "payment_daily_limit": payment_daily_limit,
            "payment_transaction_limit_option": payment_transaction_limit_option,
            "payment_transaction_limit": payment_transaction_limit,
        }
        inner: dict[str, Any] = {}
        for name in _LIMITS:
            value = given[name]
            if value is None:
                continue
            inner[name] = _flag(name, value) if name.endswith("_option") else int(euro_limit(name, value))
        if not inner:
            raise ConfigurationError(f"update_limits needs at least one of {', '.join(_LIMITS)}.")
        return await self._patch(id, "limits", inner)

    @operation("PATCH", "/v2/cards/{id}/restrictions")
    async def update_restrictions(
        self,
        id: str,
        *,
        active_days: Iterable[int] | None = None,
        categories: Iterable[str] | None = None,
    ) -> Card:
        """``PATCH /v2/cards/{id}/restrictions``: the days and merchant categories a card works on.

        ``active_days`` are ISO weekdays (1 = Monday to 7); ``categories`` are tags such as ``transport`` or
        ``restaurant_and_bar``, and an empty list allows every category (Team plans and up may restrict them).
        At least one of the two is needed. Admins and owners only.
        """
        inner: dict[str, Any] = {}
        if active_days is not None:
            inner["active_days"] = list(active_days_tuple(active_days))
        if categories is not None:
            inner["categories"] = list(categories_tuple(categories))
        if not inner:
            raise ConfigurationError("update_restrictions needs active_days, categories or both.")
        return await self._patch(id, "restrictions", inner)

    @operation("PATCH", "/v2/cards/{id}/options")
    async def update_options(
        self,
        id: str,
        *,
        atm_option: bool | None = None,
        nfc_option: bool | None = None,
        online_option: bool | None = None,
        foreign_option: bool | None = None,
    ) -> Card:
        """``PATCH /v2/cards/{id}/options``: allow or forbid ATM withdrawals, contactless (NFC), online and
        foreign payments. Only the flags given are sent; at least one is needed. Admins and owners only."""
        given = {
            "atm_option": atm_option,
            "nfc_option": nfc_option,
            "online_option": online_option,
            "foreign_option": foreign_option,
        }
        inner = {name: _flag(name, given[name]) for name in _OPTIONS if given[name] is not None}
        if not inner:
            raise ConfigurationError(f"update_options needs at least one of {', '.join(_OPTIONS)}.")
        return await self._patch(id, "options", inner)

    @operation("PATCH", "/v2/cards/{id}/nickname")
    async def update_nickname(self, id: str, nickname: str) -> Card:
        """``PATCH /v2/cards/{id}/nickname``: rename a card (1 to 40 characters). Admins and owners only."""
        if not isinstance(nickname, str) or not nickname.strip():
            raise ConfigurationError(f"nickname must be a non-empty string, got {nickname!r}.")
        if len(nickname) > _NICKNAME_MAX:
            raise ConfigurationError(f"nickname is limited to {_NICKNAME_MAX} characters, got {len(nickname)}.")
        return await self._patch(id, "nickname", {"nickname": nickname})
