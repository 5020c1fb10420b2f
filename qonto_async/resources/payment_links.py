"""``qonto.payment_links``: payment links and the provider connection behind them (qonto-api.md §3.1 rows 72-79).

OAuth only (scopes ``payment_link.read`` / ``payment_link.write``). Qonto documents no idempotency key for these
writes, so they are never retried after a transport error: check with :meth:`PaymentLinksResource.list` first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.payment_links import (
    PaymentLink,
    PaymentLinkConnection,
    PaymentLinkItem,
    PaymentLinkItemType,
    PaymentLinkMethodAvailability,
    PaymentLinkPayment,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    amount_param,
    bool_param,
    check_id,
    currency_param,
    money_param,
    one_value,
    operation,
    paginate,
    path_id,
    sort_param,
    text_param,
    vat_rate_fraction,
)
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

__all__ = ["PaymentLinksResource"]

_LINK = decoder(PaymentLink)
_LINK_PAGE = page_decoder(PaymentLink, key="payment_links")
_PAYMENT_PAGE = page_decoder(PaymentLinkPayment, key="payments")
_METHODS = list_decoder(PaymentLinkMethodAvailability, key="payment_link_payment_methods")
_CONNECTION = decoder(PaymentLinkConnection)
_ITEM_TYPES: Final = tuple(t.value for t in PaymentLinkItemType)


# --- Payment links ------------------------------------------------------------------------------------------------


def _decode_link(body: Any) -> PaymentLink:
    # Qonto's collection wraps the created link in "payment_link" but shows GET and deactivate unwrapped: read both.
    if isinstance(body, Mapping) and isinstance(body.get("payment_link"), Mapping):
        return _LINK(body["payment_link"])
    return _LINK(body)


def _decode_connection(body: Any) -> PaymentLinkConnection:
    if isinstance(body, Mapping) and isinstance(body.get("connection"), Mapping):
        return _CONNECTION(body["connection"])
    return _CONNECTION(body)


def _quantity(name: str, value: object) -> str:
    if isinstance(value, float):
        raise ConfigurationError(
            f"{name} must be a Decimal, an int or a decimal string, never a float (got {value!r})."
        )
    try:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise InvalidOperation
        quantity = Decimal(value) if not isinstance(value, str) or value == value.strip() else Decimal("NaN")
    except InvalidOperation:
        quantity = Decimal("NaN")
    if not quantity.is_finite() or quantity <= 0:
        raise ConfigurationError(
            f"{name} must be a positive number (Decimal, int or decimal string), got {value!r}."
        )
    return f"{quantity.normalize():f}" if quantity != quantity.to_integral_value() else str(int(quantity))


def _vat_rate(name: str, value: object) -> str:
    rate = vat_rate_fraction(value, name=name)  # type: ignore[arg-type]  # checked inside
    return f"{rate.normalize():f}" if rate else "0"


def _item(index: int, item: object) -> dict[str, Any]:
    where = f"items[{index}]"
    if isinstance(item, Mapping):
        unknown = set(item) - {f.name for f in PaymentLinkItem.__attrs_attrs__}
        if unknown:
            raise ConfigurationError(f"{where} has unknown fields {sorted(unknown)}.")
        try:
            item = PaymentLinkItem(**item)
        except TypeError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
    if not isinstance(item, PaymentLinkItem):
        raise ConfigurationError(f"{where} must be a PaymentLinkItem (or a mapping of its fields), got {item!r}.")
    kind = item.type.value if isinstance(item.type, enum.Enum) else item.type
    if kind not in _ITEM_TYPES:
        raise ConfigurationError(f"{where}.type must be one of {', '.join(_ITEM_TYPES)}; got {item.type!r}.")
    out: dict[str, Any] = {
        "title": text_param(f"{where}.title", item.title),
        "quantity": _quantity(f"{where}.quantity", item.quantity),
        "unit_price": money_param(f"{where}.unit_price", item.unit_price),
        "vat_rate": _vat_rate(f"{where}.vat_rate", item.vat_rate),
        "type": kind,
    }
    if item.description is not None:
        out["description"] = text_param(f"{where}.description", item.description)
    if item.measure_unit is not None:
        out["measure_unit"] = text_param(f"{where}.measure_unit", item.measure_unit)
    return out


def _methods(values: object) -> list[str]:
    if isinstance(values, str | enum.Enum):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, bytes | Mapping):
        raise ConfigurationError(f"potential_payment_methods must be a list of method names, got {values!r}.")
    out = [one_value("potential_payment_methods", value) for value in values]
    if not out:
        raise ConfigurationError(
            "potential_payment_methods needs at least one method (see list_payment_methods())."
        )
    if len(set(out)) != len(out):
        raise ConfigurationError(f"potential_payment_methods lists a method twice: {out!r}.")
    return out


def _list_params(status: object, sort_by: object) -> Params:
    params = Params()
    if status is not None:
        params.add("status", one_value("status", status))
    if sort_by is not None:
        params.add("sort_by", sort_param(sort_by))
    return params


class PaymentLinksResource(Resource):
    __slots__ = ()

    @operation("POST", "/v2/payment_links/connections")
    async def create_connection(
        self,
        *,
        partner_callback_url: str,
        user_bank_account_id: str,
        user_phone_number: str,
        user_website_url: str | None = None,
        business_description: str | None = None,
    ) -> PaymentLinkConnection:
        """``POST /v2/payment_links/connections``: connect a business account to the payment links provider.

        Returns the connection (201); send the user to its ``connection_location`` to finish the provider's
        onboarding, after which they come back to ``partner_callback_url``. Needed once, before any
        :meth:`create`. OAuth ``payment_link.write``. Not retried (no idempotency key is documented).
        """
        body: dict[str, Any] = {
            "partner_callback_url": text_param("partner_callback_url", partner_callback_url),
            "user_bank_account_id": check_id("user_bank_account_id", user_bank_account_id),
            "user_phone_number": text_param("user_phone_number", user_phone_number),
        }
        if user_website_url is not None:
            body["user_website_url"] = text_param("user_website_url", user_website_url)
        if business_description is not None:
            body["business_description"] = text_param("business_description", business_description)
        return await self._send(
            Request(method="POST", path="/v2/payment_links/connections", json=body, decode=_decode_connection)
        )

    @operation("GET", "/v2/payment_links/connections")
    async def get_connection(self) -> PaymentLinkConnection:
        """``GET /v2/payment_links/connections``: the connection's status (404 when none was made)."""
        return await self._send(
            Request(method="GET", path="/v2/payment_links/connections", decode=_decode_connection)
        )

    @operation("POST", "/v2/payment_links")
    async def create(
        self,
        *,
        items: Iterable[PaymentLinkItem | Mapping[str, Any]],
        potential_payment_methods: Iterable[str] | str,
        reusable: bool = False,
    ) -> PaymentLink:
        """``POST /v2/payment_links``: create a payment link (OAuth ``payment_link.write``).

        - ``items``: at least one :class:`~qonto_async.models.PaymentLinkItem` with ``title``, ``quantity``
          (``Decimal``/int/decimal string), ``unit_price`` (a :class:`~qonto_async.models.Money`, value with at
          most 2 decimals, never a float), ``vat_rate`` as a **fraction** (``Decimal("0.2")`` = 20 %; ``20`` is
          refused as a likely percent) and ``type`` (``good``/``service``). The link's amount is their total.
        - ``potential_payment_methods``: the methods to offer (``credit_card``, ``paypal``, ``ideal``...); ask
          :meth:`list_payment_methods` which are enabled.
        - ``reusable``: accept several payments instead of one.

        Needs a connection (:meth:`create_connection`). Not retried (no idempotency key is documented).
        """
        if isinstance(items, Mapping | PaymentLinkItem) or not isinstance(items, Iterable):
            raise ConfigurationError("items must be a list of PaymentLinkItem.")
        lines = [_item(index, item) for index, item in enumerate(items)]
        if not lines:
            raise ConfigurationError("items needs at least one item.")
        body = {
            "payment_link": {
                "potential_payment_methods": _methods(potential_payment_methods),
                "reusable": bool_param("reusable", reusable),
                "items": lines,
            }
        }
        return await self._send(Request(method="POST", path="/v2/payment_links", json=body, decode=_decode_link))

    @operation("GET", "/v2/payment_links")
    async def list(
        self,
        *,
        status: str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[PaymentLink]:
        """``GET /v2/payment_links``: one page of payment links.

        ``status`` takes one value (``open``, ``processing``, ``expired``...); ``sort_by`` is ``field:asc|desc``
        (e.g. ``amount:desc``). Qonto was seen answering ``next_page: 0`` on the last page (qonto-api.md §15): the
        paginator of :meth:`iterate` stops on it.
        """
        params = _list_params(status, sort_by).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/payment_links", params=params.pairs, decode=_LINK_PAGE)
        )

    @operation("GET", "/v2/payment_links")
    def iterate(
        self,
        *,
        status: str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[PaymentLink]:
        """Every payment link matching the filters of :meth:`list`, across pages. Arguments are checked now."""
        base = _list_params(status, sort_by).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[PaymentLink]:
            return await self._send(
                Request(method="GET", path="/v2/payment_links", params=pairs, decode=_LINK_PAGE)
            )

        paginator: AsyncPaginator[PaymentLink] = paginate(send, base, per_page, max_pages)
        return paginator

    @operation("GET", "/v2/payment_links/{id}")
    async def get(self, id: str) -> PaymentLink:
        """``GET /v2/payment_links/{id}``: one payment link (wrapped in ``payment_link`` or not: both are read)."""
        path = f"/v2/payment_links/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_decode_link))

    @operation("PATCH", "/v2/payment_links/{id}/deactivate")
    async def deactivate(self, id: str) -> PaymentLink:
        """``PATCH /v2/payment_links/{id}/deactivate``: stop a link from accepting payments; returns the link."""
        path = f"/v2/payment_links/{path_id('id', id)}/deactivate"
        return await self._send(Request(method="PATCH", path=path, decode=_decode_link))

    @operation("GET", "/v2/payment_links/{id}/payments")
    async def list_payments(
        self,
        id: str,
        *,
        status: str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[PaymentLinkPayment]:
        """``GET /v2/payment_links/{id}/payments``: one page of the payments made through a link.

        ``status`` takes one value (e.g. ``failed``); ``sort_by`` is ``field:asc|desc`` (e.g.
        ``creation_date:desc``).
        """
        path = f"/v2/payment_links/{path_id('id', id)}/payments"
        params = _list_params(status, sort_by).paging(page, per_page)
        return await self._send(Request(method="GET", path=path, params=params.pairs, decode=_PAYMENT_PAGE))

    @operation("GET", "/v2/payment_links/{id}/payments")
    def iterate_payments(
        self,
        id: str,
        *,
        status: str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[PaymentLinkPayment]:
        """Every payment of a link matching the filters of :meth:`list_payments`, across pages."""
        path = f"/v2/payment_links/{path_id('id', id)}/payments"
        base = _list_params(status, sort_by).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[PaymentLinkPayment]:
            return await self._send(Request(method="GET", path=path, params=pairs, decode=_PAYMENT_PAGE))

        paginator: AsyncPaginator[PaymentLinkPayment] = paginate(send, base, per_page, max_pages)
        return paginator

    @operation("GET", "/v2/payment_links/payment_methods")
    async def list_payment_methods(
        self,
        *,
        amount: Decimal | str | None = None,
        currency: str | None = None,
        locale: str | None = None,
    ) -> tuple[PaymentLinkMethodAvailability, ...]:
        """``GET /v2/payment_links/payment_methods``: which methods a link may offer (not paginated).

        Give ``amount`` (a ``Decimal`` or decimal string, never a float) **with** ``currency``, or a ``locale``
        instead (Qonto's collection: "Must be provided along with the currency"). Each result says whether the
        method is ``enabled``.
        """
        if (amount is None) != (currency is None):
            raise ConfigurationError("amount and currency go together: pass both, or neither (and a locale).")
        params = Params()
        if amount is not None:
            params.add("amount", amount_param("amount", amount)).add(
                "currency", currency_param("currency", currency)
            )
        if locale is not None:
            params.add("locale", text_param("locale", locale))
        return await self._send(
            Request(method="GET", path="/v2/payment_links/payment_methods", params=params.pairs, decode=_METHODS)
        )
