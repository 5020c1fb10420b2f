"""The ``qonto-async`` command: ``demo``, ``doctor``, ``transactions export`` and ``login``.

Standard library only (argparse); it drives the library through its public API, as any application would.
``main(argv)`` returns the exit code, so tests can run it in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import enum
import json
import os
import re
import secrets
import sys
import tempfile
import textwrap
import webbrowser
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from qonto_async import (
    APIError,
    AuthenticationError,
    AuthStrategy,
    ConfigurationError,
    CredentialFormatError,
    Environment,
    FileTokenStore,
    OAuthBearerAuth,
    OAuthError,
    PermissionDeniedError,
    QontoClient,
    QontoError,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    ScaPolicy,
    ServerError,
    StagingTokenError,
    StaticKeyAuth,
    TokenStoreError,
    TransportError,
    build_authorization_url,
    capture_responses,
    exchange_code,
    get_environment,
    new_state,
)
from qonto_async.models import Transaction
from qonto_async.sca import ScaChallenge, allow_mocked

__all__ = ["main"]

# Exit codes: documented in `qonto-async --help` and relied upon by scripts; never renumber them.
EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_CONFIG: Final = 3
EXIT_AUTH: Final = 4
EXIT_PERMISSION: Final = 5
EXIT_STAGING: Final = 6
EXIT_RATE_LIMIT: Final = 7
EXIT_SERVER: Final = 8
EXIT_NETWORK: Final = 9
EXIT_INTERRUPTED: Final = 130

EXIT_CODES_HELP: Final = """\
exit codes:
  0    success
  1    unexpected error (an answer the command could not interpret)
  2    usage error (bad command-line arguments)
  3    configuration or credential-format mistake, found before anything was sent
  4    authentication refused (401), OAuth authorization or token refresh failed
  5    permission denied (403: OAuth scope, member role or price plan)
  6    sandbox gate: the staging token is missing or wrong (302 redirect or HTML login page)
  7    rate limited (429)
  8    Qonto server error (5xx)
  9    network error or timeout
  130  interrupted (Ctrl-C)
