"""The error tree, the tolerant error-body parser (every shape in qonto-api.md §6.1) and error messages."""

from __future__ import annotations

import inspect
import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

import qonto_async
from qonto_async import errors
from qonto_async.errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    CredentialFormatError,
    ErrorDetail,
    ErrorSource,
    GoneError,
    InvalidGrantError,
    NotFoundError,
    OAuthError,
    ParsedErrorBody,
    PermissionDeniedError,
    PreconditionFailedError,
    QontoConnectionError,
    QontoDeprecationWarning,
    QontoError,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    ScaRequired,
    ScaSessionInvalidError,
    ServerError,
    StagingTokenError,
    TokenStoreError,
    TransportError,
    ValidationError,
    api_error_class,
    parse_error_body,
)

TRACE = "6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c"
URL = "https://thirdparty.qonto.com/v2/transactions"


def _body(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- parse_error_body: every shape of qonto-api.md §6.1 ------------------------------------------------------------

SHAPES = [
    pytest.param(
        {
            "errors": [
                {
                    "code": "not_in_list",
                    "detail": "status must be one of: pending",
                    "source": {"parameter": "status"},
                }
            ],
            "trace_id": TRACE,
        },
        (
            ErrorDetail(
                code="not_in_list",
                detail="status must be one of: pending",
                source=ErrorSource(parameter="status"),
            ),
        ),
        TRACE,
        id="errors-array",
    ),
    pytest.param(
        {
            "errors": [
                {"code": "file_too_big", "detail": "too big", "source": {"pointer": "/file"}},
                {"code": "invalid_file_type", "detail": "bad type", "source": {"pointer": "/file"}},
            ]
        },
        (
            ErrorDetail(code="file_too_big", detail="too big", source=ErrorSource(pointer="/file")),
            ErrorDetail(code="invalid_file_type", detail="bad type", source=ErrorSource(pointer="/file")),
        ),
        None,
        id="errors-array-two-items-no-trace-id",
    ),
    pytest.param(
        {
            "errors": {
                "code": "invalid",
                "detail": "bank_account_id is invalid",
                "status": "422",
                "message": "Unprocessable",
                "source": {"parameter": "bank_account_id"},
            }
        },
        (
            ErrorDetail(
                code="invalid",
                detail="bank_account_id is invalid",
                source=ErrorSource(parameter="bank_account_id"),
            ),
        ),
        None,
        id="errors-single-object",
    ),
    pytest.param(
        {"code": "invalid_url", "detail": "url must be https", "source": {"pointer": "/url"}},
        (ErrorDetail(code="invalid_url", detail="url must be https", source=ErrorSource(pointer="/url")),),
        None,
        id="flat-code-detail",
    ),
    pytest.param(
        {"message": "Invalid SCA session token", "code": "invalid_sca_session_token"},
        (ErrorDetail(code="invalid_sca_session_token", detail="Invalid SCA session token"),),
        None,
        id="412-message-code",
    ),
    pytest.param(
        {
            "code": "sca_required",
            "message": "SCA required",
            "sca_session_token": "sca-tok",
            "action_type": "transfer.single.create",
            "trace_id": TRACE,
        },
        (ErrorDetail(code="sca_required", detail="SCA required"),),
        TRACE,
        id="428-sca-required",
    ),
    pytest.param(
        {"code": "sca_not_enrolled", "message": "You must enable SCA to perform this action", "trace_id": "t-2"},
        (ErrorDetail(code="sca_not_enrolled", detail="You must enable SCA to perform this action"),),
        "t-2",
        id="428-sca-not-enrolled",
    ),
    pytest.param(
        {"errors": [{"code": "date_invalid", "message": "settled_at_from is not a date"}]},
        (ErrorDetail(code="date_invalid", detail="settled_at_from is not a date"),),
        None,
        id="item-with-message-instead-of-detail",
    ),
    pytest.param(
        {"errors": {"message": "Not found"}, "trace_id": TRACE},
        (ErrorDetail(detail="Not found"),),
        TRACE,
        id="errors-object-with-only-message",
    ),
    pytest.param(
        {
            "errors": [
                {
                    "id": "e1",
                    "status": "501",
                    "code": "not_implemented",
                    "title": "Not Implemented",
                    "source": {"header": "X-Qonto-Organization-Id"},
                }
            ]
        },
        (
            ErrorDetail(
                code="not_implemented",
                detail="Not Implemented",
                source=ErrorSource(header="X-Qonto-Organization-Id"),
            ),
        ),
        None,
        id="jsonapi-title-and-source-header",
    ),
    pytest.param(
        {
            "errors": [
                {
                    "id": "e1",
                    "status": "504",
                    "code": "timeout",
                    "title": "Gateway Timeout",
                    "detail": "the payee bank did not answer",
                    "source": {"pointer": "/iban", "parameter": "iban", "header": "X"},
                }
            ]
        },
        (
            ErrorDetail(
                code="timeout",
                detail="the payee bank did not answer",
                source=ErrorSource(pointer="/iban", parameter="iban", header="X"),
            ),
        ),
        None,
        id="jsonapi-detail-wins-over-title",
    ),
    pytest.param(
        {"error": "invalid_grant", "error_description": "The refresh token was revoked"},
        (ErrorDetail(code="invalid_grant", detail="The refresh token was revoked"),),
        None,
        id="rfc6749-error-description",
    ),
    pytest.param(
        {"errors": ["something broke", None, 3]},
        (ErrorDetail(detail="something broke"), ErrorDetail(detail="3")),
        None,
        id="errors-array-of-scalars",
    ),
    pytest.param({"errors": "boom"}, (ErrorDetail(detail="boom"),), None, id="errors-as-string"),
    pytest.param({"trace_id": TRACE}, (), TRACE, id="only-trace-id"),
    pytest.param({"data": 1}, (), None, id="object-without-error-fields"),
    pytest.param(
        [{"code": "a", "detail": "b"}, "not an object"],
        (ErrorDetail(code="a", detail="b"),),
        None,
        id="top-level-list",
    ),
    pytest.param([1, 2], (), None, id="list-of-numbers"),
    pytest.param(42, (), None, id="number"),
    pytest.param(None, (), None, id="null"),
    pytest.param("just a string", (), None, id="json-string"),
]


@pytest.mark.parametrize(("payload", "expected_errors", "expected_trace"), SHAPES)
def test_parse_error_body_shapes(
    payload: Any, expected_errors: tuple[ErrorDetail, ...], expected_trace: str | None
) -> None:
    raw = _body(payload)
    parsed = parse_error_body(raw, content_type="application/json")
    assert parsed.errors == expected_errors
    assert parsed.trace_id == expected_trace
    assert parsed.json == payload
    assert parsed.text == raw.decode()
    assert parsed.is_html is False


def test_str_body_is_parsed_like_bytes() -> None:
    payload = {"errors": [{"code": "c", "detail": "d"}], "trace_id": TRACE}
    assert parse_error_body(json.dumps(payload)) == parse_error_body(_body(payload))


@pytest.mark.parametrize(
    "body",
    [pytest.param(b"", id="empty-bytes"), pytest.param("", id="empty-str"), pytest.param(None, id="none")],
)
def test_empty_body(body: bytes | str | None) -> None:
    parsed = parse_error_body(body, content_type="text/plain", headers={"X-Tyk-Trace-Id": "hdr"})
    assert parsed == ParsedErrorBody(trace_id="hdr")
    assert parse_error_body(body) == ParsedErrorBody()


def test_text_plain_body() -> None:
    # qonto-api.md §6.1: GET /v2/transactions/{id} documents 404 as text/plain.
    parsed = parse_error_body(b"Not Found", content_type="text/plain; charset=utf-8")
    assert parsed == ParsedErrorBody(text="Not Found")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/html; charset=utf-8", b"<html><body>OneLogin</body></html>", id="text-html"),
        pytest.param("TEXT/HTML", b"login page", id="html-content-type-any-body"),
        pytest.param("", b"  <!DOCTYPE html><html><head></head></html>", id="doctype-without-content-type"),
        pytest.param("application/json", b"<html><body>gate</body></html>", id="html-despite-json-type"),
        pytest.param("text/plain", b"\n<body>sso</body>", id="body-tag-with-text-plain"),
    ],
)
def test_html_body(content_type: str, body: bytes) -> None:
    parsed = parse_error_body(body, content_type=content_type, headers={"X-Tyk-Trace-Id": "hdr"})
    assert parsed.is_html is True
    assert parsed.errors == ()
    assert parsed.json is None
    assert parsed.text == body.decode()
    assert parsed.trace_id == "hdr"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"errors": [', id="truncated"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(b"{'code': 'single-quoted'}", id="python-repr"),
        pytest.param(b"1" * 5000, id="integer-past-the-digit-limit"),
        pytest.param(b"[" * 100_000, id="deeply-nested"),
    ],
)
def test_invalid_json_keeps_the_text(body: bytes) -> None:
    parsed = parse_error_body(body, content_type="application/json")
    assert parsed.errors == ()
    assert parsed.json is None
    assert parsed.is_html is False
    assert parsed.text == body.decode("utf-8", errors="replace")


