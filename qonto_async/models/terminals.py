"""Payment terminals and the payments pushed to them (qonto-api.md §3.2 B7-B9).

Amounts are :class:`~qonto_async.models.Money` (decimal-string value read as ``Decimal``, qonto-api.md §11).
"""

import enum
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from qonto_async.models.common import Money

__all__ = ["Terminal", "TerminalPayment", "TerminalPaymentStatus"]


def metadata_object(value: object) -> dict[str, Any] | None:
    """A terminal payment's ``metadata`` as a dict, whichever form Qonto sent it in.

    ``create_payment`` sends a JSON object and ``get_payment`` echoes it as one, but the ``v1/terminal-payments``
    webhook example carries it JSON-encoded in a string (``'{"order_id": "..."}'``). A mapping comes back as a dict,
    a string holding a JSON object is decoded; None (or anything else) gives None.
    """
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


class TerminalPaymentStatus(enum.StrEnum):
    """docs.qonto.com (get terminal payment): still pending, authorized or refused (an unknown value stays a str).

    Qonto writes them in capitals (``"AUTHORIZED"``); the ``v1/terminal-payments`` webhook's ``data.event`` uses
    lower case (``authorized``/``refused``).
    """

    PENDING = "PENDING"
    AUTHORIZED = "AUTHORIZED"
    REFUSED = "REFUSED"


@attrs.frozen(kw_only=True, weakref_slot=False)
class Terminal:
    """A physical payment terminal of the organization; pass its ``id`` to ``terminals.create_payment``.

    ``poi_id`` is the device's point-of-interaction identifier (printed on the hardware).
    """

    id: str
    poi_id: str | None = None
    name: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class TerminalPayment:
    """A payment pushed to a terminal.

    Right after ``create_payment`` (202) it only echoes the request: ``status`` and the outcome fields come
    with ``get_payment`` (or the ``v1/terminal-payments`` webhook). ``authorized_amount`` may exceed ``amount``
    when the customer added a tip (``tip_amount``). ``metadata`` is the object you sent, stored as-is (Qonto may
    add keys of its own, e.g. ``source``): normally a mapping, but kept as sent when Qonto gives it JSON-encoded in a
    string (as its webhook example does); :attr:`metadata_object` gives a dict in both cases.
    """

    id: str
    terminal_id: str | None = None
    poi_id: str | None = None
    amount: Money | None = None
    status: TerminalPaymentStatus | str | None = None
    authorized_amount: Money | None = None
    tip_amount: Money | None = None
    payment_method: str | None = None
    card_summary: str | None = None
    failure_reason: str | None = None
    # Mapping[str, Any] | str | None: typed Any since the decoder passes an Any field through as sent.
    metadata: Any = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    authorized_at: datetime | None = None

    @property
    def metadata_object(self) -> dict[str, Any] | None:
        """``metadata`` as a dict (decoded when Qonto sent a JSON string); None when absent or not an object."""
        return metadata_object(self.metadata)
