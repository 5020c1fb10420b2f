"""Soak (issue 9): 10,000 requests, 64 at a time, over loopback HTTP to FakeQonto, with some faults mixed in.

Open sockets stay bounded by the pool while it runs, the file descriptors come back to their baseline once the
client is closed, and memory does not grow with the number of requests (measured after a warm-up, so that what
is allocated once, caches and pools, is not counted as growth): RSS within 20 MB, and what tracemalloc sees
allocated after the warm-up and still alive at the end within 2 MB.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from collections.abc import Callable

from qonto_async import QontoClient, RetryPolicy
from qonto_async.models import Organization
from qonto_async.testing import FakeQonto

from ._harness import acquired, fd_count, fds_back_to, pooled, quiet_logs, rss_bytes, settle, socket_count

TOTAL = 10_000
WARM_UP = 1_000
CONCURRENCY = 64
MAX_GROWTH = 20 * 1024 * 1024
MAX_KEPT = 2 * 1024 * 1024
FAULT_EVERY = 50
FAULTS: tuple[Callable[[FakeQonto], object], ...] = (
    lambda fake: fake.faults.next(status=503, path="/v2/organization"),
    lambda fake: fake.faults.next(status=429, path="/v2/organization"),
    lambda fake: fake.faults.next(reset="after_headers", path="/v2/organization"),
    lambda fake: fake.faults.next(truncate=True, path="/v2/organization"),
)


async def test_soak_10000_requests_keeps_sockets_and_memory_bounded() -> None:
    with quiet_logs("qonto_async", "aiohttp", "asyncio"):
        await _soak()


async def _soak() -> None:
    async with FakeQonto(rate_limit=None, journal=False, transactions_per_account=5) as fake:
        gc.collect()
        fds_before, sockets_before = fd_count(), socket_count()
        qonto = QontoClient(
            auth=fake.static_key_auth(),
            environment=fake.environment,
            staging_token=fake.staging_token,
            # Six attempts: a request that happens to meet several of the scattered faults still gets through.
            retry=RetryPolicy(max_attempts=6, backoff_base=0.001, backoff_max=0.005),
            connection_limit=CONCURRENCY,
        )
        done = 0
        peak_sockets = 0
        peak_acquired = 0
        rss_after_warm_up = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(TOTAL):
            queue.put_nowait(n)

        async def worker() -> None:
            nonlocal done
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if n % FAULT_EVERY == 0:
                    # Faults along the way, one at a time: each is retried, and none may leave a connection or
                    # a socket behind.
                    FAULTS[(n // FAULT_EVERY) % len(FAULTS)](fake)
                org = await qonto.organization.get()
                assert isinstance(org, Organization)
                done += 1

        async def sampler() -> None:
            nonlocal peak_sockets, peak_acquired, rss_after_warm_up
            while done < TOTAL:
                peak_sockets = max(peak_sockets, socket_count())
                peak_acquired = max(peak_acquired, acquired(qonto))
                if not rss_after_warm_up and done >= WARM_UP:
                    gc.collect()
                    rss_after_warm_up = rss_bytes()
                    tracemalloc.start()  # from here on: what the remaining requests allocate and keep
                await asyncio.sleep(0.05)

        started = time.monotonic()
        async with qonto:
            await asyncio.gather(sampler(), *(worker() for _ in range(CONCURRENCY)))
            assert done == TOTAL
            assert len(fake.faults) == 0
            gc.collect()
            rss_end = rss_bytes()
            kept, _peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert await settle(lambda: acquired(qonto) == 0)
            assert pooled(qonto) <= CONCURRENCY
        elapsed = time.monotonic() - started

        # While running: the pool's limit bounds the connections (a client end and a server end each).
        assert 0 < peak_acquired <= CONCURRENCY
        assert peak_sockets <= sockets_before + 2 * CONCURRENCY + 8, (sockets_before, peak_sockets)
        # Afterwards: back to the baseline.
        fds_after = await fds_back_to(fds_before)
        assert fds_after <= fds_before + 5, (fds_before, fds_after)
        growth = rss_end - rss_after_warm_up
        assert rss_after_warm_up > 0
        assert growth < MAX_GROWTH, f"RSS grew by {growth / 2**20:.1f} MiB over {TOTAL - WARM_UP} requests"
        # Python objects allocated after the warm-up and still alive: a few pooled buffers, not per request.
        assert kept < MAX_KEPT, f"{kept / 2**20:.2f} MiB allocated after the warm-up are still alive"
        print(
            f"\nsoak: {TOTAL} requests ({CONCURRENCY} at a time, {TOTAL // FAULT_EVERY} faults) in {elapsed:.1f} s; "
            f"peak sockets {peak_sockets} (baseline {sockets_before}); fds {fds_before} -> {fds_after}; "
            f"RSS growth after warm-up {growth / 2**20:.1f} MiB, Python objects kept {kept / 2**10:.0f} KiB"
        )
    assert fake.internal_errors == []
