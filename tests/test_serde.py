"""The wire rules of qonto_async.serde (qonto-api.md §11, §15), on the production and the strict converter alike."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
import textwrap
import weakref
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from cattrs.errors import BaseValidationError, ClassValidationError, ForbiddenExtraKeysError
from hypothesis import given
from hypothesis import strategies as st

from qonto_async import models
from qonto_async.models import (
    Attachment,
    BankAccount,
    BankAccountStatus,
    CounterpartyDetails,
    Label,
    OperationType,
    Organization,
    PageMeta,
    Transaction,
    TransactionSide,
    TransactionStatus,
    VatDetailItem,
    VatDetails,
)
from qonto_async.serde import (
    _can_fill_slots,
    _fast_function,
    _mutable_twin,
    converter,
    decoder,
    list_decoder,
    loads,
    strict_converter,
    structure,
    unstructure,
)

BOTH = pytest.mark.parametrize("strict", [False, True], ids=["production", "strict"])
DECODE_ERRORS = (BaseValidationError, ValueError, TypeError, KeyError)


def account(**fields: Any) -> dict[str, Any]:
    return {"id": "018f71db-c635-78b5-b90a-ea05de98c2bf", **fields}


# --- money ------------------------------------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("141148.12", Decimal("141148.12")),  # qonto-api.md §11: one docs example sends a string
        (141148.12, Decimal("141148.12")),
        (0.1, Decimal("0.1")),  # the float's shortest repr, not its binary expansion
        (100, Decimal("100")),
        (41995921.54, Decimal("41995921.54")),
        ("-1", Decimal("-1")),
        (Decimal("1.50"), Decimal("1.50")),
        ("", None),
        (None, None),
    ],
)
def test_decimal_from_str_int_float(wire: Any, expected: Decimal | None, strict: bool) -> None:
    decoded = structure(account(authorized_balance=wire), BankAccount, strict=strict)
    assert decoded.authorized_balance == expected
    if expected is not None:
        assert type(decoded.authorized_balance) is Decimal
        assert str(decoded.authorized_balance) == str(expected)


@BOTH
@pytest.mark.parametrize("wire", ["10,00", "abc", float("nan"), float("inf"), "NaN", True, [1], {"value": "1"}])
def test_decimal_rejects_what_is_not_an_amount(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure(account(balance=wire), BankAccount, strict=strict)


@BOTH
@pytest.mark.parametrize(
    ("wire", "expected"), [(14218843, 14218843), ("1255", 1255), (1000.0, 1000), ("", None), (None, None)]
)
def test_cents_stay_int(wire: Any, expected: int | None, strict: bool) -> None:
    decoded = structure(account(balance_cents=wire), BankAccount, strict=strict)
    assert decoded.balance_cents == expected
    assert expected is None or type(decoded.balance_cents) is int


@BOTH
@pytest.mark.parametrize("wire", [10.5, "12.5", "x", True])
def test_cents_refuse_fractions_and_junk(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure(account(balance_cents=wire), BankAccount, strict=strict)


# --- timestamps and dates ---------------------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2021-01-27T22:05:07.000Z", datetime(2021, 1, 27, 22, 5, 7, tzinfo=UTC)),
        ("2024-07-02T08:25:11.155Z", datetime(2024, 7, 2, 8, 25, 11, 155000, tzinfo=UTC)),
        ("2024-04-03T12:00:00Z", datetime(2024, 4, 3, 12, tzinfo=UTC)),
        (
            "2022-03-04T17:58:30+02:00",
            datetime(2022, 3, 4, 17, 58, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-04-03T12:00:00", datetime(2024, 4, 3, 12, tzinfo=UTC)),  # naive: UTC
        ("", None),
        (None, None),
    ],
)
def test_timestamps_are_aware(wire: Any, expected: datetime | None, strict: bool) -> None:
    decoded = structure(account(updated_at=wire), BankAccount, strict=strict)
    assert decoded.updated_at == expected
    if expected is not None:
        assert decoded.updated_at is not None
        assert decoded.updated_at.utcoffset() == expected.utcoffset()


@BOTH
def test_contract_signed_at_without_t_or_zone_is_utc(strict: bool) -> None:
    org = structure({"id": "o", "contract_signed_at": "2022-12-01 08:57:00.123047"}, Organization, strict=strict)
    assert org.contract_signed_at == datetime(2022, 12, 1, 8, 57, 0, 123047, tzinfo=UTC)
    assert org.contract_signed_at is not None
    assert org.contract_signed_at.tzinfo is UTC


@BOTH
@pytest.mark.parametrize(
    ("wire", "expected"),
    [("2022-11-27", date(2022, 11, 27)), ("2022-11-27T00:00:00Z", date(2022, 11, 27)), ("", None), (None, None)],
)
def test_dates(wire: Any, expected: date | None, strict: bool) -> None:
    org = structure({"id": "o", "legal_registration_date": wire}, Organization, strict=strict)
    assert org.legal_registration_date == expected
    assert expected is None or type(org.legal_registration_date) is date


@BOTH
@pytest.mark.parametrize("wire", ["yesterday", "2024-13-01T00:00:00Z", 1700000000])
def test_bad_timestamps_fail(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure(account(updated_at=wire), BankAccount, strict=strict)


# --- "" means absent ----------------------------------------------------------------------------------------------


@BOTH
def test_empty_string_is_none_where_a_value_is_expected(strict: bool) -> None:
    tx = structure(
        {
            "id": "t",
            "settled_at": "",
            "amount": "",
            "amount_cents": "",
            "status": "",
            "attachment_lost": "",
            "transfer": "",
            "labels": "",
            "label_ids": "",
        },
        Transaction,
        strict=strict,
    )
    assert (tx.settled_at, tx.amount, tx.amount_cents, tx.status, tx.attachment_lost) == (None,) * 5
    assert (tx.transfer, tx.labels, tx.label_ids) == (None, None, ())


@BOTH
def test_empty_string_in_an_optional_string_field_is_none(strict: bool) -> None:
    # The OpenAPI organization examples send `account_number: ''` for Qonto accounts and `bic: ''` for external ones.
    decoded = structure(account(account_number="", bic="", name="Main"), BankAccount, strict=strict)
    assert (decoded.account_number, decoded.bic, decoded.name) == (None, None, "Main")


@BOTH
def test_empty_string_stays_in_a_required_string_field(strict: bool) -> None:
    assert structure({"id": ""}, Label, strict=strict).id == ""


# --- enums ------------------------------------------------------------------------------------------------------


@BOTH
def test_known_enum_value_is_the_member(strict: bool) -> None:
    tx = structure(
        {"id": "t", "side": "debit", "status": "completed", "operation_type": "qonto_fee"},
        Transaction,
        strict=strict,
    )
    assert tx.side is TransactionSide.DEBIT
    assert tx.status is TransactionStatus.COMPLETED
    assert tx.operation_type is OperationType.QONTO_FEE


@BOTH
def test_unknown_enum_value_is_kept_as_a_string(strict: bool) -> None:
    # qonto-api.md §15: Qonto adds enum values without notice; a new one must not break a whole page.
    tx = structure(
        {"id": "t", "operation_type": "crypto_swap", "subject_type": "transfer"}, Transaction, strict=strict
    )
    assert tx.operation_type == "crypto_swap"
    assert type(tx.operation_type) is str
    assert tx.subject_type == "transfer"  # Qonto's own examples use this lower-case spelling
    frozen = structure(account(status="frozen"), BankAccount, strict=strict)
    assert frozen.status == "frozen"
    assert not isinstance(frozen.status, BankAccountStatus)


@BOTH
@pytest.mark.parametrize("wire", [3, ["debit"], {"side": "debit"}])
def test_enum_field_refuses_non_strings(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure({"id": "t", "side": wire}, Transaction, strict=strict)


# --- strings, booleans, nested objects, lists ------------------------------------------------------------------


@BOTH
def test_numeric_identifier_becomes_a_string(strict: bool) -> None:
    # The business-account docs examples send account_number as a bare number.
    assert structure(account(account_number=1234567890), BankAccount, strict=strict).account_number == "1234567890"


@BOTH
@pytest.mark.parametrize(("field", "wire"), [("name", {"a": 1}), ("name", ["a"]), ("main", "yes"), ("main", 1)])
def test_wrong_scalar_types_fail(field: str, wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure(account(**{field: wire}), BankAccount, strict=strict)


@BOTH
def test_null_in_a_string_field_stays_none(strict: bool) -> None:
    # DESIGN §11: a naive str hook would turn null into 'None'.
    assert structure(account(name=None), BankAccount, strict=strict).name is None


@BOTH
def test_missing_required_field_fails(strict: bool) -> None:
    with pytest.raises(ClassValidationError):
        structure({"name": "no id"}, BankAccount, strict=strict)


@BOTH
@pytest.mark.parametrize("wire", ["a string", ["a list"], 3])
def test_nested_object_must_be_an_object(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure({"id": "t", "transfer": wire}, Transaction, strict=strict)


@BOTH
def test_lists_become_tuples_and_null_lists_empty(strict: bool) -> None:
    tx = structure(
        {"id": "t", "label_ids": ["a", "b"], "attachment_ids": None, "labels": [{"id": "l", "parent_id": None}]},
        Transaction,
        strict=strict,
    )
    assert tx.label_ids == ("a", "b")
    assert tx.attachment_ids == ()
    assert tx.labels == (Label(id="l"),)
    assert tx.attachments is None  # not requested with includes[]
    assert structure({"id": "t", "label_ids": ["a", 7]}, Transaction, strict=strict).label_ids == ("a", "7")


@BOTH
@pytest.mark.parametrize("wire", [{"a": 1}, "abc", [None]])
def test_bad_lists_fail(wire: Any, strict: bool) -> None:
    with pytest.raises(DECODE_ERRORS):
        structure({"id": "t", "label_ids": wire}, Transaction, strict=strict)


@BOTH
def test_nested_models(strict: bool) -> None:
    tx = structure(
        {
            "id": "t",
            "transfer": {
                "counterparty_account_number": "NL93RABO3730976796",
                "counterparty_bank_identifier": "RABO",
            },
            "attachments": [{"id": "a", "file_size": "666", "probative_attachment": {"status": "available"}}],
            "vat_details": {"items": [{"amount": "1.2", "amount_cents": "120", "rate": "20"}]},
        },
        Transaction,
        strict=strict,
    )
    assert tx.transfer == CounterpartyDetails(
        counterparty_account_number="NL93RABO3730976796", counterparty_bank_identifier="RABO"
    )
    assert tx.attachments is not None
    assert tx.attachments[0].file_size == 666
    assert tx.vat_details is not None
    assert tx.vat_details.items[0].amount == Decimal("1.2")
    assert tx.vat_details.items[0].amount_cents == 120


def test_models_are_frozen_and_hashable() -> None:
    tx = structure({"id": "t", "label_ids": ["a"], "vat_details": {"items": [{"rate": "20"}]}}, Transaction)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tx.id = "other"  # type: ignore[misc]
    assert hash(tx) == hash(
        structure({"id": "t", "label_ids": ["a"], "vat_details": {"items": [{"rate": "20"}]}}, Transaction)
    )


def _decodable_models() -> list[type]:
    return [
        cls
        for name in models.__all__
        if isinstance(cls := getattr(models, name), type)
        and attrs.has(cls)
        and not getattr(cls, "__parameters__", ())
    ]


def test_every_model_is_filled_through_its_mutable_twin() -> None:
    """The decoder's fastest path needs models without a __weakref__ slot; a model declared without
    weakref_slot=False would still decode, only slower, so this names it. Models with a base other than object (the
    webhook events) keep the slot-descriptor path, by design."""
    fillable = [
        cls
        for cls in _decodable_models()
        if _can_fill_slots(cls, attrs.fields(cls)) and cls.__bases__ == (object,)
    ]
    assert len(fillable) > 100
    assert [cls.__name__ for cls in fillable if _mutable_twin(cls) is None] == []


def test_no_twin_shows_up_among_a_models_subclasses() -> None:
    """cattrs' include_subclasses reads __subclasses__(): decoding must not add classes to any model hierarchy."""
    event = structure(
        {"id": "e", "type": "v1/transactions", "organization_id": "o", "data": {"id": "t"}},
        models.TransactionEvent,
    )
    assert type(event) is models.TransactionEvent
    for cls in _decodable_models():
        _fast_function(cls)
        assert [sub.__name__ for sub in cls.__subclasses__() if sub.__name__.startswith("_Mutable")] == []


