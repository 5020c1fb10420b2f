"""``QontoClient``: the async entry point (DESIGN §1)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypedDict, TypeVar, Unpack

import attrs

from qonto_async.auth._base import AuthStrategy
from qonto_async.auth.oauth import OAuthBearerAuth
from qonto_async.auth.static import StaticKeyAuth
from qonto_async.auth.tokens import FileTokenStore, OAuthToken
from qonto_async.environments import Environment, resolve_environment
from qonto_async.errors import ConfigurationError, CredentialFormatError, ScaRequired
from qonto_async.resources.attachments import AttachmentsResource
from qonto_async.resources.bank_accounts import BankAccountsResource
from qonto_async.resources.beneficiaries import BeneficiariesResource
from qonto_async.resources.cards import CardsResource
from qonto_async.resources.cash_flow import CashFlowCategoriesResource
from qonto_async.resources.client_invoices import ClientInvoicesResource
from qonto_async.resources.clients import ClientsResource
from qonto_async.resources.credit_notes import CreditNotesResource
from qonto_async.resources.direct_debits import DirectDebitsResource
from qonto_async.resources.einvoicing import EinvoicingResource
from qonto_async.resources.embed import EmbedAuthLinksResource, EncodedRequestsResource
from qonto_async.resources.insurance import InsuranceContractsResource
from qonto_async.resources.internal_transfers import InternalTransfersResource
from qonto_async.resources.international import InternationalResource
from qonto_async.resources.labels import LabelsResource
from qonto_async.resources.legacy import LegacyResource
from qonto_async.resources.memberships import MembershipsResource
from qonto_async.resources.oauth import OAuthResource
from qonto_async.resources.organization import OrganizationResource
from qonto_async.resources.payment_links import PaymentLinksResource
from qonto_async.resources.products import ProductsResource
from qonto_async.resources.quotes import QuotesResource
from qonto_async.resources.reminders import RemindersResource
from qonto_async.resources.requests import RequestsResource
from qonto_async.resources.sca import ScaResource
from qonto_async.resources.sepa_transfers import (
    BulkTransfersResource,
    RecurringTransfersResource,
    SepaTransfersResource,
)
from qonto_async.resources.statements import StatementsResource
from qonto_async.resources.supplier_invoices import SupplierInvoicesResource
from qonto_async.resources.teams import TeamsResource
from qonto_async.resources.terminals import TerminalsResource
from qonto_async.resources.transactions import TransactionsResource
from qonto_async.resources.webhooks import WebhookSubscriptionsResource
from qonto_async.retry import RetryPolicy
from qonto_async.sca import ScaPolicy, with_preference
from qonto_async.sca import complete as complete_sca
from qonto_async.sca import monotonic as sca_clock
from qonto_async.session import QontoSession, Request, RequestOptions, Timeout

__all__ = ["QontoClient"]

T = TypeVar("T")

_UNSET: Any = object()


class _Settings(TypedDict, total=False):
    environment: str | Environment
    staging_token: str | None
    organization_id: str | None
    timeout: Timeout | float | None
    retry: RetryPolicy | None
    connection_limit: int
    user_agent: str | None
    sca: ScaPolicy | None


class ClientSettings(_Settings, total=False):
    """Keyword arguments that override ``from_env()`` (all optional), for typed ``**kwargs``."""

    auth: AuthStrategy


class ClientArguments(_Settings):
    """The keyword arguments of :class:`QontoClient`, for ``SyncQontoClient``'s typed ``**kwargs``."""

    auth: AuthStrategy


def _required(name: str, value: str | None, why: str) -> str:
    if value is None:
        raise ConfigurationError(f"{name} is not set ({why}).")
    return value