# --- trace id -----------------------------------------------------------------------------------------------------


def test_trace_id_header_wins_over_body() -> None:
    parsed = parse_error_body(_body({"trace_id": "from-body"}), headers={"X-Tyk-Trace-Id": "from-header"})
    assert parsed.trace_id == "from-header"


def test_trace_id_from_body_when_no_header() -> None:
    parsed = parse_error_body(_body({"trace_id": "from-body"}), headers={"Content-Type": "application/json"})
    assert parsed.trace_id == "from-body"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(CIMultiDict({"x-tyk-trace-id": "h"}), id="cimultidict"),
        pytest.param({"x-tyk-trace-id": "h"}, id="plain-dict-lowercase"),
        pytest.param({"X-TYK-TRACE-ID": "h"}, id="plain-dict-uppercase"),
    ],
)
def test_trace_id_header_is_case_insensitive(headers: Any) -> None:
    assert parse_error_body(b"oops", headers=headers).trace_id == "h"


def test_empty_trace_id_header_falls_back_to_body() -> None:
    parsed = parse_error_body(_body({"trace_id": "from-body"}), headers={"X-Tyk-Trace-Id": ""})
    assert parsed.trace_id == "from-body"


def test_odd_headers_object_does_not_hide_the_error() -> None:
    class Broken:
        def get(self, key: str) -> str:
            raise RuntimeError("broken mapping")

    parsed = parse_error_body(_body({"code": "c", "trace_id": "b"}), headers=Broken())  # type: ignore[arg-type]
    assert parsed.errors == (ErrorDetail(code="c"),)
    assert parsed.trace_id == "b"


