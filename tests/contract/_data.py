"""Qonto's saved example responses, read from its Postman collections and OpenAPI document.

The files are Qonto's own (see ``SOURCE.md`` next to them). They are looked up in ``$QONTO_OPENAPI_DIR``, then in a
copy at ``tests/contract/qonto-openapi/``, then in the workspace's ``shared/qonto-openapi/``. A missing folder is an
error, never a silent skip: the contract tests exist to run against these files.

Two kinds of example carry type placeholders instead of data, and are filled in by :func:`fill_placeholders`:

- Every Postman example body is generated from the schema: ``"<string>"``, ``"<float>"``, ``"<dateTime>"``...
- The OpenAPI ``Example 1`` of ``GET /v2/transactions`` is generated the same way by Stoplight: each string is the
  literal ``"string"``, and ``amount``/``local_amount`` repeat the schema's own field example ``'10,00'``, a French
  decimal comma that no JSON number can hold (the operation's other example sends ``amount: 0.43``).
"""

from __future__ import annotations

import enum
import json
import os
import re
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import yaml

from qonto_async.models import (
    ApprovalRequest,
    Attachment,
    BankAccount,
    BulkTransfer,
    Client,
    ClientInvoice,
    CreditNote,
    InternalTransfer,
    InternationalBeneficiary,
    InternationalCurrency,
    InternationalQuote,
    InternationalTransfer,
    Label,
    Membership,
    Organization,
    PageMeta,
    PaymentLink,
    PaymentLinkMethodAvailability,
    SepaBeneficiary,
    SepaRecurringTransfer,
    SepaTransfer,
    Statement,
    SupplierInvoice,
    Transaction,
    WebhookSubscription,
)

_REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    candidates = [
        *([Path(os.environ["QONTO_OPENAPI_DIR"])] if os.environ.get("QONTO_OPENAPI_DIR") else []),
        _REPO / "tests" / "contract" / "qonto-openapi",
        _REPO.parent / "shared" / "qonto-openapi",
    ]
    for candidate in candidates:
        if (candidate / "openapi_v2.yml").is_file() and (candidate / "postman-collections").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"Qonto's OpenAPI document and Postman collections were not found (tried: {tried})")


@attrs.frozen(kw_only=True)
class Operation:
    """A documented operation and how its 2xx body decodes."""

    method: str
    path: str
    model: type[Any]
    key: str
    is_list: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


OPERATIONS: tuple[Operation, ...] = (
    Operation(method="GET", path="/v2/organization", model=Organization, key="organization", is_list=False),
    Operation(method="GET", path="/v2/bank_accounts", model=BankAccount, key="bank_accounts", is_list=True),
    Operation(method="GET", path="/v2/bank_accounts/{id}", model=BankAccount, key="bank_account", is_list=False),
    Operation(method="GET", path="/v2/transactions", model=Transaction, key="transactions", is_list=True),
    Operation(method="GET", path="/v2/transactions/{id}", model=Transaction, key="transaction", is_list=False),
    Operation(method="GET", path="/v2/labels", model=Label, key="labels", is_list=True),
    Operation(method="GET", path="/v2/labels/{id}", model=Label, key="label", is_list=False),
    Operation(method="GET", path="/v2/memberships", model=Membership, key="memberships", is_list=True),
    Operation(method="GET", path="/v2/membership", model=Membership, key="membership", is_list=False),
    Operation(
        method="POST",
        path="/v2/internal_transfers",
        model=InternalTransfer,
        key="internal_transfer",
        is_list=False,
    ),
    Operation(method="GET", path="/v2/attachments/{id}", model=Attachment, key="attachment", is_list=False),
    Operation(method="GET", path="/v2/statements", model=Statement, key="statements", is_list=True),
    Operation(method="GET", path="/v2/statements/{id}", model=Statement, key="statement", is_list=False),
    Operation(
        method="GET", path="/v2/transactions/{id}/attachments", model=Attachment, key="attachments", is_list=True
    ),
    Operation(
        method="GET", path="/v2/sepa/beneficiaries", model=SepaBeneficiary, key="beneficiaries", is_list=True
    ),
    Operation(
        method="GET", path="/v2/sepa/beneficiaries/{id}", model=SepaBeneficiary, key="beneficiary", is_list=False
    ),
    Operation(method="GET", path="/v2/requests", model=ApprovalRequest, key="requests", is_list=True),
    # SEPA transfers whose examples have the {key, meta} shape; the others (the unwrapped created bulk, VoP, 204s,
    # the proof PDF) are checked in test_sepa_transfers_examples.py.
    Operation(method="GET", path="/v2/sepa/transfers", model=SepaTransfer, key="transfers", is_list=True),
    Operation(method="GET", path="/v2/sepa/transfers/{id}", model=SepaTransfer, key="transfer", is_list=False),
    Operation(method="POST", path="/v2/sepa/transfers", model=SepaTransfer, key="transfer", is_list=False),
    Operation(
        method="GET", path="/v2/sepa/bulk_transfers", model=BulkTransfer, key="bulk_transfers", is_list=True
    ),
    Operation(
        method="GET", path="/v2/sepa/bulk_transfers/{id}", model=BulkTransfer, key="bulk_transfer", is_list=False
    ),
    Operation(
        method="GET",
        path="/v2/sepa/recurring_transfers",
        model=SepaRecurringTransfer,
        key="recurring_transfers",
        is_list=True,
    ),
    Operation(
        method="GET",
        path="/v2/sepa/recurring_transfers/{id}",
        model=SepaRecurringTransfer,
        key="recurring_transfer",
        is_list=False,
    ),
    Operation(
        method="POST",
        path="/v2/sepa/recurring_transfers",
        model=SepaRecurringTransfer,
        key="recurring_transfer",
        is_list=False,
    ),
)

