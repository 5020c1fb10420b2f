"""Quotes (qonto-api.md §3.1 rows 80-85), and the item and discount shapes that quotes and client invoices share.

Money objects are :class:`~qonto_async.models.Money` (``{"value": "12.52", "currency": "EUR"}``, a ``Decimal``
value). **VAT rates and percentage discounts are fractions here** (``Decimal("0.2")`` is 20 %), unlike cash-flow
categories, which take a percent (qonto-api.md §11).

What you send is described by :class:`InvoiceItemInput` and :class:`InvoiceDiscountInput`, checked when they are
built (floats refused, a percent given as a VAT rate refused); what Qonto returns is :class:`InvoiceItem` and
:class:`InvoiceDiscount`. Client invoices use the very same shapes.
"""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from qonto_async.errors import ConfigurationError
from qonto_async.models._inputs import finite_decimal as _decimal
from qonto_async.models._inputs import vat_rate_fraction
from qonto_async.models.common import Money

__all__ = [
    "DiscountType",
    "InvoiceDiscount",
    "InvoiceDiscountInput",
    "InvoiceItem",
    "InvoiceItemInput",
    "InvoicingClient",
    "InvoicingClientAddress",
    "InvoicingOrganization",
    "Quote",
    "QuoteStatus",
    "WelfareFund",
    "WithholdingTax",
    "vat_rate_fraction",
]

_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)
# OpenAPI (client invoice items): "For percentage, the minimum value is 0.0001 (0.01%), and the maximum value is 1".
_MIN_PERCENTAGE: Final = Decimal("0.0001")


class DiscountType(enum.StrEnum):
    """``percentage``: ``value`` is a fraction (``0.1`` = 10 %); ``amount``: ``value`` is an absolute amount."""

    PERCENTAGE = "percentage"
    AMOUNT = "amount"


class QuoteStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    CANCELED = "canceled"


def _money(name: str, value: object) -> Money:
    if not isinstance(value, Money):
        raise ConfigurationError(
            f"{name} must be a Money(value=Decimal('12.50'), currency='EUR'), got {type(value).__name__}."
        )
    amount = _decimal(f"{name}.value", value.value)
    currency = value.currency
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ConfigurationError(f"{name}.currency must be an ISO 4217 code such as 'EUR', got {currency!r}.")
    return Money(value=amount, currency=currency)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _title(value: str) -> str:
    return _text("title", value)


def _description(value: str | None) -> str | None:
    return None if value is None else _text("description", value)


def _unit(value: str | None) -> str | None:
    return None if value is None else _text("unit", value)


def _vat_exemption_reason(value: str | None) -> str | None:
    return None if value is None else _text("vat_exemption_reason", value)


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoiceDiscount:
    """A discount as Qonto returns it on an item or a whole quote/invoice: ``type``, ``value`` (a fraction for
    ``percentage``, an amount for ``amount``) and the resulting ``amount`` (Money, and ``amount_cents``)."""

    type: DiscountType | str | None = None
    value: Decimal | None = None
    amount: Money | None = None
    amount_cents: int | None = None


def _discount_value(value: Decimal | str) -> Decimal:
    return _decimal("discount value", value)


def _discount_type(value: DiscountType | str) -> DiscountType:
    try:
        return DiscountType(value)
    except ValueError:
        raise ConfigurationError(f"discount type must be 'percentage' or 'amount', got {value!r}.") from None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoiceDiscountInput:
    """A discount to send, on an item or on a whole quote/invoice.

    ``type="percentage"``: ``value`` is a **fraction** from 0.0001 to 1 (``"0.1"`` = 10 %). ``type="amount"``: a
    positive amount in the document's currency (Qonto caps it at quantity times unit price). ``Decimal`` or decimal
    string; floats are refused.
    """

    type: DiscountType = attrs.field(converter=_discount_type)
    value: Decimal = attrs.field(converter=_discount_value)

    def __attrs_post_init__(self) -> None:
        if self.type is DiscountType.PERCENTAGE:
            if self.value > _ONE:
                raise ConfigurationError(
                    f"a percentage discount is a fraction ('0.1' means 10 %), got {self.value}; "
                    f"pass '{(self.value / _HUNDRED).normalize():f}' for {self.value.normalize():f} %."
                )
            if self.value < _MIN_PERCENTAGE:
                raise ConfigurationError(
                    f"a percentage discount runs from 0.0001 (0.01 %) to 1 (100 %), got {self.value}."
                )
        elif self.value <= 0:
            raise ConfigurationError(f"an amount discount must be positive, got {self.value}.")


def _quantity(value: Decimal | str | int) -> Decimal:
    quantity = _decimal("quantity", value)
    if quantity <= 0:
        raise ConfigurationError(f"quantity must be positive, got {value!r}.")
    return quantity


