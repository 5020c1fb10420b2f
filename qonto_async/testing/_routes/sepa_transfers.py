"""FakeQonto: SEPA transfers, bulk and recurring transfers, and Verification of Payee (qonto-api.md §3.1 rows
92-106, §9).

State lives in ``fake.stores["sepa_transfers"]`` (a :class:`SepaStore`): a few seeded transfers and one recurring
transfer, then whatever the client creates. Verification of Payee is mocked the way the sandbox does it: the name is
compared with the holder the fake knows for the IBAN (its beneficiaries and accounts), and an IBAN listed in
``store.unavailable_ibans`` plays a responding bank that does not answer. Proof tokens last 23 hours on the fake's
clock and cover the IBANs they were issued for; ``store.proof_token_shape = "object"`` answers them in the other
documented shape, ``{"token": "..."}``.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
from aiohttp import web

from qonto_async.testing._data import ANCHOR, format_time
from qonto_async.testing._server import TRACE_HEADER, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto, _Ctx

PROOF_LIFETIME: Final = timedelta(hours=23)  # qonto-api.md §9
ATTACHMENT_THRESHOLD: Final = Decimal(30_000)  # qonto-api.md §9: above this, at least one attachment
MAX_PAYEES: Final = 400
_STATUSES: Final = ("pending", "processing", "canceled", "declined", "settled")
_FREQUENCIES: Final = ("weekly", "monthly", "quarterly", "half_yearly", "yearly")
_MATCH: Final = "MATCH_RESULT_MATCH"
_CLOSE: Final = "MATCH_RESULT_CLOSE_MATCH"
_NO_MATCH: Final = "MATCH_RESULT_NO_MATCH"
_NOT_POSSIBLE: Final = "MATCH_RESULT_NOT_POSSIBLE"
BANK_UNAVAILABLE: Final = "BAD_REQUEST_ERROR_RESPONDING_BANK_NOT_AVAILABLE"
_NO_ERROR: Final = "ERROR_UNSPECIFIED"


@attrs.define(kw_only=True)
class _Proof:
    ibans: frozenset[str]
    bulk: bool
    created_at: datetime


@attrs.define(kw_only=True)
class SepaStore:
    """The fake's SEPA state. Tests may read and tweak it (``unavailable_ibans``, ``proof_token_shape``)."""

    transfers: list[dict[str, Any]] = attrs.field(factory=list)
    recurring_transfers: list[dict[str, Any]] = attrs.field(factory=list)
    canceled_recurring: set[str] = attrs.field(factory=set)
    bulk_transfers: list[dict[str, Any]] = attrs.field(factory=list)
    proofs: dict[str, _Proof] = attrs.field(factory=dict)
    unavailable_ibans: set[str] = attrs.field(factory=set)
    proof_token_shape: Literal["string", "object"] = "string"
    verifications: int = 0


def store(fake: FakeQonto) -> SepaStore:
    found = fake.stores.get("sepa_transfers")
    if found is None:
        found = fake.stores["sepa_transfers"] = SepaStore()
        _seed(fake, found)
    assert isinstance(found, SepaStore)
    return found


def _id(fake: FakeQonto, kind: str, n: int) -> str:
    return f"{fake.data.prefix}-{kind}-4000-8000-{n:012x}"


def _money(amount: Decimal) -> float:
    # Qonto sends transfer amounts as JSON numbers (qonto-api.md §11); 2-decimal values round-trip exactly.
    return float(amount)


def _transfer(
    fake: FakeQonto,
    n: int,
    *,
    bank_account_id: str,
    beneficiary_id: str,
    amount: Decimal,
    reference: str,
    status: str,
    scheduled_date: str,
    created_at: datetime,
    note: str | None = None,
    recurring_transfer_id: str | None = None,
) -> dict[str, Any]:
    settled = status == "settled"
    processed = status in ("settled", "declined", "processing")
    return {
        "id": _id(fake, "5e9a", n),
        "initiator_id": fake.data.current_membership["id"],
        "bank_account_id": bank_account_id,
        "amount": _money(amount),
        "amount_cents": int(amount * 100),
        "amount_currency": "EUR",
        "status": status,
        "beneficiary_id": beneficiary_id,
        "reference": reference,
        "note": note,
        "declined_reason": "beneficiary_iban_invalid" if status == "declined" else None,
        "scheduled_date": scheduled_date,
        "created_at": format_time(created_at),
        "updated_at": format_time(created_at + timedelta(hours=1)),
        "processed_at": format_time(created_at + timedelta(minutes=5)) if processed else None,
        "completed_at": format_time(created_at + timedelta(minutes=10)) if settled else None,
        "transaction_id": _id(fake, "7a9a", n) if settled else None,
        "recurring_transfer_id": recurring_transfer_id,
    }


