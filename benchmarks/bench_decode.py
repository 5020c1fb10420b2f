"""Decode a 100-transaction page: json.loads alone, serde.loads (JSON with Decimal numbers) + qonto_async, and pydantic v2 (DESIGN §7, §11).

    python benchmarks/bench_decode.py [--check] [--number N] [--repeat R]

The page is built from the ``GET /v2/transactions`` example of Qonto's Postman collection: every key of that
example, realistic values instead of its ``"<string>"`` placeholders, and one detail object per transaction (the one
its ``subject_type`` names) instead of all nine. It is measured twice: with the three ``includes[]`` (labels,
attachments, VAT details) and without them.

The pydantic reference model is generated from the attrs models, so it has the same fields and types: ``Decimal``,
aware ``datetime``, nested models, tuples, optionals, and ``Enum | str`` unions validated left to right (pydantic's
default "smart" mode would keep every enum value as a plain ``str``, skipping the work ours does). The script checks
that both decoders return the same values before timing them. pydantic is a benchmark-only dependency.

``--check`` exits with status 1 when serde.loads + qonto_async is slower than pydantic on any page.
"""

from __future__ import annotations

import argparse
import enum
import functools
import json
import operator
import os
import random
import sys
import timeit
import types
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import attrs  # noqa: E402
import pydantic  # noqa: E402

from qonto_async.models import Transaction  # noqa: E402
from qonto_async.serde import list_decoder, loads  # noqa: E402 (serde.loads: what the session parses with)

PAGE_SIZE = 100  # the per_page maximum (qonto-api.md §4)

# The nested object each subject type carries (OpenAPI `subject_type` description).
DETAIL_OBJECTS = {
    "transfer": "Transfer",
    "income": "Income",
    "direct_debit": "DirectDebit",
    "card": None,
    "qonto_fee": "BillingTransfer",
}
INCLUDES = ("labels", "attachments", "vat_details")


def postman_transaction() -> dict[str, Any]:
    """The first transaction of the saved 200 response of GET /v2/transactions in Qonto's Postman collection."""
    candidates = [
        *([Path(os.environ["QONTO_OPENAPI_DIR"])] if os.environ.get("QONTO_OPENAPI_DIR") else []),
        ROOT / "tests" / "contract" / "qonto-openapi",
        ROOT.parent / "shared" / "qonto-openapi",
    ]
    for folder in candidates:
        path = folder / "postman-collections" / "transactions.postman_collection.json"
        if path.is_file():
            break
    else:
        raise SystemExit(f"Qonto's Postman collections not found; set QONTO_OPENAPI_DIR (tried {candidates})")
    collection = json.loads(path.read_text(encoding="utf-8"))
    stack = list(collection["item"])
    while stack:
        item = stack.pop()
        stack.extend(item.get("item", []))
        request = item.get("request", {})
        if request.get("method") == "GET" and request.get("url", {}).get("path") == ["v2", "transactions"]:
            for response in item["response"]:
                if response["code"] == 200:
                    example: dict[str, Any] = json.loads(response["body"])["transactions"][0]
                    return example
    raise SystemExit("no 200 example for GET /v2/transactions in the Postman collection")


