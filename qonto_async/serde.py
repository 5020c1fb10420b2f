"""The one converter between Qonto's JSON and the attrs models (DESIGN §7; qonto-api.md §11, §15).

Wire rules, all here and nowhere else:

- Money is ``Decimal``, from a string, an int or a float (a float goes through its shortest ``repr``, so ``0.1``
  becomes ``Decimal('0.1')``; no binary arithmetic ever happens). ``*_cents`` stay ``int`` (digit strings too).
- Timestamps are timezone-aware ``datetime``: ISO 8601 with ``Z`` or an offset, with or without a fraction, and
  naive values such as ``contract_signed_at`` (``"2022-12-01 08:57:00.123047"``) are taken as UTC.
  ``YYYY-MM-DD`` fields are ``date``.
- ``""`` in an optional field is ``None``, whatever its type (qonto-api.md §11: some fields arrive as ``""``
  instead of ``null``); only a required string field keeps ``""``.
- A field typed ``SomeEnum | str`` gets the member for a known value and keeps an unknown value as the plain string.
- Unknown fields are ignored by :data:`converter` and rejected by :data:`strict_converter` (used by the contract
  tests to find fields the models miss).

Errors: structuring raises what cattrs raises (``cattrs.errors.ClassValidationError`` and the other
``BaseValidationError`` groups) or ``ValueError``/``TypeError``/``KeyError``. This module defines no error type; the
session layer wraps these into its own. A failed decode on the fast path is replayed on a converter with detailed
validation, so the error that escapes names the class and attribute that failed.

Speed (DESIGN §7, §11): a stock cattrs converter spends most of a page in per-field hook calls, generic union
dispatch and the keyword-argument ``__init__`` of frozen classes. :data:`converter` therefore structures attrs
classes with a function generated once per class: known field types (str, int, bool, Decimal, datetime, date,
``Enum | str``, nested models, tuples, each optional) are checked inline, uncommon inputs go to the same parsers
the cattrs hooks use, and slotted classes without validators, converters or ``__attrs_post_init__`` are filled
through their slots instead of ``__init__`` (nothing that ``__init__`` would run is skipped; see
:func:`_mutable_twin`). The strict and diagnostic converters use cattrs' own generated functions, with detailed
validation. :func:`loads` parses with msgspec's C decoder, numbers with a fraction straight into ``Decimal``.
"""

from __future__ import annotations

import enum
import inspect
import itertools
import json
import linecache
import threading
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

import attrs
import cattrs
import msgspec
from cattrs.gen import make_dict_structure_fn

# The models never import this module, so the dependency only goes one way.
from qonto_async import models as _models

__all__ = [
    "converter",
    "decoder",
    "list_decoder",
    "loads",
    "strict_converter",
    "structure",
    "unstructure",
    "warm_up",
]

T = TypeVar("T")


def loads(body: bytes | str) -> Any:
    """Parse a response body. JSON numbers with a fraction become ``Decimal`` at once (qonto-api.md §11: money
    arrives as JSON numbers on banking resources), so no amount ever passes through a binary float, and the
    decoders skip a conversion on the hot path.

    msgspec's C parser reads UTF-8 JSON, handing each fractional number's exact text to ``Decimal``. What it refuses
    and the standard library still reads (a byte-order mark, UTF-16 or UTF-32, ``NaN``, a lone surrogate) is parsed
    again by :mod:`json`, so every body parses as it always did. Whatever is not JSON raises ``ValueError``,
    including a number whose exponent ``Decimal`` cannot hold (e.g. ``1e99999999999999999999``).
    """
    try:
        return _fast_loads(body)
    except (msgspec.DecodeError, ValueError, InvalidOperation):
        # msgspec.DecodeError (a ValueError only since msgspec 0.21), UnicodeEncodeError for a str holding a lone
        # surrogate, or an exponent out of Decimal's range (maybe before other damage): the standard library decides.
        pass
    try:
        if isinstance(body, bytes | bytearray | memoryview):
            # What json.loads does with bytes, minus building a JSONDecoder and its scanner on every call.
            raw = bytes(body)
            return _decode_json(raw.decode(json.detect_encoding(raw), "surrogatepass"))
        return _decode_json(body)
    except InvalidOperation:
        raise ValueError("a number in the JSON body is out of range (its exponent is too large)") from None


