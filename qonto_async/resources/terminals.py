"""``qonto.terminals``: push card payments to the organization's payment terminals (qonto-api.md §3.2 B7-B9).

OAuth only: ``terminal.read`` to list terminals and read payments, ``terminal.write`` to start one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.common import Money
from qonto_async.models.terminals import Terminal, TerminalPayment
from qonto_async.resources._base import Resource, check_id, money_param, operation, path_id
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

__all__ = ["MAX_METADATA_BYTES", "TerminalsResource"]

_TERMINALS = list_decoder(Terminal, key="terminals")
_PAYMENT = decoder(TerminalPayment, key="terminal_payment")
# docs.qonto.com (create a terminal payment): metadata "must be a valid JSON object and must not exceed 1kB".
# Counted on the compact UTF-8 JSON the client sends; 1 kB read as 1,024 bytes.
MAX_METADATA_BYTES: Final = 1024


def _metadata(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"metadata must be a JSON object (a mapping), got {type(value).__name__}.")
    if not all(isinstance(key, str) for key in value):
        raise ConfigurationError("metadata keys must be strings (it is sent as a JSON object).")
    try:
        encoded = json.dumps(dict(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
            "utf-8"
        )
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"metadata must hold only JSON values (str, int, bool, None, lists, objects): {exc}."
        ) from None
    if len(encoded) > MAX_METADATA_BYTES:
        raise ConfigurationError(
            f"metadata must not exceed 1 kB ({MAX_METADATA_BYTES} bytes of JSON), got {len(encoded)} bytes: "
            "keep references (an order id), not content."
        )
    result: dict[str, Any] = json.loads(encoded)
    return result


class TerminalsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/terminals")
    async def list(self) -> tuple[Terminal, ...]:
        """``GET /v2/terminals``: the organization's payment terminals (not paginated). OAuth ``terminal.read``.

        A terminal must be powered on and online to receive a payment.
        """
        return await self._send(Request(method="GET", path="/v2/terminals", decode=_TERMINALS))

    @operation("POST", "/v2/terminals/{id}/payment")
    async def create_payment(
        self,
        id: str,
        *,
        amount: Money | Decimal | str,
        currency: str = "EUR",
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> TerminalPayment:
        """``POST /v2/terminals/{id}/payment``: show ``amount`` on terminal ``id`` for the customer to pay.

        - ``amount``: a :class:`~qonto_async.models.Money`, or a ``Decimal``/decimal string in ``currency``
          (positive, at most 2 decimals, never a float).
        - ``metadata``: an optional JSON object of your own references (order id, table...), at most 1 kB of JSON;
          checked before sending (:class:`~qonto_async.ConfigurationError`). Qonto stores it as-is and echoes it.
        - Asynchronous: Qonto answers **202** with the queued payment, not its outcome. Poll :meth:`get_payment`
          (or subscribe to ``v1/terminal-payments``) until ``status`` is ``AUTHORIZED`` or ``REFUSED``. An offline
          terminal still gets a 202 but never answers: give up after about 120 seconds (docs.qonto.com).
        - ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on every
          retry; pass your own to make the call safe to repeat across processes. OAuth ``terminal.write``.
        """
        body: dict[str, Any] = {"amount": money_param("amount", amount, currency=currency)}
        if metadata is not None:
            body["metadata"] = _metadata(metadata)
        path = f"/v2/terminals/{path_id('id', id)}/payment"
        return await self._send(
            Request(
                method="POST",
                path=path,
                json=body,
                decode=_PAYMENT,
                idempotent_key_supported=True,
                idempotency_key=None if idempotency_key is None else check_id("idempotency_key", idempotency_key),
            )
        )

    @operation("GET", "/v2/terminal_payments/{id}")
    async def get_payment(self, id: str) -> TerminalPayment:
        """``GET /v2/terminal_payments/{id}``: a terminal payment's status and outcome (OAuth ``terminal.read``).

        ``status`` is ``PENDING`` until the cardholder finishes, then ``AUTHORIZED`` (see ``authorized_amount``,
        which includes any tip) or ``REFUSED`` (see ``failure_reason``).
        """
        path = f"/v2/terminal_payments/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_PAYMENT))
