"""Cancellation and leaks (issue 9), over loopback HTTP to FakeQonto.

- 1,000 in-flight requests cancelled at random points (seeded): while waiting for an OAuth refresh that a slow
  token endpoint holds up, for a pooled connection, for the answer's headers, or between retries. Afterwards no
  connection is checked out of the pool, the file descriptors come back to their baseline once the client is
  closed, the refresh lock is free, the token was refreshed once per expiry (never spent twice), and the next
  request succeeds.
- Unclosed clients: the ``ResourceWarning`` is real and the project's ``filterwarnings = error`` makes it fail a
  test; closed clients leave nothing for ``gc.collect()`` to complain about.
"""

from __future__ import annotations

import asyncio
import gc
import random
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from qonto_async import OAuthBearerAuth, QontoClient, RetryPolicy, SyncQontoClient
from qonto_async.models import Organization
from qonto_async.testing import FakeQonto

from ._harness import acquired, fd_count, fds_back_to, no_loop_errors, pooled, settle, socket_count

ROOT = Path(__file__).resolve().parents[2]
TARGET_CANCELLED = 1000
PER_ROUND = 250


async def _cancel_at(task: asyncio.Task[Any], at: float, tally: list[float]) -> None:
    await asyncio.sleep(at)
    if not task.done():
        task.cancel()
        tally.append(at)


