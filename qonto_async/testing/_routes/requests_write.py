"""Requests writes (qonto-api.md §3.1 rows 87-91): create flash-card, virtual-card and multi-transfer requests;
approve or decline a pending one. OAuth only. New requests join ``fake.data.requests``, so ``GET /v2/requests``
lists them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import amount, invalid, json_object, ok, text, wrapped
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

# OpenAPI: the {request_type} path segment is plural; a request's own request_type is singular.
_SINGULAR: Final = {
    "flash_cards": "flash_card",
    "virtual_cards": "virtual_card",
    "transfers": "transfer",
    "multi_transfers": "multi_transfer",
}


def _new(fake: FakeQonto, kind: str, note: str | None) -> dict[str, Any]:
    data = fake.data
    request: dict[str, Any] = {
        "id": f"{data.prefix}-4e90-4000-8000-{len(data.requests):012x}",
        "request_type": kind,
        "status": "pending",
        # The API's caller is the initiator (OpenAPI: "the initiator is the authenticated membership").
        "initiator_id": data.memberships[0]["id"],
        "approver_id": None,
        "note": note,
        "declined_note": None,
        "processed_at": None,
        "created_at": format_time(fake.now()),
    }
    data.requests.append(request)
    return request


async def _flash_card(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "request_flash_card")
    note = text(fake, ctx, body, "note", "/request_flash_card", required=False)
    limit = body.get("payment_lifespan_limit")
    if limit is not None:
        limit = f"{amount(fake, ctx, limit, '/request_flash_card/payment_lifespan_limit'):.2f}"
    expires = body.get("pre_expires_at")
    if expires is not None:
        try:
            parsed = datetime.fromisoformat(expires) if isinstance(expires, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or parsed <= fake.now():
            raise invalid(
                fake,
                ctx,
                "invalid",
                "pre_expires_at must be a future ISO 8601 date-time",
                "/request_flash_card/pre_expires_at",
            )
        expires = format_time(parsed)
    request = _new(fake, "flash_card", note)
    request.update(payment_lifespan_limit=limit, pre_expires_at=expires, currency="EUR")
    return ok(fake, ctx, {"request_flash_card": request})


async def _virtual_card(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "request_virtual_card")
    note = text(fake, ctx, body, "note", "/request_virtual_card", required=False)
    limit = body.get("payment_monthly_limit")
    if limit is not None:
        limit = f"{amount(fake, ctx, limit, '/request_virtual_card/payment_monthly_limit'):.2f}"
    request = _new(fake, "virtual_card", note)
    request.update(payment_monthly_limit=limit, currency="EUR")
    return ok(fake, ctx, {"request_virtual_card": request})


async def _multi_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "request_multi_transfer")
    note = text(fake, ctx, body, "note", "/request_multi_transfer")
    transfers = body.get("transfers")
    if not isinstance(transfers, list) or not 1 <= len(transfers) <= 400:
        raise invalid(fake, ctx, "invalid", "transfers takes 1 to 400 items", "/request_multi_transfer/transfers")
    debit_iban = body.get("debit_iban")
    if debit_iban is not None and fake.data.account_by_iban(str(debit_iban)) is None:
        raise invalid(
            fake,
            ctx,
            "not_found",
            "No account of this organization has this IBAN",
            "/request_multi_transfer/debit_iban",
        )
    made: list[dict[str, Any]] = []
    total = Decimal(0)
    for n, transfer in enumerate(transfers):
        where = f"/request_multi_transfer/transfers/{n}"
        if not isinstance(transfer, dict):
            raise invalid(fake, ctx, "invalid", "each transfer must be an object", where)
        for field in ("credit_iban", "currency", "credit_account_currency"):
            text(fake, ctx, transfer, field, where)
        name = text(fake, ctx, transfer, "credit_account_name", where, limit=140)
        reference = text(fake, ctx, transfer, "reference", where, limit=140)
        if transfer["currency"] != "EUR":
            raise invalid(fake, ctx, "invalid", "Only EUR is allowed", f"{where}/currency")
        value = amount(fake, ctx, transfer.get("amount"), f"{where}/amount")
        total += value
        made.append(
            {
                "id": f"{fake.data.prefix}-4e91-4000-8000-{len(fake.data.requests):06x}{n:06x}",
                "credit_account_name": name,
                "amount": f"{value:.2f}",
                "currency": "EUR",
                "reference": reference,
            }
        )
    request = _new(fake, "multi_transfer", note)
    request.update(
        total_transfers_amount=f"{total:.2f}",
        total_transfers_amount_currency="EUR",
        total_transfers_count=len(made),
        scheduled_date=body.get("scheduled_date") or fake.now().date().isoformat(),
    )
    return ok(fake, ctx, {"request_multi_transfer": {**request, "transfers": made}})


def _pending(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any] | web.Response:
    kind = _SINGULAR.get(ctx.params["request_type"])
    if kind is None:
        return fake._error(
            404,
            "not_found",
            f"Unknown request type {ctx.params['request_type']!r}",
            ctx.trace,
            source={"parameter": "request_type"},
        )
    for request in fake.data.requests:
        if request["id"] == ctx.params["id"] and request["request_type"] == kind:
            if request["status"] != "pending":
                return fake._error(
                    422,
                    "invalid_status",
                    f"The request is {request['status']}, not pending",
                    ctx.trace,
                    source={"parameter": "id"},
                )
            return request
    return fake._error(404, "not_found", "Request not found", ctx.trace, source={"parameter": "id"})


async def _approve(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    found = _pending(fake, ctx)
    if isinstance(found, web.Response):
        return found
    debit_iban = body.get("debit_iban")
    if debit_iban is not None and fake.data.account_by_iban(str(debit_iban)) is None:
        raise invalid(fake, ctx, "not_found", "No account of this organization has this IBAN", "/debit_iban")
    found.update(
        status="approved", approver_id=fake.data.memberships[0]["id"], processed_at=format_time(fake.now())
    )
    return ok(fake, ctx, {f"request_{found['request_type']}": found})


async def _decline(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    note = text(fake, ctx, body, "declined_note", "")
    found = _pending(fake, ctx)
    if isinstance(found, web.Response):
        return found
    found.update(
        status="declined",
        approver_id=fake.data.memberships[0]["id"],
        declined_note=note,
        processed_at=format_time(fake.now()),
    )
    return ok(fake, ctx, {f"request_{found['request_type']}": found})


# qonto-api.md §2.3 scopes; §2.1: request creation and review are OAuth only; §7: the key is required on
# multi-transfer requests, approve and decline.
ROUTES: tuple[_Route, ...] = (
    _Route("POST", "/v2/requests/flash_cards", _flash_card, "request_cards.write", False, write=True),
    _Route("POST", "/v2/requests/virtual_cards", _virtual_card, "request_cards.write", False, write=True),
    _Route(
        "POST",
        "/v2/requests/multi_transfers",
        _multi_transfer,
        "request_transfers.write",
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route(
        "POST",
        "/v2/requests/{request_type}/{id}/approve",
        _approve,
        "request_review.write",
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route(
        "POST",
        "/v2/requests/{request_type}/{id}/decline",
        _decline,
        "request_review.write",
        False,
        write=True,
        idempotency_required=True,
    ),
)
