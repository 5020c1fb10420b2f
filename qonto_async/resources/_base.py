"""What every resource shares: building requests, encoding parameters the way Qonto reads them."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Coroutine, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import quote

import attrs

from qonto_async.errors import ConfigurationError
from qonto_async.models._inputs import vat_rate_fraction
from qonto_async.models.common import Money
from qonto_async.pagination import AsyncPaginator
from qonto_async.session import Request

if TYPE_CHECKING:
    from qonto_async.client import QontoClient

__all__ = [
    "MAX_PER_PAGE",
    "Operation",
    "Params",
    "Resource",
    "amount_param",
    "bool_param",
    "check_id",
    "check_per_page",
    "currency_param",
    "date_param",
    "datetime_param",
    "id_list",
    "money_param",
    "one_value",
    "operation",
    "paginate",
    "path_id",
    "sort_param",
    "string_list",
    "text_param",
    "vat_rate_fraction",
]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

MAX_PER_PAGE = 100  # qonto-api.md §4: per_page runs from 1 to 100.


OPERATION_ATTRIBUTE: Final = "__qonto_operation__"


@attrs.frozen
class Operation:
    """The documented operation (qonto-api.md §3) that a resource method sends: ``METHOD /v2/path-template``."""

    method: str
    path: str

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def operation(method: str, path: str) -> Callable[[F], F]:
    """Mark a resource method with the operation it sends; read by ``docs/coverage.md`` and the contract tests.

    A no-op at run time: the method is returned unchanged, carrying ``__qonto_operation__``.
    """
    info = Operation(method, path)

    def mark(func: F) -> F:
        setattr(func, OPERATION_ATTRIBUTE, info)
        return func

    return mark


class Resource:
    """A namespace of operations (``qonto.transactions``...). Methods only describe requests."""

    __slots__ = ("_client",)

    def __init__(self, client: QontoClient) -> None:
        self._client = client

    def _send(self, request: Request[T]) -> Coroutine[Any, Any, T]:
        # The client's coroutine itself, not one wrapping it: every resumption of a call passes through each
        # coroutine frame between the task and the socket, and this one would add nothing.
        return self._client._send(request)


def check_id(name: str, value: object) -> str:
    """An id-like value (a resource id, an IBAN): a non-empty string without surrounding whitespace."""
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(
            f"{name} must be a non-empty string without surrounding whitespace, exactly as the API returned it; "
            f"got {value!r}."
        )
    return value


def path_id(name: str, value: object) -> str:
    """A resource id as one URL path segment (quoted, so an id can never add path segments)."""
    return quote(check_id(name, value), safe="")


_AWARE_EXAMPLE = "datetime(2026, 1, 1, tzinfo=UTC) or '2026-01-01T00:00:00Z'"


def _format_datetime(name: str, value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(
            f"{name} must be timezone-aware (e.g. {_AWARE_EXAMPLE}); a naive date-time is ambiguous."
        )
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ConfigurationError(f"{name} is out of range once converted to UTC: {value!r}.") from None
    # qonto-api.md §5: ISO 8601 in UTC with milliseconds, e.g. 2019-01-10T11:47:53.123Z.
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def datetime_param(name: str, value: object) -> str:
    """A date-time filter as Qonto reads it (UTC, milliseconds, ``Z``), from an aware datetime or ISO 8601 text."""
    if isinstance(value, datetime):
        return _format_datetime(name, value)
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ConfigurationError(
                f"{name} must be an ISO 8601 date-time with a timezone (e.g. {_AWARE_EXAMPLE}), got {value!r}."
            ) from None
        return _format_datetime(name, parsed)
    raise ConfigurationError(
        f"{name} must be a timezone-aware datetime or an ISO 8601 string (e.g. {_AWARE_EXAMPLE}), "
        f"got {type(value).__name__}."
    )


_CENT: Final = Decimal("0.01")


def amount_param(name: str, value: object) -> str:
    """A positive amount with at most two decimals, as the decimal string Qonto reads (qonto-api.md §11).

    Only a ``Decimal`` or a decimal string: a float is refused, since most cent amounts have no exact float.
    """
    if isinstance(value, float):
        raise ConfigurationError(
            f"{name} must be a Decimal or a decimal string such as '12.50', never a float (got {value!r}): "
            "a float cannot hold most cent amounts exactly."
        )
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip()) if value.strip() == value and value else Decimal("NaN")
        except InvalidOperation:
            parsed = Decimal("NaN")
    elif isinstance(value, Decimal):
        parsed = value
    else:
        raise ConfigurationError(f"{name} must be a Decimal or a decimal string, got {type(value).__name__}.")
    try:
        exact = parsed.is_finite() and parsed > 0 and parsed == parsed.quantize(_CENT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise ConfigurationError(f"{name} must be a positive amount with at most 2 decimals, got {value!r}.")
    return f"{parsed:f}"


_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
_SORT_BY: Final = re.compile(r"^[a-z_]+:(asc|desc)$")


def date_param(name: str, value: object) -> str:
    """A calendar date as Qonto reads it (``YYYY-MM-DD``), from a ``date`` or that text.

    A ``datetime`` is refused: which calendar day it means depends on the time zone.
    """
    if isinstance(value, datetime):
        raise ConfigurationError(
            f"{name} is a calendar date, not a date-time: pass {name}=value.date() or 'YYYY-MM-DD', got {value!r}."
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ConfigurationError(f"{name} must be a date or a 'YYYY-MM-DD' string, got {value!r}.")


def currency_param(name: str, value: object) -> str:
    """An ISO 4217 alpha-3 code in capitals (``"EUR"``, qonto-api.md §11)."""
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise ConfigurationError(
            f"{name} must be an ISO 4217 currency code such as 'EUR' (3 capitals), got {value!r}."
        )
    return value


def money_param(name: str, value: object, *, currency: str | None = None) -> dict[str, str]:
    """A money object as Qonto reads it, ``{"value": "12.50", "currency": "EUR"}`` (qonto-api.md §11).

    From a :class:`~qonto_async.models.Money`, or from a ``Decimal``/decimal string in ``currency``. The value is
    a positive amount with at most 2 decimals; a float is refused (see :func:`amount_param`).
    """
    if isinstance(value, Money):
        if value.value is None or value.currency is None:
            raise ConfigurationError(f"{name} needs both a value and a currency, got {value!r}.")
        return {
            "value": amount_param(f"{name}.value", value.value),
            "currency": currency_param(f"{name}.currency", value.currency),
        }
    if currency is None:
        raise ConfigurationError(f"{name} must be a Money(value=Decimal('12.50'), currency='EUR'), got {value!r}.")
    return {"value": amount_param(name, value), "currency": currency_param("currency", currency)}


def text_param(name: str, value: object, *, limit: int | None = None) -> str:
    """A non-empty string (``limit``: at most that many characters)."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    if limit is not None and len(value) > limit:
        raise ConfigurationError(f"{name} is limited to {limit} characters, got {len(value)}.")
    return value


