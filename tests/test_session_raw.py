"""``Request(raw=True)``: a 2xx body comes back as bytes, undecoded; everything else behaves as before."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aioresponses import aioresponses

from qonto_async import PRODUCTION, NotFoundError, ResponseDecodeError, StaticKeyAuth
from qonto_async.session import USER_AGENT, QontoSession, Request

from .conftest import sent_requests

API = PRODUCTION.api_url
PDF = b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n%%EOF\n"


@pytest.fixture
async def session(no_sleep: Callable[[float], Awaitable[None]]) -> AsyncIterator[QontoSession]:
    s = QontoSession(
        environment=PRODUCTION, auth=StaticKeyAuth(login="org-1", secret_key="s" * 32), sleep=no_sleep
    )
    yield s
    await s.aclose()


def pdf_request() -> Request[bytes]:
    return Request(
        method="GET", path="/v2/bank_accounts/a/iban_certificate", headers={"Accept": "application/pdf"}, raw=True
    )


async def test_raw_returns_the_body_bytes_and_sends_the_given_accept(
    session: QontoSession, mocked: aioresponses
) -> None:
    mocked.get(f"{API}/v2/bank_accounts/a/iban_certificate", body=PDF, content_type="application/pdf")
    assert await session.request(pdf_request()) == PDF
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["headers"]["Accept"] == "application/pdf"
    assert kwargs["headers"]["User-Agent"] == USER_AGENT


async def test_raw_empty_body_is_a_decode_error(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/bank_accounts/a/iban_certificate", body=b"", content_type="application/pdf")
    with pytest.raises(ResponseDecodeError, match="expected a file"):
        await session.request(pdf_request())


async def test_raw_errors_are_still_qontos_json_errors(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(
        f"{API}/v2/bank_accounts/a/iban_certificate",
        status=404,
        payload={"errors": [{"code": "not_found", "detail": "Bank account not found"}]},
    )
    with pytest.raises(NotFoundError):
        await session.request(pdf_request())


async def test_a_json_request_is_unchanged(session: QontoSession, mocked: aioresponses) -> None:
    mocked.get(f"{API}/v2/organization", payload={"ok": True})
    assert await session.request(Request(method="GET", path="/v2/organization", decode=dict)) == {"ok": True}
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["headers"]["Accept"] == "application/json"