def _seed(fake: FakeQonto, state: SepaStore) -> None:
    account = fake.data.bank_accounts[0]["id"]
    beneficiaries = fake.data.beneficiaries
    recurring_id = _id(fake, "5e9b", 1)
    state.recurring_transfers.append(
        {
            "id": recurring_id,
            "initiator_id": fake.data.current_membership["id"],
            "bank_account_id": account,
            "amount": 1100.5,
            "amount_cents": 110050,
            "amount_currency": "EUR",
            "beneficiary_id": beneficiaries[0]["id"],
            "reference": "Office rent",
            "note": None,
            "first_execution_date": "2026-01-05",
            "last_execution_date": None,
            "next_execution_date": "2026-12-05",
            "frequency": "monthly",
            "status": "pending",
            "created_at": "2025-12-20T09:00:00.000Z",
            "updated_at": "2026-11-05T09:00:00.000Z",
        }
    )
    seeds = (
        ("settled", "Invoice 2026-101", Decimal("1250.00"), None),
        ("settled", "Office rent", Decimal("1100.50"), recurring_id),
        ("processing", "Invoice 2026-102", Decimal("89.90"), None),
        ("declined", "Invoice 2026-103", Decimal("12.00"), None),
        ("canceled", "Invoice 2026-104", Decimal("640.00"), None),
        ("pending", "Invoice 2026-105", Decimal("3000.00"), None),
    )
    for n, (status, reference, amount, recurring) in enumerate(seeds, start=1):
        created = ANCHOR - timedelta(days=40 - 5 * n)
        scheduled = (ANCHOR + timedelta(days=10)).date() if status == "pending" else created.date()
        state.transfers.append(
            _transfer(
                fake,
                n,
                bank_account_id=account,
                beneficiary_id=beneficiaries[n % len(beneficiaries)]["id"],
                amount=amount,
                reference=reference,
                status=status,
                scheduled_date=scheduled.isoformat(),
                created_at=created,
                recurring_transfer_id=recurring,
            )
        )


# --- request parsing ----------------------------------------------------------------------------------------------


def _invalid(fake: FakeQonto, ctx: _Ctx, code: str, detail: str, pointer: str) -> _Reject:
    # qonto-api.md §6.1: JSON:API-like items with a JSON pointer into the body.
    return _Reject(fake._error(422, code, detail, ctx.trace, source={"pointer": pointer}))


def _body(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    try:
        payload = json.loads(ctx.body)
    except (ValueError, RecursionError):
        raise _Reject(fake._error(400, "bad_request", "The request body is not valid JSON", ctx.trace)) from None
    if not isinstance(payload, dict):
        raise _invalid(fake, ctx, "invalid", "The body must be a JSON object", "/")
    return payload


def _string(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], key: str, pointer: str, *, limit: int = 140) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(fake, ctx, "missing_parameter", f"{key} is required", f"{pointer}/{key}")
    if len(value) > limit:
        raise _invalid(fake, ctx, "invalid", f"{key} is limited to {limit} characters", f"{pointer}/{key}")
    return value


def _amount(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> Decimal:
    raw = data.get("amount")
    if not isinstance(raw, str | int | float) or isinstance(raw, bool) or raw == "":
        raise _invalid(fake, ctx, "missing_parameter", "amount is required", f"{pointer}/amount")
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal(-1)
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2 or not 0 < amount < 10**9:
        raise _invalid(
            fake, ctx, "invalid", "amount must be a positive decimal with at most 2 decimals", f"{pointer}/amount"
        )
    return amount


def _date(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], key: str, pointer: str) -> str | None:
    raw = data.get(key)
    if raw is None:
        return None
    try:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise _invalid(fake, ctx, "invalid", f"{key} must be a YYYY-MM-DD date", f"{pointer}/{key}") from None


