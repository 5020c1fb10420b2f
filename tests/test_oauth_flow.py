"""The OAuth authorization-code flow helpers: the authorization URL, PKCE, and the code exchange
(qonto-api.md §2.2), the exchange run against the loopback server's token endpoint."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import string
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiohttp import web

from qonto_async import (
    PRODUCTION,
    SANDBOX,
    ConfigurationError,
    InvalidGrantError,
    OAuthError,
    PKCEPair,
    ServerError,
    build_authorization_url,
    exchange_code,
    new_state,
)
from tests.conftest import LoopbackServer

CLIENT_ID = "qonto-app-7f3e2a"
CLIENT_SECRET = "cs-flow-secret-1a2b3c"
STAGING_TOKEN = "stg-flow-9z8y"
REDIRECT_URI = "https://app.example.com/oauth/callback"
STATE = "st-4b1d2c3e4f5a6b7c"
CODE = "ory_ac_code_123"
TOKEN_PATH = "/oauth/oauth2/token"
FORM = "application/x-www-form-urlencoded"
SECRET_PATTERN = re.compile(r"ory_(at|rt|ac|id)_|" + re.escape(CLIENT_SECRET) + "|verifier-")


def assert_no_secrets(text: str) -> None:
    assert SECRET_PATTERN.search(text) is None, text


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="qonto_async")
    yield
    for record in caplog.get_records("call"):
        assert_no_secrets(logging.Formatter().format(record))


def query_of(url: str) -> dict[str, str]:
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert len(pairs) == len({k for k, _ in pairs}), f"a parameter is repeated in {url}"
    return dict(pairs)


# --- build_authorization_url ------------------------------------------------------------------------------------


def test_authorization_url_has_the_documented_parameters() -> None:
    request = build_authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scopes=["offline_access", "organization.read"],
        state=STATE,
    )
    assert request.url.startswith("https://oauth.qonto.com/oauth2/auth?")
    assert query_of(request.url) == {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "offline_access organization.read",
        "state": STATE,
    }
    raw_query = urlsplit(request.url).query
    # qonto-api.md §2.2: scopes are space-separated; the space is sent as %20, never '+'.
    assert "scope=offline_access%20organization.read" in raw_query
    assert "+" not in raw_query
    assert "redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback" in raw_query
    assert request.state == STATE
    assert request.pkce is None


@pytest.mark.parametrize(
    ("environment", "base"),
    [
        (SANDBOX, "https://oauth-sandbox.staging.qonto.co/oauth2/auth?"),
        ("sandbox", "https://oauth-sandbox.staging.qonto.co/oauth2/auth?"),
        (PRODUCTION, "https://oauth.qonto.com/oauth2/auth?"),
        ("production", "https://oauth.qonto.com/oauth2/auth?"),
    ],
)
def test_authorization_url_uses_the_environments_oauth_host(environment: Any, base: str) -> None:
    request = build_authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scopes=["offline_access"],
        state=STATE,
        environment=environment,
    )
    assert request.url.startswith(base)


def test_authorization_url_on_a_registered_environment(server: LoopbackServer) -> None:
    assert server.environment is not None
    request = build_authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scopes=["offline_access"],
        state=STATE,
        environment=server.environment.name,
    )
    assert request.url.startswith(f"{server.environment.api_url}/oauth/oauth2/auth?")


def test_state_is_a_required_argument() -> None:
    with pytest.raises(TypeError, match="state"):
        build_authorization_url(client_id=CLIENT_ID, redirect_uri=REDIRECT_URI, scopes=["offline_access"])  # type: ignore[call-arg]


@pytest.mark.parametrize("state", [None, "", "short", 12345678])
def test_a_missing_or_short_state_is_refused(state: Any) -> None:
    with pytest.raises(ConfigurationError, match="state is required"):
        build_authorization_url(
            client_id=CLIENT_ID, redirect_uri=REDIRECT_URI, scopes=["offline_access"], state=state
        )


def test_new_state_is_long_and_unguessable() -> None:
    states = {new_state() for _ in range(50)}
    assert len(states) == 50
    assert all(len(s) >= 32 and set(s) <= set(string.ascii_letters + string.digits + "-_") for s in states)
    request = build_authorization_url(
        client_id=CLIENT_ID, redirect_uri=REDIRECT_URI, scopes=["offline_access"], state=new_state()
    )
    assert query_of(request.url)["state"] == request.state


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def test_s256_formula_matches_the_rfc_7636_example() -> None:
    # RFC 7636 appendix B.
    assert _s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_true_generates_an_s256_challenge() -> None:
    request = build_authorization_url(
        client_id=CLIENT_ID, redirect_uri=REDIRECT_URI, scopes=["offline_access"], state=STATE, pkce=True
    )
    pair = request.pkce
    assert pair is not None
    # RFC 7636 §4.1: 43 to 128 characters from the unreserved set.
    assert 43 <= len(pair.verifier) <= 128
    assert set(pair.verifier) <= set(string.ascii_letters + string.digits + "-._~")
    assert pair.challenge == _s256(pair.verifier)
    assert "=" not in pair.challenge
    query = query_of(request.url)
    assert query["code_challenge"] == pair.challenge
    assert query["code_challenge_method"] == "S256"
    assert pair.verifier not in request.url
    assert pair.verifier not in repr(pair)
    assert pair.verifier not in repr(request)


def test_pkce_pairs_are_fresh_each_time() -> None:
    assert len({PKCEPair.generate().verifier for _ in range(20)}) == 20


def test_a_given_pkce_pair_is_used_as_is() -> None:
    pair = PKCEPair.generate()
    request = build_authorization_url(
        client_id=CLIENT_ID, redirect_uri=REDIRECT_URI, scopes=["offline_access"], state=STATE, pkce=pair
    )
    assert request.pkce is pair
    assert query_of(request.url)["code_challenge"] == _s256(pair.verifier)


def test_organization_id_and_user_identity_type() -> None:
    request = build_authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scopes=["offline_access", "user_organization.read"],
        state=STATE,
        organization_id="org-4f2a",
        identity_type="user",
    )
    query = query_of(request.url)
    assert query["organization_id"] == "org-4f2a"
    assert query["identity_type"] == "user"
    assert query["scope"] == "offline_access user_organization.read"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"identity_type": "organization"}, "identity_type"),
        ({"scopes": "offline_access organization.read"}, "list of scope names"),
        ({"scopes": []}, "non-empty list"),
        ({"scopes": ["offline_access organization.read"]}, "without spaces"),
        ({"client_id": ""}, "client_id"),
        ({"redirect_uri": "/callback"}, "redirect_uri"),
        ({"redirect_uri": "https://app.example.com/cb#frag"}, "redirect_uri"),
        ({"environment": "staging-typo"}, "Unknown Qonto environment"),
    ],
)
def test_authorization_url_refuses_bad_arguments(changes: dict[str, Any], match: str) -> None:
    kwargs: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scopes": ["offline_access"],
        "state": STATE,
    }
    kwargs.update(changes)
    with pytest.raises(ConfigurationError, match=match):
        build_authorization_url(**kwargs)


# --- exchange_code ----------------------------------------------------------------------------------------------


class CodeEndpoint:
    """The token endpoint's authorization_code grant: single-use codes (valid 10 minutes, qonto-api.md §2.2)."""

    def __init__(self, srv: LoopbackServer, *, staging_token: str | None = None) -> None:
        self.srv = srv
        self.staging_token = staging_token
        self.unused_codes = {CODE}
        self.fail_with_status: int | None = None
        srv.route("POST", TOKEN_PATH)(self.handle)

    def calls(self) -> list[dict[str, Any]]:
        return self.srv.calls("POST", TOKEN_PATH)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.srv.requires_staging_token and request.headers.get("X-Qonto-Staging-Token") != self.staging_token:
            return web.Response(status=302, headers={"Location": "https://qonto.onelogin.com/login"})
        if self.fail_with_status is not None:
            return web.json_response({"error": "server_error"}, status=self.fail_with_status)
        form = dict(parse_qsl(await request.text()))
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response(
                {"error": "invalid_client", "error_description": "Client authentication failed."}, status=401
            )
        if form.get("grant_type") != "authorization_code" or form.get("code") not in self.unused_codes:
            return web.json_response(
                {
                    "error": "invalid_grant",
                    "error_description": "The authorization code has expired or was already used.",
                },
                status=400,
            )
        self.unused_codes.discard(form["code"])
        return web.json_response(
            {
                "access_token": "ory_at_from_code",
                "expires_in": 3600,
                "id_token": "ory_id_jwt",
                "refresh_token": "ory_rt_from_code",
                "scope": "offline_access organization.read",
                "token_type": "bearer",
            }
        )


