"""``qonto.direct_debits``: collect from clients by SEPA Direct Debit (qonto-api.md §3.2 B10-B15).

A **mandate** is the client's authorization (signed through its ``sign_url``); a **subscription** is a one-off or
recurring plan on a mandate; each debit it makes is a **collection**. Scopes ``sepa_direct_debit.read`` /
``sepa_direct_debit.write``. SEPA Direct Debit must be activated for the organization (with a SEPA Creditor
Identifier) first. No idempotency key is documented for the writes, so they are never retried after a transport
error: check with the list methods first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.common import Money
from qonto_async.models.direct_debits import (
    DirectDebitCollection,
    DirectDebitFirstPayment,
    DirectDebitMandate,
    DirectDebitPaymentInfo,
    DirectDebitScheduleType,
    DirectDebitSubscription,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    bool_param,
    check_id,
    date_param,
    money_param,
    operation,
    paginate,
    path_id,
    sort_param,
    text_param,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

__all__ = ["DirectDebitsResource"]

_MANDATE = decoder(DirectDebitMandate, key="direct_debit_mandate")
_MANDATE_PAGE = page_decoder(DirectDebitMandate, key="direct_debit_mandates")
_SUBSCRIPTION = decoder(DirectDebitSubscription, key="direct_debit_subscription")
_SUBSCRIPTION_PAGE = page_decoder(DirectDebitSubscription, key="direct_debit_subscriptions")
_COLLECTION_PAGE = page_decoder(DirectDebitCollection, key="direct_debit_collections")
_SCHEDULES: Final = tuple(s.value for s in DirectDebitScheduleType)
_MANDATES: Final = "/v2/sepa/direct_debit_mandates"
_SUBSCRIPTIONS: Final = "/v2/sepa/direct_debit_subscriptions"
_COLLECTIONS: Final = "/v2/sepa/direct_debit_collections"


def _schedule(name: str, value: object) -> str:
    text = value.value if isinstance(value, enum.Enum) else value
    if text not in _SCHEDULES:
        raise ConfigurationError(f"{name} must be one of {', '.join(_SCHEDULES)}; got {value!r}.")
    return str(text)


def _count(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(f"{name} must be an int >= 1, got {value!r}.")
    return value


def _payment_info(value: object) -> dict[str, Any]:
    if not isinstance(value, DirectDebitPaymentInfo):
        raise ConfigurationError(
            f"payment_info must be a DirectDebitPaymentInfo(first_payment=DirectDebitFirstPayment(...), ...), "
            f"got {type(value).__name__}."
        )
    first = value.first_payment
    if first is None:
        raise ConfigurationError("payment_info.first_payment is required (collection_date, amount, reference).")
    if not isinstance(first, DirectDebitFirstPayment):
        raise ConfigurationError(
            "payment_info.first_payment must be a DirectDebitFirstPayment(collection_date=..., amount=..., "
            f"reference=...), got {type(first).__name__}."
        )
    out: dict[str, Any] = {
        "first_payment": {
            "collection_date": date_param("payment_info.first_payment.collection_date", first.collection_date),
            "amount": money_param("payment_info.first_payment.amount", first.amount),
            "reference": text_param("payment_info.first_payment.reference", first.reference),
        }
    }
    if value.notify_client is not None:
        out["notify_client"] = bool_param("payment_info.notify_client", value.notify_client)
    if value.schedule_type is not None:
        out["schedule_type"] = _schedule("payment_info.schedule_type", value.schedule_type)
    if value.schedule_total_collection_count is not None:
        out["schedule_total_collection_count"] = _count(
            "payment_info.schedule_total_collection_count", value.schedule_total_collection_count
        )
    return out


def _mandate_params(client_id: object) -> Params:
    return Params().add_id("client_id", client_id)


def _subscription_params(status: Iterable[str] | str | None, sort_by: object) -> Params:
    params = Params().add_list("status", status)
    if sort_by is not None:
        params.add("sort_by", sort_param(sort_by))
    return params


def _collection_params(direct_debit_subscription_id: object) -> Params:
    return Params().add_id("direct_debit_subscription_id", direct_debit_subscription_id)


class DirectDebitsResource(Resource):
    __slots__ = ()

    # --- mandates (B10, B11) ---------------------------------------------------------------------------------------

    @operation("GET", "/v2/sepa/direct_debit_mandates")
    async def list_mandates(
        self, *, client_id: str | None = None, page: int | None = None, per_page: int | None = None
    ) -> Page[DirectDebitMandate]:
        """``GET /v2/sepa/direct_debit_mandates``: one page of mandates, optionally of one client."""
        params = _mandate_params(client_id).paging(page, per_page)
        return await self._send(Request(method="GET", path=_MANDATES, params=params.pairs, decode=_MANDATE_PAGE))

    @operation("GET", "/v2/sepa/direct_debit_mandates")
    def iterate_mandates(
        self, *, client_id: str | None = None, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[DirectDebitMandate]:
        """Every mandate (of one client, if given), across pages."""
        base = _mandate_params(client_id).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[DirectDebitMandate]:
            return await self._send(Request(method="GET", path=_MANDATES, params=pairs, decode=_MANDATE_PAGE))

        paginator: AsyncPaginator[DirectDebitMandate] = paginate(send, base, per_page, max_pages)
        return paginator

    @operation("POST", "/v2/sepa/direct_debit_mandates")
    async def create_mandate(
        self,
        *,
        client_id: str,
        send_mandate_signature_email: bool | None = None,
        payment_info: DirectDebitPaymentInfo | None = None,
    ) -> DirectDebitMandate:
        """``POST /v2/sepa/direct_debit_mandates``: create a mandate for a client (see ``qonto.clients``).

        The mandate awaits the client's signature: send them to its ``sign_url`` (or let Qonto email it with
        ``send_mandate_signature_email=True``). ``payment_info`` (a
        :class:`~qonto_async.models.DirectDebitPaymentInfo`) schedules what to collect once signed: its
        ``first_payment`` needs a ``collection_date``, an ``amount`` (:class:`~qonto_async.models.Money`, never a
        float) and a ``reference``. Sent wrapped in ``direct_debit_mandate``. Not retried.
        """
        mandate: dict[str, Any] = {"client_id": check_id("client_id", client_id)}
        if send_mandate_signature_email is not None:
            mandate["send_mandate_signature_email"] = bool_param(
                "send_mandate_signature_email", send_mandate_signature_email
            )
        if payment_info is not None:
            mandate["payment_info"] = _payment_info(payment_info)
        body = {"direct_debit_mandate": mandate}
        return await self._send(Request(method="POST", path=_MANDATES, json=body, decode=_MANDATE))

    # --- subscriptions (B12-B14) -----------------------------------------------------------------------------------

    @operation("GET", "/v2/sepa/direct_debit_subscriptions")
    async def list_subscriptions(
        self,
        *,
        status: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[DirectDebitSubscription]:
        """``GET /v2/sepa/direct_debit_subscriptions``: one page of subscriptions.

        ``status`` takes one value or a list (sent as ``status[]``); ``sort_by`` is ``field:asc|desc`` (e.g.
        ``created_at:desc``).
        """
        params = _subscription_params(status, sort_by).paging(page, per_page)
        return await self._send(
            Request(method="GET", path=_SUBSCRIPTIONS, params=params.pairs, decode=_SUBSCRIPTION_PAGE)
        )

    @operation("GET", "/v2/sepa/direct_debit_subscriptions")
    def iterate_subscriptions(
        self,
        *,
        status: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[DirectDebitSubscription]:
        """Every subscription matching the filters of :meth:`list_subscriptions`, across pages."""
        base = _subscription_params(status, sort_by).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[DirectDebitSubscription]:
            return await self._send(
                Request(method="GET", path=_SUBSCRIPTIONS, params=pairs, decode=_SUBSCRIPTION_PAGE)
            )

        paginator: AsyncPaginator[DirectDebitSubscription] = paginate(send, base, per_page, max_pages)
        return paginator

    @operation("POST", "/v2/sepa/direct_debit_subscriptions")
    async def create_subscription(
        self,
        *,
        amount: Money | Decimal | str,
        initial_collection_date: date | str,
        reference: str,
        client_id: str | None = None,
        direct_debit_mandate_id: str | None = None,
        bank_account_id: str | None = None,
        currency: str = "EUR",
        schedule_type: DirectDebitScheduleType | str | None = None,
        schedule_total_collection_count: int | None = None,
        schedule_custom_interval: int | None = None,
        schedule_custom_unit: str | None = None,
        notify_client: bool | None = None,
    ) -> DirectDebitSubscription:
        """``POST /v2/sepa/direct_debit_subscriptions``: collect ``amount`` from a client, once or on a schedule.

        - Collect on an existing signed mandate (``direct_debit_mandate_id``), or give the ``client_id`` alone and
          Qonto creates a mandate: the answer then carries the ``sign_url`` to send the client to.
        - ``amount``: a :class:`~qonto_async.models.Money`, or a ``Decimal``/decimal string in ``currency``
          (positive, at most 2 decimals, never a float). ``bank_account_id``: the account credited.
        - ``schedule_type``: ``one_off`` (default at Qonto), ``weekly``, ``monthly``, ``quarterly``, ``yearly``, or
          ``custom`` with ``schedule_custom_interval`` and ``schedule_custom_unit``.
          ``schedule_total_collection_count`` caps the number of collections (omit it for no end).

        Sent wrapped in ``direct_debit_subscription``. Not retried (no idempotency key is documented).
        """
        if client_id is None and direct_debit_mandate_id is None:
            raise ConfigurationError(
                "pass direct_debit_mandate_id (an existing mandate) or client_id (Qonto then creates a mandate)."
            )
        sub: dict[str, Any] = {}
        if client_id is not None:
            sub["client_id"] = check_id("client_id", client_id)
        if direct_debit_mandate_id is not None:
            sub["direct_debit_mandate_id"] = check_id("direct_debit_mandate_id", direct_debit_mandate_id)
        if bank_account_id is not None:
            sub["bank_account_id"] = check_id("bank_account_id", bank_account_id)
        sub["initial_collection_date"] = date_param("initial_collection_date", initial_collection_date)
        sub["amount"] = money_param("amount", amount, currency=currency)
        sub["reference"] = text_param("reference", reference)
        if notify_client is not None:
            sub["notify_client"] = bool_param("notify_client", notify_client)
        custom = (schedule_custom_interval, schedule_custom_unit)
        if schedule_type is not None:
            sub["schedule_type"] = _schedule("schedule_type", schedule_type)
        is_custom = sub.get("schedule_type") == DirectDebitScheduleType.CUSTOM.value
        if is_custom and None in custom:
            raise ConfigurationError(
                "schedule_type='custom' needs schedule_custom_interval and schedule_custom_unit."
            )
        if not is_custom and custom != (None, None):
            raise ConfigurationError(
                "schedule_custom_interval and schedule_custom_unit go with schedule_type='custom'."
            )
        if schedule_custom_interval is not None:
            sub["schedule_custom_interval"] = _count("schedule_custom_interval", schedule_custom_interval)
        if schedule_custom_unit is not None:
            sub["schedule_custom_unit"] = text_param("schedule_custom_unit", schedule_custom_unit)
        if schedule_total_collection_count is not None:
            sub["schedule_total_collection_count"] = _count(
                "schedule_total_collection_count", schedule_total_collection_count
            )
        body = {"direct_debit_subscription": sub}
        return await self._send(Request(method="POST", path=_SUBSCRIPTIONS, json=body, decode=_SUBSCRIPTION))

    @operation("GET", "/v2/sepa/direct_debit_subscriptions/{direct_debit_subscription_id}")
    async def get_subscription(self, direct_debit_subscription_id: str) -> DirectDebitSubscription:
        """``GET /v2/sepa/direct_debit_subscriptions/{direct_debit_subscription_id}``: one subscription."""
        path = f"{_SUBSCRIPTIONS}/{path_id('direct_debit_subscription_id', direct_debit_subscription_id)}"
        return await self._send(Request(method="GET", path=path, decode=_SUBSCRIPTION))

    # --- collections (B15) -----------------------------------------------------------------------------------------

    @operation("GET", "/v2/sepa/direct_debit_collections")
    async def list_collections(
        self,
        *,
        direct_debit_subscription_id: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[DirectDebitCollection]:
        """``GET /v2/sepa/direct_debit_collections``: one page of collections, optionally of one subscription.

        A collection's ``status`` is fine-grained (``declined``, ``rejected``, ``canceled``...), with the reason in
        ``status_reason``; ``returned``/``refunded`` ones were credited, then reversed.
        """
        params = _collection_params(direct_debit_subscription_id).paging(page, per_page)
        return await self._send(
            Request(method="GET", path=_COLLECTIONS, params=params.pairs, decode=_COLLECTION_PAGE)
        )

    @operation("GET", "/v2/sepa/direct_debit_collections")
    def iterate_collections(
        self,
        *,
        direct_debit_subscription_id: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[DirectDebitCollection]:
        """Every collection (of one subscription, if given), across pages."""
        base = _collection_params(direct_debit_subscription_id).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[DirectDebitCollection]:
            return await self._send(
                Request(method="GET", path=_COLLECTIONS, params=pairs, decode=_COLLECTION_PAGE)
            )

        paginator: AsyncPaginator[DirectDebitCollection] = paginate(send, base, per_page, max_pages)
        return paginator
