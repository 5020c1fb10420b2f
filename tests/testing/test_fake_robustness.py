"""Malformed requests get Qonto-like 4xx answers, never a 500 from the fake itself (issue #3, "Bad input")."""

from __future__ import annotations

import random

from .conftest import Raw

PATHS = [
    "/v2/organization",
    "/v2/bank_accounts",
    "/v2/bank_accounts/{id}",
    "/v2/transactions",
    "/v2/transactions/{id}",
    "/v2/labels",
    "/v2/labels/{id}",
    "/v2/memberships",
    "/v2/attachments/{id}",
    "/v2/internal_transfers",
    "/v2/sca_sessions/{id}",
    "/v2/mocked_sca_sessions/{id}/allow",
    "/v2/oauth2/consents",
    "/oauth/oauth2/token",
    "/oauth/oauth2/auth",
]
NAMES = [
    "page",
    "per_page",
    "bank_account_id",
    "iban",
    "status[]",
    "side",
    "sort_by",
    "includes[]",
    "with_attachments",
    "operation_type[]",
    "settled_at_from",
    "settled_at_to",
    "updated_at_from",
    "emitted_at_to",
    "include_external_accounts",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "response_type",
]
VALUES = [
    "",
    "0",
    "-1",
    "1",
    "100",
    "101",
    "99999999999999999999",
    "1e3",
    "true",
    "null",
    "completed",
    "settled_at:asc",
    ":",
    "2026-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999+14:00",
    "0001-01-01T00:00:00-12:00",
    "2026-13-45T99:99:99Z",
    "é\u0000\U0001f600",
    "%ZZ",
    "x" * 2000,
    "http://127.0.0.1/cb",
    "labels",
]
BODIES = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'{"internal_transfer": []}',
    b"grant_type=refresh_token&refresh_token=",
    b"\xff",
]


async def test_random_malformed_requests_never_make_the_fake_fail(raw: Raw) -> None:
    rng = random.Random(1234)
    fake = raw.fake
    account = fake.data.bank_accounts[0]["id"]
    ids = [account, fake.data.transaction_id(0, 1), "x", "%2F..%2F", "0" * 300, "ünï"]
    auths = ["key", None, "Bearer", "Bearer ", ":", "a:b:c", f"Bearer {fake.issue_token().access_token}"]
    for _ in range(400):
        path = rng.choice(PATHS).replace("{id}", rng.choice(ids))
        params = [(rng.choice(NAMES), rng.choice(VALUES)) for _ in range(rng.randint(0, 5))]
        method = rng.choice(["GET", "GET", "POST", "DELETE", "PUT"])
        headers = {
            "Content-Type": rng.choice(["application/json", "application/x-www-form-urlencoded", "text/plain"])
        }
        if rng.random() < 0.5:
            headers["X-Qonto-Idempotency-Key"] = rng.choice(["k", "", "x" * 500])
        status, response_headers, _ = await raw(
            method, path, params=params, data=rng.choice(BODIES), headers=headers, authorization=rng.choice(auths)
        )
        assert status < 500, (method, path, params)
        assert len(response_headers["X-Tyk-Trace-Id"]) == 32
    assert fake.internal_errors == []
