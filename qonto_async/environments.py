"""Where requests go: the environment registry.

An :class:`Environment` names a Business API host, its OAuth host, and whether the host sits behind Qonto's
sandbox gate (which wants ``X-Qonto-Staging-Token`` on every request, the OAuth token call included, and must
never see it elsewhere: qonto-api.md §1.1).

The registry is per process. ``production`` and ``sandbox`` are built in; :func:`register_environment` adds more
(a local :class:`~qonto_async.testing.FakeQonto` registers itself, for instance).
"""

from __future__ import annotations

import ipaddress
import threading
from urllib.parse import urlsplit

import attrs

from qonto_async.errors import ConfigurationError

__all__ = [
    "PRODUCTION",
    "SANDBOX",
    "Environment",
    "get_environment",
    "register_environment",
    "resolve_environment",
]


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _redact(url: str) -> str:
    """``url`` for an error message: a ``user:password@`` part is replaced by ``***@``, so no secret is echoed."""
    start = url.find("//")
    start = start + 2 if start != -1 else 0
    end = len(url)
    for sep in "/?#":
        found = url.find(sep, start)
        if found != -1:
            end = min(end, found)
    at = url.rfind("@", start, end)
    return url if at == -1 else f"{url[:start]}***{url[at:]}"


def _check_base_url(field_name: str, url: str) -> str:
    if not isinstance(url, str) or not url:
        raise ConfigurationError(f"Environment.{field_name} must be a non-empty URL string, got {url!r}.")
    shown = _redact(url)
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        # urlsplit's messages only quote what follows the userinfo (the port), never the password.
        raise ConfigurationError(f"Environment.{field_name} is not a valid URL ({exc}): {shown!r}.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(
            f"Environment.{field_name} must be an absolute http(s) URL such as 'https://thirdparty.qonto.com', "
            f"got {shown!r}."
        )
    # qonto-api.md §1: all requests must use HTTPS. Plain HTTP is only tolerated for loopback test servers,
    # where nothing crosses a network.
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"Environment.{field_name} uses plain http:// for {parts.hostname!r}; credentials would travel "
            "unencrypted. Use https://, or a loopback host (127.0.0.1, ::1, localhost) for local test servers."
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            f"Environment.{field_name} must be a base URL without credentials (user:password@), got {shown!r}; "
            "credentials go in the auth object (StaticKeyAuth, OAuthBearerAuth), never in the URL."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"Environment.{field_name} must be a base URL without query or fragment, got {shown!r}."
        )
    return url.rstrip("/")


def _api_url_converter(url: str) -> str:
    return _check_base_url("api_url", url)


def _oauth_url_converter(url: str) -> str:
    return _check_base_url("oauth_url", url)


