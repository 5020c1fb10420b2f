"""Downloads shared by the resources: pre-signed file URLs (qonto-api.md §12) and destination paths."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qonto_async.errors import ConfigurationError
from qonto_async.session import Request

if TYPE_CHECKING:
    from qonto_async.resources._base import Resource

__all__ = ["Destination", "bytes_fetcher", "check_destination", "file_fetcher"]

Destination = str | os.PathLike[str]


def check_destination(dest: object) -> Path:
    """The file path a body is streamed to (its directory is checked when the download starts)."""
    if not isinstance(dest, str | os.PathLike) or not os.fspath(dest):
        raise ConfigurationError(f"dest must be a file path (str or Path), got {dest!r}.")
    return Path(dest)


def bytes_fetcher(resource: Resource) -> Callable[[str], Awaitable[bytes]]:
    """GET a pre-signed URL without any Qonto header; the file's bytes."""

    async def fetch(url: str) -> bytes:
        request: Request[bytes] = Request(method="GET", path="", presigned_url=url, raw=True)
        return await resource._send(request)

    return fetch


def file_fetcher(resource: Resource, dest: Path) -> Callable[[str], Awaitable[Path]]:
    """GET a pre-signed URL without any Qonto header, streamed to ``dest`` (atomically); ``dest``."""

    async def fetch(url: str) -> Path:
        request: Request[Path] = Request(method="GET", path="", presigned_url=url, raw=True, dest=dest)
        return await resource._send(request)

    return fetch
