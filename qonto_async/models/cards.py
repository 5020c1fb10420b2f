"""Cards (qonto-api.md §3.1 rows 17-29): ``GET /v2/cards`` and the card writes, which all answer one :class:`Card`.

Responses: :class:`Card` (with its :class:`CardSummary` parent), :class:`CardDataView` (the iframe URL) and
:class:`CardBulkCreation` (one :class:`CardBulkResult` per requested card, in request order). Request items:
:class:`NewCard` (what ``cards.create``/``cards.bulk_create`` send) and its :class:`CardAddress`.

Limits and amounts spent are in euros (the OpenAPI schema says "unit: euro"): ``Decimal``, never float. Qonto types
the limits as whole numbers, so a :class:`NewCard` refuses cents in a limit before anything is sent.
"""

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from qonto_async.errors import ConfigurationError

__all__ = [
    "Card",
    "CardAddress",
    "CardBulkCreation",
    "CardBulkError",
    "CardBulkErrorSource",
    "CardBulkResult",
    "CardDataView",
    "CardLevel",
    "CardStatus",
    "CardSummary",
    "CardType",
    "CardTypeOfPrint",
    "NewCard",
]


class CardStatus(enum.StrEnum):
    """``status`` (OpenAPI ``card_status``); an unknown value stays a plain str."""

    PENDING = "pending"
    LIVE = "live"
    PAUSED = "paused"
    STOLEN = "stolen"
    LOST = "lost"
    PIN_BLOCKED = "pin_blocked"
    DISCARDED = "discarded"
    EXPIRED = "expired"
    SHIPPED_LOST = "shipped_lost"
    ONHOLD = "onhold"
    ORDER_CANCELED = "order_canceled"
    PRE_EXPIRED = "pre_expired"
    ABUSIVE = "abusive"


class CardLevel(enum.StrEnum):
    """``card_level``: standard, plus and metal are physical cards; virtual, flash and advertising are not."""

    STANDARD = "standard"
    PLUS = "plus"
    METAL = "metal"
    VIRTUAL = "virtual"
    FLASH = "flash"
    ADVERTISING = "advertising"


class CardType(enum.StrEnum):
    DEBIT = "debit"
    PREPAID = "prepaid"


class CardTypeOfPrint(enum.StrEnum):
    """``type_of_print``: how a ``plus`` card shows its details (other levels leave it ``None``)."""

    PRINT = "print"
    EMBOSSED = "embossed"


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardSummary:
    """``parent_card_summary``: the card this one renews or replaces."""

    id: str | None = None
    last_digits: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Card:
    """A card, as every card endpoint returns it.

    ``*_limit`` and ``*_spent`` are euros as ``Decimal``; ``active_days`` are ISO weekdays (1 = Monday);
    ``categories`` empty means every merchant category is allowed. ``discard_on`` is the ``YYYY-MM-DD`` day an
    upsold card is discarded, kept as Qonto sends it (its documented example, ``2022-11-31``, is no real date).
    """

    id: str
    nickname: str | None = None
    embossed_name: str | None = None
    status: CardStatus | str | None = None
    pin_set: bool | None = None
    mask_pan: str | None = None
    exp_month: str | None = None
    exp_year: str | None = None
    last_activity_at: datetime | None = None
    last_digits: str | None = None
    ship_to_business: bool | None = None
    atm_option: bool | None = None
    nfc_option: bool | None = None
    online_option: bool | None = None
    foreign_option: bool | None = None
    atm_monthly_limit: Decimal | None = None
    atm_monthly_spent: Decimal | None = None
    atm_daily_limit: Decimal | None = None
    atm_daily_spent: Decimal | None = None
    atm_daily_limit_option: bool | None = None
    payment_monthly_limit: Decimal | None = None
    payment_monthly_spent: Decimal | None = None
    payment_daily_limit: Decimal | None = None
    payment_daily_spent: Decimal | None = None
    payment_daily_limit_option: bool | None = None
    payment_transaction_limit: Decimal | None = None
    payment_transaction_limit_option: bool | None = None
    payment_lifespan_limit: Decimal | None = None
    payment_lifespan_spent: Decimal | None = None
    active_days: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    holder_id: str | None = None
    initiator_id: str | None = None
    bank_account_id: str | None = None
    organization_id: str | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    shipped_at: datetime | None = None
    pre_expires_at: datetime | None = None
    card_type: CardType | str | None = None
    card_level: CardLevel | str | None = None
    card_design: str | None = None
    type_of_print: CardTypeOfPrint | str | None = None
    renewed: bool | None = None
    renewal: bool | None = None
    parent_card_summary: CardSummary | None = None
    had_operation: bool | None = None
    had_pin_operation: bool | None = None
    upsold: bool | None = None
    upsell: bool | None = None
    discard_on: str | None = None
    reordered: bool | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardDataView:
    """``GET /v2/cards/{id}/data_view``: the URL of an iframe showing the card's details (460 px high, 504 px wide
    is Qonto's advice).

    Qonto HTML-escapes ``&``, ``<`` and ``>`` in the URL as ``\\u0026``, ``\\u003c``, ``\\u003e`` (qonto-api.md
    §12); ``cards.get_data_view`` undoes that, so ``iframe_url`` is usable as it is. It grants a view of the card
    number: it is left out of ``repr``.
    """

    iframe_url: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardBulkErrorSource:
    pointer: str | None = None
    parameter: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardBulkError:
    """Why one card of a bulk was not created (Qonto's error items say ``detail``, sometimes ``message``)."""

    code: str | None = None
    detail: str | None = None
    status: str | None = None
    message: str | None = None
    source: CardBulkErrorSource | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardBulkResult:
    """The outcome of one requested card: the created ``card``, or the ``errors`` that stopped it."""

    card: Card | None = None
    errors: tuple[CardBulkError, ...] = ()

    @property
    def failed(self) -> bool:
        return self.card is None or bool(self.errors)


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardBulkCreation:
    """``POST /v2/cards/bulk``: one :class:`CardBulkResult` per requested card, **in request order** (Qonto's
    description). Check :attr:`failures` (or each result's ``failed``): a bulk may be a partial success."""

    cards: tuple[CardBulkResult, ...] = ()

    @property
    def created(self) -> tuple[Card, ...]:
        """The cards created, in request order."""
        return tuple(r.card for r in self.cards if r.card is not None and not r.errors)

    @property
    def failures(self) -> tuple[tuple[int, CardBulkResult], ...]:
        """``(index in the request, result)`` of every card that was not created."""
        return tuple((n, r) for n, r in enumerate(self.cards) if r.failed)