def test_instances_built_through_the_twin_are_ordinary_models() -> None:
    wire = {
        "id": "t",
        "amount": Decimal("52.40"),
        "side": "debit",
        "settled_at": "2021-03-14T17:17:02.000Z",
        "labels": [{"id": "l", "name": "Durable Silk Table"}],
        "vat_details": {"items": [{"rate": "20", "amount": "1.2", "amount_cents": 120}]},
    }
    tx = structure(wire, Transaction)
    built = Transaction(
        id="t",
        amount=Decimal("52.40"),
        side=TransactionSide.DEBIT,
        settled_at=datetime(2021, 3, 14, 17, 17, 2, tzinfo=UTC),
        labels=(Label(id="l", name="Durable Silk Table"),),
        vat_details=VatDetails(items=(VatDetailItem(rate=Decimal(20), amount=Decimal("1.2"), amount_cents=120),)),
    )
    assert type(tx) is Transaction
    assert type(tx.labels[0]) is Label
    assert tx == built
    assert hash(tx) == hash(built)
    assert repr(tx) == repr(built)
    assert pickle.loads(pickle.dumps(tx)) == tx
    assert copy.deepcopy(tx) == tx
    assert attrs.evolve(tx, note="n").note == "n"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tx.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        tx.not_a_field = 1  # type: ignore[attr-defined]


