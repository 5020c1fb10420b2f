"""Frozen attrs models of Qonto's resources; :mod:`qonto_async.serde` turns JSON into them."""

from qonto_async.models.bank_accounts import BankAccount, BankAccountStatus
from qonto_async.models.common import PageMeta
from qonto_async.models.internal_transfers import InternalTransfer, InternalTransferStatus
from qonto_async.models.memberships import Membership, MembershipRole
from qonto_async.models.organization import Organization
from qonto_async.models.statements import Statement, StatementFile
from qonto_async.models.transactions import (
    Attachment,
    CashflowCategory,
    CheckDetails,
    CounterpartyDetails,
    DirectDebitHoldDetails,
    FinancingInstallmentDetails,
    Label,
    OperationType,
    PagopaPaymentDetails,
    ProbativeAttachment,
    ProbativeAttachmentStatus,
    SubjectType,
    Transaction,
    TransactionCategory,
    TransactionLogo,
    TransactionSide,
    TransactionStatus,
    VatDetailItem,
    VatDetails,
)

__all__ = [
    "Attachment",
    "BankAccount",
    "BankAccountStatus",
    "CashflowCategory",
    "CheckDetails",
    "CounterpartyDetails",
    "DirectDebitHoldDetails",
    "FinancingInstallmentDetails",
    "InternalTransfer",
    "InternalTransferStatus",
    "Label",
    "Membership",
    "MembershipRole",
    "OperationType",
    "Organization",
    "PageMeta",
    "PagopaPaymentDetails",
    "ProbativeAttachment",
    "ProbativeAttachmentStatus",
    "Statement",
    "StatementFile",
    "SubjectType",
    "Transaction",
    "TransactionCategory",
    "TransactionLogo",
    "TransactionSide",
    "TransactionStatus",
    "VatDetailItem",
    "VatDetails",
]
