"""Credit notes (qonto-api.md §3.1 rows 45-46): read-only corrections of client invoices.

Items, client and the Italian tax objects have the client-invoice shapes (:mod:`qonto_async.models.quotes`);
money is :class:`~qonto_async.models.Money`, VAT rates are fractions (``0.2`` = 20 %).
"""

from datetime import date, datetime
from decimal import Decimal

import attrs

from qonto_async.models.client_invoices import EinvoicingLifecycleEvent
from qonto_async.models.common import Money
from qonto_async.models.quotes import InvoiceItem, InvoicingClient, WelfareFund, WithholdingTax

__all__ = ["CreditNote"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class CreditNote:
    """A credit note. ``invoice_id`` is the client invoice it corrects."""

    id: str
    invoice_id: str | None = None
    attachment_id: str | None = None
    issue_date: date | None = None
    invoice_issue_date: date | None = None
    number: str | None = None
    terms_and_conditions: str | None = None
    header: str | None = None
    footer: str | None = None
    vat_amount: Money | None = None
    vat_amount_cents: int | None = None
    total_amount: Money | None = None
    total_amount_cents: int | None = None
    currency: str | None = None
    created_at: datetime | None = None
    finalized_at: datetime | None = None
    contact_email: str | None = None
    invoice_url: str | None = None
    einvoicing_status: str | None = None
    welfare_fund: WelfareFund | None = None
    withholding_tax: WithholdingTax | None = None
    stamp_duty_amount: Decimal | None = None
    items: tuple[InvoiceItem, ...] = ()
    client: InvoicingClient | None = None
    einvoicing_lifecycle_events: tuple[EinvoicingLifecycleEvent, ...] = ()
