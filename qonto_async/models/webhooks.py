"""Webhooks (qonto-api.md §10): subscriptions (``/v2/webhook_subscriptions``) and the events Qonto delivers.

Every delivery is an envelope ``{id, subscription_id, organization_id, membership_id, type, created_at, data}``;
:func:`qonto_async.webhooks.parse_event` turns it into the event class of its ``type`` (``TransactionEvent`` for
``v1/transactions``...), or :class:`UnknownEvent` for a type this version does not know. ``data.event`` says what
happened (``created``, ``updated``, ``deleted``, ``suspended``, ``authorized``, ``refused``...): it is kept as a
plain string, since Qonto adds values without notice.

The payload fields follow the examples of docs.qonto.com's "Supported webhooks" pages; every field is optional and
unknown fields are ignored, and the whole parsed body stays available as ``event.raw``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from qonto_async.models.common import Money
from qonto_async.models.memberships import MembershipRole
from qonto_async.models.terminals import metadata_object
from qonto_async.models.transactions import OperationType, TransactionSide, TransactionStatus

__all__ = [
    "AccountEvent",
    "AccountWebhookData",
    "BeneficiaryEvent",
    "BeneficiaryWebhookData",
    "CardEvent",
    "CardWebhookData",
    "ClientEvent",
    "ClientInvoiceEvent",
    "ClientInvoiceWebhookData",
    "ClientWebhookData",
    "ConsentRevocationEvent",
    "ConsentRevocationWebhookData",
    "MembershipEvent",
    "MembershipWebhookData",
    "OrganizationEvent",
    "OrganizationWebhookData",
    "PaymentLinkConnectionEvent",
    "PaymentLinkConnectionWebhookData",
    "PaymentLinkEvent",
    "PaymentLinkResourceMetadata",
    "PaymentLinkWebhookData",
    "TerminalPaymentEvent",
    "TerminalPaymentWebhookData",
    "TransactionEvent",
    "TransactionWebhookData",
    "UnknownEvent",
    "WebhookAddress",
    "WebhookBankAccount",
    "WebhookCounterparty",
    "WebhookEvent",
    "WebhookPhone",
    "WebhookSubscription",
]


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookSubscription:
    """A subscription: where Qonto POSTs the events of ``types``.

    ``secret`` (the HMAC key of the ``X-Qonto-Signature`` header) is only in the answer to the create call, never
    in a GET; it is hidden from ``repr``. Store it where the receiver can read it.
    """

    id: str
    organization_id: str | None = None
    membership_id: str | None = None
    callback_url: str | None = None
    types: tuple[str, ...] = ()
    description: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    secret: str | None = attrs.field(default=None, repr=False)


# --- Event payloads (the ``data`` object) ----------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookCounterparty:
    """The counterparty account of a ``v1/transactions`` payload (``transfer``, ``income``, ``direct_debit``...)."""

    counterparty_account_number: str | None = None
    counterparty_account_number_format: str | None = None
    counterparty_bank_identifier: str | None = None
    counterparty_bank_identifier_format: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookBankAccount:
    """The bank account a ``v1/transactions`` payload may embed."""

    id: str | None = None
    iban: str | None = None
    bic: str | None = None
    name: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class TransactionWebhookData:
    """``v1/transactions`` (scope ``organization.read``): a transaction was created or updated.

    Amounts are ``Decimal``: Qonto's examples send them as JSON numbers (``50.01``) in one place and as strings
    (``"50.00"``) in another (qonto-api.md §10); both read the same. ``id`` is the transaction's id, as in
    ``GET /v2/transactions/{id}``.
    """

    event: str | None = None
    id: str | None = None
    transaction_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    local_amount: Decimal | None = None
    local_currency: str | None = None
    side: TransactionSide | str | None = None
    settled_balance: Decimal | None = None
    operation_type: OperationType | str | None = None
    status: TransactionStatus | str | None = None
    label: str | None = None
    clean_counterparty_name: str | None = None
    note: str | None = None
    reference: str | None = None
    settled_at: datetime | None = None
    emitted_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    attachment_ids: tuple[str, ...] = ()
    subject_type: str | None = None
    bank_account_id: str | None = None
    bank_account: WebhookBankAccount | None = None
    card_last_digits: str | None = None
    transfer: WebhookCounterparty | None = None
    income: WebhookCounterparty | None = None
    swift_income: WebhookCounterparty | None = None
    direct_debit: WebhookCounterparty | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class AccountWebhookData:
    """``v1/accounts``: a business account changed.

    docs.qonto.com lists the type but shows no payload (qonto-api.md §10): these fields mirror
    ``GET /v2/bank_accounts`` and are UNCONFIRMED; read ``event.raw`` for anything else.
    """

    event: str | None = None
    id: str | None = None
    name: str | None = None
    status: str | None = None
    iban: str | None = None
    bic: str | None = None
    currency: str | None = None
    balance: Decimal | None = None
    balance_cents: int | None = None
    authorized_balance: Decimal | None = None
    authorized_balance_cents: int | None = None
    main: bool | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class OrganizationWebhookData:
    """``v1/organizations``: the organization changed (e.g. ``event="suspended"``)."""

    event: str | None = None
    id: str | None = None
    legal_name: str | None = None
    slug: str | None = None
    locale: str | None = None
    legal_country: str | None = None
    legal_form: str | None = None
    legal_sector: str | None = None
    legal_number: str | None = None
    legal_registration_date: date | None = None
    legal_share_capital: Decimal | None = None
    contract_signed_at: datetime | None = None
    status: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class MembershipWebhookData:
    """``v1/memberships``: a member of the organization was added, changed or removed."""

    event: str | None = None
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    position: str | None = None
    status: str | None = None
    role: MembershipRole | str | None = None
    locale: str | None = None
    team_id: str | None = None
    kyc_status: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ConsentRevocationWebhookData:
    """``v1/consent-revocations``: the user revoked your app's access (qonto-api.md §2.2). No ``data.event``.

    Stop using (and delete) the tokens of that organization: every call will now answer 401.
    """

    client_id: str | None = None
    revoked_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardWebhookData:
    """``v1/cards``: a card was created or changed. Limits are ``Decimal`` (decimal strings on the wire).

    ``discarded_at`` stays a string: Qonto's own example sends ``"2022-11-31"``, which is no calendar date.
    """

    event: str | None = None
    id: str | None = None
    nickname: str | None = None
    status: str | None = None
    masked_pan: str | None = None
    exp_month: str | None = None
    exp_year: str | None = None
    atm_option: bool | None = None
    nfc_option: bool | None = None
    online_option: bool | None = None
    foreign_option: bool | None = None
    atm_daily_limit: Decimal | None = None
    atm_daily_limit_option: bool | None = None
    atm_monthly_limit: Decimal | None = None
    payment_monthly_limit: Decimal | None = None
    payment_daily_limit: Decimal | None = None
    payment_daily_limit_option: bool | None = None
    payment_transaction_limit: Decimal | None = None
    payment_transaction_limit_option: bool | None = None
    payment_lifespan_limit: Decimal | None = None
    active_days: tuple[int, ...] = ()
    holder_id: str | None = None
    bank_account_id: str | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    card_type: str | None = None
    card_level: str | None = None
    category_tags: tuple[str, ...] = ()
    renewal: bool | None = None
    upsell: bool | None = None
    discarded_at: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkResourceMetadata:
    """What a payment link was made for (``invoice_number`` for an invoice)."""

    invoice_number: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkWebhookData:
    """``v1/payment-links`` (scope ``payment_link.read``): a payment link was created or changed status."""

    event: str | None = None
    payment_link_id: str | None = None
    status: str | None = None
    amount: Money | None = None
    potential_payment_methods: tuple[str, ...] = ()
    latest_payment_method_used: str | None = None
    resource_id: str | None = None
    resource_type: str | None = None
    resource_metadata: PaymentLinkResourceMetadata | None = None
    expired_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkConnectionWebhookData:
    """``v1/payment-links-connections``: the payment-link provider connection changed (e.g.
    ``event="connection_enabled"``)."""

    event: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class BeneficiaryWebhookData:
    """``v1/beneficiaries``: a SEPA beneficiary was created, updated or deleted."""

    event: str | None = None
    id: str | None = None
    name: str | None = None
    status: str | None = None
    iban: str | None = None
    bic: str | None = None
    trusted: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookPhone:
    country_code: str | None = None
    number: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookAddress:
    street_address: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country_code: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientWebhookData:
    """``v1/clients``: an invoicing client was created, updated or deleted."""

    event: str | None = None
    id: str | None = None
    kind: str | None = None
    type: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    extra_emails: tuple[str, ...] = ()
    phone: WebhookPhone | None = None
    phone_number: str | None = None
    tax_identification_number: str | None = None
    vat_number: str | None = None
    locale: str | None = None
    currency: str | None = None
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    country_code: str | None = None
    billing_address: WebhookAddress | None = None
    delivery_address: WebhookAddress | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientInvoiceWebhookData:
    """``v1/client-invoices`` (scope ``client_invoices.read``): a client invoice was created or updated.

    The payload is a whole client invoice; the summary fields are typed here, the rest (items, addresses...) is in
    ``event.raw["data"]``.
    """

    event: str | None = None
    id: str | None = None
    number: str | None = None
    purchase_order: str | None = None
    status: str | None = None
    contact_email: str | None = None
    currency: str | None = None
    total_amount: Money | None = None
    vat_amount: Money | None = None
    issue_date: date | None = None
    due_date: date | None = None
    performance_start_date: date | None = None
    performance_end_date: date | None = None
    created_at: datetime | None = None
    finalized_at: datetime | None = None
    paid_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class TerminalPaymentWebhookData:
    """``v1/terminal-payments`` (scope ``terminal.read``): ``event`` is ``authorized`` or ``refused``.

    ``authorized_amount`` may exceed ``amount`` when a tip was added (``tip_amount``); a refusal carries
    ``failure_reason``. ``metadata`` is what the payment was started with, kept as sent: Qonto's example gives it
    JSON-encoded in a string, while ``terminals.create_payment`` sends (and ``get_payment`` returns) a JSON object;
    :attr:`metadata_object` gives a dict in both cases.
    """

    event: str | None = None
    id: str | None = None
    terminal_id: str | None = None
    poi_id: str | None = None
    amount: Money | None = None
    authorized_amount: Money | None = None
    tip_amount: Money | None = None
    payment_method: str | None = None
    card_summary: str | None = None
    # Mapping[str, Any] | str | None: typed Any since the decoder passes an Any field through as sent.
    metadata: Any = None
    failure_reason: str | None = None
    created_at: datetime | None = None
    authorized_at: datetime | None = None

    @property
    def metadata_object(self) -> dict[str, Any] | None:
        """``metadata`` as a dict (decoded from Qonto's JSON string); None when absent or not a JSON object."""
        return metadata_object(self.metadata)


# --- Events (the envelope) -------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class WebhookEvent:
    """What every delivery carries. ``id`` identifies the **event**: Qonto retries failed deliveries for days and
    may deliver one twice, so deduplicate on it (qonto-api.md §10).

    ``raw`` is the whole parsed body (numbers with a fraction as ``Decimal``), for fields the model lacks.
    """

    id: str
    type: str
    subscription_id: str | None = None
    organization_id: str | None = None
    membership_id: str | None = None
    created_at: datetime | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True, weakref_slot=False)
