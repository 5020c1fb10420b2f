"""``qonto.quotes``: quotes sent to clients (qonto-api.md §3.1 rows 80-85).

Items are :class:`~qonto_async.models.InvoiceItemInput` (checked when built: Decimal money, VAT as a fraction);
the same shape serves client invoices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.quotes import InvoiceDiscountInput, InvoiceItemInput, Quote, QuoteStatus
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    amount_param,
    check_id,
    check_per_page,
    date_param,
    operation,
    path_id,
)
from qonto_async.serde import decoder, unstructure
from qonto_async.session import Request

_PAGE = page_decoder(Quote, key="quotes")
_QUOTE = decoder(Quote)
_STATUSES: Final = tuple(s.value for s in QuoteStatus)
_SORT_BY: Final = ("created_at:asc", "created_at:desc")


def decode_quote(body: Any) -> Quote:
    """A quote from a response body. Qonto's examples send the quote's fields at the top level, not under a
    ``quote`` key as most resources do; both forms are read, so a later change on Qonto's side breaks nothing."""
    if isinstance(body, Mapping) and isinstance(body.get("quote"), Mapping) and "id" not in body:
        return _QUOTE(body["quote"])
    return _QUOTE(body)


def _filters(
    *,
    status: QuoteStatus | str | None,
    created_at_from: datetime | str | None,
    created_at_to: datetime | str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and sort_by not in _SORT_BY:
        raise ConfigurationError(f"sort_by must be 'created_at:asc' or 'created_at:desc', got {sort_by!r}.")
    params = Params()
    if status is not None:
        value = status.value if isinstance(status, QuoteStatus) else status
        if value not in _STATUSES:
            raise ConfigurationError(f"status must be one of {', '.join(_STATUSES)}; got {status!r}.")
        params.add("filter[status]", value)
    params.add_datetime("filter[created_at_from]", created_at_from)
    params.add_datetime("filter[created_at_to]", created_at_to)
    return params.add("sort_by", sort_by)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def items_body(items: object) -> list[dict[str, Any]]:
    """The ``items`` array of a quote or invoice body: one or more :class:`InvoiceItemInput`."""
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ConfigurationError(f"items must be a list of InvoiceItemInput, got {type(items).__name__}.")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, InvoiceItemInput):
            raise ConfigurationError(
                f"items[{index}] must be an InvoiceItemInput(title=..., quantity=..., unit_price=Money(...), "
                f"vat_rate=...), got {type(item).__name__}."
            )
        line: dict[str, Any] = unstructure(item)
        # The item's own currency (Postman's body has one per item) follows its unit price.
        line["currency"] = item.unit_price.currency
        out.append(line)
    if not out:
        raise ConfigurationError("items needs at least one InvoiceItemInput.")
    return out


def discount_body(discount: object) -> dict[str, Any]:
    if not isinstance(discount, InvoiceDiscountInput):
        raise ConfigurationError(
            f"discount must be an InvoiceDiscountInput(type=..., value=...), got {type(discount).__name__}."
        )
    body: dict[str, Any] = unstructure(discount)
    return body


def _currency(value: object) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ConfigurationError(f"currency must be an ISO 4217 code such as 'EUR', got {value!r}.")
    return value


def _emails(values: object) -> list[str]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(f"send_to must be a list of e-mail addresses, got {type(values).__name__}.")
    out = []
    for value in values:
        text = check_id("send_to", value)
        if "@" not in text:
            raise ConfigurationError(f"send_to must hold e-mail addresses, got {value!r}.")
        out.append(text)
    if not out:
        raise ConfigurationError("send_to needs at least one e-mail address.")
    return out


