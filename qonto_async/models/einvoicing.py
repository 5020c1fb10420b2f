"""E-invoicing settings (qonto-api.md §3.1 row 47)."""

import attrs

__all__ = ["EinvoicingSettings"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class EinvoicingSettings:
    """Whether the organization sends and receives e-invoices. Qonto's example shows ``enabled`` and
    ``pending_creation``; other values are kept as text. Unsupported countries get the default settings."""

    sending_status: str | None = None
    receiving_status: str | None = None
