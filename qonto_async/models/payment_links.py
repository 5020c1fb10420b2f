"""Payment links: links a customer opens to pay by card, PayPal, iDEAL... (qonto-api.md §3.1 rows 72-79).

Money is a :class:`~qonto_async.models.Money` (``{"value": "12.50", "currency": "EUR"}``, Decimal value); an item's
``vat_rate`` is a **fraction** (``Decimal("0.2")`` is 20 %), as on invoices and products (qonto-api.md §11).
"""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from qonto_async.models.common import Money

__all__ = [
    "PaymentLink",
    "PaymentLinkConnection",
    "PaymentLinkConnectionStatus",
    "PaymentLinkItem",
    "PaymentLinkItemType",
    "PaymentLinkMethod",
    "PaymentLinkMethodAvailability",
    "PaymentLinkPayment",
    "PaymentLinkPaymentStatus",
    "PaymentLinkStatus",
]


class PaymentLinkStatus(enum.StrEnum):
    """The values Qonto's collection shows (an unknown one stays a str)."""

    OPEN = "open"
    PROCESSING = "processing"
    EXPIRED = "expired"


class PaymentLinkMethod(enum.StrEnum):
    """A payment method a link may offer (an unknown one stays a str)."""

    CREDIT_CARD = "credit_card"
    PAYPAL = "paypal"
    IDEAL = "ideal"


class PaymentLinkItemType(enum.StrEnum):
    GOOD = "good"
    SERVICE = "service"


class PaymentLinkPaymentStatus(enum.StrEnum):
    """The values Qonto's collection shows for a payment made through a link (an unknown one stays a str)."""

    FAILED = "failed"


class PaymentLinkConnectionStatus(enum.StrEnum):
    PENDING = "pending"


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkItem:
    """One line of a payment link: what :meth:`~qonto_async.resources.payment_links.PaymentLinksResource.create`
    sends and what a link returns.

    ``quantity`` is a ``Decimal``; ``unit_price`` a :class:`Money` (excluding VAT); ``vat_rate`` a **fraction**
    (``Decimal("0.2")`` = 20 %, not ``20``).
    """

    title: str | None = None
    quantity: Decimal | None = None
    unit_price: Money | None = None
    vat_rate: Decimal | None = None
    type: PaymentLinkItemType | str | None = None
    description: str | None = None
    measure_unit: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLink:
    """A payment link. ``amount`` is the total of its items; ``url`` is the page to send the customer to.

    ``reusable`` links accept several payments; the others close after one.
    """

    id: str
    status: PaymentLinkStatus | str | None = None
    expiration_date: datetime | None = None
    potential_payment_methods: tuple[PaymentLinkMethod | str, ...] = ()
    amount: Money | None = None
    items: tuple[PaymentLinkItem, ...] = ()
    reusable: bool | None = None
    created_at: datetime | None = None
    url: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkPayment:
    """A payment made (or attempted) through a payment link. ``paid_at`` is ``None`` until it succeeds."""

    id: str
    amount: Money | None = None
    status: PaymentLinkPaymentStatus | str | None = None
    created_at: datetime | None = None
    payment_method: PaymentLinkMethod | str | None = None
    paid_at: datetime | None = None
    debitor_email: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkMethodAvailability:
    """Whether a payment method can be offered (for an amount and currency, or a locale)."""

    name: PaymentLinkMethod | str
    enabled: bool | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkConnection:
    """The organization's connection to the payment links provider.

    After connecting, send the user to ``connection_location`` to finish the provider's onboarding; ``status``
    stays ``pending`` until then.
    """

    connection_location: str | None = None
    status: PaymentLinkConnectionStatus | str | None = None
    bank_account_id: str | None = None
