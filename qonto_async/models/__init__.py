"""Frozen attrs models of Qonto's resources; :mod:`qonto_async.serde` turns JSON into them."""

from qonto_async.models.bank_accounts import BankAccount, BankAccountStatus
from qonto_async.models.beneficiaries import SepaBeneficiary, SepaBeneficiaryStatus
from qonto_async.models.common import PageMeta
from qonto_async.models.internal_transfers import InternalTransfer, InternalTransferStatus
from qonto_async.models.memberships import Membership, MembershipRole
from qonto_async.models.organization import Organization
from qonto_async.models.requests import (
    ApprovalRequest,
    ApprovalRequestStatus,
    ApprovalRequestType,
    TransferRecurrence,
)
from qonto_async.models.sca import ScaResult, ScaSession
from qonto_async.models.statements import Statement, StatementFile
from qonto_async.models.subscription import MonthlyPrice, Subscription, SubscriptionPlan
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
    "ApprovalRequest",
    "ApprovalRequestStatus",
    "ApprovalRequestType",
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
    "MonthlyPrice",
    "OperationType",
    "Organization",
    "PageMeta",
    "PagopaPaymentDetails",
    "ProbativeAttachment",
    "ProbativeAttachmentStatus",
    "ScaResult",
    "ScaSession",
    "SepaBeneficiary",
    "SepaBeneficiaryStatus",
    "Statement",
    "StatementFile",
    "SubjectType",
    "Subscription",
    "SubscriptionPlan",
    "Transaction",
    "TransactionCategory",
    "TransactionLogo",
    "TransactionSide",
    "TransactionStatus",
    "TransferRecurrence",
    "VatDetailItem",
    "VatDetails",
]
