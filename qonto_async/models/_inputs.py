"""Checks shared by the models that describe what a caller sends (not what Qonto returns)."""

from decimal import Decimal, InvalidOperation

from qonto_async.errors import ConfigurationError

_CENT = Decimal("0.01")


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