# --- models other modules may add -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Node:
    name: str
    children: tuple[_Node, ...] = ()


@attrs.frozen(kw_only=True)
class _Checked:
    amount: Decimal = attrs.field(validator=attrs.validators.gt(Decimal(0)))
    per_page: int = 100
    tags: tuple[str, ...] = attrs.field(factory=tuple)
    raw: Mapping[str, Any] | None = None


@BOTH
def test_a_model_with_a_weakref_slot_is_filled_through_its_slots(strict: bool) -> None:
    # attrs' default (weakref_slot=True) rules out the twin: CPython refuses the __class__ assignment.
    assert _can_fill_slots(_Node, attrs.fields(_Node))
    assert _mutable_twin(_Node) is None
    tree = structure({"name": "a", "children": [{"name": "b"}]}, _Node, strict=strict)
    assert type(tree) is _Node
    assert tree == _Node(name="a", children=(_Node(name="b"),))
    assert weakref.ref(tree)() is tree


@BOTH
def test_a_model_that_contains_itself(strict: bool) -> None:
    tree = structure({"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}, _Node, strict=strict)
    assert tree == _Node(name="a", children=(_Node(name="b", children=(_Node(name="c"),)),))


@BOTH
def test_validators_defaults_factories_and_raw_mappings(strict: bool) -> None:
    assert structure({"amount": "1.5"}, _Checked, strict=strict) == _Checked(amount=Decimal("1.5"))
    decoded = structure({"amount": 2, "per_page": 20, "tags": ["x"], "raw": {"k": [1]}}, _Checked, strict=strict)
    assert decoded == _Checked(amount=Decimal(2), per_page=20, tags=("x",), raw={"k": [1]})
    with pytest.raises(DECODE_ERRORS):
        structure({"amount": "-1"}, _Checked, strict=strict)  # the attrs validator still runs
    with pytest.raises(DECODE_ERRORS):
        structure({"amount": "1", "per_page": None}, _Checked, strict=strict)


# --- unknown fields -----------------------------------------------------------------------------------------------


def test_unknown_fields_are_ignored_in_production() -> None:
    decoded = converter.structure(account(brand_new_field=1, logo={"x": 1}), BankAccount)
    assert decoded == BankAccount(id=account()["id"])
    tx = structure({"id": "t", "transfer": {"counterparty_iban_country": "NL"}}, Transaction)
    assert tx.transfer == CounterpartyDetails()


def test_unknown_fields_raise_in_strict_mode() -> None:
    with pytest.raises(ClassValidationError) as caught:
        strict_converter.structure(account(brand_new_field=1), BankAccount)
    assert any(isinstance(e, ForbiddenExtraKeysError) for e in caught.value.exceptions)
    with pytest.raises(ClassValidationError):
        structure({"id": "t", "transfer": {"counterparty_iban_country": "NL"}}, Transaction, strict=True)


def test_production_errors_name_the_attribute() -> None:
    """A failure on the fast path is replayed with detailed validation, so the error says where it happened."""
    with pytest.raises(ClassValidationError) as caught:
        structure({"id": "t", "amount": "10,00"}, Transaction)
    (error,) = caught.value.exceptions
    assert isinstance(error, ValueError)
    assert any("@ attribute amount" in note for note in getattr(error, "__notes__", []))
    assert caught.value.__context__ is None


# --- decoders -----------------------------------------------------------------------------------------------------


@BOTH
def test_decoder_unwraps_the_key(strict: bool) -> None:
    decode = decoder(BankAccount, key="bank_account", strict=strict)
    assert decode({"bank_account": account(name="Main")}).name == "Main"
    assert decoder(BankAccount, strict=strict)(account(name="Main")).name == "Main"
    with pytest.raises(KeyError):
        decode({"bank_accounts": []})


@BOTH
def test_list_decoder(strict: bool) -> None:
    decode = list_decoder(Transaction, key="transactions", strict=strict)
    page = {"transactions": [{"id": "a"}, {"id": "b"}], "meta": {"current_page": 1}}
    assert decode(page) == (Transaction(id="a"), Transaction(id="b"))
    assert decode({"transactions": None}) == ()
    assert decode({"meta": {"current_page": 1}}) == ()
    with pytest.raises(TypeError):
        decode({"transactions": {"id": "a"}})
    with pytest.raises(TypeError):
        decode([{"id": "a"}])


@BOTH
def test_list_decoder_says_which_item_failed(strict: bool) -> None:
    decode = list_decoder(Transaction, key="transactions", strict=strict)
    with pytest.raises(DECODE_ERRORS) as caught:
        decode({"transactions": [{"id": "a"}, {"id": "b", "amount": "x"}]})
    assert "in transactions[1]" in getattr(caught.value, "__notes__", [])


def test_page_meta() -> None:
    meta = decoder(PageMeta, key="meta")(
        {
            "meta": {
                "current_page": 2,
                "next_page": 3,
                "prev_page": 1,
                "total_pages": 11,
                "total_count": 210,
                "per_page": 20,
            }
        }
    )
    assert meta == PageMeta(current_page=2, next_page=3, prev_page=1, total_pages=11, total_count=210, per_page=20)
    assert decoder(PageMeta)({"current_page": 1, "next_page": None}).next_page is None


# --- parsing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"amount": 1.50, "cents": 150}',
            {"amount": Decimal("1.50"), "cents": 150},
        ),  # the exact text, zeros kept
        (
            b'{"a": 41995921.54, "b": 1e400, "c": -0.0}',
            {"a": Decimal("41995921.54"), "b": Decimal("1E+400"), "c": Decimal("-0.0")},
        ),
        (b'{"big": 123456789012345678901234567890}', {"big": 123456789012345678901234567890}),
        (b'{"a": 1, "a": 2}', {"a": 2}),
        ('{"label": "caf\u00e9 \u20ac"}', {"label": "café €"}),  # a str body
        (b'{"label": "caf\xc3\xa9"}', {"label": "café"}),
        # What msgspec refuses but the standard library reads: parsed as before, by json.
        (b'\xef\xbb\xbf{"a": 1.5}', {"a": Decimal("1.5")}),  # a UTF-8 byte-order mark
        ('{"a": 1.5}'.encode("utf-16"), {"a": Decimal("1.5")}),
        ('{"a": 1.5}'.encode("utf-32-le"), {"a": Decimal("1.5")}),
        (b'{"a": "\\ud800"}', {"a": "\ud800"}),  # a lone surrogate escape
        ('{"a": "\ud800"}', {"a": "\ud800"}),  # a str holding a lone surrogate, which UTF-8 cannot encode
    ],
)
def test_loads_reads_numbers_with_a_fraction_as_exact_decimals(body: bytes | str, expected: Any) -> None:
    # repr, not ==: Decimal("1.50") == Decimal("1.5"), and the types must match too.
    assert repr(loads(body)) == repr(expected)
    if isinstance(body, bytes):
        assert repr(loads(bytearray(body))) == repr(expected)
        assert repr(loads(memoryview(body))) == repr(expected)  # type: ignore[arg-type]


