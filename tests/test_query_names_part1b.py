"""Every query parameter the batch-2 list methods can send is one Qonto's Postman export documents.

Postman writes an array parameter either Rails-style (``status[]``, the requests collection) or as its bare name
repeated once per example value (``iban``, ``status`` in the SEPA beneficiaries collection). The client sends
exactly the names the official collection uses: a server that reads bare keys would ignore ``iban[]``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qonto_async import _coverage
from tests._recorder import Recorder, Sent

COVERED = _coverage.covered_methods()


def _documented(name: str) -> set[str]:
    """The names ``name`` (``"GET /v2/..."``) may send: exactly Postman's."""
    folder = _coverage.data_dir() / "postman-collections"
    out: set[str] = set()
    for path in sorted(folder.glob("*.postman_collection.json")):
        for request in _coverage._requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
            url = request["request"]["url"]
            here = f"{request['request']['method']} /" + "/".join(_coverage._segment(s) for s in url["path"])
            if here != name:
                continue
            out.update(q["key"] for q in url.get("query", []))
    assert out, f"{name} has no documented query parameters"
    return out


_FULL: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "cards.list": (
        (),
        {
            "query": "travel",
            "holder_ids": ["h1", "h2"],
            "statuses": ["live", "paused"],
            "bank_account_ids": ["b1"],
            "card_levels": ["virtual", "flash"],
            "ids": ["c1"],
            "sort_by": "created_at:desc",
            "page": 1,
            "per_page": 10,
        },
    ),
    "teams.list": ((), {"page": 1, "per_page": 10}),
    "international.list_beneficiaries": ((), {"currency": "USD", "page": 1, "per_page": 10}),
    "international.list_currencies": ((), {"source": "EUR"}),
    "attachments.list_for_transaction": (("tx",), {"page": 1, "per_page": 10}),
    "beneficiaries.list": (
        (),
        {
            "ibans": ["FR761", "FR762"],
            "status": ["pending", "validated"],
            "trusted": True,
            "sort_by": "updated_at:desc",
            "page": 1,
            "per_page": 10,
        },
    ),
    "sepa_transfers.list": (
        (),
        {
            "status": ["pending", "settled"],
            "updated_at_from": "2026-01-01T00:00:00Z",
            "updated_at_to": "2026-01-02T00:00:00Z",
            "scheduled_date_from": "2026-01-01",
            "scheduled_date_to": "2026-02-01",
            "beneficiary_ids": ["b1", "b2"],
            "ids": ["t1", "t2"],
            "recurring_transfer_ids": ["r1"],
            "sort_by": "scheduled_date:asc",
            "page": 1,
            "per_page": 10,
        },
    ),
    "bulk_transfers.list": ((), {"page": 1, "per_page": 10}),
    "recurring_transfers.list": ((), {"page": 1, "per_page": 10}),
    "requests.list": (
        (),
        {
            "status": ["pending"],
            "request_type": ["transfer", "flash_card"],
            "created_at_from": "2026-01-01T00:00:00Z",
            "processed_at_from": "2026-01-01T00:00:00Z",
            "sort_by": "created_at:desc",
            "page": 1,
            "per_page": 10,
        },
    ),
}


@pytest.mark.parametrize("name", sorted(_FULL))
async def test_every_query_parameter_is_documented(name: str) -> None:
    namespace, attribute = name.split(".")
    recorder = Recorder()
    resource = _coverage.resource_classes()[namespace](recorder)  # type: ignore[arg-type]
    args, kwargs = _FULL[name]
    with pytest.raises(Sent):
        await getattr(resource, attribute)(*args, **kwargs)
    (request,) = recorder.sent
    sent = {key for key, _ in request.params}
    documented = _documented(COVERED[name].name)
    assert sent <= documented, f"{name} sends {sent - documented}, not documented"
    # Nothing is left unused: every filter the method takes reaches the wire.
    assert len(sent) == len(kwargs)


def test_the_repeated_bare_keys_are_the_beneficiary_arrays() -> None:
    assert _documented("GET /v2/sepa/beneficiaries") - {"trusted", "page", "per_page", "sort_by"} == {
        "iban",
        "status",
    }
