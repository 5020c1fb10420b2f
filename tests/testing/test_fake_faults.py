"""Fault injection: the next N responses fail on purpose, globally or per path, in the order planned."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from qonto_async.testing import FaultPlan

from .conftest import Raw


async def test_status_faults_are_consumed_in_order_then_service_resumes(raw: Raw) -> None:
    raw.fake.faults.next(2, status=503)
    raw.fake.faults.next(1, status=429, retry_after=3)
    statuses = []
    for _ in range(4):
        status, headers, body = await raw("GET", "/v2/labels")
        statuses.append((status, headers.get("Retry-After")))
        assert headers["X-Tyk-Trace-Id"].encode() in body or status == 200
    assert statuses == [(503, None), (503, None), (429, "3"), (200, None)]
    assert len(raw.fake.faults) == 0


async def test_path_faults_leave_other_paths_alone(raw: Raw) -> None:
    raw.fake.faults.next(1, status=500, path="/v2/organization", method="get")
    assert (await raw("GET", "/v2/labels"))[0] == 200
    assert (await raw("GET", "/v2/organization"))[0] == 500
    assert (await raw("GET", "/v2/organization"))[0] == 200


async def test_faults_apply_before_the_gate_and_auth(raw: Raw) -> None:
    raw.fake.faults.next(1, status=502)
    assert (await raw("GET", "/v2/organization", staging=False, authorization=None))[0] == 502


async def test_malformed_body(raw: Raw) -> None:
    raw.fake.faults.next(malformed=True)
    status, headers, body = await raw("GET", "/v2/organization")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError, match="Expecting value"):
        json.loads(body)


# aiohttp's client silently resends a GET once when the server closes the connection before any byte of the
# answer, so a reset before the headers must be planned twice to reach the caller.
@pytest.mark.parametrize(("reset", "times"), [(True, 2), ("before_headers", 2), ("after_headers", 1)])
async def test_reset_closes_the_connection(raw: Raw, reset: bool | str, times: int) -> None:
    raw.fake.faults.next(times, reset=reset)  # type: ignore[arg-type]
    with pytest.raises(aiohttp.ClientError):
        await raw("GET", "/v2/organization")
    assert [e.status for e in raw.fake.journal] == [0] * times
    assert (await raw("GET", "/v2/organization"))[0] == 200


async def test_truncated_body(raw: Raw) -> None:
    raw.fake.faults.next(truncate=True)
    with pytest.raises(aiohttp.ClientPayloadError):
        await raw("GET", "/v2/organization")
    assert (await raw("GET", "/v2/organization"))[0] == 200


async def test_delay_is_a_real_delay(raw: Raw) -> None:
    raw.fake.faults.next(delay=2)
    with pytest.raises(asyncio.TimeoutError):
        await raw("GET", "/v2/organization", timeout=aiohttp.ClientTimeout(total=0.05))
    raw.fake.faults.next(delay=0.01, status=504)
    assert (await raw("GET", "/v2/organization"))[0] == 504


def test_fault_plan_validates() -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError, match="at least one"):
        plan.next(1)
    with pytest.raises(ValueError, match="exclusive"):
        plan.next(1, status=500, reset=True)
    with pytest.raises(ValueError, match=">= 1"):
        plan.next(0, status=500)
    with pytest.raises(ValueError, match="status code"):
        plan.next(status=42)
    fault = plan.next(2, status=500, path="/x")
    assert plan.take("GET", "/y") is None
    assert plan.take("GET", "/x") is fault
    assert plan.pending == [fault]
    plan.clear()
    assert plan.take("GET", "/x") is None
