"""SEPA beneficiary writes (qonto-api.md §3.1 rows 108, 110-112): add (untrusted), update name/email/activity
tag, trust (Embed partners' ``beneficiary.trust``) and untrust 1 to 400 at once. They change
``fake.data.beneficiaries``, which the read routes (and the legacy ``/v2/beneficiaries``) serve."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import ids, invalid, json_object, ok, text, wrapped
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_IBAN: Final = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_EDITABLE: Final = ("name", "email", "activity_tag")


def find(fake: FakeQonto, beneficiary_id: str) -> dict[str, Any] | None:
    return next((b for b in fake.data.beneficiaries if b["id"] == beneficiary_id), None)


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "beneficiary")
    name = text(fake, ctx, body, "name", "/beneficiary", limit=140)
    iban = text(fake, ctx, body, "iban", "/beneficiary")
    assert iban is not None
    if not _IBAN.match(iban):
        raise invalid(fake, ctx, "invalid_iban", "iban is not a valid IBAN", "/beneficiary/iban")
    if any(b["iban"] == iban for b in fake.data.beneficiaries):
        raise invalid(
            fake, ctx, "already_exists", "A beneficiary with this IBAN already exists", "/beneficiary/iban"
        )
    now = format_time(fake.now())
    beneficiary = {
        "id": f"{fake.data.prefix}-bef0-4000-8000-{len(fake.data.beneficiaries):012x}",
        "name": name,
        "iban": iban,
        "bic": body.get("bic"),
        "status": "pending",
        "trusted": False,  # qonto-api.md §3.1 row 108: added untrusted
        "created_at": now,
        "updated_at": now,
        "email": body.get("email"),
        "activity_tag": body.get("activity_tag"),
    }
    fake.data.beneficiaries.append(beneficiary)
    return ok(fake, ctx, {"beneficiary": beneficiary}, status=201)


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "beneficiary")
    beneficiary = find(fake, ctx.params["id"])
    if beneficiary is None:
        return fake._error(404, "not_found", "Beneficiary not found", ctx.trace)
    unknown = sorted(set(body) - set(_EDITABLE))
    if unknown:
        raise invalid(
            fake, ctx, "not_editable", "Only name, email and activity_tag can change", f"/beneficiary/{unknown[0]}"
        )
    if not body:
        raise invalid(fake, ctx, "missing_parameter", "Nothing to update", "/beneficiary")
    for field in _EDITABLE:
        if field in body:
            beneficiary[field] = text(fake, ctx, body, field, "/beneficiary", limit=140)
    beneficiary["updated_at"] = format_time(fake.now())
    return ok(fake, ctx, {"beneficiary": beneficiary})


def set_trust(fake: FakeQonto, ctx: _Ctx, trusted: bool) -> list[dict[str, Any]]:
    wanted = ids(fake, ctx, json_object(fake, ctx), "ids", 400)
    found = [find(fake, i) for i in wanted]
    missing = [i for i, b in zip(wanted, found, strict=True) if b is None]
    if missing:
        raise invalid(fake, ctx, "not_found", f"Beneficiary not found: {missing[0]}", "/ids", status=404)
    now = format_time(fake.now())
    changed = [b for b in found if b is not None]
    for beneficiary in changed:
        if beneficiary["trusted"] != trusted:
            beneficiary.update(trusted=trusted, updated_at=now)
    return changed


async def _trust(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"beneficiaries": set_trust(fake, ctx, True)})


async def _untrust(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"beneficiaries": set_trust(fake, ctx, False)})


# qonto-api.md §2.1 (beneficiary writes are OAuth only), §2.3 (payment.write; beneficiary.trust for trusting),
# §7 (the key is required when adding one). Trusting needs SCA: add its route to fake.sca.require_for to see it.
ROUTES: tuple[_Route, ...] = (
    _Route(
        "POST", "/v2/sepa/beneficiaries", _create, "payment.write", False, write=True, idempotency_required=True
    ),
    _Route("PATCH", "/v2/sepa/beneficiaries/{id}", _update, "payment.write", False, write=True),
    _Route("PATCH", "/v2/sepa/beneficiaries/trust", _trust, "beneficiary.trust", False, write=True),
    _Route("PATCH", "/v2/sepa/beneficiaries/untrust", _untrust, "payment.write", False, write=True),
)