def bool_param(name: str, value: object) -> bool:
    """A real bool (so "yes" or 1 cannot slip through)."""
    if not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, got {value!r}.")
    return value


def sort_param(value: object) -> str:
    """``sort_by`` as ``field:asc`` or ``field:desc``."""
    if not isinstance(value, str) or not _SORT_BY.match(value):
        raise ConfigurationError(
            f"sort_by must be 'field:asc' or 'field:desc' (e.g. 'created_at:desc'), got {value!r}."
        )
    return value


def one_value(name: str, value: object) -> str:
    """A filter that takes one value (a str or a str enum), e.g. ``status=expired``, not a list."""
    text = value.value if isinstance(value, enum.Enum) else value
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        raise ConfigurationError(f"{name} takes one non-empty string value, got {value!r}.")
    return text


def paginate(
    send: Callable[[list[tuple[str, str]]], Any], base: Iterable[tuple[str, str]], per_page: int, max_pages: int
) -> Any:
    """An :class:`~qonto_async.pagination.AsyncPaginator` sending ``base`` plus ``page``/``per_page`` (checked now)."""
    check_per_page(per_page)
    fixed = tuple(base)

    async def fetch(page: int) -> Any:
        return await send([*fixed, ("page", str(page)), ("per_page", str(per_page))])

    return AsyncPaginator(fetch, max_pages=max_pages)


