"""Boundaries (issue 9): where credentials may go, and which webhook deliveries are refused.

- The staging token never reaches a production-like server (FakeQonto(sandbox=False)): the client refuses it
  before sending anything, and never sends it to a file host either.
- ``Authorization`` (and the staging token and organization id) never go to a pre-signed URL, and no redirect is
  followed, from the API, the token endpoint or a file host: a second loopback server records every header it gets.
- ``http://`` is refused for every non-loopback host (environments and download URLs), before any request.
- Webhooks: replayed, stale and future-dated deliveries and tampered bodies are all rejected.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from qonto_async import Environment, OAuthBearerAuth, OAuthToken, QontoClient, StaticKeyAuth
from qonto_async.errors import (
    APIError,
    ConfigurationError,
    OAuthError,
    QontoError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from qonto_async.models import Attachment
from qonto_async.testing import FakeQonto
from qonto_async.webhooks import construct_event, sign, verify_signature
from tests.reliability._loop import ScriptedServer

KEY = StaticKeyAuth(login="boundary-org-1234", secret_key="BoUnDaRyKeYBoUnDaRyKeY0123456789")
STAGING = "staging-token-boundaries-0123"
_QONTO_HEADERS = ("authorization", "x-qonto-staging-token", "x-qonto-organization-id")


@pytest.fixture
async def api() -> AsyncIterator[ScriptedServer]:
    server = await ScriptedServer(requires_staging_token=True).start()
    yield server
    await server.stop()


@pytest.fixture
async def elsewhere() -> AsyncIterator[ScriptedServer]:
    """Another host: a file store, or wherever a redirect points. Records every header it receives."""
    server = await ScriptedServer().start()

    async def reply(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"%PDF-1.4 file", headers={"Content-Type": "application/pdf"})

    server.reply = reply
    yield server
    await server.stop()


def _no_qonto_header(server: ScriptedServer) -> None:
    for headers in server.seen:
        lowered = {k.lower(): v for k, v in headers.items()}
        for name in _QONTO_HEADERS:
            assert name not in lowered, (name, server.paths)
        assert KEY.login not in json.dumps(headers)
        assert STAGING not in json.dumps(headers)


# --- the staging token ------------------------------------------------------------------------------------------


async def test_the_staging_token_is_never_sent_to_a_production_like_server() -> None:
    async with FakeQonto(sandbox=False) as fake:
        with pytest.raises(ConfigurationError) as refused:
            QontoClient(auth=fake.static_key_auth(), environment=fake.environment, staging_token=STAGING)
        assert STAGING not in str(refused.value)
        # Without it, the same server is reached, and no request ever carried the header.
        async with QontoClient(auth=fake.static_key_auth(), environment=fake.environment) as qonto:
            await qonto.organization.get()
        assert fake.journal
        assert all("X-Qonto-Staging-Token" not in e.headers for e in fake.journal)


async def test_the_staging_token_goes_to_the_sandbox_only(api: ScriptedServer, elsewhere: ScriptedServer) -> None:
    url = f"{elsewhere.base}/bucket/file.pdf?X-Amz-Signature=abc"

    async def reply(request: web.Request) -> web.StreamResponse:
        return web.json_response({"attachment": {"id": "att-1", "url": url}})

    api.reply = reply
    async with QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING) as qonto:
        assert await qonto.attachments.download("att-1") == b"%PDF-1.4 file"
    assert api.seen[0]["X-Qonto-Staging-Token"] == STAGING
    assert len(elsewhere.seen) == 1
    _no_qonto_header(elsewhere)


# --- pre-signed URLs and redirects ------------------------------------------------------------------------------


async def test_no_qonto_header_reaches_a_presigned_url(api: ScriptedServer, elsewhere: ScriptedServer) -> None:
    async with (
        QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING) as qonto,
        QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING, organization_id=None) as other,
    ):
        attachment = Attachment(id="att-2", url=f"{elsewhere.base}/file?X-Amz-Signature=s1")
        assert await qonto.attachments.download(attachment) == b"%PDF-1.4 file"
        assert await other.attachments.download(attachment) == b"%PDF-1.4 file"
    token = OAuthToken(
        access_token="at-boundary-123",
        refresh_token="rt-boundary-456",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    oauth = OAuthBearerAuth(client_id="cid", client_secret="client-secret-boundary", token=token)
    async with QontoClient(
        auth=oauth, environment=api.environment, staging_token=STAGING, organization_id="org-1"
    ) as qonto:
        assert await qonto.attachments.download(attachment) == b"%PDF-1.4 file"
    assert len(elsewhere.seen) == 3
    _no_qonto_header(elsewhere)
    assert not any("at-boundary-123" in json.dumps(h) for h in elsewhere.seen)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_from_the_api_are_never_followed(
    api: ScriptedServer, elsewhere: ScriptedServer, status: int
) -> None:
    # A production-like API host (no staging gate): a redirect there is an error, never followed.
    prod = await ScriptedServer().start()
    try:

        async def reply(_request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": f"{elsewhere.base}/steal"})

        prod.reply = reply
        api.reply = reply
        async with QontoClient(auth=KEY, environment=prod.environment) as qonto:
            with pytest.raises(APIError):
                await qonto.organization.get()
        async with QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING) as qonto:
            with pytest.raises(QontoError):  # the sandbox reads a redirect as its login gate
                await qonto.organization.get()
    finally:
        await prod.stop()
    assert elsewhere.seen == []


async def test_redirects_from_the_token_endpoint_and_file_hosts_are_not_followed(
    api: ScriptedServer, elsewhere: ScriptedServer
) -> None:
    third = await ScriptedServer().start()
    try:

        async def reply(request: web.Request) -> web.StreamResponse:
            if request.path.startswith("/oauth"):
                return web.Response(status=302, headers={"Location": f"{third.base}/token"})
            return web.json_response({"attachment": {"id": "a", "url": f"{elsewhere.base}/moved"}})

        async def moved(_request: web.Request) -> web.StreamResponse:
            return web.Response(status=302, headers={"Location": f"{third.base}/file"})

        api.reply = reply
        elsewhere.reply = moved
        expired = OAuthToken(
            access_token="at-expired-789",
            refresh_token="rt-boundary-000",
            expires_at=datetime.now(UTC) - timedelta(hours=1),
        )
        oauth = OAuthBearerAuth(client_id="cid", client_secret="client-secret-boundary", token=expired)
        async with QontoClient(auth=oauth, environment=api.environment, staging_token=STAGING) as qonto:
            with pytest.raises((OAuthError, QontoError)):
                await qonto.organization.get()
        async with QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING) as qonto:
            with pytest.raises(APIError, match="not followed"):
                await qonto.attachments.download(Attachment(id="a", url=f"{elsewhere.base}/moved"))
    finally:
        await third.stop()
    assert third.seen == []
    _no_qonto_header(elsewhere)


# --- plain http -------------------------------------------------------------------------------------------------

_REMOTE_HOSTS = [
    "api.example.com",
    "thirdparty.qonto.com",
    "10.1.2.3",
    "192.168.1.10",
    "0.0.0.0",
    "localhost.example.com",
    "127.0.0.1.example.com",
    "[2001:db8::1]",
]


@pytest.mark.parametrize("host", _REMOTE_HOSTS)
def test_plain_http_is_refused_for_non_loopback_environments(host: str) -> None:
    for field in ("api_url", "oauth_url"):
        urls = {"api_url": "https://api.example.com", "oauth_url": "https://oauth.example.com"}
        urls[field] = f"http://{host}:8080"
        with pytest.raises(ConfigurationError, match="http"):
            Environment(name=f"plain-{field}", requires_staging_token=False, **urls)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "localhost", "[::1]", "app.localhost"])
def test_plain_http_is_allowed_on_loopback(host: str) -> None:
    env = Environment(
        name="loop",
        api_url=f"http://{host}:8080",
        oauth_url=f"http://{host}:8080/oauth",
        requires_staging_token=False,
    )
    assert env.api_url.startswith("http://")


@pytest.mark.parametrize("host", _REMOTE_HOSTS)
async def test_plain_http_download_urls_are_refused_before_sending(
    api: ScriptedServer, elsewhere: ScriptedServer, host: str
) -> None:
    async with QontoClient(auth=KEY, environment=api.environment, staging_token=STAGING) as qonto:
        with pytest.raises(ConfigurationError, match="http"):
            await qonto.attachments.download(Attachment(id="a", url=f"http://{host}/file?X-Amz-Signature=s"))
    assert api.seen == []
    assert elsewhere.seen == []


# --- webhooks ---------------------------------------------------------------------------------------------------

SECRET = "whsec_boundaries"
BODY = b'{"id":"evt_42","type":"v1/transactions","subscription_id":"sub","data":{"id":"t1","amount":12.5}}'
T = 1_750_000_000


def test_webhook_replay_later_is_rejected() -> None:
    header = sign(BODY, SECRET, timestamp=T)
    assert construct_event(BODY, header, SECRET, now=T + 10).id == "evt_42"
    for later in (301, 3600, 86400 * 3):
        with pytest.raises(WebhookTimestampError, match="ago"):
            construct_event(BODY, header, SECRET, now=T + later)


@pytest.mark.parametrize("skew", [301, 600, 86400, 10**6])
def test_webhook_stale_and_future_timestamps_are_rejected(skew: int) -> None:
    with pytest.raises(WebhookTimestampError, match="ago"):
        verify_signature(BODY, sign(BODY, SECRET, timestamp=T - skew), SECRET, now=T)
    with pytest.raises(WebhookTimestampError, match="future"):
        verify_signature(BODY, sign(BODY, SECRET, timestamp=T + skew), SECRET, now=T)


def test_webhook_replayed_signature_with_a_new_timestamp_is_rejected() -> None:
    # An attacker who captured a delivery cannot refresh its t= to get past the window.
    signature = sign(BODY, SECRET, timestamp=T).split("v1=")[1]
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, f"t={T + 3600},v1={signature}", SECRET, now=T + 3600)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b.replace(b"12.5", b"1250"),
        lambda b: b.replace(b"evt_42", b"evt_43"),
        lambda b: b + b"\n",
        lambda b: b" " + b,
        lambda b: json.dumps(json.loads(b)).encode(),  # parsed and serialised again: not the bytes Qonto signed
        lambda b: json.dumps(json.loads(b), sort_keys=True, separators=(",", ":")).encode(),
        lambda b: b[:-1],
        lambda b: b"",
    ],
)
def test_webhook_tampered_bodies_are_rejected(tamper: object) -> None:
    header = sign(BODY, SECRET, timestamp=T)
    tampered = tamper(BODY)  # type: ignore[operator]
    assert tampered != BODY
    with pytest.raises(WebhookSignatureError):
        construct_event(tampered, header, SECRET, now=T)
