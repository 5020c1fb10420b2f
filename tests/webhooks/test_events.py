"""Event envelopes: typed per type, unknown types kept raw, broken bodies a typed error (qonto-api.md §10)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qonto_async import WebhookError, WebhookPayloadError
from qonto_async.models import PaymentLinkConnectionEvent, UnknownEvent
from qonto_async.webhooks import parse_event


def test_unknown_type_is_kept_raw() -> None:
    body = {
        "id": "evt-9",
        "subscription_id": "sub-1",
        "organization_id": "org-1",
        "membership_id": "mem-1",
        "type": "v1/products",
        "created_at": "2026-01-01T00:00:00Z",
        "data": {"event": "created", "id": "prod-1", "unit_price": {"value": "9.90", "currency": "EUR"}},
    }
    event = parse_event(json.dumps(body).encode())
    assert isinstance(event, UnknownEvent)
    assert (event.id, event.type, event.subscription_id, event.organization_id) == (
        "evt-9",
        "v1/products",
        "sub-1",
        "org-1",
    )
    assert event.created_at is not None
    assert event.created_at.year == 2026
    assert event.data["unit_price"]["value"] == "9.90"
    assert event.raw["type"] == "v1/products"


@pytest.mark.parametrize(
    "body",
    [
        {"id": "e", "type": "v2/whatever"},
        {"id": "e", "type": "v2/whatever", "data": None, "created_at": "not a date", "subscription_id": 4},
        {"id": "e", "type": "v2/whatever", "data": [1, 2, 3]},
    ],
)
def test_unknown_type_never_raises(body: dict[str, object]) -> None:
    event = parse_event(json.dumps(body).encode())
    assert isinstance(event, UnknownEvent)
    assert event.data == body.get("data")


def test_known_type_without_data_fields_and_extra_envelope_keys() -> None:
    body = {"id": "e", "type": "v1/payment-links-connections", "data": {"event": "connection_disabled"}, "x": 1}
    event = parse_event(json.dumps(body))
    assert isinstance(event, PaymentLinkConnectionEvent)
    assert event.data.event == "connection_disabled"
    assert event.subscription_id is None
    # A mapping already parsed works too.
    assert parse_event(body) == event


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[]",
        b'"text"',
        b'{"type":"v1/transactions"}',
        b'{"id":"e"}',
        b'{"id":5,"type":"v1/transactions"}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_broken_bodies_are_payload_errors(raw: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_event(raw)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    ),
    st.sampled_from(["v1/transactions", "v1/cards", "v1/terminal-payments", "v1/clients", "v9/new"]),
)
def test_fuzzed_data_gives_an_event_or_a_typed_error(data: object, kind: str) -> None:
    body = json.dumps({"id": "evt", "type": kind, "data": data}).encode()
    try:
        event = parse_event(body)
    except WebhookError:
        return
    assert event.type == kind
    assert event.id == "evt"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id":"e","type":"v1/transactions"}',
        b'{"id":"e","type":"v1/transactions","data":{"amount":"lots"}}',
        b'{"id":"e","type":"v1/transactions","data":{"attachment_ids":[null]}}',
        b'{"id":"e","type":"v1/cards","data":{"active_days":"monday"}}',
    ],
)
def test_a_known_type_whose_data_drifted_is_kept_as_an_unknown_event(
    raw: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    # A genuine delivery must not be refused (Qonto would deliver it again for days): it is handed over raw.
    event = parse_event(raw)
    assert isinstance(event, UnknownEvent)
    assert event.id == "e"
    assert event.raw == json.loads(raw)
    assert "does not have the documented shape" in caplog.text