# International transfers whose examples have the {key, meta} shape; the others (the unwrapped eligibility, the
# beneficiary create/update result, the bodiless delete, the requirements forms) are checked in
# test_international_examples.py.
OPERATIONS += (
    Operation(
        method="GET",
        path="/v2/international/currencies",
        model=InternationalCurrency,
        key="currencies",
        is_list=True,
    ),
    Operation(
        method="POST", path="/v2/international/quotes", model=InternationalQuote, key="quote", is_list=False
    ),
    Operation(
        method="GET",
        path="/v2/international/beneficiaries",
        model=InternationalBeneficiary,
        key="beneficiaries",
        is_list=True,
    ),
    Operation(
        method="POST",
        path="/v2/international/transfers",
        model=InternationalTransfer,
        key="transfer",
        is_list=False,
    ),
)

# Requests and SEPA-beneficiary writes whose examples have the {key} shape. Card requests and approve/decline
# (their OpenAPI examples sit inside the schema; approve/decline wrap the request under a key named after its
# type), cash-flow categories, user organizations and the legacy checkout are checked in test_misc_examples.py.
OPERATIONS += (
    Operation(
        method="POST",
        path="/v2/requests/multi_transfers",
        model=ApprovalRequest,
        key="request_multi_transfer",
        is_list=False,
    ),
    Operation(
        method="POST", path="/v2/sepa/beneficiaries", model=SepaBeneficiary, key="beneficiary", is_list=False
    ),
    Operation(
        method="PATCH", path="/v2/sepa/beneficiaries/{id}", model=SepaBeneficiary, key="beneficiary", is_list=False
    ),
    Operation(
        method="PATCH",
        path="/v2/sepa/beneficiaries/trust",
        model=SepaBeneficiary,
        key="beneficiaries",
        is_list=True,
    ),
    Operation(
        method="PATCH",
        path="/v2/sepa/beneficiaries/untrust",
        model=SepaBeneficiary,
        key="beneficiaries",
        is_list=True,
    ),
)

# Uploads and business account writes: their saved 200s have the {key} shape (the bodiless transaction upload and
# deletes have no example body to decode).
OPERATIONS += (
    Operation(method="POST", path="/v2/attachments", model=Attachment, key="attachment", is_list=False),
    Operation(method="POST", path="/v2/bank_accounts", model=BankAccount, key="bank_account", is_list=False),
    Operation(method="PATCH", path="/v2/bank_accounts/{id}", model=BankAccount, key="bank_account", is_list=False),
    Operation(
        method="POST", path="/v2/bank_accounts/{id}/close", model=BankAccount, key="bank_account", is_list=False
    ),
)

# Webhook subscriptions: the list has the {key, meta} shape; the unwrapped single-subscription bodies are checked
# in tests/webhooks/test_contract.py.
OPERATIONS += (
    Operation(
        method="GET",
        path="/v2/webhook_subscriptions",
        model=WebhookSubscription,
        key="subscriptions",
        is_list=True,
    ),
)

