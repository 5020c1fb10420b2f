"""Fuzzing (issue 9): whatever arrives, the only outcomes are success or a typed error, never another exception.

- Response bodies generated from Qonto's OpenAPI schemas (``openapi_v2.yml``, found like the contract tests find
  it: :func:`tests.contract._data.data_dir`) for every operation of :data:`tests.contract._data.OPERATIONS`;
  operations whose 2xx has no schema there use a schema inferred from their saved example (types from Postman's
  placeholders). Leaf values come from ``hypothesis-jsonschema`` (formats, patterns, bounds, enums); objects and
  arrays are built here (hypothesis-jsonschema 0.23's object strategy uses a Hypothesis internal that newer
  Hypothesis releases no longer have). A "wild" variant swaps leaves for arbitrary JSON. Each body is decoded with
  the decoder the resource method itself builds (production converter), then sent through the real client by a
  loopback server.
- Error bodies (any status, content type, bytes) through the real client, and token-endpoint answers.
- Webhook signature headers (what tests/webhooks does not already cover: mutations of a valid header, arbitrary
  secrets and secret lists, bytes headers, clocks and tolerances).
- Credential strings (StaticKeyAuth, OAuthBearerAuth, OAuthToken, the token file), datetime and money parameters,
  and the models' Decimal/int parsing (including numbers whose exponent would make int() or format() hang).

The inputs each test fuzzed are counted in :data:`FUZZED` and printed at the end of the module (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import json
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiohttp import web
from cattrs.errors import BaseValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from qonto_async import (
    FileTokenStore,
    OAuthBearerAuth,
    OAuthToken,
    QontoClient,
    RetryPolicy,
    StaticKeyAuth,
    Timeout,
    _coverage,
)
from qonto_async.errors import (
    ConfigurationError,
    CredentialFormatError,
    QontoError,
    ResponseDecodeError,
    TokenStoreError,
    WebhookError,
)
from qonto_async.pagination import AsyncPaginator
from qonto_async.resources._base import amount_param, datetime_param
from qonto_async.serde import loads, structure
from qonto_async.testing._data import FakeData
from qonto_async.webhooks import compute_signature, sign, verify_signature
from tests.contract._data import OPERATIONS, Operation, _load_openapi, all_examples, data_dir
from tests.reliability._loop import LoopThread, ScriptedServer
from tests.test_coverage import _SAMPLES, _SAMPLES_FOR, _built_request

# Errors a raw decoder may raise (qonto_async/serde.py's contract); the session wraps them in ResponseDecodeError.
DECODE_ERRORS = (BaseValidationError, ValueError, TypeError, KeyError)

FUZZED: Counter[str] = Counter()


def _fast(examples: int) -> settings:
    """Modest, fixed example counts (the module runs in well under a minute); no example database."""
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    total = sum(FUZZED.values())
    lines = [f"  {name}: {count}" for name, count in sorted(FUZZED.items())]
    print(f"\n[fuzz] {total} inputs fuzzed\n" + "\n".join(lines))


# --- strategies from the OpenAPI document -----------------------------------------------------------------------

_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_LEAF_KEYS = frozenset(
    {"type", "enum", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "multipleOf", "const"}
)
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean", "null"})


class _Schemas:
    def __init__(self) -> None:
        self.document = _load_openapi()
        self.components: dict[str, Any] = self.document["components"]["schemas"]
        self.examples = all_examples()

    def response_schema(self, op: Operation) -> tuple[str, Any] | None:
        responses = self.document["paths"].get(op.path, {}).get(op.method.lower(), {}).get("responses", {})
        for code, response in responses.items():
            if 200 <= int(code) < 300:
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is not None:
                    return "openapi", schema
        for example in self.examples:
            if example.operation == op:
                return "example", _infer(example.body)
        return None

    def strategy(self, node: Any, *, wild: bool, depth: int = 0, seen: tuple[str, ...] = ()) -> Any:
        if not isinstance(node, dict):
            return _JUNK
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen or depth > 8:
                return st.none()
            return self.strategy(self.components[name], wild=wild, depth=depth + 1, seen=(*seen, name))
        nullable = bool(node.get("nullable"))
        for key in ("oneOf", "anyOf"):
            if key in node:
                choice = st.one_of([self.strategy(x, wild=wild, depth=depth + 1, seen=seen) for x in node[key]])
                return choice | st.none() if nullable else choice
        if "allOf" in node:
            merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
            for part in node["allOf"]:
                while isinstance(part, dict) and "$ref" in part:
                    part = self.components[part["$ref"].rsplit("/", 1)[-1]]
                merged["properties"].update(part.get("properties", {}))
                merged["required"] += part.get("required", [])
            return self.strategy(merged, wild=wild, depth=depth + 1, seen=seen)
        kind = node.get("type")
        if kind is None and "properties" in node:
            kind = "object"
        out: Any
        if kind == "object":
            props: dict[str, Any] = node.get("properties", {})
            required = [k for k in node.get("required", []) if k in props]
            out = st.fixed_dictionaries(
                {k: self.strategy(props[k], wild=wild, depth=depth + 1, seen=seen) for k in required},
                optional={
                    k: self.strategy(v, wild=wild, depth=depth + 1, seen=seen)
                    for k, v in props.items()
                    if k not in required
                },
            )
        elif kind == "array":
            out = st.lists(self.strategy(node.get("items", {}), wild=wild, depth=depth + 1, seen=seen), max_size=3)
        elif kind in _SCALAR_TYPES or "enum" in node:
            leaf = {k: v for k, v in node.items() if k in _LEAF_KEYS}
            if nullable:
                if isinstance(leaf.get("type"), str):
                    leaf["type"] = [leaf["type"], "null"]
                if "enum" in leaf:
                    leaf["enum"] = [*leaf["enum"], None]
            out = from_schema(leaf)
            return out | _JUNK if wild else out
        else:
            out = _JUNK
        return out | st.none() if nullable else out


_PLACEHOLDER_SCHEMAS: dict[str, dict[str, Any]] = {
    "<string>": {"type": "string"},
    "<dateTime>": {"type": "string", "format": "date-time"},
    "<date>": {"type": "string", "format": "date"},
    "<uuid>": {"type": "string", "format": "uuid"},
    "<email>": {"type": "string", "format": "email"},
    "<uri>": {"type": "string", "format": "uri"},
    "<integer>": {"type": "integer"},
    "<long>": {"type": "integer"},
    "<number>": {"type": "number"},
    "<float>": {"type": "number"},
    "<double>": {"type": "number"},
    "<boolean>": {"type": "boolean"},
}


def _infer(value: Any) -> dict[str, Any]:
    """A JSON schema with the shape of a saved example (Postman's ``<dateTime>``-style placeholders give types)."""
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: _infer(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"type": "array", "items": _infer(value[0]) if value else {"type": "string"}}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float | Decimal):
        return {"type": "number"}
    if isinstance(value, str):
        return dict(_PLACEHOLDER_SCHEMAS.get(value, {"type": "string"}))
    return {"type": "null"}


