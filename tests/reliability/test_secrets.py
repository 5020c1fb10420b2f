"""Secrets (issue 9): one realistic session, then a scan of everything a user or an operator could see.

The session: an API key, OAuth with a refresh into a FileTokenStore, the sandbox staging token, the OAuth client
secret, a webhook secret and an SCA-approved transfer, with 401, 403, 422, a timeout, a redirect and a token
endpoint refusal on the way, and the ``qonto-async`` CLI (``doctor`` with a key and with OAuth, ``doctor --json``,
a failing ``doctor``, and ``demo``). Everything is logged at DEBUG. Then the DEBUG log, the repr and str of every
object involved (client, auth objects, tokens, stores, errors, requests, responses) and every CLI output are
scanned for the secret key, every access and refresh token FakeQonto issued, the client secret, the staging token
and the webhook secret: none may appear.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qonto_async import (
    FileTokenStore,
    MemoryTokenStore,
    OAuthBearerAuth,
    QontoClient,
    RetryPolicy,
    ScaPolicy,
    StaticKeyAuth,
    Timeout,
    capture_responses,
    cli,
)
from qonto_async.errors import (
    AuthenticationError,
    ConfigurationError,
    CredentialFormatError,
    InvalidGrantError,
    PermissionDeniedError,
    QontoTimeoutError,
    StagingTokenError,
    ValidationError,
    WebhookError,
)
from qonto_async.sca import allow_mocked
from qonto_async.session import Request
from qonto_async.testing import FakeQonto, fake_in_thread
from qonto_async.webhooks import construct_event, sign, verify_signature
from tests._recorder import Recorder, Sent

WEBHOOK_SECRET = "whsec_" + "Zq8" * 10
# Every token FakeQonto issues starts like Ory's (qonto-api.md §2.2); the demo's fake issues its own.
_TOKEN_SHAPE = re.compile(r"ory_(?:at|rt|ac)_[A-Za-z0-9_-]{8,}")


class _Seen:
    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, *objects: Any) -> None:
        for obj in objects:
            self.texts.append((where, repr(obj)))
            self.texts.append((where, str(obj)))
            if isinstance(obj, BaseException):
                notes = getattr(obj, "__notes__", [])
                self.texts.append((where, " ".join(notes)))
                cause = obj.__cause__ or obj.__context__
                if cause is not None:
                    self.add(where + " (cause)", cause)

    def text(self, where: str, value: str) -> None:
        self.texts.append((where, value))


async def _session(fake: FakeQonto, tmp: Path, seen: _Seen) -> None:
    staging = fake.staging_token
    env = fake.environment

    # 1. The API key: reads, then a 401 (wrong secret), a 403 (a write the key may not do), a timeout.
    key = fake.static_key_auth()
    async with QontoClient(auth=key, environment=env, staging_token=staging) as qonto:
        with capture_responses() as responses:
            org = await qonto.organization.get()
            page = await qonto.transactions.list(bank_account_id=org.bank_accounts[0].id, per_page=5)
        seen.add("static client", qonto, key, org, page, *responses)
        fake.faults.next(1, status=403, path="/v2/transactions")
        with pytest.raises(PermissionDeniedError) as forbidden:
            await qonto.transactions.list(bank_account_id=org.bank_accounts[0].id)
        seen.add("403", forbidden.value)
        fake.faults.next(1, delay=1.0, path="/v2/organization")
        try:
            await qonto.with_options(
                timeout=Timeout(total=0.2), retry=RetryPolicy(max_attempts=1)
            ).organization.get()
        except QontoTimeoutError as exc:
            seen.add("timeout", exc)
    wrong = StaticKeyAuth(login=fake.login, secret_key=fake.secret_key[::-1])
    async with QontoClient(auth=wrong, environment=env, staging_token=staging) as qonto:
        with pytest.raises(AuthenticationError) as caught:
            await qonto.organization.get()
        seen.add("401", caught.value, wrong)
    async with QontoClient(auth=key, environment=env, staging_token="not-the-staging-token") as qonto:
        with pytest.raises(StagingTokenError) as gate:
            await qonto.organization.get()
        seen.add("302 gate", gate.value)
    with pytest.raises(CredentialFormatError) as bad_format:
        StaticKeyAuth(login=fake.login, secret_key="Bearer " + fake.secret_key)
    seen.add("credential format", bad_format.value)
    with pytest.raises(CredentialFormatError) as bad_header:
        StaticKeyAuth.from_header_value(f"{fake.login}:{fake.secret_key}:{fake.secret_key}")
    seen.add("header value", bad_header.value)

    # 2. OAuth: an expired token refreshed into a FileTokenStore; SCA on a transfer; a 422.
    client_id, client_secret = fake.oauth_client()
    first = fake.issue_token(scopes=("offline_access", "organization.read", "internal_transfer.write"))
    store = FileTokenStore(tmp / "tokens.json")
    oauth = OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=first, token_store=store, clock=fake.clock
    )
    fake.advance(2 * 3600)
    fake.sca.require_for.add("POST /v2/internal_transfers")
    policy = ScaPolicy(preference="mock", on_required=allow_mocked)
    async with QontoClient(auth=oauth, environment=env, staging_token=staging, sca=policy) as qonto:
        with capture_responses() as responses:
            await qonto.organization.get()
            source, target = fake.data.bank_accounts[0], fake.data.bank_accounts[1]
            transfer = await qonto.internal_transfers.create(
                debit_iban=source["iban"], credit_iban=target["iban"], reference="Rent", amount=Decimal("250.00")
            )
        assert oauth.refresh_count == 1
        narrow = OAuthBearerAuth(
            client_id=client_id, client_secret=client_secret, token=fake.issue_token(), clock=fake.clock
        )
        async with QontoClient(auth=narrow, environment=env, staging_token=staging) as reader:
            with pytest.raises(PermissionDeniedError) as no_scope:
                await reader.internal_transfers.create(
                    debit_iban=source["iban"], credit_iban=target["iban"], reference="x", amount=Decimal("1.00")
                )
            seen.add("403 scope", no_scope.value, narrow, reader)
        seen.add("oauth client", qonto, oauth, oauth.token, first, store, transfer, policy, *responses)
        try:
            await qonto.internal_transfers.create(
                debit_iban="FR7616958000011234567890138",
                credit_iban=target["iban"],
                reference="x",
                amount=Decimal("1.00"),
            )
        except ValidationError as exc:
            seen.add("422", exc)
        else:
            raise AssertionError("a transfer from an unknown IBAN is refused with a 422")
    saved = await store.load()
    seen.add("saved token", saved, MemoryTokenStore(saved))
    seen.text("token file name", str(store.path))

    # 3. A revoked grant: the token endpoint refuses the refresh.
    fake.revoke_tokens()
    fake.advance(2 * 3600)
    async with QontoClient(auth=oauth, environment=env, staging_token=staging) as qonto:
        with pytest.raises(InvalidGrantError) as refused:
            await qonto.organization.get()
        seen.add("invalid_grant", refused.value, oauth)
    with pytest.raises(ConfigurationError) as bad_client:
        OAuthBearerAuth(client_id=client_id, client_secret=client_secret + " ", token=first)
    seen.add("client secret format", bad_client.value)

    # 4. Requests as resources build them (query, bodies and headers may hold secrets: never in repr).
    recorder = Recorder()
    from qonto_async.resources.internal_transfers import InternalTransfersResource

    with pytest.raises(Sent):
        await InternalTransfersResource(recorder).create(  # type: ignore[arg-type]
            debit_iban="FR76", credit_iban="FR77", reference="r", amount=Decimal("2.00"), idempotency_key="k"
        )
    sca_request: Request[Any] = Request(
        method="GET", path="/v2/x", headers={"X-Qonto-Sca-Session-Token": fake.secret_key}
    )
    seen.add("requests", *recorder.sent, sca_request)

    # 5. Webhooks: a good delivery, a wrong secret, a stale replay.
    body = b'{"id":"evt_1","type":"v1/transactions","data":{"id":"t"}}'
    header = sign(body, WEBHOOK_SECRET)
    event = construct_event(body, header, WEBHOOK_SECRET)
    seen.add("webhook event", event)
    attempts: list[Callable[[], object]] = [
        lambda: verify_signature(body, header, "whsec_other"),
        lambda: verify_signature(body, header, WEBHOOK_SECRET, now=10**11),
        lambda: verify_signature(body + b" ", header, WEBHOOK_SECRET),
    ]
    for attempt in attempts:
        with pytest.raises(WebhookError) as refused_hook:
            attempt()
        seen.add("webhook error", refused_hook.value)


def _run_cli(capsys: pytest.CaptureFixture[str], seen: _Seen, name: str, *argv: str) -> int:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    seen.text(f"cli {name} stdout", captured.out)
    seen.text(f"cli {name} stderr", captured.err)
    return code


def _cli(
    fake: FakeQonto, tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, seen: _Seen
) -> None:
    for name in list(os.environ):
        if name.startswith("QONTO_"):
            monkeypatch.delenv(name)
    env = fake.environment
    urls = ["--api-url", env.api_url, "--oauth-url", env.oauth_url, "--sandbox"]
    monkeypatch.setenv("QONTO_STAGING_TOKEN", fake.staging_token or "")
    monkeypatch.setenv("QONTO_LOGIN", fake.login)
    monkeypatch.setenv("QONTO_SECRET_KEY", fake.secret_key)
    assert _run_cli(capsys, seen, "doctor key", "doctor", *urls) == 0
    assert _run_cli(capsys, seen, "doctor json", "doctor", *urls, "--json") == 0
    monkeypatch.setenv("QONTO_SECRET_KEY", fake.secret_key[::-1])
    assert _run_cli(capsys, seen, "doctor 401", "doctor", *urls) != 0
    monkeypatch.setenv("QONTO_SECRET_KEY", " " + fake.secret_key + "\n")
    assert _run_cli(capsys, seen, "doctor format", "doctor", *urls) != 0
    monkeypatch.delenv("QONTO_LOGIN")
    monkeypatch.delenv("QONTO_SECRET_KEY")
    token_file = tmp / "cli-tokens.json"
    asyncio.run(FileTokenStore(token_file).save(fake.issue_token()))
    monkeypatch.setenv("QONTO_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("QONTO_CLIENT_SECRET", fake.client_secret)
    monkeypatch.setenv("QONTO_TOKEN_FILE", str(token_file))
    fake.advance(2 * 3600)  # the doctor's first call refreshes
    assert _run_cli(capsys, seen, "doctor oauth", "doctor", *urls, "--json") == 0
    monkeypatch.setenv("QONTO_CLIENT_SECRET", "wrong-" + fake.client_secret)
    fake.advance(2 * 3600)
    assert _run_cli(capsys, seen, "doctor oauth wrong secret", "doctor", *urls) != 0
    for name in list(os.environ):
        if name.startswith("QONTO_"):
            monkeypatch.delenv(name)
    assert _run_cli(capsys, seen, "demo", "demo") == 0


def test_no_secret_in_logs_reprs_errors_or_cli_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("qonto_async", "aiohttp", "asyncio"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    seen = _Seen()
    # seed 0: the same credentials as the fake `qonto-async demo` starts, so its output is scanned for them too.
    with fake_in_thread(sandbox=True, seed=0, transactions_per_account=20) as fake:
        asyncio.run(_session(fake, tmp_path, seen))
        _cli(fake, tmp_path, capsys, monkeypatch, seen)
        secrets = {
            "secret key": fake.secret_key,
            "client secret": fake.client_secret,
            "staging token": fake.staging_token or "",
            "webhook secret": WEBHOOK_SECRET,
        }
        for n, token in enumerate(fake._access):
            secrets[f"access token #{n}"] = token
        for n, token in enumerate(fake._refresh):
            secrets[f"refresh token #{n}"] = token
        assert sum(1 for name in secrets if name.startswith("access")) >= 5
        assert sum(1 for name in secrets if name.startswith("refresh")) >= 4
        fake_login = fake.login
    logs = caplog.text + "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    assert any(r.name.startswith("qonto_async") and r.levelno == logging.DEBUG for r in caplog.records)
    seen.text("DEBUG log", logs)
    leaks = [
        (what, where)
        for what, secret in secrets.items()
        for where, text in seen.texts
        if secret and secret in text
    ]
    shaped = [(where, m.group(0)[:12]) for where, text in seen.texts for m in _TOKEN_SHAPE.finditer(text)]
    print(
        f"\n[secrets] {len(secrets)} secrets scanned for in {len(seen.texts)} texts "
        f"({sum(len(t) for _, t in seen.texts)} characters): {len(leaks)} found"
    )
    # The scan reads real content: the (public) login and trace ids are there, the secrets are not.
    assert sum(fake_login in text for _, text in seen.texts) > 10
    assert not leaks, leaks
    assert not shaped, shaped
