"""``SyncQontoClient``: the same API, blocking, for worker threads, job queues and WSGI servers.

One background thread runs one event loop that owns one :class:`~qonto_async.QontoClient`: one connection pool
and one OAuth refresh lock shared by every calling thread. Each operation is declared once on the async
resources; the sync namespaces only point at them (:func:`_blocking`, :func:`_blocking_iter`), so the two APIs
cannot drift apart and mypy checks the sync signatures from the async ones.

Fork safety: a child process (pre-fork servers) never touches the parent's loop thread or sockets; it starts its
own, lazily, on its first call.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Mapping
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, Unpack, overload

from qonto_async.client import _UNSET, ClientArguments, ClientSettings, QontoClient, _kwargs_from_env
from qonto_async.errors import ClientClosedError, ConfigurationError, QontoTimeoutError
from qonto_async.pagination import AsyncPaginator, Page
from qonto_async.resources._base import Resource
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
from qonto_async.session import Timeout

__all__ = ["SyncPaginator", "SyncQontoClient"]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R", bound=Resource)


class _LoopThread:
    """A daemon thread running an event loop, for one process (a forked child makes its own).

    Calls from other threads are queued and the loop is woken once per batch, not once per call: under load from
    many threads, the wake-up (a write to the loop's self-pipe) is what dominates a small request's cost.
    """

    def __init__(self, name: str) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self._pending: list[_Call[Any]] = []
        self._pending_lock = threading.Lock()
        self._wake_scheduled = False
        # Loop-thread only: calls whose outcome is in, released together once per loop iteration. Releasing each
        # waiter as its call ends wakes a thread that at once asks for the GIL and forces the loop to yield mid-
        # batch; releasing them in one go keeps the loop running until it has nothing left to do.
        self._completed: list[_Call[Any]] = []
        self._release_scheduled = False
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), name=name, daemon=True)
        self.thread.start()
        ready.wait()

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def submit(self, make: Callable[[], Awaitable[T]]) -> _Call[T]:
        """Run ``make()`` on the loop (the awaitable is created there); ``.wait()`` returns its outcome."""
        call: _Call[T] = _Call(make, self)
        with self._pending_lock:
            self._pending.append(call)
            if self._wake_scheduled:
                return call
            self._wake_scheduled = True
        self.loop.call_soon_threadsafe(self._drain)
        return call

    def _drain(self) -> None:
        with self._pending_lock:
            batch, self._pending = self._pending, []
            self._wake_scheduled = False
        for call in batch:
            call.start()

    def completed(self, call: _Call[Any]) -> None:
        """On the loop thread: queue ``call``'s waiter for release at the end of this loop iteration."""
        self._completed.append(call)
        if not self._release_scheduled:
            self._release_scheduled = True
            self.loop.call_soon(self._release_completed)

    def _release_completed(self) -> None:
        done, self._completed = self._completed, []
        self._release_scheduled = False
        for call in done:
            call._done.release()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=10)


class _Call(Generic[T]):
    """One blocking call handed to the loop thread.

    The caller waits on a lock that the loop releases once the outcome is in: the cheapest cross-thread signal
    CPython has (a concurrent.futures.Future builds a Condition and an RLock per call, which costs the shared GIL
    more than the request itself under many threads).
    """

    __slots__ = ("_cancelled", "_done", "_error", "_loop", "_make", "_owner", "_result", "_task")

    def __init__(self, make: Callable[[], Awaitable[T]], owner: _LoopThread) -> None:
        self._make = make
        self._owner = owner
        self._loop = owner.loop
        self._done = threading.Lock()
        self._done.acquire()
        self._result: Any = None
        self._error: BaseException | None = None
        self._task: asyncio.Future[T] | None = None
        self._cancelled = False

    def start(self) -> None:
        """On the loop thread."""
        if self._cancelled:
            self._finish(None, asyncio.CancelledError())
            return
        try:
            task = asyncio.ensure_future(self._make(), loop=self._loop)
        except BaseException as exc:
            self._finish(None, exc)
            return
        self._task = task
        task.add_done_callback(self._settle)

    def _settle(self, task: asyncio.Future[T]) -> None:
        if task.cancelled():
            self._finish(None, asyncio.CancelledError())
        else:
            error = task.exception()
            self._finish(None if error is not None else task.result(), error)

    def _finish(self, result: Any, error: BaseException | None) -> None:
        self._result, self._error = result, error
        self._owner.completed(self)

    def wait(self, timeout: float | None = None) -> T:
        """In the calling thread. Raises TimeoutError after ``timeout`` seconds (the call is then cancelled)."""
        try:
            finished = self._done.acquire(timeout=-1 if timeout is None else timeout)
        except BaseException:
            # Ctrl-C (KeyboardInterrupt) while waiting: cancel the request on the loop, then let it propagate.
            self.cancel()
            raise
        if not finished:
            self.cancel()
            raise TimeoutError
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[no-any-return]

    def cancel(self) -> None:
        self._cancelled = True
        task = self._task
        if task is not None and not task.done():
            self._loop.call_soon_threadsafe(task.cancel)


