"""SEPA transfers, bulk and recurring transfers, and Verification of Payee (qonto-api.md §3.1 rows 92-106, §9).

Responses: :class:`SepaTransfer`, :class:`SepaRecurringTransfer`, :class:`BulkTransfer` (with its per-transfer
:class:`BulkTransferResult`), :class:`PayeeVerification`, :class:`BulkPayeeVerification` and the proof token
:class:`VopProofToken`. Request items: :class:`TransferBeneficiary` (beneficiary data given inline instead of a
``beneficiary_id``), :class:`BulkTransferItem` and :class:`PayeeVerificationRequest`.
"""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import attrs

from qonto_async.errors import ConfigurationError

__all__ = [
    "BulkPayeeVerification",
    "BulkPayeeVerificationItem",
    "BulkTransfer",
    "BulkTransferError",
    "BulkTransferErrorGroup",
    "BulkTransferErrorSource",
    "BulkTransferItem",
    "BulkTransferResult",
    "BulkTransferResultStatus",
    "PayeeVerification",
    "PayeeVerificationRequest",
    "RecurringTransferFrequency",
    "RecurringTransferStatus",
    "SepaRecurringTransfer",
    "SepaTransfer",
    "SepaTransferDeclinedReason",
    "SepaTransferStatus",
    "TransferBeneficiary",
    "VopMatchResult",
    "VopProofToken",
]


class SepaTransferStatus(enum.StrEnum):
    """``status`` of a SEPA transfer (the values Qonto's OpenAPI lists for transfers; an unknown one stays a str)."""

    PENDING = "pending"
    PROCESSING = "processing"
    CANCELED = "canceled"
    DECLINED = "declined"
    SETTLED = "settled"


class SepaTransferDeclinedReason(enum.StrEnum):
    """``declined_reason``, set only on a declined transfer."""

    BENEFICIARY_BIC_INVALID = "beneficiary_bic_invalid"
    BENEFICIARY_IBAN_INVALID = "beneficiary_iban_invalid"
    BENEFICIARY_STATUS = "beneficiary_status"
    BENEFICIARY_NETWORK_RULES_ERROR = "beneficiary_network_rules_error"
    ORGANISATION_COMPLIANCE_REASONS = "organisation_compliance_reasons"
    DEBIT_ACCOUNT_INSUFFICIENT_FUNDS = "debit_account_insufficient_funds"
    QONTO_PROCESSING_FAILED = "qonto_processing_failed"


@attrs.frozen(kw_only=True, weakref_slot=False)
class SepaTransfer:
    """A SEPA transfer. ``amount`` is a Decimal in euros; ``amount_cents`` the same amount in cents."""

    id: str
    initiator_id: str | None = None
    bank_account_id: str | None = None
    amount: Decimal | None = None
    amount_cents: int | None = None
    amount_currency: str | None = None
    status: SepaTransferStatus | str | None = None
    beneficiary_id: str | None = None
    reference: str | None = None
    note: str | None = None
    declined_reason: SepaTransferDeclinedReason | str | None = None
    scheduled_date: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    processed_at: datetime | None = None
    completed_at: datetime | None = None
    transaction_id: str | None = None
    recurring_transfer_id: str | None = None