"""

DEFAULT_SCOPES: Final = ("offline_access", "organization.read")
TRANSACTION_STATUSES: Final = ("completed", "pending", "declined")
DATE_FIELDS: Final = ("settled_at", "updated_at", "emitted_at")
CSV_COLUMNS: Final = (
    "id",
    "transaction_id",
    "bank_account_id",
    "status",
    "side",
    "operation_type",
    "amount",
    "amount_cents",
    "currency",
    "local_amount",
    "local_currency",
    "vat_amount",
    "vat_rate",
    "label",
    "clean_counterparty_name",
    "reference",
    "note",
    "category",
    "card_last_digits",
    "emitted_at",
    "settled_at",
    "updated_at",
)


class _UsageError(Exception):
    """A command-line mistake argparse cannot see (exit code 2)."""


# --- output helpers ---------------------------------------------------------------------------------------------


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _wrap(text: str, indent: str = "  ", width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def _heading(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes or logs)."""

    def __init__(self, stream: IO[str], *, enabled: bool | None = None) -> None:
        self._stream = stream
        self._enabled = _is_tty(stream) if enabled is None else enabled
        self._drawn = False

    def update(self, done: int, total: int | None, label: str) -> None:
        if not self._enabled:
            return
        width = 30
        if total:
            filled = min(width, width * done // total)
            bar = "#" * filled + "." * (width - filled)
            text = f"[{bar}] {done}/{total} pages  {label}"
        else:
            text = f"[{'#' * (done % (width + 1))}] {done} pages  {label}"
        self._stream.write("\r" + text.ljust(100))
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False


# --- diagnosis of errors ----------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Diagnosis:
    """What went wrong, in plain words, with the fix and the exit code."""

    exit_code: int
    summary: str
    explanation: str
    fix: str
    trace_id: str | None = None
    status: int | None = None


def diagnose(exc: BaseException) -> Diagnosis:
    """Turn any error the library raises into an explanation, a fix and an exit code."""
    trace = getattr(exc, "trace_id", None)
    status = getattr(exc, "status", None)
    detail = str(exc)
    if isinstance(exc, CredentialFormatError):
        return Diagnosis(
            exit_code=EXIT_CONFIG,
            summary="the API key has a format mistake (found offline, nothing was sent)",
            explanation=detail,
            fix="Copy the login and the secret key again from the Qonto web app (Settings > Integrations and "
            "Partnerships > API key) and pass them as they are: no prefix, no quotes, no spaces or newlines.",
        )
    if isinstance(exc, TokenStoreError):
        return Diagnosis(
            exit_code=EXIT_CONFIG,
            summary="the OAuth token file could not be read or written",
            explanation=detail,
            fix="Check the path and permissions of the token file, or run `qonto-async login` to create it.",
        )
    if isinstance(exc, ConfigurationError):
        return Diagnosis(
            exit_code=EXIT_CONFIG,
            summary="configuration mistake (found before anything was sent)",
            explanation=detail,
            fix="Correct the setting named above (environment variable or flag) and run the command again.",
        )
    if isinstance(exc, StagingTokenError):
        how = "a 302 redirect to Qonto's login page" if status and 300 <= status < 400 else "an HTML login page"
        return Diagnosis(
            exit_code=EXIT_STAGING,
            summary="the sandbox gate answered instead of the API (staging token missing or wrong)",
            explanation=f"The sandbox sits behind a login gate; it answered with {how} because the "
            "X-Qonto-Staging-Token header was missing or wrong.",
            fix="Set QONTO_STAGING_TOKEN (or --staging-token) to the staging token shown in the Developer Portal "
            "with your app's credentials. It is for the sandbox only; production refuses it.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, AuthenticationError):
        reason = "; ".join(str(e) for e in exc.errors) or "the credentials were refused"
        return Diagnosis(
            exit_code=EXIT_AUTH,
            summary="401: Qonto refused the credentials",
            explanation=f"Qonto says: {reason}.",
            fix="Check that the secret key is the current one (regenerating it invalidates the old one), that "
            "the login is the organization slug, and that sandbox keys go to the sandbox and production keys to "
            "production. For OAuth, run `qonto-async login` again to get a fresh token.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, PermissionDeniedError):
        reason = "; ".join(str(e) for e in exc.errors) or "not allowed"
        return Diagnosis(
            exit_code=EXIT_PERMISSION,
            summary="403: authenticated, but not allowed",
            explanation=f"Qonto says: {reason}.",
            fix="An OAuth token needs the right scope (e.g. organization.read): authorize again with it. The "
            "member must have a role allowed to see the data, and some endpoints need a higher price plan or "
            "OAuth instead of an API key.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, RateLimitError):
        wait = f" Qonto asks to wait {exc.retry_after:g} s." if exc.retry_after is not None else ""
        return Diagnosis(
            exit_code=EXIT_RATE_LIMIT,
            summary="429: rate limited",
            explanation="Too many requests: Qonto allows 1,000 requests per 10 s and 10,000 per 10 min per IP "
            "address, and throttles repeated 401s." + wait,
            fix="Wait and try again; spread requests out, and fix any credential mistake that makes calls "
            "fail with 401 (those count too).",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, ServerError):
        return Diagnosis(
            exit_code=EXIT_SERVER,
            summary=f"{status}: Qonto had a server error",
            explanation="The problem is on Qonto's side, not in your configuration.",
            fix="Try again in a few minutes. If it persists, contact Qonto support with the trace id below.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, OAuthError):
        return Diagnosis(
            exit_code=EXIT_AUTH,
            summary="the OAuth token endpoint refused the request",
            explanation=detail,
            fix="Check QONTO_CLIENT_ID and QONTO_CLIENT_SECRET; if the refresh token expired or was revoked, "
            "run `qonto-async login` again.",
            trace_id=trace,
        )
    if isinstance(exc, APIError) and 300 <= exc.status < 400:
        return Diagnosis(
            exit_code=EXIT_STAGING,
            summary=f"{exc.status}: Qonto answered with a redirect",
            explanation="A redirect usually comes from the sandbox's login gate, or from a wrong base URL.",
            fix="For the sandbox, set QONTO_ENVIRONMENT=sandbox and QONTO_STAGING_TOKEN; otherwise check the "
            "API URL.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, APIError):
        return Diagnosis(
            exit_code=EXIT_ERROR,
            summary=f"{exc.status}: Qonto refused the request",
            explanation=detail,
            fix="Read Qonto's message above; give the trace id to Qonto support if it is unclear.",
            trace_id=trace,
            status=status,
        )
    if isinstance(exc, QontoTimeoutError):
        return Diagnosis(
            exit_code=EXIT_NETWORK,
            summary="the request timed out",
            explanation=detail,
            fix="Check your network, proxy and firewall; raise --timeout on a slow link.",
        )
    if isinstance(exc, TransportError):
        return Diagnosis(
            exit_code=EXIT_NETWORK,
            summary="no answer from Qonto (network error)",
            explanation=detail,
            fix="Check your network connection, DNS, proxy and firewall, and that the API URL is right.",
        )
    if isinstance(exc, ResponseDecodeError):
        return Diagnosis(
            exit_code=EXIT_ERROR,
            summary="Qonto's answer was not what the API returns",
            explanation=detail,
            fix="If this is the sandbox, check the staging token; otherwise check the API URL.",
            trace_id=exc.trace_id,
            status=exc.status,
        )
    return Diagnosis(
        exit_code=EXIT_ERROR,
        summary="unexpected error",
        explanation=f"{type(exc).__name__}: {detail}",
        fix="Run `qonto-async doctor` to check the configuration.",
    )


def _print_diagnosis(d: Diagnosis, stream: IO[str], indent: str = "  ", *, summary: bool = True) -> None:
    if summary:
        print(f"{indent}Problem: {d.summary}", file=stream)
    print(f"{indent}What happened:", file=stream)
    print(_wrap(d.explanation, indent + "  "), file=stream)
    print(f"{indent}Fix:", file=stream)
    print(_wrap(d.fix, indent + "  "), file=stream)
    if d.trace_id:
        print(f"{indent}Trace id for Qonto support: {d.trace_id}", file=stream)


# --- configuration ----------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Setting:
    value: str | None
    source: str | None


@attrs.frozen(kw_only=True)
class _Config:
    environment: Environment
    environment_source: str
    login: _Setting
    secret_key: _Setting
    staging_token: _Setting
    client_id: _Setting
    client_secret: _Setting
    token_file: _Setting
    warnings: tuple[str, ...] = ()

    @property
    def uses_api_key(self) -> bool:
        return self.login.value is not None or self.secret_key.value is not None

    @property
    def uses_oauth(self) -> bool:
        return self.client_id.value is not None or self.client_secret.value is not None


def _from_env(environ: Mapping[str, str], name: str) -> _Setting:
    value = environ.get(name)
    return _Setting(value=value, source=name) if value else _Setting(value=None, source=None)


def _pick(flag: str | None, flag_name: str, environ: Mapping[str, str], env_name: str) -> _Setting:
    # A flag wins over the environment variable: it is the more specific, more recent instruction.
    if flag is not None:
        return _Setting(value=flag, source=flag_name)
    return _from_env(environ, env_name)


def _read_secret_file(path: str, flag: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{flag} {path}: cannot read it ({exc.strerror}).") from None
    # Files end with a newline by convention; anything else is left for the credential checks to report.
    return text.removesuffix("\n").removesuffix("\r")


def _environment(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[Environment, str]:
    api_url: str | None = getattr(args, "api_url", None)
    if api_url is not None:
        if args.environment is not None:
            raise _UsageError("--api-url and --environment are exclusive; give one of them.")
        sandbox = args.sandbox if args.sandbox is not None else False
        env = Environment(
            name="custom",
            api_url=api_url,
            oauth_url=args.oauth_url or api_url,
            requires_staging_token=sandbox,
        )
        return env, "--api-url"
    if args.environment is not None:
        return get_environment(args.environment), "--environment"
    name = environ.get("QONTO_ENVIRONMENT")
    if name:
        return get_environment(name), "QONTO_ENVIRONMENT"
    return get_environment("production"), "default"


def _config(args: argparse.Namespace, environ: Mapping[str, str]) -> _Config:
    warnings: list[str] = []
    secret_flag: str | None = getattr(args, "secret_key", None)
    secret_file: str | None = getattr(args, "secret_key_file", None)
    if secret_flag is not None and secret_file is not None:
        raise _UsageError("--secret-key and --secret-key-file are exclusive; give one of them.")
    if secret_flag is not None:
        warnings.append(
            "--secret-key puts the secret on the command line, where shell history and process lists can see "
            "it; prefer QONTO_SECRET_KEY or --secret-key-file."
        )
        secret = _Setting(value=secret_flag, source="--secret-key")
    elif secret_file is not None:
        secret = _Setting(value=_read_secret_file(secret_file, "--secret-key-file"), source="--secret-key-file")
    else:
        secret = _from_env(environ, "QONTO_SECRET_KEY")
    staging_flag: str | None = getattr(args, "staging_token", None)
    environment, env_source = _environment(args, environ)
    return _Config(
        environment=environment,
        environment_source=env_source,
        login=_pick(getattr(args, "login", None), "--login", environ, "QONTO_LOGIN"),
        secret_key=secret,
        staging_token=_pick(staging_flag, "--staging-token", environ, "QONTO_STAGING_TOKEN"),
        client_id=_pick(getattr(args, "client_id", None), "--client-id", environ, "QONTO_CLIENT_ID"),
        client_secret=_from_env(environ, "QONTO_CLIENT_SECRET"),
        token_file=_pick(getattr(args, "token_file", None), "--token-file", environ, "QONTO_TOKEN_FILE"),
        warnings=tuple(warnings),
    )


def _static_auth(cfg: _Config) -> StaticKeyAuth:
    login, secret = cfg.login, cfg.secret_key
    if login.value is None:
        raise ConfigurationError("the API key needs a login: set QONTO_LOGIN or pass --login.")
    if secret.value is None:
        raise ConfigurationError("the API key needs a secret key: set QONTO_SECRET_KEY or pass --secret-key-file.")
    try:
        return StaticKeyAuth(login=login.value, secret_key=secret.value)
    except CredentialFormatError as exc:
        # Name the setting the user wrote, not the constructor argument they never saw.
        text = (
            str(exc)
            .replace("StaticKeyAuth login", f"the login ({login.source})")
            .replace("StaticKeyAuth secret_key", f"the secret key ({secret.source})")
        )
        raise CredentialFormatError(text) from None


async def _oauth_auth(cfg: _Config) -> OAuthBearerAuth:
    if cfg.client_id.value is None or cfg.client_secret.value is None:
        raise ConfigurationError("OAuth needs QONTO_CLIENT_ID and QONTO_CLIENT_SECRET.")
    if cfg.token_file.value is None:
        raise ConfigurationError(
            "OAuth needs a token file: set QONTO_TOKEN_FILE (or --token-file) and run `qonto-async login`."
        )
    store = FileTokenStore(cfg.token_file.value)
    token = await store.load()
    if token is None:
        raise ConfigurationError(
            f"the token file {cfg.token_file.value} holds no token yet: run `qonto-async login` to fill it."
        )
    return OAuthBearerAuth(
        client_id=cfg.client_id.value, client_secret=cfg.client_secret.value, token=token, token_store=store
    )


async def _auth(cfg: _Config) -> AuthStrategy:
    if cfg.uses_api_key and cfg.uses_oauth:
        raise ConfigurationError(
            "both an API key (login and secret key) and OAuth (QONTO_CLIENT_ID/QONTO_CLIENT_SECRET) are "
            "configured; set only one."
        )
    if cfg.uses_api_key:
        return _static_auth(cfg)
    if cfg.uses_oauth:
        return await _oauth_auth(cfg)
    raise ConfigurationError(
        "no credentials configured: set QONTO_LOGIN and QONTO_SECRET_KEY (API key), or QONTO_CLIENT_ID, "
        "QONTO_CLIENT_SECRET and QONTO_TOKEN_FILE (OAuth)."
    )


def _check_staging(cfg: _Config) -> str:
    env, token = cfg.environment, cfg.staging_token
    if env.requires_staging_token and token.value is None:
        raise ConfigurationError(
            f"the {env.name!r} environment is the sandbox, which wants a staging token on every request: set "
            "QONTO_STAGING_TOKEN or pass --staging-token (the Developer Portal shows it with your app's "
            "credentials)."
        )
    if not env.requires_staging_token and token.value is not None:
        raise ConfigurationError(
            f"a staging token is set ({token.source}) but the {env.name!r} environment is not the sandbox, and "
            "production refuses it: unset it, or use --environment sandbox."
        )
    if token.value is None:
        return "no staging token, as production wants"
    return f"sandbox, with a staging token from {token.source} ({len(token.value)} characters, not shown)"


def _client(cfg: _Config, auth: AuthStrategy, *, timeout: float, retry: RetryPolicy | None) -> QontoClient:
    return QontoClient(
        auth=auth,
        environment=cfg.environment,
        staging_token=cfg.staging_token.value,
        timeout=timeout,
        retry=retry,
    )


# --- argparse ---------------------------------------------------------------------------------------------------


def _connection_options(
    parser: argparse.ArgumentParser, *, credentials: bool = True, timeout: bool = True
) -> None:
    group = parser.add_argument_group(
        "connection",
        "Flags win over the QONTO_* environment variables. Prefer the environment or --secret-key-file for "
        "secrets: flags end up in shell history.",
    )
    group.add_argument(
        "--environment",
        metavar="NAME",
        help="production (default), sandbox, or a registered name [QONTO_ENVIRONMENT]",
    )
    group.add_argument("--staging-token", metavar="TOKEN", help="sandbox staging token [QONTO_STAGING_TOKEN]")
    if credentials:
        group.add_argument("--login", metavar="SLUG", help="API key login, the organization slug [QONTO_LOGIN]")
        group.add_argument(
            "--secret-key-file", metavar="FILE", help="read the API secret key from FILE [QONTO_SECRET_KEY]"
        )
        group.add_argument(
            "--secret-key", metavar="KEY", help="the API secret key (visible in shell history: avoid)"
        )
        group.add_argument("--token-file", metavar="FILE", help="OAuth token file [QONTO_TOKEN_FILE]")
    if timeout:
        group.add_argument(
            "--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (default 30)"
        )
    advanced = parser.add_argument_group("advanced (test servers)")
    advanced.add_argument(
        "--api-url", metavar="URL", help="use this Business API base URL (http only on loopback)"
    )
    advanced.add_argument(
        "--oauth-url", metavar="URL", help="OAuth base URL with --api-url (default: the API URL)"
    )
    advanced.add_argument(
        "--sandbox",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --api-url: the server wants a staging token (default: no)",
    )


DEMO_EPILOG = """\
example:
  qonto-async demo            # no configuration, no network: everything runs on 127.0.0.1
"""

DOCTOR_EPILOG = f"""\
Steps: read the configuration, check the API key's format offline, check the environment against the
staging token, call GET /v2/organization, then GET /v2/bank_accounts. Each failure is explained with its fix
and the trace id to give Qonto support. Secrets are never printed, only their length.

examples:
  QONTO_LOGIN=my-org-1234 QONTO_SECRET_KEY=... qonto-async doctor
  QONTO_ENVIRONMENT=sandbox QONTO_STAGING_TOKEN=... qonto-async doctor --login my-org-1234 \\
      --secret-key-file ~/.config/qonto/secret
  qonto-async doctor --json | jq .exit_code

{EXIT_CODES_HELP}"""

EXPORT_EPILOG = f"""\
Why settled_at: an accounting period is about when money moved. Filtering on updated_at silently loses
transactions settled in the period but updated later (a note, a label, an attachment), and brings in old ones
touched recently. Use --filter-on updated_at for incremental sync, emitted_at for pending card payments
(pending and declined transactions have no settled_at, so a settled_at period excludes them).
Statuses: Qonto returns completed transactions only unless asked; --status picks others.
Dates without a time cover whole days (--to 2026-03-31 includes March 31); times without a zone are UTC.
Amounts are written exactly as Qonto sends them (decimal text), datetimes in ISO 8601.
The output file appears only when the export is complete (written to a temporary file, then renamed), and is
readable by you only: it holds bank data.

examples:
  qonto-async transactions export --from 2026-01-01 --to 2026-03-31 --output q1.csv
  qonto-async transactions export --account ACCOUNT_ID --format jsonl --status completed --status pending \\
      --filter-on emitted_at --from 2026-03-01
  qonto-async transactions export --iban FR76... --from 2026-03-01T00:00:00+01:00 > march.csv

{EXIT_CODES_HELP}"""

LOGIN_EPILOG = f"""\
Runs the OAuth authorization-code flow with state and PKCE: prints the authorization URL (--open also opens
it in your browser), waits for Qonto to redirect to http://127.0.0.1:PORT/callback, checks the state, exchanges
the code, and saves the token pair to --token-file (mode 0600). Register that redirect URI for your app in the
Developer Portal (fix the port with --port). The client secret is read from QONTO_CLIENT_SECRET or
--client-secret-file, never from a flag.

examples:
  QONTO_CLIENT_SECRET=... qonto-async login --client-id my-app --token-file ~/.config/qonto/tokens.json --open
  qonto-async login --client-id my-app --client-secret-file secret.txt --token-file tokens.json --port 8765 \\
      --scope offline_access --scope organization.read --scope internal_transfer.write

{EXIT_CODES_HELP}"""

MAIN_EPILOG = f"""\
commands:
  demo                  a guided tour on a local fake Qonto: no configuration, no network
  doctor                check your credentials and environment, step by step, and explain what fails
  transactions export   every transaction of a period to CSV or JSON Lines
  login                 OAuth login in the browser; saves the tokens to a file

examples:
  qonto-async demo
  qonto-async doctor
  qonto-async transactions export --from 2026-01-01 --to 2026-03-31 --output q1.csv

{EXIT_CODES_HELP}"""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def _parser() -> argparse.ArgumentParser:
    from qonto_async import __version__

    parser = _Parser(
        prog="qonto-async",
        description="The command line of qonto_async, the async Python client for the Qonto Business API.",
        epilog=MAIN_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"qonto-async {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo",
        help="a guided tour on a local fake Qonto",
        description="Start a local fake Qonto (sandbox mode) and walk through the main job: authenticate, "
        "read the organization and its accounts, page through transactions, and see what credential, "
        "staging-token and OAuth problems look like.",
        epilog=DEMO_EPILOG,
    )
    demo.set_defaults(run=_run_demo)

    doctor = commands.add_parser(
        "doctor",
        help="check credentials and environment",
        description="Qonto's API troubleshooting flow, automated.",
        epilog=DOCTOR_EPILOG,
    )
    _connection_options(doctor)
    doctor.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    doctor.set_defaults(run=_run_doctor)

    transactions = commands.add_parser(
        "transactions", help="transactions commands", description="Transactions commands.", epilog=EXPORT_EPILOG
    )
    tx_commands = transactions.add_subparsers(
        dest="tx_command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    export = tx_commands.add_parser(
        "export",
        help="export transactions to CSV or JSON Lines",
        description="Export every transaction of one account, or of all accounts, for a period. Filters on "
        "settled_at by default (see below), completed transactions only unless --status says otherwise.",
        epilog=EXPORT_EPILOG,
    )
    which = export.add_mutually_exclusive_group()
    which.add_argument("--account", metavar="ID", help="the bank account id (default: every account)")
    which.add_argument("--iban", metavar="IBAN", help="the bank account's IBAN")
    export.add_argument("--from", dest="date_from", metavar="WHEN", help="start: date or ISO 8601 datetime")
    export.add_argument("--to", dest="date_to", metavar="WHEN", help="end, inclusive: date or datetime")
    export.add_argument(
        "--filter-on",
        choices=DATE_FIELDS,
        default="settled_at",
        help="the date --from/--to apply to (default settled_at: the accounting date; see below)",
    )
    export.add_argument(
        "--status",
        action="append",
        choices=TRANSACTION_STATUSES,
        help="repeatable; default: completed only (Qonto's own default)",
    )
    export.add_argument(
        "--format", choices=("csv", "jsonl"), default=None, help="default: from --output, else csv"
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE atomically (default: stdout)")
    export.add_argument("--per-page", type=int, default=100, metavar="N", help="page size, 1-100 (default 100)")
    _connection_options(export)
    export.set_defaults(run=_run_export)

    login = commands.add_parser(
        "login",
        help="OAuth login in the browser; saves the tokens",
        description="The OAuth 2.0 authorization-code flow with state and PKCE, on a loopback redirect URI.",
        epilog=LOGIN_EPILOG,
    )
    login.add_argument("--client-id", metavar="ID", help="your OAuth app's client id [QONTO_CLIENT_ID]")
    login.add_argument(
        "--client-secret-file", metavar="FILE", help="read the client secret from FILE [QONTO_CLIENT_SECRET]"
    )
    login.add_argument("--token-file", metavar="FILE", help="where to save the tokens [QONTO_TOKEN_FILE]")
    login.add_argument(
        "--scope", action="append", metavar="SCOPE", help="repeatable; default: offline_access organization.read"
    )
    login.add_argument("--port", type=int, default=0, help="loopback port of the redirect URI (default: any free)")
    login.add_argument("--open", action="store_true", help="open the authorization URL in your browser")
    login.add_argument(
        "--timeout",
        dest="wait",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the authorization in the browser (default 300)",
    )
    _connection_options(login, credentials=False, timeout=False)
    login.set_defaults(run=_run_login)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qonto-async`` command; returns the exit code (documented in ``--help``)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # argparse exits for --help (0) and usage errors (2); the caller gets the code instead.
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except _UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"qonto-async: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


# --- demo -------------------------------------------------------------------------------------------------------


def _run_demo(args: argparse.Namespace) -> int:
    return asyncio.run(_demo(sys.stdout, sys.stderr))


def _money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    return f"{amount:,.2f} {currency or ''}".strip()


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value is not None else "-"


async def _demo(out: IO[str], err: IO[str]) -> int:
    from qonto_async.testing import FakeQonto

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    def para(text: str) -> None:
        say(_wrap(text))

    say(
        "qonto-async demo: a tour of the Qonto Business API on a local fake, with no configuration and no network."
    )
    async with FakeQonto(sandbox=True) as fake:
        env = fake.environment
        say(_heading("1. A local Qonto"))
        para(
            f"FakeQonto, the test server shipped with qonto_async, is listening on {env.api_url}. It answers like "
            "Qonto's sandbox: same paths, pagination, errors, trace ids, OAuth and the staging-token gate."
        )

        say(_heading("2. Authenticate with an API key"))
        para(
            "An API key is a login (the organization slug) and a 32-character secret key, sent as the header "
            "'Authorization: login:secret_key'. The sandbox also wants its staging token on every request."
        )
        say()
        say(f'    auth = StaticKeyAuth(login="{fake.login}", secret_key="<32 characters>")')
        say('    async with QontoClient(auth=auth, environment="sandbox", staging_token="...") as qonto:')
        say("        org = await qonto.organization.get()")
        auth = fake.static_key_auth()
        staging = fake.staging_token

        async with QontoClient(auth=auth, environment=env, staging_token=staging) as qonto:
            say(_heading("3. The organization and its accounts"))
            with capture_responses() as responses:
                org = await qonto.organization.get()
            trace = responses[-1].trace_id
            say(f"  {org.name} (slug {org.slug}, {org.legal_form or 'company'}, {org.legal_country or '-'})")
            say()
            rows = [
                (a.name, a.iban, _money(a.balance, a.currency), a.status, "yes" if a.main else "")
                for a in org.bank_accounts
            ]
            say(_table(("Account", "IBAN", "Balance", "Status", "Main"), rows))
            say()
            para(
                f"Every Qonto response carries a trace id (the X-Tyk-Trace-Id header). This call's was {trace}: "
                "quote it to Qonto support when something goes wrong. capture_responses() collects them."
            )

            say(_heading("4. Page through transactions"))
            account = org.bank_accounts[0]
            para(
                f"Transactions are listed per account, one page at a time (here 50 per page) for {account.name}. "
                "Qonto returns completed transactions only unless you pass status=[...]; for an accounting "
                "period, filter on settled_at, not updated_at."
            )
            progress = _Progress(err)
            count = pages = 0
            latest: list[Transaction] = []
            async for page in qonto.transactions.iterate(bank_account_id=account.id, per_page=50).pages():
                pages += 1
                count += len(page)
                if not latest:
                    latest = list(page.items[:5])
                total = page.meta.total_pages if page.meta is not None else None
                progress.update(pages, total, f"{count} transactions")
            progress.close()
            say()
            say(f"  Fetched {count} completed transactions in {pages} pages. The most recent:")
            say()
            tx_rows = [
                (_when(t.settled_at), t.label, _money(t.amount, t.currency), t.side, t.operation_type)
                for t in latest
            ]
            say(_table(("Settled", "Label", "Amount", "Side", "Type"), tx_rows))

        say(_heading("5. A credential mistake, caught before sending"))
        para("A common mistake is to send the key as a Bearer token. StaticKeyAuth refuses it at once, offline:")
        try:
            StaticKeyAuth(login=fake.login, secret_key="Bearer " + fake.secret_key)
        except CredentialFormatError as exc:
            say()
            say("  CredentialFormatError:")
            say(_wrap(str(exc), "    "))

        say(_heading("6. A wrong secret key, answered 401 by Qonto"))
        para(
            "A well-formed key with the wrong secret (regenerated since, or from another environment) gets a 401:"
        )
        wrong = StaticKeyAuth(login=fake.login, secret_key=fake.secret_key[::-1])
        async with QontoClient(auth=wrong, environment=env, staging_token=staging) as qonto:
            try:
                await qonto.organization.get()
            except AuthenticationError as exc:
                say()
                say("  AuthenticationError:")
                say(_wrap(str(exc), "    "))
                say()
                say(f"  Its trace id, for Qonto support: {exc.trace_id}")

        say(_heading("7. The sandbox's staging token"))
        para("Without a staging token the client refuses to start, before sending anything:")
        try:
            QontoClient(auth=auth, environment=env)
        except ConfigurationError as exc:
            say()
            say("  ConfigurationError:")
            say(_wrap(str(exc), "    "))
        say()
        para("With a wrong one, the sandbox's login gate answers instead of the API (a 302 to its login page):")
        async with QontoClient(auth=auth, environment=env, staging_token="wrong-staging-token") as qonto:
            try:
                await qonto.organization.get()
            except StagingTokenError as exc:
                say()
                say(f"  StagingTokenError (status {exc.status}):")
                say(_wrap(str(exc), "    "))

        say(_heading("8. OAuth: an expired access token is refreshed once"))
        client_id, client_secret = fake.oauth_client()
        token = fake.issue_token()
        oauth = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=token, clock=fake.clock)
        para(
            f"An OAuth app holds an access token (valid 1 hour, here until {_when(token.expires_at)}) and a "
            "refresh token. Let two hours pass on the fake's clock, then make three calls at once:"
        )
        fake.advance(2 * 3600)
        async with QontoClient(auth=oauth, environment=env, staging_token=staging) as qonto:
            await asyncio.gather(*(qonto.organization.get() for _ in range(3)))
        refreshes = oauth.refresh_count
        say()
        say(
            f"  {refreshes} refresh{'es' if refreshes != 1 else ''} for 3 calls "
            f"(token endpoint called {fake.token_calls['refresh_token']} time(s)); "
            f"new expiry {_when(oauth.token.expires_at)}."
        )
        para(
            "Refreshes are serialised: one refresh serves every waiting request, and the rotated refresh token "
            "is saved (to a TokenStore such as FileTokenStore) before it is used."
        )

        say(_heading("9. A transfer that needs Strong Customer Authentication"))
        para(
            "Sensitive writes answer 428 until the user approves them in the Qonto app. With an ScaPolicy the "
            "client waits for the approval (polling once a second, 15 minutes at most) and replays the very same "
            "request, same idempotency key included. The sandbox cannot pair a phone, so the demo uses the "
            "'mock' preference and approves as the user would:"
        )
        say()
        say('    sca = ScaPolicy(preference="mock", on_required=allow_mocked)')
        say("    await qonto.internal_transfers.create(..., amount=Decimal('250.00'))")
        fake.sca.require_for.add("POST /v2/internal_transfers")
        scoped = fake.issue_token(scopes=("internal_transfer.write",))
        writer = OAuthBearerAuth(client_id=client_id, client_secret=client_secret, token=scoped, clock=fake.clock)
        challenges: list[str] = []

        async def approve(client: QontoClient, challenge: ScaChallenge) -> None:
            challenges.append(challenge.action_type or "sensitive action")
            await allow_mocked(client, challenge)

        policy = ScaPolicy(preference="mock", on_required=approve)
        async with QontoClient(auth=writer, environment=env, staging_token=staging, sca=policy) as qonto:
            source, target = fake.data.bank_accounts[0], fake.data.bank_accounts[1]
            transfer = await qonto.internal_transfers.create(
                debit_iban=source["iban"], credit_iban=target["iban"], reference="Demo", amount=Decimal("250.00")
            )
        statuses = [entry.status for entry in fake.requests("POST", "/v2/internal_transfers")]
        say()
        say(
            f"  First answer: {statuses[0]}, SCA for {', '.join(challenges)}; approved; replay answered {statuses[-1]}."
        )
        say(f"  Transfer {transfer.id}: {_money(transfer.amount, transfer.currency)}, status {transfer.status}.")

    say(_heading("Next steps"))
    say("  qonto-async doctor                  check your own credentials, step by step")
    say("  qonto-async transactions export     every transaction of a period, to CSV or JSON Lines")
    say("  qonto-async login                   OAuth login in the browser; saves the tokens")
    return EXIT_OK


# --- doctor -----------------------------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class _Step:
    name: str
    status: str  # "ok", "warn", "fail", "skip"
    message: str
    diagnosis: Diagnosis | None = None
    trace_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status, "message": self.message}
        out["trace_id"] = self.trace_id or (self.diagnosis.trace_id if self.diagnosis else None)
        if self.diagnosis is not None:
            d = self.diagnosis
            out.update(
                http_status=d.status,
                problem=d.summary,
                explanation=d.explanation,
                fix=d.fix,
                exit_code=d.exit_code,
            )
        return out


_SLUG: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY_LIKE: Final = re.compile(r"^[A-Za-z0-9]{32}$")


def _shown_login(login: str | None) -> str | None:
    """The login if it looks like an organization slug; None when it may be a secret pasted in the wrong place."""
    if login is None or not _SLUG.match(login) or _KEY_LIKE.match(login):
        return None
    return login


STEP_NAMES: Final = (
    "configuration",
    "credential format",
    "environment and staging token",
    "GET /v2/organization",
    "GET /v2/bank_accounts",
)


def _run_doctor(args: argparse.Namespace) -> int:
    steps, summary = asyncio.run(_doctor(args, os.environ))
    code = next((s.diagnosis.exit_code for s in steps if s.diagnosis is not None), EXIT_OK)
    if args.json:
        payload = {"ok": code == EXIT_OK, "exit_code": code, **summary, "steps": [s.to_json() for s in steps]}
        print(json.dumps(payload, indent=2))
        return code
    out = sys.stdout
    print("qonto-async doctor: checking your Qonto API setup\n", file=out)
    tags = {"ok": "[ok]  ", "warn": "[warn]", "fail": "[FAIL]", "skip": "[skip]"}
    for step in steps:
        print(f"{tags[step.status]} {step.name}: {step.message}", file=out)
        if step.diagnosis is not None:
            _print_diagnosis(step.diagnosis, out, indent="       ", summary=False)
        elif step.trace_id:
            print(f"       trace id: {step.trace_id}", file=out)
    print(file=out)
    if code == EXIT_OK:
        print("All checks passed (exit code 0).", file=out)
    else:
        failed = next(s for s in steps if s.diagnosis is not None)
        print(f"Failed at '{failed.name}' (exit code {code}; see `qonto-async doctor --help`).", file=out)
    return code


async def _doctor(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[list[_Step], dict[str, Any]]:
    steps: list[_Step] = []
    summary: dict[str, Any] = {}

    def fail(name: str, exc: BaseException) -> tuple[list[_Step], dict[str, Any]]:
        d = diagnose(exc)
        steps.append(_Step(name=name, status="fail", message=d.summary, diagnosis=d))
        for rest in STEP_NAMES[len(steps) :]:
            steps.append(_Step(name=rest, status="skip", message="skipped (an earlier step failed)"))
        return steps, summary

    # 1. configuration
    try:
        cfg = _config(args, environ)
    except ConfigurationError as exc:
        return fail(STEP_NAMES[0], exc)
    env = cfg.environment
    summary["environment"] = {
        "name": env.name,
        "api_url": env.api_url,
        "requires_staging_token": env.requires_staging_token,
        "source": cfg.environment_source,
    }
    parts = [f"environment {env.name!r} ({env.api_url}, from {cfg.environment_source})"]
    if cfg.uses_api_key or not cfg.uses_oauth:
        summary["auth"] = "api_key"
        summary["login"] = _shown_login(cfg.login.value)
        summary["secret_key_length"] = len(cfg.secret_key.value) if cfg.secret_key.value is not None else None
        if cfg.login.value is not None:
            shown = _shown_login(cfg.login.value)
            what = repr(shown) if shown else f"of {len(cfg.login.value)} characters (not shown: not slug-shaped)"
            parts.append(f"login {what} (from {cfg.login.source})")
        if cfg.secret_key.value is not None:
            parts.append(
                f"secret key from {cfg.secret_key.source} ({len(cfg.secret_key.value)} characters, not shown)"
            )
    else:
        summary["auth"] = "oauth"
        summary["client_id"] = cfg.client_id.value
        parts.append(f"OAuth client {cfg.client_id.value!r}, token file {cfg.token_file.value}")
    summary["warnings"] = list(cfg.warnings)
    steps.append(
        _Step(
            name=STEP_NAMES[0],
            status="warn" if cfg.warnings else "ok",
            message="; ".join(parts) + "".join(f". Warning: {w}" for w in cfg.warnings),
        )
    )

    # 2. credential format, offline
    try:
        auth = await _auth(cfg)
    except (ConfigurationError, TokenStoreError) as exc:
        return fail(STEP_NAMES[1], exc)
    if isinstance(auth, StaticKeyAuth):
        message = (
            "no format mistake (no Bearer/Basic prefix, no whitespace, no ':' inside, not base64, login and "
            "secret not swapped or identical)"
        )
    else:
        assert isinstance(auth, OAuthBearerAuth)
        expiry = auth.token.expires_at
        state = "expired, will be refreshed" if expiry <= datetime.now(UTC) else "valid"
        message = f"OAuth token loaded; access token {state} (expires {_when(expiry)})"
    steps.append(_Step(name=STEP_NAMES[1], status="ok", message=message))

    # 3. environment against the staging token
    try:
        message = _check_staging(cfg)
    except ConfigurationError as exc:
        return fail(STEP_NAMES[2], exc)
    steps.append(_Step(name=STEP_NAMES[2], status="ok", message=message))

    # 4 and 5. the two calls, without retries: the doctor reports the first answer as it is.
    try:
        qonto = _client(cfg, auth, timeout=args.timeout, retry=RetryPolicy(max_attempts=1))
    except ConfigurationError as exc:
        return fail(STEP_NAMES[3], exc)
    async with qonto:
        try:
            with capture_responses() as responses:
                org = await qonto.organization.get()
        except QontoError as exc:
            return fail(STEP_NAMES[3], exc)
        trace = responses[-1].trace_id if responses else None
        summary["organization"] = {"id": org.id, "name": org.name, "slug": org.slug}
        steps.append(
            _Step(
                name=STEP_NAMES[3],
                status="ok",
                message=f"{responses[-1].status if responses else 200}: organization {org.name!r} "
                f"(slug {org.slug})",
                trace_id=trace,
            )
        )
        try:
            with capture_responses() as responses:
                page = await qonto.bank_accounts.list()
        except QontoError as exc:
            return fail(STEP_NAMES[4], exc)
        trace = responses[-1].trace_id if responses else None
        summary["bank_accounts"] = len(page)
        steps.append(
            _Step(
                name=STEP_NAMES[4],
                status="ok",
                message=f"{responses[-1].status if responses else 200}: {len(page)} bank account(s) visible",
                trace_id=trace,
            )
        )
    return steps, summary


# --- transactions export ----------------------------------------------------------------------------------------


def _parse_when(text: str, *, end: bool, flag: str) -> datetime:
    try:
        if "T" not in text and " " not in text and len(text) == 10:
            day = date.fromisoformat(text)
            if end:
                # Inclusive end of day: Qonto compares with millisecond precision.
                return datetime.combine(day, time(23, 59, 59, 999000), tzinfo=UTC)
            return datetime.combine(day, time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _UsageError(
            f"{flag} {text!r} is not a date (2026-03-31) or an ISO 8601 datetime (2026-03-31T12:00:00+01:00)."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json_value(_inst: object, _field: object, value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    converted = _json_value(None, None, value)
    return converted if isinstance(converted, str) else str(converted)


class _RowWriter:
    def __init__(self, stream: IO[str], fmt: str) -> None:
        self._stream = stream
        self._fmt = fmt
        self._csv = csv.writer(stream, lineterminator="\n") if fmt == "csv" else None
        self.rows = 0

    def header(self) -> None:
        if self._csv is not None:
            self._csv.writerow(CSV_COLUMNS)

    def write_page(self, items: Sequence[Transaction]) -> None:
        if self._csv is not None:
            self._csv.writerows([_csv_value(getattr(t, c)) for c in CSV_COLUMNS] for t in items)
        else:
            for t in items:
                data = attrs.asdict(t, value_serializer=_json_value)
                self._stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.rows += len(items)
        # Each page goes out as it arrives: memory stays flat, and a reader of stdout sees rows at once.
        self._stream.flush()


@contextlib.contextmanager
def _atomic_output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a temporary file beside ``path`` renamed over it only once everything was written."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _run_export(args: argparse.Namespace) -> int:
    if not 1 <= args.per_page <= 100:
        raise _UsageError("--per-page must be between 1 and 100.")
    fmt = args.format
    if fmt is None:
        fmt = "jsonl" if args.output and args.output.endswith((".jsonl", ".ndjson")) else "csv"
    start = _parse_when(args.date_from, end=False, flag="--from") if args.date_from else None
    stop = _parse_when(args.date_to, end=True, flag="--to") if args.date_to else None
    if start is not None and stop is not None and start > stop:
        raise _UsageError("--from is after --to.")
    statuses = list(dict.fromkeys(args.status or ["completed"]))
    err = sys.stderr
    why = {
        "settled_at": "the accounting date; updated_at would lose transactions settled in the period but "
        "updated later",
        "updated_at": "for incremental sync; for an accounting period use settled_at",
        "emitted_at": "when the operation was initiated",
    }[args.filter_on]
    print(f"Filtering on {args.filter_on} ({why}).", file=err)
    default_note = " (the default; add --status pending/declined for others)" if not args.status else ""
    print(f"Statuses: {', '.join(statuses)}{default_note}.", file=err)
    if args.filter_on == "settled_at" and (start or stop) and set(statuses) & {"pending", "declined"}:
        print(
            "Note: pending and declined transactions have no settled_at, so a settled_at period leaves them "
            "out; use --filter-on emitted_at to include them.",
            file=err,
        )
    try:
        return asyncio.run(_export(args, fmt=fmt, start=start, stop=stop, statuses=statuses))
    except (QontoError, OSError) as exc:
        if isinstance(exc, OSError):
            print(f"qonto-async: cannot write the output: {exc}", file=err)
            return EXIT_ERROR
        d = diagnose(exc)
        print("Export failed; no output file was written." if args.output else "Export failed.", file=err)
        _print_diagnosis(d, err)
        return d.exit_code


async def _export(
    args: argparse.Namespace, *, fmt: str, start: datetime | None, stop: datetime | None, statuses: list[str]
) -> int:
    cfg = _config(args, os.environ)
    auth = await _auth(cfg)
    _check_staging(cfg)
    err = sys.stderr
    filters: dict[str, Any] = {
        f"{args.filter_on}_from": start,
        f"{args.filter_on}_to": stop,
        "status": statuses,
        "sort_by": f"{args.filter_on}:asc",
        "per_page": args.per_page,
    }
    async with _client(cfg, auth, timeout=args.timeout, retry=None) as qonto:
        if args.account is not None:
            targets: list[tuple[str, dict[str, Any]]] = [(args.account, {"bank_account_id": args.account})]
        elif args.iban is not None:
            targets = [(args.iban, {"iban": args.iban})]
        else:
            targets = [(a.name or a.id, {"bank_account_id": a.id}) async for a in qonto.bank_accounts.iterate()]
        progress = _Progress(err)
        with _atomic_output(args.output) as stream:
            writer = _RowWriter(stream, fmt)
            writer.header()
            for label, which in targets:
                pages = 0
                async for page in qonto.transactions.iterate(**which, **filters).pages():
                    writer.write_page(page.items)
                    pages += 1
                    total = page.meta.total_pages if page.meta is not None else None
                    progress.update(pages, total, f"{label}: {writer.rows} transactions")
            progress.close()
    where = args.output if args.output else "stdout"
    print(f"Wrote {writer.rows} transactions from {len(targets)} account(s) to {where} ({fmt}).", file=err)
    return EXIT_OK


# --- login ------------------------------------------------------------------------------------------------------

_PAGE_OK: Final = "<!doctype html><title>qonto-async</title><p>Authorized. You can close this window.</p>"
_PAGE_FAILED: Final = "<!doctype html><title>qonto-async</title><p>Authorization failed: {}</p>"


def _run_login(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_login(args, os.environ))
    except QontoError as exc:
        d = diagnose(exc)
        print("Login failed; no token was saved.", file=sys.stderr)
        _print_diagnosis(d, sys.stderr)
        return d.exit_code


async def _login(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from aiohttp import web

    err = sys.stderr
    cfg = _config(args, environ)
    env = cfg.environment
    _check_staging(cfg)
    client_id = cfg.client_id.value
    if args.client_secret_file is not None:
        client_secret: str | None = _read_secret_file(args.client_secret_file, "--client-secret-file")
    else:
        client_secret = environ.get("QONTO_CLIENT_SECRET") or None
    token_file = cfg.token_file.value
    if client_id is None:
        raise ConfigurationError("login needs your OAuth app's client id: --client-id or QONTO_CLIENT_ID.")
    if client_secret is None:
        raise ConfigurationError("login needs the client secret: QONTO_CLIENT_SECRET or --client-secret-file.")
    if token_file is None:
        raise ConfigurationError("login needs a place for the tokens: --token-file or QONTO_TOKEN_FILE.")
    if not 0 <= args.port <= 65535:
        raise _UsageError("--port must be between 0 and 65535.")

    state = new_state()
    callback: asyncio.Future[Mapping[str, str]] = asyncio.get_running_loop().create_future()

    async def on_callback(request: web.Request) -> web.StreamResponse:
        params = dict(request.query)
        if callback.done():
            return web.Response(status=409, text=_PAGE_FAILED.format("already handled"), content_type="text/html")
        if "error" in params:
            problem = params.get("error_description") or params["error"]
        elif not secrets.compare_digest(params.get("state", ""), state):
            problem = "the state does not match this login"
        else:
            problem = ""
        callback.set_result(params)
        if problem:
            return web.Response(status=400, text=_PAGE_FAILED.format(problem), content_type="text/html")
        return web.Response(text=_PAGE_OK, content_type="text/html")

    app = web.Application()
    app.router.add_get("/callback", on_callback)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", args.port)
        await site.start()
        port = runner.addresses[0][1]
        redirect_uri = f"http://127.0.0.1:{port}/callback"
        request = build_authorization_url(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=args.scope or DEFAULT_SCOPES,
            state=state,
            environment=env,
            pkce=True,
        )
        print(f"Redirect URI (register it for your app): {redirect_uri}", file=err)
        print("Open this URL in your browser and authorize the app:", file=err)
        print(request.url, flush=True)
        if args.open:
            webbrowser.open(request.url)
        print(f"Waiting up to {args.wait:g} s for the authorization...", file=err, flush=True)
        try:
            params = await asyncio.wait_for(callback, timeout=args.wait)
        except TimeoutError:
            print(f"No authorization arrived within {args.wait:g} s; nothing was saved.", file=err)
            return EXIT_AUTH
    finally:
        await runner.cleanup()

    if "error" in params:
        described = params.get("error_description") or ""
        print(f"Authorization refused: {params['error']} {described}".rstrip() + "; nothing was saved.", file=err)
        return EXIT_AUTH
    if not secrets.compare_digest(params.get("state", ""), state):
        print(
            "The callback's state does not match this login: it may be forged (CSRF) or from another attempt. "
            "The code was not exchanged and nothing was saved.",
            file=err,
        )
        return EXIT_AUTH
    code = params.get("code")
    if not code:
        print("The callback carries no authorization code; nothing was saved.", file=err)
        return EXIT_AUTH
    token = await exchange_code(
        client_id=client_id,
        client_secret=client_secret,
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=request.code_verifier,
        environment=env,
        staging_token=cfg.staging_token.value,
    )
    await FileTokenStore(token_file).save(token)
    refresh = "with a refresh token" if token.refresh_token else "without a refresh token (add offline_access)"
    print(
        f"Saved the tokens to {token_file} (mode 0600), {refresh}; scopes: {' '.join(token.scopes) or '-'}; "
        f"access token expires {_when(token.expires_at)}.",
        file=err,
    )
    return EXIT_OK