_fast_loads: Final = msgspec.json.Decoder(float_hook=Decimal).decode
_decode_json: Final = json.JSONDecoder(parse_float=Decimal).decode


_Hook = Callable[[Any, Any], Any]
_NoneType: Final = type(None)
_MISSING: Final = object()
# The largest decimal exponent a wire number may have, the default of sys.get_int_max_str_digits(): JSON's
# "1e9999999" is 9 bytes, but int() of it, or format(amount, "f"), would take minutes and gigabytes.
_MAX_EXPONENT: Final = 4300


# --- Parsers for one non-null wire value ------------------------------------------------------------------------
# Each returns None for "" (qonto-api.md §11: some fields arrive as "" instead of null), except _parse_str, which
# serves required string fields; optional ones use _parse_optional_str.


def _parse_decimal(value: Any) -> Decimal | None:
    kind = value.__class__
    if kind is float:
        # repr() is the shortest string that reads back as the same float: the number as Qonto wrote it.
        result = Decimal(repr(value))
    elif kind is str:
        if not value:
            return None
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not a decimal amount: {value!r}") from None
    elif kind is Decimal:
        # loads() parses JSON numbers straight into Decimal: nothing to convert.
        result = value
    elif kind is int:
        result = Decimal(value)
    else:
        raise TypeError(f"expected a decimal amount (a string or a number), got {kind.__name__}: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    if not -_MAX_EXPONENT <= result.adjusted() <= _MAX_EXPONENT:
        raise ValueError(f"amount out of range (exponent {result.adjusted()})")
    return result


def _parse_int(value: Any) -> int | None:
    kind = value.__class__
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is str:
        # Legacy resources send cents as digit strings, e.g. "1255" (qonto-api.md §11).
        return int(value) if value else None
    if kind is float:
        if value.is_integer():
            return int(value)
    elif kind is Decimal:
        if value.is_finite() and value.adjusted() > _MAX_EXPONENT:
            raise ValueError(f"integer out of range (exponent {value.adjusted()})")
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
    else:
        raise TypeError(f"expected an integer, got {kind.__name__}: {value!r}")
    raise ValueError(f"not a whole number: {value!r}")


def _parse_str(value: Any) -> str:
    kind = value.__class__
    if kind is str:
        return value  # type: ignore[no-any-return]
    # Identifiers sometimes arrive as bare numbers (e.g. account_number in the business-account docs examples).
    if kind is int or kind is Decimal:
        return str(value)
    if kind is float:
        return repr(value)
    raise TypeError(f"expected a string, got {kind.__name__}: {value!r}")


def _parse_optional_str(value: Any) -> str | None:
    return _parse_str(value) or None


def _parse_bool(value: Any) -> bool | None:
    if value is True or value is False:
        return value
    if value == "":
        return None
    raise TypeError(f"expected a boolean, got {value.__class__.__name__}: {value!r}")


def _parse_datetime(value: Any) -> datetime | None:
    if value.__class__ is str:
        if not value:
            return None
        # Python 3.11+ reads "Z", offsets, any fraction and a space instead of "T" (contract_signed_at).
        result = datetime.fromisoformat(value)
    elif isinstance(value, datetime):
        result = value
    else:
        raise TypeError(f"expected an ISO 8601 timestamp, got {value.__class__.__name__}: {value!r}")
    # qonto-api.md §11: Qonto documents its timestamps as UTC, so a value without a zone is UTC.
    return result if result.tzinfo is not None else result.replace(tzinfo=UTC)


def _parse_date(value: Any) -> date | None:
    if value.__class__ is str:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            # A full timestamp where a date is documented: keep the calendar date as written.
            return datetime.fromisoformat(value).date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a YYYY-MM-DD date, got {value.__class__.__name__}: {value!r}")


_LEAF_PARSERS: Final[Mapping[type, Callable[[Any], Any]]] = {
    Decimal: _parse_decimal,
    datetime: _parse_datetime,
    date: _parse_date,
    int: _parse_int,
    str: _parse_str,
    bool: _parse_bool,
}
_OPTIONAL_LEAF_PARSERS: Final[Mapping[type, Callable[[Any], Any]]] = {**_LEAF_PARSERS, str: _parse_optional_str}


def _enum_table(enum_cls: type[enum.Enum], *, optional: bool) -> dict[Any, Any]:
    table: dict[Any, Any] = {member.value: member for member in enum_cls}
    if optional:
        table[None] = None
        table[""] = None
    return table


def _enum_parser(enum_cls: type[enum.Enum], *, optional: bool) -> Callable[[Any], Any]:
    """``enum_cls | str``: the member for a known value, the string itself for an unknown one (qonto-api.md §15)."""
    lookup = _enum_table(enum_cls, optional=optional).get

    def parse(value: Any) -> Any:
        member = lookup(value, _MISSING)
        if member is not _MISSING:
            return member
        if value.__class__ is str:
            return value
        raise TypeError(f"expected a {enum_cls.__name__} value or a string, got {value!r}")

    return parse


def _required(parse: Callable[[Any], Any], what: str) -> Callable[[Any], Any]:
    def parse_required(value: Any) -> Any:
        result = None if value is None else parse(value)
        if result is None:
            raise TypeError(f"expected {what}, got {value!r}")
        return result

    return parse_required


# --- Type inspection --------------------------------------------------------------------------------------------


def _union_members(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is types.UnionType or origin is typing.Union:
        return typing.get_args(tp)
    return None


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` → ``(X, True)``; ``E | str | None`` → ``(E | str, True)``; anything else → ``(tp, False)``."""
    members = _union_members(tp)
    if members is None or _NoneType not in members:
        return tp, False
    rest = tuple(m for m in members if m is not _NoneType)
    if len(rest) == 1:
        return rest[0], True
    return typing.Union[rest], True  # noqa: UP007 - a union built at run time


def _enum_or_str(tp: Any) -> type[enum.Enum] | None:
    members = _union_members(tp)
    if members is None:
        return None
    rest = [m for m in members if m is not _NoneType]
    if len(rest) != 2 or str not in rest:
        return None
    other = rest[0] if rest[1] is str else rest[1]
    return other if isinstance(other, type) and issubclass(other, enum.Enum) else None


def _homogeneous_tuple_item(tp: Any) -> Any:
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return _MISSING


def _is_plain_attrs_class(tp: Any) -> bool:
    """An attrs class the generated fast path handles (generic ones go to cattrs' own functions)."""
    return isinstance(tp, type) and attrs.has(tp) and not getattr(tp, "__parameters__", ())


# --- cattrs hooks shared by the three converters ----------------------------------------------------------------


def _leaf_hook(parse: Callable[[Any], Any], *, optional: bool, what: str) -> _Hook:
    if optional:

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else parse(value)

        return structure_optional
    parse_required = _required(parse, what)

    def structure_required(value: Any, _: Any) -> Any:
        return parse_required(value)

    return structure_required


def _handles_union(tp: Any) -> bool:
    if _enum_or_str(tp) is not None:
        return True
    inner, optional = _split_optional(tp)
    return optional and _union_members(inner) is None


def _install_shared_hooks(conv: cattrs.Converter) -> None:
    for leaf, parse in _LEAF_PARSERS.items():
        conv.register_structure_hook(leaf, _leaf_hook(parse, optional=False, what=leaf.__name__))

    def union_hook(tp: Any) -> _Hook:
        enum_cls = _enum_or_str(tp)
        inner, optional = _split_optional(tp)
        if enum_cls is not None:
            parse = _enum_parser(enum_cls, optional=optional)

            def structure_enum(value: Any, _: Any) -> Any:
                return parse(value)

            return structure_enum
        leaf = _OPTIONAL_LEAF_PARSERS.get(inner)
        if leaf is not None:
            return _leaf_hook(leaf, optional=True, what=inner.__name__)
        inner_hook = conv.get_structure_hook(inner)

        def structure_optional(value: Any, _: Any) -> Any:
            if value is None or (value.__class__ is str and not value):
                return None
            return inner_hook(value, inner)

        return structure_optional

    def tuple_hook(tp: Any) -> _Hook:
        item_type = _homogeneous_tuple_item(tp)
        item_hook = conv.get_structure_hook(item_type)

        def structure_tuple(value: Any, _: Any) -> tuple[Any, ...]:
            if value.__class__ is list or value.__class__ is tuple:
                return tuple([item_hook(item, item_type) for item in value])
            # A list the API sends as null (or "") is an empty one.
            if value is None or value == "":
                return ()
            raise TypeError(f"expected a JSON array, got {value.__class__.__name__}")

        return structure_tuple

    def model_hook(cls: Any) -> _Hook:
        structure_fields = make_dict_structure_fn(cls, conv)

        def structure_model(value: Any, _: Any = None) -> Any:
            # cattrs' generated function would read a string or a list as an object without keys.
            if not isinstance(value, Mapping):
                raise TypeError(f"expected a JSON object for {cls.__name__}, got {value.__class__.__name__}")
            return structure_fields(value)

        return structure_model

    conv.register_structure_hook_factory(_is_plain_attrs_class, model_hook)
    conv.register_structure_hook_factory(_handles_union, union_hook)
    conv.register_structure_hook_factory(lambda tp: _homogeneous_tuple_item(tp) is not _MISSING, tuple_hook)


def _new_converter(*, forbid_extra_keys: bool, detailed_validation: bool) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=forbid_extra_keys, detailed_validation=detailed_validation)
    _install_shared_hooks(conv)
    return conv


strict_converter: Final = _new_converter(forbid_extra_keys=True, detailed_validation=True)
"""Rejects unknown fields (``ForbiddenExtraKeysError``); for tests that look for fields the models miss."""

# Replays a failed fast-path decode to raise cattrs' detailed error (which class, which attribute).
_diagnostic_converter: Final = _new_converter(forbid_extra_keys=False, detailed_validation=True)

converter: Final = _new_converter(forbid_extra_keys=False, detailed_validation=False)
"""The production converter: unknown fields are ignored (Qonto adds fields without notice)."""


# --- The generated fast path ------------------------------------------------------------------------------------

# Memo of generated functions. Built under a lock: sync workers may decode a model first from several threads.
_fast_functions: dict[type, Callable[[Any], Any]] = {}
_fast_in_progress: set[type] = set()
_fast_lock = threading.RLock()
_generated_ids = itertools.count()


def _can_fill_slots(cls: type, fields: tuple[attrs.Attribute[Any], ...]) -> bool:
    """Whether writing every field's slot yields exactly the instance ``__init__`` would build."""
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return False
    if any(not f.init or f.validator is not None or f.converter is not None for f in fields):
        return False
    slots = {s for klass in cls.__mro__ for s in klass.__dict__.get("__slots__", ())} - {"__weakref__", "__dict__"}
    if slots != {f.name for f in fields}:
        # e.g. cache_hash=True adds a slot that only __init__ knows how to fill.
        return False
    return all(isinstance(inspect.getattr_static(cls, f.name), types.MemberDescriptorType) for f in fields)


def _mutable_twin(cls: type) -> type | None:
    """A class with ``cls``'s layout whose attributes can be assigned, or None when it cannot be used.

    The generated function fills a twin instance with plain attribute stores (specialised by the interpreter, several
    times cheaper than calling each slot descriptor's ``__set__``), then turns it into a ``cls`` by assigning
    ``__class__``. CPython allows that assignment only between classes of identical layout: the same base and the
    same slots, and no ``__weakref__`` slot (the models are declared with ``weakref_slot=False`` for this). The
    result is the very instance ``__init__`` would build (checked by :func:`_can_fill_slots`).

    Only for classes whose sole base is ``object``: a twin of a subclass would have to share its bases, and so would
    show up in a base's ``__subclasses__()`` (which cattrs' ``include_subclasses`` reads) and run its
    ``__init_subclass__``. Those classes (the webhook events) keep the slot-descriptor path.
    """
    if cls.__bases__ != (object,):
        return None
    own = cls.__dict__.get("__slots__", ())
    namespace = {"__slots__": tuple(own), "__module__": cls.__module__}  # object's own, unfrozen __setattr__
    twin = type(f"_Mutable{cls.__name__}", (object,), namespace)
    probe: object = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def _fast_function(cls: type) -> Callable[[Any], Any]:
    found = _fast_functions.get(cls)
    if found is not None:
        return found
    with _fast_lock:
        found = _fast_functions.get(cls)
        if found is not None:
            return found
        if cls in _fast_in_progress:
            # A model that contains itself: bind late, once the function exists.
            def late(value: Any) -> Any:
                return _fast_functions[cls](value)

            return late
        _fast_in_progress.add(cls)
        try:
            built = _generate_fast_function(cls)
        finally:
            _fast_in_progress.discard(cls)
        _fast_functions[cls] = built
        return built


def _generate_fast_function(cls: type) -> Callable[[Any], Any]:
    fields = attrs.fields(attrs.resolve_types(cls))
    fill_slots = _can_fill_slots(cls, fields)
    ns: dict[str, Any] = {
        "_cls": cls,
        "_new": object.__new__,
        "_MISSING": _MISSING,
        "_D": Decimal,
        "_repr": float.__repr__,
        "_fromiso": datetime.fromisoformat,
        "_UTC": UTC,
        "_tuple": tuple,
        "_map": map,
        "_dict": dict,
        "_list": list,
        "_str": str,
        "_int": int,
        "_float": float,
        "_E": _MAX_EXPONENT,
    }
    name = f"structure_{cls.__name__}"
    lines = [
        f"def {name}(o):",
        "  try:",
        "    g = o.get",
        "  except AttributeError:",
        f"    raise TypeError('expected a JSON object for {cls.__name__}, got ' + o.__class__.__name__) from None",
    ]
    twin = _mutable_twin(cls) if fill_slots else None
    if twin is not None:
        ns["_twin"] = twin
        lines.append("  i = _new(_twin)")
    elif fill_slots:
        lines.append("  i = _new(_cls)")
    call_args: list[str] = []

    for n, field in enumerate(fields):
        key = field.name
        tp = field.type
        inner, optional = _split_optional(tp)
        enum_cls = _enum_or_str(tp)
        item_type = _homogeneous_tuple_item(inner)

        if enum_cls is not None:
            ns[f"_e{n}"] = _enum_table(enum_cls, optional=optional).get
            ns[f"_x{n}"] = _enum_parser(enum_cls, optional=optional)
            expr = f"r if (r := _e{n}(v, _MISSING)) is not _MISSING else _x{n}(v)"
        elif inner is str:
            if optional:
                ns[f"_p{n}"] = _parse_optional_str
                expr = f"(v or None) if v.__class__ is _str else None if v is None else _p{n}(v)"
            else:
                ns[f"_p{n}"] = _required(_parse_str, "a string")
                expr = f"v if v.__class__ is _str else _p{n}(v)"
        elif inner is int:
            ns[f"_p{n}"] = _parse_int if optional else _required(_parse_int, "an integer")
            # Legacy resources send cents as digit strings: int() inline, _parse_int for the rest.
            expr = (
                f"v if v.__class__ is _int{' or v is None' if optional else ''} "
                f"else _int(v) if v.__class__ is _str and v else _p{n}(v)"
            )
        elif inner is bool:
            ns[f"_p{n}"] = _parse_bool if optional else _required(_parse_bool, "a boolean")
            expr = f"v if v is True or v is False{' or v is None' if optional else ''} else _p{n}(v)"
        elif inner is Decimal:
            ns[f"_p{n}"] = _parse_decimal if optional else _required(_parse_decimal, "a decimal amount")
            # Most common first: a Decimal from loads(), then a decimal string (VAT details, request objects).
            # `is_finite()` and `v - v == 0.0` keep NaN and infinities off the shortcuts, so _parse_decimal
            # rejects them; a string Decimal() cannot read raises here and is replayed with the detailed error.
            none = "None if v is None else " if optional else ""
            expr = (
                f"v if v.__class__ is _D and v.is_finite() and -_E <= v.adjusted() <= _E "
                f"else (r if (r := _D(v)).is_finite() and -_E <= r.adjusted() <= _E else _p{n}(v)) "
                f"if v.__class__ is _str and v "
                f"else _D(_repr(v)) if v.__class__ is _float and v - v == 0.0 else {none}_p{n}(v)"
            )
        elif inner is datetime:
            ns[f"_p{n}"] = _parse_datetime if optional else _required(_parse_datetime, "a timestamp")
            none = "None if v is None else " if optional else ""
            expr = (
                f"(r if (r := _fromiso(v)).tzinfo is not None else r.replace(tzinfo=_UTC)) "
                f"if v.__class__ is _str and v else {none}_p{n}(v)"
            )
        elif inner is date:
            ns[f"_p{n}"] = _parse_date if optional else _required(_parse_date, "a date")
            expr = f"None if v is None else _p{n}(v)" if optional else f"_p{n}(v)"
        elif _is_plain_attrs_class(inner):
            ns[f"_m{n}"] = _fast_function(inner)
            ns[f"_p{n}"] = _nested_fallback(ns[f"_m{n}"], optional=optional, what=inner.__name__)
            none = "None if v is None else " if optional else ""
            expr = f"_m{n}(v) if v.__class__ is _dict else {none}_p{n}(v)"
        elif item_type is not _MISSING and (item_type is str or _is_plain_attrs_class(item_type)):
            empty: Any = None if optional else ()
            ns[f"_empty{n}"] = empty
            if item_type is str:
                ns[f"_m{n}"] = _tuple_of_str
                ns[f"_p{n}"] = _tuple_fallback(_tuple_of_str, empty=empty)
                expr = f"_m{n}(v) if v.__class__ is _list else _empty{n} if v is None else _p{n}(v)"
            else:
                ns[f"_m{n}"] = _fast_function(item_type)
                ns[f"_p{n}"] = _tuple_fallback(_tuple_of(ns[f"_m{n}"]), empty=empty)
                expr = f"_tuple(_map(_m{n}, v)) if v.__class__ is _list else _empty{n} if v is None else _p{n}(v)"
        else:
            # Anything else (Mapping[str, Any], Literal, other unions...) goes through the converter's own hook.
            ns[f"_h{n}"] = converter.get_structure_hook(tp)
            ns[f"_t{n}"] = tp
            expr = f"_h{n}(v, _t{n})"

        if field.default is attrs.NOTHING:
            lines.append(f"  v = o[{key!r}]")
            value = expr
        elif field.default is None:
            lines.append(f"  v = g({key!r})")
            value = expr
        else:
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    return _fallback_to_cattrs(cls)
                ns[f"_f{n}"] = default.factory
                default_expr = f"_f{n}()"
            else:
                ns[f"_d{n}"] = default
                default_expr = f"_d{n}"
            lines.append(f"  v = g({key!r}, _MISSING)")
            value = f"{default_expr} if v is _MISSING else ({expr})"

        if twin is not None:
            lines.append(f"  i.{key} = {value}")
        elif fill_slots:
            ns[f"_s{n}"] = inspect.getattr_static(cls, key).__set__
            lines.append(f"  _s{n}(i, {value})")
        else:
            lines.append(f"  a{n} = {value}")
            call_args.append(f"{field.alias}=a{n}")

    if twin is not None:
        lines.append("  i.__class__ = _cls")
    lines.append("  return i" if fill_slots else f"  return _cls({', '.join(call_args)})")
    if "_D(v)" in "\n".join(lines):
        # Decimal() raises InvalidOperation (an ArithmeticError) for a string it cannot read; a decode error is a
        # ValueError, as _parse_decimal raises. The production path replays the input with the detailed error.
        head, body = lines[:5], lines[5:]
        lines = [*head, "  try:", *("  " + line for line in body), "  except _InvalidOperation:"]
        lines.append(f"    raise ValueError('not a decimal amount in {cls.__name__}') from None")
        ns["_InvalidOperation"] = InvalidOperation
    source = "\n".join(lines) + "\n"
    filename = f"<qonto_async.serde {name} #{next(_generated_ids)}>"
    # Keep the source for tracebacks and debuggers.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), ns)  # noqa: S102 - code generated from the model's own field list
    return typing.cast(Callable[[Any], Any], ns[name])


def _nested_fallback(structure_fn: Callable[[Any], Any], *, optional: bool, what: str) -> Callable[[Any], Any]:
    def nested(value: Any) -> Any:
        if isinstance(value, Mapping):
            return structure_fn(value)
        if value is None or value == "":
            if optional:
                return None
            raise TypeError(f"expected a JSON object for {what}, got {value!r}")
        raise TypeError(f"expected a JSON object for {what}, got {value.__class__.__name__}")

    return nested


_required_str: Final = _required(_parse_str, "a string")


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    try:
        "".join(value)  # raises TypeError unless every item is a str, at C speed
    except TypeError:
        return tuple(map(_required_str, value))
    return tuple(value)


def _tuple_of(item_fn: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def sequence(value: Any) -> tuple[Any, ...]:
        return tuple(map(item_fn, value))

    return sequence


def _tuple_fallback(sequence_fn: Callable[[Any], Any], *, empty: Any) -> Callable[[Any], Any]:
    def sequence(value: Any) -> Any:
        if value.__class__ is tuple:
            return sequence_fn(value)
        if value == "":
            return empty
        raise TypeError(f"expected a JSON array, got {value.__class__.__name__}")

    return sequence


def _fallback_to_cattrs(cls: type) -> Callable[[Any], Any]:
    hook: Callable[[Any], Any] = make_dict_structure_fn(cls, converter, _cattrs_detailed_validation=False)
    return hook


def _production_hook(cls: type) -> _Hook:
    fast = _fast_function(cls)

    def structure_model(value: Any, _: Any = None) -> Any:
        try:
            return fast(value)
        except Exception:  # noqa: S110 - replayed below, outside the handler, so the error chain stays clean
            pass
        return _diagnose(value, cls)

    return structure_model


def _diagnose(value: Any, cls: Any) -> Any:
    """Decode again with detailed validation: raises cattrs' error naming the class and attribute."""
    return _diagnostic_converter.structure(value, cls)


converter.register_structure_hook_factory(_is_plain_attrs_class, _production_hook)


# --- Request bodies ---------------------------------------------------------------------------------------------


def _unstructure_decimal(value: Decimal) -> str:
    # Fixed-point text ("1000", not "1E+3"): Qonto takes request amounts as decimal strings (qonto-api.md §11).
    return format(value, "f")


def _unstructure_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"refusing to send a naive datetime ({value!r}): give it a timezone")
    utc = value.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.isoformat(timespec=spec).replace("+00:00", "Z")


def _unstructure_attrs(cls: type) -> Callable[[Any], dict[str, Any]]:
    names = tuple(f.name for f in attrs.fields(cls))
    dispatch = converter.unstructure

    def unstructure_model(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(obj, name)
            if value is not None:
                out[name] = dispatch(value)
        return out

    return unstructure_model


converter.register_unstructure_hook(Decimal, _unstructure_decimal)
converter.register_unstructure_hook(datetime, _unstructure_datetime)
converter.register_unstructure_hook(date, date.isoformat)
for _enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
    # The str/int-based bases too: their MRO puts str or int before Enum, and cattrs passes those through as is.
    converter.register_unstructure_hook(_enum_base, lambda member: member.value)
converter.register_unstructure_hook_func(
    lambda tp: isinstance(tp, type) and issubclass(tp, tuple | list) and not attrs.has(tp),
    lambda seq: [converter.unstructure(item) for item in seq],
)
converter.register_unstructure_hook_factory(attrs.has, _unstructure_attrs)


# --- Public entry points ----------------------------------------------------------------------------------------


def structure(data: Any, cls: type[T], *, strict: bool = False) -> T:
    """Structure parsed JSON into ``cls`` (``strict``: unknown fields raise)."""
    return (strict_converter if strict else converter).structure(data, cls)


def _one_argument(cls: Any, strict: bool) -> Callable[[Any], Any]:
    if not strict and _is_plain_attrs_class(cls):
        return typing.cast(Callable[[Any], Any], converter.get_structure_hook(cls))
    hook = (strict_converter if strict else converter).get_structure_hook(cls)

    def structure_one(value: Any) -> Any:
        return hook(value, cls)

    return structure_one


def decoder(cls: type[T], *, key: str | None = None, strict: bool = False) -> Callable[[Any], T]:
    """A function from a parsed JSON body to ``cls``, reading ``body[key]`` when ``key`` is given.

    The hook is resolved now, once; the returned function does no lookup.
    """
    structure_one = _one_argument(cls, strict)
    if key is None:
        return structure_one

    def decode(data: Any) -> T:
        return structure_one(data[key])  # type: ignore[no-any-return]

    return decode


def list_decoder(cls: type[T], *, key: str, strict: bool = False) -> Callable[[Any], tuple[T, ...]]:
    """A function from a parsed JSON body to the tuple of ``cls`` under ``body[key]`` (missing or null: empty)."""
    if not strict and _is_plain_attrs_class(cls):
        fast = _fast_function(cls)

        def decode_fast(data: Any) -> tuple[T, ...]:
            items = _items(data, key)
            try:
                return tuple(map(fast, items))
            except Exception:  # noqa: S110 - replayed below, outside the handler, so the error chain stays clean
                pass
            return _diagnose_items(items, cls, key)

        return decode_fast

    structure_one = _one_argument(cls, strict)

    def decode(data: Any) -> tuple[T, ...]:
        items = _items(data, key)
        out = []
        for index, item in enumerate(items):
            try:
                out.append(structure_one(item))
            except Exception as exc:
                exc.add_note(f"in {key}[{index}]")
                raise
        return tuple(out)

    return decode


def _items(data: Any, key: str) -> Any:
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a JSON object holding {key!r}, got {data.__class__.__name__}")
    items = data.get(key)
    if items is None:
        return ()
    if not isinstance(items, list | tuple):
        raise TypeError(f"expected a JSON array under {key!r}, got {items.__class__.__name__}")
    return items


def _diagnose_items(items: Any, cls: Any, key: str) -> tuple[Any, ...]:
    out = []
    for index, item in enumerate(items):
        try:
            out.append(_diagnose(item, cls))
        except Exception as exc:
            exc.add_note(f"in {key}[{index}]")
            raise
    return tuple(out)


def unstructure(obj: Any) -> Any:
    """Turn a model (or any value) into JSON-ready data for a request body.

    Decimal → fixed-point string, datetime → ISO 8601 in UTC with ``Z`` (naive datetimes are refused), date →
    ``YYYY-MM-DD``, enum → its value, tuple → list; attributes that are ``None`` are left out.
    """
    return converter.unstructure(obj)


def warm_up() -> None:
    """Build every model's decoding hooks now rather than on first use (hooks are built lazily, once each).

    Optional: for a service that wants its first responses decoded at full speed. Takes about half a second.
    """
    for exported in _models.__all__:
        obj = getattr(_models, exported)
        if _is_plain_attrs_class(obj):
            converter.get_structure_hook(obj)
            strict_converter.get_structure_hook(obj)
            _diagnostic_converter.get_structure_hook(obj)
