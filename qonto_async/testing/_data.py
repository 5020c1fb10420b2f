"""Seeded, deterministic data for :class:`~qonto_async.testing.FakeQonto`, in Qonto's shapes.

Transactions are never stored. Transaction ``i`` of account ``a`` is computed from ``(seed, a, i)``, and every
filterable property (status, side, operation type, attachment) depends only on ``i % PERIOD``. Timestamps fall
by a fixed step as ``i`` grows, so a date range is an index range. A filtered, sorted page is therefore found by
arithmetic on residues and index bounds: 100,000 transactions per account page in constant memory and time.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

__all__ = ["ANCHOR", "PERIOD", "FakeData", "Selection", "format_time"]

# The newest transaction's emission time; fixed so that the data do not depend on when tests run.
ANCHOR: Final = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US: Final = timedelta(microseconds=1)
PERIOD: Final = 20
# Offsets, in seconds after emission, of the other timestamps (qonto-api.md §5: pending has no settled_at).
SETTLED_OFFSET: Final = 120
UPDATED_OFFSET: Final = 180

_PENDING_RESIDUE: Final = 3
_DECLINED_RESIDUE: Final = 11


def _status(r: int) -> str:
    if r == _PENDING_RESIDUE:
        return "pending"
    if r == _DECLINED_RESIDUE:
        return "declined"
    return "completed"


def _side(r: int) -> str:
    return "credit" if r % 4 == 1 else "debit"


_CREDIT_OPS: Final = ("income", "transfer", "income", "swift_income", "transfer")
_DEBIT_OPS: Final = ("card", "card", "transfer", "direct_debit", "card", "qonto_fee", "card", "transfer")


def _operation(r: int) -> str:
    if _side(r) == "credit":
        return _CREDIT_OPS[(r // 4) % len(_CREDIT_OPS)]
    return _DEBIT_OPS[r % len(_DEBIT_OPS)]


_SUBJECT: Final = {
    "income": "Income",
    "transfer": "Transfer",
    "swift_income": "SwiftIncome",
    "card": "Card",
    "direct_debit": "DirectDebit",
    "qonto_fee": "Other",
}
_DETAIL_KEY: Final = {
    "income": "income",
    "transfer": "transfer",
    "swift_income": "swift_income",
    "direct_debit": "direct_debit",
}


def _has_attachment(r: int) -> bool:
    return r % 5 == 0


STATUS_OF: Final = tuple(_status(r) for r in range(PERIOD))
SIDE_OF: Final = tuple(_side(r) for r in range(PERIOD))
OPERATION_OF: Final = tuple(_operation(r) for r in range(PERIOD))
ATTACHED_OF: Final = tuple(_has_attachment(r) for r in range(PERIOD))

_BENEFICIARIES: Final = (
    ("Acme Supplies", "validated", True),
    ("Bolt Logistics", "validated", False),
    ("Cloud Hosting", "pending", False),
    ("Dune Consulting", "declined", False),
    ("Echo Media", "validated", True),
)
_REQUESTS: Final = (
    ("flash_card", "pending"),
    ("virtual_card", "approved"),
    ("transfer", "declined"),
    ("multi_transfer", "approved"),
    ("transfer", "pending"),
    ("virtual_card", "canceled"),
)

_COUNTERPARTIES: Final = (
    ("Coffee Corner", "restaurant_and_bar"),
    ("Amazon Web Services", "online_service"),
    ("SNCF", "transport"),
    ("Office Depot", "office_supply"),
    ("Hooli Inc", "sales"),
    ("URSSAF", "tax"),
    ("Le Bureau SAS", "office_rental"),
    ("EDF", "utility"),
    ("Total Energies", "gas_station"),
    ("Hotel Ibis", "hotel_and_lodging"),
)
_LABELS: Final = (
    ("Marketing", None),
    ("Travel", None),
    ("Trains", 1),
    ("Hotels", 1),
    ("Software", None),
    ("Payroll", None),
)
_MEMBERS: Final = (
    ("Richard", "Hendricks", "owner"),
    ("Monica", "Hall", "admin"),
    ("Jared", "Dunn", "manager"),
    ("Bertram", "Gilfoyle", "employee"),
    ("Dinesh", "Chugtai", "reporting"),
)


def format_time(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, as Qonto sends (qonto-api.md §11)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_us(value: datetime) -> int:
    """Microseconds since the epoch: integer arithmetic keeps date-range bounds exact."""
    return (value - _EPOCH) // _US


def _mix(*parts: int) -> int:
    """A cheap, well-spread 64-bit hash (splitmix64 finaliser) of a few integers."""
    x = 0x9E3779B97F4A7C15
    for part in parts:
        x = (x ^ (part & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
        x = x * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
    return x


def _money(cents: int) -> float:
    # Banking resources send amounts as a JSON number plus an int in cents (qonto-api.md §11).
    return cents / 100


class Selection:
    """The transactions of one account whose index lies in ``[lo, hi)`` and whose residue is in ``residues``.

    Index order is newest first (``settled_at:desc``, Qonto's default sort); ``nth`` reads either order without
    materialising the sequence.
    """

    __slots__ = ("_base", "_residues", "count")

    def __init__(self, residues: Sequence[int], lo: int, hi: int) -> None:
        self._residues = tuple(sorted(residues))
        if not self._residues or hi <= lo:
            self._base = 0
            self.count = 0
            return
        self._base = self._below(lo)
        self.count = self._below(hi) - self._base

    def _below(self, x: int) -> int:
        """How many matching indices are < x (x >= 0)."""
        q, rem = divmod(x, PERIOD)
        return q * len(self._residues) + bisect_left(self._residues, rem)

    def nth(self, k: int, *, ascending: bool = False) -> int:
        """The transaction index at position ``k`` (0-based) of the selection."""
        if ascending:
            k = self.count - 1 - k
        q, rem = divmod(self._base + k, len(self._residues))
        return q * PERIOD + self._residues[rem]


class FakeData:
    """The organization, its accounts, labels, memberships, attachments and (lazily) transactions."""

    def __init__(self, *, seed: int, transactions_per_account: int, accounts: int = 3) -> None:
        if transactions_per_account < 0:
            raise ValueError("transactions_per_account must be >= 0")
        self.seed = seed
        self.transactions_per_account = transactions_per_account
        digest = hashlib.sha256(f"fake-qonto-{seed}".encode()).hexdigest()
        self.prefix = digest[:8]
        self.login = f"fake-organization-{seed % 10_000:04d}"
        self.secret_key = digest[8:40]
        self.organization_id = f"{self.prefix}-0000-4000-8000-000000000000"
        # Timestamps span about two years whatever the count, so that date filters stay meaningful.
        self.step_seconds = max(60, (2 * 365 * 86_400) // max(1, transactions_per_account))
        self._anchor_us = to_us(ANCHOR)
        self._step_us = self.step_seconds * 1_000_000
        names = ("Main account", "Taxes", "Payroll", "Savings", "Projects")
        self.bank_accounts: list[dict[str, Any]] = [
            self._account(n, names[n % len(names)]) for n in range(accounts)
        ]
        self.external_account = self._external_account()
        self._account_index = {acc["id"]: n for n, acc in enumerate(self.bank_accounts)}
        self._iban_index = {acc["iban"]: n for n, acc in enumerate(self.bank_accounts)}
        self.labels: list[dict[str, Any]] = [
            {
                "id": f"{self.prefix}-1abe-4000-8000-{n:012x}",
                "name": name,
                "parent_id": None if parent is None else f"{self.prefix}-1abe-4000-8000-{parent:012x}",
            }
            for n, (name, parent) in enumerate(_LABELS)
        ]
        self.memberships: list[dict[str, Any]] = [
            {
                "id": f"{self.prefix}-3e3b-4000-8000-{n:012x}",
                "first_name": first,
                "last_name": last,
                "role": role,
                "residence_country": "FR",
                "birthdate": f"{1980 + n}-0{1 + n}-1{n}",
                "nationality": "FR",
                "birth_country": "FR",
                "ubo": role == "owner",
                "status": "active",
            }
            for n, (first, last, role) in enumerate(_MEMBERS)
        ]
        # The authenticated membership (GET /v2/membership, OAuth only): the owner, with its contact fields.
        owner = self.memberships[0]
        self.current_membership: dict[str, Any] = {
            "id": owner["id"],
            "first_name": owner["first_name"],
            "last_name": owner["last_name"],
            "email": f"{owner['first_name'].lower()}@{self.login}.example",
            "phone_number": "+33600000000",
            "position": "CEO",
            "status": "active",
            "role": owner["role"],
            "locale": "fr",
            "team_id": f"{self.prefix}-7ea3-4000-8000-{0:012x}",
        }
        # Twelve monthly statements per business account, 01-2025 to 12-2025 (period is MM-YYYY).
        self.statements: list[dict[str, Any]] = [
            {
                "id": f"{self.prefix}-57a7-4{n:03x}-8000-{month:012x}",
                "bank_account_id": account["id"],
                "period": f"{month:02d}-2025",
                "file": {
                    "file_name": f"statement-{account['slug']}-2025-{month:02d}.pdf",
                    "file_content_type": "application/pdf",
                    "file_size": str(40_000 + _mix(seed, 13, n, month) % 60_000),
                    "file_url": f"https://qonto-fake-statements.example/{self.prefix}/{n}/2025-{month:02d}.pdf"
                    "?X-Amz-Expires=1800",
                },
            }
            for n, account in enumerate(self.bank_accounts)
            for month in range(1, 13)
        ]
        # SEPA beneficiaries: every status, trusted and not; updated_at rises with n.
        self.beneficiaries: list[dict[str, Any]] = [
            {
                "id": f"{self.prefix}-bef0-4000-8000-{n:012x}",
                "name": name,
                "iban": f"FR76300060000{n:02d}{_mix(seed, 17, n) % 10**12:012d}",
                "bic": "AGRIFRPPXXX",
                "status": status,
                "trusted": trusted,
                "created_at": f"2025-0{1 + n}-01T09:00:00.000Z",
                "updated_at": f"2025-0{1 + n}-15T09:00:00.000Z",
                "email": f"billing@{name.lower().replace(' ', '-')}.example",
                "activity_tag": "other_expense",
            }
            for n, (name, status, trusted) in enumerate(_BENEFICIARIES)
        ]
        # GET /v2/subscription (qonto-api.md §3.2 B1); set it to None for an organization without a plan.
        self.subscription_plan: dict[str, Any] | None = {
            "code": "team_business",
            "name": "Business",
            "lineup": "teams",
            "status": "active",
            "recurrence": "monthly",
            "monthly_price": {"amount": "99.00", "currency": "EUR"},
            "trial_ends_at": None,
        }
        # Requests awaiting (or past) review: each kind, each status; created_at rises with n.
        self.requests: list[dict[str, Any]] = [
            self._request(n, kind, status) for n, (kind, status) in enumerate(_REQUESTS)
        ]

    def iban_certificate(self, account: dict[str, Any], locale: str) -> bytes:
        """A small, deterministic stand-in for the certificate PDF."""
        return (
            f"%PDF-1.4\n% IBAN certificate\n% holder: {self.login}\n% iban: {account['iban']}\n% locale: {locale}\n"
            "%%EOF\n"
        ).encode("ascii")

    def _request(self, n: int, kind: str, status: str) -> dict[str, Any]:
        processed = None if status == "pending" else f"2025-03-{10 + n:02d}T12:00:00.000Z"
        request: dict[str, Any] = {
            "id": f"{self.prefix}-4e90-4000-8000-{n:012x}",
            "request_type": kind,
            "status": status,
            "initiator_id": self.memberships[1 + n % (len(self.memberships) - 1)]["id"],
            "approver_id": None if status in ("pending", "canceled") else self.memberships[0]["id"],
            "note": f"{kind.replace('_', ' ')} request {n}",
            "declined_note": "Not in our policy" if status == "declined" else None,
            "processed_at": processed,
            "created_at": f"2025-03-{1 + n:02d}T08:00:00.000Z",
        }
        if kind == "flash_card":
            request.update(
                pre_expires_at="2025-12-31T22:59:59.999Z", payment_lifespan_limit="250.00", currency="EUR"
            )
        elif kind == "virtual_card":
            request.update(payment_monthly_limit="5.00", currency="EUR")
        elif kind == "multi_transfer":
            request.update(
                total_transfers_amount="25561.80",
                total_transfers_amount_currency="EUR",
                total_transfers_count=43,
                scheduled_date="2025-08-15",
            )
        else:
            request.update(
                creditor_name="John Doe",
                amount="30.00",
                currency="EUR",
                scheduled_date="2025-10-06",
                recurrence="monthly",
                last_recurrence_date=None,
            )
        return request

    # -- organization and accounts ------------------------------------------------------------------------------

    def _account(self, n: int, name: str) -> dict[str, Any]:
        h = _mix(self.seed, 7, n)
        cents = 1_000_000 + h % 9_000_000
        return {
            "id": f"{self.prefix}-ba00-4000-8000-{n:012x}",
            "slug": f"{self.login}-bank-account-{n + 1}",
            "name": name,
            "organization_id": self.organization_id,
            "iban": f"FR76169580000{h % 10**14:014d}",
            "bic": "QNTOFRP1XXX",
            "account_number": f"{h % 10**11:011d}",
            "currency": "EUR",
            "balance": _money(cents),
            "balance_cents": cents,
            "authorized_balance": _money(cents - 5_000),
            "authorized_balance_cents": cents - 5_000,
            "status": "active",
            "main": n == 0,
            "is_external_account": False,
            "updated_at": format_time(ANCHOR),
        }

    def _external_account(self) -> dict[str, Any]:
        return {
            "id": f"{self.prefix}-ba00-4000-8000-e00000000000",
            "slug": f"{self.login}-external-account-1",
            "name": "Other bank",
            "organization_id": self.organization_id,
            "iban": "",
            "bic": "",
            "account_number": "",
            "currency": "EUR",
            "balance": 1234.56,
            "balance_cents": 123456,
            "authorized_balance": 1234.56,
            "authorized_balance_cents": 123456,
            "status": "active",
            "main": False,
            "is_external_account": True,
            "updated_at": format_time(ANCHOR),
        }

    def organization(self, *, include_external_accounts: bool = False) -> dict[str, Any]:
        accounts = list(self.bank_accounts)
        if include_external_accounts:
            accounts.append(self.external_account)
        return {
            "organization": {
                "id": self.organization_id,
                "name": "Pied Piper",
                "slug": self.login,
                "legal_name": "Pied Piper SAS",
                "locale": "fr",
                "legal_share_capital": 10000.0,
                "legal_country": "FR",
                "legal_registration_date": "2020-01-15",
                "legal_form": "SAS",
                "legal_address": "1 rue de la Paix, 75002 Paris",
                "legal_sector": "6201Z",
                "legal_number": "123456789",
                # One of the formats Qonto really sends for this field (qonto-api.md §11).
                "contract_signed_at": "2020-02-01T09:30:00.000Z",
                "bank_accounts": accounts,
            }
        }

    def account_index(self, account_id: str | None = None, iban: str | None = None) -> int | None:
        # qonto-api.md §5: bank_account_id wins over iban when both are given.
        if account_id is not None:
            return self._account_index.get(account_id)
        if iban is not None:
            return self._iban_index.get(iban)
        return None

    def account_by_iban(self, iban: str) -> dict[str, Any] | None:
        n = self._iban_index.get(iban)
        return None if n is None else self.bank_accounts[n]

    # -- transactions --------------------------------------------------------------------------------------------

    def transaction_id(self, account: int, index: int) -> str:
        return f"{self.prefix}-{account:04x}-4000-8000-{index:012x}"

    def attachment_id(self, account: int, index: int) -> str:
        return f"{self.prefix}-{account:04x}-4000-a000-{index:012x}"

    def parse_id(self, value: str, *, kind: str = "8000") -> tuple[int, int] | None:
        """(account, index) from a transaction (kind 8000) or attachment (kind a000) id, or None."""
        parts = value.split("-")
        if len(parts) != 5 or parts[0] != self.prefix or parts[2] != "4000" or parts[3] != kind:
            return None
        try:
            account, index = int(parts[1], 16), int(parts[4], 16)
        except ValueError:
            return None
        if len(parts[1]) != 4 or len(parts[4]) != 12:
            return None
        if account >= len(self.bank_accounts) or index >= self.transactions_per_account:
            return None
        return account, index

    def emitted_us(self, index: int) -> int:
        return self._anchor_us - index * self._step_us

    def index_range(self, offset_s: int, lo: datetime | None, hi: datetime | None) -> tuple[int, int]:
        """Indices whose timestamp (emission + ``offset_s``) lies within [lo, hi]: a half-open [start, stop)."""
        start, stop = 0, self.transactions_per_account
        base = self._anchor_us + offset_s * 1_000_000
        if lo is not None:
            # t(i) = base - i*step >= lo  <=>  i <= (base - lo) // step
            diff = base - to_us(lo)
            stop = min(stop, -1 if diff < 0 else diff // self._step_us + 1)
        if hi is not None:
            # t(i) <= hi  <=>  i >= ceil((base - hi) / step)
            diff = base - to_us(hi)
            start = max(start, 0 if diff <= 0 else -(-diff // self._step_us))
        return start, max(start, stop)

    @staticmethod
    def residues(
        *,
        statuses: Iterable[str],
        side: str | None,
        operation_types: Iterable[str] | None,
        with_attachments: bool | None,
    ) -> list[int]:
        wanted_status = set(statuses)
        ops = None if operation_types is None else set(operation_types)
        return [
            r
            for r in range(PERIOD)
            if STATUS_OF[r] in wanted_status
            and (side is None or SIDE_OF[r] == side)
            and (ops is None or OPERATION_OF[r] in ops)
            and (with_attachments is None or ATTACHED_OF[r] == with_attachments)
        ]

    def label_ids(self, h: int) -> list[str]:
        count = h % 3
        return [self.labels[(h >> (8 * k)) % len(self.labels)]["id"] for k in range(count)]

    def attachment(self, account: int, index: int) -> dict[str, Any]:
        h = _mix(self.seed, 11, account, index)
        created = format_time(datetime.fromtimestamp(self.emitted_us(index) / 1e6 + 600, UTC))
        name = f"receipt-{index}.pdf"
        return {
            "id": self.attachment_id(account, index),
            "created_at": created,
            "file_name": name,
            "file_size": str(20_000 + h % 500_000),
            "file_content_type": "application/pdf",
            # qonto-api.md §12: a pre-signed URL, fetched without Qonto headers.
            "url": f"https://qonto-fake-attachments.example/{self.prefix}/{name}?X-Amz-Expires=1800",
            "probative_attachment": {"status": "unavailable"},
        }

    def transaction(self, account: int, index: int, includes: frozenset[str] = frozenset()) -> dict[str, Any]:
        r = index % PERIOD
        h = _mix(self.seed, account, index)
        status = STATUS_OF[r]
        side = SIDE_OF[r]
        operation = OPERATION_OF[r]
        name, category = _COUNTERPARTIES[h % len(_COUNTERPARTIES)]
        if side == "credit":
            cents = 50_000 + (h >> 8) % 2_000_000
            category = "sales"
        else:
            cents = 150 + (h >> 8) % 150_000
        emitted_us = self.emitted_us(index)
        emitted = datetime.fromtimestamp(emitted_us / 1e6, UTC)
        settled = None if status != "completed" else format_time(emitted + timedelta(seconds=SETTLED_OFFSET))
        attachment_ids = [self.attachment_id(account, index)] if ATTACHED_OF[r] else []
        vat_cents = cents // 6 if side == "debit" else 0
        tx: dict[str, Any] = {
            "id": self.transaction_id(account, index),
            "transaction_id": f"{self.login}-transaction-{account}-{index}",
            "bank_account_id": self.bank_accounts[account]["id"],
            "amount": _money(cents),
            "amount_cents": cents,
            "settled_balance": None if settled is None else _money(1_000_000 + h % 5_000_000),
            "settled_balance_cents": None if settled is None else 1_000_000 + h % 5_000_000,
            "attachment_ids": attachment_ids,
            "logo": {"small": None, "medium": None},
            "local_amount": _money(cents),
            "local_amount_cents": cents,
            "side": side,
            "operation_type": operation,
            "currency": "EUR",
            "local_currency": "EUR",
            "label": name,
            "clean_counterparty_name": name,
            "settled_at": settled,
            "emitted_at": format_time(emitted),
            "created_at": format_time(emitted),
            "updated_at": format_time(emitted + timedelta(seconds=UPDATED_OFFSET)),
            "status": status,
            "note": None,
            "reference": f"REF-{index:06d}" if operation in ("transfer", "income") else None,
            "vat_amount": _money(vat_cents),
            "vat_amount_cents": vat_cents,
            "vat_rate": 20.0 if vat_cents else 0.0,
            "initiator_id": self.memberships[h % len(self.memberships)]["id"],
            "label_ids": self.label_ids(h),
            "attachment_lost": False,
            "attachment_required": side == "debit" and operation == "card",
            "card_last_digits": f"{h % 10_000:04d}" if operation == "card" else None,
            "category": category,
            "cashflow_category": {"name": category.replace("_", " ").capitalize()},
            "cashflow_subcategory": None,
            "subject_type": _SUBJECT[operation],
            "is_external_transaction": False,
        }
        detail = _DETAIL_KEY.get(operation)
        if detail is not None:
            tx[detail] = {
                "counterparty_account_number": f"FR76300040000{h % 10**14:014d}",
                "counterparty_account_number_format": "IBAN",
                "counterparty_bank_identifier": "BNPAFRPPXXX",
                "counterparty_bank_identifier_format": "SWIFT_BIC",
            }
        if includes:
            if "labels" in includes:
                wanted = set(tx["label_ids"])
                tx["labels"] = [label for label in self.labels if label["id"] in wanted]
            if "attachments" in includes:
                tx["attachments"] = [self.attachment(account, index)] if attachment_ids else []
            if "vat_details" in includes:
                tx["vat_details"] = {
                    "items": (
                        [
                            {
                                "amount": f"{vat_cents / 100:.2f}",
                                "amount_cents": str(vat_cents),
                                "amount_excluding_vat": f"{(cents - vat_cents) / 100:.2f}",
                                "amount_excluding_vat_cents": str(cents - vat_cents),
                                "rate": "20.0",
                            }
                        ]
                        if vat_cents
                        else []
                    )
                }
        return tx
