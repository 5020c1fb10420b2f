"""FakeQonto: supplier invoices (qonto-api.md §3.1 rows 115-117, §3.2 B23-B24, §12). Scopes
``supplier_invoice.read``/``supplier_invoice.write`` (the docs' spelling), API keys allowed except on B23/B24.

The bulk upload reads ``multipart/form-data`` the way Rails does: each ``supplier_invoices[][file]`` starts an
item, the ``supplier_invoices[][idempotency_key]`` after it completes it. Like Qonto it answers 400 only when the
whole request fails (over 15 MB, more than 20 items, an item without its key or its file) and 200 otherwise, with
the failed items in ``errors`` (pointer ``/supplier_invoices/idempotency_key/<key>/file``). A key already used
gives back the invoice created the first time instead of a second one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

import attrs
from aiohttp import web

from qonto_async.files import ALLOWED_CONTENT_TYPES, detect_content_type
from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, ok, wrapped
from qonto_async.testing._routes.attachments_write import _parts
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_STATUSES: Final = ("to_review", "to_pay", "pending", "scheduled", "paid")
_FILE: Final = "supplier_invoices[][file]"
_KEY: Final = "supplier_invoices[][idempotency_key]"
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@attrs.define
class SupplierInvoiceStore:
    """``max_request_bytes``/``max_items``/``max_file_bytes`` are Qonto's documented limits (15 MB, 20, 10 MB)."""

    invoices: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    by_key: dict[str, str] = attrs.field(factory=dict)
    counter: int = 0
    max_request_bytes: int = 15_000_000
    max_items: int = 20
    max_file_bytes: int = 10_000_000


def store(fake: FakeQonto) -> SupplierInvoiceStore:
    found: SupplierInvoiceStore | None = fake.stores.get("supplier_invoices")
    if found is None:
        found = SupplierInvoiceStore()
        fake.stores["supplier_invoices"] = found
        for n, (supplier, amount, status) in enumerate(
            (("OVH", "42.00", "to_review"), ("Dunder Mifflin", "130.50", "to_pay"), ("Initech", "9.99", "paid")), 1
        ):
            invoice = _new(fake, found, f"invoice-{n}.pdf")
            invoice.update(
                {
                    "supplier_name": supplier,
                    "invoice_number": f"INV-{n:04d}",
                    "total_amount": {"value": amount, "currency": "EUR"},
                    "status": status,
                    "issue_date": f"2026-01-{n:02d}",
                    "due_date": f"2026-02-{n:02d}",
                    "payment_date": f"2026-02-{n:02d}" if status == "paid" else None,
                }
            )
    return found


def _new(fake: FakeQonto, invoices: SupplierInvoiceStore, file_name: str) -> dict[str, Any]:
    invoices.counter += 1
    now = format_time(fake.now())
    invoice: dict[str, Any] = {
        "id": f"{fake.data.prefix}-5011-4000-8000-{invoices.counter:012x}",
        "organization_id": fake.data.organization_id,
        "status": "to_review",
        "source_type": "manual_upload",
        "source": "generic_upload",
        "file_name": file_name,
        "attachment_id": f"{fake.data.prefix}-a11a-4000-8000-{invoices.counter:012x}",
        "created_at": now,
        "updated_at": now,
        "total_amount": None,
        "payment_date": None,
    }
    invoices.invoices[invoice["id"]] = invoice
    return invoice


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = list(store(fake).invoices.values())
    statuses = fake._choices(ctx, "filter[status]", _STATUSES, bare=True)
    if statuses:
        items = [i for i in items if i["status"] in statuses]
    for key, newer in (("filter[created_at_from]", True), ("filter[created_at_to]", False)):
        bound = fake._datetime(ctx, key)
        if bound is not None:
            mark = format_time(bound)
            items = [i for i in items if (i["created_at"] >= mark if newer else i["created_at"] <= mark)]
    items = fake._sorted(ctx, items, ("created_at", "due_date", "issue_date"), "created_at:desc")
    return fake._list(ctx, "supplier_invoices", items)


def _found(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    invoice = store(fake).invoices.get(ctx.params["id"])
    if invoice is None:
        raise invalid(fake, ctx, "not_found", "Supplier invoice not found", "/id", status=404)
    return invoice


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"supplier_invoice": _found(fake, ctx)})


