"""Checks shared by the models that describe what a caller sends (not what Qonto returns)."""

from decimal import Decimal, InvalidOperation
from typing import Final

from qonto_async.errors import ConfigurationError

_CENT = Decimal("0.01")
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)


def positive_amount(amount: Decimal | str) -> Decimal:
    """A positive amount with at most 2 decimals, from a ``Decimal`` or a decimal string (qonto-api.md §11).

    A float is refused: most cent amounts have no exact binary float. (Typed for callers; checked for anything.)
    """
    value: object = amount
    if isinstance(value, float):
        raise ConfigurationError(
            f"amount must be a Decimal or a decimal string such as '12.50', never a float (got {value!r}): "
            "a float cannot hold most cent amounts exactly."
        )
    parsed: Decimal
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, str) and value and value == value.strip():
        try:
            parsed = Decimal(value)
        except InvalidOperation:
            parsed = Decimal("NaN")
    elif isinstance(value, str):
        parsed = Decimal("NaN")
    else:
        raise ConfigurationError(f"amount must be a Decimal or a decimal string, got {type(value).__name__}.")
    try:
        exact = parsed.is_finite() and parsed > 0 and parsed == parsed.quantize(_CENT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise ConfigurationError(f"amount must be a positive amount with at most 2 decimals, got {value!r}.")
    return parsed


def string_tuple(value: object) -> tuple[str, ...]:
    """A list of ids as a tuple; a lone string is refused (it would be read as its characters)."""
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ConfigurationError(f"expected a list of ids, got {value!r}.")
    items = tuple(value)
    if not all(isinstance(item, str) and item and item == item.strip() for item in items):
        raise ConfigurationError(f"ids must be non-empty strings without surrounding whitespace, got {items!r}.")
    return items


def finite_decimal(name: str, value: object) -> Decimal:
    """A finite Decimal from a ``Decimal``, a decimal string or an int; a float (or a bool) is refused."""
    if isinstance(value, float):
        raise ConfigurationError(
            f"{name} must be a Decimal or a decimal string such as '12.50', never a float (got {value!r}): "
            "a float cannot hold most decimal values exactly."
        )
    parsed: Decimal
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, int) and not isinstance(value, bool):
        parsed = Decimal(value)
    elif isinstance(value, str) and value and value == value.strip():
        try:
            parsed = Decimal(value)
        except InvalidOperation:
            parsed = Decimal("NaN")
    else:
        raise ConfigurationError(f"{name} must be a Decimal or a decimal string, got {value!r}.")
    if not parsed.is_finite():
        raise ConfigurationError(f"{name} must be a finite decimal number, got {value!r}.")
    return parsed


def vat_rate_fraction(value: Decimal | str | int, *, name: str = "vat_rate") -> Decimal:
    """A VAT rate **as a fraction** (``"0.2"`` = 20 %, ``"0.055"`` = 5.5 %, ``0`` for none), as invoices, quotes,
    products and payment links read it (qonto-api.md §11). A float is refused.

    Cash-flow categories take a percent instead; a value from 1 to 100 here (``"20"``) is refused as a likely
    percent, with the fraction to pass instead. The one implementation: ``qonto_async.resources._base`` and
    ``qonto_async.models.quotes`` re-export it (it lives here so that models can use it without an import cycle).
    """
    rate = finite_decimal(name, value)
    if _ONE <= rate <= _HUNDRED:
        raise ConfigurationError(
            f"{name} is a fraction here ('0.2' means 20 %), not a percent as on cash-flow categories; got {value!r}."
            f" Pass '{(rate / _HUNDRED).normalize():f}' for {rate.normalize():f} %."
        )
    if not 0 <= rate < _ONE:
        raise ConfigurationError(f"{name} is a fraction from 0 to 1 (e.g. '0.2' for 20 %), got {value!r}.")
    return rate
