"""The README's examples run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICKSTART = ROOT / "examples" / "quickstart.py"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_quickstart_is_the_code_the_example_runs() -> None:
    source = QUICKSTART.read_text(encoding="utf-8")
    marked = source.split("# --- quickstart (the README shows this function) ---\n", 1)[1]
    marked = marked.split("# --- end quickstart ---", 1)[0]
    assert marked.strip() in [block.strip() for block in _python_blocks(README)]


def test_readme_python_blocks_compile() -> None:
    blocks = _python_blocks(README)
    assert len(blocks) >= 4
    for block in blocks:
        # Top-level await is how the README shows snippets that live inside a coroutine.
        compile(block, "README.md", "exec", flags=0x2000)  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


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
    assert "local loopback server" in out
    assert "pied-piper-7132: 2 accounts" in out
    assert "Main account FR7616798000010000005663901: 48210.37 EUR" in out
    assert "230 transactions" in out
    assert re.search(r"trace id of the last call .*: [0-9a-f]{32}$", out.strip())
    assert done.stderr == ""
