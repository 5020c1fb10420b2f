"""The SCA completion flow (issue 4, qonto-api.md §8) against FakeQonto: 428 → hook → poll → replay.

Polling timing runs on a patched clock (``qonto_async.sca._monotonic`` / ``_sleep``) so the 15-minute paths take no
real time, while every request still goes over loopback HTTP to the fake.
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import (
    ConfigurationError,
    OAuthBearerAuth,
    QontoClient,
    RetryPolicy,
    ScaDenied,
    ScaError,
    ScaExpired,
    ScaPolicy,
    ScaRequired,
    ScaSessionInvalidError,
    SyncQontoClient,
)
from qonto_async import sca as sca_module
from qonto_async.models import InternalTransfer
from qonto_async.sca import SCA_TOKEN_HEADER, TWO_FA_PREFERENCE_HEADER, ScaChallenge, allow_mocked
from qonto_async.testing import FakeQonto

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
ROUTE = "POST /v2/internal_transfers"
PATH = "/v2/internal_transfers"


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        server.sca.require_for.add(ROUTE)
        yield server
    assert server.internal_errors == []


class Clock:
    """A monotonic clock that only moves when the SCA poller sleeps; ``on_sleep`` runs at each sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep: Any = None

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(len(self.sleeps))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake_clock = Clock()
    monkeypatch.setattr(sca_module, "_monotonic", fake_clock.monotonic)
    monkeypatch.setattr(sca_module, "_sleep", fake_clock.sleep)
    return fake_clock


def oauth(fake: FakeQonto) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id,
        client_secret=client_secret,
        token=fake.issue_token(scopes=["internal_transfer.write", "organization.read"]),
    )


def client(fake: FakeQonto, sca: ScaPolicy | None) -> QontoClient:
    return QontoClient(
        auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST, sca=sca
    )


async def transfer(qonto: QontoClient, fake: FakeQonto, amount: str = "12.50") -> InternalTransfer:
    return await qonto.internal_transfers.create(
        debit_iban=fake.data.bank_accounts[0]["iban"],
        credit_iban=fake.data.bank_accounts[1]["iban"],
        reference="SCA test",
        amount=amount,
    )


def writes(fake: FakeQonto) -> list[Any]:
    return fake.requests("POST", PATH)


async def test_the_sandbox_mock_flow_completes_end_to_end(fake: FakeQonto) -> None:
    policy = ScaPolicy(preference="mock", on_required=allow_mocked)
    async with client(fake, policy) as qonto:
        done = await transfer(qonto, fake)
    assert done.amount == Decimal("12.50")
    first, replay = writes(fake)
    assert first.status == 428
    assert replay.status == 201
    # The replay is the same request: same body bytes, same idempotency key, same 2FA preference, plus the token.
    assert replay.body == first.body
    key = first.headers["X-Qonto-Idempotency-Key"]
    assert replay.headers["X-Qonto-Idempotency-Key"] == key
    assert first.headers[TWO_FA_PREFERENCE_HEADER] == replay.headers[TWO_FA_PREFERENCE_HEADER] == "mock"
    assert SCA_TOKEN_HEADER not in first.headers
    token = fake.sca.last_token
    assert replay.headers[SCA_TOKEN_HEADER] == token
    # The mock decision, then one poll that saw "allow"; the write was performed exactly once.
    assert fake.count("POST", f"/v2/mocked_sca_sessions/{token}/allow") == 1
    assert fake.count("GET", f"/v2/sca_sessions/{token}") == 1
    assert fake.side_effects[key] == 1


async def test_the_preference_goes_on_writes_only(fake: FakeQonto) -> None:
    async with client(fake, ScaPolicy(preference="mock", on_required=allow_mocked)) as qonto:
        await qonto.organization.get()
        await transfer(qonto, fake)
    assert TWO_FA_PREFERENCE_HEADER not in fake.requests("GET", "/v2/organization")[0].headers
    assert (
        TWO_FA_PREFERENCE_HEADER not in fake.requests("GET", f"/v2/sca_sessions/{fake.sca.last_token}")[0].headers
    )


