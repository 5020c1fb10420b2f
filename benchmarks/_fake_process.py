"""FakeQonto in a child process, for benchmarks: the server never shares the measured client's loop or GIL."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def fake_process() -> Iterator[tuple[str, str]]:
    """Start ``python -m qonto_async.testing serve`` (production-like, no rate limit); yield (API URL, API key)."""
    cmd = [sys.executable, "-m", "qonto_async.testing", "serve", "--port", "0", "--no-rate-limit"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        base = key = None
        while base is None or key is None:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the fake server did not start")
            if m := re.search(r"API base URL\s+(\S+)", line):
                base = m.group(1)
            if m := re.search(r"Authorization: (\S+)", line):
                key = m.group(1)
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=10)