# --- api_error_class ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, GoneError),
        (412, PreconditionFailedError),
        (422, ValidationError),
        (428, ScaRequired),
        (429, RateLimitError),
        (500, ServerError),
        (501, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
        (301, StagingTokenError),
        (302, StagingTokenError),
        (307, StagingTokenError),
        (405, APIError),
        (418, APIError),
        (499, APIError),
        (600, APIError),
        (200, APIError),
    ],
    ids=lambda v: str(v) if isinstance(v, int) else v.__name__,
)
def test_api_error_class(status: int, cls: type[APIError]) -> None:
    assert api_error_class(status) is cls


# --- messages -----------------------------------------------------------------------------------------------------


def _error(status: int, payload: Any = None, **kwargs: Any) -> APIError:
    raw = _body(payload) if payload is not None else b""
    headers = kwargs.pop("headers", {})
    parsed = parse_error_body(raw, content_type="application/json", headers=headers)
    return api_error_class(status)(
        status=status,
        method=kwargs.pop("method", "GET"),
        url=kwargs.pop("url", URL),
        errors=parsed.errors,
        trace_id=parsed.trace_id,
        headers=headers,
        body=parsed.json,
        text=parsed.text,
        **kwargs,
    )


def test_message_names_status_method_path_errors_and_ends_with_trace_id() -> None:
    err = _error(
        422,
        {"errors": [{"code": "not_in_list", "detail": "bad status", "source": {"parameter": "status"}}]},
        headers={"X-Tyk-Trace-Id": TRACE},
    )
    assert str(err) == f"422 on GET /v2/transactions: not_in_list: bad status (status) (trace id: {TRACE})"
    assert err.code == "not_in_list"
    assert err.trace_id == TRACE
    assert err.headers["x-tyk-trace-id"] == TRACE


