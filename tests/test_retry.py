"""RetryPolicy and Retry-After parsing (DESIGN §6, qonto-api.md §6.2, RFC 9110 §10.2.3)."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qonto_async import ConfigurationError, RetryPolicy
from qonto_async.retry import parse_retry_after

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)  # a Thursday

# --- parse_retry_after --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("0", 0.0, id="zero"),
        pytest.param("3", 3.0, id="three"),
        pytest.param("120", 120.0, id="two-minutes"),
        pytest.param("3.5", 3.5, id="fraction"),
        pytest.param(" 7 ", 7.0, id="surrounding-spaces"),
        pytest.param("-5", 0.0, id="negative-clamped"),
        pytest.param("-0.5", 0.0, id="negative-fraction-clamped"),
    ],
)
def test_delta_seconds(value: str, expected: float) -> None:
    result = parse_retry_after(value, now=NOW)
    assert result == expected
    assert isinstance(result, float)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Thu, 01 Jan 2026 12:00:30 GMT", 30.0, id="imf-fixdate-future"),
        pytest.param("Thu, 01 Jan 2026 12:02:00 GMT", 120.0, id="imf-fixdate-two-minutes"),
        pytest.param("Thu, 01 Jan 2026 13:00:30 +0100", 30.0, id="numeric-offset"),
        pytest.param("Thu, 01 Jan 2026 12:00:30 -0000", 30.0, id="unknown-zone-as-utc"),
        pytest.param("Thursday, 01-Jan-26 12:00:30 GMT", 30.0, id="rfc850-obsolete"),
        pytest.param("Thu Jan  1 12:00:30 2026", 30.0, id="asctime-obsolete"),
        pytest.param("Thu, 01 Jan 2026 12:00:00 GMT", 0.0, id="now"),
        pytest.param("Thu, 01 Jan 2026 11:59:00 GMT", 0.0, id="past"),
        pytest.param("Sun, 06 Nov 1994 08:49:37 GMT", 0.0, id="long-past"),
    ],
)
def test_http_date(value: str, expected: float) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_http_date_uses_the_current_time_by_default() -> None:
    future = datetime.now(UTC) + timedelta(days=1)
    seconds = parse_retry_after(future.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert seconds is not None
    assert 86_000 < seconds <= 86_400


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="absent"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("soon", id="word"),
        pytest.param("3 seconds", id="number-with-unit"),
        pytest.param("Thu, 99 Jan 2026 12:00:30 GMT", id="impossible-date"),
        pytest.param("inf", id="inf"),
        pytest.param("-inf", id="minus-inf"),
        pytest.param("Infinity", id="infinity"),
        pytest.param("nan", id="nan"),
        pytest.param("NaN", id="nan-mixed-case"),
        pytest.param("\u00b2", id="superscript-two"),
        pytest.param("\u0663", id="arabic-indic-three"),
        pytest.param("\uff13", id="fullwidth-three"),
    ],
)
def test_unreadable_gives_none(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_absurdly_long_delay_does_not_raise() -> None:
    # Past int()'s 4,300-digit limit; the answer only has to be "too long to wait".
    result = parse_retry_after("9" * 5000, now=NOW)
    assert result is not None
    assert result > 1e300


@given(st.one_of(st.text(max_size=60), st.from_regex(r"-?[0-9]{1,400}(\.[0-9]{0,5})?", fullmatch=True)))
def test_never_raises_and_never_negative(value: str) -> None:
    result = parse_retry_after(value, now=NOW)
    assert result is None or (isinstance(result, float) and result >= 0 and not math.isnan(result))


@given(st.integers(min_value=0, max_value=10**9))
def test_any_delta_seconds_round_trips(seconds: int) -> None:
    assert parse_retry_after(str(seconds), now=NOW) == float(seconds)


@given(st.integers(min_value=-(10**8), max_value=10**8))
def test_any_http_date_is_the_distance_from_now(offset: int) -> None:
    when = NOW + timedelta(seconds=offset)
    value = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(value, now=NOW) == max(0.0, float(offset))


# --- RetryPolicy validation ---------------------------------------------------------------------------------------


def test_defaults() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts == 4
    assert policy.retry_statuses == frozenset({429, 500, 502, 503, 504})
    assert policy.retry_connection_errors is True
    assert policy.random is random.random
    assert 0 < policy.backoff_base <= policy.backoff_max
    assert 0 < policy.max_retry_after <= policy.total_timeout


def test_disabled_never_retries() -> None:
    assert RetryPolicy.disabled().max_attempts == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        pytest.param({"max_attempts": 0}, "max_attempts must be an int >= 1", id="max-attempts-zero"),
        pytest.param({"max_attempts": -3}, "max_attempts must be an int >= 1", id="max-attempts-negative"),
        pytest.param({"max_attempts": True}, "max_attempts", id="max-attempts-bool"),
        pytest.param({"max_attempts": 2.0}, "max_attempts", id="max-attempts-float"),
        pytest.param({"max_attempts": "3"}, "max_attempts", id="max-attempts-str"),
        pytest.param({"backoff_base": -0.1}, "backoff_base must be a number >= 0", id="backoff-base-negative"),
        pytest.param({"backoff_max": -1}, "backoff_max must be a number >= 0", id="backoff-max-negative"),
        pytest.param({"max_retry_after": -1.0}, "max_retry_after", id="max-retry-after-negative"),
        pytest.param({"total_timeout": -0.001}, "total_timeout", id="total-timeout-negative"),
        pytest.param({"backoff_base": True}, "backoff_base", id="backoff-base-bool"),
        pytest.param({"total_timeout": False}, "total_timeout", id="total-timeout-bool"),
        pytest.param({"backoff_max": "8"}, "backoff_max", id="backoff-max-str"),
        pytest.param({"backoff_base": math.nan}, "backoff_base", id="backoff-base-nan"),
        pytest.param({"total_timeout": math.nan}, "total_timeout", id="total-timeout-nan"),
        pytest.param({"retry_statuses": {200}}, "4xx/5xx", id="statuses-success"),
        pytest.param({"retry_statuses": {503, 302}}, "4xx/5xx", id="statuses-redirect"),
        pytest.param({"retry_statuses": {600}}, "4xx/5xx", id="statuses-above-5xx"),
        pytest.param({"retry_statuses": {99}}, "4xx/5xx", id="statuses-nonsense"),
        pytest.param({"retry_statuses": {"503"}}, "4xx/5xx", id="statuses-str-member"),
        pytest.param({"retry_statuses": {True}}, "4xx/5xx", id="statuses-bool-member"),
        pytest.param({"retry_statuses": 503}, "collection", id="statuses-int"),
        pytest.param({"retry_statuses": "503"}, "collection", id="statuses-str"),
        pytest.param({"retry_statuses": None}, "collection", id="statuses-none"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_evolve_is_validated_too() -> None:
    with pytest.raises(ConfigurationError):
        attrs.evolve(RetryPolicy(), max_attempts=0)


@pytest.mark.parametrize(
    "statuses",
    [pytest.param([429, 503], id="list"), pytest.param((408, 599), id="tuple"), pytest.param(set(), id="empty")],
)
def test_retry_statuses_become_a_frozenset(statuses: list[int] | tuple[int, ...] | set[int]) -> None:
    policy = RetryPolicy(retry_statuses=statuses)  # type: ignore[arg-type]
    assert policy.retry_statuses == frozenset(statuses)
    assert isinstance(policy.retry_statuses, frozenset)


def test_zero_and_infinite_limits_are_accepted() -> None:
    policy = RetryPolicy(backoff_base=0, backoff_max=0, max_retry_after=math.inf, total_timeout=math.inf)
    assert policy.backoff(3) == 0.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("max_attempts", 9, id="max_attempts"),
        pytest.param("backoff_base", 1.0, id="backoff_base"),
        pytest.param("retry_statuses", frozenset({500}), id="retry_statuses"),
        pytest.param("random", random.random, id="random"),
    ],
)
def test_frozen(field: str, value: object) -> None:
    policy = RetryPolicy()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(policy, field, value)


def test_equality_ignores_the_random_source() -> None:
    assert RetryPolicy(random=lambda: 0.0) == RetryPolicy(random=lambda: 1.0)
    assert RetryPolicy(max_attempts=2) != RetryPolicy(max_attempts=3)


# --- backoff ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ceiling"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (50, 8.0)],
    ids=lambda v: f"{v}",
)
def test_backoff_ceiling_with_defaults(n: int, ceiling: float) -> None:
    assert RetryPolicy(random=lambda: 1.0).backoff(n) == ceiling
    assert RetryPolicy(random=lambda: 0.0).backoff(n) == 0.0
    assert RetryPolicy(random=lambda: 0.5).backoff(n) == ceiling / 2


def test_backoff_with_many_retries_does_not_overflow() -> None:
    # max_attempts has no upper bound, so retry numbers past 2**10 (where 2**n leaves float range) must work.
    policy = RetryPolicy(max_attempts=10_000, random=lambda: 1.0)
    assert policy.backoff(1025) == policy.backoff_max
    assert policy.backoff(9_999) == policy.backoff_max
    assert RetryPolicy(backoff_base=0, random=lambda: 1.0).backoff(5000) == 0.0


@given(
    n=st.integers(min_value=1, max_value=5000),
    base=st.floats(min_value=0, max_value=60, allow_nan=False),
    cap=st.floats(min_value=0, max_value=600, allow_nan=False),
    r=st.floats(min_value=0, max_value=1),
)
def test_backoff_stays_within_full_jitter_bounds(n: int, base: float, cap: float, r: float) -> None:
    top = RetryPolicy(backoff_base=base, backoff_max=cap, random=lambda: 1.0).backoff(n)
    bottom = RetryPolicy(backoff_base=base, backoff_max=cap, random=lambda: 0.0).backoff(n)
    jittered = RetryPolicy(backoff_base=base, backoff_max=cap, random=lambda: r).backoff(n)
    expected_top = float(min(Fraction(cap), Fraction(base) * 2 ** (n - 1)))  # exact, no float overflow
    assert bottom == 0.0
    assert top == expected_top
    assert 0.0 <= jittered <= top
    assert top <= cap


@given(n=st.integers(min_value=1, max_value=200))
def test_backoff_ceiling_never_shrinks(n: int) -> None:
    policy = RetryPolicy(random=lambda: 1.0)
    assert policy.backoff(n) <= policy.backoff(n + 1)


@given(n=st.integers(min_value=1, max_value=30))
def test_default_random_jitter_is_in_range(n: int) -> None:
    policy = RetryPolicy()
    assert 0.0 <= policy.backoff(n) <= min(policy.backoff_max, policy.backoff_base * 2 ** (n - 1))