async def test_cancel_1000_in_flight_requests_at_random_points() -> None:
    rng = random.Random(20240909)
    with no_loop_errors():
        async with FakeQonto(rate_limit=None, journal=False, transactions_per_account=5) as fake:
            gc.collect()
            fds_before, sockets_before = fd_count(), socket_count()
            client_id, client_secret = fake.oauth_client()
            auth = OAuthBearerAuth(
                client_id=client_id,
                client_secret=client_secret,
                token=fake.issue_token(expires_in=0),  # expired: the first request of each round refreshes
                clock=fake.clock,
            )
            token_path = urlsplit(fake.environment.token_url).path
            qonto = QontoClient(
                auth=auth,
                environment=fake.environment,
                staging_token=fake.staging_token,
                retry=RetryPolicy(backoff_base=0.05, backoff_max=0.2),
                connection_limit=64,
            )
            cancelled = mid_refresh = 0
            rounds = 0
            async with qonto:
                while cancelled < TARGET_CANCELLED:
                    rounds += 1
                    assert rounds <= 8, f"only {cancelled} requests were still in flight when cancelled"
                    if rounds > 1:
                        fake.advance(3600 + 120)  # the token expires again: this round refreshes too
                    # The token endpoint answers after 0.3 s, so the first cancellations land mid-refresh. Then
                    # the first half of the requests get a quick 503 (their tasks wait to retry), and every
                    # other request, retries included, an answer 0.25 s late.
                    fake.faults.next(1, delay=0.3, path=token_path)
                    fake.faults.next(PER_ROUND // 2, delay=0.05, status=503, path="/v2/organization")
                    fake.faults.next(PER_ROUND, delay=0.25, path="/v2/organization")
                    tasks = [asyncio.create_task(qonto.organization.get()) for _ in range(PER_ROUND)]
                    tally: list[float] = []
                    # Nothing can complete before 0.55 s (refresh, then a late answer): every cancellation issued
                    # before then lands on a request in flight, at a point that depends on the draw.
                    await asyncio.gather(*(_cancel_at(t, rng.uniform(0.0, 0.5), tally) for t in tasks))
                    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
                    cancelled += len(tally)
                    mid_refresh += sum(at < 0.3 for at in tally)
                    # A cancellation is never swallowed or turned into another error.
                    assert sum(t.cancelled() for t in tasks) == len(tally)
                    assert all(isinstance(o, asyncio.CancelledError | Organization) for o in outcomes), {
                        type(o).__name__ for o in outcomes
                    }

                    # The shielded refresh ran to its end once, and its lock is free again.
                    assert await settle(lambda: not auth._lock.locked())
                    assert auth.refresh_count == rounds
                    assert fake.token_calls["refresh_token"] == rounds
                    # No connection stays checked out; the pool keeps at most its limit.
                    assert await settle(lambda: acquired(qonto) == 0), acquired(qonto)
                    assert pooled(qonto) <= 64
                    # The next request succeeds, with the refreshed token and without another refresh.
                    fake.faults.clear()
                    assert isinstance(await qonto.organization.get(), Organization)
                    assert auth.refresh_count == rounds
            assert cancelled >= TARGET_CANCELLED
            assert mid_refresh >= TARGET_CANCELLED // 4
            # Closed: the client's sockets are gone and the server's ends of them too.
            fds_after = await fds_back_to(fds_before)
            assert fds_after <= fds_before + 5, (fds_before, fds_after)
            assert await settle(lambda: socket_count() <= sockets_before + 2), (sockets_before, socket_count())
            print(
                f"\ncancelled in flight: {cancelled} tasks in {rounds} rounds ({mid_refresh} mid-refresh); "
                f"fds {fds_before} -> {fds_after}"
            )
        assert fake.internal_errors == []


async def test_cancelling_the_caller_mid_refresh_keeps_the_refresh_and_frees_the_lock() -> None:
    async with FakeQonto(rate_limit=None, transactions_per_account=5) as fake:
        client_id, client_secret = fake.oauth_client()
        auth = OAuthBearerAuth(
            client_id=client_id,
            client_secret=client_secret,
            token=fake.issue_token(expires_in=0),
            clock=fake.clock,
        )
        token_path = urlsplit(fake.environment.token_url).path
        async with QontoClient(auth=auth, environment=fake.environment, staging_token=fake.staging_token) as qonto:
            fake.faults.next(1, delay=0.3, path=token_path)
            first = asyncio.create_task(qonto.organization.get())
            assert await settle(lambda: fake.count("POST", token_path) == 1)  # the token call is on the wire
            assert auth._lock.locked()
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            # The refresh was not abandoned: it ends, saves the rotated pair and releases the lock.
            assert await settle(lambda: auth.refresh_count == 1)
            assert await settle(lambda: not auth._lock.locked())
            assert (await auth.token_store.load()) == auth.token
            assert isinstance(await qonto.organization.get(), Organization)
            assert fake.token_calls["refresh_token"] == 1
            assert await settle(lambda: acquired(qonto) == 0)
        assert fake.internal_errors == []


async def test_a_cancelled_request_while_waiting_for_a_pooled_connection_leaks_nothing() -> None:
    async with FakeQonto(rate_limit=None, journal=False, transactions_per_account=5) as fake:
        async with QontoClient(
            auth=fake.static_key_auth(),
            environment=fake.environment,
            staging_token=fake.staging_token,
            connection_limit=2,
        ) as qonto:
            fake.faults.next(2, delay=0.3, path="/v2/organization")
            busy = [asyncio.create_task(qonto.organization.get()) for _ in range(2)]
            assert await settle(lambda: acquired(qonto) == 2)
            waiting = [asyncio.create_task(qonto.organization.get()) for _ in range(50)]
            await asyncio.sleep(0.05)
            for task in waiting:
                task.cancel()
            results = await asyncio.gather(*waiting, return_exceptions=True)
            assert all(isinstance(r, asyncio.CancelledError) for r in results)
            assert all(isinstance(o, Organization) for o in await asyncio.gather(*busy))
            assert await settle(lambda: acquired(qonto) == 0)
            assert pooled(qonto) <= 2
            assert len(await asyncio.gather(*(qonto.organization.get() for _ in range(10)))) == 10
        assert fake.internal_errors == []


async def test_cancelled_and_abandoned_paginations_leak_nothing() -> None:
    """Iterations with a page requested ahead, cancelled at random points or left with ``break``: no request is
    left running, no connection checked out, no task error unretrieved."""
    loop = asyncio.get_running_loop()
    rng = random.Random(7)
    with no_loop_errors():
        async with FakeQonto(rate_limit=None, journal=False, transactions_per_account=60) as fake:
            account = fake.data.bank_accounts[0]["id"]
            async with QontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            ) as qonto:

                async def walk(stop_after: int | None) -> int:
                    seen = 0
                    async for _transaction in qonto.transactions.iterate(bank_account_id=account, per_page=5):
                        seen += 1
                        if stop_after is not None and seen >= stop_after:
                            break  # leaves the page requested ahead to finish on its own
                    return seen

                everything = await walk(None)
                assert everything > 12
                fake.faults.next(200, delay=0.02, path="/v2/transactions")
                walkers = [asyncio.create_task(walk(rng.choice((None, 3, 7, 12)))) for _ in range(100)]
                for task in walkers:
                    loop.call_later(rng.uniform(0.0, 0.15), task.cancel)
                outcomes = await asyncio.gather(*walkers, return_exceptions=True)
                assert all(isinstance(o, asyncio.CancelledError | int) for o in outcomes), outcomes
                assert any(isinstance(o, asyncio.CancelledError) for o in outcomes)
                fake.faults.clear()
                # Requests sent ahead for a loop left with break end by themselves; then nothing is in flight.
                assert await settle(lambda: acquired(qonto) == 0), acquired(qonto)
                assert await walk(None) == everything
        assert fake.internal_errors == []


