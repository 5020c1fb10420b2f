"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qonto_async.testing import fake_in_thread

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICKSTART = ROOT / "examples" / "quickstart.py"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def _readme_quickstart() -> str:
    return next(b for b in _python_blocks(README) if "async def main()" in b and "asyncio.run(main())" in b)


def test_readme_quickstart_is_the_code_the_example_runs() -> None:
    source = QUICKSTART.read_text(encoding="utf-8")
    marked = source.split("# --- quickstart (the README shows this part) ---\n", 1)[1]
    marked = marked.split("# --- end quickstart ---", 1)[0]
    assert _readme_quickstart().strip() == marked.strip() + "\n\n\nasyncio.run(main())"


def test_readme_quickstart_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_in_thread() as fake:
        monkeypatch.setenv("QONTO_LOGIN", fake.login)
        monkeypatch.setenv("QONTO_SECRET_KEY", fake.secret_key)
        monkeypatch.setenv("QONTO_ENVIRONMENT", fake.environment.name)
        assert fake.staging_token is not None
        monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(_readme_quickstart(), "README.md", "exec"), {"__name__": "readme"})
    text = out.getvalue()
    assert text.startswith(f"{fake.data.login}: 3 accounts\n")
    assert re.search(r"^\d+ transactions$", text, flags=re.MULTILINE)
    assert re.search(r"trace id of the last call .*: [0-9a-f]{32}$", text.strip())


def test_readme_python_blocks_compile() -> None:
    blocks = _python_blocks(README)
    assert len(blocks) >= 6
    for block in blocks:
        # Top-level await is how the README shows snippets that live inside a coroutine.
        compile(block, "README.md", "exec", flags=0x2000)  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def test_readme_pytest_fixture_example_passes(tmp_path: Path) -> None:
    block = next(b for b in _python_blocks(README) if "def test_sync_reads_every_transaction(qonto_fake)" in b)
    (tmp_path / "test_readme_fixture.py").write_text(block, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_main_job_command_runs_offline() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QONTO_")}
    env["PYTHONWARNINGS"] = "error"
    done = subprocess.run(
        [sys.executable, str(QUICKSTART)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "embedded FakeQonto" in out
    assert re.search(r"^fake-organization-\d+: 3 accounts$", out, flags=re.MULTILINE)
    assert re.search(r"^Main account FR76\d+: [\d.]+ EUR$", out, flags=re.MULTILINE)
    assert re.search(r"^\d{3} transactions$", out, flags=re.MULTILINE)
    assert re.search(r"trace id of the last call .*: [0-9a-f]{32}$", out.strip())
    assert done.stderr == ""
