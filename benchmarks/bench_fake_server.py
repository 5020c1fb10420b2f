"""Small-response throughput of FakeQonto (DESIGN §8: the fake must not be the bottleneck of the benchmarks).

    python benchmarks/bench_fake_server.py [--requests N] [--concurrency C] [--path PATH] [--in-process]

By default the fake runs in a child process (``python -m qonto_async.testing serve``), so the figure is the
server's own throughput, not shared with the load generator's event loop; ``--in-process`` runs both in one loop
(the situation of the integration tests). The load is plain aiohttp with the API key, ``C`` requests in flight,
rate limit off, journal off. Prints responses/s; the aim is at least 5,000.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import aiohttp

from qonto_async.testing import FakeQonto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _fake_process import fake_process


async def _load(base: str, headers: dict[str, str], path: str, total: int, concurrency: int) -> tuple[float, int]:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:
        # Warm up: open the connections first.
        await asyncio.gather(*(_one(http, base + path) for _ in range(concurrency)))
        remaining = total
        failures = 0

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0:
                remaining -= 1
                if await _one(http, base + path) != 200:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, failures


async def _one(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as resp:
        await resp.read()
        return resp.status


async def _in_process(args: argparse.Namespace) -> tuple[float, int]:
    async with FakeQonto(sandbox=False, rate_limit=None, journal=False) as fake:
        headers = {"Authorization": f"{fake.login}:{fake.secret_key}"}
        return await _load(fake.url, headers, args.path, args.requests, args.concurrency)


async def _child(args: argparse.Namespace) -> tuple[float, int]:
    # Starting the child blocks briefly before any request is timed: that is what the benchmark wants.
    with fake_process() as (base, key):
        return await _load(base, {"Authorization": key}, args.path, args.requests, args.concurrency)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--path", default="/v2/organization")
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    elapsed, failures = asyncio.run(_in_process(args) if args.in_process else _child(args))
    where = "in-process" if args.in_process else "child process"
    print(
        f"FakeQonto ({where}) GET {args.path}: {args.requests} requests, concurrency {args.concurrency}: "
        f"{args.requests / elapsed:,.0f} responses/s ({failures} non-200)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
