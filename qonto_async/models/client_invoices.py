"""Client invoices (qonto-api.md §3.1 rows 30-39, §3.2 B25-B26).

Money objects are :class:`~qonto_async.models.Money` (``{"value": "12.52", "currency": "EUR"}``, a ``Decimal``
value); the ``*_cents`` integers are kept beside them. **VAT rates are fractions** on invoices: ``vat_rate`` is
``Decimal("0.2")`` for 20 % (qonto-api.md §11), as are the Italian welfare-fund and withholding-tax rates and a
``percentage`` discount's ``value``. Date-only fields (``issue_date``, ``due_date``...) are ``date``; timestamps are
aware ``datetime`` values and may carry an offset (``2022-03-04T17:58:30+02:00``, §11).

Items, discounts, the printed client and organization and the Italian tax objects are the shapes quotes use
(:mod:`qonto_async.models.quotes`): :class:`~qonto_async.models.InvoiceItemInput` is what a caller sends.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from qonto_async.models.common import Money
from qonto_async.models.quotes import (
    InvoiceItem,
    InvoicingClient,
    InvoicingOrganization,
    WelfareFund,
    WithholdingTax,
)

__all__ = [
    "ClientInvoice",
    "ClientInvoiceStatus",
    "ClientInvoiceUpload",
    "EinvoicingLifecycleEvent",
    "ImportedClientInvoice",
    "InvoicePaymentMethod",
    "InvoicePaymentReporting",
]


class ClientInvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    UNPAID = "unpaid"
    PAID = "paid"
    CANCELED = "canceled"


# --- what Qonto returns --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoicePaymentMethod:
    beneficiary_name: str | None = None
    bic: str | None = None
    iban: str | None = None
    type: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InvoicePaymentReporting:
    """Italian organizations only: payment ``conditions`` (``TP01``...) and ``method`` (``MP01``...)."""

    conditions: str | None = None
    method: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class EinvoicingLifecycleEvent:
    status_code: int | None = None
    reason: str | None = None
    reason_message: str | None = None
    timestamp: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientInvoice:
    """A client invoice (``GET /v2/client_invoices/{id}``). ``status``: draft, unpaid, paid or canceled."""

    id: str
    organization_id: str | None = None
    number: str | None = None
    purchase_order: str | None = None
    status: ClientInvoiceStatus | str | None = None
    invoice_url: str | None = None
    contact_email: str | None = None
    terms_and_conditions: str | None = None
    discount_conditions: str | None = None
    late_payment_penalties: str | None = None
    legal_fixed_compensation: str | None = None
    header: str | None = None
    footer: str | None = None
    currency: str | None = None
    total_amount: Money | None = None
    total_amount_cents: int | None = None
    vat_amount: Money | None = None
    vat_amount_cents: int | None = None
    issue_date: date | None = None
    due_date: date | None = None
    performance_start_date: date | None = None
    performance_end_date: date | None = None
    created_at: datetime | None = None
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    stamp_duty_amount: Decimal | None = None
    items: tuple[InvoiceItem, ...] = ()
    client: InvoicingClient | None = None
    payment_methods: tuple[InvoicePaymentMethod, ...] = ()
    credit_notes_ids: tuple[str, ...] = ()
    organization: InvoicingOrganization | None = None
    invoice_type: str | None = None
    attachment_id: str | None = None
    einvoicing_status: str | None = None
    welfare_fund: WelfareFund | None = None
    withholding_tax: WithholdingTax | None = None
    payment_reporting: InvoicePaymentReporting | None = None
    einvoicing_lifecycle_events: tuple[EinvoicingLifecycleEvent, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class ImportedClientInvoice:
    """One file of a bulk import (``POST /v2/client_invoices/bulk``) and the invoice it became (or already was:
    re-importing the same file answers the existing ``invoice_id``)."""

    invoice_id: str
    file_name: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientInvoiceUpload:
    """A file uploaded for invoices or quotes (``POST /v2/client_invoices/uploads``). ``url`` is pre-signed."""

    id: str
    organization_id: str | None = None
    filename: str | None = None
    content_type: str | None = None
    file_size: int | None = None
    url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