async def test_without_mock_the_sandbox_answers_not_enrolled_and_it_is_raised(fake: FakeQonto) -> None:
    async with client(fake, ScaPolicy(on_required=allow_mocked)) as qonto:
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake)
    # qonto-api.md §8: sca_not_enrolled has no session token, so there is nothing to wait for.
    assert caught.value.sca_session_token is None
    assert len(writes(fake)) == 1


async def test_polls_at_most_once_a_second_until_the_user_approves(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    clock.on_sleep = lambda n: fake.sca.approve(fake.sca.last_token) if n == 3 else None  # type: ignore[arg-type]
    seen: list[ScaChallenge] = []

    async def notify(_: QontoClient, challenge: ScaChallenge) -> None:
        seen.append(challenge)

    async with client(fake, ScaPolicy(on_required=notify)) as qonto:
        await transfer(qonto, fake)
    (challenge,) = seen
    assert challenge.action_type == "transfer.internal.create"
    assert (challenge.method, challenge.path) == ("POST", PATH)
    assert challenge.token not in repr(challenge)
    assert clock.sleeps == [1.0, 1.0, 1.0]
    assert fake.count("GET", f"/v2/sca_sessions/{challenge.token}") == 4


async def test_a_slower_poll_interval_is_honoured(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    clock.on_sleep = lambda n: fake.sca.approve(fake.sca.last_token) if n == 2 else None  # type: ignore[arg-type]
    async with client(fake, ScaPolicy(poll_interval=5)) as qonto:
        await transfer(qonto, fake)
    assert clock.sleeps == [5.0, 5.0]


async def test_a_denied_session_raises_sca_denied_and_nothing_is_performed(fake: FakeQonto, clock: Clock) -> None:
    clock.on_sleep = lambda n: fake.sca.deny(fake.sca.last_token) if n == 2 else None  # type: ignore[arg-type]
    async with client(fake, ScaPolicy(preference="mock")) as qonto:
        with pytest.raises(ScaDenied) as caught:
            await transfer(qonto, fake)
    error = caught.value
    key = writes(fake)[0].headers["X-Qonto-Idempotency-Key"]
    assert error.idempotency_key == key
    assert error.action_type == "transfer.internal.create"
    assert error.trace_id == writes(fake)[0].trace_id
    assert "denied" in str(error)
    assert str(error).endswith(f"(trace id: {error.trace_id})")
    assert fake.sca.last_token not in str(error)  # type: ignore[operator]
    assert len(writes(fake)) == 1
    assert fake.side_effects[key] == 0
    assert error.__cause__ is None
    assert error.__context__ is None
    assert isinstance(error, ScaError)


async def test_nobody_answering_ends_in_sca_expired_after_15_minutes(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, ScaPolicy()) as qonto:
        with pytest.raises(ScaExpired) as caught:
            await transfer(qonto, fake)
    polls = fake.count("GET", f"/v2/sca_sessions/{fake.sca.last_token}")
    # One poll a second for 15 minutes, never more; the last sleep stops at the deadline.
    assert polls == 901
    assert sum(clock.sleeps) == pytest.approx(900.0)
    assert all(s <= 1.0 for s in clock.sleeps)
    assert "900" in str(caught.value)
    assert len(writes(fake)) == 1


async def test_a_shorter_timeout_gives_up_sooner(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, ScaPolicy(timeout=3)) as qonto:
        with pytest.raises(ScaExpired):
            await transfer(qonto, fake)
    assert clock.sleeps == [1.0, 1.0, 1.0]


async def test_qonto_reporting_deny_after_15_minutes_is_an_expiry(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False

    def late(n: int) -> None:
        if n == 1:
            clock.now += 900  # our clock and the fake's both pass the session's 15 minutes
            fake.advance(901)

    clock.on_sleep = late
    async with client(fake, ScaPolicy()) as qonto:
        with pytest.raises(ScaExpired):
            await transfer(qonto, fake)


async def test_auto_complete_off_raises_and_complete_finishes_it(fake: FakeQonto) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, ScaPolicy(auto_complete=False)) as qonto:
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake, "3.00")

        async def user_approves(_: QontoClient, challenge: ScaChallenge) -> None:
            fake.sca.approve(challenge.token)

        done = await qonto.sca.complete(caught.value, on_required=user_approves)
    assert isinstance(done, InternalTransfer)
    assert done.amount == Decimal("3.00")
    first, replay = writes(fake)
    assert replay.headers["X-Qonto-Idempotency-Key"] == first.headers["X-Qonto-Idempotency-Key"]
    assert replay.headers[SCA_TOKEN_HEADER] == caught.value.sca_session_token


async def test_without_a_policy_the_428_is_raised_and_can_be_completed(fake: FakeQonto) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, None) as qonto:
        assert qonto.sca_policy is None
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake)
        fake.sca.approve(caught.value.sca_session_token)  # type: ignore[arg-type]
        assert isinstance(await qonto.sca.complete(caught.value), InternalTransfer)
        # An error that lost its request (pickled, or built by hand) cannot be replayed: a clear error says so.
        with pytest.raises(ConfigurationError, match="does not carry its request"):
            await qonto.sca.complete(pickle.loads(pickle.dumps(caught.value)))
        with pytest.raises(ConfigurationError, match="ScaRequired"):
            await qonto.sca.complete(ValueError())  # type: ignore[arg-type]


