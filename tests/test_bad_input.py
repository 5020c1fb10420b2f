"""Issue #2, "Bad input": every wrong argument is a ConfigurationError that says what to do, raised before sending."""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any, assert_type

import pytest

from qonto_async import ConfigurationError, Environment, OAuthBearerAuth, OAuthToken, QontoClient, StaticKeyAuth
from qonto_async.auth.flow import build_authorization_url
from qonto_async.errors import CredentialFormatError
from qonto_async.models import Transaction, TransactionStatus
from qonto_async.pagination import AsyncPaginator, Page
from qonto_async.retry import RetryPolicy
from tests.conftest import LoopbackServer

LOGIN = "pied-piper-7132"
SECRET = "62885d39f3a0ddedd3d3ee0432a43ccr"
ACCOUNT = "018f2a5e-7a3b-7000-8000-000000000001"
EMPTY_PAGE = {"transactions": [], "meta": {"current_page": 1, "next_page": None}}


@pytest.fixture
async def qonto(server: LoopbackServer) -> AsyncIterator[QontoClient]:
    assert server.environment is not None
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    async with QontoClient(auth=auth, environment=server.environment) as client:
        yield client


# --- transactions: filters ----------------------------------------------------------------------------------------

BAD_FILTERS = [
    pytest.param({"status": "completed,pending"}, "status=['completed', 'pending']", id="status-comma-joined"),
    pytest.param({"status": ["completed, pending"]}, "takes a list", id="status-comma-joined-item"),
    pytest.param(
        {"status": ["completed", "settled"]}, "among 'pending', 'declined', 'completed'", id="status-unknown"
    ),
    pytest.param({"status": "Completed"}, "among", id="status-wrong-case"),
    pytest.param({"status": TransactionStatus.REVERSED}, "among", id="status-reversed-enum"),
    pytest.param({"status": 5}, "a string or a list of strings", id="status-int"),
    pytest.param({"status": [5]}, "only contain strings", id="status-int-item"),
    pytest.param({"status": [""]}, "non-empty", id="status-empty-item"),
    pytest.param({"updated_at_from": "nope"}, "ISO 8601 date-time with a timezone", id="date-string-garbage"),
    pytest.param({"updated_at_to": "2026-01-01T00:00:00"}, "timezone-aware", id="date-string-naive"),
    pytest.param({"settled_at_from": "2026-01-01"}, "timezone-aware", id="date-string-date-only"),
    pytest.param({"settled_at_to": "2026-13-01T00:00:00Z"}, "ISO 8601", id="date-string-month-13"),
    pytest.param({"emitted_at_from": ""}, "ISO 8601", id="date-string-empty"),
    pytest.param({"emitted_at_to": date(2026, 1, 1)}, "timezone-aware datetime", id="date-object"),
    pytest.param({"updated_at_from": 1767225600}, "timezone-aware datetime", id="date-epoch-int"),
    pytest.param({"updated_at_from": datetime(2026, 1, 1)}, "timezone-aware", id="datetime-naive"),
    pytest.param({"with_attachments": "yes"}, "with_attachments must be True or False", id="attachments-yes"),
    pytest.param({"with_attachments": 1}, "with_attachments must be True or False", id="attachments-one"),
    pytest.param({"with_attachments": "false"}, "with_attachments must be True or False", id="attachments-str"),
    pytest.param({"operation_type": [""]}, "non-empty", id="operation-type-empty"),
    pytest.param({"operation_type": ["  "]}, "non-empty", id="operation-type-blank"),
    pytest.param({"operation_type": ["card", None]}, "only contain strings", id="operation-type-none"),
    pytest.param({"operation_type": [3]}, "only contain strings", id="operation-type-int"),
    pytest.param({"operation_type": "card,transfer"}, "takes a list", id="operation-type-comma-joined"),
    pytest.param({"includes": 5}, "a string or a list of strings", id="includes-int"),
]


