"""The ``qonto-async`` command, driven against FakeQonto (in-process through ``cli.main``, and as a subprocess)."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from qonto_async import FileTokenStore, QontoClient, cli
from qonto_async.models import Transaction
from qonto_async.testing import FakeQonto, fake_in_thread

TRACE = re.compile(r"\b[0-9a-f]{32}\b")


@pytest.fixture(autouse=True)
def no_qonto_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("QONTO_"):
            monkeypatch.delenv(name)


@pytest.fixture
def fake() -> Iterator[FakeQonto]:
    with fake_in_thread(sandbox=True, transactions_per_account=60) as f:
        yield f


def key_env(monkeypatch: pytest.MonkeyPatch, fake: FakeQonto, *, secret: str | None = None) -> None:
    monkeypatch.setenv("QONTO_LOGIN", fake.login)
    monkeypatch.setenv("QONTO_SECRET_KEY", fake.secret_key if secret is None else secret)
    if fake.staging_token is not None:
        monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token)


def url_args(fake: FakeQonto) -> list[str]:
    env = fake.environment
    return [
        "--api-url",
        env.api_url,
        "--oauth-url",
        env.oauth_url,
        "--sandbox" if fake.sandbox else "--no-sandbox",
    ]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_no_secret(fake: FakeQonto, *texts: str) -> None:
    for text in texts:
        assert fake.secret_key not in text
        assert fake.secret_key[::-1] not in text
        if fake.staging_token:
            assert fake.staging_token not in text


# --- the command itself -----------------------------------------------------------------------------------------


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("demo", "doctor", "transactions export", "login", "exit codes", "130"):
        assert word in out


@pytest.mark.parametrize("command", [["demo"], ["doctor"], ["transactions", "export"], ["login"]])
def test_every_command_has_help_with_examples(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "example" in out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "doctor", "--no-such-flag")
    assert code == cli.EXIT_USAGE
    assert "unrecognized arguments" in err


def test_ctrl_c_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run_demo", interrupted)
    code, _, err = run(capsys, "demo")
    assert code == cli.EXIT_INTERRUPTED
    assert "Interrupted" in err


def test_progress_bar_only_on_a_tty() -> None:
    quiet = io.StringIO()
    progress = cli._Progress(quiet)
    progress.update(1, 3, "x")
    progress.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    progress = cli._Progress(shown, enabled=True)
    progress.update(2, 4, "40 transactions")
    progress.close()
    assert "2/4 pages" in shown.getvalue()
    assert shown.getvalue().endswith("\n")


# --- demo -------------------------------------------------------------------------------------------------------


def test_demo_as_the_readme_runs_it() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QONTO_")}
    proc = subprocess.run(
        [sys.executable, "-m", "qonto_async", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in (
        "1. A local Qonto",
        "2. Authenticate with an API key",
        "3. The organization and its accounts",
        "4. Page through transactions",
        "5. A credential mistake, caught before sending",
        "6. A wrong secret key, answered 401 by Qonto",
        "7. The sandbox's staging token",
        "8. OAuth: an expired access token is refreshed once",
        "9. A transfer that needs Strong Customer Authentication",
    ):
        assert heading in out
    assert TRACE.search(out)
    assert "CredentialFormatError" in out
    assert "starts with 'Bearer '" in out
    assert "AuthenticationError" in out
    assert "401 on GET /v2/organization" in out
    assert "ConfigurationError" in out
    assert "requires a staging token" in out
    assert "StagingTokenError (status 302)" in out
    assert "1 refresh for 3 calls" in out
    assert "First answer: 428, SCA for transfer.internal.create; approved; replay answered 201." in out
    assert re.search(r"Transfer \S+: 250\.00 EUR, status \w+\.", out)
    assert re.search(r"Fetched \d+ completed transactions in \d+ pages", out)
    # Not a terminal: no progress bar in the captured stderr.
    assert "pages  " not in proc.stderr


# --- doctor -----------------------------------------------------------------------------------------------------


def test_doctor_ok_with_registered_environment(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    code, out, err = run(capsys, "doctor", "--environment", fake.environment.name)
    assert code == 0, out
    assert "All checks passed" in out
    assert "[ok]   GET /v2/organization: 200" in out
    assert "3 bank account(s)" in out
    assert f"login {fake.login!r}" in out
    assert "32 characters, not shown" in out
    assert len(TRACE.findall(out)) == 2
    assert_no_secret(fake, out, err)


def test_doctor_ok_with_api_url_and_json(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    code, out, err = run(capsys, "doctor", *url_args(fake), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert data["exit_code"] == 0
    assert data["login"] == fake.login
    assert data["secret_key_length"] == 32
    assert [s["status"] for s in data["steps"]] == ["ok"] * 5
    assert TRACE.fullmatch(data["steps"][3]["trace_id"])
    assert data["bank_accounts"] == 3
    assert_no_secret(fake, out, err)


def test_doctor_flags_win_and_secret_flag_warns(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake, secret="0" * 32)  # a wrong secret in the environment, overridden by the flag
    monkeypatch.setenv("QONTO_LOGIN", "other-org-1")
    code, out, err = run(
        capsys, "doctor", *url_args(fake), "--login", fake.login, "--secret-key", fake.secret_key, "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["steps"][0]["status"] == "warn"
    assert "shell history" in data["steps"][0]["message"]
    assert_no_secret(fake, out, err)


def test_doctor_secret_key_file(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text(fake.secret_key + "\n")
    monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token or "")
    code, out, _ = run(capsys, "doctor", *url_args(fake), "--login", fake.login, "--secret-key-file", str(secret))
    assert code == 0, out
    assert "secret key from --secret-key-file" in out


def test_doctor_wrong_secret_is_401(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake, secret=fake.secret_key[::-1])
    code, out, err = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_AUTH
    assert "[FAIL] GET /v2/organization: 401: Qonto refused the credentials" in out
    assert "The secret key is wrong for this login" in out
    assert "regenerating it invalidates the old one" in out
    assert re.search(r"Trace id for Qonto support: [0-9a-f]{32}", out)
    assert "[skip] GET /v2/bank_accounts" in out
    assert_no_secret(fake, out, err)


def _b64(fake: FakeQonto) -> str:
    return base64.b64encode(f"{fake.login}:{fake.secret_key}".encode()).decode()


FORMAT_MISTAKES: dict[str, tuple[Callable[[FakeQonto], tuple[str, str]], str]] = {
    "bearer prefix": (lambda f: (f.login, "Bearer " + f.secret_key), "starts with 'Bearer '"),
    "trailing newline": (lambda f: (f.login, f.secret_key + "\n"), "contains a line break"),
    "colon inside": (lambda f: (f.login, f"{f.login}:{f.secret_key}"), "contains ':'"),
    "base64 pair": (lambda f: (f.login, _b64(f)), "base64"),
    "swapped": (lambda f: (f.secret_key, f.login), "look swapped"),
    "identical": (lambda f: (f.login, f.login), "identical"),
}


@pytest.mark.parametrize("mistake", sorted(FORMAT_MISTAKES))
def test_doctor_credential_format_mistakes_offline(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mistake: str
) -> None:
    make, expected = FORMAT_MISTAKES[mistake]
    login, secret = make(fake)
    monkeypatch.setenv("QONTO_LOGIN", login)
    monkeypatch.setenv("QONTO_SECRET_KEY", secret)
    monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token or "")
    fake.reset_journal()
    code, out, err = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_CONFIG
    assert "[FAIL] credential format" in out
    assert expected in out
    assert "QONTO_" in out  # the message names the variable that holds the mistake
    assert fake.count() == 0  # offline: nothing was sent
    assert fake.secret_key not in out + err


def test_doctor_no_credentials(fake: FakeQonto, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_CONFIG
    assert "no credentials configured" in out


def test_doctor_sandbox_without_staging_token(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    monkeypatch.delenv("QONTO_STAGING_TOKEN")
    fake.reset_journal()
    code, out, _ = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_CONFIG
    assert "[FAIL] environment and staging token" in out
    assert "is the sandbox, which wants a staging token" in out
    assert fake.count() == 0


def test_doctor_staging_token_on_production(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_in_thread(sandbox=False) as prod:
        key_env(monkeypatch, prod)
        monkeypatch.setenv("QONTO_STAGING_TOKEN", "some-staging-token")
        code, out, _ = run(capsys, "doctor", *url_args(prod))
    assert code == cli.EXIT_CONFIG
    assert "production refuses it" in out


@pytest.mark.parametrize(("html_gate", "how"), [(False, "302 redirect"), (True, "HTML login page")])
def test_doctor_wrong_staging_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, html_gate: bool, how: str
) -> None:
    with fake_in_thread(sandbox=True, html_gate=html_gate) as gated:
        key_env(monkeypatch, gated)
        code, out, err = run(capsys, "doctor", *url_args(gated), "--staging-token", "wrong-token")
    assert code == cli.EXIT_STAGING
    assert "[FAIL] GET /v2/organization: the sandbox gate answered" in out
    assert how in out
    assert "QONTO_STAGING_TOKEN" in out
    assert TRACE.search(out)
    assert_no_secret(gated, out, err)


def test_doctor_rate_limited(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_in_thread(sandbox=True, rate_limit=1) as limited:
        key_env(monkeypatch, limited)
        code, out, _ = run(capsys, "doctor", *url_args(limited), "--json")
    assert code == cli.EXIT_RATE_LIMIT
    data = json.loads(out)
    assert [s["status"] for s in data["steps"]] == ["ok", "ok", "ok", "ok", "fail"]
    failed = data["steps"][4]
    assert failed["http_status"] == 429
    assert "wait" in failed["explanation"]
    assert TRACE.fullmatch(failed["trace_id"])


def test_doctor_server_error(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    fake.faults.next(1, status=503)
    code, out, _ = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_SERVER
    assert "503: Qonto had a server error" in out
    assert "on Qonto's side" in out
    assert fake.count("GET", "/v2/organization") == 1  # the doctor reports the first answer, no retry


def test_doctor_forbidden(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    asyncio.run(FileTokenStore(token_file).save(fake.issue_token(scopes=("offline_access",))))
    client_id, client_secret = fake.oauth_client()
    monkeypatch.setenv("QONTO_CLIENT_ID", client_id)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", client_secret)
    monkeypatch.setenv("QONTO_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token or "")
    code, out, err = run(capsys, "doctor", *url_args(fake))
    assert code == cli.EXIT_PERMISSION
    assert "403: authenticated, but not allowed" in out
    assert "organization.read" in out
    assert client_secret not in out + err


def test_doctor_oauth_ok(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    token = fake.issue_token()
    asyncio.run(FileTokenStore(token_file).save(token))
    client_id, client_secret = fake.oauth_client()
    monkeypatch.setenv("QONTO_CLIENT_ID", client_id)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", client_secret)
    monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token or "")
    code, out, err = run(capsys, "doctor", *url_args(fake), "--token-file", str(token_file))
    assert code == 0, out
    assert "OAuth token loaded" in out
    assert token.access_token not in out + err
    assert client_secret not in out + err


def test_doctor_network_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("QONTO_LOGIN", "pied-piper-7132")
    monkeypatch.setenv("QONTO_SECRET_KEY", "62885d39f3a0ddedd3d3ee0432a43ccr")
    code, out, _ = run(capsys, "doctor", "--api-url", f"http://127.0.0.1:{port}", "--timeout", "5")
    assert code == cli.EXIT_NETWORK
    assert "no answer from Qonto (network error)" in out
    assert "62885d39f3a0ddedd3d3ee0432a43ccr" not in out


def test_doctor_unknown_environment(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QONTO_ENVIRONMENT", "nowhere")
    code, out, _ = run(capsys, "doctor")
    assert code == cli.EXIT_CONFIG
    assert "Unknown Qonto environment 'nowhere'" in out


# --- transactions export ----------------------------------------------------------------------------------------


def fetch_with_library(fake: FakeQonto, **filters: Any) -> list[Transaction]:
    async def collect() -> list[Transaction]:
        async with QontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto:
            accounts = [a.id async for a in qonto.bank_accounts.iterate()]
            out: list[Transaction] = []
            for account in accounts if "bank_account_id" not in filters else [filters.pop("bank_account_id")]:
                out += await qonto.transactions.iterate(bank_account_id=account, **filters).to_list()
            return out

    return asyncio.run(collect())


def test_export_csv_one_account(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_env(monkeypatch, fake)
    account = fake.data.bank_accounts[0]["id"]
    output = tmp_path / "out.csv"
    code, out, err = run(
        capsys,
        "transactions",
        "export",
        *url_args(fake),
        "--account",
        account,
        "--from",
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--per-page",
        "10",
        "--output",
        str(output),
    )
    assert code == 0, err
    assert out == ""
    assert "Filtering on settled_at (the accounting date" in err
    assert "Statuses: completed (the default" in err
    expected = fetch_with_library(fake, bank_account_id=account, settled_at_from="2020-01-01T00:00:00Z")
    with output.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(expected) > 10
    by_id = {t.id: t for t in expected}
    for row in rows:
        tx = by_id[row["id"]]
        assert row["amount"] == str(tx.amount)
        assert Decimal(row["amount"]) == tx.amount
        assert row["settled_at"] == (tx.settled_at.isoformat() if tx.settled_at else "")
        assert row["status"] == "completed"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert f"Wrote {len(rows)} transactions from 1 account(s)" in err


def test_export_jsonl_all_accounts_all_statuses_to_stdout(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    statuses = ["completed", "pending", "declined"]
    code, out, err = run(
        capsys,
        "transactions",
        "export",
        *url_args(fake),
        "--format",
        "jsonl",
        "--filter-on",
        "emitted_at",
        "--status",
        "completed",
        "--status",
        "pending",
        "--status",
        "declined",
    )
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    expected = fetch_with_library(fake, status=statuses)
    assert len(lines) == len(expected) == 3 * 60
    assert {line["status"] for line in lines} == set(statuses)
    by_id = {t.id: t for t in expected}
    for line in lines:
        tx = by_id[line["id"]]
        assert line["amount"] == str(tx.amount)
        assert line["emitted_at"] == tx.emitted_at.isoformat() if tx.emitted_at else True
    assert "from 3 account(s)" in err


def test_export_warns_that_settled_at_excludes_pending(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_env(monkeypatch, fake)
    code, _, err = run(
        capsys,
        "transactions",
        "export",
        *url_args(fake),
        "--status",
        "pending",
        "--from",
        "2020-01-01",
        "--output",
        str(tmp_path / "x.csv"),
    )
    assert code == 0
    assert "pending and declined transactions have no settled_at" in err


def test_export_failure_leaves_no_file(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_env(monkeypatch, fake)
    account = fake.data.bank_accounts[0]["id"]
    # The first page goes through (a zero delay changes nothing), the second is refused.
    fake.faults.next(1, delay=0.0, path="/v2/transactions")
    fake.faults.next(1, status=403, path="/v2/transactions")
    output = tmp_path / "out.csv"
    code, _, err = run(
        capsys,
        "transactions",
        "export",
        *url_args(fake),
        "--account",
        account,
        "--per-page",
        "5",
        "--output",
        str(output),
    )
    assert code == cli.EXIT_PERMISSION
    assert "no output file was written" in err
    # Pages 1 and 2, and at most the one request the paginator sends ahead (cancelled once page 2 failed).
    assert fake.count("GET", "/v2/transactions") in (2, 3)
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_an_existing_file_only_on_success(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_env(monkeypatch, fake)
    output = tmp_path / "out.jsonl"
    output.write_text("previous export\n")
    fake.faults.next(1, status=401, path="/v2/transactions")
    code, _, _ = run(capsys, "transactions", "export", *url_args(fake), "--output", str(output))
    assert code == cli.EXIT_AUTH
    assert output.read_text() == "previous export\n"
    code, _, _ = run(capsys, "transactions", "export", *url_args(fake), "--output", str(output))
    assert code == 0
    first = json.loads(output.read_text().splitlines()[0])  # .jsonl picks the format
    assert "id" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "yesterday"], "is not a date"),
        (["--from", "2026-03-02", "--to", "2026-03-01"], "--from is after --to"),
        (["--per-page", "500"], "--per-page"),
    ],
)
def test_export_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run(capsys, "transactions", "export", *args)
    assert code == cli.EXIT_USAGE
    assert message in err


# --- login ------------------------------------------------------------------------------------------------------


class Browser:
    """Stands in for webbrowser.open: follows the authorization URL (the fake redirects to the callback)."""

    def __init__(self, tamper: Callable[[str], str] = lambda url: url) -> None:
        self.tamper = tamper
        self.threads: list[threading.Thread] = []
        self.statuses: list[int] = []

    def open(self, url: str) -> bool:
        def visit() -> None:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                with opener.open(self.tamper(url), timeout=30) as response:
                    self.statuses.append(response.status)
            except urllib.error.HTTPError as exc:
                self.statuses.append(exc.code)
                exc.close()

        thread = threading.Thread(target=visit)
        thread.start()
        self.threads.append(thread)
        return True

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def prod_fake() -> Iterator[FakeQonto]:
    with fake_in_thread(sandbox=False) as f:
        yield f


def login_args(fake: FakeQonto, token_file: Path) -> list[str]:
    return [
        "login",
        *url_args(fake),
        "--client-id",
        fake.client_id,
        "--token-file",
        str(token_file),
        "--open",
        "--timeout",
        "30",
    ]


def test_login_full_flow(
    prod_fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    browser = Browser()
    monkeypatch.setattr("webbrowser.open", browser.open)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", prod_fake.client_secret)
    token_file = tmp_path / "tokens.json"
    code, out, err = run(
        capsys, *login_args(prod_fake, token_file), "--scope", "offline_access", "--scope", "organization.read"
    )
    browser.join()
    assert code == 0, err
    assert browser.statuses == [200]
    url = urlsplit(out.strip())
    query = dict(parse_qsl(url.query))
    assert url.path == "/oauth/oauth2/auth"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"].startswith("http://127.0.0.1:")
    assert query["redirect_uri"].endswith("/callback")
    assert prod_fake.token_calls["authorization_code"] == 1
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    saved = json.loads(token_file.read_text())
    assert saved["access_token"].startswith("ory_at_")
    assert saved["refresh_token"].startswith("ory_rt_")
    assert set(saved["scopes"]) == {"offline_access", "organization.read"}
    assert saved["access_token"] not in out + err
    assert prod_fake.client_secret not in out + err
    assert "mode 0600" in err

    # The saved pair works: the doctor, configured for OAuth, reads the organization with it.
    monkeypatch.setenv("QONTO_CLIENT_ID", prod_fake.client_id)
    code, out, _ = run(capsys, "doctor", *url_args(prod_fake), "--token-file", str(token_file))
    assert code == 0, out


def test_login_refuses_a_state_mismatch(
    prod_fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def forge(url: str) -> str:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query["state"] = "forged-state-value"
        return urlunsplit(parts._replace(query=urlencode(query)))

    browser = Browser(forge)
    monkeypatch.setattr("webbrowser.open", browser.open)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", prod_fake.client_secret)
    token_file = tmp_path / "tokens.json"
    code, _, err = run(capsys, *login_args(prod_fake, token_file))
    browser.join()
    assert code == cli.EXIT_AUTH
    assert "state does not match" in err
    assert browser.statuses == [400]
    assert prod_fake.token_calls["authorization_code"] == 0
    assert not token_file.exists()


def test_login_reports_a_refused_authorization(
    prod_fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def deny(url: str) -> str:
        # The user clicks "deny": the authorization server redirects with error=access_denied and the state.
        query = dict(parse_qsl(urlsplit(url).query))
        return f"{query['redirect_uri']}?{urlencode({'error': 'access_denied', 'state': query['state']})}"

    browser = Browser(deny)
    monkeypatch.setattr("webbrowser.open", browser.open)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", prod_fake.client_secret)
    token_file = tmp_path / "tokens.json"
    code, _, err = run(capsys, *login_args(prod_fake, token_file))
    browser.join()
    assert code == cli.EXIT_AUTH
    assert "access_denied" in err
    assert not token_file.exists()


def test_login_needs_client_credentials(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "login", "--token-file", str(tmp_path / "t.json"))
    assert code == cli.EXIT_CONFIG
    assert "client id" in err


def test_export_streams_each_page_before_fetching_the_next(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_env(monkeypatch, fake)
    seen: list[tuple[int, int, int]] = []
    original = cli._RowWriter.write_page

    def spy(self: Any, items: Any) -> None:
        original(self, items)
        seen.append((len(items), fake.count("GET", "/v2/transactions"), self._stream.tell()))

    monkeypatch.setattr(cli._RowWriter, "write_page", spy)
    account = fake.data.bank_accounts[0]["id"]
    output = tmp_path / "out.csv"
    code, _, _ = run(
        capsys,
        "transactions",
        "export",
        *url_args(fake),
        "--account",
        account,
        "--per-page",
        "10",
        "--output",
        str(output),
    )
    assert code == 0
    assert len(seen) >= 3
    # Page n is on disk (the temporary file grew) while at most n + 1 pages have been requested: the paginator
    # sends one request ahead, never more.
    requested = [requests for _, requests, _ in seen]
    assert all(n <= got <= n + 1 for n, got in enumerate(requested, start=1)), requested
    sizes = [size for _, _, size in seen]
    assert sizes == sorted(sizes)
    assert sizes[0] > 0
    assert output.stat().st_size == sizes[-1]


def test_login_gives_up_after_its_timeout(
    prod_fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QONTO_CLIENT_SECRET", prod_fake.client_secret)
    token_file = tmp_path / "tokens.json"
    argv = [a for a in login_args(prod_fake, token_file) if a != "--open"]
    argv[argv.index("--timeout") + 1] = "0.01"
    code, out, err = run(capsys, *argv)
    assert code == cli.EXIT_AUTH
    assert "/oauth/oauth2/auth?" in out
    assert "No authorization arrived" in err
    assert not token_file.exists()


def test_export_by_iban(
    fake: FakeQonto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_env(monkeypatch, fake)
    account = fake.data.bank_accounts[1]
    code, out, _ = run(capsys, "transactions", "export", *url_args(fake), "--iban", account["iban"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert {r["bank_account_id"] for r in rows} == {account["id"]}