def _check_bool(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(f"Environment.{attribute.name} must be True or False, got {value!r}.")


def _check_name(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(
            f"Environment.name must be a non-empty string without surrounding spaces, got {value!r}."
        )


@attrs.frozen(kw_only=True)
class Environment:
    """One Qonto deployment: where the Business API and OAuth live, and whether the sandbox gate applies.

    URLs are validated at construction: absolute, ``https://`` (``http://`` only for loopback hosts), no
    credentials, query or fragment; a trailing slash is dropped.
    """

    name: str = attrs.field(validator=_check_name)
    api_url: str = attrs.field(converter=_api_url_converter)
    oauth_url: str = attrs.field(converter=_oauth_url_converter)
    requires_staging_token: bool = attrs.field(validator=_check_bool)

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint (code exchange and refresh), qonto-api.md §2.2."""
        return f"{self.oauth_url}/oauth2/token"

    @property
    def authorize_url(self) -> str:
        """The OAuth authorization endpoint; ``/oauth2/auth`` without ``/v2`` (qonto-api.md §1)."""
        return f"{self.oauth_url}/oauth2/auth"

    def owns_url(self, url: str) -> bool:
        """True when ``url`` points at this environment's API or OAuth origin (scheme, host and port).

        Credentials are only ever attached to URLs this returns True for (DESIGN §6).
        """
        try:
            target = urlsplit(url)
            _ = target.port  # raises ValueError for a malformed port
        except ValueError:
            return False  # not a URL this environment could own: never attach credentials to it
        for base in (self.api_url, self.oauth_url):
            own = urlsplit(base)
            if (target.scheme, target.hostname, target.port) == (own.scheme, own.hostname, own.port):
                return True
        return False


# qonto-api.md §1: hosts from Qonto's base-URL and OAuth sandbox pages.
PRODUCTION = Environment(
    name="production",
    api_url="https://thirdparty.qonto.com",
    oauth_url="https://oauth.qonto.com",
    requires_staging_token=False,
)
SANDBOX = Environment(
    name="sandbox",
    api_url="https://thirdparty-sandbox.staging.qonto.co",
    oauth_url="https://oauth-sandbox.staging.qonto.co",
    requires_staging_token=True,
)

_BUILT_IN = {PRODUCTION.name: PRODUCTION, SANDBOX.name: SANDBOX}
_registry: dict[str, Environment] = dict(_BUILT_IN)
_registry_lock = threading.Lock()


def register_environment(environment: Environment, *, replace: bool = False) -> Environment:
    """Add ``environment`` to the registry under its name and return it.

    Registering the same object twice is a no-op. A different environment under a taken name is refused unless
    ``replace=True``; the built-in ``production`` and ``sandbox`` can never be replaced, so a typo in test set-up
    cannot send real credentials to a fake host.
    """
    if not isinstance(environment, Environment):
        raise ConfigurationError(f"register_environment() takes an Environment, got {type(environment).__name__}.")
    folded = environment.name.strip().lower()
    if folded in _BUILT_IN and environment.name not in _BUILT_IN:
        # get_environment() matches the built-in names case-insensitively, so "Production" or "SANDBOX" must not
        # be registrable either: a user writing environment="Production" would reach the custom host.
        raise ConfigurationError(
            f"The name {environment.name!r} is reserved for the built-in {folded!r} environment; register yours "
            "under another name."
        )
    with _registry_lock:
        existing = _registry.get(environment.name)
        if existing is None or existing == environment:
            _registry[environment.name] = environment
            return environment
        if environment.name in _BUILT_IN:
            raise ConfigurationError(
                f"The built-in environment {environment.name!r} cannot be replaced; register yours under "
                "another name."
            )
        if not replace:
            raise ConfigurationError(
                f"An environment named {environment.name!r} is already registered with other settings "
                f"({existing.api_url}); pass replace=True to replace it, or choose another name."
            )
        _registry[environment.name] = environment
        return environment


def unregister_environment(name: str) -> None:
    """Remove a custom environment (used by test servers on shutdown). Built-ins cannot be removed."""
    if name in _BUILT_IN:
        raise ConfigurationError(f"The built-in environment {name!r} cannot be unregistered.")
    with _registry_lock:
        _registry.pop(name, None)


def get_environment(name: str) -> Environment:
    """The registered environment called ``name`` (case-insensitive for the built-ins)."""
    if not isinstance(name, str):
        raise ConfigurationError(f"An environment name must be a string, got {type(name).__name__}.")
    with _registry_lock:
        found = _registry.get(name) or _registry.get(name.strip().lower())
        known = sorted(_registry)
    if found is None:
        raise ConfigurationError(
            f"Unknown Qonto environment {name!r}. Known environments: {', '.join(known)}. "
            "Register your own with register_environment(Environment(...))."
        )
    return found


def resolve_environment(environment: str | Environment) -> Environment:
    """An :class:`Environment` from a registered name or an Environment object."""
    if isinstance(environment, Environment):
        return environment
    if isinstance(environment, str):
        return get_environment(environment)
    raise ConfigurationError(
        "environment must be 'production', 'sandbox', another registered name, or an Environment; "
        f"got {type(environment).__name__}."
    )
