"""FakeQonto: SEPA Direct Debit collection (qonto-api.md §3.2 B10-B15): mandates, subscriptions, collections.

Scopes ``sepa_direct_debit.read`` / ``sepa_direct_debit.write``; API keys are accepted too, as the newer
docs.qonto.com pages list them (qonto-api.md §2.1 says OAuth only: the docs changed). State lives in
``fake.stores["direct_debits"]`` (a :class:`DirectDebitStore`): one signed mandate of :data:`SEED_CLIENT_ID` with a
monthly subscription and three of its collections, then whatever the client creates. New mandates await signature
(``pending_signature``, with a ``sign_url``); a subscription created without a mandate creates one. Client ids are
taken as given (the fake does not check them against ``/v2/clients``).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import ANCHOR, format_time
from qonto_async.testing._routes._misc_bodies import invalid, ok, text, wrapped
from qonto_async.testing._routes.payment_links import money_body
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_SCHEDULES: Final = ("one_off", "weekly", "monthly", "quarterly", "yearly", "custom")
_SUB_SORT: Final = ("created_at", "initial_collection_date")
SEED_CLIENT_ID: Final = "c11e0000-0000-4000-8000-000000000001"


@attrs.define(kw_only=True)
class DirectDebitStore:
    mandates: list[dict[str, Any]] = attrs.field(factory=list)
    subscriptions: list[dict[str, Any]] = attrs.field(factory=list)
    collections: list[dict[str, Any]] = attrs.field(factory=list)
    counter: int = 0

    def next_id(self, fake: FakeQonto, kind: str) -> str:
        self.counter += 1
        return f"{fake.data.prefix}-{kind}-4000-8000-{self.counter:012x}"


def store(fake: FakeQonto) -> DirectDebitStore:
    found = fake.stores.get("direct_debits")
    if found is None:
        found = fake.stores["direct_debits"] = DirectDebitStore()
        _seed(fake, found)
    assert isinstance(found, DirectDebitStore)
    return found


def _seed(fake: FakeQonto, found: DirectDebitStore) -> None:
    mandate = _mandate(fake, found, SEED_CLIENT_ID, None, ANCHOR - timedelta(days=100))
    mandate.update(status="signed", sign_url=None, mandate_signature_date=format_time(ANCHOR - timedelta(days=99)))
    found.mandates.append(mandate)
    amount = {"value": "49.90", "currency": "EUR"}
    sub = {
        "id": found.next_id(fake, "dd02"),
        "direct_debit_mandate_id": mandate["id"],
        "client_id": SEED_CLIENT_ID,
        "bank_account_id": fake.data.bank_accounts[0]["id"],
        "initial_collection_date": (ANCHOR - timedelta(days=90)).date().isoformat(),
        "amount": amount,
        "reference": "SUBSCRIPTION-2026",
        "status": "active",
        "schedule_type": "monthly",
        "schedule_total_collection_count": 12,
        "schedule_next_collection_date": (ANCHOR + timedelta(days=1)).date().isoformat(),
        "notify_client": True,
        "created_at": format_time(ANCHOR - timedelta(days=95)),
    }
    found.subscriptions.append(sub)
    for n, (status, reason) in enumerate(
        (("completed", None), ("rejected", "insufficient_funds"), ("completed", None))
    ):
        day = ANCHOR - timedelta(days=90 - 30 * n)
        found.collections.append(
            {
                "id": found.next_id(fake, "dd03"),
                "direct_debit_subscription_id": sub["id"],
                "amount": amount,
                "reference": "SUBSCRIPTION-2026",
                "status": status,
                "status_reason": reason,
                "collection_date": day.date().isoformat(),
            }
        )


def _mandate(
    fake: FakeQonto, found: DirectDebitStore, client_id: str, payment_info: dict[str, Any] | None, at: Any
) -> dict[str, Any]:
    mandate_id = found.next_id(fake, "dd01")
    mandate: dict[str, Any] = {
        "id": mandate_id,
        "unique_mandate_reference": f"FAKEUMR{found.counter:012d}",
        "client_id": client_id,
        "status": "pending_signature",
        "is_cancelable": True,
        "sign_url": f"https://pay.qonto-fake.example/mandates/{mandate_id}",
        "created_at": format_time(at),
    }
    if payment_info is not None:
        mandate["payment_info"] = payment_info
        mandate["notify_client"] = payment_info.get("notify_client", False)
        mandate["schedule_type"] = payment_info.get("schedule_type", "one_off")
    return mandate


def _date(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> str:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise invalid(fake, ctx, "invalid", "must be a date YYYY-MM-DD", pointer) from None
    return value


def _schedule(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> None:
    kind = data.get("schedule_type")
    if kind is not None and kind not in _SCHEDULES:
        raise invalid(
            fake,
            ctx,
            "invalid",
            f"schedule_type must be one of {', '.join(_SCHEDULES)}",
            f"{pointer}/schedule_type",
        )
    for name in ("schedule_total_collection_count", "schedule_custom_interval"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise invalid(fake, ctx, "invalid", f"{name} must be a positive integer", f"{pointer}/{name}")
    custom = (data.get("schedule_custom_interval"), data.get("schedule_custom_unit"))
    if (kind == "custom") != (custom != (None, None)) or (kind == "custom" and None in custom):
        raise invalid(
            fake,
            ctx,
            "invalid",
            "schedule_custom_interval and schedule_custom_unit go (both) with schedule_type custom",
            f"{pointer}/schedule_type",
        )


def _flag(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], name: str, pointer: str) -> None:
    if name in data and not isinstance(data[name], bool):
        raise invalid(fake, ctx, "invalid", f"{name} must be a boolean", f"{pointer}/{name}")


async def _list_mandates(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    client_id = ctx.query.get("client_id")
    items = [m for m in store(fake).mandates if client_id is None or m["client_id"] == client_id]
    return fake._list(ctx, "direct_debit_mandates", items)


async def _create_mandate(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "direct_debit_mandate")
    pointer = "/direct_debit_mandate"
    client_id = text(fake, ctx, body, "client_id", pointer)
    assert client_id is not None
    _flag(fake, ctx, body, "send_mandate_signature_email", pointer)
    info = body.get("payment_info")
    if info is not None:
        where = f"{pointer}/payment_info"
        if not isinstance(info, dict) or not isinstance(info.get("first_payment"), dict):
            raise invalid(fake, ctx, "missing_parameter", "payment_info.first_payment is required", where)
        first = info["first_payment"]
        _date(fake, ctx, first.get("collection_date"), f"{where}/first_payment/collection_date")
        money_body(fake, ctx, first.get("amount"), f"{where}/first_payment/amount", currencies=("EUR",))
        text(fake, ctx, first, "reference", f"{where}/first_payment")
        _flag(fake, ctx, info, "notify_client", where)
        _schedule(fake, ctx, info, where)
    debits = store(fake)
    mandate = _mandate(fake, debits, client_id, info, fake.now().astimezone(UTC))
    debits.mandates.append(mandate)
    return ok(fake, ctx, {"direct_debit_mandate": mandate}, 201)


async def _list_subscriptions(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    statuses = fake._choices(ctx, "status", ())
    items = [s for s in store(fake).subscriptions if not statuses or s["status"] in statuses]
    items = fake._sorted(ctx, items, _SUB_SORT, "created_at:desc")
    return fake._list(ctx, "direct_debit_subscriptions", items)


async def _create_subscription(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = wrapped(fake, ctx, "direct_debit_subscription")
    pointer = "/direct_debit_subscription"
    debits = store(fake)
    mandate_id = body.get("direct_debit_mandate_id")
    client_id = text(fake, ctx, body, "client_id", pointer, required=mandate_id is None)
    mandate = None
    if mandate_id is not None:
        mandate = next((m for m in debits.mandates if m["id"] == mandate_id), None)
        if mandate is None:
            raise invalid(fake, ctx, "not_found", "Mandate not found", f"{pointer}/direct_debit_mandate_id")
        if client_id is not None and client_id != mandate["client_id"]:
            raise invalid(fake, ctx, "invalid", "The mandate belongs to another client", f"{pointer}/client_id")
    account_id = body.get("bank_account_id")
    if account_id is not None and account_id not in {a["id"] for a in fake.data.bank_accounts}:
        raise invalid(fake, ctx, "not_found", "Bank account not found", f"{pointer}/bank_account_id")
    first = _date(fake, ctx, body.get("initial_collection_date"), f"{pointer}/initial_collection_date")
    money_body(fake, ctx, body.get("amount"), f"{pointer}/amount", currencies=("EUR",))
    text(fake, ctx, body, "reference", pointer)
    _flag(fake, ctx, body, "notify_client", pointer)
    _schedule(fake, ctx, body, pointer)
    now = fake.now().astimezone(UTC)
    if mandate is None:
        assert client_id is not None
        mandate = _mandate(fake, debits, client_id, None, now)
        debits.mandates.append(mandate)
    sub = {
        "id": debits.next_id(fake, "dd02"),
        "direct_debit_mandate_id": mandate["id"],
        "client_id": mandate["client_id"],
        "bank_account_id": account_id or fake.data.bank_accounts[0]["id"],
        "initial_collection_date": first,
        "amount": body["amount"],
        "reference": body["reference"],
        "status": "active" if mandate["status"] == "signed" else "pending_mandate_signature",
        "schedule_type": body.get("schedule_type", "one_off"),
        "schedule_next_collection_date": first,
        "notify_client": body.get("notify_client", False),
        "created_at": format_time(now),
    }
    for name in ("schedule_total_collection_count", "schedule_custom_interval", "schedule_custom_unit"):
        if body.get(name) is not None:
            sub[name] = body[name]
    if mandate["status"] != "signed":
        sub["sign_url"] = mandate["sign_url"]
    debits.subscriptions.append(sub)
    return ok(fake, ctx, {"direct_debit_subscription": sub}, 201)


async def _get_subscription(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    wanted = ctx.params["direct_debit_subscription_id"]
    sub = next((s for s in store(fake).subscriptions if s["id"] == wanted), None)
    if sub is None:
        return fake._error(
            404,
            "not_found",
            "Subscription not found",
            ctx.trace,
            source={"parameter": "direct_debit_subscription_id"},
        )
    return ok(fake, ctx, {"direct_debit_subscription": sub})


async def _list_collections(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    wanted = ctx.query.get("direct_debit_subscription_id")
    items = [c for c in store(fake).collections if wanted is None or c["direct_debit_subscription_id"] == wanted]
    return fake._list(ctx, "direct_debit_collections", items)


_READ: Final = "sepa_direct_debit.read"
_WRITE: Final = "sepa_direct_debit.write"
ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/sepa/direct_debit_mandates", _list_mandates, _READ, True),
    _Route("POST", "/v2/sepa/direct_debit_mandates", _create_mandate, _WRITE, True, write=True),
    _Route("GET", "/v2/sepa/direct_debit_subscriptions", _list_subscriptions, _READ, True),
    _Route("POST", "/v2/sepa/direct_debit_subscriptions", _create_subscription, _WRITE, True, write=True),
    _Route(
        "GET",
        "/v2/sepa/direct_debit_subscriptions/{direct_debit_subscription_id}",
        _get_subscription,
        _READ,
        True,
    ),
    _Route("GET", "/v2/sepa/direct_debit_collections", _list_collections, _READ, True),
)