_SCHEMAS = _Schemas()


def _method_name(op: Operation) -> str:
    names = sorted(n for n, m in _coverage.covered_methods().items() if (m.method, m.path) == (op.method, op.path))
    assert names, f"no resource method is marked {op.name}"
    plain = [n for n in names if not n.endswith(".iterate")]
    return (plain or names)[0]


@attrs.frozen
class _Case:
    op: Operation
    method: str
    source: str
    schema: Any


def _cases() -> list[_Case]:
    out = []
    for op in OPERATIONS:
        found = _SCHEMAS.response_schema(op)
        assert found is not None, f"{op.name}: neither a schema nor an example to fuzz from"
        out.append(_Case(op=op, method=_method_name(op), source=found[0], schema=found[1]))
    return out


CASES = _cases()


def test_the_openapi_document_is_found_like_the_contract_tests_find_it() -> None:
    assert (data_dir() / "openapi_v2.yml").is_file()
    sources = Counter(case.source for case in CASES)
    # Most covered operations have a schema in the OpenAPI document; the rest fall back to their example's shape.
    assert sources["openapi"] >= 20, sources
    assert len(CASES) == len(OPERATIONS)


def _decoder(case: _Case) -> Any:
    request = asyncio.run(_built_request(case.method))
    assert request.decode is not None, case.method
    return request.decode


