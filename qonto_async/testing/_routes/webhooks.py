"""Webhook subscriptions (qonto-api.md §3.1 rows 122-126, §10) and signed deliveries.

OAuth only, scope ``webhook``. Bodies are not wrapped in a root key; errors are flat ``{code, detail, source}``
objects, as in Qonto's Postman examples. ``callback_url`` must be https, as on Qonto, except that the fake also
takes ``http://`` on a loopback host, so tests can point it at a receiver served locally.

:func:`deliver_webhook` POSTs one signed event to a URL, exactly as Qonto delivers it (``X-Qonto-Signature:
t=...,v1=...`` over the raw body); :func:`broadcast_webhook` delivers one to every subscription of its type.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import aiohttp
import attrs
from aiohttp import web

from qonto_async.testing._routes._misc_bodies import json_object, ok
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _dumps, _Reject, _Route
from qonto_async.webhooks import EVENT_TYPES, SIGNATURE_HEADER, sign

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["WebhookDelivery", "WebhookStore", "broadcast_webhook", "deliver_webhook"]

_KNOWN_TYPES: Final = (*EVENT_TYPES, "v1/products")  # v1/products: in the docs' type enum, not in §10's list.
_SECRET_LENGTH: Final = (32, 128)


@attrs.define
class WebhookStore:
    subscriptions: list[dict[str, Any]] = attrs.field(factory=list)
    # subscription id -> its secret (GET answers never show it).
    secrets: dict[str, str] = attrs.field(factory=dict)
    deliveries: list[WebhookDelivery] = attrs.field(factory=list)


def store(fake: FakeQonto) -> WebhookStore:
    found: WebhookStore = fake.stores.setdefault("webhooks", WebhookStore())
    return found


def _flat(fake: FakeQonto, ctx: _Ctx, status: int, code: str, detail: str, source: dict[str, str]) -> _Reject:
    # qonto-api.md §3.1 notes on rows 122-126: flat {code, detail, source} bodies, no errors[] array.
    return _Reject(fake._json(status, {"code": code, "detail": detail, "source": source}, ctx.trace))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(fake: FakeQonto, ctx: _Ctx, value: Any) -> str:
    parts = None
    if isinstance(value, str) and value:
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
    valid = (
        parts is not None
        and bool(parts.hostname)
        and (parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname or "")))
    )
    if not valid:
        raise _flat(fake, ctx, 400, "invalid", "callback_url must be an https URL", {"pointer": "/callback_url"})
    assert isinstance(value, str)
    if len(value) > 512:
        raise _flat(
            fake, ctx, 400, "too_long", "callback_url is limited to 512 characters", {"pointer": "/callback_url"}
        )
    return value


def _check_types(fake: FakeQonto, ctx: _Ctx, value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise _flat(fake, ctx, 400, "invalid", "types must be a non-empty list", {"pointer": "/types"})
    for n, kind in enumerate(value):
        if kind not in _KNOWN_TYPES:
            raise _flat(fake, ctx, 400, "invalid", f"unknown webhook type {kind}", {"pointer": f"/types/{n}"})
    return list(dict.fromkeys(value))


def _check_description(fake: FakeQonto, ctx: _Ctx, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 256:
        raise _flat(
            fake,
            ctx,
            400,
            "invalid",
            "description must be a string of at most 256 characters",
            {"pointer": "/description"},
        )
    return value


def _find(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    wanted = ctx.params["id"]
    for subscription in store(fake).subscriptions:
        if subscription["id"] == wanted:
            return subscription
    raise _flat(fake, ctx, 404, "not_found", "Webhook subscription not found", {"parameter": "id"})


def _stamp(fake: FakeQonto) -> str:
    return fake.now().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _list(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return fake._list(ctx, "subscriptions", store(fake).subscriptions)


async def _create(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    body = json_object(fake, ctx)
    url = _check_url(fake, ctx, body.get("callback_url"))
    types = _check_types(fake, ctx, body.get("types"))
    description = _check_description(fake, ctx, body.get("description"))
    secret = body.get("secret")
    low, high = _SECRET_LENGTH
    if secret is None:
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    elif not isinstance(secret, str) or not low <= len(secret) <= high:
        raise _flat(
            fake, ctx, 400, "invalid", f"secret must be {low} to {high} characters", {"pointer": "/secret"}
        )
    now = _stamp(fake)
    subscription = {
        "id": str(uuid.uuid4()),
        "organization_id": fake.data.organization_id,
        "membership_id": fake.data.memberships[0]["id"],
        "callback_url": url,
        "types": types,
        "created_at": now,
        "updated_at": now,
        "description": description,
    }
    webhooks = store(fake)
    webhooks.subscriptions.append(subscription)
    webhooks.secrets[subscription["id"]] = secret
    return ok(fake, ctx, {**subscription, "secret": secret}, status=201)


async def _get(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return ok(fake, ctx, _find(fake, ctx))


async def _update(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    subscription = _find(fake, ctx)
    body = json_object(fake, ctx)
    changes: dict[str, Any] = {}
    if "callback_url" in body:
        changes["callback_url"] = _check_url(fake, ctx, body["callback_url"])
    if "types" in body:
        changes["types"] = _check_types(fake, ctx, body["types"])
    if "description" in body:
        changes["description"] = _check_description(fake, ctx, body["description"])
    subscription.update(changes, updated_at=_stamp(fake))
    return ok(fake, ctx, subscription)


async def _delete(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    subscription = _find(fake, ctx)
    webhooks = store(fake)
    webhooks.subscriptions.remove(subscription)
    webhooks.secrets.pop(subscription["id"], None)
    return web.Response(status=204, headers={TRACE_HEADER: ctx.trace})


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/v2/webhook_subscriptions", _list, "webhook", False),
    _Route("POST", "/v2/webhook_subscriptions", _create, "webhook", False, write=True),
    _Route("GET", "/v2/webhook_subscriptions/{id}", _get, "webhook", False),
    _Route("PUT", "/v2/webhook_subscriptions/{id}", _update, "webhook", False, write=True),
    _Route("DELETE", "/v2/webhook_subscriptions/{id}", _delete, "webhook", False, write=True),
)


# --- Deliveries --------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WebhookDelivery:
    """One delivery attempt: what was sent (``body``, ``headers``) and what the receiver answered.

    ``status`` is ``None`` when no answer came (refused, reset, or slower than ``timeout``: Qonto waits one
    second). ``delivered`` is what Qonto checks: a 2xx in time. Re-send ``body`` and ``headers`` to simulate
    Qonto's retry of the same event.
    """

    url: str
    event_id: str
    event_type: str
    body: bytes
    headers: Mapping[str, str]
    status: int | None
    response_body: bytes = b""
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def deliver_webhook(
    fake: FakeQonto,
    url: str | None = None,
    *,
    event_type: str,
    payload: Mapping[str, Any],
    secret: str | None = None,
    subscription_id: str | None = None,
    event_id: str | None = None,
    timestamp: int | None = None,
    timeout: float = 1.0,
    session: aiohttp.ClientSession | None = None,
) -> WebhookDelivery:
    """POST one signed ``event_type`` event whose ``data`` is ``payload`` to ``url``, as Qonto does.

    With ``subscription_id``, the URL and secret default to that subscription's; otherwise pass both. The body is
    the envelope ``{id, subscription_id, organization_id, membership_id, type, created_at, data}``; the header is
    signed at ``timestamp`` (default: the fake's clock, so ``fake.advance()`` makes stale deliveries). ``timeout``
    is how long Qonto waits for the answer (one second). A ``session`` may be shared across calls.
    """
    webhooks = store(fake)
    if subscription_id is not None:
        subscription = next((s for s in webhooks.subscriptions if s["id"] == subscription_id), None)
        if subscription is None:
            raise LookupError(f"no webhook subscription {subscription_id!r} in this FakeQonto")
        url = url or subscription["callback_url"]
        secret = secret or webhooks.secrets[subscription_id]
    if url is None or secret is None:
        raise ValueError("deliver_webhook needs a url and a secret (or the subscription_id of a subscription)")
    event_id = event_id or str(uuid.uuid4())
    envelope = {
        "id": event_id,
        "subscription_id": subscription_id or str(uuid.uuid4()),
        "organization_id": fake.data.organization_id,
        "membership_id": fake.data.memberships[0]["id"],
        "type": event_type,
        "created_at": _stamp(fake),
        "data": dict(payload),
    }
    body = _dumps(envelope)
    stamp = int(fake.now().timestamp()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret, timestamp=stamp),
        "User-Agent": "FakeQonto-Webhooks",
    }
    owned = session is None
    http = aiohttp.ClientSession() if session is None else session
    status: int | None = None
    answer = b""
    error: str | None = None
    try:
        async with http.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout), allow_redirects=False
        ) as response:
            status = response.status
            answer = await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if owned:
            await http.close()
    delivery = WebhookDelivery(
        url=url,
        event_id=event_id,
        event_type=event_type,
        body=body,
        headers=headers,
        status=status,
        response_body=answer,
        error=error,
    )
    webhooks.deliveries.append(delivery)
    return delivery


async def broadcast_webhook(
    fake: FakeQonto, *, event_type: str, payload: Mapping[str, Any], timeout: float = 1.0
) -> list[WebhookDelivery]:
    """Deliver one event to every subscription of the fake that lists ``event_type`` (one event id each)."""
    out = []
    async with aiohttp.ClientSession() as http:
        for subscription in list(store(fake).subscriptions):
            if event_type in subscription["types"]:
                out.append(
                    await deliver_webhook(
                        fake,
                        event_type=event_type,
                        payload=payload,
                        subscription_id=subscription["id"],
                        timeout=timeout,
                        session=http,
                    )
                )
    return out
