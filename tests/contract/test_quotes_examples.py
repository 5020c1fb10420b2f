"""Qonto's examples for quotes, products and the supplier-invoice bulk upload decode in strict mode (DESIGN §9).

Clients and supplier-invoice list/get have the ``{key, meta}`` shape and are checked by test_examples_decode.py
(``_data.OPERATIONS``). Here: quotes, which Qonto's examples answer **unwrapped** (the quote's fields at the top
level) and whose list ``meta`` says ``total`` instead of ``total_count``; the bulk result ``{supplier_invoices,
errors}`` (Postman and the three OpenAPI examples); products, whose only example is on docs.qonto.com (quoted below
with its address). Postman and OpenAPI examples are read from the files, never copied here.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
import yaml
from cattrs.errors import ClassValidationError

from qonto_async import _coverage
from qonto_async.models import (
    Money,
    PageMeta,
    Product,
    ProductLink,
    ProductType,
    Quote,
    SupplierInvoice,
    SupplierInvoiceBulkResult,
    SupplierInvoiceStatus,
)
from qonto_async.pagination import page_decoder
from qonto_async.resources.quotes import decode_quote
from qonto_async.resources.supplier_invoices import decode_bulk_result, normalise_bulk_result
from qonto_async.serde import decoder

from ._data import OPERATIONS, _postman_path, _postman_requests, data_dir, fill_placeholders

_STRICT_QUOTE = decoder(Quote, strict=True)


def _postman(collection: str) -> dict[str, list[tuple[str, Any]]]:
    """``"METHOD /path"`` -> [(example name, parsed 2xx body)] of one collection."""
    path = data_dir() / "postman-collections" / f"{collection}.postman_collection.json"
    out: dict[str, list[tuple[str, Any]]] = {}
    for request in _postman_requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
        name = f"{request['request']['method']} {_postman_path(request['request']['url'])}"
        for response in request.get("response", []):
            if 200 <= response["code"] < 300 and response["body"]:
                out.setdefault(name, []).append((response["name"], json.loads(response["body"])))
    return out


QUOTES = _postman("quotes")
SUPPLIER = _postman("supplier-invoices")
_SINGLE = ["GET /v2/quotes/{id}", "POST /v2/quotes", "PATCH /v2/quotes/{id}"]


@pytest.mark.parametrize("name", _SINGLE)
def test_quote_examples_decode_unwrapped(name: str) -> None:
    ((_, body),) = QUOTES[name]
    assert "id" in body
    assert "quote" not in body  # unwrapped: the reason decode_quote reads both forms
    filled = fill_placeholders(body, Quote)
    strict = _STRICT_QUOTE(filled)
    assert decode_quote(filled) == strict
    # Should Qonto wrap it some day like its other resources, nothing changes.
    assert decode_quote({"quote": filled}) == strict
    assert strict.items
    assert isinstance(strict.items[0].unit_price, Money)
    assert isinstance(strict.items[0].total_amount_cents, int)
    assert isinstance(strict.items[0].vat_rate, Decimal)


def test_quote_list_example_and_its_meta() -> None:
    ((_, body),) = QUOTES["GET /v2/quotes"]
    assert set(body) == {"quotes", "meta"}
    items = [_STRICT_QUOTE(fill_placeholders(item, Quote)) for item in body["quotes"]]
    assert len(items) == len(body["quotes"]) >= 1
    # The quotes list's meta says ``total`` where every other list says ``total_count``: strict decoding names
    # it, production decoding ignores it (the paginator only reads next_page).
    meta = fill_placeholders(body["meta"], PageMeta, "meta")
    assert set(meta) - {f.name for f in attrs.fields(PageMeta)} == {"total"}
    with pytest.raises(ClassValidationError):
        decoder(PageMeta, strict=True)(meta)
    page = page_decoder(Quote, key="quotes")(
        {"quotes": [fill_placeholders(q, Quote) for q in body["quotes"]], "meta": meta}
    )
    assert page.items == tuple(items)
    assert page.meta is not None
    assert page.meta.current_page == meta["current_page"]


def _unconst(value: Any) -> Any:
    # The Postman export writes `status` as its schema ({"const": "to_review", "description": ...}); see _data.py.
    if isinstance(value, dict) and set(value) == {"const", "description"}:
        return value["const"]
    if isinstance(value, dict):
        return {k: _unconst(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unconst(v) for v in value]
    return value


def _bulk_strict(body: Any) -> SupplierInvoiceBulkResult:
    return decoder(SupplierInvoiceBulkResult, strict=True)(normalise_bulk_result(body))


def test_postman_bulk_result_decodes() -> None:
    ((_, body),) = SUPPLIER["POST /v2/supplier_invoices/bulk"]
    assert set(body) == {"supplier_invoices", "errors"}
    filled = {
        "supplier_invoices": fill_placeholders(_unconst(body["supplier_invoices"]), tuple[SupplierInvoice, ...]),
        "errors": body["errors"],
    }
    strict = _bulk_strict(filled)
    assert decode_bulk_result(filled) == strict
    assert len(strict.supplier_invoices) == 2
    assert strict.supplier_invoices[0].status is SupplierInvoiceStatus.TO_REVIEW
    assert [e.source[0].pointer for e in strict.errors] == ["<string>", "<string>"]
    assert not strict.ok


def _openapi_bulk_examples() -> list[tuple[str, Any]]:
    document = yaml.safe_load((data_dir() / "openapi_v2.yml").read_text(encoding="utf-8"))
    content = document["paths"]["/v2/supplier_invoices/bulk"]["post"]["responses"]["200"]["content"]
    return [(name, example["value"]) for name, example in content["application/json"]["examples"].items()]


OPENAPI_BULK = _openapi_bulk_examples()


@pytest.mark.parametrize(("name", "body"), OPENAPI_BULK, ids=[n for n, _ in OPENAPI_BULK])
def test_openapi_bulk_examples_decode(name: str, body: Any) -> None:
    strict = _bulk_strict(body)
    assert decode_bulk_result(body) == strict
    assert len(strict.supplier_invoices) == len(body["supplier_invoices"])
    assert len(strict.errors) == len(body["errors"])
    for invoice in strict.supplier_invoices:
        assert invoice.total_amount == Money(value=Decimal("22.10"), currency="EUR")
        assert invoice.due_date == date(2022, 3, 1)
        assert invoice.deleted_at is None  # "" in the example (qonto-api.md §11)
        assert invoice.created_at is not None
        assert invoice.created_at.utcoffset() is not None
    if strict.errors:
        # source arrives as a list of pointers here; every error names the item by its idempotency key.
        assert set(strict.failed_keys) == {"abc-xyz"}
    # One example says "details" instead of "detail": read all the same.
    assert all(e.detail for e in strict.errors)


def test_openapi_bulk_examples_cover_the_three_cases() -> None:
    assert sorted(n for n, _ in OPENAPI_BULK) == [
        "when there are only errors",
        "when there are only successes",
        "when there is a mix of successes and errors",
    ]


# docs.qonto.com/api-reference/business-api/expense-management/products/create-a-product (stored copy, 2026): the
# only example of a product response (the Feb-2026 Postman export and the 2025 OpenAPI copy have none).
_PRODUCT_DOCS_EXAMPLE = {
    "product": {
        "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "title": "Web Development Service",
        "type": "service",
        "unit_price": {"value": "150.00", "currency": "EUR"},
        "vat_rate": "0.2",
        "organization_id": "f1e2d3c4-b5a6-7890-abcd-ef1234567890",
        "created_at": "2026-01-15T10:30:00Z",
        "updated_at": "2026-01-15T10:30:00Z",
        "description": "Full-stack web development service",
        "internal_note": "Preferred vendor for web projects",
        "unit": "hour",
        "vat_exemption_code": "N1",
        "links": [{"title": "Product page", "url": "https://www.example.com/product"}],
    }
}


def test_docs_product_example_decodes() -> None:
    strict = decoder(Product, key="product", strict=True)(_PRODUCT_DOCS_EXAMPLE)
    assert decoder(Product, key="product")(_PRODUCT_DOCS_EXAMPLE) == strict
    assert strict.type is ProductType.SERVICE
    assert strict.vat_rate == Decimal("0.2")  # a fraction (qonto-api.md §11)
    assert strict.unit_price == Money(value=Decimal("150.00"), currency="EUR")
    assert strict.links == (ProductLink(title="Product page", url="https://www.example.com/product"),)


def test_every_operation_of_the_groups_is_checked_somewhere() -> None:
    mine = {
        name
        for name, mark in _coverage.covered_methods().items()
        if name.split(".")[0] in ("clients", "quotes", "products", "supplier_invoices")
    }
    operations = {_coverage.covered_methods()[name].name for name in mine}
    in_operations = {op.name for op in OPERATIONS}
    here = {
        *_SINGLE,
        "GET /v2/quotes",
        "POST /v2/supplier_invoices/bulk",
        "POST /v2/products",
        "GET /v2/products",
        "GET /v2/products/{id}",
    }
    # 204s or no documented body: nothing to decode (their requests are checked by tests/test_coverage.py).
    bodiless = {
        "DELETE /v2/clients/{id}",
        "DELETE /v2/quotes/{id}",
        "POST /v2/quotes/{id}/send",
        "POST /v2/supplier_invoices/{id}/mark_as_paid",
        "POST /v2/supplier_invoices/{id}/unmark_as_paid",
    }
    assert operations - in_operations - here - bodiless == set()
    assert len(operations) == 5 + 6 + 3 + 5