def test_message_leaves_out_the_query_string() -> None:
    err = _error(400, {"code": "x"}, url=f"{URL}?iban=FR7630001007941234567890185&secret=s3cr3t")
    assert "iban" not in str(err)
    assert "s3cr3t" not in str(err)
    assert str(err).startswith("400 on GET /v2/transactions: x")


def test_message_without_errors_uses_the_class_default() -> None:
    err = _error(404)
    assert str(err) == "404 on GET /v2/transactions: not found"
    assert err.code is None


def test_message_uses_short_plain_text_but_never_html() -> None:
    plain = NotFoundError(status=404, method="GET", url=URL, text="Not Found\n")
    assert str(plain) == "404 on GET /v2/transactions: Not Found"
    html = StagingTokenError(status=302, method="GET", url=URL, text="<html>login</html>")
    assert "<html>" not in str(html)
    assert "X-Qonto-Staging-Token" in str(html)
    long_text = ServerError(status=500, method="GET", url=URL, text="x" * 500)
    assert str(long_text) == "500 on GET /v2/transactions: Qonto had a server error"


def test_explicit_message_wins() -> None:
    err = _error(
        409, {"code": "invoice_number_already_exists"}, message="duplicate", headers={"X-Tyk-Trace-Id": "t"}
    )
    assert str(err) == "409 on GET /v2/transactions: duplicate (trace id: t)"


@pytest.mark.parametrize(
    ("detail", "text"),
    [
        pytest.param(ErrorDetail(code="c", detail="d"), "c: d", id="code-and-detail"),
        pytest.param(ErrorDetail(code="c"), "c", id="code-only"),
        pytest.param(ErrorDetail(detail="d"), "d", id="detail-only"),
        pytest.param(ErrorDetail(), "error", id="empty"),
        pytest.param(ErrorDetail(code="c", source=ErrorSource(pointer="/file")), "c (/file)", id="pointer"),
        pytest.param(
            ErrorDetail(detail="d", source=ErrorSource(parameter="p", pointer="/x")), "d (p)", id="parameter-first"
        ),
        pytest.param(ErrorDetail(detail="d", source=ErrorSource(header="H")), "d (H)", id="header"),
    ],
)
def test_error_detail_str(detail: ErrorDetail, text: str) -> None:
    assert str(detail) == text


def test_sca_required_exposes_the_session_token_and_action() -> None:
    err = _error(
        428,
        {
            "code": "sca_required",
            "message": "SCA required",
            "sca_session_token": "sca-tok",
            "action_type": "transfer.single.create",
            "trace_id": TRACE,
        },
        method="POST",
        url="https://thirdparty.qonto.com/v2/sepa/transfers",
        idempotency_key="key-1",
    )
    assert isinstance(err, ScaRequired)
    assert err.sca_session_token == "sca-tok"
    assert err.action_type == "transfer.single.create"
    assert err.idempotency_key == "key-1"
    assert str(err) == f"428 on POST /v2/sepa/transfers: sca_required: SCA required (trace id: {TRACE})"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"code": "sca_not_enrolled", "message": "You must enable SCA"}, id="not-enrolled"),
        pytest.param({"sca_session_token": "", "action_type": 3}, id="empty-and-non-string"),
        pytest.param(["sca_session_token"], id="not-an-object"),
    ],
)
def test_sca_required_without_a_session(body: Any) -> None:
    err = _error(428, body)
    assert isinstance(err, ScaRequired)
    assert err.sca_session_token is None
    assert err.action_type is None


