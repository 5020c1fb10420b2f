"""``qonto.embed_auth_links`` and ``qonto.encoded_requests``: Qonto Embed's partner endpoints (qonto-api.md §3.1
rows 48-49). OAuth only."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

from qonto_async.errors import ConfigurationError
from qonto_async.models.embed import EmbedAuthLink, EmbedPostAuthnAction, EncodedResponse
from qonto_async.resources._base import Resource, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_LINK = decoder(EmbedAuthLink, key="embed_auth_link")
_ENCODED = decoder(EncodedResponse)

# Headers the client itself owns on every request: a proxied call may not replace them (qonto-api.md §1.1, §2, §7).
_OWN_HEADERS: Final = frozenset(
    {
        "authorization",
        "x-qonto-staging-token",
        "x-qonto-idempotency-key",
        "x-qonto-organization-id",
        "content-type",
        "content-length",
        "accept",
        "host",
        "user-agent",
    }
)


def _callback_url(value: object) -> str:
    if isinstance(value, str) and value == value.strip():
        parts = urlsplit(value)
        if parts.scheme in ("https", "http") and parts.netloc:
            return value
    raise ConfigurationError(f"callback_url must be an absolute http(s) URL, got {value!r}.")


def _extra_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise ConfigurationError(
            f"headers must be a mapping of header names to values, got {type(headers).__name__}."
        )
    out: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not name or not name.isascii() or any(c in name for c in " :\r\n"):
            raise ConfigurationError(f"header names must be plain ASCII tokens, got {name!r}.")
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            # Never echo a value: it may be a credential.
            raise ConfigurationError(f"header {name} must be a single-line string.")
        if name.lower() in _OWN_HEADERS:
            raise ConfigurationError(
                f"header {name} is set by the client itself (its auth, staging token and body); it cannot be "
                "replaced for one proxied call."
            )
        out[name] = value
    return out


class EmbedAuthLinksResource(Resource):
    __slots__ = ()

    @operation("POST", "/v1/embed_auth_links")
    async def create(self, *, post_authn_action: EmbedPostAuthnAction | str, callback_url: str) -> EmbedAuthLink:
        """``POST /v1/embed_auth_links``: a link that signs your customer in to Qonto Embed's Hosted Pages
        (OAuth ``embed_auth_link.write``; Embed partners).

        ``post_authn_action`` names the Hosted Page to open (e.g. ``create_payment_link``); ``callback_url`` is
        where the customer comes back. The returned ``url`` works once and until ``expired_at``; it signs someone
        in, so treat it as a secret. Qonto documents no idempotency key here, so the call is never retried.
        """
        action = post_authn_action.value if isinstance(post_authn_action, enum.Enum) else post_authn_action
        if not isinstance(action, str) or not action.strip() or action != action.strip():
            raise ConfigurationError(
                f"post_authn_action must be a non-empty string such as 'create_payment_link', got {action!r}."
            )
        body = {"embed_auth_link": {"post_authn_action": action, "callback_url": _callback_url(callback_url)}}
        return await self._send(Request(method="POST", path="/v1/embed_auth_links", json=body, decode=_LINK))


class EncodedRequestsResource(Resource):
    __slots__ = ()

    @operation("POST", "/v1/encoded_requests/dispatch")
    async def dispatch(self, data: str, *, headers: Mapping[str, str] | None = None) -> EncodedResponse:
        """``POST /v1/encoded_requests/dispatch``: forward a request that Qonto's client SDK encoded, from your
        backend, and get the proxied endpoint's encoded answer back.

        ``data`` is the SDK's opaque string, sent as ``{"data": ...}``. Some proxied endpoints want headers of
        their own: pass them in ``headers`` (the client's own ``Authorization``, staging token, idempotency key,
        organization id and body headers cannot be replaced). Qonto documents no idempotency key here, so the
        call is never retried automatically.
        """
        if not isinstance(data, str) or not data:
            raise ConfigurationError("data must be the non-empty string Qonto's client SDK encoded.")
        return await self._send(
            Request(
                method="POST",
                path="/v1/encoded_requests/dispatch",
                json={"data": data},
                headers=_extra_headers(headers),
                decode=_ENCODED,
            )
        )