def _typed(call: Callable[[], object], *allowed: type[BaseException]) -> BaseException | None:
    """Run ``call``: None on success, the exception if it is one of ``allowed``; any other exception escapes."""
    try:
        call()
    except allowed as exc:
        return exc
    return None


def _check_decode(decode: Any, body: Any) -> str:
    raw = json.dumps(body).encode()
    started = time.perf_counter()
    try:
        decode(loads(raw))
    except DECODE_ERRORS:
        outcome = "typed error"
    else:
        outcome = "ok"
    # A body of a few hundred bytes decodes in microseconds; seconds would mean a denial of service.
    assert time.perf_counter() - started < 2.0, raw[:200]
    return outcome


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.op.name} ({c.source})")
def test_generated_bodies_decode_or_fail_with_typed_errors(case: _Case) -> None:
    decode = _decoder(case)
    outcomes: Counter[str] = Counter()

    @_fast(30)
    @given(st.one_of(_SCHEMAS.strategy(case.schema, wild=False), _SCHEMAS.strategy(case.schema, wild=True)))
    def fuzz(body: Any) -> None:
        FUZZED["openapi bodies (decoder)"] += 1
        outcomes[_check_decode(decode, body)] += 1

    fuzz()
    assert sum(outcomes.values()) >= 10


# --- the same bodies through the real client --------------------------------------------------------------------


@pytest.fixture(scope="module")
def loop() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


@pytest.fixture(scope="module")
def scripted(loop: LoopThread) -> Iterator[ScriptedServer]:
    server = loop.run(ScriptedServer().start())
    yield server
    loop.run(server.stop())


class _Clients:
    """Clients living on the loop thread; closed at module end."""

    def __init__(self, loop: LoopThread) -> None:
        self.loop = loop
        self.open: list[QontoClient] = []

    def make(self, **kwargs: Any) -> QontoClient:
        async def build() -> QontoClient:
            return QontoClient(**kwargs)

        client = self.loop.run(build())
        self.open.append(client)
        return client

    def close(self) -> None:
        for client in self.open:
            self.loop.run(client.aclose())


@pytest.fixture(scope="module")
def clients(loop: LoopThread) -> Iterator[_Clients]:
    made = _Clients(loop)
    yield made
    made.close()


_ONE_ATTEMPT = RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def api(scripted: ScriptedServer, clients: _Clients) -> QontoClient:
    auth = StaticKeyAuth(login="fuzz-org-1234", secret_key="s3cr3tKEYs3cr3tKEYs3cr3tKEY12345")
    return clients.make(auth=auth, environment=scripted.environment, retry=_ONE_ATTEMPT, timeout=Timeout(total=5))


