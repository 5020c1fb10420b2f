"""fake_in_thread: FakeQonto on a background loop, stopped cleanly even with a request still being answered."""

from __future__ import annotations

import gc
import http.client
import logging
import socket
from urllib.parse import urlsplit

import pytest

from qonto_async import SyncQontoClient
from qonto_async.models import Organization
from qonto_async.testing import fake_in_thread


def test_a_handler_still_running_at_exit_is_cancelled_not_left_pending(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    with fake_in_thread(transactions_per_account=5) as fake:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto:
            assert isinstance(qonto.organization.get(), Organization)
        # A client that asks, then goes away while the answer is held back: its handler is still waiting.
        fake.faults.next(delay=30, path="/v2/organization")
        parts = urlsplit(fake.environment.api_url)
        assert parts.hostname is not None
        assert parts.port is not None
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=0.2)
        conn.request("GET", "/v2/organization")  # the fault plan holds it back before any auth check
        with pytest.raises(socket.timeout):
            conn.getresponse()
        conn.close()
    gc.collect()
    assert not [r for r in caplog.records if "Task was destroyed but it is pending" in r.getMessage()]
