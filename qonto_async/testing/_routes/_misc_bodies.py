"""Request-body checks shared by the write routes of requests, beneficiaries, cash-flow categories and legacy
transfers: Qonto answers 422 with JSON:API-like items pointing into the body (qonto-api.md §6.1)."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from aiohttp import web

from qonto_async.testing._server import _Ctx, _Reject

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto


def invalid(fake: FakeQonto, ctx: _Ctx, code: str, detail: str, pointer: str, status: int = 422) -> _Reject:
    return _Reject(fake._error(status, code, detail, ctx.trace, source={"pointer": pointer}))


def json_object(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    try:
        payload = json.loads(ctx.body) if ctx.body else None
    except (ValueError, RecursionError):
        raise _Reject(fake._error(400, "bad_request", "The request body is not valid JSON", ctx.trace)) from None
    if not isinstance(payload, dict):
        raise _Reject(fake._error(400, "bad_request", "The request body must be a JSON object", ctx.trace))
    return payload


def wrapped(fake: FakeQonto, ctx: _Ctx, key: str) -> dict[str, Any]:
    inner = json_object(fake, ctx).get(key)
    if not isinstance(inner, dict):
        raise invalid(fake, ctx, "missing_parameter", f"{key} is required", f"/{key}")
    return inner


def text(
    fake: FakeQonto,
    ctx: _Ctx,
    data: dict[str, Any],
    name: str,
    pointer: str,
    *,
    required: bool = True,
    limit: int | None = None,
) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(
            fake,
            ctx,
            "missing_parameter" if value is None else "invalid",
            f"{name} is required",
            f"{pointer}/{name}",
        )
    if limit is not None and len(value) > limit:
        raise invalid(fake, ctx, "too_long", f"{name} is limited to {limit} characters", f"{pointer}/{name}")
    return value


def amount(fake: FakeQonto, ctx: _Ctx, value: Any, pointer: str) -> Decimal:
    """A positive decimal string with at most 2 decimals (qonto-api.md §11: request amounts are strings)."""
    parsed = Decimal(-1)
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation):
            parsed = Decimal(value)
    exponent = parsed.as_tuple().exponent
    if not parsed.is_finite() or not isinstance(exponent, int) or exponent < -2 or parsed <= 0:
        raise invalid(fake, ctx, "invalid", "must be a positive decimal string with at most 2 decimals", pointer)
    return parsed


def ids(fake: FakeQonto, ctx: _Ctx, data: dict[str, Any], name: str, limit: int) -> list[str]:
    values = data.get(name)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise invalid(fake, ctx, "invalid", f"{name} must be a non-empty list of ids", f"/{name}")
    if len(values) > limit:
        raise invalid(fake, ctx, "too_many", f"{name} takes at most {limit} ids", f"/{name}")
    return values


def ok(fake: FakeQonto, ctx: _Ctx, payload: Any, status: int = 200) -> web.Response:
    return fake._json(status, payload, ctx.trace)