async def _call(client: QontoClient, method_name: str) -> Any:
    namespace, attribute = method_name.split(".")
    method = getattr(getattr(client, namespace), attribute)
    import inspect

    parameters = inspect.signature(method).parameters
    kwargs = {p: value for p, value in _SAMPLES.items() if p in parameters}
    kwargs.update(_SAMPLES_FOR.get(method_name, {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = method(**kwargs)
        if isinstance(result, AsyncPaginator):
            return await result.pages().__anext__()
        return await result


def _json_reply(body: bytes, status: int = 200, content_type: str = "application/json") -> Any:
    async def reply(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, body=body, headers={"Content-Type": content_type})

    return reply


def test_generated_bodies_through_the_client(loop: LoopThread, scripted: ScriptedServer, api: QontoClient) -> None:
    outcomes: Counter[str] = Counter()
    strategies = st.sampled_from(CASES).flatmap(
        lambda case: st.tuples(
            st.just(case),
            st.one_of(_SCHEMAS.strategy(case.schema, wild=False), _SCHEMAS.strategy(case.schema, wild=True)),
        )
    )

    @_fast(300)
    @given(strategies)
    def fuzz(drawn: tuple[_Case, Any]) -> None:
        case, body = drawn
        FUZZED["openapi bodies (client over loopback)"] += 1
        scripted.reply = _json_reply(json.dumps(body).encode())
        # Anything that is not a QontoError escapes _typed and fails the test.
        error = _typed(lambda: loop.run(_call(api, case.method)), QontoError)
        outcomes[type(error).__name__ if error else "ok"] += 1
        if isinstance(error, ResponseDecodeError):
            assert error.status == 200

    fuzz()
    assert outcomes["ok"] > 0, outcomes
    assert outcomes["ResponseDecodeError"] > 0, outcomes


# --- error bodies -----------------------------------------------------------------------------------------------

_error_items = st.fixed_dictionaries(
    {},
    optional={
        "code": _JUNK,
        "detail": _JUNK,
        "message": _JUNK,
        "title": _JUNK,
        "source": _JUNK | st.fixed_dictionaries({}, optional={"pointer": _JUNK, "parameter": _JUNK}),
    },
)
_error_json = st.one_of(
    _JUNK,
    st.fixed_dictionaries({"errors": st.one_of(st.lists(_error_items | _JUNK, max_size=3), _error_items, _JUNK)}),
    st.fixed_dictionaries({}, optional={"error": _JUNK, "error_description": _JUNK, "trace_id": _JUNK}),
    _error_items,
)
_error_bodies = st.one_of(
    _error_json.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"<html><body>Bad gateway</body></html>", b"{", b'{"errors": [', b"null", b"[]"]),
)
_content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "application/octet-stream"]
)
_statuses = st.one_of(
    st.sampled_from([200, 204, 301, 302, 307, 400, 401, 403, 404, 409, 410, 412, 422, 428, 429]),
    st.integers(min_value=400, max_value=599),
)


def test_error_bodies_through_the_client(loop: LoopThread, scripted: ScriptedServer, api: QontoClient) -> None:
    outcomes: Counter[str] = Counter()

    @_fast(400)
    @given(
        status=_statuses,
        body=_error_bodies,
        content_type=_content_types,
        retry_after=st.none() | st.text(max_size=20) | st.integers(-5, 10**12).map(str),
    )
    def fuzz(status: int, body: bytes, content_type: str, retry_after: str | None) -> None:
        FUZZED["error bodies (client over loopback)"] += 1
        headers = {"Content-Type": content_type}
        if retry_after is not None and retry_after.isprintable() and retry_after.isascii():
            headers["Retry-After"] = retry_after
        if status in (301, 302, 307):
            headers["Location"] = "https://elsewhere.example/login"

        async def reply(_request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, body=None if status == 204 else body, headers=headers)

        scripted.reply = reply
        error = _typed(lambda: loop.run(api.organization.get()), QontoError)
        outcomes[type(error).__name__ if error else "ok"] += 1
        if error is None:
            assert status == 200, status
        assert "s3cr3tKEY" not in f"{error} {error!r}"

    fuzz()
    assert outcomes["AuthenticationError"] + outcomes["ServerError"] + outcomes["APIError"] > 0, outcomes


_ORGANIZATION = json.dumps(FakeData(seed=0, transactions_per_account=1, accounts=1).organization()).encode()


