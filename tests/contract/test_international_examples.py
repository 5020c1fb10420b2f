"""Qonto's own examples for the international-transfer operations (and the membership invite) that the shared table
(``_data.OPERATIONS``) cannot hold, plus the docs.qonto.com examples whose shape differs from the Postman export.

``_data.OPERATIONS`` takes bodies shaped ``{key: item, meta}``. Here: the eligibility answers top-level fields,
creating or updating a beneficiary answers three keys, the delete answers no body, the requirements forms carry
integer lengths that the Postman export types ``<number>``, and the invite has no OpenAPI example. The Postman
cases are read from Qonto's collections, never copied.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import _coverage
from qonto_async.models import (
    InternationalBeneficiaryResult,
    InternationalEligibility,
    InternationalEligibilityReason,
    InternationalEligibilityStatus,
    InternationalQuote,
    InternationalQuoteStatus,
    InternationalRequirement,
    InternationalRequirementFieldType,
    InternationalTransfer,
    InternationalTransferStatus,
    Membership,
    MembershipRole,
    Money,
)
from qonto_async.resources import international
from qonto_async.resources.memberships import INVITE_ROLES
from qonto_async.serde import decoder, list_decoder
from tests._recorder import Recorder, Sent

from ._data import OPERATIONS, data_dir, fill_placeholders

_GROUP = {mark.name for mark in _coverage.covered_methods().values() if mark.path.startswith("/v2/international/")}
_INVITE = "POST /v2/memberships/invite_employee_or_accountant"


def _requests(collection: str) -> dict[str, dict[str, Any]]:
    path = data_dir() / "postman-collections" / f"{collection}.postman_collection.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for request in _coverage._requests(document["item"]):
        url = request["request"]["url"]
        name = f"{request['request']['method']} /" + "/".join(_coverage._segment(s) for s in url["path"])
        out[name] = request
    return out


REQUESTS = {**_requests("international-transfers"), **_requests("memberships")}


def _success(name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in REQUESTS[name].get("response", []) if 200 <= r["code"] < 300]
    (response,) = found
    return response


def _body(name: str) -> Any:
    return json.loads(_success(name)["body"])


_HERE = {
    "GET /v2/international/eligibility",
    "POST /v2/international/beneficiaries/requirements",
    "POST /v2/international/beneficiaries",
    "PUT /v2/international/beneficiaries/{id}",
    "DELETE /v2/international/beneficiaries/{id}",
    "POST /v2/international/transfers/requirements",
}


def test_every_operation_of_the_group_is_checked_somewhere() -> None:
    shared = {op.name for op in OPERATIONS}
    assert len(_GROUP) == 10
    assert (shared & _GROUP) | _HERE == _GROUP
    assert not shared & _HERE
    # And Qonto's collection has no international operation the client lacks.
    assert {name for name in REQUESTS if name.split(" ", 1)[1].startswith("/v2/international/")} == _GROUP


# --- eligibility: top-level fields, a string status -------------------------------------------------------------


def test_eligibility_decodes_unwrapped() -> None:
    body = _body("GET /v2/international/eligibility")
    strict = decoder(InternationalEligibility, strict=True)(body)
    assert strict == international._ELIGIBILITY(body)
    assert strict.eligible is InternationalEligibilityStatus.INELIGIBLE
    assert strict.reason is InternationalEligibilityReason.UNKNOWN


def test_eligibility_docs_example() -> None:
    # docs.qonto.com, check-eligibility: "eligible" is enum<string> eligible|ineligible.
    body = {"eligible": "eligible", "reason": "kyb_not_approved"}
    decoded = decoder(InternationalEligibility, strict=True)(body)
    assert decoded.eligible is InternationalEligibilityStatus.ELIGIBLE
    assert decoded.reason is InternationalEligibilityReason.KYB_NOT_APPROVED


# --- requirements forms -----------------------------------------------------------------------------------------


def _integer_lengths(value: Any) -> Any:
    """Postman types ``min_length``/``max_length`` as ``<number>``; the docs' examples send integers (``8``,
    ``20``), and a length is a count of characters, so the model reads ``int``: the placeholder is read as
    ``<integer>``."""
    if isinstance(value, dict):
        return {
            k: "<integer>" if k in ("min_length", "max_length") and v == "<number>" else _integer_lengths(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_integer_lengths(v) for v in value]
    return value


@pytest.mark.parametrize(
    "name", ["POST /v2/international/beneficiaries/requirements", "POST /v2/international/transfers/requirements"]
)
def test_requirements_decode_in_strict_mode(name: str) -> None:
    raw = _body(name)
    assert set(raw) == {"requirements"}
    items = fill_placeholders(_integer_lengths(raw["requirements"]), tuple[InternationalRequirement, ...])
    body = {"requirements": items}
    strict = list_decoder(InternationalRequirement, key="requirements", strict=True)(body)
    assert international._REQUIREMENTS(body) == strict
    assert len(strict) == 2
    fields = [field for requirement in strict for group in requirement.fields for field in group.group]
    assert len(fields) == 8
    # Every documented field type is a known member; each field carries its validation rules.
    assert {field.type for field in fields} <= set(InternationalRequirementFieldType)
    assert all(isinstance(field.min_length, int) and isinstance(field.max_length, int) for field in fields)
    assert all(field.refresh_requirements_on_change is True for field in fields)
    if name.startswith("POST /v2/international/beneficiaries"):
        assert all(len(field.values_allowed) == 2 for field in fields)
    else:
        # The transfer form's example has no values_allowed.
        assert all(field.values_allowed == () for field in fields)


def test_requirements_docs_example() -> None:
    # docs.qonto.com, list-transfer-requirements (the beneficiary page shows the same item under type "swift").
    body = {
        "requirements": [
            {
                "type": "transfer",
                "fields": [
                    {
                        "name": "Transfer purpose",
                        "group": [
                            {
                                "key": "transferPurpose",
                                "name": "Transfer purpose",
                                "type": "text",
                                "refresh_requirements_on_change": False,
                                "required": True,
                                "display_format": "<string>",
                                "example": "123456789",
                                "min_length": 8,
                                "max_length": 20,
                                "validation_regexp": "^[0-9]{8,20}$",
                                "values_allowed": [{"key": "USD", "value": "US Dollar"}],
                            }
                        ],
                    }
                ],
            }
        ]
    }
    (requirement,) = list_decoder(InternationalRequirement, key="requirements", strict=True)(body)
    ((field,),) = [group.group for group in requirement.fields]
    assert field.type is InternationalRequirementFieldType.TEXT
    assert (field.min_length, field.max_length) == (8, 20)
    assert field.validation_regexp == "^[0-9]{8,20}$"
    assert field.values_allowed[0].key == "USD"
    # "Everything is already configured": no requirement at all.
    assert international._REQUIREMENTS({"requirements": []}) == ()


def test_an_unknown_field_type_is_kept() -> None:
    body = {
        "requirements": [{"type": "iban", "fields": [{"name": "x", "group": [{"key": "k", "type": "email"}]}]}]
    }
    (requirement,) = international._REQUIREMENTS(body)
    assert requirement.fields[0].group[0].type == "email"


# --- beneficiary create / update: three top-level keys ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["POST /v2/international/beneficiaries", "PUT /v2/international/beneficiaries/{id}"]
)
def test_beneficiary_result_decodes_in_strict_mode(name: str) -> None:
    raw = _body(name)
    assert set(raw) == {"beneficiary", "quote", "target_account_id"}
    body = fill_placeholders(raw, InternationalBeneficiaryResult)
    strict = decoder(InternationalBeneficiaryResult, strict=True)(body)
    assert international._BENEFICIARY_RESULT(body) == strict
    assert strict.quote is not None
    assert strict.quote.status is InternationalQuoteStatus.PENDING
    assert isinstance(strict.quote.rate, Decimal)
    assert strict.quote.fees is not None
    assert len(strict.quote.fees.details) == 2
    assert strict.target_account_id


def test_delete_answers_no_body() -> None:
    response = _success("DELETE /v2/international/beneficiaries/{id}")
    assert response["code"] == 200
    assert not response.get("body")


# --- docs.qonto.com shapes the Postman export lacks -------------------------------------------------------------


def test_quote_docs_examples_in_both_fee_shapes() -> None:
    quote = {
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "status": "PENDING",
        "created_at": "2025-01-01T08:00:00.000Z",
        "expired_at": "2025-01-01T08:00:00.000Z",
        "source_amount": {"currency": "EUR", "value": "100.00"},
        "target_amount": {"currency": "USD", "value": "110.00"},
        "rate": 1.1,
    }
    # docs.qonto.com create-international-quote, current version.
    detailed = {
        **quote,
        "fees": {
            "total_amount": {"currency": "EUR", "value": "10.10"},
            "details": [{"currency": "EUR", "value": "10.10"}],
        },
    }
    # An earlier version of the same page: fees as a bare money object.
    flat = {**quote, "fees": {"currency": "EUR", "value": "10.10"}}
    fee = Money(value=Decimal("10.10"), currency="EUR")
    for body in (detailed, flat):
        decoded = decoder(InternationalQuote, key="quote", strict=True)({"quote": body})
        assert decoded.rate == Decimal("1.1")
        assert isinstance(decoded.rate, Decimal)
        assert decoded.fees is not None
        assert decoded.fees.total == fee
        assert decoded.target_amount == Money(value=Decimal("110.00"), currency="USD")
    empty = decoder(InternationalQuote, key="quote")({"quote": {"id": "q", "fees": {}}})
    assert empty.fees is not None
    assert empty.fees.total is None


def test_transfer_docs_example_with_the_other_status_spelling() -> None:
    # docs.qonto.com create-international-transfer (one version says "PROCESSING", another this).
    body = {
        "transfer": {
            "id": "0d6273cf-e4d0-469a-a3c8-d2196143470c",
            "beneficiary_id": "0196edb0-9b6e-7554-9864-d111285a0a44",
            "bank_account_id": "0196edb0-9b6e-7554-9864-d111285a0a42",
            "source_amount": {"currency": "EUR", "value": "100.00"},
            "target_amount": {"currency": "USD", "value": "110.00"},
            "status": "TRANSACTION_STATUS_PROCESSING",
        }
    }
    decoded = decoder(InternationalTransfer, key="transfer", strict=True)(body)
    assert decoded.status == "TRANSACTION_STATUS_PROCESSING"
    assert international._TRANSFER({"transfer": {**body["transfer"], "status": "PROCESSING"}}).status is (
        InternationalTransferStatus.PROCESSING
    )


# --- the membership invite --------------------------------------------------------------------------------------


def test_invite_example_decodes_in_strict_mode() -> None:
    raw = _body(_INVITE)
    assert set(raw) == {"membership"}
    body = {"membership": fill_placeholders(raw["membership"], Membership)}
    strict = decoder(Membership, key="membership", strict=True)(body)
    assert strict.role is MembershipRole.EMPLOYEE
    assert strict.team_id


def test_invite_request_body_roles_are_the_documented_ones() -> None:
    body = json.loads(REQUESTS[_INVITE]["request"]["body"]["raw"])
    assert set(body["membership"]) == {"email", "first_name", "last_name", "role", "team_id"}
    assert body["membership"]["role"] in INVITE_ROLES


# --- request bodies: the names Qonto's collection sends ---------------------------------------------------------


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Dotted key paths of a JSON body; ``details`` is the requirements' free-form answers, so it stops there."""
    out: set[str] = set()
    for key, item in value.items():
        out.add(prefix + key)
        if isinstance(item, dict) and key != "details":
            out |= _keys(item, f"{prefix}{key}.")
    return out