def build_page(*, includes: bool, seed: int = 20240506) -> bytes:
    rnd = random.Random(seed)
    shape = postman_transaction()
    detail_keys = {"transfer", "income", "swift_income", "direct_debit", "check", "financing_installment"}
    detail_keys |= {"pagopa_payment", "direct_debit_collection", "direct_debit_hold"}

    def uid() -> str:
        return str(uuid.UUID(int=rnd.getrandbits(128), version=4))

    def timestamp() -> str:
        return (
            f"2024-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}T{rnd.randrange(24):02d}:"
            f"{rnd.randrange(60):02d}:{rnd.randrange(60):02d}.{rnd.randrange(1000):03d}Z"
        )

    operation_types = list(DETAIL_OBJECTS)
    transactions = []
    for index in range(PAGE_SIZE):
        operation = operation_types[index % len(operation_types)]
        cents = rnd.randrange(1, 5_000_000)
        vat_cents = cents // 6
        settled = timestamp()
        values: dict[str, Any] = {
            "id": uid(),
            "transaction_id": f"pied-piper-7132-1-transaction-{index}",
            "amount": cents / 100,
            "amount_cents": cents,
            "settled_balance": rnd.randrange(1, 10**9) / 100,
            "settled_balance_cents": None,
            "attachment_ids": [uid()],
            "logo": {"small": "https://qonto.com/logos/small.png", "medium": "https://qonto.com/logos/medium.png"},
            "local_amount": cents / 100,
            "local_amount_cents": cents,
            "side": "credit" if operation == "income" else "debit",
            "operation_type": operation,
            "currency": "EUR",
            "local_currency": "EUR",
            "label": rnd.choice(["Stamm and Sons", "Ferry-Purdy", "Qonto", "Arcade Software Inc."]),
            "clean_counterparty_name": "Arcade Software",
            "settled_at": settled,
            "emitted_at": settled,
            "updated_at": settled,
            "status": "completed",
            "note": None if index % 3 else "Rhea Ernser",
            "reference": f"INV-{index:05d}",
            "vat_amount": vat_cents / 100 if index % 4 else None,
            "vat_amount_cents": vat_cents if index % 4 else None,
            "vat_rate": 20 if index % 4 else None,
            "initiator_id": uid(),
            "label_ids": [uid()],
            "attachment_lost": False,
            "attachment_required": True,
            "card_last_digits": "1234" if operation == "card" else None,
            "category": rnd.choice(["online_service", "gas_station", "subscription", "sales"]),
            "cashflow_category": {"name": "Others"},
            "cashflow_subcategory": {"name": "Tips"},
            "subject_type": DETAIL_OBJECTS[operation] or "Card",
            "bank_account_id": "e97d6e4b-8179-47ae-88e9-3e43b230251e",
            "is_external_transaction": False,
            "attachments": [
                {
                    "id": uid(),
                    "created_at": settled,
                    "file_name": "invoice.pdf",
                    "file_size": str(rnd.randrange(10_000, 900_000)),
                    "file_content_type": "application/pdf",
                    "url": f"https://qonto.s3.eu-central-1.amazonaws.com/attachments/{index}.pdf?X-Amz-Expires=1800",
                    "probative_attachment": {"status": "unavailable"},
                }
            ],
            "labels": [{"id": uid(), "name": "Durable Silk Table", "parent_id": None}],
            "vat_details": {
                "items": [
                    {
                        "amount": f"{vat_cents / 100:.2f}",
                        "amount_cents": str(vat_cents),
                        "amount_excluding_vat": f"{(cents - vat_cents) / 100:.2f}",
                        "amount_excluding_vat_cents": str(cents - vat_cents),
                        "rate": "20",
                    }
                ]
            },
        }
        values["settled_balance_cents"] = round(values["settled_balance"] * 100)
        if operation in ("transfer", "income", "direct_debit"):
            values[operation] = {
                "counterparty_account_number": "NL93RABO3730976796",
                "counterparty_account_number_format": "IBAN",
                "counterparty_bank_identifier": "RABO",
                "counterparty_bank_identifier_format": "SWIFT_BIC",
            }
        transaction = {}
        for key in shape:  # Qonto's key order; every key of its example
            if key in detail_keys and key not in values:
                continue
            if key in INCLUDES and not includes:
                continue
            transaction[key] = values[key]
        transactions.append(transaction)
    meta = {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 250,
        "per_page": 100,
    }
    return json.dumps({"transactions": transactions, "meta": meta}).encode()


# --- the pydantic reference -------------------------------------------------------------------------------------

_pydantic_models: dict[type, type[pydantic.BaseModel]] = {}


