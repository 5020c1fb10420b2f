"""Requests awaiting an approver (flash cards, virtual cards, transfers, multi-transfers): ``GET /v2/requests``.

Named ``ApprovalRequest`` so as not to be confused with an HTTP request. One model covers the four kinds the
OpenAPI document describes (``RequestFlashCard``, ``RequestVirtualCard``, ``RequestMultiTransfer``,
``RequestTransfer``): the fields of the other kinds are ``None``.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

__all__ = ["ApprovalRequest", "ApprovalRequestStatus", "ApprovalRequestType", "TransferRecurrence"]


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


@attrs.frozen(kw_only=True)
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
