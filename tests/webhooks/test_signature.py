"""X-Qonto-Signature verification (qonto-api.md §10): Qonto's official test vector, the 5-minute window both
ways, tampering, rotation, and malformed headers that only ever raise typed errors."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qonto_async import (
    ConfigurationError,
    MalformedSignatureHeader,
    QontoError,
    WebhookError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from qonto_async.webhooks import compute_signature, construct_event, sign, verify_signature

# docs.qonto.com/api-reference/business-api/webhooks/overview, "Test data to validate your signature
# implementation": payload, header and secret exactly as published.
VECTOR_BODY = b'{"test":"data"}'
VECTOR_HEADER = "t=1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805"
VECTOR_SECRET = "test-secret"
VECTOR_T = 1704110400

SECRET = "whsec_VuvcYxzMbryt1UBytq58jtGBxCgbQdzX"


def test_official_test_vector() -> None:
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T) == VECTOR_T
    assert compute_signature(VECTOR_BODY, VECTOR_SECRET, VECTOR_T) == VECTOR_HEADER.split("v1=")[1]
    assert sign(VECTOR_BODY, VECTOR_SECRET, timestamp=VECTOR_T) == VECTOR_HEADER


def test_official_vector_with_an_aware_datetime_and_a_clock() -> None:
    when = datetime.fromtimestamp(VECTOR_T, UTC) + timedelta(seconds=299)
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=when) == VECTOR_T
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=lambda: when) == VECTOR_T


def test_official_vector_is_stale_today() -> None:
    # Signed on 2024-01-01: with the real clock it is a replay.
    with pytest.raises(WebhookTimestampError, match="ago"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET)


@pytest.mark.parametrize("offset", [0, 1, 299, 300, -1, -300])
def test_inside_the_five_minute_window(offset: int) -> None:
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T + offset) == VECTOR_T


def test_stale_and_future_are_rejected_with_details() -> None:
    with pytest.raises(WebhookTimestampError, match="301 s ago") as stale:
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T + 301)
    assert (stale.value.timestamp, stale.value.now, stale.value.tolerance) == (VECTOR_T, VECTOR_T + 301, 300)
    with pytest.raises(WebhookTimestampError, match="in the future"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T - 301)
    # A custom tolerance.
    with pytest.raises(WebhookTimestampError):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T + 61, tolerance=60)
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T + 600, tolerance=600)


def test_replayed_header_on_another_body_or_time_fails() -> None:
    now = 1_800_000_000
    body = b'{"id":"evt-1","type":"v1/transactions","data":{"amount":"10.00"}}'
    header = sign(body, SECRET, timestamp=now)
    assert verify_signature(body, header, SECRET, now=now) == now
    # The same delivery captured and replayed ten minutes later.
    with pytest.raises(WebhookTimestampError):
        verify_signature(body, header, SECRET, now=now + 600)
    # The timestamp moved forward to dodge the window: the signature no longer matches.
    forged = header.replace(f"t={now}", f"t={now + 600}")
    with pytest.raises(WebhookSignatureError):
        verify_signature(body, forged, SECRET, now=now + 600)


@pytest.mark.parametrize(
    "body",
    [
        b'{"test":"date"}',
        b'{"test": "data"}',  # the same JSON, serialised differently: the raw bytes are what is signed
        b'{"test":"data"}\n',
        b"",
    ],
)
def test_tampered_body_is_rejected(body: bytes) -> None:
    with pytest.raises(WebhookSignatureError, match="raw body"):
        verify_signature(body, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T)


def test_wrong_secret_is_rejected_and_never_echoed() -> None:
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(VECTOR_BODY, VECTOR_HEADER, "another-secret", now=VECTOR_T)
    assert "another-secret" not in str(caught.value)
    assert compute_signature(VECTOR_BODY, "another-secret", VECTOR_T) not in str(caught.value)
    assert isinstance(caught.value, WebhookError)
    assert isinstance(caught.value, QontoError)


def test_rotation_several_secrets_and_several_signatures() -> None:
    # Receiver side: the old and the new secret are both live during a rotation.
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER, ["new-secret", VECTOR_SECRET], now=VECTOR_T) == VECTOR_T
    with pytest.raises(WebhookSignatureError):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, ["new-secret", "older"], now=VECTOR_T)
    # Several v1 entries: any match is enough; an unknown scheme key is ignored.
    other = compute_signature(VECTOR_BODY, "new-secret", VECTOR_T)
    header = f"t={VECTOR_T},v1={other},v1={VECTOR_HEADER.split('v1=')[1]},v0=abc"
    assert verify_signature(VECTOR_BODY, header, VECTOR_SECRET, now=VECTOR_T) == VECTOR_T
    # Whitespace around entries and upper-case hex are tolerated.
    spaced = f" t = {VECTOR_T} , v1 = {VECTOR_HEADER.split('v1=')[1].upper()} "
    assert verify_signature(VECTOR_BODY, spaced, VECTOR_SECRET, now=VECTOR_T) == VECTOR_T


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=1704110400",
        "t=1704110400,v1=",
        "t=1704110400,v1=zz",
        "t=1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa9380",
        "t=abc,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=+1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=1_704_110_400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=\uff11\uff17\uff10\uff14\uff11\uff11\uff10\uff14\uff10\uff10,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=1,t=1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=1704110400;v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "sha256=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805",
        "t=1704110400," + "x" * 5000,
        12345,
    ],
)
def test_malformed_headers(header: object) -> None:
    with pytest.raises(MalformedSignatureHeader):
        verify_signature(VECTOR_BODY, header, VECTOR_SECRET, now=VECTOR_T)  # type: ignore[arg-type]


def test_header_as_bytes() -> None:
    assert verify_signature(VECTOR_BODY, VECTOR_HEADER.encode(), VECTOR_SECRET, now=VECTOR_T)  # type: ignore[arg-type]
    with pytest.raises(MalformedSignatureHeader):
        verify_signature(VECTOR_BODY, b"t=\xff", VECTOR_SECRET, now=VECTOR_T)  # type: ignore[arg-type]


def test_configuration_mistakes_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="bytes"):
        verify_signature('{"test":"data"}', VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="secret"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, "", now=VECTOR_T)
    with pytest.raises(ConfigurationError, match="secret"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, [], now=VECTOR_T)
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=datetime(2024, 1, 1))
    with pytest.raises(ConfigurationError, match="tolerance"):
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T, tolerance=-1)
    # Verification works on bytearray / memoryview too.
    assert verify_signature(bytearray(VECTOR_BODY), VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T)
    assert verify_signature(memoryview(VECTOR_BODY), VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T)


def test_errors_pickle() -> None:
    with pytest.raises(WebhookTimestampError) as caught:
        verify_signature(VECTOR_BODY, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_T + 1000)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.timestamp, copy.now, str(copy)) == (VECTOR_T, VECTOR_T + 1000, str(caught.value))


def test_construct_event_verifies_first() -> None:
    body = b'{"id":"e-1","type":"v1/payment-links-connections","data":{"event":"connection_enabled"}}'
    with pytest.raises(WebhookSignatureError):
        construct_event(body, sign(body, "wrong-secret", timestamp=100), SECRET, now=100)
    event = construct_event(body, sign(body, SECRET, timestamp=100), SECRET, now=100)
    assert event.id == "e-1"


_HEADER_PIECES = st.sampled_from(["t", "v1", "v0", "T", "", " ", "=", ",", "1704110400", "abc", "ü", "\x00"])


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.text(max_size=200), st.lists(_HEADER_PIECES, max_size=12).map("".join)), st.binary(max_size=64)
)
def test_fuzzed_headers_only_raise_typed_errors(header: str, body: bytes) -> None:
    try:
        verify_signature(body, header, VECTOR_SECRET, now=VECTOR_T)
    except WebhookError:
        pass
    else:  # pragma: no cover - a random header matching a real HMAC would be a broken hash
        raise AssertionError(f"accepted a random header {header!r}")


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=256),
    st.integers(min_value=0, max_value=10**11),
    st.integers(min_value=-10_000, max_value=10_000),
)
def test_fuzzed_round_trip(body: bytes, stamp: int, skew: int) -> None:
    header = sign(body, SECRET, timestamp=stamp)
    if abs(skew) <= 300:
        assert verify_signature(body, header, SECRET, now=stamp + skew) == stamp
    else:
        with pytest.raises(WebhookTimestampError):
            verify_signature(body, header, SECRET, now=stamp + skew)
    if body:
        flipped = bytes([body[0] ^ 1]) + body[1:]
        with pytest.raises(WebhookSignatureError):
            verify_signature(flipped, header, SECRET, now=stamp)
