"""The fake's OAuth server: code and refresh grants, rotation with the 60 s grace period (qonto-api.md §2.2)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .conftest import Raw

TOKEN = "/oauth/oauth2/token"


async def _token(raw: Raw, form: dict[str, str], **kwargs: Any) -> tuple[int, Any]:
    client_id, client_secret = raw.fake.oauth_client()
    full = {"client_id": client_id, "client_secret": client_secret, **form}
    return await raw.json("POST", TOKEN, data=full, authorization=None, **kwargs)


async def test_code_grant_issues_a_pair_once(raw: Raw) -> None:
    code = raw.fake.authorization_code(scopes=["offline_access", "organization.read", "openid"])
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/callback"}
    status, body = await _token(raw, form)
    assert status == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("ory_at_")
    assert body["refresh_token"].startswith("ory_rt_")
    assert body["scope"] == "offline_access openid organization.read"
    assert body["id_token"]
    status, body = await _token(raw, form)
    assert status == 400
    assert body["error"] == "invalid_grant"
    assert body["trace_id"]
    assert raw.fake.token_calls["authorization_code"] == 2


async def test_code_expires_after_ten_minutes_and_checks_redirect_uri(raw: Raw) -> None:
    code = raw.fake.authorization_code()
    status, body = await _token(
        raw, {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/other"}
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    code = raw.fake.authorization_code()
    raw.fake.advance(601)
    status, body = await _token(
        raw, {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/callback"}
    )
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_pkce_verifier_is_checked(raw: Raw) -> None:
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    form = {"grant_type": "authorization_code", "redirect_uri": "http://127.0.0.1/callback"}
    code = raw.fake.authorization_code(code_challenge=challenge)
    assert (await _token(raw, {**form, "code": code, "code_verifier": "w" * 64}))[0] == 400
    code = raw.fake.authorization_code(code_challenge=challenge)
    assert (await _token(raw, {**form, "code": code, "code_verifier": verifier}))[0] == 200


async def test_refresh_rotates_with_a_sixty_second_grace(raw: Raw) -> None:
    first = raw.fake.issue_token()
    assert first.refresh_token is not None
    status, second = await _token(raw, {"grant_type": "refresh_token", "refresh_token": first.refresh_token})
    assert status == 200
    assert second["refresh_token"] != first.refresh_token
    raw.fake.advance(59)
    status, again = await _token(raw, {"grant_type": "refresh_token", "refresh_token": first.refresh_token})
    assert status == 200  # still inside the grace period, which counts from the first use
    raw.fake.advance(2)
    status, body = await _token(raw, {"grant_type": "refresh_token", "refresh_token": first.refresh_token})
    assert status == 400
    assert body["error"] == "invalid_grant"
    assert "60-second" in body["error_description"]
    status, _ = await _token(raw, {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    assert status == 200
    assert raw.fake.token_calls["refresh_token"] == 4
    # The new access token works.
    assert (await raw("GET", "/v2/organization", authorization=f"Bearer {again['access_token']}"))[0] == 200


async def test_token_endpoint_errors(raw: Raw) -> None:
    assert (await _token(raw, {"grant_type": "refresh_token", "refresh_token": "nope"}))[1][
        "error"
    ] == "invalid_grant"
    status, body = await _token(raw, {"grant_type": "password"})
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    status, body = await _token(raw, {"grant_type": "refresh_token", "client_secret": "wrong"})
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = await raw.json(
        "POST", TOKEN, json={"grant_type": "refresh_token"}, authorization=None
    )  # JSON instead of a form
    assert (status, body["error"]) == (400, "invalid_request")
    status, _h, _b = await raw(
        "POST", TOKEN, data={"grant_type": "refresh_token"}, authorization=None, staging=False
    )
    assert status == 302  # qonto-api.md §1.1: the gate covers the token endpoint too


async def test_expired_refresh_token_after_ninety_days(raw: Raw) -> None:
    token = raw.fake.issue_token()
    raw.fake.advance(90 * 86_400 + 1)
    status, body = await _token(raw, {"grant_type": "refresh_token", "refresh_token": token.refresh_token or ""})
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_authorize_endpoint_redirects_with_code_and_state(raw: Raw) -> None:
    client_id, _ = raw.fake.oauth_client()
    params = {
        "client_id": client_id,
        "redirect_uri": "http://127.0.0.1:9/cb",
        "response_type": "code",
        "scope": "offline_access organization.read",
        "state": "s" * 16,
    }
    status, headers, _ = await raw("GET", "/oauth/oauth2/auth", params=params, authorization=None)
    assert status == 302
    location = urlsplit(headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "127.0.0.1:9"
    assert query["state"] == ["s" * 16]
    status, body = await _token(
        raw,
        {"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": "http://127.0.0.1:9/cb"},
    )
    assert status == 200
    assert "refresh_token" in body
    status, body = await raw.json(
        "GET", "/oauth/oauth2/auth", params={**params, "client_id": "x"}, authorization=None
    )
    assert (status, body["error"]) == (400, "invalid_client")