def test_token_endpoint_answers_are_oauth_errors_or_a_token(
    loop: LoopThread, scripted: ScriptedServer, clients: _Clients
) -> None:
    """Whatever the token endpoint answers to a refresh, the caller gets a token or a typed error."""
    outcomes: Counter[str] = Counter()
    usable = st.fixed_dictionaries(
        {
            "access_token": st.text(alphabet="abcdefXYZ0129_-.", min_size=1, max_size=40),
            "expires_in": st.integers(min_value=120, max_value=10**6),
        },
        optional={
            "refresh_token": st.text(alphabet="abcdefXYZ0129_-", min_size=1, max_size=30),
            "scope": st.text(),
        },
    )
    payloads = st.one_of(
        usable,
        st.fixed_dictionaries(
            {},
            optional={
                "access_token": _JUNK | st.text(alphabet="abcdefXYZ0129_-", min_size=1, max_size=30),
                "refresh_token": _JUNK | st.text(alphabet="abcdefXYZ0129_-", min_size=1, max_size=30),
                "expires_in": _JUNK | st.sampled_from([3600, "3600", 1e308, -1, "NaN", 10**30]),
                "scope": _JUNK,
                "token_type": _JUNK,
                "id_token": _JUNK,
            },
        ),
        _error_json,
    )

    @_fast(200)
    @given(status=st.sampled_from([200, 200, 400, 401, 403, 429, 500, 503]), payload=payloads)
    def fuzz(status: int, payload: Any) -> None:
        FUZZED["token endpoint answers (client over loopback)"] += 1
        body = json.dumps(payload).encode()

        async def reply(request: web.Request) -> web.StreamResponse:
            if request.path.startswith("/oauth"):
                return web.Response(status=status, body=body, headers={"Content-Type": "application/json"})
            return web.Response(body=_ORGANIZATION, headers={"Content-Type": "application/json"})

        scripted.reply = reply
        token = OAuthToken(
            access_token="expired-access", refresh_token="old-refresh", expires_at=datetime.now(UTC) - timedelta(1)
        )
        auth = OAuthBearerAuth(client_id="fuzz-client", client_secret="fuzz-client-secret-value", token=token)
        client = clients.make(auth=auth, environment=scripted.environment, retry=_ONE_ATTEMPT)
        try:
            error = _typed(lambda: loop.run(client.organization.get()), QontoError)
        finally:
            loop.run(client.aclose())
            clients.open.remove(client)
        outcomes[type(error).__name__ if error else "ok"] += 1
        assert "fuzz-client-secret-value" not in str(error)
        assert "old-refresh" not in str(error)

    fuzz()
    assert outcomes["ok"] > 0, outcomes
    assert outcomes["OAuthError"] > 0, outcomes


# --- webhook signature headers (beyond tests/webhooks/test_signature.py) ------------------------------------------

_BODY = b'{"id":"evt_1","type":"v1/transactions","data":{}}'
_T = 1_704_110_400


def _mutate(header: str, edits: list[tuple[int, int, str]]) -> str:
    chars = list(header)
    for op, where, ch in edits:
        if not chars:
            break
        at = where % len(chars)
        if op == 0:
            del chars[at]
        elif op == 1:
            chars.insert(at, ch)
        else:
            chars[at] = ch
    return "".join(chars)


@_fast(400)
@given(
    secret=st.text(min_size=1, max_size=40),
    edits=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.sampled_from(list("t=v1,0a9fF ;\x00é-+_"))),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_valid_headers_are_accepted_only_when_equivalent(secret: str, edits: list[Any]) -> None:
    FUZZED["webhook headers (mutated)"] += 1
    header = sign(_BODY, secret, timestamp=_T)
    mutated = _mutate(header, edits)
    try:
        stamp = verify_signature(_BODY, mutated, secret, now=_T)
    except WebhookError:
        return
    # Accepted: then it still carries the true signature and a timestamp within the window of the real one.
    assert compute_signature(_BODY, secret, _T) in mutated.lower()
    assert abs(stamp - _T) <= 300
    assert compute_signature(_BODY, secret, stamp) in mutated.lower()


@_fast(300)
@given(
    secrets=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4),
    other=st.text(min_size=1, max_size=30),
    body=st.binary(max_size=200),
)
def test_any_secret_or_rotation_list_round_trips_and_others_fail(
    secrets: list[str], other: str, body: bytes
) -> None:
    FUZZED["webhook secrets"] += 1
    try:
        header = sign(body, secrets[-1], timestamp=_T)
    except UnicodeEncodeError:
        # A lone surrogate cannot be a secret anyone configured; the error is the codec's own.
        return
    assert verify_signature(body, header, secrets, now=_T) == _T
    if other not in secrets:
        with pytest.raises(WebhookError):
            verify_signature(body, header, other, now=_T)