def test_loads_keeps_reading_nan_and_infinity_as_before() -> None:
    parsed = loads(b'{"a": NaN, "b": Infinity, "c": -Infinity}')
    assert parsed["a"] != parsed["a"]
    assert parsed["b"] == float("inf")
    assert parsed["c"] == float("-inf")
    # ...which no amount accepts.
    with pytest.raises(DECODE_ERRORS):
        structure({"id": "t", "amount": parsed["b"]}, Transaction)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[1, 2",
        b'{"a": 1} x',
        b'{"a": "\x01"}',
        b'{"a": "\xff"}',
        b"<html>502</html>",
        "{'a': 1}",
        # An exponent Decimal cannot hold: alone, and before damage further on that json would have seen first.
        b'{"amount": 1e99999999999999999999}',
        b'{"amount": -1e-99999999999999999999}',
        b'{"n": 1e99999999999999999999, "s": "\xff"}',
    ],
)
def test_loads_raises_value_error_for_what_is_not_json(body: bytes | str) -> None:
    # The contract is ValueError itself, whichever parser refused: the session maps it to ResponseDecodeError.
    with pytest.raises(ValueError):  # noqa: PT011
        loads(body)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False).map(
        lambda d: d.normalize() if d == d.to_integral() else d
    )
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _to_json(value: Any) -> str:
    if isinstance(value, Decimal):
        text = str(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, list):
        return "[" + ",".join(map(_to_json, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _to_json(v) for k, v in value.items()) + "}"
    return json.dumps(value)


@given(_JSON_VALUES)
def test_loads_agrees_with_the_standard_library(value: Any) -> None:
    text = _to_json(value)
    expected = json.loads(text, parse_float=Decimal)
    for body in (text, text.encode()):
        parsed = loads(body)
        assert parsed == expected
        assert repr(parsed) == repr(expected)  # same types, same Decimal exponents


def test_decoding_real_json_text() -> None:
    body = json.loads(
        '{"transaction": {"id": "t", "amount": 52.4, "amount_cents": 5240, "settled_at": "2021-03-14T17:17:02.000Z",'
        ' "side": "debit", "labels": [{"id": "l", "name": "Durable Silk Table", "parent_id": null}]}}'
    )
    tx = decoder(Transaction, key="transaction")(body)
    assert (tx.amount, tx.amount_cents, tx.side) == (Decimal("52.4"), 5240, TransactionSide.DEBIT)
    assert tx.labels == (Label(id="l", name="Durable Silk Table"),)


# --- request bodies -------------------------------------------------------------------------------------------------


def test_unstructure_a_model() -> None:
    body = unstructure(
        BankAccount(
            id="b",
            status=BankAccountStatus.ACTIVE,
            balance=Decimal("1E+3"),
            authorized_balance=Decimal("0.10"),
            updated_at=datetime(2024, 7, 2, 10, 25, 11, 155000, tzinfo=timezone(timedelta(hours=2))),
            name=None,
        )
    )
    assert body == {
        "id": "b",
        "status": "active",
        "balance": "1000",
        "authorized_balance": "0.10",
        "updated_at": "2024-07-02T08:25:11.155Z",
    }
    assert type(body["status"]) is str
    assert json.loads(json.dumps(body)) == body


def test_unstructure_nested_dates_enums_and_tuples() -> None:
    org = Organization(
        id="o",
        legal_registration_date=date(2001, 10, 10),
        bank_accounts=(BankAccount(id="b", status="frozen"),),
    )
    assert unstructure(org) == {
        "id": "o",
        "legal_registration_date": "2001-10-10",
        "bank_accounts": [{"id": "b", "status": "frozen"}],
    }
    assert unstructure(Transaction(id="t", side=TransactionSide.CREDIT, vat_details=VatDetails())) == {
        "id": "t",
        "side": "credit",
        "attachment_ids": [],
        "label_ids": [],
        "vat_details": {"items": []},
    }


def test_unstructure_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        unstructure(Attachment(id="a", created_at=datetime(2024, 1, 1)))


# --- properties -----------------------------------------------------------------------------------------------------

money = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=2)