async def test_wait_is_the_low_level_poller(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, None) as qonto:
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake)
        token = caught.value.sca_session_token
        assert token is not None
        clock.on_sleep = lambda n: fake.sca.approve(token) if n == 1 else None
        assert (await qonto.sca.wait(token)).result == "allow"
        clock.on_sleep = None
        with pytest.raises(ConfigurationError, match="poll_interval"):
            await qonto.sca.wait(token, poll_interval=0.2)
        fake.sca.sessions[token].result = "deny"
        with pytest.raises(ScaDenied, match=r"^SCA \(sensitive action\) was denied"):
            await qonto.sca.wait(token)


async def test_with_options_sets_or_clears_the_policy(fake: FakeQonto) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, None) as qonto:
        view = qonto.with_options(sca=ScaPolicy(preference="mock", on_required=allow_mocked))
        assert view.sca_policy is not None
        assert qonto.sca_policy is None
        await transfer(view, fake)
        assert view.with_options(sca=None).sca_policy is None
        assert view.with_options(timeout=5).sca_policy is view.sca_policy


async def test_the_replay_is_not_sent_again_through_sca(fake: FakeQonto) -> None:
    # If Qonto refuses the approved token on the replay, that error is raised: no second round, no loop.
    async def approve_but_spoil(client: QontoClient, challenge: ScaChallenge) -> None:
        await allow_mocked(client, challenge)
        fake.sca.sessions[challenge.token].used = True  # the fake now answers 412 to the replay

    async with client(fake, ScaPolicy(preference="mock", on_required=approve_but_spoil)) as qonto:
        with pytest.raises(ScaSessionInvalidError):
            await transfer(qonto, fake)
    assert [entry.status for entry in writes(fake)] == [428, 412]


def test_policy_validation() -> None:
    with pytest.raises(ConfigurationError, match=r"one poll per second"):
        ScaPolicy(poll_interval=0.5)
    for bad in (0, -1, 901, float("nan"), True):
        with pytest.raises(ConfigurationError, match="timeout"):
            ScaPolicy(timeout=bad)
    with pytest.raises(ConfigurationError, match="preference must be one of"):
        ScaPolicy(preference="sms")
    with pytest.raises(ConfigurationError, match="on_required"):
        ScaPolicy(on_required="allow")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"auto_complete"):
        ScaPolicy(auto_complete="yes")  # type: ignore[arg-type]


