"""FakeQonto: credit notes, read-only (qonto-api.md §3.1 rows 45-46), seeded against the seeded canceled invoice."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes import client_invoices
from qonto_async.testing._routes._misc_bodies import ok
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

STORE: Final = "credit_notes"


def store(fake: FakeQonto) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] | None = fake.stores.get(STORE)
    if found is None:
        invoices = client_invoices.store(fake)
        found = []
        for n, invoice in enumerate(i for i in invoices.invoices.values() if i["status"] == "canceled"):
            note_id = f"{fake.data.prefix}-c4ed-4000-8000-{n + 1:012x}"
            created = datetime.fromisoformat(invoice["created_at"].replace("Z", "+00:00"))
            found.append(
                {
                    "id": note_id,
                    "invoice_id": invoice["id"],
                    "number": f"CN-2026-{n + 1:03d}",
                    "issue_date": invoice["issue_date"],
                    "invoice_issue_date": invoice["issue_date"],
                    "currency": invoice["currency"],
                    "total_amount": invoice["total_amount"],
                    "total_amount_cents": invoice["total_amount_cents"],
                    "vat_amount": invoice["vat_amount"],
                    "vat_amount_cents": invoice["vat_amount_cents"],
                    "created_at": format_time(created),
                    "finalized_at": format_time(created),
                    "items": invoice["items"],
                    "client": invoice["client"],
                    "einvoicing_lifecycle_events": [],
                }
            )
            invoice["credit_notes_ids"] = [note_id]
        fake.stores[STORE] = found
    return found


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    notes = store(fake)
    low = ctx.query.get("filter[created_at_from]")
    high = ctx.query.get("filter[created_at_to]")
    selected = [
        n
        for n in notes
        if (low is None or n["created_at"] >= format_time(datetime.fromisoformat(low.replace("Z", "+00:00"))))
        and (high is None or n["created_at"] <= format_time(datetime.fromisoformat(high.replace("Z", "+00:00"))))
    ]
    return fake._list(ctx, "credit_notes", fake._sorted(ctx, selected, ("created_at",), "created_at:desc"))


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    for note in store(fake):
        if note["id"] == ctx.params["id"]:
            return ok(fake, ctx, {"credit_note": note})
    return fake._error(404, "not_found", "Credit note not found", ctx.trace, source={"parameter": "id"})


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/credit_notes", _list, "client_invoices.read", True),
    _Route("GET", "/v2/credit_notes/{id}", _get, "client_invoices.read", True),
)
