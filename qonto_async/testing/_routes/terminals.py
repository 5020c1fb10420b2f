"""FakeQonto: payment terminals (qonto-api.md §3.2 B7-B9). OAuth only: ``terminal.read``, ``terminal.write``.

State lives in ``fake.stores["terminals"]`` (a :class:`TerminalsStore`): two seeded terminals, and the payments pushed
to them. A payment starts ``PENDING`` (the create call answers **202** with the queued payment, as Qonto does); a
test plays the cardholder with :meth:`TerminalsStore.complete`. Amounts are euros only (docs.qonto.com's examples;
qontoctl reports EUR as the only currency) and ``metadata`` is a JSON object of at most 1 kB, echoed as sent.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import ANCHOR, format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok
from qonto_async.testing._routes.payment_links import money, money_body
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

MAX_METADATA_BYTES: Final = 1024  # docs.qonto.com: metadata "must not exceed 1kB"


@attrs.define(kw_only=True)
class TerminalsStore:
    """The fake's terminals and terminal payments (payment id -> payment)."""

    terminals: list[dict[str, Any]] = attrs.field(factory=list)
    payments: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    counter: int = 0

    def next_id(self, fake: FakeQonto, kind: str) -> str:
        self.counter += 1
        return f"{fake.data.prefix}-{kind}-4000-8000-{self.counter:012x}"

    def complete(
        self,
        fake: FakeQonto,
        payment_id: str,
        *,
        authorized: bool = True,
        tip: Decimal | None = None,
        failure_reason: str = "05_do_not_honor",
    ) -> dict[str, Any]:
        """Play the cardholder: the payment becomes ``AUTHORIZED`` (plus ``tip``) or ``REFUSED``."""
        payment = self.payments[payment_id]
        now = format_time(fake.now())
        payment["updated_at"] = now
        if authorized:
            amount = Decimal(payment["amount"]["value"]) + (tip or Decimal(0))
            payment.update(
                status="AUTHORIZED",
                authorized_amount=money(amount),
                payment_method="visa",
                card_summary="4242",
                authorized_at=now,
            )
            if tip is not None:
                payment["tip_amount"] = money(tip)
        else:
            payment.update(status="REFUSED", failure_reason=failure_reason)
        return payment


def store(fake: FakeQonto) -> TerminalsStore:
    found = fake.stores.get("terminals")
    if found is None:
        found = fake.stores["terminals"] = TerminalsStore()
        for n in range(2):
            found.terminals.append(
                {
                    "id": found.next_id(fake, "7e30"),
                    "poi_id": f"S1F2-0001582{n:08d}",
                    "created_at": format_time(ANCHOR - timedelta(days=90 - n)),
                    "updated_at": format_time(ANCHOR - timedelta(days=1)),
                }
            )
    assert isinstance(found, TerminalsStore)
    return found


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    # qonto-api.md §3.2 B7: not paginated.
    return ok(fake, ctx, {"terminals": store(fake).terminals})


async def _create_payment(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    terminals = store(fake)
    terminal = next((t for t in terminals.terminals if t["id"] == ctx.params["id"]), None)
    if terminal is None:
        return fake._error(404, "not_found", "Terminal not found", ctx.trace, source={"parameter": "id"})
    body = json_object(fake, ctx)
    amount = money_body(fake, ctx, body.get("amount"), "/amount", currencies=("EUR",))
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise invalid(fake, ctx, "invalid", "metadata must be a JSON object", "/metadata")
        size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        if size > MAX_METADATA_BYTES:
            raise invalid(fake, ctx, "too_long", "metadata must not exceed 1kB", "/metadata")
    now = format_time(fake.now().astimezone(UTC))
    payment: dict[str, Any] = {
        "id": terminals.next_id(fake, "7e31"),
        "terminal_id": terminal["id"],
        "poi_id": terminal["poi_id"],
        "amount": money(amount),
        "status": "PENDING",
        "metadata": metadata,
        "created_at": now,
        "updated_at": now,
    }
    terminals.payments[payment["id"]] = payment
    # docs.qonto.com: the 202 echoes the request (id, terminal, amount, metadata, created_at), not an outcome.
    accepted = {k: payment[k] for k in ("id", "terminal_id", "amount", "created_at", "metadata")}
    return ok(fake, ctx, {"terminal_payment": accepted}, 202)


async def _get_payment(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    payment = store(fake).payments.get(ctx.params["id"])
    if payment is None:
        return fake._error(404, "not_found", "Terminal payment not found", ctx.trace, source={"parameter": "id"})
    return ok(fake, ctx, {"terminal_payment": payment})


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/terminals", _list, "terminal.read", False),
    # qonto-api.md §7: the idempotency key is required here.
    _Route(
        "POST",
        "/v2/terminals/{id}/payment",
        _create_payment,
        "terminal.write",
        False,
        write=True,
        idempotency_required=True,
    ),
    _Route("GET", "/v2/terminal_payments/{id}", _get_payment, "terminal.read", False),
)
