"""What every resource shares: building requests, encoding parameters the way Qonto reads them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from qonto_async.errors import ConfigurationError
from qonto_async.session import Request

if TYPE_CHECKING:
    from qonto_async.client import QontoClient

T = TypeVar("T")

MAX_PER_PAGE = 100  # qonto-api.md §4: per_page runs from 1 to 100.


class Resource:
    """A namespace of operations (``qonto.transactions``...). Methods only describe requests."""

    __slots__ = ("_client",)

    def __init__(self, client: QontoClient) -> None:
        self._client = client

    async def _send(self, request: Request[T]) -> T:
        return await self._client._send(request)


def path_id(name: str, value: object) -> str:
    """A resource id as one URL path segment (quoted, so an id can never add path segments)."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string id, got {value!r}.")
    return quote(value, safe="")


def _format_datetime(name: str, value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(
            f"{name} must be a timezone-aware datetime (e.g. datetime(2026, 1, 1, tzinfo=UTC)); a naive "
            "datetime is ambiguous."
        )
    # qonto-api.md §5: ISO 8601 in UTC with milliseconds, e.g. 2019-01-10T11:47:53.123Z.
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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

    def add_list(self, name: str, values: Iterable[Any] | str | None) -> Params:
        """``name[]=a&name[]=b``. A lone string counts as one value."""
        if values is None:
            return self
        if isinstance(values, str | enum.Enum):
            values = [values]
        for value in values:
            if value is None:
                raise ConfigurationError(f"{name} must not contain None.")
            self.pairs.append((f"{name}[]", self._encode(name, value)))
        return self

    def paging(self, page: int | None, per_page: int | None) -> Params:
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise ConfigurationError(f"page must be an int >= 1, got {page!r}.")
        if per_page is not None and (
            not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= MAX_PER_PAGE
        ):
            raise ConfigurationError(f"per_page must be an int from 1 to {MAX_PER_PAGE}, got {per_page!r}.")
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
