"""The pytest plugin and the ``serve`` command, each run the way a user runs them (in a child process)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

USER_TEST = """
import pytest
from qonto_async import QontoClient


@pytest.mark.asyncio
async def test_default(qonto_fake):
    async with QontoClient(
        auth=qonto_fake.static_key_auth(),
        environment=qonto_fake.environment,
        staging_token=qonto_fake.staging_token,
    ) as qonto:
        org = await qonto.organization.get()
    assert org.slug == qonto_fake.login
    assert qonto_fake.count("GET", "/v2/organization") == 1


@pytest.mark.asyncio
@pytest.mark.qonto_fake(sandbox=False, transactions_per_account=7, seed=5)
async def test_marker_options(qonto_fake):
    assert qonto_fake.staging_token is None
    async with QontoClient(auth=qonto_fake.static_key_auth(), environment=qonto_fake.environment) as qonto:
        account = (await qonto.organization.get()).bank_accounts[0]
        txs = await qonto.transactions.iterate(
            bank_account_id=account.id, status=["pending", "declined", "completed"]
        ).to_list()
    assert len(txs) == 7
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QONTO_", "PYTEST_"))}
    # Load the plugin explicitly, whether or not the pytest11 entry point is installed yet.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONWARNINGS"] = "error"
    return env


def test_qonto_fake_fixture_in_a_users_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TEST, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "pytest_asyncio.plugin",
            "-p",
            "qonto_async.testing.plugin",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "--strict-markers",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_importing_the_package_does_not_import_pytest() -> None:
    code = "import sys, qonto_async.testing; assert 'pytest' not in sys.modules and '_pytest' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, env=_env(), timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_serve_prints_credentials_serves_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "qonto_async.testing", "serve", "--port", "0", "--sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**_env(), "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines = []
        while not any(line.startswith("  curl") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
        text = "".join(lines)
        base = re.search(r"API base URL\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        key = re.search(r"Authorization: (\S+)", text).group(1)  # type: ignore[union-attr]
        staging = re.search(r"staging token\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        assert re.search(r"client_id=\S+ client_secret=\S+", text)
        request = urllib.request.Request(
            base + "/v2/organization", headers={"Authorization": key, "X-Qonto-Staging-Token": staging}
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert json.load(resp)["organization"]["bank_accounts"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "FakeQonto stopped." in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
