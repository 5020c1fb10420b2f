"""FakeQonto: cards (qonto-api.md §3.1 rows 17-29). OAuth only: ``card.read`` to list and view, ``card.write`` for
the rest.

Seeded with one card of each level, held by the seeded members. Bodies are checked as the OpenAPI schemas say
(required fields per level, integer limits within their ranges, ISO weekdays, a 1-40 character nickname), with 422
items pointing into the body. Card states follow Qonto's descriptions: lost/stolen only for physical cards,
discard only for the others, unlock only a paused card, and a lost, stolen or discarded card is final.

``POST /v2/cards/bulk`` answers one entry per requested card in request order: ``{"card": ...}`` when created, and
(a FakeQonto assumption: Qonto documents only the success shape) ``{"errors": [...]}`` for a card it refused, so
that a client's handling of partial success can be tested. ``GET /v2/cards/{id}/data_view`` requires
``Accept-Language`` and HTML-escapes ``&``, ``<``, ``>`` in the URL as the six characters ``\\u0026``... (§12).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok, wrapped
from qonto_async.testing._server import _Ctx, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "CardStore", "store"]

STORE: Final = "cards"
_READ: Final = "card.read"
_WRITE: Final = "card.write"
_PHYSICAL: Final = ("standard", "plus", "metal")
_LEVELS: Final = (*_PHYSICAL, "virtual", "flash", "advertising")
_STATUSES: Final = (
    "pending",
    "live",
    "paused",
    "stolen",
    "lost",
    "pin_blocked",
    "discarded",
    "expired",
    "shipped_lost",
    "onhold",
    "order_canceled",
    "pre_expired",
    "abusive",
)
_FINAL: Final = ("lost", "stolen", "discarded")
_SORT_FIELDS: Final = ("status", "nickname", "last_activity_at", "created_at")
# OpenAPI card_* schemas: the ranges of the integer limits (euros).
_RANGES: Final = {
    "atm_monthly_limit": (10, 3000),
    "atm_daily_limit": (10, 3000),
    "payment_monthly_limit": (0, 200_000),
    "payment_daily_limit": (0, 60_000),
    "payment_transaction_limit": (0, 200_000),
    "payment_lifespan_limit": (5, 20_000),
}
_FLAGS: Final = (
    "ship_to_business",
    "atm_option",
    "nfc_option",
    "online_option",
    "foreign_option",
    "atm_daily_limit_option",
    "payment_daily_limit_option",
    "payment_transaction_limit_option",
)
# OpenAPI CreatePhysicalCard / CreateVirtualCard / CreateFlashCard / CreateAdvertisingCard: required per level.
_REQUIRED: Final = {
    "physical": (
        "ship_to_business",
        "payment_monthly_limit",
        "atm_monthly_limit",
        "atm_daily_limit_option",
        "atm_daily_limit",
    ),
    "virtual": ("payment_monthly_limit",),
    "flash": ("payment_lifespan_limit", "pre_expires_at"),
    "advertising": (),
}
_LANGUAGES: Final = ("en", "it", "es", "de", "fr", "pt")
_DESIGNS: Final = {
    "standard": "standard.recycled.plastic.2023",
    "plus": "plus.recycled.plastic.black.2023",
    "metal": "metal.graphite.black.2019",
    "virtual": "virtual.default.2017",
    "flash": "flash.default.2021",
    "advertising": "advertising.default.2023",
}


@attrs.define
class CardStore:
    cards: list[dict[str, Any]] = attrs.field(factory=list)
    counter: int = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-ca00-4000-8000-{self.counter:012x}"

    def find(self, card_id: str) -> dict[str, Any] | None:
        return next((c for c in self.cards if c["id"] == card_id), None)


def store(fake: FakeQonto) -> CardStore:
    found: CardStore | None = fake.stores.get(STORE)
    if found is None:
        found = CardStore()
        fake.stores[STORE] = found
        members = fake.data.memberships
        accounts = fake.data.bank_accounts
        seeds = (
            ("standard", "live", "Office card"),
            ("plus", "live", "Travel"),
            ("metal", "paused", "Founder"),
            ("virtual", "live", "SaaS subscriptions"),
            ("flash", "pending", "Conference"),
            ("advertising", "live", "Ads"),
        )
        for n, (level, status, nickname) in enumerate(seeds):
            body: dict[str, Any] = {"card_level": level, "payment_monthly_limit": 1000 + 500 * n}
            if level in _PHYSICAL:
                body.update(atm_monthly_limit=1000, atm_daily_limit=300, atm_daily_limit_option=True)
            if level == "flash":
                body.update(payment_lifespan_limit=200, pre_expires_at="2027-01-31T23:59:59.000Z")
            card = _new_card(
                fake,
                found,
                body,
                holder_id=members[n % len(members)]["id"],
                bank_account_id=accounts[n % len(accounts)]["id"],
                created_at=datetime(2025, 1 + n, 10, 9, tzinfo=fake.now().tzinfo),
            )
            card.update(status=status, nickname=nickname, last_activity_at=f"2025-0{1 + n}-20T12:00:00.000Z")
            found.cards.append(card)
    return found


def _new_card(
    fake: FakeQonto,
    cards: CardStore,
    body: dict[str, Any],
    *,
    holder_id: str,
    bank_account_id: str,
    created_at: datetime,
) -> dict[str, Any]:
    level = body["card_level"]
    card_id = cards.next_id(fake.data.prefix)
    digits = f"{int(card_id[-4:], 16) % 10_000:04d}"
    physical = level in _PHYSICAL
    stamp = format_time(created_at)
    return {
        "id": card_id,
        "nickname": body.get("nickname") or f"{level.capitalize()} card",
        "embossed_name": "RICHARD HENDRICKS" if physical else None,
        "status": "pending" if physical else "live",
        "pin_set": False,
        "mask_pan": f"511768******{digits}",
        "exp_month": "12",
        "exp_year": "2029",
        "last_activity_at": None,
        "last_digits": digits,
        "ship_to_business": body.get("ship_to_business", False) if physical else False,
        "atm_option": body.get("atm_option", physical),
        "nfc_option": body.get("nfc_option", False),
        "online_option": body.get("online_option", True),
        "foreign_option": body.get("foreign_option", True),
        "atm_monthly_limit": body.get("atm_monthly_limit", 0),
        "atm_monthly_spent": 0,
        "atm_daily_limit": body.get("atm_daily_limit", 0),
        "atm_daily_spent": 0,
        "atm_daily_limit_option": body.get("atm_daily_limit_option", False),
        "payment_monthly_limit": body.get("payment_monthly_limit", 0),
        "payment_monthly_spent": 12.5,
        "payment_daily_limit": body.get("payment_daily_limit", 0),
        "payment_daily_spent": 0,
        "payment_daily_limit_option": body.get("payment_daily_limit_option", False),
        "payment_transaction_limit": body.get("payment_transaction_limit", 0),
        "payment_transaction_limit_option": body.get("payment_transaction_limit_option", False),
        "active_days": body.get("active_days", [1, 2, 3, 4, 5, 6, 7]),
        "holder_id": holder_id,
        "initiator_id": body.get("initiator_id", fake.data.current_membership["id"]),
        "bank_account_id": bank_account_id,
        "organization_id": fake.data.organization_id,
        "updated_at": stamp,
        "created_at": stamp,
        "shipped_at": None,
        "card_type": "debit",
        "card_level": level,
        "payment_lifespan_limit": body.get("payment_lifespan_limit", 0),
        "payment_lifespan_spent": 0,
        "pre_expires_at": body.get("pre_expires_at"),
        "categories": body.get("categories", []),
        "renewed": False,
        "renewal": False,
        "parent_card_summary": None,
        "had_operation": False,
        "had_pin_operation": False,
        "card_design": body.get("card_design", _DESIGNS[level]),
        "type_of_print": body.get("type_of_print"),
        "upsold": False,
        "upsell": False,
        "discard_on": None,
        "reordered": False,
    }


# --- body checks ------------------------------------------------------------------------------------------------


def _flag(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], name: str, pointer: str) -> None:
    if name in data and not isinstance(data[name], bool):
        raise invalid(fake, ctx, "invalid", f"{name} must be a boolean", f"{pointer}/{name}")


def _limit(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], name: str, pointer: str) -> None:
    if name not in data:
        return
    value = data[name]
    low, high = _RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(fake, ctx, "invalid", f"{name} must be an integer (euros)", f"{pointer}/{name}")
    if not low <= value <= high:
        raise invalid(fake, ctx, "out_of_range", f"{name} must be between {low} and {high}", f"{pointer}/{name}")


def _days(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> None:
    if "active_days" not in data:
        return
    days = data["active_days"]
    if (
        not isinstance(days, list)
        or not days
        or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in days)
        or len(set(days)) != len(days)
    ):
        raise invalid(fake, ctx, "invalid", "active_days must list ISO weekdays 1 to 7", f"{pointer}/active_days")


def _categories(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> None:
    if "categories" not in data:
        return
    tags = data["categories"]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise invalid(fake, ctx, "invalid", "categories must be a list of category tags", f"{pointer}/categories")


def _check_new_card(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], pointer: str) -> dict[str, Any]:
    level = data.get("card_level")
    if level not in _LEVELS:
        raise invalid(
            fake, ctx, "invalid", f"card_level must be one of {', '.join(_LEVELS)}", f"{pointer}/card_level"
        )
    for name in ("holder_id", "bank_account_id", "organization_id"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise invalid(fake, ctx, "missing_parameter", f"{name} is required", f"{pointer}/{name}")
    if data["organization_id"] != fake.data.organization_id:
        raise invalid(fake, ctx, "not_found", "Organization not found", f"{pointer}/organization_id")
    if not any(m["id"] == data["holder_id"] for m in fake.data.memberships):
        raise invalid(fake, ctx, "not_found", "Holder not found", f"{pointer}/holder_id")
    if fake.data.account_index(account_id=data["bank_account_id"]) is None:
        raise invalid(fake, ctx, "not_found", "Bank account not found", f"{pointer}/bank_account_id")
    kind = "physical" if level in _PHYSICAL else level
    for name in _REQUIRED[kind]:
        if data.get(name) is None:
            raise invalid(
                fake, ctx, "missing_parameter", f"{name} is required for {level} cards", f"{pointer}/{name}"
            )
    for name in _FLAGS:
        _flag(fake, ctx, data, name, pointer)
    for name in _RANGES:
        _limit(fake, ctx, data, name, pointer)
    _days(fake, ctx, data, pointer)
    _categories(fake, ctx, data, pointer)
    if data.get("type_of_print") is not None and level != "plus":
        raise invalid(fake, ctx, "invalid", "type_of_print is only for plus cards", f"{pointer}/type_of_print")
    if level in _PHYSICAL and data.get("ship_to_business") is False and not isinstance(data.get("address"), dict):
        raise invalid(
            fake, ctx, "missing_parameter", "address is required unless shipping to the business", pointer
        )
    if "pre_expires_at" in data and data["pre_expires_at"] is not None:
        try:
            datetime.fromisoformat(str(data["pre_expires_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise invalid(
                fake, ctx, "invalid", "pre_expires_at must be ISO 8601", f"{pointer}/pre_expires_at"
            ) from None
    return data


def _create_card(fake: FakeQonto, data: dict[str, Any]) -> dict[str, Any]:
    cards = store(fake)
    card = _new_card(
        fake,
        cards,
        data,
        holder_id=data["holder_id"],
        bank_account_id=data["bank_account_id"],
        created_at=fake.now(),
    )
    cards.cards.append(card)
    return card


# --- handlers ---------------------------------------------------------------------------------------------------


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    items = list(store(fake).cards)
    statuses = fake._choices(ctx, "statuses", _STATUSES)
    levels = fake._choices(ctx, "card_levels", _LEVELS)
    for name, field in (("holder_ids", "holder_id"), ("bank_account_ids", "bank_account_id"), ("ids", "id")):
        wanted = fake._choices(ctx, name, ())
        if wanted:
            items = [c for c in items if c[field] in wanted]
    if statuses:
        items = [c for c in items if c["status"] in statuses]
    if levels:
        items = [c for c in items if c["card_level"] in levels]
    query = ctx.query.get("query")
    if query:
        needle = query.lower()
        names = {m["id"]: f"{m['first_name']} {m['last_name']}".lower() for m in fake.data.memberships}
        items = [
            c
            for c in items
            if needle in (c["nickname"] or "").lower()
            or needle in c["id"]
            or needle == c["last_digits"]
            or needle == c["status"]
            or needle in names.get(c["holder_id"], "")
        ]
    items = fake._sorted(ctx, items, _SORT_FIELDS, "status:asc")
    return fake._list(ctx, "cards", items)


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    data = _check_new_card(fake, ctx, wrapped(fake, ctx, "card"), "/card")
    return ok(fake, ctx, {"card": _create_card(fake, data)})


async def _bulk_create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    entries = json_object(fake, ctx).get("cards")
    if not isinstance(entries, list) or not entries:
        raise invalid(fake, ctx, "missing_parameter", "cards must be a non-empty list", "/cards", status=400)
    checked: list[dict[str, Any]] = []
    for n, entry in enumerate(entries):
        pointer = f"/cards/{n}/card"
        data = entry.get("card") if isinstance(entry, dict) else None
        if not isinstance(data, dict):
            checked.append(
                {
                    "errors": [
                        {"code": "missing_parameter", "detail": "card is required", "source": {"pointer": pointer}}
                    ]
                }
            )
            continue
        try:
            checked.append({"card": _check_new_card(fake, ctx, data, pointer)})
        except _Reject as rejected:
            body = rejected.response.body if isinstance(rejected.response, web.Response) else b"{}"
            errors = json.loads(body if isinstance(body, bytes) else b"{}").get("errors", [])
            checked.append({"errors": errors})
    if all("errors" in c for c in checked):
        # Nothing could be created: the whole request fails, as a 422 listing every item's errors.
        items = [e for c in checked for e in c["errors"]]
        return fake._json(422, {"errors": items, "trace_id": ctx.trace}, ctx.trace)
    results = [{"card": _create_card(fake, c["card"])} if "card" in c else c for c in checked]
    return ok(fake, ctx, {"cards": results})


def _card(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    card = store(fake).find(ctx.params["id"])
    if card is None:
        raise _Reject(fake._error(404, "not_found", "Card not found", ctx.trace, source={"parameter": "id"}))
    return card


async def _data_view(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    language = ctx.request.headers.get("Accept-Language")
    if language not in _LANGUAGES:
        return fake._error(
            400,
            "invalid_header",
            f"Accept-Language is required: one of {', '.join(_LANGUAGES)}",
            ctx.trace,
            source={"header": "Accept-Language"},
        )
    card = _card(fake, ctx)
    token = hashlib.sha256(f"{card['id']}:{fake.data.secret_key}".encode()).hexdigest()[:24]
    url = f"https://card-view.qonto-fake.example/cards/{card['id']}?locale={language}&token={token}&theme=<light>"
    # qonto-api.md §12: &, < and > arrive HTML-escaped as the characters \u0026, \u003c, \u003e.
    escaped = url.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return ok(fake, ctx, {"iframe_url": escaped})


def _updated(fake: FakeQonto, card: dict[str, Any], **changes: Any) -> dict[str, Any]:
    card.update(changes, updated_at=format_time(fake.now()))
    return card


def _state(fake: FakeQonto, ctx: _Ctx, card: dict[str, Any], action: str) -> None:
    if card["status"] in _FINAL:
        raise invalid(
            fake, ctx, "invalid_status", f"The card is {card['status']}: it cannot be {action}", "/status"
        )


def _state_change(
    action: str, status: str, allowed: tuple[str, ...] | None, from_status: str | None = None
) -> Any:
    async def handler(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
        card = _card(fake, ctx)
        _state(fake, ctx, card, action)
        if allowed is not None and card["card_level"] not in allowed:
            raise invalid(
                fake, ctx, "invalid_card_level", f"A {card['card_level']} card cannot be {action}", "/card_level"
            )
        if from_status is not None and card["status"] != from_status:
            raise invalid(fake, ctx, "invalid_status", f"Only a {from_status} card can be {action}", "/status")
        return ok(fake, ctx, {"card": _updated(fake, card, status=status)})

    return handler


_NON_PHYSICAL: Final = ("virtual", "flash", "advertising")


def _patch_body(fake: FakeQonto, ctx: _Ctx, allowed: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    card = _card(fake, ctx)
    _state(fake, ctx, card, "updated")
    data = wrapped(fake, ctx, "card")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise invalid(fake, ctx, "unknown_parameter", f"Unexpected parameter {unknown[0]}", f"/card/{unknown[0]}")
    if not data:
        raise invalid(fake, ctx, "missing_parameter", f"One of {', '.join(allowed)} is required", "/card")
    return card, data


async def _limits(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    card, data = _patch_body(
        fake,
        ctx,
        (
            "atm_monthly_limit",
            "atm_daily_limit_option",
            "atm_daily_limit",
            "payment_monthly_limit",
            "payment_daily_limit_option",
            "payment_daily_limit",
            "payment_transaction_limit_option",
            "payment_transaction_limit",
        ),
    )
    for name in data:
        if name.endswith("_option"):
            _flag(fake, ctx, data, name, "/card")
        else:
            _limit(fake, ctx, data, name, "/card")
    return ok(fake, ctx, {"card": _updated(fake, card, **data)})


async def _restrictions(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    card, data = _patch_body(fake, ctx, ("active_days", "categories"))
    _days(fake, ctx, data, "/card")
    _categories(fake, ctx, data, "/card")
    return ok(fake, ctx, {"card": _updated(fake, card, **data)})


async def _options(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    card, data = _patch_body(fake, ctx, ("atm_option", "nfc_option", "online_option", "foreign_option"))
    for name in data:
        _flag(fake, ctx, data, name, "/card")
    return ok(fake, ctx, {"card": _updated(fake, card, **data)})


async def _nickname(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    card, data = _patch_body(fake, ctx, ("nickname",))
    nickname = data.get("nickname")
    if not isinstance(nickname, str) or not 1 <= len(nickname) <= 40:
        raise invalid(fake, ctx, "invalid", "nickname must be 1 to 40 characters", "/card/nickname")
    return ok(fake, ctx, {"card": _updated(fake, card, nickname=nickname)})


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/cards", _list, _READ, False),
    _Route("POST", "/v2/cards", _create, _WRITE, False, write=True, idempotency_required=True),
    _Route("POST", "/v2/cards/bulk", _bulk_create, _WRITE, False, write=True),
    _Route("GET", "/v2/cards/{id}/data_view", _data_view, _READ, False),
    _Route(
        "PUT", "/v2/cards/{id}/lost", _state_change("reported lost", "lost", _PHYSICAL), _WRITE, False, write=True
    ),
    _Route(
        "PUT",
        "/v2/cards/{id}/stolen",
        _state_change("reported stolen", "stolen", _PHYSICAL),
        _WRITE,
        False,
        write=True,
    ),
    _Route(
        "PUT",
        "/v2/cards/{id}/discard",
        _state_change("discarded", "discarded", _NON_PHYSICAL),
        _WRITE,
        False,
        write=True,
    ),
    _Route(
        "PUT", "/v2/cards/{id}/lock", _state_change("locked", "paused", None, "live"), _WRITE, False, write=True
    ),
    _Route(
        "PUT",
        "/v2/cards/{id}/unlock",
        _state_change("unlocked", "live", None, "paused"),
        _WRITE,
        False,
        write=True,
    ),
    _Route("PATCH", "/v2/cards/{id}/limits", _limits, _WRITE, False, write=True),
    _Route("PATCH", "/v2/cards/{id}/restrictions", _restrictions, _WRITE, False, write=True),
    _Route("PATCH", "/v2/cards/{id}/options", _options, _WRITE, False, write=True),
    _Route("PATCH", "/v2/cards/{id}/nickname", _nickname, _WRITE, False, write=True),
)
