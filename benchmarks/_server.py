"""FakeQonto in a child process for the benchmark runner, with a control channel on stdin/stdout.

    python benchmarks/_server.py --transactions N

Prints one JSON line (base URL, API key, OAuth client, first account id), then answers one JSON line per
command read on stdin:

- ``token <expires_in>``: a fresh OAuth token pair (the token endpoint's JSON), e.g. ``token 0`` for an expired one;
- ``calls``: the token endpoint's call counts so far, by grant type;
- ``quit``: stop.

The server runs production-like (no staging-token gate), without rate limit and without journal, so it is not the
bottleneck and its memory stays flat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from qonto_async.testing import FakeQonto

SCOPES = ("offline_access", "organization.read")


async def serve(transactions: int) -> None:
    fake = FakeQonto(
        sandbox=False, rate_limit=None, journal=False, transactions_per_account=transactions, accounts=1
    )
    async with fake:
        client_id, client_secret = fake.oauth_client()
        hello = {
            "base": fake.url,
            "key": f"{fake.login}:{fake.secret_key}",
            "login": fake.login,
            "secret_key": fake.secret_key,
            "client_id": client_id,
            "client_secret": client_secret,
            "account_id": fake.data.bank_accounts[0]["id"],
        }
        print(json.dumps(hello), flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            command, *args = line.split() or ["quit"]
            if command == "quit":
                return
            if command == "token":
                answer: object = fake._issue(frozenset(SCOPES), int(args[0]) if args else None)
            elif command == "calls":
                answer = dict(fake.token_calls)
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=100_000, help="transactions in the one account")
    args = parser.parse_args()
    asyncio.run(serve(args.transactions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
