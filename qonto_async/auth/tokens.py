"""OAuth tokens and where they are kept.

Qonto rotates refresh tokens: each refresh returns a new one and the old one dies 60 seconds after its first use
(qonto-api.md §2.2). A refreshed pair that is not saved before it is used can therefore lock an integration out,
so stores are written **before** a new access token goes on the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import math
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from qonto_async.errors import ConfigurationError, TokenStoreError

__all__ = ["FileTokenStore", "MemoryTokenStore", "OAuthToken", "TokenStore"]


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(
            f"OAuthToken.{attribute.name} must be a timezone-aware datetime "
            f"(e.g. datetime.now(UTC) + timedelta(hours=1)), got {value!r}."
        )


def _token_string(_instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None and attribute.name != "access_token":
        return
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"OAuthToken.{attribute.name} must be a non-empty string.")
    if any(ch.isspace() for ch in value) or value.lower().startswith("bearer"):
        raise ConfigurationError(
            f"OAuthToken.{attribute.name} contains whitespace or a 'Bearer' prefix; pass the bare token."
        )
    # It goes into a header: only printable ASCII can (a NUL or a non-ASCII character is copy-paste damage).
    if not (value.isascii() and value.isprintable()):
        raise ConfigurationError(
            f"OAuthToken.{attribute.name} contains a control or non-ASCII character; pass the token exactly as "
            "the token endpoint returned it."
        )


def _scopes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise ConfigurationError(
            "OAuthToken.scopes must be a space-separated string or an iterable of strings, "
            f"got {type(value).__name__}."
        )
    scopes = tuple(value)
    if not all(isinstance(s, str) for s in scopes):
        raise ConfigurationError(f"OAuthToken.scopes must only hold scope name strings, got {list(scopes)!r}.")
    return scopes


# A temporary token file this old (seconds) was left by a process killed mid-save; the next save removes it.
STALE_TEMPORARY_AGE = 60.0


@attrs.frozen(kw_only=True)
class OAuthToken:
    """An access token, its expiry, and (with the ``offline_access`` scope) a refresh token.

    Token strings never appear in ``repr``/``str``.
    """

    access_token: str = attrs.field(repr=False, validator=_token_string)
    refresh_token: str | None = attrs.field(default=None, repr=False, validator=_token_string)
    expires_at: datetime = attrs.field(validator=_aware)
    scopes: tuple[str, ...] = attrs.field(default=(), converter=_scopes)
    token_type: str = "bearer"
    id_token: str | None = attrs.field(default=None, repr=False)

    def expires_within(self, seconds: float, *, now: datetime | None = None) -> bool:
        """True when the access token expires in less than ``seconds`` (or has expired)."""
        current = now if now is not None else datetime.now(UTC)
        return self.expires_at - current <= timedelta(seconds=seconds)

    @classmethod
    def from_token_response(cls, payload: Mapping[str, Any], *, now: datetime | None = None) -> OAuthToken:
        """Build from the token endpoint's JSON (qonto-api.md §2.2: ``expires_in`` is in seconds)."""
        current = now if now is not None else datetime.now(UTC)
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token response has no access_token")
        expires_in = payload.get("expires_in", 3600)
        try:
            seconds = float(expires_in)
            # json.loads accepts NaN, Infinity and huge numbers; timedelta raises OverflowError for those, which
            # callers (that turn ValueError into OAuthError) would not expect.
            if not math.isfinite(seconds):
                raise ValueError("not finite")
            expires_at = current + timedelta(seconds=seconds)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"the token response has an invalid expires_in: {expires_in!r}") from exc
        refresh = payload.get("refresh_token")
        id_token = payload.get("id_token")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_at=expires_at,
            scopes=_scopes(payload.get("scope")),
            token_type=str(payload.get("token_type") or "bearer"),
            id_token=id_token if isinstance(id_token, str) and id_token else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (contains the secrets: store it with care)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat(),
            "scopes": list(self.scopes),
            "token_type": self.token_type,
            "id_token": self.id_token,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthToken:
        expires_at = datetime.fromisoformat(str(data["expires_at"]))
        return cls(
            # No str(): a null or numeric access_token must be refused by the validator, not become "None".
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token") or None,
            expires_at=expires_at,
            scopes=_scopes(data.get("scopes")),
            token_type=str(data.get("token_type") or "bearer"),
            id_token=data.get("id_token") or None,
        )


