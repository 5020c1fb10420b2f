"""Writes: the idempotency cache (qonto-api.md §7) and SCA with mocked sessions (§8)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from qonto_async.testing import FakeQonto

from .conftest import Raw

PATH = "/v2/internal_transfers"


def _transfer(fake: FakeQonto, amount: str = "12.50", reference: str = "rent") -> dict[str, Any]:
    accounts = fake.data.bank_accounts
    return {
        "internal_transfer": {
            "debit_iban": accounts[0]["iban"],
            "credit_iban": accounts[1]["iban"],
            "reference": reference,
            "amount": amount,
            "currency": "EUR",
        }
    }


async def _post(raw: Raw, body: Any, key: str | None = "k-1", **headers: str) -> tuple[int, Any]:
    sent = dict(headers)
    if key is not None:
        sent["X-Qonto-Idempotency-Key"] = key
    status, _h, payload = await raw("POST", PATH, json=body, headers=sent)
    return status, json.loads(payload) if payload else None


async def test_internal_transfer_created_in_qonto_shape(raw: Raw) -> None:
    status, body = await _post(raw, _transfer(raw.fake))
    assert status == 201
    transfer = body["internal_transfer"]
    assert transfer["status"] == "processing"
    assert transfer["amount"] == "12.50"
    assert transfer["amount_cents"] == "1250"
    assert set(transfer) == {
        "id",
        "slug",
        "status",
        "amount",
        "amount_cents",
        "currency",
        "reference",
        "created_at",
    }


async def test_idempotency_key_is_required(raw: Raw) -> None:
    status, body = await _post(raw, _transfer(raw.fake), key=None)
    assert status == 422
    assert body["errors"][0]["source"] == {"header": "X-Qonto-Idempotency-Key"}
    assert raw.fake.internal_transfers == []


async def test_same_key_replays_the_first_response_for_thirty_minutes_even_if_the_body_differs(raw: Raw) -> None:
    fake = raw.fake
    first = await _post(raw, _transfer(fake, "10.00"))
    second = await _post(raw, _transfer(fake, "99.00"))
    assert first == second
    assert second[1]["internal_transfer"]["amount"] == "10.00"
    assert fake.side_effects["k-1"] == 1
    assert len(fake.internal_transfers) == 1
    fake.advance(30 * 60 + 1)
    third = await _post(raw, _transfer(fake, "99.00"))
    assert third[1]["internal_transfer"]["amount"] == "99.00"
    assert fake.side_effects["k-1"] == 2
    other = await _post(raw, _transfer(fake), key="k-2")
    assert other[0] == 201
    assert fake.side_effects["k-2"] == 1


async def test_failed_writes_are_not_cached(raw: Raw) -> None:
    bad = _transfer(raw.fake)
    bad["internal_transfer"]["amount"] = "-5"
    status, body = await _post(raw, bad)
    assert status == 422
    assert body["errors"][0]["source"] == {"pointer": "/internal_transfer/amount"}
    assert (await _post(raw, _transfer(raw.fake)))[0] == 201
    assert raw.fake.side_effects["k-1"] == 1


@pytest.mark.parametrize(
    ("mutate", "status", "pointer"),
    [
        (lambda t: t.pop("internal_transfer"), 422, "/internal_transfer"),
        (lambda t: t["internal_transfer"].pop("reference"), 422, "/internal_transfer/reference"),
        (lambda t: t["internal_transfer"].update(debit_iban="FR00"), 422, "/internal_transfer/debit_iban"),
        (lambda t: t["internal_transfer"].update(credit_iban="FR00"), 422, "/internal_transfer/credit_iban"),
        (lambda t: t["internal_transfer"].update(currency="USD"), 422, "/internal_transfer/currency"),
        (lambda t: t["internal_transfer"].update(amount="1.234"), 422, "/internal_transfer/amount"),
        (lambda t: t["internal_transfer"].update(amount="NaN"), 422, "/internal_transfer/amount"),
        (lambda t: t["internal_transfer"].update(reference="x" * 100), 422, "/internal_transfer/reference"),
        (lambda t: t["internal_transfer"].update(amount=["1"]), 422, "/internal_transfer/amount"),
    ],
)
async def test_bad_transfers_get_422s_with_pointers(raw: Raw, mutate: Any, status: int, pointer: str) -> None:
    body = _transfer(raw.fake)
    mutate(body)
    got, payload = await _post(raw, body)
    assert got == status
    assert payload["errors"][0]["source"]["pointer"] == pointer


async def test_malformed_bodies_get_400s_never_500s(raw: Raw) -> None:
    for payload in (b"{", b"[]", b"\xff\xfe", b'"text"', b"null", b"[" * 5000):
        status, _h, _body = await raw(
            "POST",
            PATH,
            data=payload,
            headers={"X-Qonto-Idempotency-Key": "m", "Content-Type": "application/json"},
        )
        assert status in (400, 422)
    assert raw.fake.internal_errors == []


async def test_oauth_writes_need_their_scope(raw: Raw) -> None:
    token = raw.fake.issue_token(scopes=["organization.read"])
    status, body = await _post(raw, _transfer(raw.fake), Authorization=f"Bearer {token.access_token}")
    assert status == 403
    assert "internal_transfer.write" in body["errors"][0]["detail"]


# -- SCA ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def sca_raw(raw: Raw) -> Raw:
    raw.fake.sca.require_for.add("POST /v2/internal_transfers")
    return raw


async def test_sandbox_without_mock_preference_is_not_enrolled(sca_raw: Raw) -> None:
    status, body = await _post(sca_raw, _transfer(sca_raw.fake))
    assert status == 428
    assert body["code"] == "sca_not_enrolled"
    assert body["trace_id"]


async def test_sca_mocked_flow_then_replay(sca_raw: Raw) -> None:
    fake, raw = sca_raw.fake, sca_raw
    transfer = _transfer(fake)
    status, body = await _post(raw, transfer, **{"X-Qonto-2fa-Preference": "mock"})
    assert status == 428
    assert body["code"] == "sca_required"
    assert body["message"] == "SCA required"
    assert body["action_type"] == "transfer.internal.create"
    assert body["trace_id"]
    token = body["sca_session_token"]
    assert (
        await raw.json(
            "GET", f"/v2/sca_sessions/{token}", authorization=f"Bearer {fake.issue_token().access_token}"
        )
    )[1] == {"result": "waiting"}
    bearer = f"Bearer {fake.issue_token().access_token}"
    assert (await raw.json("POST", f"/v2/mocked_sca_sessions/{token}/allow", authorization=bearer))[1] == {
        "message": "Success"
    }
    assert (await raw.json("GET", f"/v2/mocked_sca_sessions/{token}", authorization=bearer))[1] == {
        "result": "allow"
    }
    headers = {"X-Qonto-2fa-Preference": "mock", "X-Qonto-Sca-Session-Token": token}
    status, _created = await _post(raw, transfer, **headers)
    assert status == 201
    assert fake.side_effects["k-1"] == 1
    # Single use: the same token on another key is refused.
    status, body = await _post(raw, transfer, key="k-2", **headers)
    assert status == 412
    assert body == {
        "message": "Invalid SCA session token",
        "code": "invalid_sca_session_token",
        "trace_id": body["trace_id"],
    }


async def test_sca_token_bound_to_the_identical_request(sca_raw: Raw) -> None:
    fake = sca_raw.fake
    _, body = await _post(sca_raw, _transfer(fake), **{"X-Qonto-2fa-Preference": "mock"})
    fake.sca.approve(body["sca_session_token"])
    status, other = await _post(
        sca_raw,
        _transfer(fake, amount="13.00"),
        **{"X-Qonto-2fa-Preference": "mock", "X-Qonto-Sca-Session-Token": body["sca_session_token"]},
    )
    assert status == 422
    assert other["errors"] == {"message": "Not found"}


@pytest.mark.parametrize("how", ["unknown", "waiting", "denied", "expired"])
async def test_bad_sca_tokens_get_412(sca_raw: Raw, how: str) -> None:
    fake = sca_raw.fake
    _, body = await _post(sca_raw, _transfer(fake), **{"X-Qonto-2fa-Preference": "mock"})
    token = body["sca_session_token"]
    if how == "unknown":
        token = "sca_unknown"
    elif how == "denied":
        fake.sca.deny(token)
    elif how == "expired":
        fake.sca.approve(token)
        fake.advance(15 * 60 + 1)
    status, _ = await _post(
        sca_raw, _transfer(fake), **{"X-Qonto-2fa-Preference": "mock", "X-Qonto-Sca-Session-Token": token}
    )
    assert status == 412
    assert fake.internal_transfers == []


async def test_waiting_sessions_read_deny_after_fifteen_minutes(sca_raw: Raw) -> None:
    fake = sca_raw.fake
    _, body = await _post(sca_raw, _transfer(fake), **{"X-Qonto-2fa-Preference": "mock"})
    fake.advance(15 * 60 + 1)
    bearer = f"Bearer {fake.issue_token().access_token}"
    _status, result = await sca_raw.json(
        "GET", f"/v2/sca_sessions/{body['sca_session_token']}", authorization=bearer
    )
    assert result == {"result": "deny"}
    assert (await sca_raw("GET", "/v2/sca_sessions/nope", authorization=bearer))[0] == 404


async def test_mocked_sessions_are_sandbox_only_and_production_needs_no_mock(prod_raw: Raw) -> None:
    fake = prod_raw.fake
    fake.sca.require_for.add("POST /v2/internal_transfers")
    status, body = await _post(prod_raw, _transfer(fake))
    assert status == 428
    assert body["code"] == "sca_required"
    bearer = f"Bearer {fake.issue_token().access_token}"
    token = body["sca_session_token"]
    assert (await prod_raw("POST", f"/v2/mocked_sca_sessions/{token}/allow", authorization=bearer))[0] == 404
    assert fake.sca.last_token == token
    fake.sca.approve(token)
    status, _ = await _post(prod_raw, _transfer(fake), **{"X-Qonto-Sca-Session-Token": token})
    assert status == 201


async def test_api_key_cannot_use_sca_sessions(raw: Raw) -> None:
    assert (await raw("GET", "/v2/sca_sessions/x"))[0] == 403


@pytest.mark.parametrize("amount", ["1e999999", "1E-999999", "0.001", "1000000000", "sNaN", "-Infinity", "12.5"])
async def test_extreme_amounts_never_crash(raw: Raw, amount: str) -> None:
    status, _body = await _post(raw, _transfer(raw.fake, amount=amount), key=f"k-{amount}")
    assert status == (201 if amount == "12.5" else 422)


async def test_an_oversized_body_is_a_413(raw: Raw) -> None:
    status, headers, body = await raw(
        "POST", PATH, data=io.BytesIO(b"x" * (17 * 1024 * 1024)), headers={"X-Qonto-Idempotency-Key": "big"}
    )
    assert status == 413
    assert headers["X-Tyk-Trace-Id"].encode() in body