@_fast(300)
@given(header=st.binary(max_size=120), body=st.binary(max_size=40))
def test_bytes_headers_only_raise_webhook_errors(header: bytes, body: bytes) -> None:
    FUZZED["webhook headers (bytes)"] += 1
    with pytest.raises(WebhookError):
        verify_signature(body, header, "whsec", now=_T)  # type: ignore[arg-type]


@_fast(300)
@given(
    now=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.datetimes(
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
        ),
        st.datetimes(),
        st.text(max_size=5),
        st.none(),
    ),
    tolerance=st.one_of(
        st.integers(-10, 10**10), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3)
    ),
)
def test_clocks_and_tolerances_give_a_result_or_a_typed_error(now: Any, tolerance: Any) -> None:
    FUZZED["webhook clocks and tolerances"] += 1
    header = sign(_BODY, "whsec", timestamp=_T)
    try:
        stamp = verify_signature(_BODY, header, "whsec", now=now, tolerance=tolerance)
    except (WebhookError, ConfigurationError):
        return
    assert stamp == _T
    # Accepted only within the window around the clock given (None: the system clock).
    current = time.time() if now is None else now.timestamp() if isinstance(now, datetime) else now
    assert abs(current - _T) <= int(tolerance) + 1


@pytest.mark.parametrize("now", [float("inf"), float("-inf"), float("nan")])
def test_unusable_clocks_are_configuration_errors(now: Any) -> None:
    """Found by this suite: ``now=inf`` raised OverflowError and ``now=nan`` ValueError, not a typed error."""
    with pytest.raises(ConfigurationError, match="now"):
        verify_signature(_BODY, sign(_BODY, "whsec", timestamp=_T), "whsec", now=now)
    with pytest.raises(ConfigurationError, match="now"):
        verify_signature(_BODY, sign(_BODY, "whsec", timestamp=_T), "whsec", now=lambda: now)


# --- credential strings -----------------------------------------------------------------------------------------

_any_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="ascii"), max_size=60),
    st.from_regex(r"[a-z0-9-]{1,20}-[0-9]{1,5}", fullmatch=True),
)
_PLACEHOLDER = "placeholder-secret-0000"


def _leaks(secret: str, shown: str, public: str) -> bool:
    """``secret`` appears in ``shown`` though it is not part of ``public``, the same text with placeholder secrets."""
    return secret in shown and secret not in public


_not_text = st.one_of(st.none(), st.integers(), st.binary(max_size=8), st.lists(st.text(max_size=3), max_size=2))


@_fast(500)
@given(login=_any_text | _not_text, secret=_any_text | _not_text)
def test_static_key_arguments_construct_or_raise_credential_format_errors(login: Any, secret: Any) -> None:
    FUZZED["StaticKeyAuth arguments"] += 1
    error = _typed(lambda: StaticKeyAuth(login=login, secret_key=secret), CredentialFormatError)
    if error is not None:
        # Messages name the damaged character and its position, never the value. When the login is what is
        # damaged, a clean secret may happen to spell part of the message ("copy"): compare with the message for a
        # placeholder secret.
        placeholder_error = _typed(
            lambda: StaticKeyAuth(login=login, secret_key=_PLACEHOLDER), CredentialFormatError
        )
        public = str(placeholder_error) if placeholder_error is not None else ""
        assert not isinstance(secret, str) or len(secret) < 4 or not _leaks(secret, str(error), public)
        return
    auth = StaticKeyAuth(login=login, secret_key=secret)
    headers = asyncio.run(auth.headers(None))  # type: ignore[arg-type]
    value = headers["Authorization"]
    assert value == f"{login}:{secret}"
    # What is accepted can go into an HTTP header as is.
    assert value.isascii()
    assert value.isprintable()
    assert " " not in value
    if len(secret) >= 8:
        # A secret may happen to spell part of the public text (e.g. "StaticKe"): compare with a repr whose secret
        # is a placeholder.
        assert not _leaks(secret, repr(auth), repr(StaticKeyAuth(login=login, secret_key=_PLACEHOLDER)))