@runtime_checkable
class TokenStore(Protocol):
    """Where an :class:`~qonto_async.OAuthBearerAuth` keeps its tokens.

    ``refresh_lock()`` is held around a refresh: a store shared by several processes or hosts makes it a
    cross-process lock, so that exactly one of them spends the refresh token. Inside it, the auth object
    ``load()``s the pair (another process may have refreshed already) and ``save()``s the pair it refreshed;
    see :class:`FileTokenStore` (one host) and ``qonto_async.auth.redis_store.RedisTokenStore`` (many hosts).
    """

    async def load(self) -> OAuthToken | None: ...

    async def save(self, token: OAuthToken) -> None: ...

    def refresh_lock(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class MemoryTokenStore:
    """Keeps the latest token in memory: one process, nothing survives a restart."""

    def __init__(self, token: OAuthToken | None = None) -> None:
        self._token = token

    async def load(self) -> OAuthToken | None:
        return self._token

    async def save(self, token: OAuthToken) -> None:
        self._token = token

    @contextlib.asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        # The auth object's own asyncio lock already serialises refreshes within a process.
        yield

    def __repr__(self) -> str:
        return "MemoryTokenStore()"


class FileTokenStore:
    """Keeps the token pair in a JSON file, safe across processes on one host.

    - Writes go to a temporary file in the same directory, are fsynced, then atomically replace the target
      (``os.replace``), so a crash leaves either the old pair or the new one, never a torn file.
    - The file is created with mode 0600.
    - ``refresh_lock()`` takes an exclusive ``flock`` on a sidecar ``<path>.lock`` file, so processes sharing
      the file refresh one at a time and the others pick up the saved pair.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if not isinstance(path, str | os.PathLike):
            raise ConfigurationError(f"FileTokenStore path must be a path, got {type(path).__name__}.")
        # "~/.config/app/token.json" means the home directory, as in a shell, not a folder named "~" in the CWD.
        self._path = Path(path).expanduser()
        self._lock_path = self._path.with_name(self._path.name + ".lock")

    @property
    def path(self) -> Path:
        return self._path

    def _load_sync(self) -> OAuthToken | None:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"cannot read the token file {self._path}: {exc.strerror}") from None
        try:
            # Decoded here, not by read_text(): a file that is not UTF-8 is a corrupt token file too, and its
            # UnicodeDecodeError (a ValueError) must become a TokenStoreError like any other.
            return OAuthToken.from_dict(json.loads(raw.decode("utf-8")))
        except (ValueError, KeyError, TypeError, ConfigurationError) as exc:
            raise TokenStoreError(
                f"the token file {self._path} is not a valid token file ({type(exc).__name__}); "
                "authorize again or restore it from a backup"
            ) from None

    def _save_sync(self, token: OAuthToken) -> None:
        directory = self._path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self._path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise TokenStoreError(f"cannot write the token file in {directory}: {exc.strerror}") from None
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(token.to_dict(), fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._path)
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise TokenStoreError(f"cannot write the token file {self._path}: {exc.strerror}") from None
        self._remove_stale_temporaries(keep=tmp)

    def _remove_stale_temporaries(self, *, keep: str) -> None:
        # A process killed between writing its temporary file and renaming it leaves the file behind, tokens
        # inside (mode 0600). One older than a minute belongs to no live save: a save takes milliseconds.
        limit = time.time() - STALE_TEMPORARY_AGE
        for candidate in self._path.parent.glob(f".{glob.escape(self._path.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if str(candidate) != keep and candidate.stat().st_mtime < limit:
                    candidate.unlink()

    async def load(self) -> OAuthToken | None:
        return await asyncio.to_thread(self._load_sync)

    async def save(self, token: OAuthToken) -> None:
        await asyncio.to_thread(self._save_sync, token)

    def _acquire(self) -> int:
        import fcntl

        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _release(fd: int) -> None:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @classmethod
    def _release_if_acquired(cls, fut: asyncio.Future[int]) -> None:
        if not fut.cancelled() and fut.exception() is None:
            cls._release(fut.result())

    @contextlib.asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        pending = asyncio.ensure_future(asyncio.to_thread(self._acquire))
        try:
            fd = await asyncio.shield(pending)
        except asyncio.CancelledError:
            # The thread still gets the lock after we stop waiting: release it then, or it is held forever.
            pending.add_done_callback(self._release_if_acquired)
            raise
        except OSError as exc:
            raise TokenStoreError(f"cannot lock {self._lock_path}: {exc.strerror}") from None
        try:
            yield
        finally:
            self._release(fd)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r})"
