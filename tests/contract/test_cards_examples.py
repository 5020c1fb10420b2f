"""Qonto's examples for cards, teams, Embed auth links, encoded requests and insurance contracts decode in strict
mode (DESIGN §9). The bodies are read from Qonto's Postman collections (see ``_data.py``), never copied here; the
January 2025 OpenAPI document has no response examples for these groups, so its schemas are checked instead: every
property it documents is a field of the model."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
import yaml

from qonto_async import _coverage
from qonto_async.models import (
    Card,
    CardBulkCreation,
    CardDataView,
    CardSummary,
    EmbedAuthLink,
    EncodedResponse,
    InsuranceContract,
    InsuranceDocument,
    Money,
    PageMeta,
    Team,
)
from qonto_async.pagination import page_decoder
from qonto_async.resources.cards import _decode_data_view, usable_url
from qonto_async.serde import decoder, list_decoder

from ._data import _postman_path, _postman_requests, data_dir, fill_placeholders

_COLLECTIONS = ("cards", "teams", "embed-auth-links", "encoded-requests", "insurance-contracts")

# (method, path) -> (key wrapping the item, or None for an unwrapped body; model; is it a page?)
_SHAPES: dict[tuple[str, str], tuple[str | None, type[Any], bool]] = {
    ("GET", "/v2/cards"): ("cards", Card, True),
    ("POST", "/v2/cards"): ("card", Card, False),
    ("POST", "/v2/cards/bulk"): (None, CardBulkCreation, False),
    ("GET", "/v2/cards/{id}/data_view"): (None, CardDataView, False),
    **{
        ("PUT", f"/v2/cards/{{id}}/{action}"): ("card", Card, False)
        for action in ("lost", "stolen", "discard", "lock", "unlock")
    },
    **{
        ("PATCH", f"/v2/cards/{{id}}/{action}"): ("card", Card, False)
        for action in ("limits", "restrictions", "options", "nickname")
    },
    ("GET", "/v2/teams"): ("teams", Team, True),
    ("POST", "/v2/teams"): ("team", Team, False),
    ("POST", "/v1/embed_auth_links"): ("embed_auth_link", EmbedAuthLink, False),
    ("POST", "/v1/encoded_requests/dispatch"): (None, EncodedResponse, False),
    ("POST", "/v2/insurance_contracts"): ("insurance_contract", InsuranceContract, False),
    ("GET", "/v2/insurance_contracts/{id}"): ("insurance_contract", InsuranceContract, False),
    ("PATCH", "/v2/insurance_contracts/{id}"): ("insurance_contract", InsuranceContract, False),
    ("POST", "/v2/insurance_contracts/{id}/attachments"): (None, InsuranceDocument, False),
}
_BODILESS = {("DELETE", "/v2/insurance_contracts/{id}/attachments/{attachment_id}")}


def _examples() -> list[tuple[str, tuple[str, str], int, Any]]:
    out = []
    for collection in _COLLECTIONS:
        path = data_dir() / "postman-collections" / f"{collection}.postman_collection.json"
        for request in _postman_requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
            operation = (request["request"]["method"], _postman_path(request["request"]["url"]))
            for response in request.get("response", []):
                if 200 <= response["code"] < 300:
                    body = json.loads(response["body"]) if response["body"] else None
                    out.append((f"{request['name']} [{response['code']}]", operation, response["code"], body))
    return out


EXAMPLES = _examples()


def test_every_operation_of_the_groups_is_checked() -> None:
    documented = {
        tuple(op.name.split(" ", 1))
        for op in _coverage.documented_operations()
        if op.group in {"Cards", "Teams", "Embed Auth Links", "Encoded Requests", "Insurance Contracts"}
    }
    assert documented == set(_SHAPES) | _BODILESS
    assert {operation for _, operation, _, _ in EXAMPLES} == set(_SHAPES) | _BODILESS


@pytest.mark.parametrize(
    ("name", "operation", "status", "body"),
    [e for e in EXAMPLES if e[1] in _SHAPES],
    ids=[e[0] for e in EXAMPLES if e[1] in _SHAPES],
)
def test_postman_example_decodes_in_strict_mode(
    name: str, operation: tuple[str, str], status: int, body: Any
) -> None:
    key, model, is_page = _SHAPES[operation]
    if is_page:
        assert set(body) == {key, "meta"}
        filled = {
            key: fill_placeholders(body[key], tuple[model, ...]),
            "meta": fill_placeholders(body["meta"], PageMeta),
        }
        strict = list_decoder(model, key=key, strict=True)(filled)
        assert len(strict) == len(body[key])
        assert all(isinstance(item, model) for item in strict)
        assert isinstance(decoder(PageMeta, key="meta", strict=True)(filled), PageMeta)
        assert page_decoder(model, key=key)(filled).items == strict
        return
    if key is None:
        filled = fill_placeholders(body, model)
        strict = decoder(model, strict=True)(filled)
        assert decoder(model)(filled) == strict
    else:
        assert set(body) == {key}
        filled = {key: fill_placeholders(body[key], model)}
        strict = decoder(model, key=key, strict=True)(filled)
        assert decoder(model, key=key)(filled) == strict
    assert isinstance(strict, model)


def test_card_example_keeps_money_as_decimal_and_days_as_ints() -> None:
    ((_, _, _, body),) = [e for e in EXAMPLES if e[1] == ("POST", "/v2/cards")]
    card = decoder(Card, key="card", strict=True)({"card": fill_placeholders(body["card"], Card)})
    # Qonto's example writes payment_lifespan_limit as the number 100 (euros).
    assert str(card.payment_lifespan_limit) == "100"
    assert all(isinstance(day, int) for day in card.active_days)
    assert card.parent_card_summary is not None


def test_bulk_example_keeps_request_order_and_reports_no_failure() -> None:
    ((_, _, _, body),) = [e for e in EXAMPLES if e[1] == ("POST", "/v2/cards/bulk")]
    result = decoder(CardBulkCreation, strict=True)(fill_placeholders(body, CardBulkCreation))
    levels = [entry["card"]["card_level"] for entry in body["cards"]]
    assert [card.card_level for card in result.created] == levels
    assert result.failures == ()


def test_bulk_result_surfaces_a_refused_card() -> None:
    # FakeQonto's shape for a refused item (Qonto documents only the success shape): never swallowed.
    body = {
        "cards": [
            {"card": {"id": "c1", "card_level": "virtual"}},
            {
                "errors": [
                    {"code": "invalid", "detail": "holder not found", "source": {"pointer": "/cards/1/card"}}
                ]
            },
        ]
    }
    result = decoder(CardBulkCreation, strict=True)(body)
    assert [c.id for c in result.created] == ["c1"]
    ((index, failed),) = result.failures
    assert index == 1
    assert failed.errors[0].detail == "holder not found"
    assert failed.errors[0].source is not None
    assert failed.errors[0].source.pointer == "/cards/1/card"


@pytest.mark.parametrize(
    ("sent", "usable"),
    [
        # The six characters \u0026 (doubly escaped in the JSON text).
        ("https://v.example/c?a=1\\u0026b=2\\u003cx\\u003e", "https://v.example/c?a=1&b=2<x>"),
        ("https://v.example/c?a=1\\u003C\\u003E", "https://v.example/c?a=1<>"),
        # HTML entities, the other spelling of the same escaping.
        ("https://v.example/c?a=1&amp;b=2&lt;x&gt;", "https://v.example/c?a=1&b=2<x>"),
        # Already usable: unchanged.
        ("https://v.example/c?a=1&b=2", "https://v.example/c?a=1&b=2"),
    ],
)
def test_iframe_url_is_returned_usable(sent: str, usable: str) -> None:
    assert usable_url(sent) == usable
    view = _decode_data_view({"iframe_url": sent})
    assert view.iframe_url == usable
    assert "iframe_url" not in repr(view)


def test_json_escapes_decode_to_the_characters_already() -> None:
    # A JSON \u0026 escape is a plain & once parsed: nothing is left to undo.
    from qonto_async.serde import loads

    body = loads(b'{"iframe_url": "https://v.example/c?a=1\\u0026b=2"}')
    assert _decode_data_view(body).iframe_url == "https://v.example/c?a=1&b=2"


def test_insurance_price_is_money() -> None:
    ((_, _, _, body),) = [e for e in EXAMPLES if e[1] == ("GET", "/v2/insurance_contracts/{id}")]
    contract = decoder(InsuranceContract, key="insurance_contract", strict=True)(
        {"insurance_contract": fill_placeholders(body["insurance_contract"], InsuranceContract)}
    )
    assert isinstance(contract.price, Money)
    assert len(contract.documents) == 2


def _schema(name: str) -> dict[str, Any]:
    document = yaml.safe_load((data_dir() / "openapi_v2.yml").read_text(encoding="utf-8"))
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def _properties(schema: dict[str, Any]) -> set[str]:
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if "$ref" in part:
            names |= _properties(_schema(part["$ref"].rsplit("/", 1)[1]))
        else:
            names |= _properties(part)
    return names


@pytest.mark.parametrize(
    ("schema", "model"),
    [
        ("CardPayload", Card),
        ("CardSummary", CardSummary),
        ("InsuranceContractPartnerData", InsuranceContract),
    ],
)
def test_every_openapi_property_is_a_model_field(schema: str, model: Any) -> None:
    fields = {f.name for f in attrs.fields(model)}
    assert _properties(_schema(schema)) <= fields
