"""FakeQonto over raw HTTP: gate, trace ids, credential mistakes, scopes, pagination, filters, journal."""

from __future__ import annotations

import base64
import re

import pytest

from qonto_async import get_environment
from qonto_async.errors import ConfigurationError
from qonto_async.testing import FakeQonto, Quirks

from .conftest import Raw

HEX32 = re.compile(r"^[0-9a-f]{32}$")


async def test_start_registers_a_loopback_environment_and_stop_removes_it() -> None:
    fake = FakeQonto()
    await fake.start()
    env = fake.environment
    assert env.api_url.startswith("http://127.0.0.1:")
    assert env.token_url == env.api_url + "/oauth/oauth2/token"
    assert env.requires_staging_token is True
    assert get_environment(env.name) is env
    await fake.stop()
    with pytest.raises(ConfigurationError):
        get_environment(env.name)
    with pytest.raises(RuntimeError):
        _ = fake.environment
    await fake.stop()  # idempotent


async def test_production_like_mode_has_no_staging_token(prod_fake: FakeQonto) -> None:
    assert prod_fake.staging_token is None
    assert prod_fake.environment.requires_staging_token is False


async def test_every_response_carries_a_trace_id_equal_to_the_error_body(raw: Raw) -> None:
    status, headers, _ = await raw("GET", "/v2/organization")
    assert status == 200
    assert HEX32.match(headers["X-Tyk-Trace-Id"])
    status, headers, body = await raw("GET", "/v2/organization", authorization="nope")
    assert status == 401
    assert raw.fake.last().trace_id == headers["X-Tyk-Trace-Id"]  # type: ignore[union-attr]
    assert f'"trace_id":"{headers["X-Tyk-Trace-Id"]}"'.encode() in body
    status, headers, _ = await raw("GET", "/v2/organization", staging=False)
    assert status == 302
    assert HEX32.match(headers["X-Tyk-Trace-Id"])


@pytest.mark.parametrize("path", ["/v2/organization", "/oauth/oauth2/token", "/v2/nowhere"])
async def test_sandbox_gate_redirects_without_or_with_a_wrong_staging_token(raw: Raw, path: str) -> None:
    status, headers, _ = await raw("GET", path, staging=False)
    assert status == 302
    assert headers["Location"] == "https://qonto.onelogin.com/login"
    status, headers, _ = await raw("GET", path, staging=False, headers={"X-Qonto-Staging-Token": "wrong"})
    assert status == 302


async def test_sandbox_gate_can_answer_an_html_page(http: object) -> None:
    async with FakeQonto(html_gate=True) as fake:
        r = Raw(fake, http)  # type: ignore[arg-type]
        status, headers, body = await r("POST", "/oauth/oauth2/token", staging=False)
        assert status == 200
        assert headers["Content-Type"].startswith("text/html")
        assert b"<html" in body


async def test_production_like_mode_refuses_a_staging_token(prod_raw: Raw) -> None:
    status, body = await prod_raw.json("GET", "/v2/organization", headers={"X-Qonto-Staging-Token": "x"})
    assert status == 400
    assert body["errors"][0]["code"] == "staging_token_not_allowed"
    assert (await prod_raw("GET", "/v2/organization"))[0] == 200


async def test_each_credential_mistake_gets_its_own_401(raw: Raw) -> None:
    login, secret = raw.fake.login, raw.fake.secret_key
    pair = f"{login}:{secret}"
    mistakes = {
        "missing": None,
        "no colon": login + secret,
        "bearer prefix": f"Bearer {pair}",
        "basic prefix": "Basic " + base64.b64encode(pair.encode()).decode(),
        "whitespace": f"{login}: {secret}",
        "base64": base64.b64encode(pair.encode()).decode(),
        "swapped": f"{secret}:{login}",
        "wrong secret": f"{login}:{'0' * 32}",
        "unknown login": f"someone-else-1:{secret}",
        "unknown bearer": "Bearer ory_at_nothing",
    }
    details = {}
    for name, value in mistakes.items():
        status, body = await raw.json("GET", "/v2/organization", authorization=value)
        assert status == 401, name
        assert body["errors"][0]["code"] == "unauthorized"
        assert HEX32.match(body["trace_id"])
        details[name] = body["errors"][0]["detail"]
    assert len(set(details.values())) == len(mistakes), details
    assert (await raw("GET", "/v2/organization"))[0] == 200