def _pydantic_type(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is types.UnionType or origin is typing.Union:
        members = typing.get_args(tp)
        union = functools.reduce(operator.or_, (_pydantic_type(m) for m in members))
        if any(isinstance(m, type) and issubclass(m, enum.Enum) for m in members):
            # Known value -> member, unknown -> str: the behaviour of the attrs models.
            return Annotated[union, pydantic.Field(union_mode="left_to_right")]
        return union
    if origin is tuple:
        item, ellipsis = typing.get_args(tp)
        return tuple[_pydantic_type(item), ellipsis]  # type: ignore[misc]
    if isinstance(tp, type) and attrs.has(tp):
        return pydantic_model(tp)
    return tp


def pydantic_model(cls: type) -> type[pydantic.BaseModel]:
    """A frozen pydantic model with the same fields, types and defaults as the attrs model ``cls``."""
    if cls not in _pydantic_models:
        fields: dict[str, Any] = {}
        for field in attrs.fields(attrs.resolve_types(cls)):
            tp = _pydantic_type(field.type)
            fields[field.name] = (tp, ...) if field.default is attrs.NOTHING else (tp, field.default)
        config = pydantic.ConfigDict(frozen=True, extra="ignore")
        _pydantic_models[cls] = pydantic.create_model(f"Pydantic{cls.__name__}", __config__=config, **fields)
    return _pydantic_models[cls]


def _same(ours: Any, theirs: Any, where: str) -> None:
    if attrs.has(type(ours)):
        for field in attrs.fields(type(ours)):
            _same(getattr(ours, field.name), getattr(theirs, field.name), f"{where}.{field.name}")
    elif isinstance(ours, tuple):
        assert len(ours) == len(theirs), where
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            _same(a, b, f"{where}[{index}]")
    else:
        assert type(ours) is type(theirs) or ours == theirs, f"{where}: {ours!r} != {theirs!r}"
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


# --- timing -----------------------------------------------------------------------------------------------------


def best_microseconds(fn: Callable[[], object], *, number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if qonto_async is slower than pydantic")
    parser.add_argument("--number", type=int, default=40, help="decodes per timing run (default 40)")
    parser.add_argument("--repeat", type=int, default=7, help="timing runs; the best one counts (default 7)")
    args = parser.parse_args(argv)

    ours = list_decoder(Transaction, key="transactions")
    items: Any = tuple[pydantic_model(Transaction), ...]  # type: ignore[misc]
    page_model = pydantic.create_model(
        "PydanticTransactionsPage",
        __config__=pydantic.ConfigDict(frozen=True, extra="ignore"),
        transactions=(items, ()),
    )
    reference: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(page_model)

    print(f"Python {sys.version.split()[0]}, pydantic {pydantic.VERSION}; best of {args.repeat} x {args.number}")
    header = f"{'page (100 transactions)':<28}{'KiB':>6}{'json.loads':>12}{'ours':>10}{'pydantic':>10}{'ours/pydantic':>15}"
    print(header)
    print("-" * len(header))
    slower = False
    for label, includes in (("with includes[] (3)", True), ("without includes[]", False)):
        page = build_page(includes=includes)
        decoded = ours(loads(page))
        validated = reference.validate_json(page).transactions
        _same(decoded, validated, "transactions")

        def json_only(page: bytes = page) -> object:
            return json.loads(page)

        def qonto_async(page: bytes = page) -> object:
            return ours(loads(page))

        def pydantic_v2(page: bytes = page) -> object:
            return reference.validate_json(page)

        plain, mine, theirs = (
            best_microseconds(fn, number=args.number, repeat=args.repeat)
            for fn in (json_only, qonto_async, pydantic_v2)
        )
        ratio = mine / theirs
        slower |= ratio > 1
        print(f"{label:<28}{len(page) / 1024:>6.0f}{plain:>10.0f}µs{mine:>8.0f}µs{theirs:>8.0f}µs{ratio:>15.2f}")
    if args.check and slower:
        print("FAIL: serde.loads + qonto_async is slower than pydantic (DESIGN §7)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