class TransactionEvent(WebhookEvent):
    """``v1/transactions``."""

    data: TransactionWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class AccountEvent(WebhookEvent):
    """``v1/accounts``."""

    data: AccountWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class OrganizationEvent(WebhookEvent):
    """``v1/organizations``."""

    data: OrganizationWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class MembershipEvent(WebhookEvent):
    """``v1/memberships``."""

    data: MembershipWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class ConsentRevocationEvent(WebhookEvent):
    """``v1/consent-revocations``."""

    data: ConsentRevocationWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class CardEvent(WebhookEvent):
    """``v1/cards``."""

    data: CardWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkEvent(WebhookEvent):
    """``v1/payment-links``."""

    data: PaymentLinkWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class PaymentLinkConnectionEvent(WebhookEvent):
    """``v1/payment-links-connections``."""

    data: PaymentLinkConnectionWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class BeneficiaryEvent(WebhookEvent):
    """``v1/beneficiaries``."""

    data: BeneficiaryWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientInvoiceEvent(WebhookEvent):
    """``v1/client-invoices``."""

    data: ClientInvoiceWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientEvent(WebhookEvent):
    """``v1/clients``."""

    data: ClientWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class TerminalPaymentEvent(WebhookEvent):
    """``v1/terminal-payments``."""

    data: TerminalPaymentWebhookData


@attrs.frozen(kw_only=True, weakref_slot=False)
class UnknownEvent(WebhookEvent):
    """An event of a type this version does not model (e.g. a type Qonto added later): never an error.

    ``data`` is the raw ``data`` object (a dict, or whatever the body held there); ``raw`` the whole body.
    """

    data: Any = None
