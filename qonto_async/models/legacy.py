"""Models of the legacy routes (qonto-api.md §3.3): ``/v2/external_transfers*`` and ``/v2/beneficiaries*``.

Their replacements are ``/v2/sepa/transfers``, ``/v2/sepa/bulk_transfers`` and ``/v2/sepa/beneficiaries``. Legacy
external transfers send amounts **and cents as strings** (``"12.55"``, ``"1255"``, qonto-api.md §11): they decode to
``Decimal`` and ``int``.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from qonto_async.models._inputs import positive_amount, string_tuple
from qonto_async.models.beneficiaries import SepaBeneficiaryStatus

__all__ = [
    "ExternalTransfer",
    "ExternalTransferItem",
    "ExternalTransferStatus",
    "ExternalTransfersCheckout",
    "LegacyBeneficiary",
    "LegacyBeneficiaryBankAccount",
    "LegacyBulkError",
    "LegacyBulkErrorSource",
]


class ExternalTransferStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    CANCELED = "canceled"
    DECLINED = "declined"
    SETTLED = "settled"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ExternalTransfer:
    """A transfer of the legacy ``/v2/external_transfers`` routes (OpenAPI ``ExternalTransfer``).

    ``declined_reason`` is set only when ``status`` is ``declined`` (e.g. ``beneficiary_iban_invalid``).
    """

    id: str
    slug: str | None = None
    debit_iban: str | None = None
    debit_amount: Decimal | None = None
    debit_amount_cents: int | None = None
    debit_currency: str | None = None
    beneficiary_id: str | None = None
    initiator_id: str | None = None
    credit_amount: Decimal | None = None
    credit_amount_cents: int | None = None
    credit_currency: str | None = None
    rate_applied: Decimal | None = None
    payment_purpose: str | None = None
    reference: str | None = None
    note: str | None = None
    declined_reason: str | None = None
    status: ExternalTransferStatus | str | None = None
    scheduled_date: date | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    processed_at: datetime | None = None
    transaction_id: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ExternalTransferItem:
    """One transfer to send through the legacy checkout (what you send, not what Qonto returns).

    ``amount`` is a positive ``Decimal`` or decimal string with at most 2 decimals (a float is refused).
    ``idempotency_key`` is Qonto's per-item key: left ``None``, one UUIDv4 is generated per item when the call is
    built, so an SCA replay of the same call reuses it (the checkout itself is not retried automatically).
    """

    amount: Decimal = attrs.field(converter=positive_amount)
    credit_iban: str
    credit_account_name: str
    reference: str
    currency: str = "EUR"
    credit_account_currency: str = "EUR"
    note: str | None = None
    scheduled_date: date | None = None
    attachment_ids: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    idempotency_key: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class LegacyBulkErrorSource:
    pointer: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class LegacyBulkError:
    """One failed item of a checkout; ``source.pointer`` says which (e.g. ``/external_transfers/1/debit_iban``)."""

    code: str
    detail: str | None = None
    source: LegacyBulkErrorSource | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ExternalTransfersCheckout:
    """The legacy checkout's answer: a 200 even when some or all items failed. Read ``errors``."""

    external_transfers: tuple[ExternalTransfer, ...] = ()
    errors: tuple[LegacyBulkError, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class LegacyBeneficiaryBankAccount:
    iban: str | None = None
    bic: str | None = None
    currency: str | None = None
    account_number: str | None = None
    routing_number: str | None = None
    intermediary_bank_bic: str | None = None
    swift_sort_code: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class LegacyBeneficiary:
    """A beneficiary of the legacy ``/v2/beneficiaries`` routes: the account details sit under ``bank_account``."""

    id: str
    name: str | None = None
    status: SepaBeneficiaryStatus | str | None = None
    trusted: bool | None = None
    bank_account: LegacyBeneficiaryBankAccount | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