@pytest.fixture
def endpoint(server: LoopbackServer) -> CodeEndpoint:
    return CodeEndpoint(server)


def _exchange_kwargs(srv: LoopbackServer, **changes: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": CODE,
        "redirect_uri": REDIRECT_URI,
        "environment": srv.environment,
    }
    kwargs.update(changes)
    return kwargs


async def test_exchange_code_posts_the_documented_form_and_returns_a_token(endpoint: CodeEndpoint) -> None:
    before = datetime.now(UTC)
    token = await exchange_code(**_exchange_kwargs(endpoint.srv, code_verifier="verifier-abc123"))
    after = datetime.now(UTC)
    (call,) = endpoint.calls()
    assert call["method"] == "POST"
    assert call["headers"]["Content-Type"] == FORM
    assert "Authorization" not in call["headers"]
    assert "X-Qonto-Staging-Token" not in call["headers"]
    assert sorted(parse_qsl(call["body"], keep_blank_values=True)) == sorted(
        [
            ("grant_type", "authorization_code"),
            ("code", CODE),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code_verifier", "verifier-abc123"),
        ]
    )
    assert token.access_token == "ory_at_from_code"
    assert token.refresh_token == "ory_rt_from_code"
    assert token.id_token == "ory_id_jwt"
    assert token.scopes == ("offline_access", "organization.read")
    assert before + timedelta(seconds=3600) <= token.expires_at <= after + timedelta(seconds=3600)
    assert token.expires_at.tzinfo is not None
    assert_no_secrets(repr(token))