def _document_fields(
    *,
    issue_date: date | str | None,
    expiry_date: date | str | None,
    number: str | None,
    terms_and_conditions: str | None,
    header: str | None,
    footer: str | None,
    discount: InvoiceDiscountInput | None,
    stamp_duty_amount: Decimal | str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if issue_date is not None:
        body["issue_date"] = date_param("issue_date", issue_date)
    if expiry_date is not None:
        body["expiry_date"] = date_param("expiry_date", expiry_date)
    for field, value in (
        ("number", number),
        ("terms_and_conditions", terms_and_conditions),
        ("header", header),
        ("footer", footer),
    ):
        if value is not None:
            body[field] = _text(field, value)
    if discount is not None:
        body["discount"] = discount_body(discount)
    if stamp_duty_amount is not None:
        body["stamp_duty_amount"] = amount_param("stamp_duty_amount", stamp_duty_amount)
    if "issue_date" in body and "expiry_date" in body and body["expiry_date"] < body["issue_date"]:
        raise ConfigurationError(
            f"expiry_date ({body['expiry_date']}) must not be before issue_date ({body['issue_date']})."
        )
    return body


class QuotesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/quotes")
    async def list(
        self,
        *,
        status: QuoteStatus | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Quote]:
        """``GET /v2/quotes``: one page of quotes (scope ``client_invoices.read``; API keys work too).

        ``status`` (``pending_approval``, ``approved``, ``canceled``; every status by default) is sent as
        ``filter[status]``, the dates (aware datetimes or ISO 8601 text) as ``filter[created_at_from|to]``;
        ``sort_by`` is ``created_at:asc`` or ``created_at:desc``.
        """
        params = _filters(
            status=status, created_at_from=created_at_from, created_at_to=created_at_to, sort_by=sort_by
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/quotes", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/quotes")
    def iterate(
        self,
        *,
        status: QuoteStatus | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Quote]:
        """Every quote matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                status=status, created_at_from=created_at_from, created_at_to=created_at_to, sort_by=sort_by
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Quote]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/quotes", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/quotes/{id}")
    async def get(self, id: str) -> Quote:
        """``GET /v2/quotes/{id}``: one quote."""
        return await self._send(Request(method="GET", path=f"/v2/quotes/{path_id('id', id)}", decode=decode_quote))

    @operation("POST", "/v2/quotes")
    async def create(
        self,
        *,
        client_id: str,
        issue_date: date | str,
        expiry_date: date | str,
        items: Iterable[InvoiceItemInput],
        currency: str = "EUR",
        terms_and_conditions: str | None = None,
        number: str | None = None,
        header: str | None = None,
        footer: str | None = None,
        discount: InvoiceDiscountInput | None = None,
        stamp_duty_amount: Decimal | str | None = None,
    ) -> Quote:
        """``POST /v2/quotes``: create a quote for a client (scope ``client_invoice.write``). Returns it.

        ``items`` are :class:`~qonto_async.models.InvoiceItemInput` (``unit_price`` a Money with a ``Decimal``
        value, ``vat_rate`` a fraction such as ``"0.2"``); ``discount`` an optional
        :class:`~qonto_async.models.InvoiceDiscountInput` on the whole quote (a percentage is a fraction,
        ``"0.1"`` = 10 %). Dates are ``date`` objects or ``YYYY-MM-DD``; ``expiry_date`` may not precede
        ``issue_date``. ``number`` is generated by Qonto when omitted. The body is not wrapped in a root key.
        No idempotency key is documented, so the call is never retried automatically: on a timeout, look the
        quote up with :meth:`list` before creating it again.
        """
        body: dict[str, Any] = {
            "client_id": check_id("client_id", client_id),
            "currency": _currency(currency),
            "items": items_body(items),
            **_document_fields(
                issue_date=issue_date,
                expiry_date=expiry_date,
                number=number,
                terms_and_conditions=terms_and_conditions,
                header=header,
                footer=footer,
                discount=discount,
                stamp_duty_amount=stamp_duty_amount,
            ),
        }
        return await self._send(Request(method="POST", path="/v2/quotes", json=body, decode=decode_quote))

    @operation("PATCH", "/v2/quotes/{id}")
    async def update(
        self,
        id: str,
        *,
        issue_date: date | str | None = None,
        expiry_date: date | str | None = None,
        items: Iterable[InvoiceItemInput] | None = None,
        currency: str | None = None,
        terms_and_conditions: str | None = None,
        number: str | None = None,
        header: str | None = None,
        footer: str | None = None,
        discount: InvoiceDiscountInput | None = None,
        stamp_duty_amount: Decimal | str | None = None,
    ) -> Quote:
        """``PATCH /v2/quotes/{id}``: change a quote; only the arguments given are sent (at least one).

        ``items``, when given, **replace** every line of the quote. Returns the updated quote. Not retried
        automatically (no idempotency key).
        """
        body = _document_fields(
            issue_date=issue_date,
            expiry_date=expiry_date,
            number=number,
            terms_and_conditions=terms_and_conditions,
            header=header,
            footer=footer,
            discount=discount,
            stamp_duty_amount=stamp_duty_amount,
        )
        if currency is not None:
            body["currency"] = _currency(currency)
        if items is not None:
            body["items"] = items_body(items)
        if not body:
            raise ConfigurationError("update needs at least one field to change.")
        path = f"/v2/quotes/{path_id('id', id)}"
        return await self._send(Request(method="PATCH", path=path, json=body, decode=decode_quote))

    @operation("DELETE", "/v2/quotes/{id}")
    async def delete(self, id: str) -> None:
        """``DELETE /v2/quotes/{id}``: delete a quote (Qonto answers 204). Not retried automatically."""
        await self._send(Request(method="DELETE", path=f"/v2/quotes/{path_id('id', id)}"))

    @operation("POST", "/v2/quotes/{id}/send")
    async def send(
        self,
        id: str,
        *,
        send_to: Iterable[str],
        email_title: str | None = None,
        email_body: str | None = None,
        copy_to_self: bool | None = None,
    ) -> None:
        """``POST /v2/quotes/{id}/send``: e-mail the quote to ``send_to`` (one or more addresses); 204.

        ``copy_to_self`` also sends it to you. Not retried automatically: a second call sends a second e-mail.
        """
        body: dict[str, Any] = {"send_to": _emails(send_to)}
        if email_title is not None:
            body["email_title"] = _text("email_title", email_title)
        if email_body is not None:
            body["email_body"] = _text("email_body", email_body)
        if copy_to_self is not None:
            if not isinstance(copy_to_self, bool):
                raise ConfigurationError(f"copy_to_self must be True or False, got {copy_to_self!r}.")
            body["copy_to_self"] = copy_to_self
        path = f"/v2/quotes/{path_id('id', id)}/send"
        await self._send(Request(method="POST", path=path, json=body))