@pytest.mark.parametrize(("kwargs", "fragment"), BAD_FILTERS)
async def test_bad_filters_are_refused_before_sending(
    qonto: QontoClient, server: LoopbackServer, kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        await qonto.transactions.list(bank_account_id=ACCOUNT, **kwargs)
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        qonto.transactions.iterate(bank_account_id=ACCOUNT, **kwargs)
    assert server.requests == []


BAD_IDS = [
    pytest.param("", id="empty"),
    pytest.param("  ", id="blank"),
    pytest.param(" acc-1", id="leading-space"),
    pytest.param("acc-1\n", id="trailing-newline"),
    pytest.param(123, id="int"),
    pytest.param(["acc-1"], id="list"),
]


@pytest.mark.parametrize("field", ["bank_account_id", "iban"])
@pytest.mark.parametrize("value", BAD_IDS)
async def test_bad_account_ids_are_refused_before_sending(
    qonto: QontoClient, server: LoopbackServer, field: str, value: Any
) -> None:
    with pytest.raises(ConfigurationError, match=f"{field} must be a non-empty string without surrounding"):
        await qonto.transactions.list(**{field: value})
    with pytest.raises(ConfigurationError, match=field):
        qonto.transactions.iterate(**{field: value})
    assert server.requests == []


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("resource", ["transactions", "bank_accounts"])
async def test_bad_ids_for_get_are_refused_before_sending(
    qonto: QontoClient, server: LoopbackServer, resource: str, value: object
) -> None:
    with pytest.raises(ConfigurationError, match="id must be a non-empty string without surrounding whitespace"):
        await getattr(qonto, resource).get(value)
    assert server.requests == []


BAD_PAGE_COUNTS = [
    pytest.param(0, id="zero"),
    pytest.param(-1, id="negative"),
    pytest.param(True, id="bool"),
    pytest.param("x", id="str"),
    pytest.param(2.0, id="float"),
    pytest.param(None, id="none"),
]


@pytest.mark.parametrize("value", BAD_PAGE_COUNTS)
@pytest.mark.parametrize("name", ["per_page", "max_pages"])
async def test_bad_iterate_page_counts_are_refused_before_sending(
    qonto: QontoClient, server: LoopbackServer, name: str, value: Any
) -> None:
    with pytest.raises(ConfigurationError, match=name):
        qonto.transactions.iterate(bank_account_id=ACCOUNT, **{name: value})
    with pytest.raises(ConfigurationError, match=name):
        qonto.bank_accounts.iterate(**{name: value})
    assert server.requests == []


async def test_valid_filters_are_sent_normalised(qonto: QontoClient, server: LoopbackServer) -> None:
    server.json("GET", "/v2/transactions", EMPTY_PAGE)
    await qonto.transactions.list(
        bank_account_id=ACCOUNT,
        status=TransactionStatus.PENDING,
        updated_at_from="2026-01-01T01:00:00+01:00",
        updated_at_to="2026-01-31T23:59:59.5Z",
        settled_at_from=datetime(2026, 1, 1, tzinfo=UTC),
        emitted_at_to="2026-02-01T00:00:00.123456-02:30",
        operation_type="card",
        with_attachments=True,
    )
    [call] = server.calls("GET", "/v2/transactions")
    assert call["query"] == [
        ("bank_account_id", ACCOUNT),
        ("status[]", "pending"),
        ("updated_at_from", "2026-01-01T00:00:00.000Z"),
        ("updated_at_to", "2026-01-31T23:59:59.500Z"),
        ("settled_at_from", "2026-01-01T00:00:00.000Z"),
        ("emitted_at_to", "2026-02-01T02:30:00.123Z"),
        ("operation_type[]", "card"),
        ("with_attachments", "true"),
    ]


async def test_every_valid_status_is_accepted(qonto: QontoClient, server: LoopbackServer) -> None:
    server.json("GET", "/v2/transactions", EMPTY_PAGE)
    everything = [TransactionStatus.PENDING, "declined", "completed"]
    await qonto.transactions.iterate(iban="FR7616798000010000005663951", status=everything).to_list()
    [call] = server.calls("GET", "/v2/transactions")
    assert [value for key, value in call["query"] if key == "status[]"] == ["pending", "declined", "completed"]


# --- the paginator ------------------------------------------------------------------------------------------------


def _counting_paginator(**kwargs: Any) -> tuple[AsyncPaginator[int], list[int]]:
    fetched: list[int] = []

    async def fetch(page: int) -> Page[int]:
        fetched.append(page)
        return Page(items=(1, 2, 3))

    return AsyncPaginator(fetch, **kwargs), fetched


@pytest.mark.parametrize("value", BAD_PAGE_COUNTS)
def test_paginator_max_pages_must_be_a_positive_int(value: object) -> None:
    with pytest.raises(ConfigurationError, match="max_pages must be an int >= 1"):
        _counting_paginator(max_pages=value)


async def test_to_list_limit_zero_fetches_nothing() -> None:
    paginator, fetched = _counting_paginator()
    assert await paginator.to_list(limit=0) == []
    assert fetched == []
    assert await paginator.to_list(limit=2) == [1, 2]
    assert fetched == [1]


@pytest.mark.parametrize(
    "limit",
    [
        pytest.param(-1, id="negative"),
        pytest.param(True, id="bool"),
        pytest.param("3", id="str"),
        pytest.param(1.5, id="float"),
    ],
)
async def test_to_list_bad_limit_is_refused_before_fetching(limit: object) -> None:
    paginator, fetched = _counting_paginator()
    with pytest.raises(ConfigurationError, match="limit must be None"):
        await paginator.to_list(limit=limit)  # type: ignore[arg-type]
    assert fetched == []


async def test_pages_is_typed_as_an_async_iterator_of_pages(qonto: QontoClient, server: LoopbackServer) -> None:
    server.json("GET", "/v2/transactions", EMPTY_PAGE)
    pages = qonto.transactions.iterate(bank_account_id=ACCOUNT).pages()
    assert_type(pages, AsyncIterator[Page[Transaction]])
    assert [len(page) async for page in pages] == [0]


# --- StaticKeyAuth: copy-paste damage -----------------------------------------------------------------------------

DAMAGE = [
    pytest.param("\u200b", "invisible character (U+200B ZERO WIDTH SPACE)", id="zero-width-space"),
    pytest.param("\ufeff", "invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)", id="byte-order-mark"),
    pytest.param("\u200d", "invisible character (U+200D", id="zero-width-joiner"),
    pytest.param("\u2060", "invisible character (U+2060", id="word-joiner"),
    pytest.param("\x00", "control character (U+0000", id="nul"),
    pytest.param("\x1b", "control character (U+001B", id="escape"),
    pytest.param("\x7f", "control character (U+007F", id="delete"),
    pytest.param("\u00e9", "non-ASCII character (U+00E9", id="e-acute"),
    pytest.param("\u2013", "non-ASCII character (U+2013", id="en-dash"),
    pytest.param("\u00a0", "non-ASCII character (U+00A0", id="no-break-space"),
    pytest.param('"', "quote character (U+0022", id="double-quote"),
    pytest.param("'", "quote character (U+0027", id="single-quote"),
    pytest.param("`", "quote character (U+0060", id="backtick"),
    pytest.param("\u201c", "quote character (U+201C", id="left-double-quote"),
    pytest.param("\u201d", "quote character (U+201D", id="right-double-quote"),
    pytest.param("\u2018", "quote character (U+2018", id="left-single-quote"),
    pytest.param("\u2019", "quote character (U+2019", id="right-single-quote"),
]


@pytest.mark.parametrize(("char", "words"), DAMAGE)
@pytest.mark.parametrize("where", ["login", "secret_key"])
@pytest.mark.parametrize("at", ["start", "middle", "end"])
def test_copy_paste_damage_is_refused_with_its_own_message(char: str, words: str, where: str, at: str) -> None:
    parts = {"login": LOGIN, "secret_key": SECRET}
    value = parts[where]
    cut = {"start": 0, "middle": len(value) // 2, "end": len(value)}[at]
    parts[where] = value[:cut] + char + value[cut:]
    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth(**parts)
    message = str(caught.value)
    assert message.startswith(f"copy-paste damage: StaticKeyAuth {where} contains")
    assert words in message
    assert f"position {cut + 1}" in message
    assert SECRET not in message


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(f"\ufeff{LOGIN}:{SECRET}", id="bom"),
        pytest.param(f'"{LOGIN}:{SECRET}"', id="straight-quotes"),
        pytest.param(f"\u201c{LOGIN}:{SECRET}\u201d", id="typographic-quotes"),
        pytest.param(f"{LOGIN}:{SECRET}\u200b", id="trailing-zero-width-space"),
    ],
)
def test_from_header_value_refuses_copy_paste_damage(value: str) -> None:
    with pytest.raises(CredentialFormatError, match="copy-paste damage") as caught:
        StaticKeyAuth.from_header_value(value)
    assert SECRET not in str(caught.value)