async def test_bearer_tokens_expire_on_the_fake_clock_and_scopes_are_enforced(raw: Raw) -> None:
    token = raw.fake.issue_token(scopes=["organization.read"], expires_in=60)
    assert token.refresh_token is None  # no offline_access
    assert (await raw("GET", "/v2/bank_accounts", authorization=f"Bearer {token.access_token}"))[0] == 200
    raw.fake.advance(61)
    status, body = await raw.json("GET", "/v2/bank_accounts", authorization=f"Bearer {token.access_token}")
    assert status == 401
    assert "expired" in body["errors"][0]["detail"]
    narrow = raw.fake.issue_token(scopes=["membership.read"])
    status, body = await raw.json("GET", "/v2/organization", authorization=f"Bearer {narrow.access_token}")
    assert status == 403
    assert "organization.read" in body["errors"][0]["detail"]


async def test_the_api_key_cannot_reach_oauth_only_endpoints(raw: Raw) -> None:
    status, body = await raw.json("DELETE", "/v2/oauth2/consents")
    assert status == 403
    assert body["errors"][0]["code"] == "forbidden"


async def test_revoking_consents_kills_the_tokens(raw: Raw) -> None:
    token = raw.fake.issue_token()
    bearer = f"Bearer {token.access_token}"
    assert (await raw("DELETE", "/v2/oauth2/consents", authorization=bearer))[0] == 204
    status, body = await raw.json("GET", "/v2/organization", authorization=bearer)
    assert status == 401
    assert "revoked" in body["errors"][0]["detail"]


async def test_organization_and_accounts_in_qonto_shapes(raw: Raw) -> None:
    status, body = await raw.json("GET", "/v2/organization")
    org = body["organization"]
    assert status == 200
    assert org["slug"] == raw.fake.login
    assert len(org["bank_accounts"]) == 3
    _, with_external = await raw.json("GET", "/v2/organization", params={"include_external_accounts": "true"})
    assert with_external["organization"]["bank_accounts"][-1]["is_external_account"] is True
    assert (await raw("GET", "/v2/organization", params={"include_external_accounts": "maybe"}))[0] == 400
    account = org["bank_accounts"][1]
    status, one = await raw.json("GET", f"/v2/bank_accounts/{account['id']}")
    assert status == 200
    assert one == {"bank_account": account}
    assert (await raw("GET", "/v2/bank_accounts/unknown"))[0] == 404
    status, page = await raw.json("GET", "/v2/bank_accounts", params={"per_page": "2"})
    assert [a["id"] for a in page["bank_accounts"]] == [a["id"] for a in org["bank_accounts"][:2]]
    assert page["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 2,
        "total_count": 3,
        "per_page": 2,
    }


async def test_labels_memberships_attachments(raw: Raw) -> None:
    _, labels = await raw.json("GET", "/v2/labels")
    assert labels["meta"]["total_count"] == len(labels["labels"]) == 6
    child = next(label for label in labels["labels"] if label["parent_id"])
    assert (await raw.json("GET", f"/v2/labels/{child['id']}"))[1] == {"label": child}
    _, members = await raw.json("GET", "/v2/memberships", params={"per_page": "2", "page": "3"})
    assert len(members["memberships"]) == 1
    assert members["meta"]["next_page"] is None
    tx = raw.fake.data.transaction(0, 0)
    status, att = await raw.json("GET", f"/v2/attachments/{tx['attachment_ids'][0]}")
    assert status == 200
    assert att["attachment"]["id"] == tx["attachment_ids"][0]
    assert (await raw("GET", "/v2/attachments/" + raw.fake.data.attachment_id(0, 1)))[0] == 404


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"per_page": "0"}, 422, "per_page"),
        ({"per_page": "101"}, 422, "per_page"),
        ({"per_page": "ten"}, 422, "per_page"),
        ({"page": "0"}, 400, "page"),
        ({"page": "two"}, 400, "page"),
        ({"page": "-1"}, 400, "page"),
    ],
)
async def test_paging_parameters_are_checked_like_qonto(
    raw: Raw, params: dict[str, str], status: int, parameter: str
) -> None:
    got, body = await raw.json("GET", "/v2/labels", params=params)
    assert got == status
    assert body["errors"][0]["source"] == {"parameter": parameter}


