"""SyncQontoClient: the blocking facade, from many threads and across fork, against FakeQonto over loopback."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from qonto_async import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    OAuthBearerAuth,
    QontoTimeoutError,
    SyncQontoClient,
)
from qonto_async.models import Organization, Transaction
from qonto_async.sync import SyncPaginator
from qonto_async.testing import FakeQonto, fake_in_thread

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeQonto]:
    with fake_in_thread(sandbox=True, rate_limit=None, transactions_per_account=250, journal=False) as server:
        yield server


def sync_client(fake: FakeQonto, **kwargs: Any) -> SyncQontoClient:
    return SyncQontoClient(
        auth=kwargs.pop("auth", None) or fake.static_key_auth(),
        environment=fake.environment,
        staging_token=fake.staging_token,
        **kwargs,
    )


def test_same_resources_and_types_as_the_async_client(fake: FakeQonto) -> None:
    with sync_client(fake) as qonto:
        org = qonto.organization.get()
        assert isinstance(org, Organization)
        account = org.bank_accounts[0]
        page = qonto.bank_accounts.list(per_page=2)
        assert [a.id for a in page.items][:1] == [org.bank_accounts[0].id]
        assert qonto.bank_accounts.get(account.id).id == account.id
        paginator = qonto.transactions.iterate(
            bank_account_id=account.id, status=["pending", "completed"], per_page=40
        )
        assert isinstance(paginator, SyncPaginator)
        items = list(paginator)
        assert all(isinstance(t, Transaction) for t in items)
        first = qonto.transactions.list(bank_account_id=account.id, status=["pending", "completed"], per_page=40)
        assert [t.id for t in items[:40]] == [t.id for t in first.items]
        assert len({t.id for t in items}) == len(items) > 40
        assert qonto.transactions.get(items[0].id).id == items[0].id
        assert len(next(iter(paginator.pages()))) == 40
        assert len(paginator.to_list(limit=5)) == 5


def test_errors_are_the_async_types_and_arguments_are_checked_in_the_caller(fake: FakeQonto) -> None:
    from qonto_async import StaticKeyAuth

    with sync_client(fake, auth=StaticKeyAuth(login=fake.login, secret_key="0" * 32)) as bad:
        with pytest.raises(AuthenticationError) as info:
            bad.organization.get()
        assert info.value.trace_id
    with sync_client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="per_page"):
            qonto.transactions.iterate(bank_account_id="a", per_page=500)
        with pytest.raises(ConfigurationError, match="bank_account_id"):
            qonto.transactions.list()
    with pytest.raises(ConfigurationError, match="staging token"):
        SyncQontoClient(auth=fake.static_key_auth(), environment=fake.environment)


def test_64_threads_x_200_requests_one_pool_one_refresh(fake: FakeQonto) -> None:
    client_id, client_secret = fake.oauth_client()
    auth = OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(), clock=fake.clock
    )
    before = fake.token_calls["refresh_token"]
    loops: set[int] = set()
    errors: list[BaseException] = []
    progress = threading.Semaphore(0)
    with sync_client(fake, auth=auth) as qonto:
        accounts_seen: set[str] = set()

        def worker(n: int) -> None:
            for i in range(200):
                try:
                    page = qonto.bank_accounts.list(per_page=1)
                    accounts_seen.add(page.items[0].id)
                except BaseException as exc:  # collected and asserted below
                    errors.append(exc)
                if n == 0 and i == 50:
                    progress.release()

        with ThreadPoolExecutor(max_workers=64) as pool:
            futures = [pool.submit(worker, n) for n in range(64)]
            # Mid-run, the access token expires for both sides: client clock and server clock move together.
            progress.acquire(timeout=60)
            fake.advance(3600 + 120)
            for f in futures:
                f.result(timeout=300)
        core = qonto._core
        assert core._thread is not None
        assert core._client is not None
        loops.add(id(core._thread.loop))
        http = core._client._session._http
        assert http is not None
        assert http.connector is not None
        assert http.connector.limit == 100
    assert errors == []
    assert len(loops) == 1
    assert accounts_seen == {fake.data.bank_accounts[0]["id"]}
    assert fake.token_calls["refresh_token"] - before == 1
    assert auth.refresh_count == 1


def test_called_inside_an_event_loop_points_to_the_async_client(fake: FakeQonto) -> None:
    with sync_client(fake) as qonto:

        async def inside() -> None:
            qonto.organization.get()

        with pytest.raises(RuntimeError, match="QontoClient"):
            asyncio.run(inside())


def test_call_timeout_cancels_the_request(fake: FakeQonto) -> None:
    fake.faults.next(1, delay=5.0, path="/v2/organization")
    with sync_client(fake, call_timeout=0.3) as qonto:
        with pytest.raises(QontoTimeoutError, match="call_timeout"):
            qonto.organization.get()
        # The delayed request was cancelled on the loop; the client keeps working.
        assert qonto.organization.get().id


def test_close_is_idempotent_and_views_share_the_pool(fake: FakeQonto) -> None:
    qonto = sync_client(fake)
    view = qonto.with_options(timeout=5)
    assert view.organization.get().id
    view.close()
    assert qonto.organization.get().id
    assert view._core is qonto._core
    qonto.close()
    qonto.close()
    with pytest.raises(ClientClosedError):
        qonto.organization.get()


def _child(client: SyncQontoClient, queue: Any) -> None:
    try:
        org = client.organization.get()
        n = sum(1 for _ in client.transactions.iterate(bank_account_id=org.bank_accounts[0].id, per_page=100))
        queue.put(("ok", os.getpid(), org.id, n, client._core._thread.pid if client._core._thread else None))
        client.close()
    except BaseException as exc:
        queue.put(("error", repr(exc)))


def test_prefork_workers_start_their_own_loop(fake: FakeQonto) -> None:
    qonto = sync_client(fake)
    org = qonto.organization.get()  # the parent's loop thread and pool exist before the fork
    expected = sum(1 for _ in qonto.transactions.iterate(bank_account_id=org.bank_accounts[0].id, per_page=100))
    parent_thread = qonto._core._thread
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_child, args=(qonto, queue)) for _ in range(3)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert all(r[0] == "ok" for r in results), results
    assert {r[2] for r in results} == {org.id}
    assert all(r[4] == r[1] for r in results)  # each child's loop thread belongs to the child
    assert {r[3] for r in results} == {expected}
    # The parent is unaffected: same loop thread, still working.
    assert qonto._core._thread is parent_thread
    assert qonto.organization.get().id == org.id
    qonto.close()


def test_sync_api_is_typed_for_mypy() -> None:
    """tests/typing/sync_usage.py must type-check; tests/typing/sync_misuse.py must not."""
    ok = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "tests/typing/sync_usage.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "tests/typing/sync_misuse.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1, bad.stdout
    out = bad.stdout
    assert 'sync_misuse.py:10: error: Argument "per_page" has incompatible type "str"' in out, out
    assert 'sync_misuse.py:11: error: Unexpected keyword argument "unknown"' in out, out
    assert (
        'sync_misuse.py:12: error: Incompatible types in assignment (expression has type "Organization"' in out
    ), out
    assert 'Unexpected keyword argument "enviroment"' in out, out
    assert out.count("error:") == 4, out


def test_from_env_matches_the_async_client() -> None:
    environ = {"QONTO_LOGIN": "pied-piper-7132", "QONTO_SECRET_KEY": "62885d39f3a0ddedd3d3ee0432a43ccr"}
    with SyncQontoClient.from_env(environ, call_timeout=3) as qonto:
        assert qonto._call_timeout == 3
        assert "62885d39f3a0ddedd3d3ee0432a43ccr" not in repr(qonto)
    with pytest.raises(ConfigurationError, match="QONTO_SECRET_KEY"):
        SyncQontoClient.from_env({"QONTO_LOGIN": "pied-piper-7132"})


def test_interpreter_exit_closes_cleanly_without_close() -> None:
    script = (
        "from qonto_async import SyncQontoClient\n"
        "from qonto_async.testing import fake_in_thread\n"
        "with fake_in_thread(rate_limit=None) as fake:\n"
        "    qonto = SyncQontoClient(auth=fake.static_key_auth(), environment=fake.environment,"
        " staging_token=fake.staging_token)\n"
        "    print(qonto.organization.get().id)\n"
        "    import atexit\n"
        "    atexit._run_exitfuncs()  # what interpreter exit does, while the fake still listens\n"
        "    print('closed', qonto.closed)\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("closed True")
    assert "Unclosed" not in done.stderr
    assert "ResourceWarning" not in done.stderr


def test_ctrl_c_cancels_the_request() -> None:
    script = (
        "import os, signal, threading, time\n"
        "from qonto_async import SyncQontoClient\n"
        "from qonto_async.testing import fake_in_thread\n"
        "with fake_in_thread(rate_limit=None) as fake, SyncQontoClient(auth=fake.static_key_auth(),"
        " environment=fake.environment, staging_token=fake.staging_token) as qonto:\n"
        "    fake.faults.next(1, delay=30, path='/v2/organization')\n"
        "    def interrupt():\n"
        "        while fake.count('GET', '/v2/organization') == 0:\n"
        "            time.sleep(0.005)\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    threading.Thread(target=interrupt, daemon=True).start()\n"
        "    started = time.monotonic()\n"
        "    try:\n"
        "        qonto.organization.get()\n"
        "    except KeyboardInterrupt:\n"
        "        print('interrupted after', round(time.monotonic() - started, 1))\n"
        "    print('next call', qonto.organization.get().id is not None)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("interrupted after ")
    assert float(lines[0].split()[-1]) < 5
    assert lines[1] == "next call True"