def check_per_page(value: object) -> int:
    """A page size: an int from 1 to 100 (not a bool, not None)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PER_PAGE:
        raise ConfigurationError(f"per_page must be an int from 1 to {MAX_PER_PAGE}, got {value!r}.")
    return value


def id_list(name: str, values: object) -> list[str]:
    """A list of ids for a request body: a list (or other iterable) of ids, never one bare string."""
    if isinstance(values, str):
        raise ConfigurationError(f"{name} takes a list of ids, not one string: {name}=[{values!r}].")
    if not isinstance(values, Iterable) or isinstance(values, bytes | bytearray | Mapping):
        raise ConfigurationError(f"{name} must be a list of ids, got {type(values).__name__}.")
    return [check_id(name, value) for value in values]


def string_list(name: str, values: object, *, choices: Collection[str] | None = None) -> list[str]:
    """A list filter's values: one string or an iterable of non-empty strings (``choices`` limits them)."""
    if values is None:
        return []
    if isinstance(values, str | enum.Enum):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, bytes | bytearray | Mapping):
        raise ConfigurationError(f"{name} must be a string or a list of strings, got {type(values).__name__}.")
    out: list[str] = []
    for value in values:
        text = value.value if isinstance(value, enum.Enum) else value
        if value is None or not isinstance(text, str):
            raise ConfigurationError(f"{name} must only contain strings, got {value!r}.")
        if not text.strip() or text != text.strip():
            raise ConfigurationError(
                f"{name} values must be non-empty strings without surrounding whitespace, got {text!r}."
            )
        if "," in text:
            parts = [part.strip() for part in text.split(",") if part.strip()]
            raise ConfigurationError(
                f"{name} takes a list for several values, {name}={parts!r}, not one comma-joined string {text!r}."
            )
        if choices is not None and text not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise ConfigurationError(f"{name} values must be among {allowed}; got {text!r}.")
        out.append(text)
    return out


class Params:
    """An ordered list of query pairs; Rails-style ``name[]`` keys repeat (qonto-api.md §5)."""

    __slots__ = ("pairs",)

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def add(self, name: str, value: Any) -> Params:
        if value is None:
            return self
        self.pairs.append((name, self._encode(name, value)))
        return self

    def add_list(
        self, name: str, values: Iterable[str] | str | None, *, choices: Collection[str] | None = None
    ) -> Params:
        """``name[]=a&name[]=b``. A lone string counts as one value; see :func:`string_list`."""
        self.pairs.extend((f"{name}[]", value) for value in string_list(name, values, choices=choices))
        return self

    def add_repeated(
        self, name: str, values: Iterable[str] | str | None, *, choices: Collection[str] | None = None
    ) -> Params:
        """``name=a&name=b``: for the endpoints whose official collection repeats the bare key (SEPA
        beneficiaries) instead of the Rails-style ``name[]``."""
        self.pairs.extend((name, value) for value in string_list(name, values, choices=choices))
        return self

    def add_id(self, name: str, value: object) -> Params:
        """An id-like value (None leaves it out); see :func:`check_id`."""
        if value is not None:
            self.pairs.append((name, check_id(name, value)))
        return self

    def add_bool(self, name: str, value: object) -> Params:
        """``true``/``false`` (None leaves it out); only a real bool, so "yes" or 1 cannot slip through."""
        if value is None:
            return self
        if not isinstance(value, bool):
            raise ConfigurationError(f"{name} must be True or False, got {value!r}.")
        self.pairs.append((name, "true" if value else "false"))
        return self

    def add_datetime(self, name: str, value: object) -> Params:
        """A date-time filter (None leaves it out); see :func:`datetime_param`."""
        if value is not None:
            self.pairs.append((name, datetime_param(name, value)))
        return self

    def paging(self, page: int | None, per_page: int | None) -> Params:
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise ConfigurationError(f"page must be an int >= 1, got {page!r}.")
        if per_page is not None:
            check_per_page(per_page)
        return self.add("page", page).add("per_page", per_page)

    @staticmethod
    def _encode(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, enum.Enum):
            return str(value.value)
        if isinstance(value, str):
            if not value:
                raise ConfigurationError(f"{name} must not be an empty string.")
            return value
        if isinstance(value, datetime):
            return _format_datetime(name, value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | Decimal):
            return str(value)
        raise ConfigurationError(f"{name} has an unsupported type {type(value).__name__}.")
