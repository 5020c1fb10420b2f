"""What each write sends matches Qonto's Postman collections: body field names and the idempotency header.

For every covered operation whose Postman request has a raw JSON body, each field path the client sends (``a.b``,
lists as ``a[].b``) must appear in Postman's body: the client never invents a name. Postman's examples list optional
fields too, so a documented field the client leaves out (because the sample call did not set it) is fine. And the
client sends ``X-Qonto-Idempotency-Key`` exactly where Postman's request lists it.

The requests are built with the sample arguments of ``tests/test_coverage.py`` and sent nowhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from qonto_async import _coverage
from tests.test_coverage import COVERED, _built_request

IDEMPOTENCY_HEADER = "X-Qonto-Idempotency-Key"


def _postman_requests() -> dict[str, dict[str, Any]]:
    folder = _coverage.data_dir() / "postman-collections"
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.postman_collection.json")):
        for item in _coverage._requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
            request = item["request"]
            url = request["url"]
            prefix = _coverage.OAUTH_HOST if "{{oauthUrl}}" in url.get("host", []) else ""
            name = f"{request['method']} {prefix}/" + "/".join(_coverage._segment(s) for s in url["path"])
            out.setdefault(name, request)
    return out


POSTMAN = _postman_requests()


def _paths(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(prefix + key)
            out |= _paths(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            out |= _paths(item, f"{prefix[:-1]}[]." if prefix else "[].")
    return out


def _postman_body(request: dict[str, Any]) -> Any:
    body = request.get("body") or {}
    raw = body.get("raw", "") if body.get("mode") == "raw" else ""
    if not raw.strip():
        return None
    # Postman bodies hold placeholders such as <string> or {{amount}} outside quotes: make them JSON first.
    text = re.sub(r"(?<![\"\w])(\{\{\w+\}\}|<\w+>)(?![\"\w])", '"x"', raw)
    return json.loads(text)


# Fields whose content is free-form by design (the keys are the caller's own): their inner paths are not checked.
_FREE_FORM = ("details.", "metadata.")


def _with_bodies() -> list[str]:
    names = []
    for name, mark in sorted(COVERED.items()):
        request = POSTMAN.get(mark.name)
        if request is not None and mark.method != "GET" and _postman_body(request) is not None:
            names.append(name)
    return names


def _with_postman() -> list[str]:
    return [name for name, mark in sorted(COVERED.items()) if mark.method != "GET" and mark.name in POSTMAN]


def test_there_is_something_to_check() -> None:
    assert len(_with_bodies()) >= 30


@pytest.mark.parametrize("name", _with_bodies())
async def test_every_body_field_sent_is_documented(name: str) -> None:
    request = await _built_request(name)
    documented = _paths(_postman_body(POSTMAN[COVERED[name].name]))
    if request.json is None:
        return  # a multipart upload: its single field is checked by the upload tests
    sent = {path for path in _paths(request.json) if not any(f in path for f in _FREE_FORM)}
    assert sent - documented == set(), f"{name} sends fields Postman does not document"


@pytest.mark.parametrize("name", _with_postman())
async def test_the_idempotency_header_is_sent_where_postman_lists_it(name: str) -> None:
    request = await _built_request(name)
    headers = {h["key"].lower() for h in POSTMAN[COVERED[name].name].get("header", [])}
    documented = IDEMPOTENCY_HEADER.lower() in headers
    assert request.idempotent_key_supported == documented, (
        f"{name}: Postman {'lists' if documented else 'does not list'} {IDEMPOTENCY_HEADER}"
    )