# --- OAuth tokens, OAuthBearerAuth, the authorization URL ---------------------------------------------------------

EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("scopes", "words"),
    [
        pytest.param(5, "space-separated string or an iterable of strings", id="int"),
        pytest.param(b"offline_access", "space-separated string or an iterable of strings", id="bytes"),
        pytest.param(["offline_access", 5], "only hold scope name strings", id="int-item"),
        pytest.param([None], "only hold scope name strings", id="none-item"),
    ],
)
def test_token_scopes_must_be_strings(scopes: object, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        OAuthToken(access_token="at-1", expires_at=EXPIRES, scopes=scopes)


def test_token_scopes_accept_a_string_or_strings() -> None:
    assert OAuthToken(access_token="at-1", expires_at=EXPIRES, scopes="a b").scopes == ("a", "b")
    assert OAuthToken(access_token="at-1", expires_at=EXPIRES, scopes=iter(["a", "b"])).scopes == ("a", "b")


@pytest.mark.parametrize("field", ["access_token", "refresh_token"])
@pytest.mark.parametrize(
    "damage",
    [pytest.param("\x00", id="nul"), pytest.param("\x7f", id="delete"), pytest.param("\u00e9", id="e-acute")],
)
def test_token_strings_must_be_printable_ascii(field: str, damage: str) -> None:
    secret = f"tok{damage}en-9f8e7d"
    kwargs: dict[str, Any] = {"access_token": "at-1", "expires_at": EXPIRES, field: secret}
    with pytest.raises(ConfigurationError, match=f"{field} contains a control or non-ASCII character") as caught:
        OAuthToken(**kwargs)
    assert secret not in str(caught.value)


def _oauth(**kwargs: Any) -> OAuthBearerAuth:
    token = OAuthToken(access_token="at-1", refresh_token="rt-1", expires_at=EXPIRES)
    return OAuthBearerAuth(client_id="qonto-app-7f3e2a", client_secret="cs-9d8c7b6a", token=token, **kwargs)


@pytest.mark.parametrize(
    "leeway",
    [
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="inf"),
        pytest.param(-math.inf, id="minus-inf"),
        pytest.param(-1, id="negative"),
    ],
)
def test_oauth_leeway_must_be_finite(leeway: float) -> None:
    with pytest.raises(ConfigurationError, match="leeway must be a finite number of seconds >= 0"):
        _oauth(leeway=leeway)


