"""``python -m qonto_async.testing serve --port 8080 [--sandbox]``: run FakeQonto by hand until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence

from qonto_async.testing._server import FakeQonto


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qonto_async.testing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a fake Qonto on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="TCP port on 127.0.0.1 (0 picks a free one)")
    serve.add_argument("--sandbox", action="store_true", help="put the server behind the staging-token gate")
    serve.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    serve.add_argument("--transactions-per-account", type=int, default=250)
    serve.add_argument("--no-rate-limit", action="store_true", help="disable the 1,000 requests per 10 s limit")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeQonto(
        sandbox=args.sandbox,
        seed=args.seed,
        transactions_per_account=args.transactions_per_account,
        rate_limit=None if args.no_rate_limit else 1000,
        # A long-running server would otherwise keep every request in memory.
        journal=False,
        port=args.port,
    )
    async with fake:
        env = fake.environment
        client_id, client_secret = fake.oauth_client()
        token = fake.issue_token(scopes=("offline_access", "organization.read", "internal_transfer.write"))
        lines = [
            "FakeQonto is serving (Ctrl-C to stop)",
            f"  API base URL        {env.api_url}",
            f"  OAuth base URL      {env.oauth_url}   (token endpoint {env.token_url})",
            f"  environment name    {env.name}   (registered in this process only)",
            f"  mode                {'sandbox (staging-token gate)' if fake.sandbox else 'production-like'}",
            f"  staging token       {fake.staging_token or '-'}",
            f"  API key             Authorization: {fake.login}:{fake.secret_key}",
            f"  OAuth client        client_id={client_id} client_secret={client_secret}",
            f"  access token        {token.access_token}   (1 h)",
            f"  refresh token       {token.refresh_token}",
            f"  first account id    {fake.data.bank_accounts[0]['id']}",
            "",
            f"  curl -H 'Authorization: {fake.login}:{fake.secret_key}'"
            + (f" -H 'X-Qonto-Staging-Token: {fake.staging_token}'" if fake.staging_token else "")
            + f" {env.api_url}/v2/organization",
        ]
        print("\n".join(lines), flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    print("FakeQonto stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