_FULL_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "POST /v2/international/quotes": (
        "create_quote",
        {"source_currency": "EUR", "target_currency": "USD", "target_amount": "110.00"},
    ),
    "POST /v2/international/beneficiaries/requirements": (
        "beneficiary_requirements",
        {"quote_id": "q", "currency": "USD", "beneficiary_id": "b", "type": "swift_code", "details": {"a.b": "c"}},
    ),
    "POST /v2/international/beneficiaries": (
        "create_beneficiary",
        {"quote_id": "q", "currency": "USD", "type": "swift_code", "details": {"a": "b"}},
    ),
    "PUT /v2/international/beneficiaries/{id}": (
        "update_beneficiary",
        {"id": "b", "quote_id": "q", "currency": "USD", "type": "swift_code", "details": {"a": "b"}},
    ),
    "POST /v2/international/transfers/requirements": (
        "transfer_requirements",
        {"quote_id": "q", "target_account_id": "1", "details": {"reference": "r"}},
    ),
    "POST /v2/international/transfers": (
        "create_transfer",
        {
            "beneficiary_id": "b",
            "quote_id": "q",
            "target_account_id": "1",
            "bank_account_id": "a",
            "details": {"reference": "r"},
            "source_amount": Money(value=Decimal("100.00"), currency="EUR"),
            "target_amount": Money(value=Decimal("110.00"), currency="USD"),
            "attachment_ids": ["x"],
        },
    ),
}


@pytest.mark.parametrize("name", sorted(_FULL_CALLS))
async def test_request_body_names_are_qontos(name: str) -> None:
    attribute, kwargs = _FULL_CALLS[name]
    recorder = Recorder()
    resource = international.InternationalResource(recorder)  # type: ignore[arg-type]
    with pytest.raises(Sent):
        await getattr(resource, attribute)(**kwargs)
    (request,) = recorder.sent
    documented = _keys(json.loads(REQUESTS[name]["request"]["body"]["raw"]))
    sent = _keys(request.json)
    assert sent <= documented, f"{attribute} sends {sent - documented}, not in Qonto's collection"
    if name != "POST /v2/international/quotes":
        # Every documented name can be sent (a quote takes one amount of the two).
        assert sent == documented
    language = REQUESTS[name]["request"].get("header", [])
    if any(h["key"] == "Accept-Language" for h in language):
        recorder.sent.clear()
        with pytest.raises(Sent):
            await getattr(resource, attribute)(**kwargs, accept_language="de")
        assert recorder.sent[0].headers == {"Accept-Language": "de"}
