"""OAuthToken, MemoryTokenStore and FileTokenStore; what OAuthBearerAuth refuses to reveal or to be pickled.

Qonto rotates refresh tokens (qonto-api.md §2.2), so the file store must never lose or tear the pair it holds:
atomic replace, mode 0600, a cross-process lock around refreshes, and typed errors for a file it cannot use.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import errno
import fcntl
import json
import logging
import os
import pickle
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    FileTokenStore,
    MemoryTokenStore,
    OAuthBearerAuth,
    OAuthToken,
    TokenStore,
    TokenStoreError,
)

ACCESS = "ory_at_store_access_1"
REFRESH = "ory_rt_store_refresh_1"
ID_TOKEN = "ory_id_eyJhbGciOiJSUzI1NiJ9.payload.sig"
CLIENT_SECRET = "cs-store-secret-5e4d3c"
EXPIRES = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def make_token(**changes: Any) -> OAuthToken:
    values: dict[str, Any] = {
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "expires_at": EXPIRES,
        "scopes": ("offline_access", "organization.read"),
        "id_token": ID_TOKEN,
    }
    values.update(changes)
    return OAuthToken(**values)


def assert_no_secrets(text: str) -> None:
    for secret in (ACCESS, REFRESH, ID_TOKEN, CLIENT_SECRET, "ory_"):
        assert secret not in text


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="qonto_async")
    yield
    for record in caplog.get_records("call"):
        assert_no_secrets(logging.Formatter().format(record))


# --- OAuthToken -------------------------------------------------------------------------------------------------


def test_token_repr_and_str_hide_access_refresh_and_id_tokens() -> None:
    token = make_token()
    for text in (repr(token), str(token)):
        assert_no_secrets(text)
        assert "2026, 11, 25" in text  # the expiry is not a secret and helps debugging
        assert "organization.read" in text


def test_token_requires_a_timezone_aware_expiry() -> None:
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        make_token(expires_at=datetime(2026, 11, 25, 10, 0))  # naive: the point of the test
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        make_token(expires_at="2026-11-25T10:00:00+00:00")


@pytest.mark.parametrize("bad", ["", "Bearer ory_at_x", "ory_at_ x", "ory_at_x\n"])
def test_token_refuses_empty_or_decorated_access_tokens(bad: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        make_token(access_token=bad)
    assert_no_secrets(str(caught.value))


def test_from_token_response_computes_expiry_and_splits_scopes() -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    token = OAuthToken.from_token_response(
        {
            "access_token": ACCESS,
            "expires_in": 3600,
            "id_token": ID_TOKEN,
            "refresh_token": REFRESH,
            "scope": "offline_access organization.read  payment.write",
            "token_type": "bearer",
        },
        now=now,
    )
    assert token.access_token == ACCESS
    assert token.refresh_token == REFRESH
    assert token.id_token == ID_TOKEN
    assert token.expires_at == now + timedelta(hours=1)
    assert token.scopes == ("offline_access", "organization.read", "payment.write")
    assert token.token_type == "bearer"


def test_from_token_response_without_refresh_token_or_scope() -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    token = OAuthToken.from_token_response({"access_token": ACCESS, "expires_in": "120"}, now=now)
    assert token.refresh_token is None
    assert token.id_token is None
    assert token.scopes == ()
    assert token.expires_at == now + timedelta(seconds=120)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"access_token": ""},
        {"access_token": ACCESS, "expires_in": "soon"},
        {"access_token": ACCESS, "expires_in": None},
        {"access_token": ACCESS, "expires_in": 1e300},
        {"access_token": ACCESS, "expires_in": float("nan")},
    ],
)
def test_from_token_response_refuses_unusable_payloads_with_value_error(payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="the token response") as caught:
        OAuthToken.from_token_response(payload, now=EXPIRES)
    assert_no_secrets(str(caught.value))


def test_expires_within() -> None:
    token = make_token()
    assert not token.expires_within(60, now=EXPIRES - timedelta(seconds=61))
    assert token.expires_within(60, now=EXPIRES - timedelta(seconds=60))
    assert token.expires_within(0, now=EXPIRES + timedelta(seconds=1))


def test_to_dict_and_from_dict_round_trip() -> None:
    token = make_token(expires_at=datetime(2026, 11, 25, 11, 0, tzinfo=timezone(timedelta(hours=1))))
    again = OAuthToken.from_dict(json.loads(json.dumps(token.to_dict())))
    assert again == token
    assert again.expires_at.utcoffset() == timedelta(hours=1)


# --- MemoryTokenStore -------------------------------------------------------------------------------------------


async def test_memory_store_round_trip() -> None:
    store = MemoryTokenStore()
    assert isinstance(store, TokenStore)
    assert await store.load() is None
    token = make_token()
    await store.save(token)
    assert await store.load() == token
    async with store.refresh_lock():
        pass
    assert_no_secrets(repr(store))


# --- FileTokenStore ---------------------------------------------------------------------------------------------


@pytest.fixture
def token_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "qonto-token.json"


async def test_file_store_round_trip(token_path: Path) -> None:
    store = FileTokenStore(token_path)
    assert isinstance(store, TokenStore)
    token = make_token()
    await store.save(token)  # creates the missing directory too
    assert await store.load() == token
    assert await FileTokenStore(str(token_path)).load() == token  # a second "process" reads the same pair
    on_disk = json.loads(await asyncio.to_thread(token_path.read_text, encoding="utf-8"))
    assert on_disk["refresh_token"] == REFRESH
    assert on_disk["expires_at"] == "2026-11-25T10:00:00+00:00"
    assert store.path == token_path


async def test_file_store_overwrites_with_the_newer_pair(token_path: Path) -> None:
    store = FileTokenStore(token_path)
    await store.save(make_token())
    newer = make_token(access_token="ory_at_store_access_2", refresh_token="ory_rt_store_refresh_2")
    await store.save(newer)
    assert await store.load() == newer


async def test_file_store_missing_file_loads_none(token_path: Path) -> None:
    assert await FileTokenStore(token_path).load() is None


async def test_file_is_created_with_mode_0600_even_with_a_permissive_umask(token_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        await FileTokenStore(token_path).save(make_token())
        await FileTokenStore(token_path).save(make_token(access_token="ory_at_store_access_2"))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((await asyncio.to_thread(token_path.stat)).st_mode) == 0o600


async def test_saves_leave_no_temporary_files(token_path: Path) -> None:
    store = FileTokenStore(token_path)
    for n in range(5):
        await store.save(make_token(access_token=f"ory_at_store_access_{n}"))
    leftovers = {p.name for p in token_path.parent.iterdir()} - {token_path.name, token_path.name + ".lock"}
    assert leftovers == set()


async def test_a_failed_replace_keeps_the_old_file_and_raises_token_store_error(
    token_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileTokenStore(token_path)
    old = make_token()
    await store.save(old)
    before = await asyncio.to_thread(token_path.read_bytes)

    def failing_replace(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(TokenStoreError, match="cannot write the token file") as caught:
        await store.save(make_token(access_token="ory_at_store_access_2", refresh_token="ory_rt_store_refresh_2"))
    monkeypatch.undo()
    assert await asyncio.to_thread(token_path.read_bytes) == before
    assert await store.load() == old
    assert [p.name for p in token_path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert_no_secrets(str(caught.value))


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"[]",
        b'"ory_at_x"',
        b'{"access_token": "ory_at_x"}',
        b'{"access_token": "ory_at_x", "expires_at": "yesterday"}',
        b'{"access_token": "ory_at_x", "expires_at": "2026-11-25T10:00:00"}',
        b'{"access_token": "ory_at_x", "refresh_token": 42, "expires_at": "2026-11-25T10:00:00+00:00"}',
        b'{"access_token": null, "expires_at": "2026-11-25T10:00:00+00:00"}',
        b"\xff\xfe\x00garbage",
    ],
    ids=[
        "truncated",
        "empty",
        "list",
        "string",
        "no-expiry",
        "bad-expiry",
        "naive-expiry",
        "bad-refresh",
        "null-access",
        "not-utf8",
    ],
)
async def test_a_corrupt_token_file_raises_token_store_error(token_path: Path, content: bytes) -> None:
    await asyncio.to_thread(token_path.parent.mkdir, parents=True)
    await asyncio.to_thread(token_path.write_bytes, content)
    with pytest.raises(TokenStoreError, match="not a valid token file") as caught:
        await FileTokenStore(token_path).load()
    assert str(token_path) in str(caught.value)
    assert_no_secrets(str(caught.value))
    assert caught.value.__cause__ is None  # no chained exception that could quote the file's content


def test_file_store_refuses_a_non_path() -> None:
    with pytest.raises(ConfigurationError):
        FileTokenStore(42)  # type: ignore[arg-type]


def test_file_store_repr_shows_the_path_only(token_path: Path) -> None:
    assert repr(FileTokenStore(token_path)) == f"FileTokenStore({str(token_path)!r})"


# --- FileTokenStore.refresh_lock --------------------------------------------------------------------------------


def _flock_entries(lock_path: Path) -> tuple[int, int]:
    """(held, waiting) flock entries on ``lock_path``, as the kernel reports them in /proc/locks."""
    inode = str(os.stat(lock_path).st_ino)
    held = waiting = 0
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" not in fields or fields[-3].rsplit(":", 1)[-1] != inode:
            continue
        if "->" in fields:
            waiting += 1
        else:
            held += 1
    return held, waiting


async def _until_flock_entries(lock_path: Path, *, held: int, waiting: int) -> None:
    """Wait until the kernel shows that lock state; each poll is a thread round trip, not a timed sleep."""
    async with asyncio.timeout(10):
        while await asyncio.to_thread(_flock_entries, lock_path) != (held, waiting):
            pass


def _locked_elsewhere(lock_path: Path) -> bool:
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing the descriptor drops a lock taken on it
    return False


def _unlock_leaked_descriptors(lock_path: Path) -> None:
    """Failure path only: unlock every descriptor of this process open on ``lock_path``."""
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{name}") == str(lock_path):
                fcntl.flock(int(name), fcntl.LOCK_UN)


@pytest.fixture
def proc_locks() -> None:
    if not Path("/proc/locks").exists():
        pytest.skip("needs /proc/locks to see that a holder is blocked in the kernel")


@contextlib.asynccontextmanager
async def _holding(store: FileTokenStore, log: list[str], name: str) -> Any:
    async with store.refresh_lock():
        log.append(f"{name} in")
        try:
            yield
        finally:
            log.append(f"{name} out")


@pytest.mark.usefixtures("proc_locks")
async def test_refresh_lock_is_exclusive_between_two_holders(token_path: Path) -> None:
    log: list[str] = []
    first, second = FileTokenStore(token_path), FileTokenStore(token_path)  # two "processes"
    lock_path = token_path.with_name(token_path.name + ".lock")
    first_in, release_first = asyncio.Event(), asyncio.Event()

    async def hold_first() -> None:
        async with _holding(first, log, "first"):
            first_in.set()
            await release_first.wait()

    async def hold_second() -> None:
        async with _holding(second, log, "second"):
            pass

    t1 = asyncio.create_task(hold_first())
    await first_in.wait()
    assert _locked_elsewhere(lock_path)
    t2 = asyncio.create_task(hold_second())
    await _until_flock_entries(lock_path, held=1, waiting=1)  # the second holder is blocked in the kernel
    assert log == ["first in"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(t1, t2), timeout=10)
    assert log == ["first in", "first out", "second in", "second out"]
    assert not _locked_elsewhere(lock_path)
    assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600


@pytest.mark.usefixtures("proc_locks")
async def test_a_waiter_cancelled_while_waiting_does_not_leave_the_lock_held(token_path: Path) -> None:
    log: list[str] = []
    lock_path = token_path.with_name(token_path.name + ".lock")
    first_in, release_first = asyncio.Event(), asyncio.Event()

    async def hold_first() -> None:
        async with _holding(FileTokenStore(token_path), log, "first"):
            first_in.set()
            await release_first.wait()

    async def hold(name: str) -> None:
        async with _holding(FileTokenStore(token_path), log, name):
            pass

    t1 = asyncio.create_task(hold_first())
    await first_in.wait()
    waiter = asyncio.create_task(hold("cancelled"))
    await _until_flock_entries(lock_path, held=1, waiting=1)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release_first.set()
    await t1
    # The abandoned acquisition completes in its thread after the cancel; it must be released, not leaked.
    try:
        await asyncio.wait_for(hold("third"), timeout=10)
    except TimeoutError:
        _unlock_leaked_descriptors(lock_path)  # or the blocked thread would hang the test run at exit
        pytest.fail("the lock stayed held after the waiter holding it was cancelled")
    await _until_flock_entries(lock_path, held=0, waiting=0)
    assert log == ["first in", "first out", "third in", "third out"]
    assert not _locked_elsewhere(lock_path)


async def test_refresh_lock_is_released_when_the_body_raises(token_path: Path) -> None:
    store = FileTokenStore(token_path)
    lock_path = token_path.with_name(token_path.name + ".lock")
    held_inside: list[bool] = []

    async def fail_inside() -> None:
        async with store.refresh_lock():
            held_inside.append(_locked_elsewhere(lock_path))
            raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        await fail_inside()
    assert held_inside == [True]
    assert not _locked_elsewhere(lock_path)
    await asyncio.wait_for(_enter_and_leave(store), timeout=10)


async def _enter_and_leave(store: FileTokenStore) -> None:
    async with store.refresh_lock():
        pass


# --- OAuthBearerAuth: what it never reveals ---------------------------------------------------------------------


def _auth(**changes: Any) -> OAuthBearerAuth:
    values: dict[str, Any] = {
        "client_id": "qonto-app-7f3e2a",
        "client_secret": CLIENT_SECRET,
        "token": make_token(),
    }
    values.update(changes)
    return OAuthBearerAuth(**values)


def test_oauth_auth_repr_hides_the_client_secret_and_tokens(tmp_path: Path) -> None:
    auth = _auth(token_store=FileTokenStore(tmp_path / "t.json"))
    for text in (repr(auth), str(auth), f"{auth}"):
        assert_no_secrets(text)
        assert "qonto-app-7f3e2a" in text  # the client id is not a secret


def test_oauth_auth_cannot_be_pickled_or_copied() -> None:
    auth = _auth()
    with pytest.raises(TypeError, match="cannot be pickled") as caught:
        pickle.dumps(auth)
    assert_no_secrets(str(caught.value))
    with pytest.raises(TypeError):
        copy.copy(auth)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_secret": ""}, "client_secret"),
        ({"client_secret": CLIENT_SECRET + " \n"}, "client_secret contains whitespace"),
        ({"token": ACCESS}, "OAuthToken"),
        ({"token_store": object()}, "token_store"),
        ({"leeway": -1}, "leeway"),
        ({"on_token_refreshed": "not callable"}, "on_token_refreshed"),
    ],
)
def test_oauth_auth_configuration_errors_do_not_quote_secrets(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match) as caught:
        _auth(**changes)
    assert_no_secrets(str(caught.value))


def test_file_token_store_expands_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    store = FileTokenStore("~/.config/app/qonto-token.json")
    assert store.path == tmp_path / ".config" / "app" / "qonto-token.json"


async def test_a_save_removes_temporary_files_left_by_a_killed_save(tmp_path: Path) -> None:
    # A process killed between writing its temporary file and renaming it leaves tokens behind (mode 0600): the
    # next save removes such files once they are a minute old, and never a fresh one (a save in progress).
    path = tmp_path / "qonto.json"
    store = FileTokenStore(path)
    stale = tmp_path / ".qonto.json.abc123.tmp"
    fresh = tmp_path / ".qonto.json.def456.tmp"
    other = tmp_path / ".other.json.abc123.tmp"
    for leftover in (stale, fresh, other):
        leftover.write_text("{}")
    old = time.time() - 120
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    await store.save(make_token())
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()  # another file's temporaries are not this store's business
    assert await store.load() == make_token()
