"""FakeQonto: Qonto Embed's partner endpoints (qonto-api.md §3.1 rows 48-49), OAuth only.

``POST /v1/embed_auth_links`` (``embed_auth_link.write``) answers a one-time sign-in link valid 10 minutes on the
fake's clock (Qonto documents no lifetime). ``POST /v1/encoded_requests/dispatch`` (any OAuth token) answers, as
its opaque ``data``, base64 JSON describing what it received (the SDK's ``data`` and the extra headers a proxied
endpoint may need), so that tests can check what reached it. Both answer 400 to a malformed body, as documented.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._routes._misc_bodies import invalid, json_object, ok
from qonto_async.testing._server import _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES"]

_ACTIONS: Final = ("create_payment_link",)
_LINK_LIFETIME: Final = timedelta(minutes=10)
# What a proxied endpoint may care about; the client's own headers are not echoed.
_ECHOED_PREFIX: Final = "x-partner-"


async def _create_link(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    inner = json_object(fake, ctx).get("embed_auth_link")
    if not isinstance(inner, dict):
        raise invalid(
            fake, ctx, "missing_parameter", "embed_auth_link is required", "/embed_auth_link", status=400
        )
    action = inner.get("post_authn_action")
    if action not in _ACTIONS:
        raise invalid(
            fake,
            ctx,
            "invalid",
            f"post_authn_action must be one of {', '.join(_ACTIONS)}",
            "/embed_auth_link/post_authn_action",
            status=400,
        )
    callback = inner.get("callback_url")
    parts = urlsplit(callback) if isinstance(callback, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid(
            fake, ctx, "invalid", "callback_url must be a URL", "/embed_auth_link/callback_url", status=400
        )
    now = fake.now()
    token = base64.urlsafe_b64encode(ctx.trace.encode()).decode().rstrip("=")
    link = {
        "url": f"https://embed.qonto-fake.example/auth/{token}",
        "post_authn_action": action,
        "callback_url": callback,
        "expired_at": format_time(now + _LINK_LIFETIME),
        "used_at": None,
    }
    return ok(fake, ctx, {"embed_auth_link": link})


async def _dispatch(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    data = json_object(fake, ctx).get("data")
    if not isinstance(data, str) or not data:
        raise invalid(fake, ctx, "missing_parameter", "data is required", "/data", status=400)
    headers = {k.lower(): v for k, v in ctx.request.headers.items() if k.lower().startswith(_ECHOED_PREFIX)}
    echoed = json.dumps({"received": data, "headers": headers}, sort_keys=True).encode()
    return ok(fake, ctx, {"data": base64.b64encode(echoed).decode()})


ROUTES: tuple[_Route, ...] = (
    _Route("POST", "/v1/embed_auth_links", _create_link, "embed_auth_link.write", False, write=True),
    _Route("POST", "/v1/encoded_requests/dispatch", _dispatch, "", False, write=True),
)