async def test_last_page_quirks() -> None:
    for quirks, expected in (
        (Quirks(), None),
        (Quirks(next_page_zero_on_last_page=True), 0),
        (Quirks(omit_next_page_on_last_page=True), "missing"),
    ):
        async with FakeQonto(sandbox=False, quirks=quirks) as fake:
            import aiohttp

            async with aiohttp.ClientSession() as http:
                _, body = await Raw(fake, http).json("GET", "/v2/labels")
        assert body["meta"].get("next_page", "missing") == expected


async def test_transactions_default_to_completed_and_page_lazily(http: object) -> None:
    async with FakeQonto(transactions_per_account=100_000) as fake:
        r = Raw(fake, http)  # type: ignore[arg-type]
        account = fake.data.bank_accounts[0]["id"]
        _, body = await r.json("GET", "/v2/transactions", params={"bank_account_id": account, "page": "900"})
        assert {t["status"] for t in body["transactions"]} == {"completed"}
        assert body["meta"]["total_count"] == 90_000
        assert body["meta"]["next_page"] is None
        params = [
            ("bank_account_id", account),
            ("status[]", "pending"),
            ("status[]", "declined"),
            ("per_page", "7"),
        ]
        _, body = await r.json("GET", "/v2/transactions", params=params)
        assert body["meta"]["total_count"] == 10_000
        assert {t["status"] for t in body["transactions"]} == {"pending", "declined"}
        # Descending by default; ascending reverses.
        dates = [t["emitted_at"] for t in body["transactions"]]
        assert dates == sorted(dates, reverse=True)
        _, asc = await r.json("GET", "/v2/transactions", params=[*params, ("sort_by", "emitted_at:asc")])
        asc_dates = [t["emitted_at"] for t in asc["transactions"]]
        assert asc_dates == sorted(asc_dates)
        assert asc_dates[0] < dates[-1]


async def test_transaction_filters(raw: Raw) -> None:
    account = raw.fake.data.bank_accounts[0]
    base = [("iban", account["iban"]), ("status[]", "completed"), ("status[]", "pending")]
    _, credits = await raw.json("GET", "/v2/transactions", params=[*base, ("side", "credit")])
    assert credits["transactions"]
    assert {t["side"] for t in credits["transactions"]} == {"credit"}
    _, attached = await raw.json("GET", "/v2/transactions", params=[*base, ("with_attachments", "true")])
    assert all(t["attachment_ids"] for t in attached["transactions"])
    _, cards = await raw.json("GET", "/v2/transactions", params=[*base, ("operation_type[]", "card")])
    assert {t["operation_type"] for t in cards["transactions"]} == {"card"}
    _, everything = await raw.json("GET", "/v2/transactions", params=base)
    middle = everything["transactions"][10]["settled_at"] or everything["transactions"][11]["settled_at"]
    _, settled = await raw.json("GET", "/v2/transactions", params=[*base, ("settled_at_to", middle)])
    assert settled["transactions"]
    assert all(t["status"] == "completed" and t["settled_at"] <= middle for t in settled["transactions"])
    _, updated = await raw.json("GET", "/v2/transactions", params=[*base, ("updated_at_from", middle)])
    assert all(t["updated_at"] >= middle for t in updated["transactions"])
    assert updated["meta"]["total_count"] < everything["meta"]["total_count"]
    _, inc = await raw.json(
        "GET", "/v2/transactions", params=[*base, ("includes[]", "labels"), ("includes[]", "vat_details")]
    )
    assert all("labels" in t and "vat_details" in t and "attachments" not in t for t in inc["transactions"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ([("status[]", "done")], "status_invalid"),
        ([("settled_at_from", "yesterday")], "date_invalid"),
        ([("updated_at_to", "2026-01-01")], "date_invalid"),
        ([("sort_by", "amount:desc")], "sort_invalid"),
        ([("side", "left")], "side_invalid"),
        ([("includes[]", "everything")], "includes_invalid"),
        ([("with_attachments", "yes")], "with_attachments_invalid"),
    ],
)
async def test_bad_transaction_filters_get_qonto_400s(raw: Raw, params: list[tuple[str, str]], code: str) -> None:
    account = raw.fake.data.bank_accounts[0]["id"]
    status, body = await raw.json("GET", "/v2/transactions", params=[("bank_account_id", account), *params])
    assert status == 400
    item = body["errors"][0]
    assert item["code"] == code
    assert item["message"]


