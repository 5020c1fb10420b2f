"""Requests awaiting an approver (flash cards, virtual cards, transfers, multi-transfers): ``GET /v2/requests``.

Named ``ApprovalRequest`` so as not to be confused with an HTTP request. One model covers the four kinds the
OpenAPI document describes (``RequestFlashCard``, ``RequestVirtualCard``, ``RequestMultiTransfer``,
``RequestTransfer``): the fields of the other kinds are ``None``.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from qonto_async.models._inputs import positive_amount, string_tuple

__all__ = [
    "ApprovalRequest",
    "ApprovalRequestStatus",
    "ApprovalRequestTransfer",
    "ApprovalRequestType",
    "MultiTransferItem",
    "TransferRecurrence",
]


class ApprovalRequestType(enum.StrEnum):
    FLASH_CARD = "flash_card"
    VIRTUAL_CARD = "virtual_card"
    TRANSFER = "transfer"
    MULTI_TRANSFER = "multi_transfer"


class ApprovalRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELED = "canceled"


class TransferRecurrence(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ApprovalRequestTransfer:
    """One transfer of a multi-transfer request, as ``POST /v2/requests/multi_transfers`` returns it."""

    id: str
    credit_account_name: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    reference: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class MultiTransferItem:
    """One transfer to put in a multi-transfer request (what you send, not what Qonto returns).

    ``amount`` is a positive ``Decimal`` or decimal string with at most 2 decimals (a float is refused before
    sending); ``credit_account_name`` and ``reference`` are limited to 140 characters (OpenAPI schema).
    """

    amount: Decimal = attrs.field(converter=positive_amount)
    credit_iban: str
    credit_account_name: str
    reference: str
    currency: str = "EUR"
    credit_account_currency: str = "EUR"
    attachment_ids: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ApprovalRequest:
    """A request (``request_type``: flash_card, virtual_card, transfer or multi_transfer) and its review.

    Money fields arrive as decimal strings (``"250.00"``) and decode to ``Decimal``.
    """

    id: str
    request_type: ApprovalRequestType | str | None = None
    status: ApprovalRequestStatus | str | None = None
    initiator_id: str | None = None
    approver_id: str | None = None
    note: str | None = None
    declined_note: str | None = None
    currency: str | None = None
    processed_at: datetime | None = None
    created_at: datetime | None = None
    # flash_card
    pre_expires_at: datetime | None = None
    payment_lifespan_limit: Decimal | None = None
    # virtual_card
    payment_monthly_limit: Decimal | None = None
    # multi_transfer
    total_transfers_amount: Decimal | None = None
    total_transfers_amount_currency: str | None = None
    total_transfers_count: int | None = None
    # transfer (and multi_transfer's scheduled_date)
    creditor_name: str | None = None
    amount: Decimal | None = None
    scheduled_date: date | None = None
    recurrence: TransferRecurrence | str | None = None
    last_recurrence_date: datetime | None = None
    attachment_ids: tuple[str, ...] = ()
    # multi_transfer, as the create call returns it
    transfers: tuple[ApprovalRequestTransfer, ...] = ()