def _optional_discount(value: InvoiceDiscountInput | None) -> InvoiceDiscountInput | None:
    if value is None or isinstance(value, InvoiceDiscountInput):
        return value
    raise ConfigurationError(
        f"discount must be an InvoiceDiscountInput(type=..., value=...), got {type(value).__name__}."
    )


def _unit_price(value: Money) -> Money:
    return _money("unit_price", value)


def _vat_rate(value: Decimal | str | int) -> Decimal:
    return vat_rate_fraction(value)


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoiceItemInput:
    """One line to send on a quote or a client invoice.

    ``quantity`` is a positive ``Decimal`` or decimal string (hours, pieces...); ``unit_price`` a
    :class:`~qonto_async.models.Money` whose ``value`` is a ``Decimal`` or decimal string (the price before VAT);
    ``vat_rate`` a **fraction** (``"0.2"`` = 20 %; a percent such as ``"20"`` is refused). Floats are refused
    everywhere. ``vat_exemption_reason`` is the legal code Qonto asks for when ``vat_rate`` is 0 in some countries.
    """

    title: str = attrs.field(converter=_title)
    quantity: Decimal = attrs.field(converter=_quantity)
    unit_price: Money = attrs.field(converter=_unit_price)
    vat_rate: Decimal = attrs.field(converter=_vat_rate)
    description: str | None = attrs.field(default=None, converter=_description)
    unit: str | None = attrs.field(default=None, converter=_unit)
    discount: InvoiceDiscountInput | None = attrs.field(default=None, converter=_optional_discount)
    vat_exemption_reason: str | None = attrs.field(default=None, converter=_vat_exemption_reason)


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoiceItem:
    """A line of a quote or an invoice as Qonto returns it. ``vat_rate`` is a fraction (``Decimal("0.2")``);
    ``quantity`` a ``Decimal``; amounts are :class:`~qonto_async.models.Money` plus their ``*_cents`` integers."""

    title: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    vat_rate: Decimal | None = None
    vat_exemption_reason: str | None = None
    unit_price: Money | None = None
    unit_price_cents: int | None = None
    total_amount: Money | None = None
    total_amount_cents: int | None = None
    total_vat: Money | None = None
    total_vat_cents: int | None = None
    subtotal: Money | None = None
    subtotal_cents: int | None = None
    discount: InvoiceDiscount | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoicingClientAddress:
    street_address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoicingClient:
    """The client as printed on a quote or an invoice (a snapshot; the live record is ``qonto.clients.get``)."""

    id: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    type: str | None = None
    email: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    recipient_code: str | None = None
    locale: str | None = None
    billing_address: InvoicingClientAddress | None = None
    delivery_address: InvoicingClientAddress | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoicingOrganization:
    """The issuing organization as printed on a quote or an invoice."""

    id: str | None = None
    legal_name: str | None = None
    legal_number: str | None = None
    legal_country: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_zipcode: str | None = None
    address_city: str | None = None
    address_country: str | None = None
    company_leadership: str | None = None
    district_court: str | None = None
    commercial_register_number: str | None = None
    vat_number: str | None = None
    tax_number: str | None = None
    legal_capital_share: Money | None = None
    transaction_type: str | None = None
    vat_payment_condition: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class WelfareFund:
    """Italy's welfare fund contribution (``rate`` a fraction, ``amount`` the resulting amount)."""

    type: str | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class WithholdingTax:
    """Italy's withholding tax (``rate`` a fraction, ``amount`` the resulting amount)."""

    reason: str | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None
    payment_reason: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Quote:
    """A quote. ``status``: ``pending_approval``, ``approved`` or ``canceled`` (unknown values kept as strings).

    Totals are :class:`~qonto_async.models.Money` plus ``*_cents`` integers; ``issue_date``/``expiry_date`` are
    dates; ``invoice_ids`` lists the invoices made from the quote; ``quote_url`` is the client-facing page.
    """

    id: str
    organization_id: str | None = None
    number: str | None = None
    status: QuoteStatus | str | None = None
    currency: str | None = None
    total_amount: Money | None = None
    total_amount_cents: int | None = None
    vat_amount: Money | None = None
    vat_amount_cents: int | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    created_at: datetime | None = None
    approved_at: datetime | None = None
    canceled_at: datetime | None = None
    items: tuple[InvoiceItem, ...] = ()
    client: InvoicingClient | None = None
    organization: InvoicingOrganization | None = None
    attachment_id: str | None = None
    quote_url: str | None = None
    contact_email: str | None = None
    terms_and_conditions: str | None = None
    header: str | None = None
    footer: str | None = None
    discount: InvoiceDiscount | None = None
    welfare_fund: WelfareFund | None = None
    withholding_tax: WithholdingTax | None = None
    stamp_duty_amount: Decimal | None = None
    invoice_ids: tuple[str, ...] = ()