async def test_transactions_need_a_known_account(raw: Raw) -> None:
    assert (await raw("GET", "/v2/transactions"))[0] == 422
    assert (await raw("GET", "/v2/transactions", params={"bank_account_id": "nope"}))[0] == 404


async def test_one_transaction_and_its_404(raw: Raw) -> None:
    tx_id = raw.fake.data.transaction_id(1, 5)
    status, body = await raw.json("GET", f"/v2/transactions/{tx_id}", params=[("includes[]", "attachments")])
    assert status == 200
    assert body["transaction"]["id"] == tx_id
    assert body["transaction"]["attachments"]
    status, headers, payload = await raw("GET", "/v2/transactions/does-not-exist")
    assert status == 404
    assert payload == b""
    assert HEX32.match(headers["X-Tyk-Trace-Id"])


async def test_unknown_routes_are_json_404s(raw: Raw) -> None:
    status, body = await raw.json("GET", "/v2/organizations")
    assert status == 404
    assert body["errors"][0]["code"] == "not_found"
    assert (await raw("POST", "/v2/organization"))[0] == 404


async def test_journal_records_and_counts(raw: Raw) -> None:
    await raw("GET", "/v2/labels", params=[("page", "1"), ("per_page", "2")])
    await raw("GET", "/v2/labels")
    await raw("POST", "/v2/internal_transfers", data=b"{}", headers={"Content-Type": "application/json"})
    fake = raw.fake
    assert fake.count() == 3
    assert fake.count("GET", "/v2/labels") == 2
    assert fake.count("get") == 2
    first = fake.requests("GET", "/v2/labels")[0]
    assert first.query == [("page", "1"), ("per_page", "2")]
    assert first.status == 200
    assert first.headers["Authorization"] == raw.key()
    last = fake.last("POST")
    assert last is not None
    assert last.body == b"{}"
    assert last.json() == {}
    assert last.status == 422
    assert fake.last("DELETE") is None
    fake.reset_journal()
    assert fake.count() == 0


async def test_rate_limit_per_window_on_the_fake_clock(http: object) -> None:
    frozen = FakeQonto(rate_limit=3, rate_window=10, sandbox=False)
    async with frozen as fake:
        r = Raw(fake, http)  # type: ignore[arg-type]
        assert [(await r("GET", "/v2/labels"))[0] for _ in range(4)] == [200, 200, 200, 429]
        status, headers, body = await r("GET", "/v2/labels")
        assert status == 429
        assert 1 <= int(headers["Retry-After"]) <= 10
        assert b"too_many_requests" in body
        fake.advance(10)
        assert (await r("GET", "/v2/labels"))[0] == 200
    async with FakeQonto(rate_limit=1, sandbox=False, rate_limit_retry_after=False) as fake:
        r = Raw(fake, http)  # type: ignore[arg-type]
        await r("GET", "/v2/labels")
        status, headers, _ = await r("GET", "/v2/labels")
        assert status == 429
        assert "Retry-After" not in headers


async def test_rate_limit_by_credential(http: object) -> None:
    async with FakeQonto(rate_limit=1, sandbox=False, rate_limit_by="credential") as fake:
        r = Raw(fake, http)  # type: ignore[arg-type]
        assert (await r("GET", "/v2/labels"))[0] == 200
        assert (await r("GET", "/v2/labels"))[0] == 429
        token = fake.issue_token()
        assert (await r("GET", "/v2/labels", authorization=f"Bearer {token.access_token}"))[0] == 200


async def test_handler_bugs_become_recorded_500s(raw: Raw, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(raw.fake.data, "organization", boom)
    monkeypatch.setattr(raw.fake, "_org_bodies", {})
    status, body = await raw.json("GET", "/v2/organization")
    assert status == 500
    assert body["trace_id"]
    assert len(raw.fake.internal_errors) == 1
    raw.fake.internal_errors.clear()  # the fixture asserts there are none left


def test_public_api_of_qonto_async_testing_is_pinned() -> None:
    import qonto_async.testing

    assert qonto_async.testing.__all__ == [
        "FakeQonto",
        "Fault",
        "FaultPlan",
        "JournalEntry",
        "Quirks",
        "ScaSettings",
        "WebhookDelivery",
        "broadcast_webhook",
        "deliver_webhook",
        "fake_in_thread",
    ]
    assert sorted(qonto_async.testing.__all__) == qonto_async.testing.__all__
