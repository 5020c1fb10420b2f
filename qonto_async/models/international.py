"""International transfers (``/v2/international/*``, beta): eligibility, currencies, quotes, beneficiaries,
requirements and transfers (qonto-api.md §3.1 rows 56-65).

Amounts here are money objects, ``{"currency": "USD", "value": "110.00"}`` with a decimal string
(qonto-api.md §11, representation 2): :class:`Money` keeps the value as ``Decimal``. A quote's ``rate`` is a JSON
number in Qonto's examples (``1.1``); it decodes to ``Decimal`` too, never ``float``.

The two *requirements* endpoints describe a form to fill in (fields, their types, validation rules, allowed
values). Qonto's docs show the same shape for both; the values a field may take and its ``type`` are open lists,
so unknown values are kept as plain strings and unknown keys are ignored.
"""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from qonto_async.models.common import Money

__all__ = [
    "InternationalBeneficiary",
    "InternationalBeneficiaryResult",
    "InternationalCurrency",
    "InternationalEligibility",
    "InternationalEligibilityReason",
    "InternationalEligibilityStatus",
    "InternationalQuote",
    "InternationalQuoteFees",
    "InternationalQuoteStatus",
    "InternationalRequirement",
    "InternationalRequirementField",
    "InternationalRequirementFieldGroup",
    "InternationalRequirementFieldType",
    "InternationalRequirementValue",
    "InternationalTransfer",
    "InternationalTransferStatus",
]


class InternationalEligibilityStatus(enum.StrEnum):
    """``eligible``: a string, not a boolean (docs.qonto.com, check-eligibility)."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


class InternationalEligibilityReason(enum.StrEnum):
    """Why an organization is not eligible; informative only (docs.qonto.com, check-eligibility)."""

    FLEX_KYB_NOT_APPROVED = "flex_kyb_not_approved"
    KYB_NOT_APPROVED = "kyb_not_approved"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalEligibility:
    """``GET /v2/international/eligibility``: the body itself, not wrapped in a root key.

    ``eligible`` is ``"eligible"`` or ``"ineligible"`` (compare with :class:`InternationalEligibilityStatus`);
    ``reason`` may be present even when eligible (Qonto's own example pairs ``eligible`` with
    ``kyb_not_approved``), so read ``eligible`` first.
    """

    eligible: InternationalEligibilityStatus | str
    reason: InternationalEligibilityReason | str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalCurrency:
    """A currency reachable from the ``source`` currency; lower ``suggestion_priority`` first (a UI hint)."""

    currency_code: str
    country_code: str | None = None
    suggestion_priority: int | None = None


class InternationalQuoteStatus(enum.StrEnum):
    """The statuses Qonto's examples show; others (unknown to the docs) stay plain strings."""

    PENDING = "PENDING"
    FUNDED = "FUNDED"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalQuoteFees:
    """A quote's fees: ``total_amount`` and one :class:`Money` per fee in ``details``.

    One version of Qonto's docs shows ``fees`` as a bare money object instead (``{"currency": "EUR", "value":
    "10.10"}``); that shape fills ``currency`` / ``value`` and leaves the rest empty. :attr:`total` reads either.
    """

    total_amount: Money | None = None
    details: tuple[Money, ...] = ()
    currency: str | None = None
    value: Decimal | None = None

    @property
    def total(self) -> Money | None:
        if self.total_amount is not None:
            return self.total_amount
        if self.value is None and self.currency is None:
            return None
        return Money(value=self.value, currency=self.currency)


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalQuote:
    """An exchange quote: amounts on both sides, the ``rate`` (``Decimal``) and the fees.

    Quotes expire (``expired_at``): Qonto then generates a new one when the transfer is created, with a rate and
    fees that may differ. Creating or updating a beneficiary may also return a new quote: use that one.
    """

    id: str
    status: InternationalQuoteStatus | str | None = None
    created_at: datetime | None = None
    expired_at: datetime | None = None
    source_amount: Money | None = None
    target_amount: Money | None = None
    rate: Decimal | None = None
    fees: InternationalQuoteFees | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalBeneficiary:
    """An international beneficiary (the recipient of international transfers in ``currency``)."""

    id: str
    name: str | None = None
    country: str | None = None
    currency: str | None = None
    payment_type: str | None = None
    account_identifier: str | None = None
    bank_identifier: str | None = None
    branch_identifier: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalBeneficiaryResult:
    """What creating or updating a beneficiary returns: the beneficiary, a (possibly new) quote, and the
    ``target_account_id`` that the transfer requirements and the transfer itself take."""

    beneficiary: InternationalBeneficiary
    quote: InternationalQuote | None = None
    target_account_id: str | None = None


class InternationalRequirementFieldType(enum.StrEnum):
    """How a requirement field is filled in: free ``text``, a ``date``, or one of ``values_allowed``."""

    TEXT = "text"
    DATE = "date"
    SELECT = "select"
    RADIO = "radio"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalRequirementValue:
    """One allowed value of a ``select`` / ``radio`` field: send ``key``, show ``value``."""

    key: str | None = None
    value: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalRequirementField:
    """One input of a requirements form.

    Send the user's answer in ``details`` under ``key``; a dotted key (``address.city``) is a nested object
    (``{"address": {"city": ...}}``). When ``refresh_requirements_on_change`` is true, call the requirements
    endpoint again with the answer: the form may change. ``validation_regexp``, ``min_length`` and
    ``max_length`` are the checks Qonto applies.
    """

    key: str | None = None
    name: str | None = None
    type: InternationalRequirementFieldType | str | None = None
    refresh_requirements_on_change: bool | None = None
    required: bool | None = None
    display_format: str | None = None
    example: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    validation_regexp: str | None = None
    values_allowed: tuple[InternationalRequirementValue, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalRequirementFieldGroup:
    """A labelled group of fields (``name``, e.g. "Transfer purpose") shown together."""

    name: str | None = None
    group: tuple[InternationalRequirementField, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalRequirement:
    """One set of requirements.

    For beneficiaries, each item is a payment method (``type``, e.g. ``swift_code``): pick one, send it as
    ``payload.type``. For transfers, there is at most one item (``type`` ``transfer``); an empty list means that
    nothing more is needed.
    """

    type: str | None = None
    fields: tuple[InternationalRequirementFieldGroup, ...] = ()


class InternationalTransferStatus(enum.StrEnum):
    """The status Qonto's examples show; another version of the docs says ``TRANSACTION_STATUS_PROCESSING``,
    which (like any unknown value) stays a plain string."""

    PROCESSING = "PROCESSING"


@attrs.frozen(kw_only=True, weakref_slot=False)
class InternationalTransfer:
    """The international transfer created."""

    id: str
    beneficiary_id: str | None = None
    bank_account_id: str | None = None
    source_amount: Money | None = None
    target_amount: Money | None = None
    status: InternationalTransferStatus | str | None = None
