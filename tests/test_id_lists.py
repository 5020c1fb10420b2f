"""Id lists in request bodies: a list of ids, never one bare string or a non-iterable (a typed error, nothing sent)."""

from __future__ import annotations

from typing import Any

import pytest

from qonto_async import ConfigurationError
from qonto_async.errors import QontoTimeoutError, ScaDenied
from qonto_async.resources._base import id_list
from qonto_async.resources.international import InternationalResource
from qonto_async.resources.legacy import LegacyResource
from qonto_async.resources.sepa_transfers import proof_token_from_error
from tests._recorder import Recorder

BAD: list[Any] = [5, 1.5, True, b"ab", {"a": 1}, "one-id", [""], [" x"], [None], [3]]


@pytest.mark.parametrize("value", BAD, ids=repr)
def test_id_list_refuses(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="attachment_ids"):
        id_list("attachment_ids", value)


def test_id_list_accepts_any_iterable_of_ids() -> None:
    assert id_list("ids", ("a", "b")) == ["a", "b"]
    assert id_list("ids", (x for x in ["c"])) == ["c"]
    assert id_list("ids", []) == []


@pytest.mark.parametrize("value", BAD, ids=repr)
async def test_international_transfer_attachment_ids(value: Any) -> None:
    resource = InternationalResource(Recorder())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        await resource.create_transfer(
            beneficiary_id="b",
            quote_id="q",
            target_account_id="t",
            attachment_ids=value,
        )


@pytest.mark.parametrize("value", [v for v in BAD if v != []], ids=repr)
async def test_legacy_external_transfer_attachment_ids(value: Any, recwarn: pytest.WarningsRecorder) -> None:
    resource = LegacyResource(Recorder())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        await resource.create_external_transfer(
            beneficiary_id="b", debit_iban="FR76", amount="1.00", reference="r", attachment_ids=value
        )


@pytest.mark.parametrize(
    "error", [QontoTimeoutError("slow", method="GET", url="https://x"), ScaDenied("no"), ValueError("x")], ids=repr
)
def test_proof_token_from_error_is_none_for_errors_without_a_body(error: BaseException) -> None:
    assert proof_token_from_error(error) is None