# Client invoices and credit notes with the {key, meta} shape (the 204s have no body; the unwrapped e-invoicing
# settings, the bulk import and the uploads are checked in test_client_invoices_examples.py).
_INVOICE = "/v2/client_invoices/{id}"
OPERATIONS += (
    Operation(method="GET", path="/v2/client_invoices", model=ClientInvoice, key="client_invoices", is_list=True),
    Operation(method="POST", path="/v2/client_invoices", model=ClientInvoice, key="client_invoice", is_list=False),
    Operation(method="GET", path=_INVOICE, model=ClientInvoice, key="client_invoice", is_list=False),
    Operation(method="PATCH", path=_INVOICE, model=ClientInvoice, key="client_invoice", is_list=False),
    *(
        Operation(
            method="POST", path=f"{_INVOICE}/{action}", model=ClientInvoice, key="client_invoice", is_list=False
        )
        for action in ("finalize", "mark_as_canceled", "unmark_as_paid", "mark_as_paid")
    ),
    Operation(method="GET", path="/v2/credit_notes", model=CreditNote, key="credit_notes", is_list=True),
    Operation(method="GET", path="/v2/credit_notes/{id}", model=CreditNote, key="credit_note", is_list=False),
)

# Payment links whose examples have the {key} or {key, meta} shape; the unwrapped GET/deactivate/connection bodies
# and the payments list (its `paid_at` placeholder is "<null,string-date-time>") are checked in
# test_payments_examples.py.
OPERATIONS += (
    Operation(method="GET", path="/v2/payment_links", model=PaymentLink, key="payment_links", is_list=True),
    Operation(method="POST", path="/v2/payment_links", model=PaymentLink, key="payment_link", is_list=False),
    Operation(
        method="GET",
        path="/v2/payment_links/payment_methods",
        model=PaymentLinkMethodAvailability,
        key="payment_link_payment_methods",
        is_list=True,
    ),
)

# Clients and supplier invoices with the {key, meta} shape. Quotes (answered unwrapped), products (docs.qonto.com
# only), the supplier-invoice bulk result ({supplier_invoices, errors}) and the 204s are checked in
# test_quotes_examples.py.
OPERATIONS += (
    Operation(method="GET", path="/v2/clients", model=Client, key="clients", is_list=True),
    Operation(method="POST", path="/v2/clients", model=Client, key="client", is_list=False),
    Operation(method="GET", path="/v2/clients/{id}", model=Client, key="client", is_list=False),
    Operation(method="PATCH", path="/v2/clients/{id}", model=Client, key="client", is_list=False),
    Operation(
        method="GET", path="/v2/supplier_invoices", model=SupplierInvoice, key="supplier_invoices", is_list=True
    ),
    Operation(
        method="GET",
        path="/v2/supplier_invoices/{id}",
        model=SupplierInvoice,
        key="supplier_invoice",
        is_list=False,
    ),
)

# The collections holding the operations above (one file per group in Qonto's export).
POSTMAN_COLLECTIONS = (
    "organizations",
    "clients",
    "supplier-invoices",
    "business-accounts",
    "transactions",
    "labels",
    "memberships",
    "internal-transfers",
    "attachments",
    "statements",
    "sepa-transfers",
    "requests",
    "international-transfers",
    "webhooks",
    "client-invoices",
    "credit-notes",
    "payment-links",
)


@attrs.frozen(kw_only=True)
class Example:
    id: str
    source: str
    operation: Operation | None
    # The model an item-level example (not a whole response body) decodes into.
    item_model: type[Any] | None = None
    body: Any
    placeholders: bool


def _operation(method: str, path: str) -> Operation | None:
    for op in OPERATIONS:
        if op.method == method and op.path == path:
            return op
    return None


def _postman_path(url: dict[str, Any]) -> str:
    # Postman writes path variables as ":id"; the OpenAPI document writes "{id}".
    return "/" + "/".join(f"{{{seg[1:]}}}" if seg.startswith(":") else seg for seg in url["path"])