class QontoClient:
    """The async Qonto Business API client.

    ::

        async with QontoClient(auth=StaticKeyAuth(login=..., secret_key=...)) as qonto:
            org = await qonto.organization.get()

    One client per application, not per request: it owns a connection pool. ``environment`` is
    ``"production"`` (default), ``"sandbox"``, another registered name, or an :class:`Environment`. The sandbox
    requires ``staging_token``; production refuses it. ``organization_id`` sends ``X-Qonto-Organization-Id`` for
    the User OAuth flow (qonto-api.md §2.4).
    """

    organization: OrganizationResource
    bank_accounts: BankAccountsResource
    transactions: TransactionsResource
    oauth: OAuthResource
    labels: LabelsResource
    memberships: MembershipsResource
    internal_transfers: InternalTransfersResource
    international: InternationalResource
    attachments: AttachmentsResource
    statements: StatementsResource
    beneficiaries: BeneficiariesResource
    requests: RequestsResource
    sca: ScaResource
    cash_flow_categories: CashFlowCategoriesResource
    legacy: LegacyResource
    sepa_transfers: SepaTransfersResource
    bulk_transfers: BulkTransfersResource
    recurring_transfers: RecurringTransfersResource
    cards: CardsResource
    teams: TeamsResource
    embed_auth_links: EmbedAuthLinksResource
    encoded_requests: EncodedRequestsResource
    insurance_contracts: InsuranceContractsResource
    payment_links: PaymentLinksResource
    terminals: TerminalsResource
    direct_debits: DirectDebitsResource
    webhook_subscriptions: WebhookSubscriptionsResource
    client_invoices: ClientInvoicesResource
    credit_notes: CreditNotesResource
    einvoicing: EinvoicingResource
    reminders: RemindersResource
    clients: ClientsResource
    quotes: QuotesResource
    products: ProductsResource
    supplier_invoices: SupplierInvoicesResource

    def __init__(
        self,
        *,
        auth: AuthStrategy,
        environment: str | Environment = "production",
        staging_token: str | None = None,
        organization_id: str | None = None,
        timeout: Timeout | float | None = _UNSET,
        retry: RetryPolicy | None = None,
        connection_limit: int = 100,
        user_agent: str | None = None,
        sca: ScaPolicy | None = None,
    ) -> None:
        env = resolve_environment(environment)
        _check_sca(sca, env)
        if auth is None:
            raise ConfigurationError(
                "auth is required: StaticKeyAuth(login=..., secret_key=...) or OAuthBearerAuth(...)."
            )
        if organization_id is not None and isinstance(auth, StaticKeyAuth):
            raise ConfigurationError(
                "organization_id is for the User OAuth flow (one token, several organizations); an API key "
                "already belongs to one organization. Remove organization_id or use OAuthBearerAuth."
            )
        options = RequestOptions(
            timeout=Timeout() if timeout is _UNSET else timeout,
            retry=retry if retry is not None else RetryPolicy(),
            organization_id=organization_id,
        )
        session = QontoSession(
            environment=env,
            auth=auth,
            staging_token=staging_token,
            options=options,
            connection_limit=connection_limit,
            user_agent=user_agent,
        )
        self._init(session, options, sca, owner=True)

    def _init(self, session: QontoSession, options: RequestOptions, sca: ScaPolicy | None, *, owner: bool) -> None:
        self._session = session
        self._options = options
        self._sca = sca
        self._owner = owner
        self.organization = OrganizationResource(self)
        self.bank_accounts = BankAccountsResource(self)
        self.transactions = TransactionsResource(self)
        self.oauth = OAuthResource(self)
        self.labels = LabelsResource(self)
        self.memberships = MembershipsResource(self)
        self.internal_transfers = InternalTransfersResource(self)
        self.international = InternationalResource(self)
        self.attachments = AttachmentsResource(self)
        self.statements = StatementsResource(self)
        self.beneficiaries = BeneficiariesResource(self)
        self.requests = RequestsResource(self)
        self.sca = ScaResource(self)
        self.cash_flow_categories = CashFlowCategoriesResource(self)
        self.legacy = LegacyResource(self)
        self.sepa_transfers = SepaTransfersResource(self)
        self.bulk_transfers = BulkTransfersResource(self)
        self.recurring_transfers = RecurringTransfersResource(self)
        self.cards = CardsResource(self)
        self.teams = TeamsResource(self)
        self.embed_auth_links = EmbedAuthLinksResource(self)
        self.encoded_requests = EncodedRequestsResource(self)
        self.insurance_contracts = InsuranceContractsResource(self)
        self.payment_links = PaymentLinksResource(self)
        self.terminals = TerminalsResource(self)
        self.direct_debits = DirectDebitsResource(self)
        self.webhook_subscriptions = WebhookSubscriptionsResource(self)
        self.client_invoices = ClientInvoicesResource(self)
        self.credit_notes = CreditNotesResource(self)
        self.einvoicing = EinvoicingResource(self)
        self.reminders = RemindersResource(self)
        self.clients = ClientsResource(self)
        self.quotes = QuotesResource(self)
        self.products = ProductsResource(self)
        self.supplier_invoices = SupplierInvoicesResource(self)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Unpack[ClientSettings]
    ) -> QontoClient:
        """Build a client from environment variables; the error names any variable missing or malformed.

        - ``QONTO_ENVIRONMENT``: ``production`` (default), ``sandbox``, or a registered name.
        - ``QONTO_STAGING_TOKEN``: required in sandbox.
        - API key: ``QONTO_LOGIN`` and ``QONTO_SECRET_KEY``.
        - OAuth: ``QONTO_CLIENT_ID``, ``QONTO_CLIENT_SECRET`` and ``QONTO_TOKEN_FILE`` (a :class:`FileTokenStore`
          holding the rotating token pair; seed it once with ``QONTO_REFRESH_TOKEN`` if it is empty).
          Refresh tokens rotate on every refresh (qonto-api.md §2.2), so a refresh token kept only in
          configuration goes stale after its first use: the file is where the live pair lives.
        - ``QONTO_ORGANIZATION_ID``: optional, for the User OAuth flow.

        Keyword ``overrides`` are passed to the constructor and win over the variables.
        """
        return cls(**_kwargs_from_env(environ, dict(overrides)))

    def with_options(
        self,
        *,
        timeout: Timeout | float | None = _UNSET,
        retry: RetryPolicy | None = None,
        organization_id: str | None = _UNSET,
        sca: ScaPolicy | None = _UNSET,
    ) -> QontoClient:
        """A view of this client with other settings, sharing its connection pool and auth.

        ``qonto.with_options(timeout=5).transactions.list(...)``. Closing the original closes the pool; closing
        a view does nothing. ``sca=ScaPolicy(...)`` (or ``None``) changes how ``428`` answers are handled.
        """
        changes: dict[str, Any] = {}
        if timeout is not _UNSET:
            changes["timeout"] = timeout
        if retry is not None:
            changes["retry"] = retry
        if organization_id is not _UNSET:
            if organization_id is not None and isinstance(self._session.auth, StaticKeyAuth):
                raise ConfigurationError(
                    "organization_id is for the User OAuth flow; an API key already belongs to one organization."
                )
            changes["organization_id"] = organization_id
        options = attrs.evolve(self._options, **changes)
        if sca is _UNSET:
            sca = self._sca
        else:
            _check_sca(sca, self._session.environment)
        view = QontoClient.__new__(QontoClient)
        view._init(self._session, options, sca, owner=False)
        return view

    @property
    def environment(self) -> Environment:
        return self._session.environment

    @property
    def auth(self) -> AuthStrategy:
        assert self._session.auth is not None
        return self._session.auth

    @property
    def options(self) -> RequestOptions:
        return self._options

    @property
    def sca_policy(self) -> ScaPolicy | None:
        """How ``428`` (SCA required) answers are handled; ``None``: they raise :class:`ScaRequired`."""
        return self._sca

    @property
    def closed(self) -> bool:
        return self._session.closed

    async def _send(self, request: Request[T]) -> T:
        policy = self._sca
        request = with_preference(request, policy)
        try:
            return await self._session.request(request, self._options)
        except ScaRequired as error:
            if policy is None or not policy.auto_complete or error.sca_session_token is None:
                _remember(error, self, request)
                raise
            pending = error
        # Outside the except block: the replay's own errors must not chain to the 428.
        return await complete_sca(self, request, pending, policy, started=sca_clock())

    async def _send_once(self, request: Request[T]) -> T:
        """Send without handling SCA again: the replay of an approved write."""
        try:
            return await self._session.request(request, self._options)
        except ScaRequired as error:
            _remember(error, self, request)
            raise

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent. Requests after this raise :class:`ClientClosedError`."""
        if self._owner:
            await self._session.aclose()

    async def __aenter__(self) -> QontoClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"QontoClient(environment={self.environment.name!r}, auth={self._session.auth!r})"


def _check_sca(sca: object, env: Environment) -> None:
    if sca is None:
        return
    if not isinstance(sca, ScaPolicy):
        raise ConfigurationError(f"sca must be a ScaPolicy or None, got {type(sca).__name__}.")
    sca.check_environment(env.requires_staging_token, env.name)


def _remember(error: ScaRequired, client: QontoClient, request: Request[Any]) -> None:
    # What ``qonto.sca.complete(error)`` replays, and when the 428 arrived (the session's 15 minutes count from
    # then). Not pickled: APIError.__reduce__ rebuilds from public state.
    error._sca_replay = (client, request, sca_clock())  # type: ignore[attr-defined]


def _kwargs_from_env(environ: Mapping[str, str] | None, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor arguments from QONTO_* variables (see :meth:`QontoClient.from_env`); ``overrides`` win."""
    env = dict(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = env.get(name)
        if value is None or value == "":
            return None
        if value != value.strip():
            raise ConfigurationError(f"{name} has leading or trailing whitespace; remove it.")
        return value

    login, secret = get("QONTO_LOGIN"), get("QONTO_SECRET_KEY")
    client_id, client_secret = get("QONTO_CLIENT_ID"), get("QONTO_CLIENT_SECRET")
    kwargs: dict[str, Any] = {
        "environment": get("QONTO_ENVIRONMENT") or "production",
        "staging_token": get("QONTO_STAGING_TOKEN"),
        "organization_id": get("QONTO_ORGANIZATION_ID"),
    }
    if "auth" not in overrides:
        static_given = login is not None or secret is not None
        oauth_given = client_id is not None or client_secret is not None
        if static_given and oauth_given:
            raise ConfigurationError(
                "both an API key (QONTO_LOGIN/QONTO_SECRET_KEY) and OAuth (QONTO_CLIENT_ID/"
                "QONTO_CLIENT_SECRET) are configured; set only one."
            )
        if static_given:
            why = "the API key needs QONTO_LOGIN and QONTO_SECRET_KEY"
            try:
                kwargs["auth"] = StaticKeyAuth(
                    login=_required("QONTO_LOGIN", login, why),
                    secret_key=_required("QONTO_SECRET_KEY", secret, why),
                )
            except CredentialFormatError as exc:
                # Name the variables the user set, not the constructor arguments they never wrote.
                text = (
                    str(exc)
                    .replace("StaticKeyAuth login", "QONTO_LOGIN")
                    .replace("StaticKeyAuth secret_key", "QONTO_SECRET_KEY")
                )
                raise CredentialFormatError(text) from None
        elif oauth_given:
            kwargs["auth"] = _oauth_from_env(get, client_id, client_secret)
        else:
            raise ConfigurationError(
                "no credentials configured: set QONTO_LOGIN and QONTO_SECRET_KEY (API key), or "
                "QONTO_CLIENT_ID, QONTO_CLIENT_SECRET and QONTO_TOKEN_FILE (OAuth)."
            )
    kwargs.update(overrides)
    return kwargs


def _oauth_from_env(get: Any, client_id: str | None, client_secret: str | None) -> OAuthBearerAuth:
    why = "OAuth needs QONTO_CLIENT_ID and QONTO_CLIENT_SECRET"
    client_id = _required("QONTO_CLIENT_ID", client_id, why)
    client_secret = _required("QONTO_CLIENT_SECRET", client_secret, why)
    token_file = get("QONTO_TOKEN_FILE")
    if token_file is None:
        raise ConfigurationError(
            "QONTO_TOKEN_FILE is not set: OAuth refresh tokens rotate, so the live token pair must be kept "
            "in a file (created with mode 0600). Run the OAuth login once to fill it."
        )
    store = FileTokenStore(token_file)
    token = store._load_sync()
    if token is None:
        refresh = get("QONTO_REFRESH_TOKEN")
        if refresh is None:
            raise ConfigurationError(
                f"QONTO_TOKEN_FILE ({token_file}) holds no token yet; authorize once, or set "
                "QONTO_REFRESH_TOKEN to seed it."
            )
        # No access token yet: an already-expired placeholder makes the first request refresh.
        token = OAuthToken(access_token="unset", refresh_token=refresh, expires_at=datetime.fromtimestamp(0, UTC))
    return OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token, token_store=store)