class RecurringTransferFrequency(enum.StrEnum):
    """``frequency`` of a recurring transfer (Qonto's examples show weekly, monthly and half_yearly)."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class RecurringTransferStatus(enum.StrEnum):
    """``status`` of a recurring transfer. Qonto's examples show ``pending`` and ``processing``; ``canceled`` is
    what a cancel leads to (the ``v1/recurring-transfers`` webhook's event). Unknown values stay a str."""

    PENDING = "pending"
    PROCESSING = "processing"
    CANCELED = "canceled"


@attrs.frozen(kw_only=True, weakref_slot=False)
class SepaRecurringTransfer:
    """A SEPA recurring transfer: runs every ``frequency`` from ``first_execution_date`` until
    ``last_execution_date`` (or forever when that is ``None``). Each run is a :class:`SepaTransfer` whose
    ``recurring_transfer_id`` points here."""

    id: str
    initiator_id: str | None = None
    bank_account_id: str | None = None
    amount: Decimal | None = None
    amount_cents: int | None = None
    amount_currency: str | None = None
    beneficiary_id: str | None = None
    reference: str | None = None
    note: str | None = None
    first_execution_date: date | None = None
    last_execution_date: date | None = None
    next_execution_date: date | None = None
    frequency: RecurringTransferFrequency | str | None = None
    status: RecurringTransferStatus | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


# --- Bulk transfers ---------------------------------------------------------------------------------------------


class BulkTransferResultStatus(enum.StrEnum):
    """Whether one transfer of a bulk was created. Not the transfer's own status: fetch that with
    ``sepa_transfers.list(ids=[...])``."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransferErrorSource:
    pointer: str | None = None
    parameter: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransferError:
    """Why one transfer of a bulk could not be created (Qonto sends ``detail``, sometimes ``message``)."""

    code: str | None = None
    detail: str | None = None
    status: str | None = None
    message: str | None = None
    source: BulkTransferErrorSource | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransferErrorGroup:
    """One entry of ``results[].errors``: Qonto nests the error items one level deeper (``{"errors": [...]}``)."""

    errors: tuple[BulkTransferError, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransferResult:
    """The outcome of one transfer of a bulk, matched to the request by ``client_transfer_id``.

    A bulk is a partial success: check :attr:`failed` (or :attr:`BulkTransfer.failed_results`) for each item.
    """

    client_transfer_id: str | None = None
    transfer_id: str | None = None
    status: BulkTransferResultStatus | str | None = None
    errors: tuple[BulkTransferErrorGroup, ...] = ()

    @property
    def error_items(self) -> tuple[BulkTransferError, ...]:
        """Every error of this transfer, flattened out of Qonto's nested groups."""
        return tuple(item for group in self.errors for item in group.errors)

    @property
    def failed(self) -> bool:
        return self.status == BulkTransferResultStatus.FAILED


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransfer:
    """A batch of SEPA transfers, processed asynchronously: poll ``bulk_transfers.get(id)`` until
    ``pending_count`` is 0, then read ``results``."""

    id: str
    initiator_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    total_count: int | None = None
    completed_count: int | None = None
    pending_count: int | None = None
    failed_count: int | None = None
    results: tuple[BulkTransferResult, ...] = ()

    @property
    def failed_results(self) -> tuple[BulkTransferResult, ...]:
        """The results whose transfer could not be created, with their errors."""
        return tuple(result for result in self.results if result.failed)


# --- Verification of Payee (qonto-api.md §9) --------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class VopProofToken:
    """Proof that payee verification ran (or was skipped), valid 23 hours (qonto-api.md §9).

    Pass it (or its ``token`` string) as ``vop_proof_token`` when creating a transfer. Qonto's docs show it both as
    a plain string and as ``{"token": "..."}``; both decode to this class.
    """

    token: str = attrs.field(repr=lambda token: repr(token[:8] + "…") if len(token) > 8 else repr(token))

    def __str__(self) -> str:
        return self.token


class VopMatchResult(enum.StrEnum):
    """How the payee's name compares with the account holder's (show it to the user: the regulation asks for it)."""

    MATCH = "MATCH_RESULT_MATCH"
    CLOSE_MATCH = "MATCH_RESULT_CLOSE_MATCH"
    NO_MATCH = "MATCH_RESULT_NO_MATCH"
    NOT_POSSIBLE = "MATCH_RESULT_NOT_POSSIBLE"
    UNSPECIFIED = "MATCH_RESULT_UNSPECIFIED"


@attrs.frozen(kw_only=True, weakref_slot=False)
class PayeeVerification:
    """The result of ``POST /v2/sepa/verify_payee``. ``matched_name`` is the holder's name on a close match."""

    match_result: VopMatchResult | str | None = None
    matched_name: str | None = None
    proof_token: VopProofToken | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PayeeVerificationRequest:
    """One payee to verify in bulk; ``id`` is yours, echoed back in the result (generated when left out)."""

    iban: str
    beneficiary_name: str
    id: str = attrs.field(factory=lambda: str(uuid.uuid4()))


# Qonto's error codes follow the protobuf convention: the zero value means "no error".
_NO_ERROR = frozenset({"", "ERROR_UNSPECIFIED"})


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkPayeeVerificationItem:
    """The verification of one payee of a bulk: ``response`` when it ran, ``error_code`` when it could not."""

    id: str | None = None
    beneficiary_name: str | None = None
    iban: str | None = None
    response: PayeeVerification | None = None
    error_code: str | None = None

    @property
    def failed(self) -> bool:
        """True when Qonto reports an error for this payee (``ERROR_UNSPECIFIED`` is its "no error" value)."""
        return self.error_code is not None and self.error_code not in _NO_ERROR


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkPayeeVerification:
    """The result of ``POST /v2/sepa/bulk_verify_payee``: one item per payee, and one proof for the whole set
    (it only covers a bulk transfer to exactly these payees)."""

    requests: tuple[BulkPayeeVerificationItem, ...] = ()
    proof_token: VopProofToken | None = None

    @property
    def failed(self) -> tuple[BulkPayeeVerificationItem, ...]:
        """The payees whose verification failed (partial success: the others still carry a result)."""
        return tuple(item for item in self.requests if item.failed)


# --- Request items ----------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class TransferBeneficiary:
    """Beneficiary data sent with a transfer instead of a ``beneficiary_id``. Qonto creates an untrusted
    beneficiary on the fly, or updates the one with the same IBAN (qonto-api.md §9)."""

    name: str
    iban: str
    bic: str | None = None
    email: str | None = None
    activity_tag: str | None = None


def _amount(value: Decimal | str) -> Decimal:
    # qonto-api.md §11: request amounts are decimal strings; a float cannot hold most cent amounts exactly.
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and value == value.strip():
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise ConfigurationError(
        f"amount must be a Decimal or a decimal string such as '12.50' (never a float), got {value!r}."
    )


@attrs.frozen(kw_only=True, weakref_slot=False)
class BulkTransferItem:
    """One transfer of ``bulk_transfers.create``. Give ``beneficiary_id`` or ``beneficiary``.

    ``amount`` is a Decimal or decimal string (a float is refused when the request is built).
    ``client_transfer_id`` (generated when left out) is how the results name this transfer.
    """

    amount: Decimal = attrs.field(converter=_amount)
    reference: str
    beneficiary_id: str | None = None
    beneficiary: TransferBeneficiary | None = None
    scheduled_date: date | None = None
    note: str | None = None
    attachment_ids: tuple[str, ...] = ()
    client_transfer_id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
