"""Qonto's own example responses decode, in strict mode, into the models (DESIGN §9).

The cases are read from Qonto's Postman collections and OpenAPI document (see ``_data.py``), never copied here.
Strict mode rejects unknown fields: a field that Qonto documents and a model lacks fails this suite, and the fix is
to add the field to the model.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from cattrs.errors import ClassValidationError

from qonto_async.models import PageMeta
from qonto_async.serde import _fast_function, decoder, list_decoder

from ._data import (
    DEFECTS,
    OPERATIONS,
    Example,
    all_examples,
    fill_body,
    fill_placeholders,
    openapi_examples,
    postman_examples,
)

EXAMPLES = all_examples()


def _prepared(example: Example) -> Any:
    defect = DEFECTS.get(example.id)
    if defect is not None:
        return defect.repair(example.body)
    if not example.placeholders:
        return example.body
    if example.operation is None:
        return fill_placeholders(example.body, example.item_model)
    return fill_body(example.operation, example.body)


def _decode(example: Example, body: Any, *, strict: bool) -> Any:
    op = example.operation
    if op is None:
        assert example.item_model is not None
        return decoder(example.item_model, strict=strict)(body)
    if op.is_list:
        return list_decoder(op.model, key=op.key, strict=strict)(body)
    return decoder(op.model, key=op.key, strict=strict)(body)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_decodes_in_strict_mode(example: Example) -> None:
    body = _prepared(example)
    op = example.operation
    if op is not None:
        assert set(body) <= {op.key, "meta"}, f"unexpected top-level keys in {example.source}"
        if "meta" in body:
            assert isinstance(decoder(PageMeta, key="meta", strict=True)(body), PageMeta)

    strict = _decode(example, body, strict=True)
    # The generated production path, alone and behind its public decoder, agrees with cattrs' own strict path.
    assert _decode(example, body, strict=False) == strict
    model = example.item_model if op is None else op.model
    assert model is not None
    items = [body] if op is None else body[op.key] if op.is_list else [body[op.key]]
    assert tuple(map(_fast_function(model), items)) == (strict if op is not None and op.is_list else (strict,))
    _assert_wire_types(strict)


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if not e.placeholders], ids=[e.id for e in EXAMPLES if not e.placeholders]
)
def test_real_example_keeps_every_value(example: Example) -> None:
    """Values that Qonto wrote in its examples come through unchanged in meaning (nothing dropped or mangled)."""
    op = example.operation
    body = _prepared(example)
    decoded = _decode(example, body, strict=True)
    raw = body if op is None else body[op.key]
    _assert_same(raw, decoded, example.id)


@pytest.mark.parametrize("example_id", sorted(DEFECTS))
def test_known_defect_is_still_there(example_id: str) -> None:
    """Each repair in ``_data.DEFECTS`` is still needed: the example as Qonto ships it fails strict decoding."""
    (example,) = [e for e in EXAMPLES if e.id == example_id]
    with pytest.raises(ClassValidationError):
        _decode(example, example.body, strict=True)


def test_every_covered_operation_has_examples() -> None:
    postman = {e.operation.name for e in postman_examples() if e.operation is not None}
    openapi = {e.operation.name for e in openapi_examples() if e.operation is not None}
    assert postman == {op.name for op in OPERATIONS}
    # The OpenAPI copy (January 2025) predates the /v2/bank_accounts endpoints; it shows bank accounts only inside
    # the organization examples.
    # Its GET /v2/statements has no example response either.
    # It predates /v2/sepa/beneficiaries too (it has only the legacy /v2/beneficiaries), /v2/international/ and
    # the webhook subscriptions.
    assert openapi == {
        op.name
        for op in OPERATIONS
        if not op.path.startswith(
            (
                "/v2/bank_accounts",
                "/v2/sepa/",
                "/v2/international/",
                "/v2/webhook_subscriptions",
                # Its client invoice operations have empty `examples` or only a schema; its credit notes none.
                "/v2/client_invoices",
                "/v2/credit_notes",
                # Its clients and supplier invoices carry no example response.
                "/v2/clients",
                "/v2/supplier_invoices",
                # Payment links came later than the copy.
                "/v2/payment_links",
            )
        )
        and op.path != "/v2/statements"
    }


def test_generated_examples_are_the_only_ones_with_placeholders() -> None:
    flagged = sorted(e.id for e in openapi_examples() if e.placeholders)
    assert flagged == [
        # Its file_name and file_url are Stoplight's literal "string".
        "openapi GET /v2/statements/{id} [200 examples: Example 1]",
        "openapi GET /v2/transactions [200 examples: Example 1]",
    ]
    assert all(e.placeholders for e in postman_examples())


def _assert_wire_types(value: Any) -> None:
    """No float survived decoding, and every datetime knows its zone (qonto-api.md §11)."""
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _assert_wire_types(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            _assert_wire_types(item)
    else:
        assert not isinstance(value, float), value
        if isinstance(value, datetime):
            assert value.tzinfo is not None, value


def _assert_same(raw: Any, decoded: Any, where: str) -> None:
    if isinstance(raw, Mapping):
        assert attrs.has(type(decoded)), f"{where}: expected a model, got {decoded!r}"
        for key, value in raw.items():
            _assert_same(value, getattr(decoded, key), f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(decoded, tuple), where
        assert len(decoded) == len(raw), where
        for index, (raw_item, item) in enumerate(zip(raw, decoded, strict=True)):
            _assert_same(raw_item, item, f"{where}[{index}]")
    elif raw is None or raw == "":
        # "" is how Qonto leaves an optional field empty (qonto-api.md §11); serde reads it as None.
        assert decoded is None, where
    elif isinstance(decoded, enum.Enum):
        assert decoded.value == raw, where
    elif isinstance(decoded, Decimal):
        assert decoded == Decimal(str(raw)), where
    elif isinstance(decoded, datetime):
        expected = datetime.fromisoformat(raw)
        assert decoded == (expected if expected.tzinfo else expected.replace(tzinfo=UTC)), where
    elif isinstance(decoded, date):
        assert decoded.isoformat() == raw, where
    elif isinstance(decoded, bool) or isinstance(raw, bool):
        assert decoded is raw, where
    elif isinstance(decoded, int):
        assert decoded == int(raw), where
    else:
        assert isinstance(decoded, str), where
        assert decoded == str(raw), where
