"""The benchmark command stays runnable: ``python -m benchmarks --quick`` end to end, a few seconds.

No figure is asserted (a benchmark is never a wall-clock test): only that every measurement of issue #8 ran and
landed in the JSON report, and that the refresh storm made exactly one token call.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_run_writes_every_measurement(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-chart", "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert report["mode"] == "quick"
    assert {"nproc", "cpu", "python"} <= set(report["machine"])
    results = report["results"]
    assert {r["id"] for r in results} == {"1", "2", "3", "4", "5", "6", "7"}
    for r in results:
        if r["note"] not in ("not installed", "pydantic not installed"):
            assert r["ratio"] is not None, r
            assert r["ratio"] >= 0, r
    storm = next(r for r in results if r["id"] == "4" and r["unit"] == "calls")
    assert storm["details"]["token_calls_per_round"] == [1]
    assert "| # | measure |" in report["markdown"]
    assert "requests/s, StaticKeyAuth, concurrency 64" in done.stdout
