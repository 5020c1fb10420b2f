"""``qonto.webhook_subscriptions``: where Qonto sends events (qonto-api.md §3.1 rows 122-126, §10).

OAuth only, scope ``webhook`` plus the read scope of each event type subscribed to (e.g. ``organization.read``
for ``v1/transactions``). Bodies are not wrapped in a root key, and errors come as flat ``{code, detail}`` objects.
Receiving the events: :mod:`qonto_async.webhooks`.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from qonto_async.errors import ConfigurationError
from qonto_async.models.webhooks import WebhookSubscription
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(WebhookSubscription, key="subscriptions")
_ONE = decoder(WebhookSubscription)
_PATH: Final = "/v2/webhook_subscriptions"
_MAX_URL: Final = 512  # docs.qonto.com, create a webhook subscription: callback_url up to 512 characters.
_MAX_DESCRIPTION: Final = 256
_SECRET_LENGTH: Final = (32, 128)


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _callback_url(value: object) -> str:
    if not isinstance(value, str) or not value or value != value.strip():
        raise ConfigurationError(f"callback_url must be an https:// URL, got {value!r}")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    # Qonto wants https; plain http is let through for a loopback host only (a receiver tested against FakeQonto),
    # as for environments (DESIGN §4).
    secure = parts is not None and (
        parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname))
    )
    if parts is None or not parts.hostname or not secure:
        raise ConfigurationError(
            f"callback_url must be a public https:// URL (Qonto refuses plain http), got {value!r}"
        )
    if len(value) > _MAX_URL:
        raise ConfigurationError(f"callback_url is limited to {_MAX_URL} characters, got {len(value)}")
    return value


def _types(values: object) -> list[str]:
    if isinstance(values, str | enum.Enum):
        values = [values]
    if isinstance(values, bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(
            f"types must be a list of event types such as ['v1/transactions'], got {type(values).__name__}"
        )
    out: list[str] = []
    for value in values:
        text = value.value if isinstance(value, enum.Enum) else value
        if not isinstance(text, str) or not text.startswith("v") or "/" not in text or text != text.strip():
            raise ConfigurationError(
                f"types values are event types such as 'v1/transactions' or 'v1/cards', got {value!r}"
            )
        out.append(text)
    if not out:
        raise ConfigurationError("types needs at least one event type (e.g. ['v1/transactions'])")
    return out


def _description(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"description must be a string, got {type(value).__name__}")
    if len(value) > _MAX_DESCRIPTION:
        raise ConfigurationError(f"description is limited to {_MAX_DESCRIPTION} characters, got {len(value)}")
    return value


def _secret(value: object) -> str:
    low, high = _SECRET_LENGTH
    if not isinstance(value, str) or not low <= len(value) <= high:
        # Never echo the value: it is a secret.
        raise ConfigurationError(
            f"secret must be a string of {low} to {high} characters (omit it to let Qonto generate one)"
        )
    return value


class WebhookSubscriptionsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/webhook_subscriptions")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[WebhookSubscription]:
        """``GET /v2/webhook_subscriptions``: one page of the subscriptions that this user created with this
        OAuth app (``client_id``); other apps' subscriptions are not listed. Secrets are not included."""
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path=_PATH, params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/webhook_subscriptions")
    def iterate(
        self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[WebhookSubscription]:
        """Every subscription, across pages."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[WebhookSubscription]:
            pairs = [("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path=_PATH, params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/webhook_subscriptions")
    async def create(
        self,
        *,
        callback_url: str,
        types: Iterable[str] | str,
        secret: str | None = None,
        description: str | None = None,
    ) -> WebhookSubscription:
        """``POST /v2/webhook_subscriptions``: have Qonto POST the events of ``types`` to ``callback_url``.

        ``callback_url``: a public ``https://`` URL (at most 512 characters) that answers 2xx within one second.
        ``types``: e.g. ``["v1/transactions", "v1/cards"]`` (strings or str enums); the token needs each type's
        read scope besides ``webhook``. A type this client does not know (one Qonto added later) is sent as given,
        for forward compatibility: only its shape (``v<N>/<name>``) is checked, and Qonto answers for the rest. ``secret`` (32 to 128 characters) keys the ``X-Qonto-Signature`` HMAC; omitted, Qonto
        generates one. Either way the returned subscription's ``secret`` is the only time Qonto shows it: store it
        for :func:`qonto_async.webhooks.verify_signature`. Past events are not replayed.

        No idempotency key is documented, so a failed call is never retried: list the subscriptions before
        calling again, or you may end up with two (and every event delivered twice).
        """
        body: dict[str, Any] = {"callback_url": _callback_url(callback_url), "types": _types(types)}
        if secret is not None:
            body["secret"] = _secret(secret)
        if description is not None:
            body["description"] = _description(description)
        return await self._send(Request(method="POST", path=_PATH, json=body, decode=_ONE))

    @operation("GET", "/v2/webhook_subscriptions/{id}")
    async def get(self, id: str) -> WebhookSubscription:
        """``GET /v2/webhook_subscriptions/{id}``: one subscription (without its secret)."""
        return await self._send(Request(method="GET", path=f"{_PATH}/{path_id('id', id)}", decode=_ONE))

    @operation("PUT", "/v2/webhook_subscriptions/{id}")
    async def update(
        self,
        id: str,
        *,
        callback_url: str | None = None,
        types: Iterable[str] | str | None = None,
        description: str | None = None,
    ) -> WebhookSubscription:
        """``PUT /v2/webhook_subscriptions/{id}``: change the URL, the event types or the description.

        Only the arguments given are sent. ``types`` as in :meth:`create`: unknown types are sent as given. The secret cannot be changed here (the documented body has no
        ``secret``): to rotate it, create a new subscription, let the receiver accept both secrets
        (``verify_signature`` takes a list), then delete the old one.
        """
        body: dict[str, Any] = {}
        if callback_url is not None:
            body["callback_url"] = _callback_url(callback_url)
        if types is not None:
            body["types"] = _types(types)
        if description is not None:
            body["description"] = _description(description)
        if not body:
            raise ConfigurationError("update needs at least one of callback_url, types, description")
        path = f"{_PATH}/{path_id('id', id)}"
        return await self._send(Request(method="PUT", path=path, json=body, decode=_ONE))

    @operation("DELETE", "/v2/webhook_subscriptions/{id}")
    async def delete(self, id: str) -> None:
        """``DELETE /v2/webhook_subscriptions/{id}``: stop the deliveries (Qonto answers 204).

        Deliveries already in Qonto's retry queue may still arrive for a while: keep verifying them.
        """
        await self._send(Request(method="DELETE", path=f"{_PATH}/{path_id('id', id)}"))
