"""The OAuth authorization-code flow: the authorization URL, PKCE, and the code exchange (qonto-api.md §2.2).

PKCE is not documented by Qonto but is reported to work with ``S256`` (qonto-api.md §14.2); it is optional
here and never replaces the client secret, which stays mandatory for Qonto's confidential clients.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit

import attrs

from qonto_async.auth.tokens import OAuthToken
from qonto_async.environments import Environment, resolve_environment
from qonto_async.errors import ConfigurationError, OAuthError

if TYPE_CHECKING:
    from qonto_async.auth._base import TokenEndpoint

__all__ = ["AuthorizationRequest", "PKCEPair", "build_authorization_url", "exchange_code", "new_state"]


def new_state() -> str:
    """A fresh unguessable ``state`` value (compare it on the callback; abort on mismatch)."""
    return secrets.token_urlsafe(32)


@attrs.frozen(kw_only=True)
class PKCEPair:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""

    verifier: str = attrs.field(repr=False)
    challenge: str

    @classmethod
    def generate(cls) -> PKCEPair:
        verifier = secrets.token_urlsafe(64)[:96]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier=verifier, challenge=base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@attrs.frozen(kw_only=True)
class AuthorizationRequest:
    """What :func:`build_authorization_url` produced: keep ``state`` and ``pkce`` for the callback."""

    url: str
    state: str
    pkce: PKCEPair | None = None

    @property
    def code_verifier(self) -> str | None:
        """The PKCE verifier to pass to :func:`exchange_code` (None without PKCE)."""
        return self.pkce.verifier if self.pkce is not None else None


def _check_redirect_uri(redirect_uri: str) -> None:
    if not isinstance(redirect_uri, str) or not redirect_uri:
        raise ConfigurationError("redirect_uri must be the non-empty URL registered for your OAuth app.")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise ConfigurationError(
            f"redirect_uri must be an absolute http(s) URL without a fragment, got {redirect_uri!r}."
        )


def build_authorization_url(
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Iterable[str],
    state: str,
    environment: str | Environment = "production",
    pkce: PKCEPair | bool = False,
    organization_id: str | None = None,
    identity_type: str | None = None,
) -> AuthorizationRequest:
    """The URL to send the user's browser to (``/oauth2/auth``).

    ``state`` is required (CSRF protection); :func:`new_state` makes one. Add ``offline_access`` to ``scopes``
    to get a refresh token. ``pkce=True`` generates a :class:`PKCEPair`; keep its verifier for the exchange.
    ``identity_type="user"`` starts the User OAuth flow (qonto-api.md §2.4).
    """
    env = resolve_environment(environment)
    if not isinstance(client_id, str) or not client_id.strip():
        raise ConfigurationError("client_id must be your OAuth app's client id from the Developer Portal.")
    _check_redirect_uri(redirect_uri)
    if not isinstance(state, str) or len(state) < 8:
        raise ConfigurationError(
            "state is required and must be an unguessable string of at least 8 characters; use new_state()."
        )
    if isinstance(scopes, str) or not isinstance(scopes, Iterable):
        raise ConfigurationError(
            "scopes must be a list of scope names, e.g. ['offline_access', 'organization.read']; "
            f"got {type(scopes).__name__}."
        )
    scope_list = [s for s in scopes]
    if not scope_list or not all(isinstance(s, str) and s and " " not in s for s in scope_list):
        raise ConfigurationError("scopes must be a non-empty list of scope names without spaces.")
    if identity_type is not None and identity_type != "user":
        raise ConfigurationError("identity_type may only be 'user' (the User OAuth flow).")
    if not isinstance(pkce, bool | PKCEPair):
        raise ConfigurationError(
            f"pkce must be True (generate a pair), False, or a PKCEPair; got {type(pkce).__name__}."
        )
    pair = PKCEPair.generate() if pkce is True else (pkce or None)
    params: list[tuple[str, str]] = [
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("response_type", "code"),
        # qonto-api.md §2.2: scopes are space-separated.
        ("scope", " ".join(scope_list)),
        ("state", state),
    ]
    if pair is not None:
        params += [("code_challenge", pair.challenge), ("code_challenge_method", "S256")]
    if organization_id is not None:
        params.append(("organization_id", organization_id))
    if identity_type is not None:
        params.append(("identity_type", identity_type))
    # quote (not quote_plus): scopes are space-separated and the space must arrive as %20.
    url = f"{env.authorize_url}?{urlencode(params, quote_via=quote)}"
    return AuthorizationRequest(url=url, state=state, pkce=pair)


async def exchange_code(
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str | None = None,
    environment: str | Environment = "production",
    staging_token: str | None = None,
    token_endpoint: TokenEndpoint | None = None,
) -> OAuthToken:
    """Exchange an authorization code (valid 10 minutes) for an :class:`OAuthToken`.

    Client credentials go in the form body (client_secret_post), and in sandbox the staging token goes along
    (qonto-api.md §1.1, §2.2). A used, expired or unknown code raises :class:`~qonto_async.InvalidGrantError`.
    """
    for name, value in (("client_id", client_id), ("client_secret", client_secret), ("code", code)):
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"exchange_code() needs a non-empty {name}.")
    _check_redirect_uri(redirect_uri)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
    }
    if code_verifier is not None:
        form["code_verifier"] = code_verifier
    now = datetime.now(UTC)
    if token_endpoint is not None:
        payload = await token_endpoint.token_request(form, retry_safe=False)
    else:
        from qonto_async.session import QontoSession

        async with QontoSession(environment=resolve_environment(environment), staging_token=staging_token) as s:
            # Codes are single-use: a resent exchange would only earn invalid_grant, so no retry.
            payload = await s.token_request(form, retry_safe=False)
    try:
        return OAuthToken.from_token_response(payload, now=now)
    except (ValueError, ConfigurationError) as exc:
        raise OAuthError(f"the token endpoint answered without a usable token: {exc}") from None
