"""Fixtures for FakeQonto's own tests: a running fake and a raw aiohttp session to poke it with."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from qonto_async.testing import FakeQonto


class Raw:
    """Plain aiohttp against the fake: sends exactly the headers given (plus the staging token unless told not)."""

    def __init__(self, fake: FakeQonto, http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.http = http

    def key(self) -> str:
        return f"{self.fake.login}:{self.fake.secret_key}"

    async def __call__(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        authorization: str | None = "key",
        staging: bool = True,
        **kwargs: Any,
    ) -> tuple[int, CIMultiDictProxy[str], bytes]:
        sent: dict[str, str] = {}
        if authorization == "key":
            sent["Authorization"] = self.key()
        elif authorization is not None:
            sent["Authorization"] = authorization
        if staging and self.fake.staging_token is not None:
            sent["X-Qonto-Staging-Token"] = self.fake.staging_token
        sent.update(headers or {})
        async with self.http.request(
            method, self.fake.url + path, headers=sent, allow_redirects=False, **kwargs
        ) as r:
            return r.status, r.headers, await r.read()

    async def json(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        status, _headers, body = await self(method, path, **kwargs)
        return status, json.loads(body)


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto() as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
async def prod_fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(sandbox=False) as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


@pytest.fixture
def raw(fake: FakeQonto, http: aiohttp.ClientSession) -> Raw:
    return Raw(fake, http)


@pytest.fixture
def prod_raw(prod_fake: FakeQonto, http: aiohttp.ClientSession) -> Raw:
    return Raw(prod_fake, http)
