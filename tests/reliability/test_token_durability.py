"""Token durability (issue 9): SIGKILL a process in the middle of refreshes through a FileTokenStore, 50 times.

A child process (tests/reliability/_refresher.py) refreshes in a loop against FakeQonto, which runs in this
process on a thread; after a seeded random delay it is killed with SIGKILL, wherever it is: reading the file,
waiting for the token endpoint, writing the temporary file, renaming it. After each kill:

- the token file parses (``FileTokenStore.load`` succeeds): never torn, never empty;
- the refresh token is not lost: either the file holds the pair the killed refresh was spending, still inside its
  60-second grace period, or the new pair the refresh saved. FakeQonto's state says which, and the pair is then
  spent for real at FakeQonto's token endpoint, which must accept it; the pair it returns is saved for the next
  round.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from qonto_async import FileTokenStore, OAuthToken
from qonto_async.auth.tokens import STALE_TEMPORARY_AGE
from qonto_async.testing import FakeQonto, fake_in_thread
from qonto_async.testing._server import REFRESH_GRACE

KILLS = 50
SEED = 20240905
_REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakeQonto]:
    with fake_in_thread(sandbox=False, journal=False, rate_limit=None) as f:
        yield f


def _save(path: Path, token: OAuthToken) -> None:
    FileTokenStore(path)._save_sync(token)


def _load(path: Path) -> OAuthToken:
    raw = path.read_bytes()
    json.loads(raw)  # the file itself is whole JSON
    token = FileTokenStore(path)._load_sync()
    assert token is not None
    return token


def _spend(fake: FakeQonto, refresh_token: str) -> OAuthToken:
    """Refresh at FakeQonto's token endpoint, as another process of the integration would."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    request = urllib.request.Request(
        fake.environment.token_url,
        data=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return OAuthToken.from_token_response(json.loads(response.read()), now=fake.now())


def _kill_during_refreshes(fake: FakeQonto, path: Path, delay: float) -> int:
    """Start a refreshing child, let it run ``delay`` seconds past its start-up, SIGKILL it; its refresh count."""
    before = fake.token_calls["refresh_token"]
    env = {**os.environ, "PYTHONPATH": str(_REPO)}
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability._refresher",
            fake.environment.api_url,
            fake.environment.oauth_url,
            str(path),
            fake.client_id,
        ],
        cwd=_REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(fake.client_secret + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    return fake.token_calls["refresh_token"] - before


def test_sigkill_during_refresh_never_corrupts_or_loses_the_token(fake: FakeQonto, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "tokens" / "qonto.json"
    _save(path, fake.issue_token())
    outcomes: Counter[str] = Counter()
    refreshes = 0
    started = time.monotonic()
    for _ in range(KILLS):
        refreshes += _kill_during_refreshes(fake, path, rng.uniform(0.0, 0.12))
        token = _load(path)  # never corrupt
        assert token.refresh_token is not None
        state = fake._refresh.get(token.refresh_token)
        assert state is not None, "the file holds a refresh token FakeQonto never issued"
        assert not state.revoked
        if state.first_used_at is None:
            outcomes["new pair saved"] += 1
        else:
            # Killed between spending the old token and saving the new pair: the old one is still in its grace.
            assert fake.now() - state.first_used_at <= REFRESH_GRACE
            outcomes["old pair kept, inside its grace period"] += 1
        # Never lost: FakeQonto accepts what the file holds (a refused token would raise HTTPError here).
        _save(path, _spend(fake, token.refresh_token))
        outcomes["survived"] += 1
    elapsed = time.monotonic() - started
    leftovers = sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))
    print(
        f"\n[durability] {KILLS} SIGKILLs, {outcomes['survived']} survived, 0 lost; {refreshes} refreshes killed "
        f"into; {outcomes['new pair saved']} left the new pair, {outcomes['old pair kept, inside its grace period']} "
        f"the old pair in its grace period; {len(leftovers)} temporary file(s) left by kills; {elapsed:.1f} s"
    )
    assert outcomes["survived"] == KILLS
    # The kills landed inside refresh loops, not only before the first refresh.
    assert refreshes >= KILLS
    # The temporary files killed saves left behind (tokens inside) go with the next save once a minute old.
    for leftover in leftovers:
        old = time.time() - 2 * STALE_TEMPORARY_AGE
        os.utime(path.parent / leftover, (old, old))
    store = FileTokenStore(path)
    current = asyncio.run(store.load())
    assert current is not None
    asyncio.run(store.save(current))
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
