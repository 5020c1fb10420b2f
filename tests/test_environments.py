"""Environments and the registry (DESIGN §4, qonto-api.md §1 and §1.1)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import attrs
import pytest

from qonto_async import PRODUCTION, SANDBOX, ConfigurationError, Environment, get_environment, register_environment
from qonto_async.environments import resolve_environment, unregister_environment
from qonto_async.session import _check_staging_token

_names = itertools.count()


@pytest.fixture
def fresh_name() -> Iterator[Callable[[], str]]:
    """Unique environment names, each unregistered after the test whatever happens."""
    used: list[str] = []

    def make() -> str:
        name = f"test-env-{next(_names)}"
        used.append(name)
        return name

    yield make
    for name in used:
        unregister_environment(name)


def _env(name: str, api_url: str = "https://api.example.com", *, oauth_url: str | None = None) -> Environment:
    return Environment(
        name=name,
        api_url=api_url,
        oauth_url=oauth_url or "https://oauth.example.com",
        requires_staging_token=False,
    )


# --- the built-ins ------------------------------------------------------------------------------------------------


def test_production_hosts() -> None:
    assert PRODUCTION.name == "production"
    assert PRODUCTION.api_url == "https://thirdparty.qonto.com"
    assert PRODUCTION.oauth_url == "https://oauth.qonto.com"
    assert PRODUCTION.requires_staging_token is False
    assert PRODUCTION.token_url == "https://oauth.qonto.com/oauth2/token"
    assert PRODUCTION.authorize_url == "https://oauth.qonto.com/oauth2/auth"


def test_sandbox_hosts() -> None:
    assert SANDBOX.name == "sandbox"
    assert SANDBOX.api_url == "https://thirdparty-sandbox.staging.qonto.co"
    assert SANDBOX.oauth_url == "https://oauth-sandbox.staging.qonto.co"
    assert SANDBOX.requires_staging_token is True
    assert SANDBOX.token_url == "https://oauth-sandbox.staging.qonto.co/oauth2/token"
    assert SANDBOX.authorize_url == "https://oauth-sandbox.staging.qonto.co/oauth2/auth"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("production", PRODUCTION, id="production"),
        pytest.param("sandbox", SANDBOX, id="sandbox"),
        pytest.param("Production", PRODUCTION, id="capitalised"),
        pytest.param("SANDBOX", SANDBOX, id="upper-case"),
        pytest.param(" production ", PRODUCTION, id="surrounding-spaces"),
    ],
)
def test_get_environment_built_ins(name: str, expected: Environment) -> None:
    assert get_environment(name) is expected


@pytest.mark.parametrize("value", ["production", "SANDBOX"])
def test_resolve_environment_by_name(value: str) -> None:
    assert resolve_environment(value) is get_environment(value)


def test_resolve_environment_passes_an_environment_through(fresh_name: Callable[[], str]) -> None:
    unregistered = _env(fresh_name())
    assert resolve_environment(unregistered) is unregistered
    assert resolve_environment(PRODUCTION) is PRODUCTION


@pytest.mark.parametrize(
    "value",
    [pytest.param(None, id="none"), pytest.param(1, id="int"), pytest.param(b"production", id="bytes")],
)
def test_resolve_environment_wrong_type(value: object) -> None:
    with pytest.raises(ConfigurationError, match="environment must be 'production', 'sandbox'"):
        resolve_environment(value)  # type: ignore[arg-type]


def test_get_environment_wrong_type() -> None:
    with pytest.raises(ConfigurationError, match="must be a string"):
        get_environment(None)  # type: ignore[arg-type]


def test_unknown_name_lists_the_known_ones(fresh_name: Callable[[], str]) -> None:
    custom = register_environment(_env(fresh_name()))
    with pytest.raises(ConfigurationError) as caught:
        get_environment("prod")
    message = str(caught.value)
    assert "Unknown Qonto environment 'prod'" in message
    assert "production" in message
    assert "sandbox" in message
    assert custom.name in message
    assert "register_environment" in message


def test_environment_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PRODUCTION.api_url = "https://evil.example"  # type: ignore[misc]


def test_environment_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        Environment("x", "https://a.example", "https://b.example", False)  # type: ignore[misc]


# --- the registry -------------------------------------------------------------------------------------------------


def test_register_then_get(fresh_name: Callable[[], str]) -> None:
    env = _env(fresh_name())
    assert register_environment(env) is env
    assert get_environment(env.name) is env


def test_register_is_idempotent_for_an_equal_environment(fresh_name: Callable[[], str]) -> None:
    name = fresh_name()
    first = register_environment(_env(name))
    again = register_environment(_env(name))
    assert again == first
    assert register_environment(first) is first
    assert get_environment(name) == first


def test_register_refuses_a_different_environment_under_a_taken_name(fresh_name: Callable[[], str]) -> None:
    name = fresh_name()
    original = register_environment(_env(name))
    with pytest.raises(ConfigurationError, match="already registered") as caught:
        register_environment(_env(name, "https://other.example.com"))
    assert "replace=True" in str(caught.value)
    assert get_environment(name) is original


def test_register_replace(fresh_name: Callable[[], str]) -> None:
    name = fresh_name()
    register_environment(_env(name))
    newer = _env(name, "https://other.example.com")
    assert register_environment(newer, replace=True) is newer
    assert get_environment(name) is newer


@pytest.mark.parametrize("replace", [False, True], ids=["plain", "replace"])
@pytest.mark.parametrize("builtin", [PRODUCTION, SANDBOX], ids=lambda e: e.name)
def test_built_ins_can_never_be_replaced(builtin: Environment, replace: bool) -> None:
    impostor = attrs.evolve(builtin, api_url="https://evil.example", oauth_url="https://evil.example")
    with pytest.raises(ConfigurationError, match="cannot be replaced"):
        register_environment(impostor, replace=replace)
    assert get_environment(builtin.name) is builtin


@pytest.mark.parametrize("name", ["Production", "PRODUCTION", "Sandbox", "sandBox"])
def test_case_variants_of_built_in_names_are_reserved(name: str) -> None:
    # get_environment() is case-insensitive for the built-ins: a "Production" pointing elsewhere would hijack it.
    impostor = _env(name, "https://evil.example")
    try:
        with pytest.raises(ConfigurationError, match="reserved for the built-in"):
            register_environment(impostor, replace=True)
    finally:
        unregister_environment(name)
    assert get_environment(name).api_url.endswith((".qonto.com", ".qonto.co"))


@pytest.mark.parametrize("builtin", [PRODUCTION, SANDBOX], ids=lambda e: e.name)
def test_registering_a_built_in_again_is_a_no_op(builtin: Environment) -> None:
    assert register_environment(builtin) is builtin
    assert get_environment(builtin.name) is builtin


@pytest.mark.parametrize("name", ["production", "sandbox"])
def test_built_ins_cannot_be_unregistered(name: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot be unregistered"):
        unregister_environment(name)
    assert get_environment(name).name == name


def test_unregister(fresh_name: Callable[[], str]) -> None:
    env = register_environment(_env(fresh_name()))
    unregister_environment(env.name)
    with pytest.raises(ConfigurationError, match="Unknown Qonto environment"):
        get_environment(env.name)
    unregister_environment(env.name)  # a second time is harmless


def test_register_refuses_a_non_environment() -> None:
    with pytest.raises(ConfigurationError, match="takes an Environment"):
        register_environment({"name": "x"})  # type: ignore[arg-type]


# --- URL rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://example.com", id="public-host"),
        pytest.param("http://10.0.0.1", id="private-ip"),
        pytest.param("http://192.168.1.10:8080", id="lan-ip-with-port"),
        pytest.param("http://[2001:db8::1]", id="ipv6-not-loopback"),
        pytest.param("http://localhost.example.com", id="localhost-lookalike"),
        pytest.param("http://0.0.0.0:8080", id="unspecified-address"),
    ],
)
@pytest.mark.parametrize("field", ["api_url", "oauth_url"])
def test_plain_http_refused_off_loopback(url: str, field: str) -> None:
    kwargs = {"name": "x", "api_url": "https://a.example", "oauth_url": "https://b.example", field: url}
    with pytest.raises(ConfigurationError, match=rf"{field} uses plain http://") as caught:
        Environment(requires_staging_token=False, **kwargs)
    assert "loopback" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:8080", id="ipv4-loopback"),
        pytest.param("http://127.5.5.5", id="ipv4-loopback-range"),
        pytest.param("http://[::1]:9000", id="ipv6-loopback"),
        pytest.param("http://localhost:8000", id="localhost"),
        pytest.param("http://LOCALHOST", id="localhost-upper"),
        pytest.param("http://api.localhost", id="localhost-subdomain"),
    ],
)
def test_plain_http_accepted_on_loopback(url: str) -> None:
    env = Environment(name="local", api_url=url, oauth_url=url, requires_staging_token=False)
    assert env.api_url == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        pytest.param("https://user:pass@api.example.com", "without credentials", id="credentials"),
        pytest.param("https://user@api.example.com", "without credentials", id="username-only"),
        pytest.param("https://api.example.com/?x=1", "query", id="query"),
        pytest.param("https://api.example.com/#top", "fragment", id="fragment"),
        pytest.param("ftp://api.example.com", "absolute http(s) URL", id="other-scheme"),
        pytest.param("api.example.com", "absolute http(s) URL", id="no-scheme"),
        pytest.param("https://", "absolute http(s) URL", id="no-host"),
        pytest.param("", "non-empty URL", id="empty"),
        pytest.param(None, "non-empty URL", id="none"),
        pytest.param("https://[::1", "not a valid URL", id="broken-ipv6"),
        pytest.param("https://api.example.com:99999", "not a valid URL", id="port-out-of-range"),
        pytest.param("https://api.example.com:http", "not a valid URL", id="port-not-a-number"),
    ],
)
def test_malformed_urls_refused(url: object, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Environment(name="x", api_url=url, oauth_url="https://b.example", requires_staging_token=False)  # type: ignore[arg-type]
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        pytest.param("https://api.example.com/", "https://api.example.com", id="one-slash"),
        pytest.param("https://api.example.com/base//", "https://api.example.com/base", id="path-and-slashes"),
        pytest.param("https://api.example.com", "https://api.example.com", id="no-slash"),
    ],
)
def test_trailing_slash_stripped(url: str, stored: str) -> None:
    env = Environment(name="x", api_url=url, oauth_url=url, requires_staging_token=True)
    assert env.api_url == stored
    assert env.oauth_url == stored
    assert env.token_url == f"{stored}/oauth2/token"
    assert env.authorize_url == f"{stored}/oauth2/auth"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("  ", id="blank"),
        pytest.param(" padded", id="leading-space"),
        pytest.param(None, id="none"),
    ],
)
def test_bad_names_refused(name: object) -> None:
    with pytest.raises(ConfigurationError, match=r"Environment\.name"):
        Environment(
            name=name, api_url="https://a.example", oauth_url="https://a.example", requires_staging_token=False
        )  # type: ignore[arg-type]


def test_requires_staging_token_must_be_a_bool() -> None:
    with pytest.raises(ConfigurationError, match="requires_staging_token must be True or False"):
        Environment(
            name="x", api_url="https://a.example", oauth_url="https://a.example", requires_staging_token="yes"
        )  # type: ignore[arg-type]


# --- owns_url -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "owned"),
    [
        pytest.param("https://thirdparty.qonto.com/v2/organization", True, id="api-host"),
        pytest.param("https://oauth.qonto.com/oauth2/token", True, id="oauth-host"),
        pytest.param("https://THIRDPARTY.qonto.com/v2", True, id="host-case-insensitive"),
        pytest.param("http://thirdparty.qonto.com/v2", False, id="other-scheme"),
        pytest.param("https://thirdparty.qonto.com:8443/v2", False, id="other-port"),
        pytest.param("https://thirdparty.qonto.com.evil.example/v2", False, id="suffix-lookalike"),
        pytest.param("https://evil.example/https://thirdparty.qonto.com", False, id="host-in-path"),
        pytest.param("https://thirdparty.qonto.com@evil.example/v2", False, id="host-as-userinfo"),
        pytest.param("https://qonto-attachments.s3.amazonaws.com/file.pdf", False, id="presigned-download"),
        pytest.param("https://thirdparty-sandbox.staging.qonto.co/v2", False, id="other-environment"),
        pytest.param("https://thirdparty.qonto.com:99999/v2", False, id="invalid-port"),
        pytest.param("https://[broken/v2", False, id="unparsable"),
        pytest.param("/v2/organization", False, id="relative"),
    ],
)
def test_owns_url(url: str, owned: bool) -> None:
    assert PRODUCTION.owns_url(url) is owned


def test_owns_url_compares_ports_on_loopback() -> None:
    env = Environment(
        name="loop",
        api_url="http://127.0.0.1:8080",
        oauth_url="http://127.0.0.1:8080/oauth",
        requires_staging_token=True,
    )
    assert env.owns_url("http://127.0.0.1:8080/v2/organization")
    assert not env.owns_url("http://127.0.0.1:8081/v2/organization")
    assert not env.owns_url("http://localhost:8080/v2/organization")


# --- the staging token (qonto-api.md §1.1) --------------------------------------------------------------------------


def test_staging_token_passed_through_in_sandbox() -> None:
    assert _check_staging_token(SANDBOX, "stg-123") == "stg-123"


@pytest.mark.parametrize("token", [pytest.param(None, id="missing"), pytest.param("", id="empty")])
def test_staging_token_required_in_sandbox(token: str | None) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _check_staging_token(SANDBOX, token)
    message = str(caught.value)
    assert "X-Qonto-Staging-Token" in message
    assert "requires a staging token" in message
    assert "Developer Portal" in message


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("stg 123", id="inner-space"),
        pytest.param("stg-123\n", id="trailing-newline"),
        pytest.param("\tstg-123", id="leading-tab"),
        pytest.param(" ", id="only-space"),
    ],
)
def test_staging_token_with_whitespace_refused(token: str) -> None:
    with pytest.raises(ConfigurationError, match="without whitespace"):
        _check_staging_token(SANDBOX, token)


def test_staging_token_must_be_a_string() -> None:
    with pytest.raises(ConfigurationError, match="must be a string"):
        _check_staging_token(SANDBOX, b"stg-123")  # type: ignore[arg-type]


@pytest.mark.parametrize("token", [pytest.param("stg-123", id="token"), pytest.param("", id="empty")])
def test_staging_token_refused_in_production(token: str) -> None:
    with pytest.raises(ConfigurationError, match="only for the sandbox"):
        _check_staging_token(PRODUCTION, token)


def test_no_staging_token_in_production() -> None:
    assert _check_staging_token(PRODUCTION, None) is None


def test_staging_token_follows_the_environment_flag() -> None:
    gated = Environment(
        name="gated", api_url="http://127.0.0.1:1", oauth_url="http://127.0.0.1:1", requires_staging_token=True
    )
    open_ = attrs.evolve(gated, requires_staging_token=False)
    assert _check_staging_token(gated, "t") == "t"
    with pytest.raises(ConfigurationError, match="X-Qonto-Staging-Token"):
        _check_staging_token(gated, None)
    with pytest.raises(ConfigurationError, match="does not use one"):
        _check_staging_token(open_, "t")
