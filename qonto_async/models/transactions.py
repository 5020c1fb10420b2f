"""Transactions: ``GET /v2/transactions`` and ``GET /v2/transactions/{id}``, with what ``includes[]`` embeds.

Enum-typed fields read ``TheEnum | str``: Qonto adds values without notice, and an unknown value is kept as the
plain string it arrived as (qonto-api.md §15).
"""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

__all__ = [
    "Attachment",
    "CashflowCategory",
    "CheckDetails",
    "CounterpartyDetails",
    "DirectDebitHoldDetails",
    "FinancingInstallmentDetails",
    "Label",
    "OperationType",
    "PagopaPaymentDetails",
    "ProbativeAttachment",
    "ProbativeAttachmentStatus",
    "SubjectType",
    "Transaction",
    "TransactionCategory",
    "TransactionLogo",
    "TransactionSide",
    "TransactionStatus",
    "VatDetailItem",
    "VatDetails",
]


class TransactionSide(enum.StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"


class TransactionStatus(enum.StrEnum):
    PENDING = "pending"
    DECLINED = "declined"
    COMPLETED = "completed"
    # Not a `status[]` filter value, but the OpenAPI document names it among the states without `settled_at`.
    REVERSED = "reversed"


class OperationType(enum.StrEnum):
    """``operation_type``, as listed by Qonto's OpenAPI document (the list is open: qonto-api.md §5)."""

    INCOME = "income"
    TRANSFER = "transfer"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"
    DIRECT_DEBIT_COLLECTION = "direct_debit_collection"
    DIRECT_DEBIT_HOLD = "direct_debit_hold"
    QONTO_FEE = "qonto_fee"
    CHEQUE = "cheque"
    RECALL = "recall"
    SWIFT_INCOME = "swift_income"
    PAY_LATER = "pay_later"
    FINANCING_INSTALLMENT = "financing_installment"
    OTHER = "other"


class SubjectType(enum.StrEnum):
    """``subject_type``: which nested detail object (``transfer``, ``income``...) the transaction carries.

    Qonto's own examples also send lower-case values such as ``"transfer"``, which stay plain strings.
    """

    CARD = "Card"
    TRANSFER = "Transfer"
    INCOME = "Income"
    DIRECT_DEBIT = "DirectDebit"
    DIRECT_DEBIT_COLLECTION = "DirectDebitCollection"
    DIRECT_DEBIT_HOLD = "DirectDebitHold"
    WALLET_TO_WALLET = "WalletToWallet"
    CHECK = "Check"
    SWIFT_INCOME = "SwiftIncome"
    PAGOPA_PAYMENT = "PagopaPayment"
    F24_PAYMENT = "F24Payment"
    BILLING_TRANSFER = "BillingTransfer"
    FINANCING_INCOME = "FinancingIncome"
    FINANCING_INSTALLMENT = "FinancingInstallment"
    OTHER = "Other"


class TransactionCategory(enum.StrEnum):
    RESTAURANT_AND_BAR = "restaurant_and_bar"
    FOOD_AND_GROCERY = "food_and_grocery"
    TRANSPORT = "transport"
    GAS_STATION = "gas_station"
    HOTEL_AND_LODGING = "hotel_and_lodging"
    IT_AND_ELECTRONICS = "it_and_electronics"
    HARDWARE_AND_EQUIPMENT = "hardware_and_equipment"
    OFFICE_SUPPLY = "office_supply"
    OFFICE_RENTAL = "office_rental"
    UTILITY = "utility"
    INSURANCE = "insurance"
    LOGISTICS = "logistics"
    ONLINE_SERVICE = "online_service"
    LEGAL_AND_ACCOUNTING = "legal_and_accounting"
    FINANCE = "finance"
    TAX = "tax"
    SALARY = "salary"
    MARKETING = "marketing"
    MANUFACTURING = "manufacturing"
    ATM = "atm"
    OTHER_SERVICE = "other_service"
    OTHER_EXPENSE = "other_expense"
    TREASURY_AND_INTERCO = "treasury_and_interco"
    SALES = "sales"
    OTHER_INCOME = "other_income"
    REFUND = "refund"
    FEES = "fees"
    SUBSCRIPTION = "subscription"
    VOUCHER = "voucher"
    FALLBACK = "fallback"
    PENDING = "pending"


class ProbativeAttachmentStatus(enum.StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


@attrs.frozen(kw_only=True, weakref_slot=False)
class Label:
    """A custom label; labels form lists through ``parent_id``."""

    id: str
    name: str | None = None
    parent_id: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ProbativeAttachment:
    """The certified (PAdES) copy of an attachment, when Qonto has made one."""

    status: ProbativeAttachmentStatus | str | None = None
    file_name: str | None = None
    file_content_type: str | None = None
    file_size: int | None = None
    url: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Attachment:
    """A file attached to a transaction.

    ``url`` is a pre-signed S3 URL valid for 30 minutes: fetch it without any Qonto header (qonto-api.md §12).
    ``file_size`` is sent as a string of digits and decoded to an ``int``.
    """

    id: str
    created_at: datetime | None = None
    file_name: str | None = None
    file_size: int | None = None
    file_content_type: str | None = None
    url: str | None = None
    probative_attachment: ProbativeAttachment | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class VatDetailItem:
    """One VAT line. Qonto sends every value here as a string; ``rate`` may be ``-1`` for an uncategorized rate."""

    amount: Decimal | None = None
    amount_cents: int | None = None
    amount_excluding_vat: Decimal | None = None
    amount_excluding_vat_cents: int | None = None
    rate: Decimal | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class VatDetails:
    items: tuple[VatDetailItem, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class TransactionLogo:
    small: str | None = None
    medium: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CashflowCategory:
    name: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CounterpartyDetails:
    """The counterparty of a transfer, income, SWIFT income, direct debit or direct debit collection.

    The formats are e.g. ``IBAN``/``SWIFT_BIC`` (``unstructured``/``sort_code`` for SWIFT incomes); all four fields
    may be empty for transactions of external accounts.
    """

    counterparty_account_number: str | None = None
    counterparty_account_number_format: str | None = None
    counterparty_bank_identifier: str | None = None
    counterparty_bank_identifier_format: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CheckDetails:
    check_number: str | None = None
    check_key: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class FinancingInstallmentDetails:
    total_installments_number: int | None = None
    current_installment_number: int | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PagopaPaymentDetails:
    notice_number: str | None = None
    creditor_fiscal_code: str | None = None
    iuv: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class DirectDebitHoldDetails:
    guarding_rate: Decimal | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Transaction:
    """A movement on a bank account.

    Amounts come twice: a ``Decimal`` in major units and an ``int`` in cents (qonto-api.md §11). ``settled_at`` is
    ``None`` until the transaction is completed. ``labels``, ``attachments`` and ``vat_details`` are ``None``
    unless requested with ``includes``; at most one of the detail objects (``transfer``, ``income``...) is set,
    the one that ``subject_type`` names.
    """

    id: str
    transaction_id: str | None = None
    bank_account_id: str | None = None
    status: TransactionStatus | str | None = None
    side: TransactionSide | str | None = None
    operation_type: OperationType | str | None = None
    subject_type: SubjectType | str | None = None
    amount: Decimal | None = None
    amount_cents: int | None = None
    currency: str | None = None
    local_amount: Decimal | None = None
    local_amount_cents: int | None = None
    local_currency: str | None = None
    settled_balance: Decimal | None = None
    settled_balance_cents: int | None = None
    vat_amount: Decimal | None = None
    vat_amount_cents: int | None = None
    # -1 means an uncategorized rate or several rates (OpenAPI `vat_rate` description).
    vat_rate: Decimal | None = None
    label: str | None = None
    clean_counterparty_name: str | None = None
    note: str | None = None
    reference: str | None = None
    category: TransactionCategory | str | None = None
    cashflow_category: CashflowCategory | None = None
    cashflow_subcategory: CashflowCategory | None = None
    logo: TransactionLogo | None = None
    emitted_at: datetime | None = None
    settled_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    initiator_id: str | None = None
    card_last_digits: str | None = None
    is_external_transaction: bool | None = None
    attachment_lost: bool | None = None
    attachment_required: bool | None = None
    attachment_ids: tuple[str, ...] = ()
    label_ids: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] | None = None
    labels: tuple[Label, ...] | None = None
    vat_details: VatDetails | None = None
    transfer: CounterpartyDetails | None = None
    income: CounterpartyDetails | None = None
    swift_income: CounterpartyDetails | None = None
    direct_debit: CounterpartyDetails | None = None
    direct_debit_collection: CounterpartyDetails | None = None
    direct_debit_hold: DirectDebitHoldDetails | None = None
    check: CheckDetails | None = None
    financing_installment: FinancingInstallmentDetails | None = None
    pagopa_payment: PagopaPaymentDetails | None = None
