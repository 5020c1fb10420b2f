"""Qonto's own examples for the SEPA transfer operations that the shared table (``_data.OPERATIONS``) cannot hold.

``_data.OPERATIONS`` takes bodies shaped ``{key: item, meta}``. The operations below answer otherwise: the created
bulk transfer comes unwrapped, Verification of Payee answers top-level fields (and its proof token has two documented
shapes), the cancels answer 204 and the proof download is a PDF. Each case is read from Qonto's Postman collection here, never copied.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qonto_async import APIError, ValidationError, _coverage
from qonto_async.models import (
    BulkPayeeVerification,
    BulkTransfer,
    PayeeVerification,
    VopMatchResult,
    VopProofToken,
)
from qonto_async.resources import sepa_transfers as sepa
from qonto_async.serde import decoder

from ._data import OPERATIONS, data_dir, fill_placeholders

_COLLECTION = "sepa-transfers"
# Every operation this group covers, except the beneficiaries (their own helper and tests).
_GROUP = {
    name
    for name in (mark.name for mark in _coverage.covered_methods().values())
    # SEPA direct debits (table B) share the prefix; test_payments_examples.py checks them.
    if name.split(" ", 1)[1].startswith("/v2/sepa/")
    and "/beneficiaries" not in name
    and "/direct_debit_" not in name
}


def _requests() -> dict[str, dict[str, Any]]:
    path = data_dir() / "postman-collections" / f"{_COLLECTION}.postman_collection.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for request in _coverage._requests(document["item"]):
        url = request["request"]["url"]
        name = f"{request['request']['method']} /" + "/".join(_coverage._segment(s) for s in url["path"])
        out[name] = request
    return out


REQUESTS = _requests()


def _responses(name: str, *, success: bool = True) -> list[dict[str, Any]]:
    found = [r for r in REQUESTS[name].get("response", []) if (200 <= r["code"] < 300) == success]
    assert found, f"{name} has no saved {'success' if success else 'error'} response"
    return found


def test_every_operation_of_the_group_is_checked_somewhere() -> None:
    shared = {op.name for op in OPERATIONS}
    here = set(_HERE)
    assert (shared & _GROUP) | here == _GROUP
    assert not shared & here
    assert len(_GROUP) == 15


# --- the created bulk transfer: unwrapped ---------------------------------------------------------------------------


def test_created_bulk_transfer_decodes_unwrapped() -> None:
    (response,) = _responses("POST /v2/sepa/bulk_transfers")
    body = fill_placeholders(json.loads(response["body"]), BulkTransfer)
    assert "bulk_transfer" not in body
    assert "results" in body
    strict = decoder(BulkTransfer, strict=True)(body)
    assert sepa._decode_bulk(body) == strict
    # The same decoder reads the wrapped form that GET answers.
    assert sepa._decode_bulk({"bulk_transfer": body}) == strict
    failed = [r for r in strict.results if r.failed]
    assert failed
    assert all(r.error_items for r in failed)
    assert all(item.code for r in strict.results for item in r.error_items)


# --- Verification of Payee ------------------------------------------------------------------------------------------


def test_verify_payee_example() -> None:
    (response,) = _responses("POST /v2/sepa/verify_payee")
    raw = json.loads(response["body"])
    assert isinstance(raw["proof_token"], str)  # the string shape
    body = fill_placeholders(sepa._with_proof(raw), PayeeVerification)
    strict = decoder(PayeeVerification, strict=True)(body)
    assert strict.match_result is VopMatchResult.CLOSE_MATCH
    assert isinstance(strict.proof_token, VopProofToken)
    assert sepa._decode_verification(body) == strict


def test_bulk_verify_payee_example_keeps_per_item_errors() -> None:
    (response,) = _responses("POST /v2/sepa/bulk_verify_payee")
    raw = json.loads(response["body"])
    body = fill_placeholders(sepa._bulk_verification_shape(raw), BulkPayeeVerification)
    strict = decoder(BulkPayeeVerification, strict=True)(body)
    assert sepa._decode_bulk_verification(body) == strict
    assert [item.error_code for item in strict.requests] == [r["error_code"] for r in raw["requests"]]
    # ERROR_UNSPECIFIED is the "no error" value; the gateway timeout is a real failure, surfaced in `failed`.
    assert [item.failed for item in strict.requests] == [False, True]
    assert strict.failed == (strict.requests[1],)
    assert all(item.response is not None and item.response.proof_token for item in strict.requests)
    assert isinstance(strict.proof_token, VopProofToken)


def test_skip_verify_payee_example() -> None:
    (response,) = _responses("POST /v2/sepa/skip_verify_payee")
    raw = json.loads(response["body"])
    assert set(raw) == {"proof_token"}
    assert sepa._decode_proof({"proof_token": "tok"}) == VopProofToken(token="tok")
    assert sepa._decode_proof({"proof_token": {"token": "tok"}}) == VopProofToken(token="tok")
    with pytest.raises(TypeError):
        sepa._decode_proof({})


@pytest.mark.parametrize("shape", ["tok-123", {"token": "tok-123"}], ids=["string", "object"])
def test_both_proof_token_shapes_decode_alike(shape: Any) -> None:
    verification = sepa._decode_verification({"match_result": "MATCH_RESULT_MATCH", "proof_token": shape})
    assert verification.proof_token == VopProofToken(token="tok-123")
    bulk = sepa._decode_bulk_verification(
        {"requests": [{"id": "a", "response": {"proof_token": shape}}], "proof_token": shape}
    )
    assert bulk.proof_token == VopProofToken(token="tok-123")
    assert bulk.requests[0].response is not None
    assert bulk.requests[0].response.proof_token == VopProofToken(token="tok-123")


_ERROR_CASES = [
    (name, response)
    for name in (
        "POST /v2/sepa/verify_payee",
        "POST /v2/sepa/bulk_verify_payee",
        "POST /v2/sepa/skip_verify_payee",
    )
    for response in _responses(name, success=False)
]


@pytest.mark.parametrize(("name", "response"), _ERROR_CASES, ids=[f"{n} [{r['code']}]" for n, r in _ERROR_CASES])
def test_error_examples_keep_their_proof_token(name: str, response: dict[str, Any]) -> None:
    body = json.loads(response["body"])
    error = ValidationError(status=response["code"], method="POST", url="https://x" + name.split()[1], body=body)
    metas = [item.get("meta", {}) for item in body["errors"]]
    documented = [m["proof_token"] for m in metas if "proof_token" in m]
    found = sepa.proof_token_from_error(error)
    if documented:
        # The object shape, {"token": "..."} (qonto-api.md §9).
        assert documented[0] == {"token": "<string>"}
        assert found == VopProofToken(token="<string>")
    else:
        assert found is None


def test_proof_token_from_error_ignores_other_bodies() -> None:
    for body in (None, "text", {"errors": {"message": "x"}}, {"errors": [{"meta": {"proof_token": ""}}]}):
        assert sepa.proof_token_from_error(APIError(status=400, method="POST", url="u", body=body)) is None
    flat = APIError(status=400, method="POST", url="u", body={"proof_token": "tok"})
    assert sepa.proof_token_from_error(flat) == VopProofToken(token="tok")


# --- 204 and binary answers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["POST /v2/sepa/transfers/{id}/cancel", "POST /v2/sepa/recurring_transfers/{id}/cancel"]
)
def test_cancels_answer_204(name: str) -> None:
    (response,) = _responses(name)
    # The client returns None: a 204 has no body, whatever the recurring example's saved text says.
    assert response["code"] == 204


def test_download_proof_is_a_pdf_file_not_a_link() -> None:
    (response,) = _responses("POST /v2/sepa/transfers/{id}/download_proof")
    content_type = {h["key"].lower(): h["value"] for h in response["header"]}["content-type"]
    assert content_type == "application/pdf"
    assert response["body"] == "<binary>"
    accept = {
        h["key"]: h["value"] for h in REQUESTS["POST /v2/sepa/transfers/{id}/download_proof"]["request"]["header"]
    }
    assert accept["Accept"] == "application/pdf"


_HERE = {
    "POST /v2/sepa/bulk_transfers",
    "POST /v2/sepa/verify_payee",
    "POST /v2/sepa/bulk_verify_payee",
    "POST /v2/sepa/skip_verify_payee",
    "POST /v2/sepa/transfers/{id}/cancel",
    "POST /v2/sepa/recurring_transfers/{id}/cancel",
    "POST /v2/sepa/transfers/{id}/download_proof",
}
