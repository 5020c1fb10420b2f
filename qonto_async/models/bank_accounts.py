"""Business accounts: ``GET /v2/bank_accounts`` and ``GET /v2/bank_accounts/{id}``, also nested in the organization."""

import enum
from datetime import datetime
from decimal import Decimal

import attrs

__all__ = ["BankAccount", "BankAccountStatus"]


class BankAccountStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


@attrs.frozen(kw_only=True, weakref_slot=False)
class BankAccount:
    """A Qonto business account, or a connected account at another bank (``is_external_account``).

    Members without the balance permission only receive ``id``, ``name``, ``status``, ``main`` and
    ``organization_id`` (qonto-api.md §13), so every other field may be ``None``. ``iban``, ``bic`` and
    ``account_number`` may be empty strings for external accounts.
    """

    id: str
    name: str | None = None
    slug: str | None = None
    organization_id: str | None = None
    status: BankAccountStatus | str | None = None
    main: bool | None = None
    is_external_account: bool | None = None
    iban: str | None = None
    bic: str | None = None
    # Qonto's docs show it both as a string and as a bare JSON number; it is an identifier, so it stays a string.
    account_number: str | None = None
    currency: str | None = None
    balance: Decimal | None = None
    balance_cents: int | None = None
    # One docs example sends this one as a string (qonto-api.md §11); the converter accepts both.
    authorized_balance: Decimal | None = None
    authorized_balance_cents: int | None = None
    updated_at: datetime | None = None