def _account(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> str:
    account_id = data.get("bank_account_id")
    if not isinstance(account_id, str) or not account_id:
        raise _invalid(fake, ctx, "missing_parameter", "bank_account_id is required", f"{pointer}/bank_account_id")
    if fake.data.account_index(account_id=account_id) is None:
        raise _invalid(fake, ctx, "not_found", "Bank account not found", f"{pointer}/bank_account_id")
    return account_id


def _attachments(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> list[str]:
    raw = data.get("attachment_ids", [])
    if not isinstance(raw, list) or not all(isinstance(a, str) and a for a in raw):
        raise _invalid(fake, ctx, "invalid", "attachment_ids must be a list of ids", f"{pointer}/attachment_ids")
    return raw


@attrs.frozen
class _Payee:
    beneficiary_id: str | None
    iban: str | None
    inline: dict[str, Any] | None


def _payee(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> _Payee:
    beneficiary_id = data.get("beneficiary_id")
    inline = data.get("beneficiary")
    if (beneficiary_id is None) == (inline is None):
        raise _invalid(
            fake, ctx, "invalid", "Provide either beneficiary_id or beneficiary", f"{pointer}/beneficiary_id"
        )
    if beneficiary_id is not None:
        if not isinstance(beneficiary_id, str) or not beneficiary_id:
            raise _invalid(fake, ctx, "invalid", "beneficiary_id must be an id", f"{pointer}/beneficiary_id")
        known = next((b for b in fake.data.beneficiaries if b["id"] == beneficiary_id), None)
        return _Payee(beneficiary_id, None if known is None else known["iban"], None)
    if not isinstance(inline, dict):
        raise _invalid(fake, ctx, "invalid", "beneficiary must be an object", f"{pointer}/beneficiary")
    name = _string(fake, ctx, inline, "name", f"{pointer}/beneficiary")
    iban = _string(fake, ctx, inline, "iban", f"{pointer}/beneficiary", limit=34)
    for key in ("bic", "email", "activity_tag"):
        if inline.get(key) is not None and not isinstance(inline[key], str):
            raise _invalid(fake, ctx, "invalid", f"{key} must be a string", f"{pointer}/beneficiary/{key}")
    return _Payee(None, iban, {**inline, "name": name, "iban": iban})


def _upsert_beneficiary(fake: FakeQonto, inline: dict[str, Any]) -> str:
    """The docs: inline beneficiary data creates an untrusted beneficiary, or updates the one with that IBAN."""
    now = format_time(fake.now())
    for beneficiary in fake.data.beneficiaries:
        if beneficiary["iban"] == inline["iban"]:
            for key in ("name", "bic", "email", "activity_tag"):
                if inline.get(key) is not None:
                    beneficiary[key] = inline[key]
            beneficiary["updated_at"] = now
            return str(beneficiary["id"])
    created = {
        "id": _id(fake, "bef1", len(fake.data.beneficiaries) + 1),
        "name": inline["name"],
        "iban": inline["iban"],
        "bic": inline.get("bic"),
        "status": "pending",
        "trusted": False,
        "created_at": now,
        "updated_at": now,
        "email": inline.get("email"),
        "activity_tag": inline.get("activity_tag"),
    }
    fake.data.beneficiaries.append(created)
    return str(created["id"])


def _proof(fake: FakeQonto, ctx: _Ctx, payload: dict[str, Any], ibans: set[str], *, bulk: bool) -> None:
    token = payload.get("vop_proof_token")
    if not isinstance(token, str) or not token:
        raise _invalid(
            fake,
            ctx,
            "missing_parameter",
            "vop_proof_token is required: verify the payee first",
            "/vop_proof_token",
        )
    proof = store(fake).proofs.get(token)
    if proof is None or fake.now() - proof.created_at > PROOF_LIFETIME:
        raise _invalid(
            fake, ctx, "invalid_vop_proof_token", "The proof token is unknown or expired", "/vop_proof_token"
        )
    # qonto-api.md §9: a bulk proof only covers the exact same payee set.
    covered = ibans == proof.ibans if bulk else ibans <= proof.ibans
    if not covered:
        raise _invalid(
            fake, ctx, "invalid_vop_proof_token", "The proof token does not cover these payees", "/vop_proof_token"
        )


def _transfer_fields(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> dict[str, Any]:
    fields = {
        "reference": _string(fake, ctx, data, "reference", pointer),
        "amount": _amount(fake, ctx, data, pointer),
        "payee": _payee(fake, ctx, data, pointer),
        "attachment_ids": _attachments(fake, ctx, data, pointer),
        "note": data.get("note"),
    }
    if fields["note"] is not None and not isinstance(fields["note"], str):
        raise _invalid(fake, ctx, "invalid", "note must be a string", f"{pointer}/note")
    return fields


def _business_errors(fields: dict[str, Any], pointer: str) -> list[dict[str, Any]]:
    errors = []
    payee: _Payee = fields["payee"]
    if payee.beneficiary_id is not None and payee.iban is None:
        errors.append(
            {
                "code": "not_found",
                "detail": "Beneficiary not found",
                "source": {"pointer": f"{pointer}/beneficiary_id"},
            }
        )
    if fields["amount"] > ATTACHMENT_THRESHOLD and not fields["attachment_ids"]:
        errors.append(
            {
                "code": "attachment_required",
                "detail": "Transfers above 30,000 EUR need at least one attachment",
                "source": {"pointer": f"{pointer}/attachment_ids"},
            }
        )
    return errors


# --- transfers ----------------------------------------------------------------------------------------------------


def _date_query(fake: FakeQonto, ctx: _Ctx, name: str) -> str | None:
    raw = ctx.query.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise fake._bad(ctx, "date_invalid", f"{name} must be a YYYY-MM-DD date", name) from None


def _at(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def list_transfers(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    # Key names as in Qonto's Postman collection: bare ``status``, ``ids``, ``recurring_transfer_ids``;
    # Rails-style ``beneficiary_ids[]`` (read bare too, as Rails would).
    statuses = fake._choices(ctx, "status", _STATUSES, bare=True)
    ids = fake._choices(ctx, "ids", (), bare=True)
    recurring = fake._choices(ctx, "recurring_transfer_ids", (), bare=True)
    beneficiaries = fake._choices(ctx, "beneficiary_ids", ())
    if len(ids) > 100:
        raise fake._bad(ctx, "invalid_parameter", "ids accepts up to 100 ids", "ids")
    updated_from = fake._datetime(ctx, "updated_at_from")
    updated_to = fake._datetime(ctx, "updated_at_to")
    scheduled_from = _date_query(fake, ctx, "scheduled_date_from")
    scheduled_to = _date_query(fake, ctx, "scheduled_date_to")
    selected = []
    for t in store(fake).transfers:
        updated = _at(t["updated_at"])
        assert updated is not None
        if (
            (statuses and t["status"] not in statuses)
            or (ids and t["id"] not in ids)
            or (recurring and t["recurring_transfer_id"] not in recurring)
            or (beneficiaries and t["beneficiary_id"] not in beneficiaries)
            or (updated_from is not None and updated < updated_from)
            or (updated_to is not None and updated > updated_to)
            or (scheduled_from is not None and t["scheduled_date"] < scheduled_from)
            or (scheduled_to is not None and t["scheduled_date"] > scheduled_to)
        ):
            continue
        selected.append(t)
    selected = fake._sorted(ctx, selected, ("scheduled_date", "updated_at"), "updated_at:desc")
    return fake._list(ctx, "transfers", selected)


def _find(items: list[dict[str, Any]], ident: str) -> dict[str, Any] | None:
    return next((item for item in items if item["id"] == ident), None)


async def get_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _find(store(fake).transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Transfer not found", ctx.trace)
    return fake._json(200, {"transfer": found}, ctx.trace)


async def create_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    payload = _body(fake, ctx)
    data = payload.get("transfer")
    if not isinstance(data, dict):
        raise _invalid(fake, ctx, "missing_parameter", "transfer is required", "/transfer")
    account = _account(fake, ctx, data, "/transfer")
    fields = _transfer_fields(fake, ctx, data, "/transfer")
    scheduled = _date(fake, ctx, data, "scheduled_date", "/transfer")
    errors = _business_errors(fields, "/transfer")
    if errors:
        return fake._json(422, {"errors": errors, "trace_id": ctx.trace}, ctx.trace)
    payee: _Payee = fields["payee"]
    assert payee.iban is not None
    _proof(fake, ctx, payload, {payee.iban}, bulk=False)
    return fake._json(200, {"transfer": _create(fake, account, fields, scheduled)}, ctx.trace)


def _create(
    fake: FakeQonto, account: str, fields: dict[str, Any], scheduled: str | None, recurring: str | None = None
) -> dict[str, Any]:
    payee: _Payee = fields["payee"]
    beneficiary_id = payee.beneficiary_id if payee.inline is None else _upsert_beneficiary(fake, payee.inline)
    assert beneficiary_id is not None
    state = store(fake)
    now = fake.now()
    today = now.date().isoformat()
    created = _transfer(
        fake,
        len(state.transfers) + 1,
        bank_account_id=account,
        beneficiary_id=beneficiary_id,
        amount=fields["amount"],
        reference=fields["reference"],
        # Instant by default (qonto-api.md §9); a future date waits as pending.
        status="pending" if scheduled is not None and scheduled > today else "processing",
        scheduled_date=scheduled or today,
        created_at=now,
        note=fields["note"],
        recurring_transfer_id=recurring,
    )
    created["updated_at"] = created["created_at"]
    state.transfers.append(created)
    return created


async def cancel_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _find(store(fake).transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Transfer not found", ctx.trace)
    if found["status"] != "pending":
        # The docs: only possible while the transfer has not been processed.
        return fake._error(
            400, "transfer_not_cancelable", f"A {found['status']} transfer cannot be canceled", ctx.trace
        )
    found["status"] = "canceled"
    found["updated_at"] = format_time(fake.now())
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


def proof_pdf(transfer: dict[str, Any]) -> bytes:
    """A small, deterministic stand-in for the proof PDF."""
    return (
        f"%PDF-1.4\n% SEPA transfer proof\n% transfer: {transfer['id']}\n% amount: {transfer['amount']:.2f} EUR\n"
        f"% reference: {transfer['reference']}\n%%EOF\n"
    ).encode()


async def download_proof(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _find(store(fake).transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Transfer not found", ctx.trace)
    if found["status"] != "settled":
        # The docs: only possible once the transfer has been completed.
        return fake._error(
            400, "transfer_not_completed", "The proof exists once the transfer is completed", ctx.trace
        )
    accept = ctx.request.headers.get("Accept", "*/*")
    if not any(kind in accept for kind in ("application/pdf", "*/*", "application/*")):
        return fake._error(406, "not_acceptable", "This endpoint answers application/pdf", ctx.trace)
    return web.Response(
        status=200, body=proof_pdf(found), content_type="application/pdf", headers={TRACE_HEADER: ctx.trace}
    )


# --- Verification of Payee ----------------------------------------------------------------------------------------

_FOLD: Final = re.compile(r"[^a-z0-9]+")


def _holder(fake: FakeQonto, iban: str) -> str | None:
    for beneficiary in fake.data.beneficiaries:
        if beneficiary["iban"] == iban:
            return str(beneficiary["name"])
    if fake.data.account_by_iban(iban) is not None:
        return "Pied Piper SAS"
    return None


def _match(fake: FakeQonto, iban: str, name: str) -> tuple[str, str | None]:
    holder = _holder(fake, iban)
    if holder is None:
        return _NOT_POSSIBLE, None
    if name == holder:
        return _MATCH, None
    folded, expected = _FOLD.sub(" ", name.lower()).strip(), _FOLD.sub(" ", holder.lower()).strip()
    if folded == expected or (folded and (expected.startswith(folded) or folded.startswith(expected))):
        return _CLOSE, holder
    return _NO_MATCH, None


def _issue(fake: FakeQonto, ibans: set[str], *, bulk: bool) -> Any:
    token = "vop_" + secrets.token_urlsafe(24)
    state = store(fake)
    state.proofs[token] = _Proof(ibans=frozenset(ibans), bulk=bulk, created_at=fake.now())
    return {"token": token} if state.proof_token_shape == "object" else token


def _vop_error(
    fake: FakeQonto, ctx: _Ctx, status: int, code: str, detail: str, pointer: str, **meta: Any
) -> _Reject:
    # The VoP endpoints answer the fuller JSON:API entry (qonto-api.md §6.1).
    item: dict[str, Any] = {
        "id": secrets.token_hex(8),
        "status": str(status),
        "code": code,
        "title": "Bad Request" if status == 400 else "Error",
        "detail": detail,
        "source": {"pointer": pointer},
    }
    if meta:
        item["meta"] = meta
    return _Reject(fake._json(status, {"errors": [item], "trace_id": ctx.trace}, ctx.trace))


def _vop_string(fake: FakeQonto, ctx: _Ctx, data: Any, key: str, pointer: str, limit: int) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _vop_error(
            fake, ctx, 400, "BAD_REQUEST_ERROR_INVALID_ARGUMENT", f"{key} must be 1 to {limit} characters", pointer
        )
    return value


async def verify_payee(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    payload = _body(fake, ctx)
    iban = _vop_string(fake, ctx, payload, "iban", "/iban", 34)
    name = _vop_string(fake, ctx, payload, "beneficiary_name", "/beneficiary_name", 140)
    store(fake).verifications += 1
    if iban in store(fake).unavailable_ibans:
        # qonto-api.md §9: the responding bank failed; a proof may still come with the error.
        raise _vop_error(
            fake,
            ctx,
            400,
            BANK_UNAVAILABLE,
            "The payee's bank did not answer",
            "/iban",
            proof_token={"token": _token(_issue(fake, {iban}, bulk=False))},
        )
    result, matched = _match(fake, iban, name)
    body: dict[str, Any] = {"match_result": result, "proof_token": _issue(fake, {iban}, bulk=False)}
    if matched is not None:
        body["matched_name"] = matched
    return fake._json(200, body, ctx.trace)


def _token(issued: Any) -> str:
    return str(issued["token"] if isinstance(issued, dict) else issued)


def _payee_requests(fake: FakeQonto, ctx: _Ctx) -> list[dict[str, str]]:
    payload = _body(fake, ctx)
    requests = payload.get("requests")
    if not isinstance(requests, list) or not 1 <= len(requests) <= MAX_PAYEES:
        raise _vop_error(
            fake,
            ctx,
            400,
            "BAD_REQUEST_ERROR_INVALID_ARGUMENT",
            f"requests takes 1 to {MAX_PAYEES} items",
            "/requests",
        )
    out = []
    for index, item in enumerate(requests):
        where = f"/requests/{index}"
        out.append(
            {
                "id": _vop_string(fake, ctx, item, "id", f"{where}/id", 255),
                "beneficiary_name": _vop_string(
                    fake, ctx, item, "beneficiary_name", f"{where}/beneficiary_name", 140
                ),
                "iban": _vop_string(fake, ctx, item, "iban", f"{where}/iban", 34),
            }
        )
    return out


async def bulk_verify_payee(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    requests = _payee_requests(fake, ctx)
    state = store(fake)
    state.verifications += len(requests)
    results = []
    for request in requests:
        item: dict[str, Any] = dict(request)
        if request["iban"] in state.unavailable_ibans:
            # Partial success: this payee fails, the others are verified.
            item["error_code"] = BANK_UNAVAILABLE
        else:
            result, matched = _match(fake, request["iban"], request["beneficiary_name"])
            response: dict[str, Any] = {
                "match_result": result,
                "proof_token": _issue(fake, {request["iban"]}, bulk=False),
            }
            if matched is not None:
                response["matched_name"] = matched
            item["response"] = response
            item["error_code"] = _NO_ERROR
        results.append(item)
    ibans = {r["iban"] for r in requests}
    return fake._json(200, {"requests": results, "proof_token": _issue(fake, ibans, bulk=True)}, ctx.trace)


async def skip_verify_payee(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    requests = _payee_requests(fake, ctx)
    ibans = {r["iban"] for r in requests}
    return fake._json(200, {"proof_token": _issue(fake, ibans, bulk=len(requests) > 1)}, ctx.trace)


# --- bulk transfers -----------------------------------------------------------------------------------------------


async def list_bulk_transfers(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = sorted(store(fake).bulk_transfers, key=lambda b: (b["updated_at"], b["id"]), reverse=True)
    return fake._list(ctx, "bulk_transfers", items)


async def get_bulk_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _find(store(fake).bulk_transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "BulkTransfer not found", ctx.trace)
    return fake._json(200, {"bulk_transfer": found}, ctx.trace)


async def create_bulk_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    payload = _body(fake, ctx)
    account = _account(fake, ctx, payload, "")
    items = payload.get("bulk_transfers")
    if not isinstance(items, list) or not items:
        raise _invalid(
            fake, ctx, "missing_parameter", "bulk_transfers must hold at least one transfer", "/bulk_transfers"
        )
    parsed = []
    for index, item in enumerate(items):
        pointer = f"/bulk_transfers/{index}"
        if not isinstance(item, dict):
            raise _invalid(fake, ctx, "invalid", "Each transfer must be an object", pointer)
        client_id = _string(fake, ctx, item, "client_transfer_id", pointer, limit=255)
        fields = _transfer_fields(fake, ctx, item, pointer)
        scheduled = _date(fake, ctx, item, "scheduled_date", pointer)
        parsed.append((client_id, fields, scheduled, pointer))
    ibans = {fields["payee"].iban for _, fields, _, _ in parsed if fields["payee"].iban is not None}
    _proof(fake, ctx, payload, ibans, bulk=True)
    state = store(fake)
    results = []
    for client_id, fields, scheduled, pointer in parsed:
        # The docs: business rules run per transfer after the bulk is created; failures land in its results.
        errors = _business_errors(fields, pointer)
        if errors:
            results.append(
                {
                    "client_transfer_id": client_id,
                    "transfer_id": None,
                    "errors": [{"errors": errors}],
                    "status": "failed",
                }
            )
            continue
        created = _create(fake, account, fields, scheduled)
        results.append(
            {"client_transfer_id": client_id, "transfer_id": created["id"], "errors": [], "status": "completed"}
        )
    now = format_time(fake.now())
    failed = sum(1 for r in results if r["status"] == "failed")
    bulk = {
        "id": _id(fake, "5e9c", len(state.bulk_transfers) + 1),
        "initiator_id": fake.data.current_membership["id"],
        "created_at": now,
        "updated_at": now,
        "total_count": len(results),
        "completed_count": len(results) - failed,
        "pending_count": 0,
        "failed_count": failed,
        "results": results,
    }
    state.bulk_transfers.append(bulk)
    # Qonto's example answers the bulk unwrapped (GET wraps it in "bulk_transfer").
    return fake._json(200, bulk, ctx.trace)


# --- recurring transfers ------------------------------------------------------------------------------------------


async def list_recurring_transfers(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = sorted(store(fake).recurring_transfers, key=lambda r: (r["updated_at"], r["id"]), reverse=True)
    return fake._list(ctx, "recurring_transfers", items)


async def get_recurring_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _find(store(fake).recurring_transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Recurring transfer not found", ctx.trace)
    return fake._json(200, {"recurring_transfer": found}, ctx.trace)


async def create_recurring_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    payload = _body(fake, ctx)
    data = payload.get("recurring_transfer")
    if not isinstance(data, dict):
        raise _invalid(fake, ctx, "missing_parameter", "recurring_transfer is required", "/recurring_transfer")
    pointer = "/recurring_transfer"
    account = _account(fake, ctx, data, pointer)
    fields = _transfer_fields(fake, ctx, data, pointer)
    frequency = data.get("frequency")
    if frequency not in _FREQUENCIES:
        raise _invalid(
            fake, ctx, "invalid", f"frequency must be one of {', '.join(_FREQUENCIES)}", f"{pointer}/frequency"
        )
    first = _date(fake, ctx, data, "first_execution_date", pointer)
    if first is None:
        raise _invalid(
            fake, ctx, "missing_parameter", "first_execution_date is required", f"{pointer}/first_execution_date"
        )
    last = _date(fake, ctx, data, "last_execution_date", pointer)
    if last is not None and last < first:
        raise _invalid(
            fake,
            ctx,
            "invalid",
            "last_execution_date is before first_execution_date",
            f"{pointer}/last_execution_date",
        )
    errors = _business_errors(fields, pointer)
    if errors:
        return fake._json(422, {"errors": errors, "trace_id": ctx.trace}, ctx.trace)
    payee: _Payee = fields["payee"]
    assert payee.iban is not None
    _proof(fake, ctx, payload, {payee.iban}, bulk=False)
    beneficiary_id = payee.beneficiary_id if payee.inline is None else _upsert_beneficiary(fake, payee.inline)
    state = store(fake)
    now = format_time(fake.now())
    amount: Decimal = fields["amount"]
    created = {
        "id": _id(fake, "5e9b", len(state.recurring_transfers) + 1),
        "initiator_id": fake.data.current_membership["id"],
        "bank_account_id": account,
        "amount": _money(amount),
        "amount_cents": int(amount * 100),
        "amount_currency": "EUR",
        "beneficiary_id": beneficiary_id,
        "reference": fields["reference"],
        "note": fields["note"],
        "first_execution_date": first,
        "last_execution_date": last,
        "next_execution_date": first,
        "frequency": frequency,
        "status": "pending",
        "created_at": now,
        "updated_at": now,
    }
    state.recurring_transfers.append(created)
    return fake._json(200, {"recurring_transfer": created}, ctx.trace)


async def cancel_recurring_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    state = store(fake)
    found = _find(state.recurring_transfers, ctx.params["id"])
    if found is None:
        return fake._error(404, "not_found", "Recurring transfer not found", ctx.trace)
    if found["id"] in state.canceled_recurring:
        return fake._error(
            400, "recurring_transfer_canceled", "This recurring transfer is already canceled", ctx.trace
        )
    state.canceled_recurring.add(found["id"])
    found["next_execution_date"] = None
    found["status"] = "canceled"
    found["updated_at"] = format_time(fake.now())
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


# qonto-api.md §2.1 (SEPA transfers, bulk, recurring and VoP are OAuth only), §2.3 (organization.read to read,
# payment.write to write), §7 (idempotency key required on the three creates), §8 (creates are SCA writes).
_READ = "organization.read"
_WRITE = "payment.write"
ROUTES: Final = (
    _Route("GET", "/v2/sepa/transfers", list_transfers, _READ, False),
    _Route("GET", "/v2/sepa/transfers/{id}", get_transfer, _READ, False),
    _Route("POST", "/v2/sepa/transfers", create_transfer, _WRITE, False, write=True, idempotency_required=True),
    _Route("POST", "/v2/sepa/transfers/{id}/cancel", cancel_transfer, _WRITE, False, write=True),
    _Route("POST", "/v2/sepa/transfers/{id}/download_proof", download_proof, _WRITE, False),
    _Route("POST", "/v2/sepa/verify_payee", verify_payee, _WRITE, False),
    _Route("POST", "/v2/sepa/bulk_verify_payee", bulk_verify_payee, _WRITE, False),
    _Route("POST", "/v2/sepa/skip_verify_payee", skip_verify_payee, _WRITE, False),
    _Route("GET", "/v2/sepa/bulk_transfers", list_bulk_transfers, _READ, False),
    _Route("GET", "/v2/sepa/bulk_transfers/{id}", get_bulk_transfer, _READ, False),
    _Route(
        "POST",
        "/v2/sepa/bulk_transfers",
        create_bulk_transfer,
        _WRITE,
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route("GET", "/v2/sepa/recurring_transfers", list_recurring_transfers, _READ, False),
    _Route("GET", "/v2/sepa/recurring_transfers/{id}", get_recurring_transfer, _READ, False),
    _Route(
        "POST",
        "/v2/sepa/recurring_transfers",
        create_recurring_transfer,
        _WRITE,
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route(
        "POST", "/v2/sepa/recurring_transfers/{id}/cancel", cancel_recurring_transfer, _WRITE, False, write=True
    ),
)
