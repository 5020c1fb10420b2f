"""Internal transfers: ``POST /v2/internal_transfers`` (between two accounts of the same organization)."""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

__all__ = ["InternalTransfer", "InternalTransferStatus"]


class InternalTransferStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELED = "canceled"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternalTransfer:
    """The transfer created. Qonto sends ``amount`` and ``amount_cents`` as strings; they decode to Decimal/int."""

    id: str
    slug: str | None = None
    status: InternalTransferStatus | str | None = None
    amount: Decimal | None = None
    amount_cents: int | None = None
    currency: str | None = None
    reference: str | None = None
    created_at: datetime | None = None