# --- what a caller sends ----------------------------------------------------------------------------------------


# A sanity cap, far above every maximum the OpenAPI gives for a card limit (3,000 to 200,000 euros depending on the
# limit): it keeps absurd values (10**30) out of the request, where Decimal arithmetic would overflow its context.
MAX_EURO_LIMIT: Final = 1_000_000_000


def _shown(value: object) -> str:
    """``repr`` for an error message, shortened (and safe for ints too long to print)."""
    try:
        text = repr(value)
    except ValueError:  # an int of more than sys.get_int_max_str_digits() digits
        return f"an int of about {value.bit_length() * 3 // 10 if isinstance(value, int) else '?'} digits"
    return text if len(text) <= 60 else f"{text[:57]}..."


def euro_limit(name: str, value: object) -> Decimal:
    """A card limit: a whole, non-negative number of euros, from a ``Decimal``, an ``int`` or a decimal string.

    Qonto's schema types the limits as integers (unit: euro); a float is refused, and so are cents, which Qonto
    would reject or round.
    """
    if isinstance(value, bool | float):
        raise ConfigurationError(
            f"{name} must be a whole number of euros as an int, a Decimal or a decimal string, got {value!r}"
            + (" (a float cannot hold amounts exactly)." if isinstance(value, float) else ".")
        )
    parsed: Decimal
    if isinstance(value, int):
        parsed = Decimal(value)
    elif isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, str) and value and value == value.strip():
        try:
            parsed = Decimal(value)
        except InvalidOperation:
            parsed = Decimal("NaN")
    else:
        raise ConfigurationError(
            f"{name} must be a whole number of euros as an int, a Decimal or a decimal string, got {value!r}."
        )
    try:
        whole = parsed.is_finite() and parsed >= 0 and parsed == parsed.to_integral_value()
    except InvalidOperation:
        whole = False
    if not whole:
        raise ConfigurationError(
            f"{name} must be a whole, non-negative number of euros (Qonto's card limits are integers), "
            f"got {_shown(value)}."
        )
    if parsed > MAX_EURO_LIMIT:
        raise ConfigurationError(
            f"{name} must be at most {MAX_EURO_LIMIT:,} euros, got {_shown(value)}: Qonto's own maxima are far lower "
            "(OpenAPI: 3,000 for ATM limits, 200,000 for payment_monthly_limit)."
        )
    return parsed.quantize(Decimal(1))


def active_days_tuple(value: object) -> tuple[int, ...]:
    """ISO weekdays, 1 (Monday) to 7, each once."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ConfigurationError(f"active_days must be a list of ISO weekdays 1 (Monday) to 7, got {value!r}.")
    days = tuple(value)
    if not days or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in days):
        raise ConfigurationError(
            f"active_days must be a non-empty list of ISO weekdays 1 (Monday) to 7, got {list(days)!r}."
        )
    if len(set(days)) != len(days):
        raise ConfigurationError(f"active_days lists a day twice: {list(days)!r}.")
    return days


def categories_tuple(value: object) -> tuple[str, ...]:
    """Merchant category tags; an empty list lifts the restriction."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ConfigurationError(
            f"categories must be a list of category tags (e.g. ['transport', 'restaurant_and_bar']), got {value!r}."
        )
    tags = tuple(value)
    if any(not isinstance(t, str) or not t.strip() or t != t.strip() for t in tags):
        raise ConfigurationError(
            f"categories must hold non-empty strings without surrounding whitespace: {tags!r}."
        )
    return tags


def _atm_monthly_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("atm_monthly_limit", value)


