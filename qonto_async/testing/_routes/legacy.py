"""Deprecated routes (qonto-api.md §3.3, table C), with their sunsets on the fake's clock.

- ``GET /v1|v2/organizations/{slug}``: the organization (the slug is ignored, as on Qonto), with ``Sunset``,
  ``Deprecation`` and ``Link`` headers; ``410 Gone`` from 2026-09-15.
- ``/v2/external_transfers``: reads keep working; the writes (create for a trusted beneficiary, checkout) answer
  ``410 Gone`` from 2026-03-31. The checkout answers 200 with per-item ``errors`` (partial success) and honours
  each item's ``idempotency_key``.
- ``/v2/beneficiaries``: the SEPA beneficiaries of ``fake.data`` in the legacy shape (account under
  ``bank_account``); untrust changes the same records.

Run a fake with ``clock=`` set before a sunset to see the route still working.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import amount, invalid, json_object, ok, text, wrapped
from qonto_async.testing._routes.beneficiaries_write import find, set_trust
from qonto_async.testing._server import _Ctx, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

ORGANIZATION_SUNSET: Final = datetime(2026, 9, 15, tzinfo=UTC)
WRITES_SUNSET: Final = datetime(2026, 3, 31, tzinfo=UTC)
_MIGRATION_GUIDE: Final = (
    "https://docs.qonto.com/api-reference/business-api/accounts-organizations/organizations/"
    "migrate-from-deprecated-organization-endpoints"
)
_STATUSES: Final = ("pending", "processing", "canceled", "declined", "settled")


@attrs.define
class LegacyStore:
    transfers: list[dict[str, Any]] = attrs.field(factory=list)
    # checkout per-item idempotency keys (qonto-api.md §7) -> the transfer made for it
    item_keys: dict[str, dict[str, Any]] = attrs.field(factory=dict)


def _store(fake: FakeQonto) -> LegacyStore:
    found: LegacyStore = fake.stores.setdefault("legacy", LegacyStore())
    return found


def _gone(fake: FakeQonto, ctx: _Ctx, sunset: datetime, replacement: str) -> web.Response | None:
    if fake.now() < sunset:
        return None
    return fake._error(410, "gone", f"This endpoint was sunset on {sunset.date()}; use {replacement}", ctx.trace)


async def _organization(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    gone = _gone(fake, ctx, ORGANIZATION_SUNSET, "GET /v2/organization")
    if gone is not None:
        return gone
    headers = {
        "Deprecation": "true",
        "Sunset": ORGANIZATION_SUNSET.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Link": f'<{_MIGRATION_GUIDE}>; rel="deprecation"',
    }
    return fake._json(200, fake.data.organization(), ctx.trace, headers)


def _legacy_beneficiary(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": b["id"],
        "name": b["name"],
        "status": b["status"],
        "trusted": b["trusted"],
        "bank_account": {"iban": b["iban"], "bic": b["bic"], "currency": "EUR"},
        "created_at": b["created_at"],
        "updated_at": b["updated_at"],
    }


async def _list_beneficiaries(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    statuses = fake._choices(ctx, "status", ("pending", "validated", "declined"), bare=True)
    ibans = fake._choices(ctx, "iban", (), bare=True)
    trusted = ctx.query.get("trusted")
    if trusted not in (None, "true", "false"):
        raise fake._bad(ctx, "invalid_parameter", "trusted must be true or false", "trusted")
    updated_from = fake._datetime(ctx, "updated_at_from")
    updated_to = fake._datetime(ctx, "updated_at_to")
    selected = []
    for b in fake.data.beneficiaries:
        updated = datetime.fromisoformat(b["updated_at"])
        if (statuses and b["status"] not in statuses) or (ibans and b["iban"] not in ibans):
            continue
        if trusted is not None and b["trusted"] != (trusted == "true"):
            continue
        if (updated_from and updated < updated_from) or (updated_to and updated > updated_to):
            continue
        selected.append(_legacy_beneficiary(b))
    return fake._list(ctx, "beneficiaries", selected)


async def _get_beneficiary(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = find(fake, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Beneficiary not found", ctx.trace)
    return ok(fake, ctx, {"beneficiary": _legacy_beneficiary(found)})


async def _untrust(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"beneficiaries": [_legacy_beneficiary(b) for b in set_trust(fake, ctx, False)]})


def _transfer(
    fake: FakeQonto,
    *,
    debit_iban: str,
    value: Decimal,
    reference: str,
    beneficiary_id: str | None,
    note: str | None,
    scheduled_date: str | None,
) -> dict[str, Any]:
    store = _store(fake)
    now = fake.now()
    number = len(store.transfers) + 1
    cents = str(int(value * 100))
    # qonto-api.md §11: legacy external transfers send amounts and cents as strings.
    created = {
        "id": f"{fake.data.prefix}-e7e7-4000-8000-{number:012x}",
        "slug": f"{fake.data.login}-external-transfer-{number}",
        "debit_iban": debit_iban,
        "debit_amount": f"{value:.2f}",
        "debit_amount_cents": cents,
        "debit_currency": "EUR",
        "beneficiary_id": beneficiary_id,
        "initiator_id": fake.data.memberships[0]["id"],
        "credit_amount": f"{value:.2f}",
        "credit_amount_cents": cents,
        "credit_currency": "EUR",
        "rate_applied": None,
        "payment_purpose": None,
        "reference": reference,
        "note": note,
        "declined_reason": None,
        "status": "pending",
        "scheduled_date": scheduled_date or now.date().isoformat(),
        "created_at": format_time(now),
        "completed_at": None,
        "processed_at": None,
        "transaction_id": None,
    }
    store.transfers.append(created)
    return created


async def _create_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    gone = _gone(fake, ctx, WRITES_SUNSET, "POST /v2/sepa/transfers")
    if gone is not None:
        return gone
    body = wrapped(fake, ctx, "external_transfer")
    for name in ("beneficiary_id", "debit_iban", "currency"):
        text(fake, ctx, body, name, "/external_transfer")
    reference = text(fake, ctx, body, "reference", "/external_transfer", limit=140)
    assert reference is not None
    beneficiary = find(fake, body["beneficiary_id"])
    if beneficiary is None:
        raise invalid(fake, ctx, "not_found", "Beneficiary not found", "/external_transfer/beneficiary_id")
    if not beneficiary["trusted"]:
        # qonto-api.md §3.3: this route only pays trusted beneficiaries.
        raise invalid(
            fake,
            ctx,
            "beneficiary_not_trusted",
            "The beneficiary is not trusted",
            "/external_transfer/beneficiary_id",
        )
    if fake.data.account_by_iban(body["debit_iban"]) is None:
        raise invalid(fake, ctx, "not_found", "Bank account was not found", "/external_transfer/debit_iban")
    if body["currency"] != "EUR":
        raise invalid(fake, ctx, "invalid", "Only EUR is supported", "/external_transfer/currency")
    value = amount(fake, ctx, body.get("amount"), "/external_transfer/amount")
    created = _transfer(
        fake,
        debit_iban=body["debit_iban"],
        value=value,
        reference=reference,
        beneficiary_id=beneficiary["id"],
        note=body.get("note"),
        scheduled_date=body.get("scheduled_date"),
    )
    return ok(fake, ctx, {"external_transfer": created})


async def _checkout(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    gone = _gone(fake, ctx, WRITES_SUNSET, "POST /v2/sepa/bulk_transfers")
    if gone is not None:
        return gone
    body = json_object(fake, ctx)
    items = body.get("external_transfers")
    if not isinstance(items, list) or not 1 <= len(items) <= 400:
        raise invalid(fake, ctx, "invalid", "external_transfers takes 1 to 400 items", "/external_transfers")
    debit_iban = body.get("debit_iban")
    made: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []

    def error(n: int, code: str, detail: str, field: str) -> None:
        errors.append({"code": code, "detail": detail, "source": {"pointer": f"/external_transfers/{n}/{field}"}})

    store = _store(fake)
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            error(n, "invalid", "must be an object", "")
            continue
        key = item.get("idempotency_key")
        if isinstance(key, str) and key in store.item_keys:
            made.append(store.item_keys[key])
            continue
        if not isinstance(debit_iban, str) or fake.data.account_by_iban(debit_iban) is None:
            error(n, "not_found", "Bank account was not found", "debit_iban")
            continue
        missing = [
            f
            for f in ("credit_iban", "credit_account_name", "reference", "currency", "amount")
            if not isinstance(item.get(f), str) or not item[f].strip()
        ]
        if missing:
            error(n, "missing_parameter", f"{missing[0]} is required", missing[0])
            continue
        if item["currency"] != "EUR":
            error(n, "invalid", "Only EUR is supported", "currency")
            continue
        try:
            value = amount(fake, ctx, item["amount"], "")
        except _Reject:
            error(n, "invalid", "must be a positive decimal string with at most 2 decimals", "amount")
            continue
        created = _transfer(
            fake,
            debit_iban=debit_iban,
            value=value,
            reference=item["reference"],
            beneficiary_id=None,
            note=item.get("note"),
            scheduled_date=item.get("scheduled_date"),
        )
        if isinstance(key, str):
            store.item_keys[key] = created
        made.append(created)
    return ok(fake, ctx, {"external_transfers": made, "errors": errors})


async def _list_transfers(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    statuses = fake._choices(ctx, "status", _STATUSES, bare=True)
    beneficiaries = fake._choices(ctx, "beneficiary_ids", (), bare=True)
    selected = [
        t
        for t in _store(fake).transfers
        if (not statuses or t["status"] in statuses)
        and (not beneficiaries or t["beneficiary_id"] in beneficiaries)
    ]
    return fake._list(ctx, "external_transfers", selected)


async def _get_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    for transfer in _store(fake).transfers:
        if transfer["id"] == ctx.params["id"]:
            return ok(fake, ctx, {"external_transfer": transfer})
    return fake._error(404, "not_found", "External transfer not found", ctx.trace)


_READ: Final = "organization.read"
# Scopes and API-key access as the OpenAPI document's security lists give them (qonto-api.md §3.3: [OAS]).
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v1/organizations/{slug}", _organization, _READ, True),
    _Route("GET", "/v2/organizations/{slug}", _organization, _READ, True),
    _Route("GET", "/v2/external_transfers", _list_transfers, _READ, True),
    _Route("GET", "/v2/external_transfers/{id}", _get_transfer, _READ, True),
    _Route(
        "POST",
        "/v2/external_transfers",
        _create_transfer,
        "payment.write",
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route("POST", "/v2/external_transfers/checkout", _checkout, "payment.write", False, write=True),
    _Route("GET", "/v2/beneficiaries", _list_beneficiaries, _READ, True),
    _Route("GET", "/v2/beneficiaries/{id}", _get_beneficiary, _READ, True),
    _Route("PATCH", "/v2/beneficiaries/untrust", _untrust, "payment.write", True, write=True),
)