# --- unclosed clients -----------------------------------------------------------------------------------------------
_LEAKY = """
    import gc

    from qonto_async import QontoClient
    from qonto_async.testing import FakeQonto


    async def test_CASE() -> None:
        async with FakeQonto() as fake:
            qonto = QontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            )
            await qonto.organization.get()
            if "CASE" == "closed":
                await qonto.aclose()
            del qonto
            gc.collect()
"""


def _run_pytest(tmp_path: Path, case: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / f"test_{case}_client.py"
    test_file.write_text(textwrap.dedent(_LEAKY).replace("CASE", case))
    return subprocess.run(
        # The project's own pytest configuration (filterwarnings = error, asyncio_mode = auto).
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-c",
            str(ROOT / "pyproject.toml"),
            str(test_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_project_config_turns_an_unclosed_client_into_a_failure(tmp_path: Path) -> None:
    leaky = _run_pytest(tmp_path, "unclosed")
    output = leaky.stdout + leaky.stderr
    assert leaky.returncode == 1, output
    assert "ResourceWarning" in output, output
    assert "QontoClient was not closed" in output, output
    assert "1 failed" in output, output
    # The same test with the client closed passes: the failure is the leak, nothing else.
    tidy = _run_pytest(tmp_path, "closed")
    assert tidy.returncode == 0, tidy.stdout + tidy.stderr
    assert "1 passed" in tidy.stdout, tidy.stdout


def test_warnings_are_errors_here_too() -> None:
    with pytest.raises(ResourceWarning, match="unclosed"):
        warnings.warn("unclosed something", ResourceWarning, stacklevel=1)


async def test_an_unclosed_client_warns_when_collected() -> None:
    async with FakeQonto(transactions_per_account=5) as fake:
        qonto = QontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        )
        await qonto.organization.get()
        http = qonto._session._http
        assert http is not None
        del qonto  # the client and its resources form a cycle: only the collector frees them
        with pytest.warns(ResourceWarning, match="QontoClient was not closed"):
            gc.collect()
        await http.close()


async def test_closed_clients_leave_nothing_for_gc(monkeypatch: pytest.MonkeyPatch) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    async with FakeQonto(transactions_per_account=5) as fake:
        fds_before = fd_count()
        for _ in range(5):
            qonto = QontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            )
            async with qonto:
                view = qonto.with_options(timeout=5)
                await asyncio.gather(qonto.organization.get(), view.labels.list())
                await view.aclose()  # a view closes nothing; the owner does
                assert isinstance(await qonto.organization.get(), Organization)
            never_used = QontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            )
            await never_used.aclose()
            del qonto, view, never_used
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            gc.collect()
        assert await fds_back_to(fds_before) <= fds_before + 5
    assert unraisable == []


def test_closed_sync_clients_leave_nothing_for_gc(monkeypatch: pytest.MonkeyPatch) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    from qonto_async.testing import fake_in_thread

    with fake_in_thread(transactions_per_account=5) as fake:
        fds_before, threads_before = fd_count(), threading.active_count()
        for _ in range(3):
            with SyncQontoClient(
                auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
            ) as qonto:
                assert isinstance(qonto.organization.get(), Organization)
            del qonto
        # Each sync client's event-loop thread and sockets are gone once it is closed.
        assert threading.active_count() == threads_before
        assert fd_count() <= fds_before + 5, (fds_before, fd_count())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gc.collect()
    assert unraisable == []
