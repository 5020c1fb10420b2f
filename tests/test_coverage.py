"""``docs/coverage.md`` is up to date, and every ``@operation`` mark matches Qonto's data and the request sent."""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from typing import Any

import pytest

from qonto_async import _coverage
from qonto_async.pagination import AsyncPaginator
from qonto_async.resources._base import Operation
from qonto_async.session import Request
from tests._recorder import Recorder, Sent

COVERED = _coverage.covered_methods()
DOCUMENTED = {op.name: op for op in _coverage.documented_operations()}


def test_coverage_file_is_up_to_date() -> None:
    expected = _coverage.render()
    current = _coverage.COVERAGE_FILE.read_text(encoding="utf-8") if _coverage.COVERAGE_FILE.exists() else ""
    assert current == expected, f"docs/coverage.md is out of date; regenerate it with: {_coverage.COMMAND}"


def test_the_inventory_has_the_counts_of_qonto_api_md() -> None:
    # qonto-api.md §3.0: 125 distinct operations in the Postman export, 28 in table B, 9 in table C.
    tables = [op.table for op in DOCUMENTED.values()]
    assert (tables.count("A"), tables.count("B"), tables.count("C")) == (125, 28, 9)


def test_the_check_mode_passes() -> None:
    assert _coverage.main(["--check"]) == 0


@pytest.mark.parametrize("name", sorted(COVERED))
def test_every_mark_names_a_documented_operation(name: str) -> None:
    assert COVERED[name].name in DOCUMENTED, f"{name} is marked {COVERED[name].name}, which qonto-api.md §3 lacks"


# Sample arguments by parameter name, for the parameters a method requires (or, like transactions' account, needs).
_SAMPLES: dict[str, Any] = {
    "id": "sample-id",
    "transaction_id": "sample-transaction",
    "token": "sample-sca-token",
    "decision": "allow",
    "bank_account_id": "sample-account",
    "debit_iban": "FR7616958000010000000000001",
    "credit_iban": "FR7616958000010000000000002",
    "reference": "sample",
    "amount": Decimal("1.00"),
}


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


async def _built_request(name: str) -> Request[Any]:
    namespace, attribute = name.split(".")
    recorder = Recorder()
    resource = _coverage.resource_classes()[namespace](recorder)  # type: ignore[arg-type]
    method = getattr(resource, attribute)
    parameters = inspect.signature(method).parameters
    kwargs = {p: value for p, value in _SAMPLES.items() if p in parameters}
    result = method(**kwargs)
    pending = result.pages().__anext__() if isinstance(result, AsyncPaginator) else result
    with pytest.raises(Sent):
        await pending
    (request,) = recorder.sent
    return request


@pytest.mark.parametrize("name", sorted(COVERED))
async def test_the_request_sent_is_the_marked_operation(name: str) -> None:
    mark: Operation = COVERED[name]
    request = await _built_request(name)
    assert request.method == mark.method
    assert _template(mark.path).match(request.path), (request.path, mark.path)
    documented_query = _coverage.postman_query_names().get(mark.name)
    if documented_query is not None and DOCUMENTED[mark.name].table == "A":
        sent = {key for key, _ in request.params}
        assert sent <= documented_query, f"{name} sends {sent - documented_query}, not documented for {mark.name}"


# Every filter a list method takes, so that each parameter name it can send is checked against Qonto's data.
_FULL: dict[str, dict[str, Any]] = {
    "transactions.list": {
        "bank_account_id": "a",
        "status": ["pending"],
        "updated_at_from": "2026-01-01T00:00:00Z",
        "updated_at_to": "2026-01-02T00:00:00Z",
        "settled_at_from": "2026-01-01T00:00:00Z",
        "settled_at_to": "2026-01-02T00:00:00Z",
        "emitted_at_from": "2026-01-01T00:00:00Z",
        "emitted_at_to": "2026-01-02T00:00:00Z",
        "side": "debit",
        "operation_type": ["card"],
        "with_attachments": True,
        "includes": ["labels"],
        "sort_by": "settled_at:asc",
        "page": 1,
        "per_page": 10,
    },
    "statements.list": {
        "bank_account_ids": ["a"],
        "period_from": "2025-01-01",
        "period_to": "2025-02-01",
        "sort_by": "period:asc",
        "page": 1,
        "per_page": 10,
    },
    "labels.list": {"page": 1, "per_page": 10},
    "memberships.list": {"page": 1, "per_page": 10},
    "bank_accounts.list": {"page": 1, "per_page": 10},
}


@pytest.mark.parametrize("name", sorted(_FULL))
async def test_every_query_parameter_is_documented(name: str) -> None:
    namespace, attribute = name.split(".")
    recorder = Recorder()
    resource = _coverage.resource_classes()[namespace](recorder)  # type: ignore[arg-type]
    with pytest.raises(Sent):
        await getattr(resource, attribute)(**_FULL[name])
    (request,) = recorder.sent
    documented = _coverage.postman_query_names()[COVERED[name].name]
    sent = {key for key, _ in request.params}
    assert sent <= documented, f"{name} sends {sent - documented}, not documented"
