"""A worker process for the multi-process RedisTokenStore tests: ``python -m tests.redis._worker``.

It talks JSON lines: it prints ``{"event": "ready"}`` once imported, then reads one command per stdin line and
answers on stdout. Commands:

- ``{"cmd": "start", "config": {...}}``: build a QontoClient with OAuthBearerAuth + RedisTokenStore.
- ``{"cmd": "burst", "n": 200}``: send n concurrent requests; answer with the access tokens the auth held.
- ``{"cmd": "burst_at", "n": 200, "at": <unix time>}``: the same, starting at a given wall-clock time.
- ``{"cmd": "hang_in_save"}`` (config): ``save()`` announces ``{"event": "saving"}`` and never returns, so the
  test can SIGKILL the process after Qonto rotated the pair and before it is stored.
- ``{"cmd": "exit"}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from qonto_async import Environment, OAuthBearerAuth, OAuthToken, QontoClient
from qonto_async.auth.redis_store import RedisTokenStore


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class HangingStore(RedisTokenStore):
    async def save(self, token: OAuthToken) -> None:
        if token.access_token != self.initial:
            emit(event="saving")
            await asyncio.Event().wait()
        await super().save(token)

    initial = ""


async def main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    emit(event="ready")
    qonto: QontoClient | None = None
    auth: OAuthBearerAuth | None = None
    try:
        while line := await reader.readline():
            command = json.loads(line)
            cmd = command["cmd"]
            if cmd == "start":
                config = command["config"]
                token = OAuthToken.from_dict(config["token"])
                store_class = HangingStore if config.get("hang_in_save") else RedisTokenStore
                store = store_class(config["redis_url"], key=config["key"], lease=config["lease"])
                if isinstance(store, HangingStore):
                    store.initial = token.access_token
                auth = OAuthBearerAuth(
                    client_id=config["client_id"],
                    client_secret=config["client_secret"],
                    token=token,
                    token_store=store,
                )
                env = Environment(
                    name=f"fake-worker-{config['port']}",
                    api_url=config["api_url"],
                    oauth_url=config["api_url"] + "/oauth",
                    requires_staging_token=False,
                )
                qonto = QontoClient(auth=auth, environment=env)
                emit(event="started")
            elif cmd in ("burst", "burst_at"):
                assert qonto is not None
                assert auth is not None
                if cmd == "burst_at":
                    await asyncio.sleep(max(0.0, command["at"] - time.time()))
                before = auth.token.access_token
                started = time.time()
                results = await asyncio.gather(
                    *(qonto.organization.get() for _ in range(command["n"])), return_exceptions=True
                )
                errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
                emit(
                    event="burst",
                    ok=len(results) - len(errors),
                    errors=errors[:5],
                    before=before,
                    after=auth.token.access_token,
                    refresh_count=auth.refresh_count,
                    started=started,
                    finished=time.time(),
                )
            elif cmd == "exit":
                break
    finally:
        if qonto is not None:
            await qonto.aclose()


if __name__ == "__main__":
    asyncio.run(main())