@pytest.mark.parametrize(
    ("retry_after", "hint"),
    [
        pytest.param(3.0, "Retry after 3 s.", id="whole-seconds"),
        pytest.param(2.5, "Retry after 2.5 s.", id="fraction"),
        pytest.param(0.0, "Retry after 0 s.", id="zero"),
    ],
)
def test_rate_limit_error_message(retry_after: float, hint: str) -> None:
    err = _error(429, {"code": "too_many_requests"}, retry_after=retry_after, headers={"X-Tyk-Trace-Id": "t"})
    assert isinstance(err, RateLimitError)
    assert err.retry_after == retry_after
    assert str(err) == f"429 on GET /v2/transactions: too_many_requests {hint} (trace id: t)"


def test_rate_limit_error_without_retry_after() -> None:
    err = _error(429)
    assert isinstance(err, RateLimitError)
    assert err.retry_after is None
    assert str(err) == "429 on GET /v2/transactions: rate limited"


def test_authentication_error_lists_the_credential_checks() -> None:
    err = _error(401, {"message": "Unauthorized"}, headers={"X-Tyk-Trace-Id": "t"})
    text = str(err)
    assert isinstance(err, AuthenticationError)
    for check in (
        "'login:secret_key'",
        "'Bearer '",
        "'Basic '",
        "base64",
        "no spaces",
        "regenerated",
        "organization slug",
        "sandbox credentials go to the sandbox",
        "expired or been revoked",
    ):
        assert check in text
    assert text.startswith("401 on GET /v2/transactions: Unauthorized Check:")
    assert text.endswith("(trace id: t)")


def test_unparsable_url_still_gives_an_error() -> None:
    err = ServerError(status=500, method="GET", url="http://[broken", trace_id="t")
    assert str(err) == "500 on GET http://[broken: Qonto had a server error (trace id: t)"


# --- pickling -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [
        APIError,
        ValidationError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        GoneError,
        ScaSessionInvalidError,
        ScaRequired,
        ServerError,
        StagingTokenError,
    ],
    ids=lambda c: c.__name__,
)
def test_api_errors_pickle_with_their_fields(cls: type[APIError]) -> None:
    err = cls(
        status=428,
        method="POST",
        url="https://thirdparty.qonto.com/v2/sepa/transfers",
        errors=(ErrorDetail(code="c", detail="d", source=ErrorSource(pointer="/amount")),),
        trace_id=TRACE,
        headers={"X-Tyk-Trace-Id": TRACE, "Content-Type": "application/json"},
        body={"sca_session_token": "sca-tok", "action_type": "transfer.single.create"},
        text='{"sca_session_token": "sca-tok"}',
        message=None,
        idempotency_key="idem-1",
    )
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls
    assert str(copy) == str(err)
    assert copy.args == err.args
    for field in ("status", "method", "url", "errors", "trace_id", "body", "text", "idempotency_key", "code"):
        assert getattr(copy, field) == getattr(err, field), field
    assert dict(copy.headers) == dict(err.headers)
    assert copy.headers["x-tyk-trace-id"] == TRACE


def test_api_error_with_explicit_message_pickles() -> None:
    err = ConflictError(status=409, method="POST", url=URL, message="duplicate invoice number", trace_id="t")
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) == "409 on POST /v2/transactions: duplicate invoice number (trace id: t)"


def test_sca_required_pickles_with_its_session() -> None:
    err = ScaRequired(status=428, method="POST", url=URL, body={"sca_session_token": "s", "action_type": "a"})
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.sca_session_token, copy.action_type) == ("s", "a")


