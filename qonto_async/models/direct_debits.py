"""SEPA Direct Debit collection: mandates, subscriptions (one-off or recurring) and the collections they make
(qonto-api.md §3.2 B10-B15). Amounts are :class:`~qonto_async.models.Money` (qonto-api.md §11)."""

import enum
from datetime import date, datetime

import attrs

from qonto_async.models.common import Money

__all__ = [
    "DirectDebitCollection",
    "DirectDebitCollectionStatus",
    "DirectDebitFirstPayment",
    "DirectDebitMandate",
    "DirectDebitMandateStatus",
    "DirectDebitPaymentInfo",
    "DirectDebitScheduleType",
    "DirectDebitSubscription",
    "DirectDebitSubscriptionStatus",
]


class DirectDebitScheduleType(enum.StrEnum):
    """How often a subscription collects (docs.qonto.com, create a subscription); ``custom`` goes with
    ``schedule_custom_interval`` and ``schedule_custom_unit``."""

    ONE_OFF = "one_off"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    CUSTOM = "custom"


class DirectDebitMandateStatus(enum.StrEnum):
    """The values docs.qonto.com shows (an unknown value stays a str)."""

    PENDING_SIGNATURE = "pending_signature"
    SIGNED = "signed"


class DirectDebitSubscriptionStatus(enum.StrEnum):
    """The values docs.qonto.com shows (an unknown value stays a str)."""

    PENDING_MANDATE_SIGNATURE = "pending_mandate_signature"


class DirectDebitCollectionStatus(enum.StrEnum):
    """docs.qonto.com (``v1/sepa-direct-debit-collections``): the webhook folds declined, rejected and canceled into
    its ``failed`` event, but ``status`` keeps them apart (an unknown value stays a str)."""

    COMPLETED = "completed"
    DECLINED = "declined"
    REJECTED = "rejected"
    CANCELED = "canceled"
    RETURNED = "returned"
    REFUNDED = "refunded"


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitFirstPayment:
    """The first collection a mandate's ``payment_info`` schedules."""

    collection_date: date | None = None
    amount: Money | None = None
    reference: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitPaymentInfo:
    """What to collect once the mandate is signed: sent to ``direct_debits.create_mandate`` and returned with it."""

    first_payment: DirectDebitFirstPayment | None = None
    notify_client: bool | None = None
    schedule_type: DirectDebitScheduleType | str | None = None
    schedule_total_collection_count: int | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitMandate:
    """A client's authorization to be debited. Send the client to ``sign_url`` while it awaits signature."""

    id: str
    unique_mandate_reference: str | None = None
    client_id: str | None = None
    status: DirectDebitMandateStatus | str | None = None
    is_cancelable: bool | None = None
    schedule_type: DirectDebitScheduleType | str | None = None
    notify_client: bool | None = None
    payment_info: DirectDebitPaymentInfo | None = None
    sign_url: str | None = None
    mandate_signature_date: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitSubscription:
    """A one-off or recurring collection plan on a mandate. ``sign_url`` is there when it created the mandate."""

    id: str
    direct_debit_mandate_id: str | None = None
    client_id: str | None = None
    bank_account_id: str | None = None
    initial_collection_date: date | None = None
    amount: Money | None = None
    reference: str | None = None
    status: DirectDebitSubscriptionStatus | str | None = None
    schedule_type: DirectDebitScheduleType | str | None = None
    schedule_total_collection_count: int | None = None
    schedule_custom_interval: int | None = None
    schedule_custom_unit: str | None = None
    schedule_next_collection_date: date | None = None
    schedule_end_date: date | None = None
    notify_client: bool | None = None
    sign_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitCollection:
    """One debit of a client's account. ``status_reason`` says why a failed one failed (e.g.
    ``insufficient_funds``, ``no_mandate``)."""

    id: str
    direct_debit_subscription_id: str | None = None
    amount: Money | None = None
    reference: str | None = None
    status: DirectDebitCollectionStatus | str | None = None
    status_reason: str | None = None
    collection_date: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