def _postman_requests(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        if "item" in item:
            yield from _postman_requests(item["item"])
        else:
            yield item


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def postman_examples() -> list[Example]:
    out = []
    for collection in POSTMAN_COLLECTIONS:
        path = data_dir() / "postman-collections" / f"{collection}.postman_collection.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        for request in _postman_requests(document["item"]):
            op = _operation(request["request"]["method"], _postman_path(request["request"]["url"]))
            if op is None:
                continue
            for response in request.get("response", []):
                if not 200 <= response["code"] < 300:
                    continue
                # Every saved body of these operations is valid JSON; a broken one would fail loudly here.
                body = json.loads(response["body"])
                out.append(
                    Example(
                        id=f"postman {op.name} [{response['code']} {_short(response['name'])}]",
                        source=f"{path.name}: {request['name']} / {response['name']}",
                        operation=op,
                        body=body,
                        placeholders=True,
                    )
                )
    return out


def _load_openapi() -> dict[str, Any]:
    text = (data_dir() / "openapi_v2.yml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def _stoplight_generated(body: Any) -> bool:
    return any(value == "string" for value in _scalars(body))


def _scalars(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    else:
        yield value


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _as_postman_placeholders(value: Any) -> Any:
    """Turn Stoplight's generated values ("string", "10,00") into the placeholder tokens Postman uses."""
    if isinstance(value, dict):
        return {k: _as_postman_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_postman_placeholders(v) for v in value]
    if value == "string":
        return "<string>"
    if isinstance(value, str) and _DECIMAL_COMMA.match(value):
        return "<float>"
    return value


def openapi_examples() -> list[Example]:
    document = _load_openapi()
    out = []
    for op in OPERATIONS:
        responses = document["paths"].get(op.path, {}).get(op.method.lower(), {}).get("responses", {})
        for code, response in responses.items():
            if not 200 <= int(code) < 300:
                continue
            content = response.get("content", {}).get("application/json", {})
            found: list[tuple[str, Any]] = []
            if "example" in content:
                found.append(("example", content["example"]))
            for name, named in content.get("examples", {}).items():
                found.append((f"examples: {name}", named["value"]))
            for label, body in found:
                generated = _stoplight_generated(body)
                out.append(
                    Example(
                        id=f"openapi {op.name} [{code} {label}]",
                        source=f"openapi_v2.yml paths.{op.path}.{op.method.lower()}.responses.{code} {label}",
                        operation=op,
                        body=_as_postman_placeholders(body) if generated else body,
                        placeholders=generated,
                    )
                )
    # The Transaction schema, which both transaction operations return, carries its own item-level examples.
    schema = document["components"]["schemas"]["Transaction"]
    for name, body in schema.get("x-examples", {}).items():
        out.append(
            Example(
                id=f"openapi Transaction schema [x-examples: {name}]",
                source=f"openapi_v2.yml components.schemas.Transaction.x-examples.{name}",
                operation=None,
                item_model=Transaction,
                body=body,
                placeholders=_stoplight_generated(body),
            )
        )
    return out


def all_examples() -> list[Example]:
    return postman_examples() + openapi_examples()


# --- Known defects ----------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Defect:
    """A flaw in one of Qonto's examples, repaired explicitly so that the rest of the example is still checked."""

    reason: str
    repair: typing.Callable[[Any], Any]


def _give_bank_accounts_ids(body: Any) -> Any:
    accounts = [
        {"id": f"bank-account-{index}", **account} if "id" not in account else account
        for index, account in enumerate(body["organization"]["bank_accounts"])
    ]
    return {**body, "organization": {**body["organization"], "bank_accounts": accounts}}


def _is_schema_fragment(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"nullable", "description"}


def _null_schema_fragments(value: Any) -> Any:
    if _is_schema_fragment(value):
        return None
    if isinstance(value, dict):
        return {k: _null_schema_fragments(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_schema_fragments(v) for v in value]
    return value


def _schema_fragments_then_placeholders(method: str, path: str) -> typing.Callable[[Any], Any]:
    def repair(body: Any) -> Any:
        op = _operation(method, path)
        assert op is not None
        return fill_body(op, _null_schema_fragments(body))

    return repair


_SCHEMA_FRAGMENT = (
    "Postman's generator wrote the schema of a nullable field ({'nullable': true, 'description': ...}) where a "
    "value belongs (`parent_id`, `meta.next_page`); the OpenAPI examples of the same operation send null or a "
    "string, so the fragment is read as null"
)


def _const_fragments_then_placeholders(method: str, path: str) -> typing.Callable[[Any], Any]:
    def unconst(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"const", "description"}:
            return value["const"]
        if isinstance(value, dict):
            return {k: unconst(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unconst(v) for v in value]
        return value

    def repair(body: Any) -> Any:
        op = _operation(method, path)
        assert op is not None
        return fill_body(op, unconst(body))

    return repair


_CONST_FRAGMENT = (
    "Postman's generator wrote the schema of `status` ({'const': 'to_review', 'description': ...}) where a value "
    "belongs; the OpenAPI schema and examples send the plain string, so the fragment is read as its const"
)

DEFECTS: dict[str, Defect] = {
    "postman GET /v2/supplier_invoices [200 returns an array of supplier invoices]": Defect(
        reason=_CONST_FRAGMENT, repair=_const_fragments_then_placeholders("GET", "/v2/supplier_invoices")
    ),
    "postman GET /v2/supplier_invoices/{id} [200 Returns the supplier invoice identified by the `id` path ...]": Defect(
        reason=_CONST_FRAGMENT, repair=_const_fragments_then_placeholders("GET", "/v2/supplier_invoices/{id}")
    ),
    "postman GET /v2/labels [200 Returns the list of labels for the authenticated organiza...]": Defect(
        reason=_SCHEMA_FRAGMENT, repair=_schema_fragments_then_placeholders("GET", "/v2/labels")
    ),
    "postman GET /v2/labels/{id} [200 Returns the label identified by the `id` path parameter.]": Defect(
        reason=_SCHEMA_FRAGMENT, repair=_schema_fragments_then_placeholders("GET", "/v2/labels/{id}")
    ),
    "openapi GET /v2/organization [200 example]": Defect(
        reason=(
            "this older example lists a bank account without `id`; the operation's two other examples, every "
            "business-account example and the role table of GET /v2/bank_accounts (id is visible to every member) "
            "all have it, and GET /v2/transactions needs it, so the model keeps `id` required"
        ),
        repair=_give_bank_accounts_ids,
    ),
}


# --- Placeholders -----------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"^<([A-Za-z]+)>$")

# Which placeholder may stand where. Qonto's Postman export types timestamps, digit strings and decimal strings as
# "<string>" when the OpenAPI type is string (e.g. `updated_at`, vat_details' `amount_cents`, `file_size`).
_ACCEPTS: dict[str, tuple[Any, ...]] = {
    "string": (str, datetime, date, Decimal, int, enum.Enum),
    "uuid": (str,),
    "email": (str,),
    "uri": (str,),
    "long": (int,),
    "dateTime": (datetime,),
    "date": (date,),
    "integer": (int, Decimal),
    "number": (Decimal,),
    "float": (Decimal,),
    "double": (Decimal,),
    "boolean": (bool,),
}

_SAMPLE_DATETIME = "2024-05-06T07:08:09.123Z"


def _kind(tp: Any) -> Any:
    """The target type with ``None`` removed; ``Enum | str`` unions become the enum class."""
    origin = typing.get_origin(tp)
    if origin is types.UnionType or origin is typing.Union:
        rest = [a for a in typing.get_args(tp) if a is not type(None)]
        enums = [a for a in rest if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums:
            return enums[0]
        return rest[0] if len(rest) == 1 else tp
    return tp


def _sample(token: str, kind: Any, where: str) -> Any:
    accepted = _ACCEPTS.get(token)
    if accepted is None:
        raise AssertionError(f"{where}: unknown placeholder <{token}>")
    target = kind if isinstance(kind, type) else None
    if target is None or not any(issubclass(target, a) for a in accepted):
        raise AssertionError(f"{where}: Qonto declares <{token}> but the model says {kind!r}")
    as_string = token == "string"
    if issubclass(target, enum.Enum):
        return next(iter(target)).value
    if target is bool:
        return True
    if target is int:
        return "42" if as_string else 42
    if target is Decimal:
        return "12.34" if as_string else 42 if token == "integer" else 12.34
    if target is datetime:
        return _SAMPLE_DATETIME
    if target is date:
        return _SAMPLE_DATETIME[:10]
    if token == "uuid":
        return "018f71db-c635-78b5-b90a-ea05de98c2bf"
    return f"sample {where}"


def fill_placeholders(value: Any, tp: Any, where: str = "$") -> Any:
    """Replace each placeholder with a sample of the model's type, after checking that the two types agree.

    Keys the model lacks are kept untouched, so that the strict decode reports them.
    """
    kind = _kind(tp)
    if isinstance(value, dict) and isinstance(kind, type) and attrs.has(kind):
        fields = attrs.fields_dict(attrs.resolve_types(kind))
        return {
            key: fill_placeholders(item, fields[key].type, f"{where}.{key}") if key in fields else item
            for key, item in value.items()
        }
    if isinstance(value, list) and typing.get_origin(kind) is tuple:
        item_type = typing.get_args(kind)[0]
        return [fill_placeholders(item, item_type, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)):
        return _sample(match.group(1), kind, where)
    return value


def fill_body(op: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """:func:`fill_placeholders` for a whole response body: the items (or item) under ``op.key``, and ``meta``."""
    item_type: Any = tuple[op.model, ...] if op.is_list else op.model  # type: ignore[name-defined]
    filled = dict(body)
    if op.key in body:
        filled[op.key] = fill_placeholders(body[op.key], item_type, op.key)
    if "meta" in body:
        filled["meta"] = fill_placeholders(body["meta"], PageMeta, "meta")
    return filled