@_fast(300)
@given(value=_any_text | _not_text)
def test_static_key_header_values_construct_or_raise_credential_format_errors(value: Any) -> None:
    FUZZED["StaticKeyAuth.from_header_value"] += 1
    try:
        auth = StaticKeyAuth.from_header_value(value)
    except CredentialFormatError:
        return
    assert auth.login == value.partition(":")[0]


@_fast(300)
@given(client_id=_any_text | _not_text, client_secret=_any_text | _not_text, access=_any_text | _not_text)
def test_oauth_arguments_construct_or_raise_configuration_errors(
    client_id: Any, client_secret: Any, access: Any
) -> None:
    FUZZED["OAuthBearerAuth/OAuthToken arguments"] += 1
    now = datetime.now(UTC)
    try:
        token = OAuthToken(access_token=access, refresh_token="rt", expires_at=now)
        auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token)
    except ConfigurationError:
        return
    assert access.isascii()
    assert access.isprintable()
    assert " " not in access
    # A secret may happen to spell part of the public text (the client id, "expires_at"...): compare with a repr
    # whose secrets are placeholders.
    public = repr(
        OAuthBearerAuth(
            client_id=client_id,
            client_secret=_PLACEHOLDER,
            token=OAuthToken(access_token=_PLACEHOLDER, refresh_token="rt", expires_at=now),
        )
    )
    if len(client_secret) >= 8:
        assert not _leaks(client_secret, repr(auth), public)
    if len(access) >= 8:
        assert not _leaks(access, repr(auth), public)


@_fast(300)
@given(
    payload=st.dictionaries(
        st.sampled_from(
            [
                "access_token",
                "refresh_token",
                "expires_in",
                "scope",
                "token_type",
                "id_token",
                "expires_at",
                "scopes",
            ]
        ),
        _JUNK | st.text(max_size=30),
    )
)
def test_token_payloads_give_a_token_or_the_errors_callers_catch(payload: dict[str, Any]) -> None:
    FUZZED["OAuthToken.from_token_response/from_dict"] += 1
    # What OAuthBearerAuth turns into OAuthError, and what FileTokenStore turns into TokenStoreError.
    _typed(lambda: OAuthToken.from_token_response(payload), ValueError, ConfigurationError)
    _typed(lambda: OAuthToken.from_dict(payload), ValueError, KeyError, TypeError, ConfigurationError)


@_fast(150)
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.dictionaries(st.text(max_size=12), _JUNK, max_size=6).map(lambda d: json.dumps(d).encode()),
        st.fixed_dictionaries(
            {"access_token": _JUNK | st.text(max_size=10), "expires_at": _JUNK | st.text(max_size=30)},
            optional={"refresh_token": _JUNK, "scopes": _JUNK},
        ).map(lambda d: json.dumps(d).encode()),
    )
)
def test_any_token_file_loads_or_raises_token_store_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    FUZZED["token files"] += 1
    path: Path = tmp_path_factory.mktemp("tok") / "token.json"
    path.write_bytes(raw)
    loaded: list[OAuthToken | None] = []
    error = _typed(lambda: loaded.append(asyncio.run(FileTokenStore(path).load())), TokenStoreError)
    if error is None:
        assert loaded[0] is not None
    else:
        # The message names the file and the kind of damage, never its content (it may hold tokens).
        assert len(raw) < 8 or raw.decode("utf-8", "replace")[:40] not in str(error)


# --- datetime and money parameters, and the models' number parsing ----------------------------------------------

_datetime_inputs = st.one_of(
    st.datetimes(
        timezones=st.none() | st.timezones()
        if False
        else st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=45)), timezone(timedelta(hours=-11))])
    ),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda d: d.isoformat() + "Z"),
    st.from_regex(r"\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?)?([Zz]|[+-]\d\d:?\d\d)?", fullmatch=True),
    st.text(max_size=30),
    _not_text,
    st.floats(),
)