async def test_exchange_code_without_pkce_sends_no_code_verifier(endpoint: CodeEndpoint) -> None:
    await exchange_code(**_exchange_kwargs(endpoint.srv))
    (call,) = endpoint.calls()
    assert "code_verifier" not in dict(parse_qsl(call["body"]))


async def test_exchange_code_in_sandbox_sends_the_staging_token(sandbox_server: LoopbackServer) -> None:
    endpoint = CodeEndpoint(sandbox_server, staging_token=STAGING_TOKEN)
    token = await exchange_code(**_exchange_kwargs(sandbox_server, staging_token=STAGING_TOKEN))
    assert token.access_token == "ory_at_from_code"
    (call,) = endpoint.calls()
    assert call["headers"]["X-Qonto-Staging-Token"] == STAGING_TOKEN


async def test_exchange_code_in_sandbox_without_staging_token_fails_before_sending(
    sandbox_server: LoopbackServer,
) -> None:
    endpoint = CodeEndpoint(sandbox_server, staging_token=STAGING_TOKEN)
    with pytest.raises(ConfigurationError, match="staging token"):
        await exchange_code(**_exchange_kwargs(sandbox_server))
    assert endpoint.calls() == []


async def test_a_used_code_gives_invalid_grant(endpoint: CodeEndpoint) -> None:
    await exchange_code(**_exchange_kwargs(endpoint.srv))
    with pytest.raises(InvalidGrantError, match="authorize again") as caught:
        await exchange_code(**_exchange_kwargs(endpoint.srv))
    assert caught.value.error == "invalid_grant"
    assert caught.value.status == 400
    assert len(endpoint.calls()) == 2
    assert_no_secrets(str(caught.value))
    assert_no_secrets(repr(caught.value))


async def test_a_code_exchange_is_not_retried_on_a_server_error(endpoint: CodeEndpoint) -> None:
    endpoint.fail_with_status = 500
    with pytest.raises(ServerError) as caught:
        await exchange_code(**_exchange_kwargs(endpoint.srv))
    assert caught.value.status == 500
    assert len(endpoint.calls()) == 1  # codes are single-use: a resent exchange could only earn invalid_grant
    assert_no_secrets(str(caught.value))


async def test_a_wrong_client_secret_gives_invalid_client(endpoint: CodeEndpoint) -> None:
    with pytest.raises(OAuthError) as caught:
        await exchange_code(**_exchange_kwargs(endpoint.srv, client_secret="cs-wrong-0000"))
    assert not isinstance(caught.value, InvalidGrantError)
    assert caught.value.error == "invalid_client"
    assert "cs-wrong-0000" not in str(caught.value)
    assert_no_secrets(str(caught.value))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_secret": " "}, "client_secret"),
        ({"code": ""}, "code"),
        ({"redirect_uri": "callback"}, "redirect_uri"),
    ],
)
async def test_exchange_code_refuses_bad_arguments_before_sending(
    endpoint: CodeEndpoint, changes: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigurationError, match=match):
        await exchange_code(**_exchange_kwargs(endpoint.srv, **changes))
    assert endpoint.calls() == []


async def test_exchange_code_through_a_given_token_endpoint_is_marked_not_retry_safe() -> None:
    seen: list[tuple[dict[str, str], bool]] = []

    class RecordingEndpoint:
        async def token_request(self, form: Mapping[str, str], *, retry_safe: bool) -> Mapping[str, Any]:
            seen.append((dict(form), retry_safe))
            return {"access_token": "ory_at_via_endpoint", "expires_in": 60}

    token = await exchange_code(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        code=CODE,
        redirect_uri=REDIRECT_URI,
        token_endpoint=RecordingEndpoint(),
    )
    assert token.access_token == "ory_at_via_endpoint"
    assert token.refresh_token is None
    ((form, retry_safe),) = seen
    assert retry_safe is False
    assert form["grant_type"] == "authorization_code"


async def test_a_token_response_without_access_token_is_an_oauth_error() -> None:
    class EmptyEndpoint:
        async def token_request(self, form: Mapping[str, str], *, retry_safe: bool) -> Mapping[str, Any]:
            return {"token_type": "bearer"}

    with pytest.raises(OAuthError, match="without a usable token"):
        await exchange_code(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=CODE,
            redirect_uri=REDIRECT_URI,
            token_endpoint=EmptyEndpoint(),
        )