def test_rate_limit_error_pickles_with_retry_after() -> None:
    err = RateLimitError(status=429, method="GET", url=URL, retry_after=7.5, trace_id="t")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is RateLimitError
    assert copy.retry_after == 7.5
    assert str(copy) == str(err) == "429 on GET /v2/transactions: rate limited Retry after 7.5 s. (trace id: t)"


@pytest.mark.parametrize(
    "cls", [TransportError, QontoConnectionError, QontoTimeoutError], ids=lambda c: c.__name__
)
def test_transport_errors_pickle_with_their_fields(cls: type[TransportError]) -> None:
    err = cls("connection reset by peer", method="GET", url=URL)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls
    assert (copy.method, copy.url, str(copy)) == ("GET", URL, "connection reset by peer")


def test_response_decode_error_pickles_with_its_fields() -> None:
    err = ResponseDecodeError("not a transaction", status=200, method="GET", url=f"{URL}/abc", trace_id="t")
    assert str(err) == "not a transaction (200 on GET /v2/transactions/abc) (trace id: t)"
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is ResponseDecodeError
    assert (copy.status, copy.method, copy.url, copy.trace_id) == (200, "GET", f"{URL}/abc", "t")
    assert str(copy) == str(err)


@pytest.mark.parametrize("cls", [OAuthError, InvalidGrantError], ids=lambda c: c.__name__)
def test_oauth_errors_pickle_with_their_fields(cls: type[OAuthError]) -> None:
    err = cls("refresh failed", error="invalid_grant", description="revoked", status=400, trace_id="t")
    assert str(err) == "refresh failed (trace id: t)"
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls
    assert (copy.error, copy.description, copy.status, copy.trace_id) == ("invalid_grant", "revoked", 400, "t")
    assert str(copy) == str(err)


@pytest.mark.parametrize(
    "cls",
    [ConfigurationError, CredentialFormatError, ClientClosedError, TokenStoreError],
    ids=lambda c: c.__name__,
)
def test_plain_errors_pickle(cls: type[QontoError]) -> None:
    copy = pickle.loads(pickle.dumps(cls("what went wrong")))
    assert type(copy) is cls
    assert str(copy) == "what went wrong"


# --- the tree -----------------------------------------------------------------------------------------------------


def _public_exception_classes() -> list[type[BaseException]]:
    found = {}
    for module in (errors, qonto_async):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and issubclass(value, BaseException):
                found[value.__name__] = value
    return sorted(found.values(), key=lambda c: c.__name__)


def test_the_tree_is_found() -> None:
    assert len(_public_exception_classes()) >= 25


@pytest.mark.parametrize("cls", _public_exception_classes(), ids=lambda c: c.__name__)
def test_every_public_error_is_a_qonto_error(cls: type[BaseException]) -> None:
    if cls is QontoDeprecationWarning:
        # A warning category, never raised: it is filtered with the warnings module, not caught.
        assert issubclass(cls, FutureWarning)  # shown by default, unlike DeprecationWarning
    else:
        assert issubclass(cls, QontoError)


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (ConfigurationError, ValueError),
        (CredentialFormatError, ConfigurationError),
        (ClientClosedError, RuntimeError),
        (QontoConnectionError, TransportError),
        (QontoTimeoutError, TransportError),
        (InvalidGrantError, OAuthError),
        (ValidationError, APIError),
        (AuthenticationError, APIError),
        (PermissionDeniedError, APIError),
        (NotFoundError, APIError),
        (ConflictError, APIError),
        (GoneError, APIError),
        (ScaSessionInvalidError, APIError),
        (ScaRequired, APIError),
        (RateLimitError, APIError),
        (ServerError, APIError),
        (StagingTokenError, APIError),
    ],
    ids=lambda c: c.__name__,
)
def test_tree_shape(child: type[BaseException], parent: type[BaseException]) -> None:
    assert issubclass(child, parent)