@_fast(500)
@given(value=_datetime_inputs)
def test_datetime_param_gives_utc_text_or_configuration_error(value: Any) -> None:
    FUZZED["datetime_param"] += 1
    try:
        text = datetime_param("settled_at_from", value)
    except ConfigurationError:
        return
    assert text.endswith("Z")
    parsed = datetime.fromisoformat(text[:-1] + "+00:00")
    if isinstance(value, datetime):
        # Qonto reads milliseconds: the sub-millisecond part is dropped, never rounded into another second.
        assert value.tzinfo is not None
        assert timedelta(0) <= value - parsed < timedelta(milliseconds=1)


_amount_inputs = st.one_of(
    st.decimals(places=2, min_value=Decimal("-1e9"), max_value=Decimal("1e12")),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(places=2, min_value=0, max_value=10**6).map(str),
    st.from_regex(r"-?\d{0,30}(\.\d{0,5})?([eE][+-]?\d{1,10})?", fullmatch=True),
    st.text(max_size=20),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.none(),
)


@_fast(500)
@given(value=_amount_inputs)
def test_amount_param_gives_a_cent_string_or_configuration_error(value: Any) -> None:
    FUZZED["amount_param"] += 1
    started = time.perf_counter()
    try:
        text = amount_param("amount", value)
    except ConfigurationError:
        return
    finally:
        assert time.perf_counter() - started < 1.0
    amount = Decimal(text)
    assert amount > 0
    assert amount == amount.quantize(Decimal("0.01"))
    assert "E" not in text
    assert "e" not in text
    assert amount == Decimal(value)


_wire_numbers = st.one_of(
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.from_regex(r"-?\d{1,6}(\.\d{1,4})?[eE][+-]?\d{1,10}", fullmatch=True),
    st.booleans(),
    st.none(),
    _JUNK,
)


@_fast(500)
@given(
    balance=_wire_numbers,
    cents=_wire_numbers,
    as_text=st.booleans(),
)
def test_model_numbers_decode_fast_or_fail_with_typed_errors(balance: Any, cents: Any, as_text: bool) -> None:
    """Decimal and int fields, as JSON numbers or strings, in the production and strict converters alike."""
    from qonto_async.models import BankAccount

    FUZZED["model Decimal/int fields"] += 1
    if as_text:
        body = json.dumps({"id": "b", "balance": str(balance), "balance_cents": str(cents)}, default=str)
    else:
        body = json.dumps({"id": "b", "balance": balance, "balance_cents": cents}, default=str)
    for strict in (False, True):
        started = time.perf_counter()
        try:
            account = structure(loads(body), BankAccount, strict=strict)
        except DECODE_ERRORS:
            pass
        else:
            if account.balance is not None:
                assert account.balance.is_finite()
                format(account.balance, "f")  # what request bodies and the CLI do with an amount
        assert time.perf_counter() - started < 1.0, body[:100]


@pytest.mark.parametrize(
    "number",
    ["1e9999999", "-1e9999999", "1E+999999999", "1e-9999999", '"1e9999999"', '"1e-999999999"', "12.0e999999"],
)
def test_huge_exponents_are_refused_at_once(number: str) -> None:
    """Found by this suite: ``{"balance_cents": 1e9999999}`` (23 bytes) made int() run for minutes; an amount
    ``1e9999999`` made format(amount, "f") do the same. Both are now decode errors."""
    from qonto_async.models import BankAccount

    for field in ("balance", "balance_cents"):
        body = f'{{"id": "b", "{field}": {number}}}'
        started = time.perf_counter()
        for strict in (False, True):
            with pytest.raises(DECODE_ERRORS):
                structure(loads(body), BankAccount, strict=strict)
        assert time.perf_counter() - started < 0.5


def test_ordinary_amounts_still_decode() -> None:
    from qonto_async.models import BankAccount

    account = structure(
        loads('{"id": "b", "balance": 1e3, "balance_cents": 1.25e4, "authorized_balance": "1E-2"}'), BankAccount
    )
    assert account.balance == Decimal("1e3")
    assert account.balance_cents == 12500
    assert account.authorized_balance == Decimal("0.01")
