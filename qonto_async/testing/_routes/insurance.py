"""FakeQonto: insurance contracts and their PDF documents (qonto-api.md §3.1 rows 50-54), OAuth only
(``insurance_contract.read`` / ``insurance_contract.write``).

Create answers 201 (409 when ``contract_id`` is already known), update 200, both with 422 items pointing into
``/insurance_contract``. A document upload is ``multipart/form-data`` with ``file`` (a PDF), ``name`` and ``type``,
all required (Qonto's docs), and needs ``X-Qonto-Idempotency-Key``; it answers 201 with the bare document.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.files import PDF, detect_content_type
from qonto_async.testing._routes._misc_bodies import invalid, ok, wrapped
from qonto_async.testing._routes.attachments_write import _parts
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "InsuranceStore", "store"]

STORE: Final = "insurance"
_ORIGINS: Final = ("insurance_hub", "qonto_other", "stello")
_STATUSES: Final = ("active", "pending_payment", "pending_others", "action_required", "expired", "archived")
_FREQUENCIES: Final = ("month", "quarter", "semester", "annual")
# OpenAPI InsuranceContractCreatePayload.
_REQUIRED: Final = (
    "name",
    "contract_id",
    "origin",
    "provider_slug",
    "type",
    "status",
    "start_date",
    "payment_frequency",
    "price",
)
_TEXT: Final = ("name", "contract_id", "provider_slug", "type", "troubleshooting_url", "service_url")
_DATES: Final = ("start_date", "expiration_date", "renewal_date")
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
_POINTER: Final = "/insurance_contract"


@attrs.define
class InsuranceStore:
    contracts: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    # contract id -> its documents (id, name, type) and their bytes
    documents: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    files: dict[str, bytes] = attrs.field(factory=dict, repr=False)
    counter: int = 0

    def next_id(self, prefix: str, kind: str) -> str:
        self.counter += 1
        return f"{prefix}-{kind}-4000-8000-{self.counter:012x}"


def store(fake: FakeQonto) -> InsuranceStore:
    found: InsuranceStore = fake.stores.setdefault(STORE, InsuranceStore())
    return found


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any]) -> dict[str, Any]:
    known = set(_TEXT) | set(_DATES) | {"origin", "status", "payment_frequency", "price"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise invalid(
            fake, ctx, "unknown_parameter", f"Unexpected parameter {unknown[0]}", f"{_POINTER}/{unknown[0]}"
        )
    for name in _TEXT:
        if name in data and (not isinstance(data[name], str) or not data[name].strip()):
            raise invalid(fake, ctx, "invalid", f"{name} must be a non-empty string", f"{_POINTER}/{name}")
    for name, allowed in (("origin", _ORIGINS), ("status", _STATUSES), ("payment_frequency", _FREQUENCIES)):
        if name in data and data[name] not in allowed:
            raise invalid(
                fake, ctx, "invalid", f"{name} must be one of {', '.join(allowed)}", f"{_POINTER}/{name}"
            )
    for name in _DATES:
        if name in data and not _is_date(data[name]):
            raise invalid(fake, ctx, "invalid", f"{name} must be YYYY-MM-DD", f"{_POINTER}/{name}")
    if "price" in data:
        price = data["price"]
        value = price.get("value") if isinstance(price, dict) else None
        amount = Decimal("NaN")
        if isinstance(value, str):
            with contextlib.suppress(InvalidOperation):
                amount = Decimal(value)
        if not amount.is_finite() or amount < 0:
            raise invalid(fake, ctx, "invalid", "price.value must be a decimal string", f"{_POINTER}/price/value")
        currency = price.get("currency") if isinstance(price, dict) else None
        if not isinstance(currency, str) or not _CURRENCY.match(currency):
            raise invalid(
                fake, ctx, "invalid", "price.currency must be an ISO 4217 code", f"{_POINTER}/price/currency"
            )
    return data


def _conflict(fake: FakeQonto, ctx: _Ctx, contract_id: str, own_id: str | None = None) -> None:
    for existing in store(fake).contracts.values():
        if existing["contract_id"] == contract_id and existing["id"] != own_id:
            raise _Reject(
                fake._error(409, "conflict", "An insurance contract with this contract_id exists", ctx.trace)
            )


def _contract(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    found = store(fake).contracts.get(ctx.params["id"])
    if found is None:
        raise _Reject(
            fake._error(404, "not_found", "Insurance contract not found", ctx.trace, source={"parameter": "id"})
        )
    return found


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    data = _check(fake, ctx, wrapped(fake, ctx, "insurance_contract"))
    for name in _REQUIRED:
        if name not in data:
            raise invalid(fake, ctx, "missing_parameter", f"{name} is required", f"{_POINTER}/{name}")
    _conflict(fake, ctx, data["contract_id"])
    contracts = store(fake)
    contract = {"id": contracts.next_id(fake.data.prefix, "1a50"), **data}
    contracts.contracts[contract["id"]] = contract
    return ok(fake, ctx, {"insurance_contract": contract}, status=201)


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    contract = _contract(fake, ctx)
    documents = store(fake).documents.get(contract["id"], [])
    return ok(fake, ctx, {"insurance_contract": {**contract, "documents": documents}})


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    contract = _contract(fake, ctx)
    data = _check(fake, ctx, wrapped(fake, ctx, "insurance_contract"))
    if not data:
        raise invalid(fake, ctx, "missing_parameter", "Nothing to update", _POINTER)
    if "contract_id" in data:
        _conflict(fake, ctx, data["contract_id"], contract["id"])
    contract.update(data)
    return ok(fake, ctx, {"insurance_contract": contract})


def _form_error(fake: FakeQonto, ctx: _Ctx, code: str, detail: str, field: str, status: int = 422) -> web.Response:
    return fake._error(status, code, detail, ctx.trace, source={"pointer": f"/{field}"})


async def _upload(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    contract = _contract(fake, ctx)
    parts = _parts(ctx)
    if parts is None:
        return _form_error(fake, ctx, "missing_file", "The request is missing a file parameter", "file", 400)
    by_name: dict[str, list[Any]] = {}
    for part in parts:
        by_name.setdefault(str(part.get_param("name", header="content-disposition")), []).append(part)
    files = by_name.get("file", [])
    if len(files) != 1 or files[0].get_filename() is None:
        return _form_error(fake, ctx, "missing_file", "The request is missing a file parameter", "file", 400)
    payload = files[0].get_payload(decode=True)
    content = payload if isinstance(payload, bytes) else b""
    if detect_content_type(content) != PDF or files[0].get_content_type() != PDF:
        return _form_error(fake, ctx, "invalid_file_type", "Only PDF documents are accepted", "file")
    fields: dict[str, str] = {}
    for name in ("name", "type"):
        found = by_name.get(name, [])
        value = found[0].get_content() if len(found) == 1 else None
        if not isinstance(value, str) or not value.strip():
            return _form_error(fake, ctx, "missing_parameter", f"{name} is required", name)
        fields[name] = value
    unknown = sorted(set(by_name) - {"file", "name", "type"})
    if unknown:
        return _form_error(fake, ctx, "unknown_parameter", f"Unexpected parameter {unknown[0]}", unknown[0], 400)
    documents = store(fake)
    document = {"id": documents.next_id(fake.data.prefix, "d0c0"), **fields}
    documents.documents.setdefault(contract["id"], []).append(document)
    documents.files[document["id"]] = content
    return ok(fake, ctx, document, status=201)


async def _delete_document(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    contract = _contract(fake, ctx)
    documents = store(fake).documents.get(contract["id"], [])
    found = next((d for d in documents if d["id"] == ctx.params["attachment_id"]), None)
    if found is None:
        return fake._error(
            404, "not_found", "Document not found", ctx.trace, source={"parameter": "attachment_id"}
        )
    documents.remove(found)
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


_READ: Final = "insurance_contract.read"
_WRITE: Final = "insurance_contract.write"
ROUTES: tuple[_Route, ...] = (
    _Route("POST", "/v2/insurance_contracts", _create, _WRITE, False, write=True),
    _Route("GET", "/v2/insurance_contracts/{id}", _get, _READ, False),
    _Route("PATCH", "/v2/insurance_contracts/{id}", _update, _WRITE, False, write=True),
    _Route(
        "POST",
        "/v2/insurance_contracts/{id}/attachments",
        _upload,
        _WRITE,
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route(
        "DELETE",
        "/v2/insurance_contracts/{id}/attachments/{attachment_id}",
        _delete_document,
        _WRITE,
        False,
        write=True,
    ),
)