@given(money)
def test_money_round_trips_through_decimal_strings(amount: Decimal) -> None:
    wire = unstructure(BankAccount(id="b", balance=amount))["balance"]
    assert isinstance(wire, str)
    assert "E" not in wire
    assert structure(account(balance=wire), BankAccount).balance == amount


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_float_amounts_become_their_shortest_decimal(amount: float) -> None:
    decoded = structure(account(balance=amount), BankAccount).balance
    assert decoded == Decimal(repr(amount))
    assert decoded is not None
    assert float(decoded) == amount


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]),
    )
)
def test_datetimes_round_trip_through_isoformat(moment: datetime) -> None:
    for wire in (moment.isoformat(), unstructure(Attachment(id="a", created_at=moment))["created_at"]):
        decoded = structure({"id": "a", "created_at": wire}, Attachment).created_at
        assert decoded == moment
        assert decoded is not None
        assert decoded.tzinfo is not None


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
transaction_like = st.fixed_dictionaries(
    {"id": st.text(max_size=5)},
    optional={
        "amount": json_scalars | st.sampled_from(["1.5", "", "10,00"]),
        "amount_cents": json_scalars | st.sampled_from(["1255", ""]),
        "side": json_scalars | st.sampled_from(["credit", "debit", "sideways"]),
        "settled_at": json_scalars | st.sampled_from(["2024-01-01T00:00:00Z", "2022-12-01 08:57:00.1", ""]),
        "label_ids": st.none() | st.lists(st.text(max_size=3) | st.integers(), max_size=2),
        "transfer": st.none()
        | st.just("")
        | st.fixed_dictionaries({}, optional={"counterparty_bank_identifier": json_scalars}),
        "attachment_lost": json_scalars,
        "brand_new": json_scalars,
    },
)


