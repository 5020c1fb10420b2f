"""StaticKeyAuth: the exact header, and every mistake from Qonto's API-key troubleshooting page (qonto-api.md §2.1)."""

from __future__ import annotations

import base64
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qonto_async import PRODUCTION, CredentialFormatError, StaticKeyAuth
from qonto_async.auth import AuthContext

LOGIN = "pied-piper-7132"
SECRET = "62885d39f3a0ddedd3d3ee0432a43ccr"


def _ctx() -> AuthContext:
    return AuthContext(
        method="GET",
        url="https://thirdparty.qonto.com/v2/organization",
        attempt=1,
        environment=PRODUCTION,
        token_endpoint=object(),  # type: ignore[arg-type]
    )


def _b64(text: str, *, urlsafe: bool = False, padded: bool = True) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    out = encode(text.encode()).decode()
    return out if padded else out.rstrip("=")


# --- the header ---------------------------------------------------------------------------------------------------


async def test_header_is_login_colon_secret_exactly() -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    headers = await auth.headers(_ctx())
    assert dict(headers) == {"Authorization": f"{LOGIN}:{SECRET}"}
    assert auth.login == LOGIN


async def test_header_is_the_same_on_every_attempt() -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    first = await auth.headers(_ctx())
    second = await auth.headers(_ctx())
    assert dict(first) == dict(second) == {"Authorization": f"{LOGIN}:{SECRET}"}


async def test_header_mapping_is_read_only() -> None:
    headers = await StaticKeyAuth(login=LOGIN, secret_key=SECRET).headers(_ctx())
    with pytest.raises(TypeError):
        headers["Authorization"] = "tampered"  # type: ignore[index]


async def test_on_unauthorized_never_asks_for_another_try() -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    sent = await auth.headers(_ctx())
    assert await auth.on_unauthorized(_ctx(), sent) is False


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        StaticKeyAuth(LOGIN, SECRET)  # type: ignore[misc]


@pytest.mark.parametrize(
    "login",
    [
        pytest.param("basic-fit-1234", id="slug-starting-with-basic"),
        pytest.param("bearer-co-12", id="slug-starting-with-bearer"),
        pytest.param("a-1", id="shortest-slug"),
    ],
)
async def test_slugs_that_resemble_a_scheme_word_are_accepted(login: str) -> None:
    headers = await StaticKeyAuth(login=login, secret_key=SECRET).headers(_ctx())
    assert headers["Authorization"] == f"{login}:{SECRET}"


# --- the troubleshooting page's mistakes, each with its own message ------------------------------------------------


@pytest.mark.parametrize(
    ("login", "secret_key", "words"),
    [
        pytest.param("", SECRET, ["login is empty"], id="empty-login"),
        pytest.param(LOGIN, "", ["secret_key is empty"], id="empty-secret"),
        pytest.param(None, SECRET, ["login must be a string", "NoneType"], id="login-none"),
        pytest.param(LOGIN, SECRET.encode(), ["secret_key must be a string", "bytes"], id="secret-bytes"),
        pytest.param(7132, SECRET, ["login must be a string", "int"], id="login-int"),
        pytest.param(f"{LOGIN}:x", SECRET, ["login contains ':'", "separately"], id="colon-in-login"),
        pytest.param(LOGIN, f"x:{SECRET}", ["secret_key contains ':'"], id="colon-in-secret"),
        pytest.param(
            f"{LOGIN}:{SECRET}", "other", ["login contains ':'", "from_header_value"], id="whole-key-as-login"
        ),
        pytest.param(
            LOGIN, f"Bearer {SECRET}", ["secret_key starts with 'Bearer '", "no scheme prefix"], id="bearer-prefix"
        ),
        pytest.param(LOGIN, f"bearer {SECRET}", ["starts with 'Bearer '"], id="bearer-prefix-lowercase"),
        pytest.param(LOGIN, f"BEARER {SECRET}", ["starts with 'Bearer '"], id="bearer-prefix-uppercase"),
        pytest.param(f"Basic {LOGIN}", SECRET, ["login starts with 'Basic '"], id="basic-prefix"),
        pytest.param(f"bAsIc {LOGIN}", SECRET, ["login starts with 'Basic '"], id="basic-prefix-mixed-case"),
        pytest.param(LOGIN, f"Basic\t{SECRET}", ["starts with 'Basic '"], id="basic-prefix-with-tab"),
        pytest.param(f" {LOGIN}", SECRET, ["login contains spaces or tabs", "whitespace"], id="leading-space"),
        pytest.param(LOGIN, f"{SECRET} ", ["secret_key contains spaces or tabs"], id="trailing-space"),
        pytest.param("pied piper-7132", SECRET, ["login contains spaces or tabs"], id="inner-space"),
        pytest.param(LOGIN, f"{SECRET[:10]}\t{SECRET[10:]}", ["secret_key contains spaces or tabs"], id="tab"),
        pytest.param(LOGIN, f"{SECRET}\n", ["secret_key contains a line break", "trailing newline"], id="lf"),
        pytest.param(f"{LOGIN}\r\n", SECRET, ["login contains a line break"], id="crlf"),
        pytest.param(LOGIN, f"{SECRET}\r", ["contains a line break"], id="cr"),
    ],
)
def test_mistake_is_refused_with_its_own_message(login: object, secret_key: object, words: list[str]) -> None:
    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth(login=login, secret_key=secret_key)  # type: ignore[arg-type]
    message = str(caught.value)
    for word in words:
        assert word in message


