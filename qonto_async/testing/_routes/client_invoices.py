"""FakeQonto: client invoices (qonto-api.md §3.1 rows 30-39), their bulk import and uploads (§3.2 B25-B26, §12).

Invoices live in ``fake.stores["client_invoices"]`` (a :class:`ClientInvoiceStore`), seeded with one invoice per
status and one imported invoice. Bodies are checked the way Qonto documents them, answering 422 with JSON:API-like
items pointing into the body (§6.1): VAT rates and percentage discounts must be fractions (``"0.2"``), dates
``YYYY-MM-DD``, money decimal strings. Status changes follow the documented life cycle (draft → unpaid → paid or
canceled). The bulk import is all-or-nothing (1 to 5 ``client_invoices`` files, each at most
:attr:`ClientInvoiceStore.max_bulk_file_size`) and idempotent by file content, as Qonto's page says.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

import attrs
from aiohttp import web

from qonto_async.files import ALLOWED_CONTENT_TYPES, detect_content_type
from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok
from qonto_async.testing._routes.attachments_write import _parts
from qonto_async.testing._server import _Ctx, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "ClientInvoiceStore", "store"]

STORE: Final = "client_invoices"
_READ: Final = "client_invoices.read"  # qonto-api.md §2.3: plural to read...
_WRITE: Final = "client_invoice.write"  # ...singular to write.
_CENT: Final = Decimal("0.01")
_LIMITS: Final = {"number": 40, "purchase_order": 40, "terms_and_conditions": 525}
_MIB: Final = 1024 * 1024


@attrs.define(kw_only=True)
class ClientInvoiceStore:
    """Invoices by id (as ``GET /v2/client_invoices/{id}`` shows them), which were imported, the emails sent, the
    bulk imports by file digest, and the uploads."""

    invoices: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    imported: set[str] = attrs.field(factory=set)
    by_digest: dict[str, str] = attrs.field(factory=dict)
    sent: list[dict[str, Any]] = attrs.field(factory=list)
    uploads: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    max_bulk_file_size: int = 5 * _MIB
    counter: int = 0

    def next_id(self, prefix: str, kind: str = "c1c1") -> str:
        self.counter += 1
        return f"{prefix}-{kind}-4000-8000-{self.counter:012x}"


def _money(value: Decimal, currency: str = "EUR") -> dict[str, str]:
    return {"value": f"{value.quantize(_CENT, ROUND_HALF_UP):f}", "currency": currency}


def _cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), ROUND_HALF_UP))


def _priced(item: dict[str, Any], currency: str) -> dict[str, Any]:
    """An item as Qonto returns it, totals computed: subtotal after discount, VAT on it."""
    quantity = Decimal(item["quantity"])
    unit_price = Decimal(item["unit_price"]["value"])
    rate = Decimal(item["vat_rate"])
    gross = quantity * unit_price
    out = {**item, "unit_price_cents": _cents(unit_price)}
    off = Decimal(0)
    discount = item.get("discount")
    if discount is not None:
        value = Decimal(discount["value"])
        off = gross * value if discount["type"] == "percentage" else value
        out["discount"] = {**discount, "amount": _money(off, currency)}
    subtotal = (gross - off).quantize(_CENT, ROUND_HALF_UP)
    vat = (subtotal * rate).quantize(_CENT, ROUND_HALF_UP)
    out.update(
        subtotal=_money(subtotal, currency),
        subtotal_cents=_cents(subtotal),
        total_vat=_money(vat, currency),
        total_vat_cents=_cents(vat),
        total_amount=_money(subtotal + vat, currency),
        total_amount_cents=_cents(subtotal + vat),
    )
    return out


def _totals(invoice: dict[str, Any]) -> None:
    currency = invoice["currency"]
    total = sum((Decimal(i["total_amount"]["value"]) for i in invoice["items"]), Decimal(0))
    vat = sum((Decimal(i["total_vat"]["value"]) for i in invoice["items"]), Decimal(0))
    invoice.update(
        total_amount=_money(total, currency),
        total_amount_cents=_cents(total),
        vat_amount=_money(vat, currency),
        vat_amount_cents=_cents(vat),
    )


def _seed(fake: FakeQonto, found: ClientInvoiceStore) -> None:
    base = datetime(2026, 1, 5, 9, 30, tzinfo=fake.now().tzinfo)
    item = {
        "title": "Consulting",
        "quantity": "2",
        "unit_price": {"value": "450.00", "currency": "EUR"},
        "vat_rate": "0.2",
        "unit": "day",
    }
    for n, status in enumerate(("draft", "unpaid", "paid", "canceled", "unpaid")):
        created = base + timedelta(days=n)
        invoice = _invoice(fake, found, created, number=f"INV-2026-{n + 1:03d}", status=status)
        invoice["items"] = [_priced(item, "EUR")]
        _totals(invoice)
        if status == "paid":
            invoice["paid_at"] = format_time(created + timedelta(days=3))
        if n == 4:
            invoice["invoice_type"] = "standard"
            found.imported.add(invoice["id"])


def _invoice(
    fake: FakeQonto, found: ClientInvoiceStore, created: datetime, *, number: str, status: str
) -> dict[str, Any]:
    invoice_id = found.next_id(fake.data.prefix)
    invoice: dict[str, Any] = {
        "id": invoice_id,
        "organization_id": fake.data.organization_id,
        "number": number,
        "status": status,
        "invoice_url": f"https://pay.qonto.example/invoices/{invoice_id}",
        "currency": "EUR",
        "issue_date": created.date().isoformat(),
        "due_date": (created.date() + timedelta(days=30)).isoformat(),
        "created_at": format_time(created),
        "updated_at": format_time(created),
        "finalized_at": None if status == "draft" else format_time(created),
        "paid_at": None,
        "items": [],
        "client": {"id": f"{fake.data.prefix}-c11e-4000-8000-000000000001", "name": "Hooli", "type": "company"},
        "payment_methods": [{"type": "transfer", "iban": fake.data.bank_accounts[0]["iban"]}],
        "credit_notes_ids": [],
        "invoice_type": "standard",
    }
    found.invoices[invoice_id] = invoice
    return invoice


def store(fake: FakeQonto) -> ClientInvoiceStore:
    found: ClientInvoiceStore | None = fake.stores.get(STORE)
    if found is None:
        found = ClientInvoiceStore()
        fake.stores[STORE] = found
        _seed(fake, found)
    return found


# Kept for filtering and checks, but not part of the documented response.
_HIDDEN: Final = frozenset({"updated_at", "_settings", "report_einvoicing", "performance_date"})


def _shown(invoice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in invoice.items() if k not in _HIDDEN}


# -- body checks -------------------------------------------------------------------------------------------------


def _decimal(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> Decimal:
    # qonto-api.md §11: request amounts and rates are decimal strings.
    parsed = Decimal("NaN")
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation):
            parsed = Decimal(value)
    if not parsed.is_finite():
        raise invalid(fake, ctx, "invalid_format", 'must be a decimal string, e.g. "12.50"', pointer)
    return parsed


def _fraction(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> str:
    rate = _decimal(fake, ctx, value, pointer)
    if not 0 <= rate <= 1:
        raise invalid(fake, ctx, "invalid_format", "must be written in decimals, e.g. 0.1 for 10%", pointer)
    return str(value)


def _date(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else date.fromisoformat("")
    except ValueError:
        raise invalid(fake, ctx, "invalid_format", "must be a date formatted YYYY-MM-DD", pointer) from None


def _item(fake: FakeQonto, ctx: _Ctx, raw: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid(fake, ctx, "invalid_format", "must be an object", pointer)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 40:
        raise invalid(fake, ctx, "invalid_format", "title is required (at most 40 characters)", f"{pointer}/title")
    if _decimal(fake, ctx, raw.get("quantity"), f"{pointer}/quantity") <= 0:
        raise invalid(fake, ctx, "invalid_format", "quantity must be positive", f"{pointer}/quantity")
    price = raw.get("unit_price")
    if not isinstance(price, dict) or price.get("currency") != "EUR":
        raise invalid(
            fake, ctx, "invalid_format", "unit_price needs a value and currency EUR", f"{pointer}/unit_price"
        )
    _decimal(fake, ctx, price.get("value"), f"{pointer}/unit_price/value")
    item = {
        "title": title,
        "quantity": raw["quantity"],
        "unit_price": {"value": price["value"], "currency": "EUR"},
        "vat_rate": _fraction(fake, ctx, raw.get("vat_rate"), f"{pointer}/vat_rate"),
    }
    for name in ("description", "unit", "vat_exemption_reason"):
        if isinstance(raw.get(name), str):
            item[name] = raw[name]
    discount = raw.get("discount")
    if discount is not None:
        kind = discount.get("type") if isinstance(discount, dict) else None
        if kind not in ("percentage", "absolute"):
            raise invalid(
                fake, ctx, "invalid_format", "type is percentage or absolute", f"{pointer}/discount/type"
            )
        value = discount.get("value")
        if kind == "percentage":
            _fraction(fake, ctx, value, f"{pointer}/discount/value")
        else:
            _decimal(fake, ctx, value, f"{pointer}/discount/value")
        item["discount"] = {"type": kind, "value": value}
    return item


def _apply(
    fake: FakeQonto, ctx: _Ctx, found: ClientInvoiceStore, invoice: dict[str, Any], body: dict[str, Any]
) -> None:
    """The documented body fields onto ``invoice`` (create and update share them)."""
    if "client_id" in body:
        client_id = body["client_id"]
        if not isinstance(client_id, str) or not client_id:
            raise invalid(fake, ctx, "invalid_client_id", "client_id is invalid", "/client_id")
        invoice["client"] = {**invoice.get("client", {}), "id": client_id}
    for name in ("issue_date", "due_date", "performance_date", "performance_start_date", "performance_end_date"):
        if name in body:
            invoice[name] = _date(fake, ctx, body[name], f"/{name}").isoformat()
    if invoice.get("issue_date") and invoice.get("due_date") and invoice["due_date"] < invoice["issue_date"]:
        raise invalid(fake, ctx, "invalid_format", "due_date must not be before issue_date", "/due_date")
    for name in ("number", "purchase_order", "terms_and_conditions", "header", "footer"):
        if name in body:
            value = body[name]
            limit = _LIMITS.get(name)
            if not isinstance(value, str) or (limit is not None and len(value) > limit):
                raise invalid(fake, ctx, "invalid_format", f"{name} is a string of at most {limit}", f"/{name}")
            invoice[name] = value
    if "number" in body:
        for other in found.invoices.values():
            if other is not invoice and other["number"] == body["number"]:
                raise _Reject(
                    fake._error(
                        409,
                        "invoice_number_already_exists",
                        "Number taken",
                        ctx.trace,
                        source={"pointer": "/number"},
                    )
                )
    if "payment_methods" in body:
        iban = body["payment_methods"].get("iban") if isinstance(body["payment_methods"], dict) else None
        if not isinstance(iban, str) or not iban:
            raise invalid(fake, ctx, "invalid_format", "iban is required", "/payment_methods/iban")
        invoice["payment_methods"] = [{"type": "transfer", "iban": iban}]
    if "items" in body:
        raw = body["items"]
        if not isinstance(raw, list) or not raw:
            raise invalid(fake, ctx, "invalid_format", "items must be a non-empty list", "/items")
        invoice["items"] = [_priced(_item(fake, ctx, r, f"/items/{n}"), "EUR") for n, r in enumerate(raw)]
        _totals(invoice)
    for name in ("welfare_fund", "withholding_tax"):
        if name in body:
            obj = body[name]
            if not isinstance(obj, dict):
                raise invalid(fake, ctx, "invalid_format", f"{name} must be an object", f"/{name}")
            if "rate" in obj:
                _fraction(fake, ctx, obj["rate"], f"/{name}/rate")
            invoice[name] = obj
    for name in ("settings", "payment_reporting", "stamp_duty_amount", "report_einvoicing"):
        if name in body:
            invoice[name if name != "settings" else "_settings"] = body[name]


_REQUIRED: Final = ("client_id", "issue_date", "due_date", "currency", "items", "payment_methods")


def _find(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    invoice = store(fake).invoices.get(ctx.params["id"])
    if invoice is None:
        raise _Reject(
            fake._error(404, "not_found", "Client invoice not found", ctx.trace, source={"parameter": "id"})
        )
    return invoice


def _wrong_status(fake: FakeQonto, ctx: _Ctx, invoice: dict[str, Any], allowed: tuple[str, ...]) -> _Reject:
    return invalid(
        fake,
        ctx,
        "invalid_status_transition",
        f"the invoice is {invoice['status']}, expected {' or '.join(allowed)}",
        "/status",
    )


def _touch(fake: FakeQonto, invoice: dict[str, Any]) -> None:
    invoice["updated_at"] = format_time(fake.now())


# -- handlers ----------------------------------------------------------------------------------------------------


def _when(fake: FakeQonto, ctx: _Ctx, name: str) -> str | None:
    raw = ctx.query.get(f"filter[{name}]")
    if raw is None:
        return None
    try:
        return format_time(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        raise fake._bad(
            ctx, "invalid_parameter", f"{name} must be an ISO 8601 date-time", f"filter[{name}]"
        ) from None


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = store(fake)
    statuses = [s for s in ctx.query.get("filter[status]", "").split(",") if s]
    if any(s not in ("draft", "unpaid", "paid", "canceled") for s in statuses):
        raise fake._bad(ctx, "invalid_parameter", "status accepts draft, unpaid, paid, canceled", "filter[status]")
    exclude = ctx.query.get("exclude_imported", "true")
    if exclude not in ("true", "false"):
        raise fake._bad(ctx, "invalid_parameter", "exclude_imported must be true or false", "exclude_imported")
    bounds = {
        name: _when(fake, ctx, name)
        for name in ("created_at_from", "created_at_to", "updated_at_from", "updated_at_to")
    }
    selected = []
    for invoice in found.invoices.values():
        if statuses and invoice["status"] not in statuses:
            continue
        if exclude == "true" and invoice["id"] in found.imported:
            continue
        if any(
            bound is not None
            and (invoice[f"{field}_at"] < bound if side == "from" else invoice[f"{field}_at"] > bound)
            for (field, side), bound in (
                (("created", "from"), bounds["created_at_from"]),
                (("created", "to"), bounds["created_at_to"]),
                (("updated", "from"), bounds["updated_at_from"]),
                (("updated", "to"), bounds["updated_at_to"]),
            )
        ):
            continue
        selected.append(invoice)
    selected = fake._sorted(ctx, selected, ("created_at",), "created_at:desc")
    return fake._list(ctx, "client_invoices", [_shown(i) for i in selected])


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, {"client_invoice": _shown(_find(fake, ctx))})


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    for name in _REQUIRED:
        if name not in body:
            raise invalid(fake, ctx, "missing_parameter", f"{name} is required", f"/{name}")
    if body["currency"] != "EUR":
        raise invalid(fake, ctx, "invalid_format", "Currently, only value allowed is EUR", "/currency")
    status = body.get("status", "unpaid")
    if status not in ("draft", "unpaid"):
        raise invalid(fake, ctx, "invalid_format", "status is draft or unpaid", "/status")
    found = store(fake)
    number = f"INV-2026-{len(found.invoices) + 1:03d}"
    invoice = _invoice(fake, found, fake.now(), number=number, status=status)
    try:
        _apply(fake, ctx, found, invoice, body)
    except _Reject:
        del found.invoices[invoice["id"]]
        raise
    return ok(fake, ctx, {"client_invoice": _shown(invoice)})


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _find(fake, ctx)
    body = json_object(fake, ctx)
    if invoice["status"] != "draft":
        return fake._error(409, "invoice_not_in_draft_status", "Only draft invoices can be updated", ctx.trace)
    draft = json.loads(json.dumps(invoice))
    _apply(fake, ctx, store(fake), draft, body)
    invoice.clear()
    invoice.update(draft)
    _touch(fake, invoice)
    return ok(fake, ctx, {"client_invoice": _shown(invoice)})


async def _delete(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _find(fake, ctx)
    if invoice["status"] != "draft":
        # Postman (Delete a client invoice): 412 invoice_not_in_draft_status.
        return fake._error(412, "invoice_not_in_draft_status", "Only draft invoices can be deleted", ctx.trace)
    del store(fake).invoices[invoice["id"]]
    return web.Response(status=204, headers={"X-Tyk-Trace-Id": ctx.trace})


def _transition(source: tuple[str, ...], target: str) -> Any:
    async def handler(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
        invoice = _find(fake, ctx)
        if invoice["status"] not in source:
            raise _wrong_status(fake, ctx, invoice, source)
        invoice["status"] = target
        if target == "unpaid" and invoice["finalized_at"] is None:
            invoice["finalized_at"] = format_time(fake.now())
        if target == "unpaid":
            invoice["paid_at"] = None
        _touch(fake, invoice)
        return ok(fake, ctx, {"client_invoice": _shown(invoice)})

    return handler


async def _mark_as_paid(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _find(fake, ctx)
    body = json_object(fake, ctx) if ctx.body else {}
    paid = fake.now().date()
    if "paid_at" in body:
        paid = _date(fake, ctx, body["paid_at"], "/paid_at")
        if paid > fake.now().date():
            raise invalid(fake, ctx, "invalid_format", "paid_at cannot be in the future", "/paid_at")
    if invoice["status"] not in ("unpaid", "paid"):
        raise _wrong_status(fake, ctx, invoice, ("unpaid", "paid"))
    invoice["status"] = "paid"
    invoice["paid_at"] = f"{paid.isoformat()}T00:00:00.000Z"
    _touch(fake, invoice)
    return ok(fake, ctx, {"client_invoice": _shown(invoice)})


async def _send(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    invoice = _find(fake, ctx)
    body = json_object(fake, ctx)
    send_to = body.get("send_to")
    if not isinstance(send_to, list) or not send_to or not all(isinstance(a, str) and "@" in a for a in send_to):
        raise invalid(fake, ctx, "invalid_format", "send_to must list email addresses", "/send_to")
    if invoice["status"] == "draft":
        raise _wrong_status(fake, ctx, invoice, ("unpaid", "paid", "canceled"))
    store(fake).sent.append({"invoice_id": invoice["id"], **body})
    return web.Response(status=204, headers={"X-Tyk-Trace-Id": ctx.trace})


def _files(fake: FakeQonto, ctx: _Ctx, field: str, most: int) -> list[tuple[str, str, bytes]]:
    parts = _parts(ctx)
    files = [p for p in (parts or []) if p.get_param("name", header="content-disposition") == field]
    if parts is None or not files or len(files) != len(parts) or any(p.get_filename() is None for p in files):
        raise _Reject(
            fake._error(
                400, "missing_file", f"The request needs {field} files", ctx.trace, source={"pointer": f"/{field}"}
            )
        )
    if len(files) > most:
        raise invalid(fake, ctx, "too_many_files", f"at most {most} files per request", f"/{field}")
    out = []
    for n, part in enumerate(files):
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        declared = part.get_content_type()
        if detect_content_type(content) != declared or declared not in ALLOWED_CONTENT_TYPES:
            raise invalid(fake, ctx, "invalid_file_type", "PDF, JPEG or PNG only", f"/{field}/{n}")
        if len(content) > store(fake).max_bulk_file_size:
            raise invalid(fake, ctx, "file_too_big", "Files are limited to 5 MB", f"/{field}/{n}")
        out.append((unquote(str(part.get_filename())), declared, content))
    return out


async def _bulk(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = store(fake)
    # All-or-nothing (docs.qonto.com): every file is checked before any invoice is made.
    files = _files(fake, ctx, "client_invoices", 5)
    results = []
    for name, _kind, content in files:
        digest = hashlib.sha256(content).hexdigest()
        invoice_id = found.by_digest.get(digest)
        if invoice_id is None:
            invoice = _invoice(
                fake, found, fake.now(), number=f"IMP-{len(found.by_digest) + 1:03d}", status="unpaid"
            )
            invoice["attachment_id"] = found.next_id(fake.data.prefix, "a77a")
            found.imported.add(invoice["id"])
            found.by_digest[digest] = invoice_id = invoice["id"]
        results.append({"invoice_id": invoice_id, "file_name": name})
    return ok(fake, ctx, {"client_invoices": results})


async def _upload(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    ((name, kind, content),) = _files(fake, ctx, "client_invoices_upload", 1)
    found = store(fake)
    upload_id = found.next_id(fake.data.prefix, "0b10")
    now = format_time(fake.now())
    upload = {
        "id": upload_id,
        "organization_id": fake.data.organization_id,
        "filename": name,
        "content_type": kind,
        "file_size": len(content),
        "url": f"https://qonto-fake-uploads.example/uploads/{upload_id}/{name}?X-Amz-Expires=1800",
        "created_at": now,
        "updated_at": now,
    }
    found.uploads[upload_id] = upload
    return ok(fake, ctx, {"client_invoice_upload": upload}, status=201)


_ITEM: Final = "/v2/client_invoices/{id}"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/client_invoices", _list, _READ, True),
    _Route("POST", "/v2/client_invoices", _create, _WRITE, True, write=True),
    _Route("GET", _ITEM, _get, _READ, True),
    _Route("PATCH", _ITEM, _update, _WRITE, True, write=True),
    _Route("DELETE", _ITEM, _delete, _WRITE, True, write=True),
    _Route("POST", f"{_ITEM}/finalize", _transition(("draft",), "unpaid"), _WRITE, True, write=True),
    _Route("POST", f"{_ITEM}/mark_as_canceled", _transition(("unpaid",), "canceled"), _WRITE, True, write=True),
    _Route("POST", f"{_ITEM}/unmark_as_paid", _transition(("paid",), "unpaid"), _WRITE, True, write=True),
    _Route("POST", f"{_ITEM}/mark_as_paid", _mark_as_paid, _WRITE, True, write=True),
    _Route("POST", f"{_ITEM}/send", _send, _WRITE, True, write=True),
    _Route("POST", "/v2/client_invoices/bulk", _bulk, _WRITE, True, write=True),
    _Route("POST", "/v2/client_invoices/uploads", _upload, _WRITE, True, write=True),
)
