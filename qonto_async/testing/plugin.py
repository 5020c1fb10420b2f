"""pytest plugin: the ``qonto_fake`` fixture, a running :class:`~qonto_async.testing.FakeQonto` per test.

Registered through the ``pytest11`` entry point, so installing qonto-async is enough::

    async def test_sync(qonto_fake):
        async with QontoClient(
            auth=qonto_fake.static_key_auth(),
            environment=qonto_fake.environment,
            staging_token=qonto_fake.staging_token,
        ) as qonto:
            ...

Options for one test go through the marker: ``@pytest.mark.qonto_fake(sandbox=False, transactions_per_account=10)``.
The fixture needs pytest-asyncio (any mode: it is declared as a pytest-asyncio fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar, cast

import pytest

from qonto_async.testing._server import FakeQonto

_F = TypeVar("_F", bound=Callable[..., Any])

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the entry point loads in every pytest run: never break one without it
    _decorator: Callable[[Any], Any] = pytest.fixture
else:
    _decorator = pytest_asyncio.fixture


def _fixture(function: _F) -> _F:
    return cast(_F, _decorator(function))


__all__ = ["pytest_configure", "qonto_fake"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "qonto_fake(**options): keyword arguments for the FakeQonto behind the qonto_fake fixture",
    )


@_fixture
async def qonto_fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeQonto]:
    """A started FakeQonto (sandbox mode unless the ``qonto_fake`` marker says otherwise), stopped afterwards."""
    marker = request.node.get_closest_marker("qonto_fake")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    async with FakeQonto(**options) as fake:
        yield fake