@pytest.mark.parametrize(
    "cls", [TransportError, ResponseDecodeError, OAuthError, TokenStoreError, APIError], ids=lambda c: c.__name__
)
def test_branches_are_not_configuration_errors(cls: type[QontoError]) -> None:
    # A ValueError handler around user code must not swallow an API or transport failure.
    assert not issubclass(cls, ValueError)


# --- properties ---------------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)
_ERROR_KEYS = [
    "errors",
    "code",
    "detail",
    "message",
    "title",
    "error",
    "error_description",
    "source",
    "trace_id",
    "sca_session_token",
    "action_type",
    "pointer",
    "parameter",
    "header",
]
error_like = st.recursive(
    json_values,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(_ERROR_KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


def _encode(value: Any, as_bytes: bool) -> bytes | str:
    text = json.dumps(value)
    return text.encode() if as_bytes else text


bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    st.text(max_size=200),
    st.builds(_encode, json_values, st.booleans()),
    st.builds(_encode, error_like, st.booleans()),
)
content_types = st.one_of(
    st.sampled_from(["", "application/json", "application/json; charset=utf-8", "text/html", "text/plain"]),
    st.text(max_size=40),
)
header_maps = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["X-Tyk-Trace-Id", "x-tyk-trace-id", "Content-Type", "Retry-After"]), st.text()
    ),
)


# No deadline: the machine is shared and a slow example is not a failure; the property is what matters.
@settings(deadline=None)
@given(
    body=bodies,
    content_type=content_types,
    headers=header_maps,
    status=st.integers(min_value=100, max_value=999),
    url=st.one_of(st.just(URL), st.text(max_size=60)),
    extra_trace=st.one_of(st.none(), st.text(min_size=1, max_size=40)),
    message=st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_body_parses_and_renders(
    body: bytes | str | None,
    content_type: str,
    headers: dict[str, str] | None,
    status: int,
    url: str,
    extra_trace: str | None,
    message: str | None,
) -> None:
    parsed = parse_error_body(body, content_type=content_type, headers=headers)
    assert isinstance(parsed, ParsedErrorBody)
    assert all(isinstance(e, ErrorDetail) for e in parsed.errors)
    assert parsed.trace_id is None or isinstance(parsed.trace_id, str)
    trace_id = parsed.trace_id or extra_trace
    cls = api_error_class(status)
    err = cls(
        status=status,
        method="GET",
        url=url,
        errors=parsed.errors,
        trace_id=trace_id,
        headers=headers,
        body=parsed.json,
        text=parsed.text,
        message=message,
    )
    assert isinstance(err, APIError)
    text = str(err)
    assert text.startswith(f"{status} on GET ")
    if trace_id:
        assert text.endswith(f"(trace id: {trace_id})")
    assert err.code is None or isinstance(err.code, str)
    if isinstance(err, ScaRequired):
        assert err.sca_session_token is None or isinstance(err.sca_session_token, str)
    assert str(pickle.loads(pickle.dumps(err))) == text


@pytest.mark.parametrize(
    ("errors", "cls"),
    [
        (
            (ErrorDetail(code="invalid_sca_session_token", detail="Invalid SCA session token"),),
            ScaSessionInvalidError,
        ),
        ((ErrorDetail(code="invalid_sca"),), ScaSessionInvalidError),
        ((ErrorDetail(detail="Invalid SCA session token"),), ScaSessionInvalidError),
        (
            (ErrorDetail(code="invoice_not_in_draft_status", detail="Invoice is not a draft"),),
            PreconditionFailedError,
        ),
        ((ErrorDetail(code="escalation_required"),), PreconditionFailedError),
        ((), PreconditionFailedError),
    ],
)
def test_a_412_is_about_sca_only_when_it_says_so(errors: tuple[ErrorDetail, ...], cls: type[APIError]) -> None:
    assert api_error_class(412, errors) is cls
    assert issubclass(ScaSessionInvalidError, PreconditionFailedError)
