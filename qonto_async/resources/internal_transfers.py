"""``qonto.internal_transfers``: transfers between the organization's own accounts (qonto-api.md §3.1 row 55)."""

from __future__ import annotations

from decimal import Decimal

from qonto_async.errors import ConfigurationError
from qonto_async.models.internal_transfers import InternalTransfer
from qonto_async.resources._base import Resource, amount_param, check_id, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_ONE = decoder(InternalTransfer, key="internal_transfer")


def _amount(value: object) -> str:
    return amount_param("amount", value)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


class InternalTransfersResource(Resource):
    __slots__ = ()

    @operation("POST", "/v2/internal_transfers")
    async def create(
        self,
        *,
        debit_iban: str,
        credit_iban: str,
        reference: str,
        amount: Decimal | str,
        currency: str = "EUR",
        idempotency_key: str | None = None,
    ) -> InternalTransfer:
        """``POST /v2/internal_transfers``: move money between two accounts of the organization.

        ``amount`` is a positive ``Decimal`` or decimal string with at most 2 decimals (a float is refused).
        ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on every
        retry, or pass your own ``idempotency_key`` to make the call safe to repeat across processes (Qonto keeps
        the key 30 minutes).
        """
        body = {
            "internal_transfer": {
                "debit_iban": check_id("debit_iban", debit_iban),
                "credit_iban": check_id("credit_iban", credit_iban),
                "reference": _text("reference", reference),
                "amount": _amount(amount),
                "currency": check_id("currency", currency),
            }
        }
        if idempotency_key is not None:
            check_id("idempotency_key", idempotency_key)
        return await self._send(
            Request(
                method="POST",
                path="/v2/internal_transfers",
                json=body,
                decode=_ONE,
                idempotent_key_supported=True,
                idempotency_key=idempotency_key,
            )
        )