async def test_mock_is_refused_outside_the_sandbox() -> None:
    async with FakeQonto(sandbox=False) as production:
        with pytest.raises(ConfigurationError, match="only in the sandbox"):
            QontoClient(
                auth=production.static_key_auth(),
                environment=production.environment,
                sca=ScaPolicy(preference="mock"),
            )
        with pytest.raises(ConfigurationError, match="ScaPolicy"):
            QontoClient(auth=production.static_key_auth(), environment=production.environment, sca="mock")  # type: ignore[arg-type]
        async with QontoClient(auth=production.static_key_auth(), environment=production.environment) as qonto:
            with pytest.raises(ConfigurationError, match="only in the sandbox"):
                qonto.with_options(sca=ScaPolicy(preference="mock"))


def test_sca_errors_pickle() -> None:
    error = ScaExpired("SCA expired", action_type="transfer.single.create", trace_id="abc", idempotency_key="k")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ScaExpired
    assert (copy.action_type, copy.trace_id, copy.idempotency_key, str(copy)) == (
        "transfer.single.create",
        "abc",
        "k",
        "SCA expired (trace id: abc)",
    )


async def test_the_sync_client_completes_sca_too(fake: FakeQonto) -> None:
    policy = ScaPolicy(preference="mock", on_required=allow_mocked)

    def run() -> Decimal:
        with SyncQontoClient(
            auth=oauth(fake),
            environment=fake.environment,
            staging_token=fake.staging_token,
            retry=FAST,
            sca=policy,
        ) as sync:
            return sync.internal_transfers.create(
                debit_iban=fake.data.bank_accounts[0]["iban"],
                credit_iban=fake.data.bank_accounts[1]["iban"],
                reference="sync SCA",
                amount=Decimal("7.00"),
            ).amount

    assert await asyncio.to_thread(run) == Decimal("7.00")
    assert [entry.status for entry in writes(fake)] == [428, 201]


async def test_a_plain_function_hook_is_called_too(fake: FakeQonto) -> None:
    # SyncQontoClient users naturally pass a plain function; it runs on the loop and is not awaited.
    seen: list[str] = []

    def note(_: QontoClient, challenge: ScaChallenge) -> None:
        seen.append(challenge.token)
        fake.sca.approve(challenge.token)

    async with client(fake, ScaPolicy(preference="mock", on_required=note)) as qonto:
        await transfer(qonto, fake)
    assert seen == [fake.sca.last_token]


async def test_completing_later_counts_the_15_minutes_from_the_428(fake: FakeQonto, clock: Clock) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, None) as qonto:
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake)
        clock.now += 14 * 60  # the caller comes back 14 minutes later: one minute is left
        with pytest.raises(ScaExpired):
            await qonto.sca.complete(caught.value)
    assert sum(clock.sleeps) == pytest.approx(60.0)
    polls = fake.count("GET", f"/v2/sca_sessions/{caught.value.sca_session_token}")
    assert polls == 61


async def test_the_replayed_request_keeps_its_secrets_out_of_repr(fake: FakeQonto) -> None:
    fake.sca.require_mock_in_sandbox = False
    async with client(fake, None) as qonto:
        with pytest.raises(ScaRequired) as caught:
            await transfer(qonto, fake)
    _, request, _ = caught.value._sca_replay  # type: ignore[attr-defined]
    text = repr(request)
    assert fake.data.bank_accounts[0]["iban"] not in text
    assert "12.50" not in text
    assert "/v2/internal_transfers" in text


def test_sms_otp_is_refused_with_the_reason() -> None:
    with pytest.raises(ConfigurationError, match="X-Qonto-MFA"):
        ScaPolicy(preference="sms-otp")
