"""Child process for test_token_durability: refresh an OAuth token through a FileTokenStore, over and over.

Usage: ``python -m tests.reliability._refresher API_URL OAUTH_URL TOKEN_FILE CLIENT_ID`` with the client secret
on stdin (never on the command line). It prints ``ready`` once imported and set up, then refreshes in a loop,
each refresh reading the pair from the file under its lock, spending the refresh token at FakeQonto and saving
the new pair, until the parent kills it with SIGKILL at a random moment.
"""

from __future__ import annotations

import asyncio
import sys

from qonto_async import Environment, FileTokenStore, OAuthBearerAuth, QontoClient, register_environment


async def main(api_url: str, oauth_url: str, path: str, client_id: str, client_secret: str) -> None:
    env = register_environment(
        Environment(name="durability-child", api_url=api_url, oauth_url=oauth_url, requires_staging_token=False)
    )
    store = FileTokenStore(path)
    token = await store.load()
    assert token is not None
    auth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token, token_store=store)
    async with QontoClient(auth=auth, environment=env) as client:
        endpoint = client._session  # the session is the token endpoint the auth object refreshes against
        print("ready", flush=True)
        while True:
            await auth.refresh(endpoint)


if __name__ == "__main__":
    secret = sys.stdin.readline().strip()
    api_url, oauth_url, path, client_id = sys.argv[1:5]
    asyncio.run(main(api_url, oauth_url, path, client_id, secret))
