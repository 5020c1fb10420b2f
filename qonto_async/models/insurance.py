"""Insurance contracts (qonto-api.md §3.1 rows 50-54): create, get, update, and their PDF documents.

``price`` is a :class:`~qonto_async.models.Money` (``{"value": "99.99", "currency": "EUR"}``, a ``Decimal`` value,
qonto-api.md §11).
"""

import enum
from datetime import date

import attrs

from qonto_async.models.common import Money

__all__ = [
    "InsuranceContract",
    "InsuranceContractOrigin",
    "InsuranceContractStatus",
    "InsuranceDocument",
    "InsurancePaymentFrequency",
]


class InsuranceContractOrigin(enum.StrEnum):
    INSURANCE_HUB = "insurance_hub"
    QONTO_OTHER = "qonto_other"
    STELLO = "stello"


class InsuranceContractStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING_PAYMENT = "pending_payment"
    PENDING_OTHERS = "pending_others"
    ACTION_REQUIRED = "action_required"
    EXPIRED = "expired"
    ARCHIVED = "archived"


class InsurancePaymentFrequency(enum.StrEnum):
    """``payment_frequency``: the OpenAPI document lists month, quarter and annual; the 2026 Postman export also
    shows semester."""

    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    ANNUAL = "annual"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InsuranceDocument:
    """A PDF attached to a contract (``POST /v2/insurance_contracts/{id}/attachments`` returns one)."""

    id: str
    name: str | None = None
    type: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InsuranceContract:
    """An insurance contract a partner registered for the organization.

    ``renewal_date`` is the 2026 Postman export's name; the January 2025 OpenAPI document says ``renew_date``,
    which is read too. ``documents`` is only in ``GET /v2/insurance_contracts/{id}``'s answer.
    """

    id: str
    name: str | None = None
    contract_id: str | None = None
    origin: InsuranceContractOrigin | str | None = None
    provider_slug: str | None = None
    type: str | None = None
    status: InsuranceContractStatus | str | None = None
    troubleshooting_url: str | None = None
    service_url: str | None = None
    expiration_date: date | None = None
    start_date: date | None = None
    renewal_date: date | None = None
    renew_date: date | None = None
    payment_frequency: InsurancePaymentFrequency | str | None = None
    price: Money | None = None
    documents: tuple[InsuranceDocument, ...] = ()