_PAIR = f"{LOGIN}:{SECRET}"


@pytest.mark.parametrize(
    "blob",
    [
        pytest.param(_b64(_PAIR), id="standard-padded"),
        pytest.param(_b64(_PAIR, padded=False), id="standard-unpadded"),
        pytest.param(_b64("org-1:" + "a?>" * 11), id="standard-alphabet-with-plus-or-slash"),
        pytest.param(_b64("org-1:" + "a?>" * 11, urlsafe=True), id="urlsafe-padded"),
        pytest.param(_b64("org-1:" + "a?>" * 11, urlsafe=True, padded=False), id="urlsafe-unpadded"),
        pytest.param(_b64(_PAIR + "\n"), id="echo-without-n-trailing-newline"),
    ],
)
@pytest.mark.parametrize("where", ["login", "secret_key"])
def test_base64_of_login_and_secret_is_refused(blob: str, where: str) -> None:
    kwargs = {"login": LOGIN, "secret_key": SECRET, where: blob}
    with pytest.raises(
        CredentialFormatError, match=rf"^StaticKeyAuth {where} looks like a base64 encoding"
    ) as caught:
        StaticKeyAuth(**kwargs)
    assert "never base64-encoded" in str(caught.value)


def test_the_alphabet_cases_really_differ() -> None:
    # Guard for the parametrisation above: the urlsafe blobs must contain '-' or '_', the standard ones '+' or '/'.
    standard = _b64("org-1:" + "a?>" * 11)
    urlsafe = _b64("org-1:" + "a?>" * 11, urlsafe=True)
    assert set(standard) & set("+/")
    assert set(urlsafe) & set("-_")


def test_swapped_login_and_secret_are_refused() -> None:
    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth(login=SECRET, secret_key=LOGIN)
    message = str(caught.value)
    assert "look swapped" in message
    assert "Swap the two arguments" in message
    assert SECRET not in message


def test_identical_login_and_secret_are_refused() -> None:
    with pytest.raises(CredentialFormatError, match="identical"):
        StaticKeyAuth(login=SECRET, secret_key=SECRET)


def test_credential_format_error_is_a_configuration_error() -> None:
    from qonto_async import ConfigurationError, QontoError

    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth(login="", secret_key=SECRET)
    assert isinstance(caught.value, ConfigurationError)
    assert isinstance(caught.value, QontoError)
    assert isinstance(caught.value, ValueError)


# --- from_header_value ----------------------------------------------------------------------------------------------