@given(transaction_like)
def test_production_and_strict_paths_agree(data: dict[str, Any]) -> None:
    """The generated fast path and cattrs' detailed path accept and reject the same inputs, with the same result."""
    known = {k: v for k, v in data.items() if k != "brand_new"}
    fast = _fast_function(Transaction)  # the generated path alone, without its diagnostic replay
    try:
        expected = structure(known, Transaction, strict=True)
    except DECODE_ERRORS:
        with pytest.raises(DECODE_ERRORS):
            fast(data)
        with pytest.raises(DECODE_ERRORS):
            structure(data, Transaction)
    else:
        assert fast(data) == expected
        assert structure(data, Transaction) == expected


def test_hooks_are_built_lazily_and_warm_up_builds_them_all() -> None:
    """Importing the package does not build a decoding hook for every model (that took half a second of import
    time); ``warm_up()`` builds them all up front for services that want it, and decoding is the same either way."""
    script = textwrap.dedent(
        """
        import qonto_async.serde as serde
        from qonto_async import models

        def built():
            return serde.converter._structure_func.dispatch.cache_info().currsize

        plain = [
            name for name in models.__all__
            if isinstance(getattr(models, name), type) and hasattr(getattr(models, name), "__attrs_attrs__")
        ]
        before = built()
        serde.warm_up()
        after = built()
        print(len(plain), before, after)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    models_count, before, after = map(int, out.stdout.split())
    assert models_count > 100
    assert before < models_count  # import built only what module-level decoders need
    assert after >= models_count  # warm_up: one hook per model at least


def test_first_use_from_many_threads_at_once_builds_working_hooks() -> None:
    """Hooks are built on first use: threads (one event loop each, say) decoding for the first time at once all
    get the same, correct models, in a fresh interpreter where nothing was built yet."""
    script = textwrap.dedent(
        """
        import json
        import threading
        from qonto_async import serde
        from qonto_async.models import Organization

        org = {"organization": {"id": "org-1", "slug": "acme", "legal_name": "Acme", "bank_accounts": [
            {"id": "acc-1", "slug": "acme-1", "iban": "FR7616958000011234567890123", "bic": "QNTOFRP1XXX", "currency": "EUR",
             "balance": 10.5, "balance_cents": 1050, "authorized_balance": 10.5, "authorized_balance_cents": 1050}
        ]}}
        body = json.dumps(org)
        barrier = threading.Barrier(16)
        results, errors = [], []

        def work():
            try:
                barrier.wait()
                results.append(serde.decoder(Organization, key="organization")(serde.loads(body)))
            except Exception as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert len(results) == 16 and all(r == results[0] for r in results)
        print(results[0].bank_accounts[0].balance)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "10.5"