def _whole(fake: FakeQonto, ctx: _Ctx, code: str, detail: str, pointer: str | None = None) -> web.Response:
    return fake._error(400, code, detail, ctx.trace, source=None if pointer is None else {"pointer": pointer})


async def _bulk(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoices = store(fake)
    if len(ctx.body) > invoices.max_request_bytes:
        return _whole(fake, ctx, "bad_request", "Request is too large")
    parts = _parts(ctx)
    if parts is None:
        return _whole(fake, ctx, "required", "File is required", "/file")
    items: list[dict[str, Any]] = []
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if name == _FILE:
            payload = part.get_payload(decode=True)
            items.append(
                {
                    "name": unquote(str(part.get_filename() or "")),
                    "type": part.get_content_type(),
                    "content": payload if isinstance(payload, bytes) else b"",
                }
            )
        elif name == _KEY:
            key = str(part.get_content()).strip()
            if not items or "key" in items[-1]:
                return _whole(fake, ctx, "required", "File is required", "/file")
            items[-1]["key"] = key
        elif name not in ("meta", "source", "skip_attachment_matcher"):
            return _whole(fake, ctx, "invalid_parameter", f"Unknown parameter {name}", "/")
    if not items:
        return _whole(fake, ctx, "required", "File is required", "/file")
    if len(items) > invoices.max_items:
        return _whole(
            fake, ctx, "limit_reached", f"Limit of {invoices.max_items} invoices reached", "/supplier_invoices"
        )
    if any("key" not in item for item in items):
        return _whole(fake, ctx, "required", "Idempotency key is required", "/idempotency_key")
    created: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for item in items:
        key = item["key"]
        known = invoices.by_key.get(key)
        if known is not None:
            created.append(invoices.invoices[known])
            continue
        detected = detect_content_type(item["content"])
        if (
            detected is None
            or detected != item["type"]
            or detected not in ALLOWED_CONTENT_TYPES
            or len(item["content"]) > invoices.max_file_bytes
        ):
            errors.append(
                {
                    "code": "invalid",
                    "detail": "File is too large or wrong content type",
                    "source": {"pointer": f"/supplier_invoices/idempotency_key/{key}/file"},
                }
            )
            continue
        invoice = _new(fake, invoices, item["name"])
        invoices.by_key[key] = invoice["id"]
        created.append(invoice)
    return ok(fake, ctx, {"supplier_invoices": created, "errors": errors})


async def _mark_as_paid(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _found(fake, ctx)
    body = wrapped(fake, ctx, "supplier_invoice")
    payment_date = body.get("payment_date")
    valid = isinstance(payment_date, str) and bool(_DATE.match(payment_date))
    if valid:
        try:
            date.fromisoformat(str(payment_date))
        except ValueError:
            valid = False
    if not valid:
        raise invalid(
            fake, ctx, "invalid", "payment_date must be a date (YYYY-MM-DD)", "/supplier_invoice/payment_date"
        )
    invoice.update({"status": "paid", "payment_date": payment_date, "updated_at": format_time(fake.now())})
    return ok(fake, ctx, {"supplier_invoice": invoice})


async def _unmark_as_paid(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _found(fake, ctx)
    if invoice["status"] != "paid":
        raise invalid(fake, ctx, "invalid_status", "The supplier invoice is not marked as paid", "/status")
    invoice.update({"status": "to_pay", "payment_date": None, "updated_at": format_time(fake.now())})
    return ok(fake, ctx, {"supplier_invoice": invoice})


_READ: Final = "supplier_invoice.read"
_WRITE: Final = "supplier_invoice.write"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/supplier_invoices", _list, _READ, True),
    _Route("GET", "/v2/supplier_invoices/{id}", _get, _READ, True),
    _Route("POST", "/v2/supplier_invoices/bulk", _bulk, _WRITE, True, write=True),
    _Route("POST", "/v2/supplier_invoices/{id}/mark_as_paid", _mark_as_paid, _WRITE, False, write=True),
    _Route("POST", "/v2/supplier_invoices/{id}/unmark_as_paid", _unmark_as_paid, _WRITE, False, write=True),
)