async def test_from_header_value_builds_the_same_header() -> None:
    auth = StaticKeyAuth.from_header_value(f"{LOGIN}:{SECRET}")
    assert auth.login == LOGIN
    assert (await auth.headers(_ctx()))["Authorization"] == f"{LOGIN}:{SECRET}"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param(LOGIN + SECRET, ["no ':' separator"], id="no-separator"),
        pytest.param(f"{LOGIN}:{SECRET}:extra", ["more than one ':'"], id="two-separators"),
        pytest.param(_b64(_PAIR), ["base64"], id="base64-blob"),
        pytest.param(_b64(_PAIR, urlsafe=True, padded=False), ["base64"], id="base64-blob-urlsafe-unpadded"),
        pytest.param(f"Basic {_b64(_PAIR)}", ["starts with 'Basic '"], id="basic-header-value"),
        pytest.param(f"Bearer {LOGIN}:{SECRET}", ["starts with 'Bearer '"], id="bearer-header-value"),
        pytest.param(f":{SECRET}", ["login is empty"], id="missing-login"),
        pytest.param(f"{LOGIN}:", ["secret_key is empty"], id="missing-secret"),
        pytest.param(f"{LOGIN}:{SECRET}\n", ["secret_key contains a line break"], id="trailing-newline"),
        pytest.param(b"a:b", ["must be a string"], id="bytes"),
    ],
)
def test_from_header_value_refuses(value: object, words: list[str]) -> None:
    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth.from_header_value(value)  # type: ignore[arg-type]
    for word in words:
        assert word in str(caught.value)
    assert SECRET not in str(caught.value)


# --- the secret never leaks -----------------------------------------------------------------------------------------


def test_repr_str_and_format_hide_the_secret() -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    for text in (repr(auth), str(auth), f"{auth!r}", f"{auth}", f"{auth!s}", "%s %r" % (auth, auth)):  # noqa: UP031
        assert SECRET not in text
        assert LOGIN in text
    assert repr(auth) == f"StaticKeyAuth(login={LOGIN!r}, secret_key='***')"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1), ids=lambda p: f"protocol-{p}")
def test_pickling_is_refused(protocol: int) -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    with pytest.raises(TypeError, match="cannot be pickled") as caught:
        pickle.dumps(auth, protocol=protocol)
    assert SECRET not in str(caught.value)


def test_no_instance_dict_to_dump() -> None:
    auth = StaticKeyAuth(login=LOGIN, secret_key=SECRET)
    assert not hasattr(auth, "__dict__")


# --- properties -----------------------------------------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
slugs = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*-[0-9]+", fullmatch=True)
secrets = st.text(alphabet=_ALNUM, min_size=32, max_size=32)
whitespace = st.characters(categories=["Zs", "Cc"]).filter(str.isspace)


@settings(deadline=None)  # one event-loop round trip per example; timing is not what is tested
@given(login=slugs, secret=secrets)
async def test_any_valid_key_is_accepted_and_sent_verbatim(login: str, secret: str) -> None:
    auth = StaticKeyAuth(login=login, secret_key=secret)
    assert dict(await auth.headers(_ctx())) == {"Authorization": f"{login}:{secret}"}
    assert secret not in repr(auth)


@given(
    login=slugs,
    secret=secrets,
    ws=whitespace,
    where=st.sampled_from(["login", "secret_key"]),
    position=st.integers(min_value=0, max_value=64),
)
def test_whitespace_anywhere_is_refused(login: str, secret: str, ws: str, where: str, position: int) -> None:
    parts = {"login": login, "secret_key": secret}
    value = parts[where]
    at = position % (len(value) + 1)
    parts[where] = value[:at] + ws + value[at:]
    with pytest.raises(CredentialFormatError) as caught:
        StaticKeyAuth(**parts)
    assert secret not in str(caught.value)


@given(
    login=st.one_of(slugs, st.text(max_size=40)),
    secret=st.one_of(
        secrets,
        st.text(min_size=16, max_size=48),
        st.builds(lambda s, junk: s + junk, secrets, st.sampled_from([" ", "\n", ":", "\t", "\r\n"])),
        st.builds(lambda s: "Bearer " + s, secrets),
    ),
)
def test_the_secret_is_never_quoted(login: str, secret: str) -> None:
    outcome = _attempt(login, secret)
    assert secret not in str(outcome)
    assert secret not in repr(outcome)
    if isinstance(outcome, CredentialFormatError):
        assert outcome.__cause__ is None
        assert outcome.__context__ is None


def _attempt(login: str, secret: str) -> StaticKeyAuth | CredentialFormatError:
    try:
        return StaticKeyAuth(login=login, secret_key=secret)
    except CredentialFormatError as exc:
        return exc
