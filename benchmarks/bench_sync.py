"""The sync facade from 32 threads against the async client, in the same run (issue #6: target >= 0.7x).

    python benchmarks/bench_sync.py [--requests N] [--threads T] [--repeat R]

FakeQonto runs in a child process (``python -m qonto_async.testing serve``), so neither client shares its event
loop or GIL with the server. Both clients send the same ``GET /v2/organization`` calls with the API key: the async
client with T tasks in flight, the sync client from T threads. Each side is measured R times, alternating, and the
best run of each is kept. Prints requests/s for both and the ratio sync/async; ``--check`` exits 1 below 0.7.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _fake_process import fake_process

from qonto_async import Environment, QontoClient, RetryPolicy, StaticKeyAuth, SyncQontoClient, register_environment

TARGET = 0.7


async def run_async(env: Environment, auth: StaticKeyAuth, total: int, concurrency: int) -> float:
    async with QontoClient(auth=auth, environment=env, retry=RetryPolicy.disabled()) as qonto:
        await asyncio.gather(*(qonto.organization.get() for _ in range(concurrency)))  # warm the pool
        remaining = total

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await qonto.organization.get()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - started)


def run_sync(env: Environment, auth: StaticKeyAuth, total: int, threads: int) -> float:
    """T plain worker threads sharing one client, as a job queue's workers would."""
    with SyncQontoClient(auth=auth, environment=env, retry=RetryPolicy.disabled()) as qonto:
        per_thread = total // threads
        start = threading.Barrier(threads + 1)

        def worker() -> None:
            qonto.organization.get()  # warm: the loop thread, the pool
            start.wait()
            for _ in range(per_thread):
                qonto.organization.get()

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        start.wait()
        started = time.perf_counter()
        for t in pool:
            t.join()
        return per_thread * threads / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with fake_process() as (base, key):
        env = register_environment(
            Environment(name="bench-fake", api_url=base, oauth_url=f"{base}/oauth", requires_staging_token=False)
        )
        auth = StaticKeyAuth.from_header_value(key)
        best_async = best_sync = 0.0
        for _ in range(args.repeat):
            best_async = max(best_async, asyncio.run(run_async(env, auth, args.requests, args.threads)))
            best_sync = max(best_sync, run_sync(env, auth, args.requests, args.threads))
    ratio = best_sync / best_async
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.requests} requests, {args.threads} in flight"
    )
    print(f"{'async client (tasks)':<28}{best_async:>10.0f} req/s")
    print(f"{'sync facade (threads)':<28}{best_sync:>10.0f} req/s")
    print(f"{'sync / async':<28}{ratio:>10.2f}  (target >= {TARGET})")
    if args.check and ratio < TARGET:
        print("FAIL: the sync facade is below the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
