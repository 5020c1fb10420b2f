"""Supplier invoices: bills received by the organization (qonto-api.md §3.1 rows 115-117, §3.2 B23-B24).

``total_amount`` and the other money objects are :class:`~qonto_async.models.Money`. The bulk upload answers 200
even when some files failed: :class:`SupplierInvoiceBulkResult` holds both the invoices created and the
``errors``, each naming the per-item idempotency key it concerns.
"""

import enum
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from qonto_async.errors import ConfigurationError
from qonto_async.files import UploadFile
from qonto_async.models.common import Money

__all__ = [
    "SupplierInvoice",
    "SupplierInvoiceActionReasons",
    "SupplierInvoiceApprovalWorkflow",
    "SupplierInvoiceAvailableActions",
    "SupplierInvoiceBulkError",
    "SupplierInvoiceBulkErrorSource",
    "SupplierInvoiceBulkResult",
    "SupplierInvoiceLifecycleEvent",
    "SupplierInvoiceMeta",
    "SupplierInvoiceRelatedInvoice",
    "SupplierInvoiceRequestTransfer",
    "SupplierInvoiceStatus",
    "SupplierInvoiceSuggestedTransaction",
    "SupplierInvoiceUpload",
]


class SupplierInvoiceStatus(enum.StrEnum):
    """The documented statuses (OpenAPI); Qonto adds more over time, which are kept as plain strings."""

    TO_REVIEW = "to_review"
    TO_PAY = "to_pay"
    PENDING = "pending"
    SCHEDULED = "scheduled"
    PAID = "paid"


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceRequestTransfer:
    id: str | None = None
    initiator_id: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceLifecycleEvent:
    """One e-invoicing lifecycle event (``status_code`` as the e-invoicing network sends it)."""

    status_code: int | None = None
    reason: str | None = None
    reason_message: str | None = None
    timestamp: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceMeta:
    """Metadata an integration attached at upload (``meta`` of the bulk upload) and accounting marks."""

    integration_type: str | None = None
    connector: str | None = None
    accounting_recorded_at: datetime | None = None
    accounting_recorded_source: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceActionReasons:
    """Why an action is unavailable (e.g. ``pay``: ``missing_iban``), per action."""

    pay: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    archive: tuple[str, ...] = ()
    unarchive: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceAvailableActions:
    delete: bool | None = None
    archive: bool | None = None
    unarchive: bool | None = None
    pay: bool | None = None
    reasons: SupplierInvoiceActionReasons | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceApprovalWorkflow:
    approver_ids: tuple[str, ...] = ()
    supplier_invoice_request_id: str | None = None
    verified_by: str | None = None
    last_approved_by: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceRelatedInvoice:
    id: str | None = None
    invoice_number: str | None = None
    total_amount: Money | None = None
    attachment_id: str | None = None
    file_name: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceSuggestedTransaction:
    id: str | None = None
    score: Decimal | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoice:
    """A supplier invoice. Most fields are filled in by Qonto's analysis of the file (``analyzed_at``), so any of
    them may be missing on a fresh upload. ``status`` keeps unknown values as plain strings."""

    id: str
    status: SupplierInvoiceStatus | str | None = None
    organization_id: str | None = None
    file_name: str | None = None
    attachment_id: str | None = None
    display_attachment_id: str | None = None
    source_type: str | None = None
    source: str | None = None
    invoice_number: str | None = None
    supplier_name: str | None = None
    vat_number: str | None = None
    tin: str | None = None
    description: str | None = None
    total_amount: Money | None = None
    payable_amount: Money | None = None
    total_amount_credit_notes: Money | None = None
    issue_date: date | None = None
    due_date: date | None = None
    payment_date: date | None = None
    scheduled_date: date | None = None
    iban: str | None = None
    initiator_id: str | None = None
    declined_note: str | None = None
    is_einvoice: bool | None = None
    e_invoice_type: str | None = None
    einvoicing_lifecycle_events: tuple[SupplierInvoiceLifecycleEvent, ...] = ()
    has_discrepancies: bool | None = None
    has_duplicates: bool | None = None
    is_credit_note: bool | None = None
    has_suggested_credit_notes: bool | None = None
    is_attachment_invoice: bool | None = None
    is_attachment_non_financial: bool | None = None
    attachment_category: str | None = None
    matched_transactions: tuple[str, ...] = ()
    transfer_ids: tuple[str, ...] = ()
    request_transfer: SupplierInvoiceRequestTransfer | None = None
    meta: SupplierInvoiceMeta | None = None
    available_actions: SupplierInvoiceAvailableActions | None = None
    approval_workflow: SupplierInvoiceApprovalWorkflow | None = None
    related_invoices: tuple[SupplierInvoiceRelatedInvoice, ...] = ()
    suggested_transactions: tuple[SupplierInvoiceSuggestedTransaction, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    analyzed_at: datetime | None = None
    deleted_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceBulkErrorSource:
    pointer: str | None = None


# Qonto's examples point at an item as /supplier_invoices/idempotency_key/<key>[/file].
_KEY_POINTER: Final = re.compile(r"^/supplier_invoices/idempotency_key/([^/]+)")


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceBulkError:
    """One failed item of a bulk upload: ``code``, ``detail`` and where (``source``).

    :attr:`idempotency_key` names the item: the per-item key sent with its file.
    """

    code: str | None = None
    detail: str | None = None
    source: tuple[SupplierInvoiceBulkErrorSource, ...] = ()

    @property
    def idempotency_key(self) -> str | None:
        for source in self.source:
            match = _KEY_POINTER.match(source.pointer or "")
            if match:
                return match.group(1)
        return None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceBulkResult:
    """What ``POST /v2/supplier_invoices/bulk`` answered: the invoices created and the items that failed.

    **Always check** :attr:`errors` (or :attr:`ok`): Qonto answers 200 even when every file failed.
    """

    supplier_invoices: tuple[SupplierInvoice, ...] = ()
    errors: tuple[SupplierInvoiceBulkError, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no item failed."""
        return not self.errors

    @property
    def failed_keys(self) -> tuple[str, ...]:
        """The per-item idempotency keys of the failed items (those Qonto's errors name)."""
        return tuple(key for key in (e.idempotency_key for e in self.errors) if key is not None)


def _upload_file(value: object) -> UploadFile:
    if not isinstance(value, UploadFile):
        raise ConfigurationError(
            f"file must be an UploadFile (UploadFile.from_path(...) or UploadFile.from_bytes(...)), "
            f"got {type(value).__name__}."
        )
    return value


def _item_key(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(
            f"idempotency_key must be a non-empty string without surrounding whitespace, got {value!r}."
        )
    return value


def _new_key() -> str:
    return str(uuid.uuid4())


@attrs.frozen(kw_only=True, weakref_slot=False)
class SupplierInvoiceUpload:
    """One file of a supplier-invoice bulk upload and its **per-item** idempotency key (what you send).

    Qonto creates at most one invoice per key (OpenAPI: "used by Qonto to prevent performing the same operation
    twice"). A random UUIDv4 is drawn when no key is given; pass your own stable key (e.g. your document id) to
    make a whole re-run safe too. The ``file`` is an :class:`~qonto_async.UploadFile` (PDF, JPEG or PNG).
    """

    file: UploadFile = attrs.field(converter=_upload_file)
    idempotency_key: str = attrs.field(factory=_new_key, converter=_item_key)