def _atm_daily_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("atm_daily_limit", value)


def _payment_monthly_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("payment_monthly_limit", value)


def _payment_daily_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("payment_daily_limit", value)


def _payment_transaction_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("payment_transaction_limit", value)


def _payment_lifespan_limit(value: object) -> Decimal | None:
    return None if value is None else euro_limit("payment_lifespan_limit", value)


def aware_datetime(value: object) -> datetime:
    """``pre_expires_at``: a timezone-aware datetime, or ISO 8601 text with a zone (``Z`` or an offset)."""
    parsed: object = value
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
    if not isinstance(parsed, datetime) or parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ConfigurationError(
            f"pre_expires_at must be a timezone-aware datetime or ISO 8601 text with a zone "
            f"(e.g. '2026-12-31T23:59:59Z'), got {value!r}."
        )
    return parsed


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(
            f"{name} must be a non-empty string without surrounding whitespace, got {value!r}."
        )
    return value


def _flag(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True, False or None, got {value!r}.")
    return value


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardAddress:
    """Where a physical card is shipped when ``ship_to_business`` is false (``country``: ISO 3166-1 alpha-2)."""

    first_line: str
    zipcode: str
    city: str
    country: str
    contact_name: str | None = None
    second_line: str | None = None
    third_line: str | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("first_line", "zipcode", "city", "country"):
            _text(f"address.{name}", getattr(self, name))
        for name in ("contact_name", "second_line", "third_line"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"address.{name} must be a string or None, got {value!r}.")


_FLAGS = (
    "ship_to_business",
    "atm_option",
    "nfc_option",
    "online_option",
    "foreign_option",
    "atm_daily_limit_option",
    "payment_daily_limit_option",
    "payment_transaction_limit_option",
)


@attrs.frozen(kw_only=True, weakref_slot=False)
class NewCard:
    """A card to create with ``cards.create`` or ``cards.bulk_create`` (what you send, not what Qonto returns).

    ``card_level`` picks the kind: ``standard``, ``plus``, ``metal`` (physical: Qonto's schema wants
    ``ship_to_business``, ``payment_monthly_limit``, ``atm_monthly_limit``, ``atm_daily_limit_option`` and
    ``atm_daily_limit``), ``virtual`` (``payment_monthly_limit``), ``flash`` (``payment_lifespan_limit`` and
    ``pre_expires_at``) or ``advertising``. Limits are whole euros (``Decimal``, ``int`` or decimal string; floats
    and cents are refused here). Fields left ``None`` are not sent, so Qonto's defaults apply.
    """

    card_level: CardLevel | str
    holder_id: str
    bank_account_id: str
    organization_id: str
    initiator_id: str | None = None
    ship_to_business: bool | None = None
    address: CardAddress | None = None
    atm_option: bool | None = None
    nfc_option: bool | None = None
    online_option: bool | None = None
    foreign_option: bool | None = None
    atm_monthly_limit: Decimal | None = attrs.field(default=None, converter=_atm_monthly_limit)
    atm_daily_limit_option: bool | None = None
    atm_daily_limit: Decimal | None = attrs.field(default=None, converter=_atm_daily_limit)
    payment_monthly_limit: Decimal | None = attrs.field(default=None, converter=_payment_monthly_limit)
    payment_daily_limit_option: bool | None = None
    payment_daily_limit: Decimal | None = attrs.field(default=None, converter=_payment_daily_limit)
    payment_transaction_limit_option: bool | None = None
    payment_transaction_limit: Decimal | None = attrs.field(default=None, converter=_payment_transaction_limit)
    payment_lifespan_limit: Decimal | None = attrs.field(default=None, converter=_payment_lifespan_limit)
    pre_expires_at: datetime | None = attrs.field(
        default=None, converter=attrs.converters.optional(aware_datetime)
    )
    active_days: tuple[int, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(active_days_tuple)
    )
    categories: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(categories_tuple)
    )
    card_design: str | None = None
    type_of_print: CardTypeOfPrint | str | None = None

    def __attrs_post_init__(self) -> None:
        level = self.card_level.value if isinstance(self.card_level, enum.Enum) else self.card_level
        if level not in tuple(CardLevel):
            allowed = ", ".join(level.value for level in CardLevel)
            raise ConfigurationError(f"card_level must be one of {allowed}; got {self.card_level!r}.")
        for name in ("holder_id", "bank_account_id", "organization_id"):
            _text(name, getattr(self, name))
        for name in ("initiator_id", "card_design"):
            if getattr(self, name) is not None:
                _text(name, getattr(self, name))
        for name in _FLAGS:
            _flag(name, getattr(self, name))
        if self.address is not None and not isinstance(self.address, CardAddress):
            raise ConfigurationError(
                f"address must be a CardAddress(first_line=..., zipcode=..., city=..., country=...), "
                f"got {type(self.address).__name__}."
            )
        if self.type_of_print is not None and self.type_of_print not in tuple(CardTypeOfPrint):
            raise ConfigurationError(f"type_of_print must be 'print' or 'embossed', got {self.type_of_print!r}.")
