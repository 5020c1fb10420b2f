"""``qonto.requests``: requests awaiting an approver: list, create, approve, decline (qonto-api.md §3.1 rows 86-91)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models._inputs import positive_amount
from qonto_async.models.requests import (
    ApprovalRequest,
    ApprovalRequestStatus,
    ApprovalRequestType,
    MultiTransferItem,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    datetime_param,
    operation,
    path_id,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(ApprovalRequest, key="requests")
_ONE = decoder(ApprovalRequest)
# The {request_type} path segment takes the plural (OpenAPI enum of approve/decline); the singular is what a
# request's own ``request_type`` says, so both are read, and the plural is sent.
_PATH_TYPES: Final = ("flash_cards", "virtual_cards", "transfers", "multi_transfers")
_PLURAL: Final = {t.value: t.value + "s" for t in ApprovalRequestType}
_MAX_TRANSFERS: Final = 400  # OpenAPI: request_multi_transfer.transfers has 1 to 400 items.
_MAX_TEXT: Final = 140  # OpenAPI: credit_account_name and reference are limited to 140 characters.
_STATUSES: Final = tuple(s.value for s in ApprovalRequestStatus)
_TYPES: Final = tuple(t.value for t in ApprovalRequestType)
# The OpenAPI enum of sort_by.
_SORT_BY: Final = tuple(
    f"{field}:{order}" for field in ("created_at", "processed_at", "status") for order in ("asc", "desc")
)


def _filters(
    *,
    status: Iterable[str] | str | None,
    request_type: Iterable[str] | str | None,
    created_at_from: datetime | str | None,
    processed_at_from: datetime | str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and sort_by not in _SORT_BY:
        raise ConfigurationError(f"sort_by must be one of {', '.join(_SORT_BY)}; got {sort_by!r}.")
    params = Params().add_list("status", status, choices=_STATUSES)
    params.add_list("request_type", request_type, choices=_TYPES)
    params.add_datetime("created_at_from", created_at_from).add_datetime("processed_at_from", processed_at_from)
    return params.add("sort_by", sort_by)


def _decode_review(body: Any) -> ApprovalRequest:
    # The wrapping key follows the request's type, and the docs disagree on it: approve's example says
    # ``request_transfer`` for a transfer, decline's says ``request_virtual_card`` for a virtual card, and both
    # schemas put all four kinds under that one name. Read whichever ``request_*`` object is there.
    if not isinstance(body, Mapping):
        raise TypeError(f"expected a JSON object, got {body.__class__.__name__}")
    found = [value for key, value in body.items() if key.startswith("request_") and isinstance(value, Mapping)]
    if len(found) != 1:
        raise KeyError(f"expected one request_* object in the response, got keys {sorted(body)}")
    return _ONE(found[0])


def _decoder_for(key: str) -> Any:
    def decode(body: Any) -> ApprovalRequest:
        return _ONE(body[key])

    return decode


_FLASH = _decoder_for("request_flash_card")
_VIRTUAL = _decoder_for("request_virtual_card")
_MULTI = _decoder_for("request_multi_transfer")


def _path_type(value: object) -> str:
    text = value.value if isinstance(value, enum.Enum) else value
    if isinstance(text, str):
        if text in _PATH_TYPES:
            return text
        if text in _PLURAL:
            return _PLURAL[text]
    raise ConfigurationError(
        f"request_type must be one of {', '.join(_PATH_TYPES)} (or a request's own request_type: "
        f"{', '.join(_PLURAL)}); got {value!r}."
    )


def _text(name: str, value: object, *, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    if limit is not None and len(value) > limit:
        raise ConfigurationError(f"{name} is limited to {limit} characters, got {len(value)}.")
    return value


def _limit(name: str, value: object) -> str:
    try:
        amount = positive_amount(value)  # type: ignore[arg-type]  # checked inside
    except ConfigurationError as exc:
        raise ConfigurationError(str(exc).replace("amount", name, 1)) from None
    return f"{amount:f}"


def _key(idempotency_key: str | None) -> str | None:
    return None if idempotency_key is None else check_id("idempotency_key", idempotency_key)


def _transfer(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, MultiTransferItem):
        raise ConfigurationError(
            f"transfers[{index}] must be a MultiTransferItem(amount=..., credit_iban=..., credit_account_name=..., "
            f"reference=...), got {type(item).__name__}."
        )
    where = f"transfers[{index}]"
    body: dict[str, Any] = {
        "amount": f"{item.amount:f}",
        "currency": check_id(f"{where}.currency", item.currency),
        "credit_iban": check_id(f"{where}.credit_iban", item.credit_iban),
        "credit_account_name": _text(f"{where}.credit_account_name", item.credit_account_name, limit=_MAX_TEXT),
        "credit_account_currency": check_id(f"{where}.credit_account_currency", item.credit_account_currency),
        "reference": _text(f"{where}.reference", item.reference, limit=_MAX_TEXT),
    }
    if item.attachment_ids:
        body["attachment_ids"] = list(item.attachment_ids)
    return body


class RequestsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/requests")
    async def list(
        self,
        *,
        status: Iterable[str] | str | None = None,
        request_type: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        processed_at_from: datetime | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[ApprovalRequest]:
        """``GET /v2/requests``: one page of requests (Business and Enterprise plans only).

        ``status`` (pending, approved, declined, canceled) and ``request_type`` (flash_card, virtual_card,
        transfer, multi_transfer) take one value or a list; Qonto returns every status and type by default.
        ``created_at_from``/``processed_at_from`` take an aware datetime or ISO 8601 text. ``sort_by`` is
        ``created_at``, ``processed_at`` or ``status`` with ``:asc``/``:desc`` (``created_at:desc`` by default).
        """
        params = _filters(
            status=status,
            request_type=request_type,
            created_at_from=created_at_from,
            processed_at_from=processed_at_from,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/requests", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/requests")
    def iterate(
        self,
        *,
        status: Iterable[str] | str | None = None,
        request_type: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        processed_at_from: datetime | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[ApprovalRequest]:
        """Every request matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                status=status,
                request_type=request_type,
                created_at_from=created_at_from,
                processed_at_from=processed_at_from,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[ApprovalRequest]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/requests", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/requests/flash_cards")
    async def create_flash_card(
        self,
        *,
        note: str | None = None,
        payment_lifespan_limit: Decimal | str | None = None,
        pre_expires_at: datetime | str | None = None,
    ) -> ApprovalRequest:
        """``POST /v2/requests/flash_cards``: ask an approver for a flash card (OAuth ``request_cards.write``; beta).

        ``payment_lifespan_limit`` is the card's total spending cap, a positive ``Decimal`` or decimal string (a
        float is refused); ``pre_expires_at`` an aware datetime or ISO 8601 text. Returns the created request
        (``status`` ``pending``). Qonto documents no idempotency key here, so the call is never retried.
        """
        body: dict[str, Any] = {}
        if note is not None:
            body["note"] = _text("note", note)
        if payment_lifespan_limit is not None:
            body["payment_lifespan_limit"] = _limit("payment_lifespan_limit", payment_lifespan_limit)
        if pre_expires_at is not None:
            body["pre_expires_at"] = datetime_param("pre_expires_at", pre_expires_at)
        return await self._send(
            Request(
                method="POST", path="/v2/requests/flash_cards", json={"request_flash_card": body}, decode=_FLASH
            )
        )

    @operation("POST", "/v2/requests/virtual_cards")
    async def create_virtual_card(
        self, *, note: str | None = None, payment_monthly_limit: Decimal | str | None = None
    ) -> ApprovalRequest:
        """``POST /v2/requests/virtual_cards``: ask an approver for a virtual card (OAuth ``request_cards.write``).

        ``payment_monthly_limit`` is a positive ``Decimal`` or decimal string (a float is refused). Returns the
        created request. Qonto documents no idempotency key here, so the call is never retried.
        """
        body: dict[str, Any] = {}
        if note is not None:
            body["note"] = _text("note", note)
        if payment_monthly_limit is not None:
            body["payment_monthly_limit"] = _limit("payment_monthly_limit", payment_monthly_limit)
        return await self._send(
            Request(
                method="POST",
                path="/v2/requests/virtual_cards",
                json={"request_virtual_card": body},
                decode=_VIRTUAL,
            )
        )

    @operation("POST", "/v2/requests/multi_transfers")
    async def create_multi_transfer(
        self,
        *,
        note: str,
        transfers: Sequence[MultiTransferItem],
        debit_iban: str | None = None,
        scheduled_date: date | str | None = None,
        idempotency_key: str | None = None,
    ) -> ApprovalRequest:
        """``POST /v2/requests/multi_transfers``: ask an approver to send 1 to 400 transfers at once.

        Each of ``transfers`` is a :class:`~qonto_async.models.MultiTransferItem` (its amount a ``Decimal`` or
        decimal string, checked when it is built). ``debit_iban`` defaults to the main account, ``scheduled_date``
        (``YYYY-MM-DD``) to today or the next banking day. OAuth ``request_transfers.write``; not on the Solo Basic
        plan. ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on
        every retry, or pass your own. The answer lists the transfers with their ids and the total.
        """
        if isinstance(transfers, str | bytes | Mapping) or not isinstance(transfers, Sequence):
            raise ConfigurationError(
                f"transfers must be a list of MultiTransferItem, got {type(transfers).__name__}."
            )
        if not 1 <= len(transfers) <= _MAX_TRANSFERS:
            raise ConfigurationError(f"transfers takes 1 to {_MAX_TRANSFERS} items, got {len(transfers)}.")
        inner: dict[str, Any] = {
            "note": _text("note", note),
            "transfers": [_transfer(n, item) for n, item in enumerate(transfers)],
        }
        if scheduled_date is not None:
            inner["scheduled_date"] = date_param("scheduled_date", scheduled_date)
        if debit_iban is not None:
            inner["debit_iban"] = check_id("debit_iban", debit_iban)
        return await self._send(
            Request(
                method="POST",
                path="/v2/requests/multi_transfers",
                json={"request_multi_transfer": inner},
                decode=_MULTI,
                idempotent_key_supported=True,
                idempotency_key=_key(idempotency_key),
            )
        )

    @operation("POST", "/v2/requests/{request_type}/{id}/approve")
    async def approve(
        self,
        request_type: ApprovalRequestType | str,
        id: str,
        *,
        debit_iban: str | None = None,
        idempotency_key: str | None = None,
    ) -> ApprovalRequest:
        """``POST /v2/requests/{request_type}/{id}/approve``: approve a pending request (OAuth ``request_review.write``).

        ``request_type`` is the path's ``flash_cards``, ``virtual_cards``, ``transfers`` or ``multi_transfers``;
        a request's own ``request_type`` (``transfer``...) is accepted too, so ``approve(r.request_type, r.id)``
        works. ``debit_iban`` picks the account to debit (transfers) or to link (cards); the main account
        otherwise. **SCA**: Qonto may answer 428 (qonto-api.md §8). ``X-Qonto-Idempotency-Key`` is required: one is
        generated per call and reused on every retry and on the SCA replay, or pass your own.
        """
        path = f"/v2/requests/{_path_type(request_type)}/{path_id('id', id)}/approve"
        body = {} if debit_iban is None else {"debit_iban": check_id("debit_iban", debit_iban)}
        return await self._send(
            Request(
                method="POST",
                path=path,
                json=body,
                decode=_decode_review,
                idempotent_key_supported=True,
                idempotency_key=_key(idempotency_key),
            )
        )

    @operation("POST", "/v2/requests/{request_type}/{id}/decline")
    async def decline(
        self,
        request_type: ApprovalRequestType | str,
        id: str,
        *,
        declined_note: str,
        idempotency_key: str | None = None,
    ) -> ApprovalRequest:
        """``POST /v2/requests/{request_type}/{id}/decline``: decline a pending request, saying why.

        ``request_type`` as for :meth:`approve`; ``declined_note`` is required and shown to the requester. OAuth
        ``request_review.write``. ``X-Qonto-Idempotency-Key`` is required: one is generated per call and reused
        on every retry, or pass your own.
        """
        path = f"/v2/requests/{_path_type(request_type)}/{path_id('id', id)}/decline"
        return await self._send(
            Request(
                method="POST",
                path=path,
                json={"declined_note": _text("declined_note", declined_note)},
                decode=_decode_review,
                idempotent_key_supported=True,
                idempotency_key=_key(idempotency_key),
            )
        )


def date_param(name: str, value: object) -> str:
    """A calendar date as ``YYYY-MM-DD``, from a ``date`` or ISO text (a datetime is refused: it would be ambiguous)."""
    if isinstance(value, datetime):
        raise ConfigurationError(f"{name} must be a date (YYYY-MM-DD), not a datetime: {value!r}.")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ConfigurationError(f"{name} must be a date or a 'YYYY-MM-DD' string, got {value!r}.")