@pytest.mark.parametrize("leeway", [pytest.param(1e15, id="float"), pytest.param(10**400, id="int-beyond-float")])
def test_oauth_leeway_too_large_for_a_timedelta_is_a_configuration_error(leeway: float) -> None:
    with pytest.raises(ConfigurationError, match="leeway is too large") as caught:
        _oauth(leeway=leeway)
    assert caught.value.__context__ is None or isinstance(caught.value.__context__, OverflowError)


@pytest.mark.parametrize("clock", [pytest.param(None, id="none"), pytest.param("now", id="str")])
def test_oauth_clock_must_be_callable(clock: object) -> None:
    with pytest.raises(ConfigurationError, match="clock must be callable"):
        _oauth(clock=clock)


def _authorize(**kwargs: Any) -> None:
    base: dict[str, Any] = {
        "client_id": "qonto-app-7f3e2a",
        "redirect_uri": "https://app.example/callback",
        "scopes": ["offline_access"],
        "state": "state-0123456789",
    }
    build_authorization_url(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        pytest.param({"scopes": None}, "scopes must be a list of scope names", id="scopes-none"),
        pytest.param({"scopes": 5}, "scopes must be a list of scope names", id="scopes-int"),
        pytest.param({"pkce": "yes"}, "pkce must be True", id="pkce-yes"),
        pytest.param({"pkce": 1}, "pkce must be True", id="pkce-one"),
        pytest.param({"pkce": None}, "pkce must be True", id="pkce-none"),
    ],
)
def test_authorization_url_bad_arguments(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        _authorize(**kwargs)


# --- RetryPolicy, Environment -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [pytest.param(None, id="none"), pytest.param(0.5, id="float")])
def test_retry_random_must_be_callable(value: object) -> None:
    with pytest.raises(ConfigurationError, match=r"RetryPolicy\.random must be callable"):
        RetryPolicy(random=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [pytest.param("yes", id="yes"), pytest.param(1, id="one"), pytest.param(None, id="none")]
)
def test_requires_staging_token_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="requires_staging_token must be True or False"):
        Environment(
            name="x", api_url="https://a.example", oauth_url="https://a.example", requires_staging_token=value
        )


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://u:hunter2@api.example.com", id="credentials"),
        pytest.param("https://u:hunter2@api.example.com/v2?x=1", id="credentials-and-query"),
        pytest.param("https://u:hunter2@api.example.com:port", id="credentials-bad-port"),
        pytest.param("https://u:hunter2@[::1", id="credentials-broken-ipv6"),
        pytest.param("ftp://u:hunter2@api.example.com", id="credentials-other-scheme"),
        pytest.param("http://u:hunter2@api.example.com", id="credentials-plain-http"),
        pytest.param("u:hunter2@api.example.com", id="credentials-no-scheme"),
        pytest.param("https://u:hun@ter2@api.example.com", id="at-sign-in-password"),
    ],
)
def test_url_errors_never_echo_a_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Environment(name="x", api_url=url, oauth_url="https://b.example", requires_staging_token=False)
    message = str(caught.value)
    assert "hunter2" not in message
    assert "ter2" not in message


def test_url_error_still_shows_where_the_url_points() -> None:
    with pytest.raises(ConfigurationError, match=r"'https://\*\*\*@api\.example\.com'"):
        Environment(
            name="x",
            api_url="https://u:hunter2@api.example.com",
            oauth_url="https://b.example",
            requires_staging_token=False,
        )