_inherited_from_parent: list[tuple[_LoopThread, QontoClient | None]] = []


class _Core:
    """What a SyncQontoClient shares with its with_options() views: the loop thread and the async client."""

    def __init__(self, factory: Callable[[], QontoClient]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._thread: _LoopThread | None = None
        self._client: QontoClient | None = None
        self._closed = False

    def client_for_this_process(self) -> tuple[_LoopThread, QontoClient]:
        if self._closed:
            raise ClientClosedError("this SyncQontoClient is closed; create a new one")
        thread, client = self._thread, self._client
        if thread is not None and client is not None and thread.pid == os.getpid():
            return thread, client
        with self._lock:
            if self._closed:
                raise ClientClosedError("this SyncQontoClient is closed; create a new one")
            if self._thread is None or self._thread.pid != os.getpid():
                # First use, or first use in a forked child: the parent's thread does not exist here and its
                # sockets must not be shared, so start afresh. The parent's objects are kept referenced, never
                # finalized here: their destructors would close transports and loop resources that the
                # parent still uses through the same file descriptors.
                if self._thread is not None:
                    _inherited_from_parent.append((self._thread, self._client))
                self._thread = _LoopThread(name=f"qonto-async-loop-{os.getpid()}")
                self._client = self._thread.submit(self._make_client).wait()
            assert self._client is not None
            return self._thread, self._client

    async def _make_client(self) -> QontoClient:
        return self._factory()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread, client = self._thread, self._client
            self._thread = self._client = None
        if thread is None or client is None or thread.pid != os.getpid():
            return
        try:
            thread.submit(client.aclose).wait(timeout=30)
        finally:
            thread.stop()


def _check_not_in_event_loop() -> None:
    # _get_running_loop() (public in asyncio.__all__) answers None instead of raising: this runs on every call.
    if asyncio._get_running_loop() is None:
        return
    raise RuntimeError(
        "SyncQontoClient was called from inside a running event loop, where blocking would stall it. "
        "Use the async QontoClient there: 'async with QontoClient(...) as qonto: await qonto.…'."
    )


class SyncResource(Generic[R]):
    """A blocking view of one async resource namespace."""

    __slots__ = ("_name", "_sync")

    def __init__(self, sync: SyncQontoClient, name: str) -> None:
        self._sync = sync
        self._name = name


class _Blocking(Generic[R, P, T]):
    def __init__(self, method: Callable[Concatenate[R, P], Coroutine[Any, Any, T]]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> _Blocking[R, P, T]: ...

    @overload
    def __get__(self, instance: SyncResource[R], owner: type[Any]) -> Callable[P, T]: ...

    def __get__(self, instance: SyncResource[R] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method = self._method

        name = instance._name
        run = instance._sync._run

        def call(*args: P.args, **kwargs: P.kwargs) -> T:
            return run(lambda client: method(getattr(client, name), *args, **kwargs))

        call.__doc__ = method.__doc__
        call.__name__ = method.__name__
        return call


def _blocking(method: Callable[Concatenate[R, P], Coroutine[Any, Any, T]]) -> _Blocking[R, P, T]:
    """The blocking twin of an async resource method: same parameters, same return type."""
    return _Blocking(method)


class SyncPaginator(Generic[T]):
    """Items across all pages, fetched one page at a time on the client's loop: ``for tx in paginator``."""

    def __init__(self, sync: SyncQontoClient, make: Callable[[QontoClient], AsyncPaginator[T]]) -> None:
        self._sync = sync
        self._make = make

    def pages(self) -> Iterator[Page[T]]:
        """Pages, one blocking fetch each."""
        holder: list[AsyncIterator[Page[T]]] = []

        async def first(client: QontoClient) -> None:
            holder.append(self._make(client).pages())

        self._sync._run(first)
        cursor = holder[0]
        try:
            while True:
                try:
                    page = self._sync._run(lambda _client: cursor.__anext__())
                except StopAsyncIteration:
                    return
                yield page
        finally:
            # Leaving the loop early (break, an exception): cancel a page request sent ahead, if any.
            aclose = getattr(cursor, "aclose", None)
            if aclose is not None and not self._sync.closed:
                self._sync._run(lambda _client: aclose())

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def to_list(self, *, limit: int | None = None) -> list[T]:
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise ConfigurationError(f"limit must be None or an int >= 0, got {limit!r}.")
        if limit == 0:
            return []
        out: list[T] = []
        for item in self:
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out


class _BlockingIter(Generic[R, P, T]):
    def __init__(self, method: Callable[Concatenate[R, P], AsyncPaginator[T]]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> _BlockingIter[R, P, T]: ...

    @overload
    def __get__(self, instance: SyncResource[R], owner: type[Any]) -> Callable[P, SyncPaginator[T]]: ...

    def __get__(self, instance: SyncResource[R] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method = self._method
        name = instance._name

        def call(*args: P.args, **kwargs: P.kwargs) -> SyncPaginator[T]:
            # Arguments are checked now, in the caller's thread, like the async iterate() does.
            client = instance._sync._core_client_for_validation()
            method(getattr(client, name), *args, **kwargs)
            return SyncPaginator(instance._sync, lambda c: method(getattr(c, name), *args, **kwargs))

        call.__doc__ = method.__doc__
        call.__name__ = method.__name__
        return call


def _blocking_iter(method: Callable[Concatenate[R, P], AsyncPaginator[T]]) -> _BlockingIter[R, P, T]:
    return _BlockingIter(method)


class SyncOrganization(SyncResource[OrganizationResource]):
    __slots__ = ()
    get = _blocking(OrganizationResource.get)
    get_subscription = _blocking(OrganizationResource.get_subscription)
    list_user_organizations = _blocking(OrganizationResource.list_user_organizations)


class SyncBankAccounts(SyncResource[BankAccountsResource]):
    __slots__ = ()
    list = _blocking(BankAccountsResource.list)
    get = _blocking(BankAccountsResource.get)
    iterate = _blocking_iter(BankAccountsResource.iterate)
    download_iban_certificate = _blocking(BankAccountsResource.download_iban_certificate)
    download_iban_certificate_to = _blocking(BankAccountsResource.download_iban_certificate_to)
    create = _blocking(BankAccountsResource.create)
    update = _blocking(BankAccountsResource.update)
    close = _blocking(BankAccountsResource.close)


class SyncTransactions(SyncResource[TransactionsResource]):
    __slots__ = ()
    list = _blocking(TransactionsResource.list)
    get = _blocking(TransactionsResource.get)
    iterate = _blocking_iter(TransactionsResource.iterate)


class SyncOAuth(SyncResource[OAuthResource]):
    __slots__ = ()
    revoke_consents = _blocking(OAuthResource.revoke_consents)


class SyncLabels(SyncResource[LabelsResource]):
    __slots__ = ()
    list = _blocking(LabelsResource.list)
    get = _blocking(LabelsResource.get)
    iterate = _blocking_iter(LabelsResource.iterate)


class SyncMemberships(SyncResource[MembershipsResource]):
    __slots__ = ()
    list = _blocking(MembershipsResource.list)
    get_current = _blocking(MembershipsResource.get_current)
    create = _blocking(MembershipsResource.create)
    iterate = _blocking_iter(MembershipsResource.iterate)


class SyncInternalTransfers(SyncResource[InternalTransfersResource]):
    __slots__ = ()
    create = _blocking(InternalTransfersResource.create)


class SyncInternational(SyncResource[InternationalResource]):
    __slots__ = ()
    get_eligibility = _blocking(InternationalResource.get_eligibility)
    list_currencies = _blocking(InternationalResource.list_currencies)
    create_quote = _blocking(InternationalResource.create_quote)
    beneficiary_requirements = _blocking(InternationalResource.beneficiary_requirements)
    list_beneficiaries = _blocking(InternationalResource.list_beneficiaries)
    iterate_beneficiaries = _blocking_iter(InternationalResource.iterate_beneficiaries)
    create_beneficiary = _blocking(InternationalResource.create_beneficiary)
    update_beneficiary = _blocking(InternationalResource.update_beneficiary)
    delete_beneficiary = _blocking(InternationalResource.delete_beneficiary)
    transfer_requirements = _blocking(InternationalResource.transfer_requirements)
    create_transfer = _blocking(InternationalResource.create_transfer)


class SyncAttachments(SyncResource[AttachmentsResource]):
    __slots__ = ()
    get = _blocking(AttachmentsResource.get)
    list_for_transaction = _blocking(AttachmentsResource.list_for_transaction)
    iterate_for_transaction = _blocking_iter(AttachmentsResource.iterate_for_transaction)
    upload = _blocking(AttachmentsResource.upload)
    upload_for_transaction = _blocking(AttachmentsResource.upload_for_transaction)
    remove_from_transaction = _blocking(AttachmentsResource.remove_from_transaction)
    remove_all_from_transaction = _blocking(AttachmentsResource.remove_all_from_transaction)
    download = _blocking(AttachmentsResource.download)
    download_to = _blocking(AttachmentsResource.download_to)


class SyncStatements(SyncResource[StatementsResource]):
    __slots__ = ()
    list = _blocking(StatementsResource.list)
    get = _blocking(StatementsResource.get)
    iterate = _blocking_iter(StatementsResource.iterate)
    download = _blocking(StatementsResource.download)
    download_to = _blocking(StatementsResource.download_to)


class SyncBeneficiaries(SyncResource[BeneficiariesResource]):
    __slots__ = ()
    list = _blocking(BeneficiariesResource.list)
    get = _blocking(BeneficiariesResource.get)
    iterate = _blocking_iter(BeneficiariesResource.iterate)
    create = _blocking(BeneficiariesResource.create)
    update = _blocking(BeneficiariesResource.update)
    trust = _blocking(BeneficiariesResource.trust)
    untrust = _blocking(BeneficiariesResource.untrust)


class SyncRequests(SyncResource[RequestsResource]):
    __slots__ = ()
    list = _blocking(RequestsResource.list)
    iterate = _blocking_iter(RequestsResource.iterate)
    create_flash_card = _blocking(RequestsResource.create_flash_card)
    create_virtual_card = _blocking(RequestsResource.create_virtual_card)
    create_multi_transfer = _blocking(RequestsResource.create_multi_transfer)
    approve = _blocking(RequestsResource.approve)
    decline = _blocking(RequestsResource.decline)


class SyncCashFlowCategories(SyncResource[CashFlowCategoriesResource]):
    __slots__ = ()
    list = _blocking(CashFlowCategoriesResource.list)
    create = _blocking(CashFlowCategoriesResource.create)
    create_subcategory = _blocking(CashFlowCategoriesResource.create_subcategory)
    assign = _blocking(CashFlowCategoriesResource.assign)
    unassign = _blocking(CashFlowCategoriesResource.unassign)


class SyncLegacy(SyncResource[LegacyResource]):
    """Deprecated routes: each call issues a DeprecationWarning (from the client's loop thread) naming its
    replacement."""

    __slots__ = ()
    get_organization_v1 = _blocking(LegacyResource.get_organization_v1)
    get_organization_v2 = _blocking(LegacyResource.get_organization_v2)
    list_external_transfers = _blocking(LegacyResource.list_external_transfers)
    iterate_external_transfers = _blocking_iter(LegacyResource.iterate_external_transfers)
    get_external_transfer = _blocking(LegacyResource.get_external_transfer)
    create_external_transfer = _blocking(LegacyResource.create_external_transfer)
    checkout_external_transfers = _blocking(LegacyResource.checkout_external_transfers)
    list_beneficiaries = _blocking(LegacyResource.list_beneficiaries)
    iterate_beneficiaries = _blocking_iter(LegacyResource.iterate_beneficiaries)
    get_beneficiary = _blocking(LegacyResource.get_beneficiary)
    untrust_beneficiaries = _blocking(LegacyResource.untrust_beneficiaries)


class SyncSca(SyncResource[ScaResource]):
    __slots__ = ()
    get_session = _blocking(ScaResource.get_session)
    get_mocked_session = _blocking(ScaResource.get_mocked_session)
    mock_decision = _blocking(ScaResource.mock_decision)
    complete = _blocking(ScaResource.complete)
    wait = _blocking(ScaResource.wait)


class SyncSepaTransfers(SyncResource[SepaTransfersResource]):
    __slots__ = ()
    list = _blocking(SepaTransfersResource.list)
    iterate = _blocking_iter(SepaTransfersResource.iterate)
    get = _blocking(SepaTransfersResource.get)
    create = _blocking(SepaTransfersResource.create)
    cancel = _blocking(SepaTransfersResource.cancel)
    download_proof = _blocking(SepaTransfersResource.download_proof)
    verify_payee = _blocking(SepaTransfersResource.verify_payee)
    bulk_verify_payee = _blocking(SepaTransfersResource.bulk_verify_payee)
    skip_verify_payee = _blocking(SepaTransfersResource.skip_verify_payee)


class SyncBulkTransfers(SyncResource[BulkTransfersResource]):
    __slots__ = ()
    list = _blocking(BulkTransfersResource.list)
    iterate = _blocking_iter(BulkTransfersResource.iterate)
    get = _blocking(BulkTransfersResource.get)
    create = _blocking(BulkTransfersResource.create)


class SyncRecurringTransfers(SyncResource[RecurringTransfersResource]):
    __slots__ = ()
    list = _blocking(RecurringTransfersResource.list)
    iterate = _blocking_iter(RecurringTransfersResource.iterate)
    get = _blocking(RecurringTransfersResource.get)
    create = _blocking(RecurringTransfersResource.create)
    cancel = _blocking(RecurringTransfersResource.cancel)


class SyncCards(SyncResource[CardsResource]):
    __slots__ = ()
    list = _blocking(CardsResource.list)
    iterate = _blocking_iter(CardsResource.iterate)
    create = _blocking(CardsResource.create)
    bulk_create = _blocking(CardsResource.bulk_create)
    get_data_view = _blocking(CardsResource.get_data_view)
    report_lost = _blocking(CardsResource.report_lost)
    report_stolen = _blocking(CardsResource.report_stolen)
    discard = _blocking(CardsResource.discard)
    lock = _blocking(CardsResource.lock)
    unlock = _blocking(CardsResource.unlock)
    update_limits = _blocking(CardsResource.update_limits)
    update_restrictions = _blocking(CardsResource.update_restrictions)
    update_options = _blocking(CardsResource.update_options)
    update_nickname = _blocking(CardsResource.update_nickname)


class SyncTeams(SyncResource[TeamsResource]):
    __slots__ = ()
    list = _blocking(TeamsResource.list)
    iterate = _blocking_iter(TeamsResource.iterate)
    create = _blocking(TeamsResource.create)


class SyncEmbedAuthLinks(SyncResource[EmbedAuthLinksResource]):
    __slots__ = ()
    create = _blocking(EmbedAuthLinksResource.create)


class SyncEncodedRequests(SyncResource[EncodedRequestsResource]):
    __slots__ = ()
    dispatch = _blocking(EncodedRequestsResource.dispatch)


class SyncInsuranceContracts(SyncResource[InsuranceContractsResource]):
    __slots__ = ()
    create = _blocking(InsuranceContractsResource.create)
    get = _blocking(InsuranceContractsResource.get)
    update = _blocking(InsuranceContractsResource.update)
    upload_attachment = _blocking(InsuranceContractsResource.upload_attachment)
    delete_attachment = _blocking(InsuranceContractsResource.delete_attachment)


class SyncPaymentLinks(SyncResource[PaymentLinksResource]):
    __slots__ = ()
    create_connection = _blocking(PaymentLinksResource.create_connection)
    get_connection = _blocking(PaymentLinksResource.get_connection)
    create = _blocking(PaymentLinksResource.create)
    list = _blocking(PaymentLinksResource.list)
    iterate = _blocking_iter(PaymentLinksResource.iterate)
    get = _blocking(PaymentLinksResource.get)
    deactivate = _blocking(PaymentLinksResource.deactivate)
    list_payments = _blocking(PaymentLinksResource.list_payments)
    iterate_payments = _blocking_iter(PaymentLinksResource.iterate_payments)
    list_payment_methods = _blocking(PaymentLinksResource.list_payment_methods)


class SyncTerminals(SyncResource[TerminalsResource]):
    __slots__ = ()
    list = _blocking(TerminalsResource.list)
    create_payment = _blocking(TerminalsResource.create_payment)
    get_payment = _blocking(TerminalsResource.get_payment)


class SyncDirectDebits(SyncResource[DirectDebitsResource]):
    __slots__ = ()
    list_mandates = _blocking(DirectDebitsResource.list_mandates)
    iterate_mandates = _blocking_iter(DirectDebitsResource.iterate_mandates)
    create_mandate = _blocking(DirectDebitsResource.create_mandate)
    list_subscriptions = _blocking(DirectDebitsResource.list_subscriptions)
    iterate_subscriptions = _blocking_iter(DirectDebitsResource.iterate_subscriptions)
    create_subscription = _blocking(DirectDebitsResource.create_subscription)
    get_subscription = _blocking(DirectDebitsResource.get_subscription)
    list_collections = _blocking(DirectDebitsResource.list_collections)
    iterate_collections = _blocking_iter(DirectDebitsResource.iterate_collections)


class SyncWebhookSubscriptions(SyncResource[WebhookSubscriptionsResource]):
    __slots__ = ()
    list = _blocking(WebhookSubscriptionsResource.list)
    iterate = _blocking_iter(WebhookSubscriptionsResource.iterate)
    get = _blocking(WebhookSubscriptionsResource.get)
    create = _blocking(WebhookSubscriptionsResource.create)
    update = _blocking(WebhookSubscriptionsResource.update)
    delete = _blocking(WebhookSubscriptionsResource.delete)


class SyncClients(SyncResource[ClientsResource]):
    __slots__ = ()
    list = _blocking(ClientsResource.list)
    iterate = _blocking_iter(ClientsResource.iterate)
    get = _blocking(ClientsResource.get)
    create = _blocking(ClientsResource.create)
    update = _blocking(ClientsResource.update)
    delete = _blocking(ClientsResource.delete)


class SyncQuotes(SyncResource[QuotesResource]):
    __slots__ = ()
    list = _blocking(QuotesResource.list)
    iterate = _blocking_iter(QuotesResource.iterate)
    get = _blocking(QuotesResource.get)
    create = _blocking(QuotesResource.create)
    update = _blocking(QuotesResource.update)
    delete = _blocking(QuotesResource.delete)
    send = _blocking(QuotesResource.send)


class SyncProducts(SyncResource[ProductsResource]):
    __slots__ = ()
    list = _blocking(ProductsResource.list)
    iterate = _blocking_iter(ProductsResource.iterate)
    get = _blocking(ProductsResource.get)
    create = _blocking(ProductsResource.create)


class SyncSupplierInvoices(SyncResource[SupplierInvoicesResource]):
    __slots__ = ()
    list = _blocking(SupplierInvoicesResource.list)
    iterate = _blocking_iter(SupplierInvoicesResource.iterate)
    get = _blocking(SupplierInvoicesResource.get)
    bulk_create = _blocking(SupplierInvoicesResource.bulk_create)
    mark_as_paid = _blocking(SupplierInvoicesResource.mark_as_paid)
    unmark_as_paid = _blocking(SupplierInvoicesResource.unmark_as_paid)


class SyncClientInvoices(SyncResource[ClientInvoicesResource]):
    __slots__ = ()
    list = _blocking(ClientInvoicesResource.list)
    iterate = _blocking_iter(ClientInvoicesResource.iterate)
    create = _blocking(ClientInvoicesResource.create)
    get = _blocking(ClientInvoicesResource.get)
    update = _blocking(ClientInvoicesResource.update)
    delete = _blocking(ClientInvoicesResource.delete)
    finalize = _blocking(ClientInvoicesResource.finalize)
    mark_as_canceled = _blocking(ClientInvoicesResource.mark_as_canceled)
    unmark_as_paid = _blocking(ClientInvoicesResource.unmark_as_paid)
    mark_as_paid = _blocking(ClientInvoicesResource.mark_as_paid)
    send = _blocking(ClientInvoicesResource.send)
    bulk_import = _blocking(ClientInvoicesResource.bulk_import)
    upload = _blocking(ClientInvoicesResource.upload)


class SyncCreditNotes(SyncResource[CreditNotesResource]):
    __slots__ = ()
    list = _blocking(CreditNotesResource.list)
    iterate = _blocking_iter(CreditNotesResource.iterate)
    get = _blocking(CreditNotesResource.get)


class SyncEinvoicing(SyncResource[EinvoicingResource]):
    __slots__ = ()
    get_settings = _blocking(EinvoicingResource.get_settings)


class SyncReminders(SyncResource[RemindersResource]):
    __slots__ = ()
    list = _blocking(RemindersResource.list)
    iterate = _blocking_iter(RemindersResource.iterate)
    create = _blocking(RemindersResource.create)


_live: weakref.WeakSet[_Core] = weakref.WeakSet()


@atexit.register
def _close_all_at_exit() -> None:
    # Interpreter exit: close pools cleanly instead of leaving "Unclosed client session" noise behind.
    for core in list(_live):
        # Nothing useful can be done with an error at exit.
        with contextlib.suppress(Exception):
            core.close()


class SyncQontoClient:
    """The blocking Qonto client, safe to share between threads.

    Takes the same arguments as :class:`~qonto_async.QontoClient` and has the same resources and methods::

        with SyncQontoClient(auth=StaticKeyAuth(login=..., secret_key=...)) as qonto:
            org = qonto.organization.get()
            for tx in qonto.transactions.iterate(bank_account_id=org.bank_accounts[0].id):
                ...

    Create one per process and share it: every thread uses the same connection pool and OAuth refresh lock.
    ``call_timeout`` bounds each call as a whole (retries included); when it runs out, or on Ctrl-C, the
    underlying request is cancelled. Errors are the same types as the async client's.
    """

    organization: SyncOrganization
    bank_accounts: SyncBankAccounts
    transactions: SyncTransactions
    oauth: SyncOAuth
    labels: SyncLabels
    memberships: SyncMemberships
    internal_transfers: SyncInternalTransfers
    international: SyncInternational
    attachments: SyncAttachments
    statements: SyncStatements
    beneficiaries: SyncBeneficiaries
    requests: SyncRequests
    sca: SyncSca
    cash_flow_categories: SyncCashFlowCategories
    legacy: SyncLegacy
    sepa_transfers: SyncSepaTransfers
    bulk_transfers: SyncBulkTransfers
    recurring_transfers: SyncRecurringTransfers
    cards: SyncCards
    teams: SyncTeams
    embed_auth_links: SyncEmbedAuthLinks
    encoded_requests: SyncEncodedRequests
    insurance_contracts: SyncInsuranceContracts
    payment_links: SyncPaymentLinks
    terminals: SyncTerminals
    direct_debits: SyncDirectDebits
    webhook_subscriptions: SyncWebhookSubscriptions
    clients: SyncClients
    quotes: SyncQuotes
    products: SyncProducts
    supplier_invoices: SyncSupplierInvoices
    client_invoices: SyncClientInvoices
    credit_notes: SyncCreditNotes
    einvoicing: SyncEinvoicing
    reminders: SyncReminders

    def __init__(self, *, call_timeout: float | None = None, **kwargs: Unpack[ClientArguments]) -> None:
        # Validate every argument now, in the caller's thread, with the async client's own checks: building a
        # QontoClient opens nothing (its session is created lazily on the loop).
        probe = QontoClient(**kwargs)
        self._probe = probe
        self._call_timeout = call_timeout
        self._view: Callable[[QontoClient], QontoClient] = lambda client: client
        self._core = _Core(lambda: QontoClient(**kwargs))
        self._owner = True
        _live.add(self._core)
        self._bind()

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        call_timeout: float | None = None,
        **overrides: Unpack[ClientSettings],
    ) -> SyncQontoClient:
        """Build from QONTO_* environment variables, exactly as :meth:`QontoClient.from_env` does."""
        return cls(call_timeout=call_timeout, **_kwargs_from_env(environ, dict(overrides)))

    def _bind(self) -> None:
        self.organization = SyncOrganization(self, "organization")
        self.bank_accounts = SyncBankAccounts(self, "bank_accounts")
        self.transactions = SyncTransactions(self, "transactions")
        self.oauth = SyncOAuth(self, "oauth")
        self.labels = SyncLabels(self, "labels")
        self.memberships = SyncMemberships(self, "memberships")
        self.internal_transfers = SyncInternalTransfers(self, "internal_transfers")
        self.international = SyncInternational(self, "international")
        self.attachments = SyncAttachments(self, "attachments")
        self.statements = SyncStatements(self, "statements")
        self.beneficiaries = SyncBeneficiaries(self, "beneficiaries")
        self.requests = SyncRequests(self, "requests")
        self.sca = SyncSca(self, "sca")
        self.cash_flow_categories = SyncCashFlowCategories(self, "cash_flow_categories")
        self.legacy = SyncLegacy(self, "legacy")
        self.sepa_transfers = SyncSepaTransfers(self, "sepa_transfers")
        self.bulk_transfers = SyncBulkTransfers(self, "bulk_transfers")
        self.recurring_transfers = SyncRecurringTransfers(self, "recurring_transfers")
        self.cards = SyncCards(self, "cards")
        self.teams = SyncTeams(self, "teams")
        self.embed_auth_links = SyncEmbedAuthLinks(self, "embed_auth_links")
        self.encoded_requests = SyncEncodedRequests(self, "encoded_requests")
        self.insurance_contracts = SyncInsuranceContracts(self, "insurance_contracts")
        self.payment_links = SyncPaymentLinks(self, "payment_links")
        self.terminals = SyncTerminals(self, "terminals")
        self.direct_debits = SyncDirectDebits(self, "direct_debits")
        self.webhook_subscriptions = SyncWebhookSubscriptions(self, "webhook_subscriptions")
        self.clients = SyncClients(self, "clients")
        self.quotes = SyncQuotes(self, "quotes")
        self.products = SyncProducts(self, "products")
        self.supplier_invoices = SyncSupplierInvoices(self, "supplier_invoices")
        self.client_invoices = SyncClientInvoices(self, "client_invoices")
        self.credit_notes = SyncCreditNotes(self, "credit_notes")
        self.einvoicing = SyncEinvoicing(self, "einvoicing")
        self.reminders = SyncReminders(self, "reminders")

    def _core_client_for_validation(self) -> QontoClient:
        return self._view(self._probe)

    def _run(self, start: Callable[[QontoClient], Awaitable[T]]) -> T:
        _check_not_in_event_loop()
        thread, client = self._core.client_for_this_process()
        view = self._view(client)
        call = thread.submit(lambda: start(view))
        try:
            return call.wait(self._call_timeout)
        except TimeoutError:
            raise QontoTimeoutError(
                f"the call took longer than call_timeout={self._call_timeout}s and was cancelled",
                method="",
                url="",
            ) from None

    def with_options(
        self,
        *,
        timeout: Timeout | float | None = _UNSET,
        retry: RetryPolicy | None = None,
        organization_id: str | None = _UNSET,
    ) -> SyncQontoClient:
        """A view with other settings (see :meth:`QontoClient.with_options`), sharing the pool and loop thread."""
        options: dict[str, Any] = {"retry": retry}
        if timeout is not _UNSET:
            options["timeout"] = timeout
        if organization_id is not _UNSET:
            options["organization_id"] = organization_id
        self._probe.with_options(**options)  # validates now
        view = SyncQontoClient.__new__(SyncQontoClient)
        view._probe = self._probe.with_options(**options)
        view._call_timeout = self._call_timeout
        parent_view = self._view
        view._view = lambda client: parent_view(client).with_options(**options)
        view._core = self._core
        view._owner = False
        view._bind()
        return view

    @property
    def closed(self) -> bool:
        return self._core._closed

    def close(self) -> None:
        """Close the pool and stop the loop thread. Idempotent; calls afterwards raise ClientClosedError.

        Closing a :meth:`with_options` view does nothing: the client it came from owns the pool."""
        if self._owner:
            self._core.close()

    def __enter__(self) -> SyncQontoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Sync{self._probe!r}"
