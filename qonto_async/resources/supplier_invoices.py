"""``qonto.supplier_invoices``: bills received by the organization: list, get, bulk upload, mark and unmark as paid
(qonto-api.md §3.1 rows 115-117, §3.2 B23-B24, §12)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.files import UploadFile, check_upload_sizes
from qonto_async.models.supplier_invoices import (
    SupplierInvoice,
    SupplierInvoiceBulkResult,
    SupplierInvoiceStatus,
    SupplierInvoiceUpload,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    date_param,
    one_value,
    operation,
    path_id,
    string_list,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(SupplierInvoice, key="supplier_invoices")
_ONE = decoder(SupplierInvoice, key="supplier_invoice")
_RESULT = decoder(SupplierInvoiceBulkResult)
_STATUSES: Final = tuple(s.value for s in SupplierInvoiceStatus)
# Postman (List supplier invoices), filter[payable_amount]: "operators lte/gte and currency", as lte:100.00:EUR.
_PAYABLE_AMOUNT: Final = re.compile(r"^(lte|gte):\d+(\.\d{1,2})?:[A-Z]{3}$", re.ASCII)

# docs.qonto.com (Create supplier invoices; OpenAPI description of POST /v2/supplier_invoices/bulk): "Total size of
# the request cannot exceed 15MB". Decimal megabytes, multipart framing included (files.check_upload_sizes).
MAX_REQUEST_BYTES: Final = 15_000_000
# docs.qonto.com guide "How to bulk upload supplier invoices" (get-started/business-api/use-cases/
# bulk-upload-supplier-invoices): "Maximum 20 invoices per request", and "A PDF invoice file ready to upload (max
# 10 MB)". Qonto's OpenAPI has a 400 example "Limit of 5 invoices reached" (code limit_reached) that disagrees: an
# example, not a stated rule, so the guide's figure is used; a lower limit at Qonto still comes back as that 400.
MAX_ITEMS: Final = 20
MAX_FILE_BYTES: Final = 10_000_000
_SOURCES: Final = (
    "pay_by_invoice",
    "supplier_invoices",
    "integration",
    "transaction_attachment",
    "generic_upload",
)
_FILE_FIELD: Final = "supplier_invoices[][file]"
_KEY_FIELD: Final = "supplier_invoices[][idempotency_key]"


def decode_bulk_result(body: Any) -> SupplierInvoiceBulkResult:
    """The bulk upload's 200 body, read with :func:`normalise_bulk_result`."""
    return _RESULT(normalise_bulk_result(body))


def normalise_bulk_result(body: Any) -> Any:
    """Qonto's examples disagree on the shape of a failed item (``source`` as one object or a list of them,
    ``detail`` or ``details``): both become the list and ``detail`` the model reads."""
    if isinstance(body, Mapping) and isinstance(body.get("errors"), list):
        errors = []
        for error in body["errors"]:
            if isinstance(error, Mapping):
                error = dict(error)
                if "details" in error and "detail" not in error:
                    error["detail"] = error.pop("details")
                if isinstance(error.get("source"), Mapping):
                    error["source"] = [error["source"]]
            errors.append(error)
        body = {**body, "errors": errors}
    return body


def _bool(name: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, got {value!r}.")


def _ids(name: str, values: object) -> list[str]:
    """One id or a list of them (each without surrounding whitespace)."""
    return [check_id(name, value) for value in string_list(name, values)]


def _payable_amount(value: object) -> str:
    """Postman: "payable amount with operators lte/gte and currency", e.g. ``lte:100.00:EUR``."""
    match = _PAYABLE_AMOUNT.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigurationError(
            "payable_amount is 'lte:AMOUNT:CURRENCY' or 'gte:AMOUNT:CURRENCY' (e.g. 'lte:100.00:EUR'), "
            f"got {value!r}."
        )
    return str(value)


def _filters(
    *,
    status: Iterable[str] | str | None,
    created_at_from: datetime | str | None,
    created_at_to: datetime | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
    issue_date_from: date | str | None,
    document_type: Iterable[str] | str | None,
    due_date: Iterable[str] | str | None,
    payment_date: str | None,
    issue_date: str | None,
    attachment_id: Iterable[str] | str | None,
    approver_id: Iterable[str] | str | None,
    payable_amount: str | None,
    missing_data: bool | None,
    matched_transactions: bool | None,
    exclude_credit_notes: bool | None,
    query: str | None,
    query_fields: str | None,
    sort_by: str | None,
) -> Params:
    # The names are exactly those of Postman's "List supplier invoices". filter[status] and filter[due_date] are
    # documented only as bare keys that "if provided multiple times, will be parsed as an array": repeated.
    # filter[document_type], filter[attachment_id] and filter[approver_id] have a documented array form, "[]".
    params = Params().add_repeated("filter[status]", status, choices=_STATUSES)
    params.add_repeated("filter[due_date]", due_date)
    params.add_list(
        "filter[attachment_id]", None if attachment_id is None else _ids("attachment_id", attachment_id)
    )
    params.add_datetime("filter[created_at_from]", created_at_from)
    params.add_datetime("filter[created_at_to]", created_at_to)
    params.add_datetime("filter[updated_at_from]", updated_at_from)
    params.add_datetime("filter[updated_at_to]", updated_at_to)
    if payment_date is not None:
        params.add("filter[payment_date]", one_value("payment_date", payment_date))
    if issue_date is not None:
        params.add("filter[issue_date]", one_value("issue_date", issue_date))
    if issue_date_from is not None:
        params.add("filter[issue_date_from]", date_param("issue_date_from", issue_date_from))
    params.add_list("filter[document_type]", document_type)
    params.add_list("filter[approver_id]", None if approver_id is None else _ids("approver_id", approver_id))
    if payable_amount is not None:
        params.add("filter[payable_amount]", _payable_amount(payable_amount))
    params.add_bool("filter[missing_data]", missing_data)
    params.add_bool("filter[matched_transactions]", matched_transactions)
    params.add_bool("filter[exclude_credit_notes]", exclude_credit_notes)
    if query_fields is not None and query is None:
        raise ConfigurationError("query_fields only narrows a full-text query: pass query too.")
    params.add("query", query).add("query_fields", query_fields)
    if sort_by is not None and (not isinstance(sort_by, str) or ":" not in sort_by):
        raise ConfigurationError(
            f"sort_by is 'field:asc' or 'field:desc' (e.g. 'created_at:desc'), got {sort_by!r}."
        )
    return params.add("sort_by", sort_by)


async def _item(index: int, value: object) -> SupplierInvoiceUpload:
    if isinstance(value, SupplierInvoiceUpload):
        return value
    if isinstance(value, UploadFile):
        return SupplierInvoiceUpload(file=value)
    if isinstance(value, str | os.PathLike):
        # Read (and checked) off the event loop: a file on a slow disk must not stall other requests.
        return SupplierInvoiceUpload(file=await asyncio.to_thread(UploadFile.from_path, value))
    raise ConfigurationError(
        f"files[{index}] must be a SupplierInvoiceUpload, an UploadFile or a path, got {type(value).__name__}."
    )


def check_bulk(items: list[SupplierInvoiceUpload]) -> None:
    """The limits Qonto documents for one bulk request, checked before anything is sent (qonto-api.md §12)."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ConfigurationError(f"a bulk upload takes 1 to {MAX_ITEMS} files, got {len(items)}; split the batch.")
    keys = [item.idempotency_key for item in items]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ConfigurationError(
            f"each file needs its own idempotency_key; repeated: {', '.join(repeated)} (Qonto would create only "
            "one invoice per key)."
        )
    check_upload_sizes(
        [item.file for item in items],
        max_file_bytes=MAX_FILE_BYTES,
        max_request_bytes=MAX_REQUEST_BYTES,
        what="supplier-invoice bulk upload",
    )


class SupplierInvoicesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/supplier_invoices")
    async def list(
        self,
        *,
        status: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        issue_date_from: date | str | None = None,
        document_type: Iterable[str] | str | None = None,
        due_date: Iterable[str] | str | None = None,
        payment_date: str | None = None,
        issue_date: str | None = None,
        attachment_id: Iterable[str] | str | None = None,
        approver_id: Iterable[str] | str | None = None,
        payable_amount: str | None = None,
        missing_data: bool | None = None,
        matched_transactions: bool | None = None,
        exclude_credit_notes: bool | None = None,
        query: str | None = None,
        query_fields: str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[SupplierInvoice]:
        """``GET /v2/supplier_invoices``: one page of supplier invoices (scope ``supplier_invoice.read``; API keys
        work too; every plan but Solo Basic).

        Every filter goes under the name Postman's collection documents:

        - ``status`` (``to_review``, ``to_pay``, ``pending``, ``scheduled``, ``paid``) and ``due_date`` (Qonto's
          "friendly" values, e.g. ``missing_date``) take one value or a list, sent as the repeated bare key
          ``filter[status]`` / ``filter[due_date]`` (the only form documented).
        - ``document_type`` (e.g. ``duplicates``), ``attachment_id`` and ``approver_id`` (approval-workflow
          approver) take one value or a list, sent as ``filter[document_type][]``, ``filter[attachment_id][]``,
          ``filter[approver_id][]``.
        - ``payment_date`` and ``issue_date`` take one "friendly" value such as ``this_week``; ``issue_date_from``
          a ``date`` or ``YYYY-MM-DD``; ``payable_amount`` is ``"lte:100.00:EUR"`` or ``"gte:..."``.
        - Date-times are aware datetimes or ISO 8601 text; the booleans are sent as ``true``/``false``.
          ``query`` is a full-text search, narrowed by ``query_fields``. To sync, filter on ``updated_at_from``.
        """
        params = _filters(
            status=status,
            created_at_from=created_at_from,
            created_at_to=created_at_to,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            issue_date_from=issue_date_from,
            document_type=document_type,
            due_date=due_date,
            payment_date=payment_date,
            issue_date=issue_date,
            attachment_id=attachment_id,
            approver_id=approver_id,
            payable_amount=payable_amount,
            missing_data=missing_data,
            matched_transactions=matched_transactions,
            exclude_credit_notes=exclude_credit_notes,
            query=query,
            query_fields=query_fields,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/supplier_invoices", params=params.pairs, decode=_PAGE)
        )

    @operation("GET", "/v2/supplier_invoices")
    def iterate(
        self,
        *,
        status: Iterable[str] | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        issue_date_from: date | str | None = None,
        document_type: Iterable[str] | str | None = None,
        due_date: Iterable[str] | str | None = None,
        payment_date: str | None = None,
        issue_date: str | None = None,
        attachment_id: Iterable[str] | str | None = None,
        approver_id: Iterable[str] | str | None = None,
        payable_amount: str | None = None,
        missing_data: bool | None = None,
        matched_transactions: bool | None = None,
        exclude_credit_notes: bool | None = None,
        query: str | None = None,
        query_fields: str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[SupplierInvoice]:
        """Every supplier invoice matching the filters, across pages. Arguments are checked now."""
        base = tuple(
            _filters(
                status=status,
                created_at_from=created_at_from,
                created_at_to=created_at_to,
                updated_at_from=updated_at_from,
                updated_at_to=updated_at_to,
                issue_date_from=issue_date_from,
                document_type=document_type,
                due_date=due_date,
                payment_date=payment_date,
                issue_date=issue_date,
                attachment_id=attachment_id,
                approver_id=approver_id,
                payable_amount=payable_amount,
                missing_data=missing_data,
                matched_transactions=matched_transactions,
                exclude_credit_notes=exclude_credit_notes,
                query=query,
                query_fields=query_fields,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[SupplierInvoice]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(
                Request(method="GET", path="/v2/supplier_invoices", params=pairs, decode=_PAGE)
            )

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/supplier_invoices/{id}")
    async def get(self, id: str) -> SupplierInvoice:
        """``GET /v2/supplier_invoices/{id}``: one supplier invoice (scope ``supplier_invoice.read``)."""
        path = f"/v2/supplier_invoices/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("POST", "/v2/supplier_invoices/bulk")
    async def bulk_create(
        self,
        files: Iterable[SupplierInvoiceUpload | UploadFile | str | os.PathLike[str]],
        *,
        integration_type: str | None = None,
        connector: str | None = None,
        source: str | None = None,
        skip_attachment_matcher: bool | None = None,
    ) -> SupplierInvoiceBulkResult:
        """``POST /v2/supplier_invoices/bulk``: upload 1 to 20 invoice files at once (``supplier_invoice.write``).

        Each of ``files`` is a :class:`~qonto_async.models.SupplierInvoiceUpload` (a file and its **per-item**
        idempotency key), or an :class:`~qonto_async.UploadFile` or a path (a random key is then drawn). Sent as
        ``multipart/form-data``: ``supplier_invoices[][file]`` and ``supplier_invoices[][idempotency_key]`` per
        item, plus ``meta`` (JSON of ``integration_type``/``connector``), ``source`` and
        ``skip_attachment_matcher`` when given.

        Checked before anything is sent (:class:`~qonto_async.InvalidFileError`): PDF/JPEG/PNG content, each file
        at most 10 MB and at most 20 files (docs.qonto.com guide "How to bulk upload supplier invoices"), the whole
        request at most 15 MB (qonto-api.md §12), counted in decimal bytes (10 MB = 10,000,000 bytes) with about
        1 kB of multipart framing per file; distinct keys.

        **Qonto answers 200 even when some or all files failed**: check :attr:`SupplierInvoiceBulkResult.errors`
        (each names the failed item's key, :attr:`SupplierInvoiceBulkError.idempotency_key`). Qonto documents no
        request-level idempotency header here, so a failed call is not retried automatically: call again with the
        **same** :class:`~qonto_async.models.SupplierInvoiceUpload` items (same keys), and Qonto creates nothing
        twice. Keep the items (or use your own stable keys) until the call has succeeded.
        """
        if isinstance(files, str | bytes | os.PathLike | UploadFile | SupplierInvoiceUpload | Mapping):
            raise ConfigurationError("files must be a list of files (one item is [file]).")
        if not isinstance(files, Iterable):
            raise ConfigurationError(f"files must be a list of files, got {type(files).__name__}.")
        items = [await _item(index, value) for index, value in enumerate(files)]
        check_bulk(items)
        parts: list[tuple[str, UploadFile | str]] = []
        for item in items:
            parts.append((_FILE_FIELD, item.file))
            parts.append((_KEY_FIELD, item.idempotency_key))
        meta = {}
        for field, value in (("integration_type", integration_type), ("connector", connector)):
            if value is not None:
                meta[field] = check_id(field, value)
        if meta:
            parts.append(("meta", json.dumps(meta, separators=(",", ":"))))
        if source is not None:
            if source not in _SOURCES:
                raise ConfigurationError(f"source must be one of {', '.join(_SOURCES)}; got {source!r}.")
            parts.append(("source", source))
        _bool("skip_attachment_matcher", skip_attachment_matcher)
        if skip_attachment_matcher is not None:
            parts.append(("skip_attachment_matcher", "true" if skip_attachment_matcher else "false"))
        return await self._send(
            Request(
                method="POST",
                path="/v2/supplier_invoices/bulk",
                files=parts,
                # Qonto documents no request-level X-Qonto-Idempotency-Key here, only the per-item keys: none is
                # sent, so the session does not retry; calling again with the same items is safe (§7).
                decode=decode_bulk_result,
            )
        )

    @operation("POST", "/v2/supplier_invoices/{id}/mark_as_paid")
    async def mark_as_paid(self, id: str, *, payment_date: date | str) -> None:
        """``POST /v2/supplier_invoices/{id}/mark_as_paid``: record that the invoice was paid on ``payment_date``
        (a ``date`` or ``YYYY-MM-DD``), outside Qonto; sends ``{"supplier_invoice": {"payment_date": ...}}``.

        Scope ``supplier_invoice.write``. Qonto documents no response body: fetch the invoice with :meth:`get`
        to see its new state. Safe to call again (qonto-api.md §3.2 B23), but not retried automatically.
        """
        body = {"supplier_invoice": {"payment_date": date_param("payment_date", payment_date)}}
        path = f"/v2/supplier_invoices/{path_id('id', id)}/mark_as_paid"
        await self._send(Request(method="POST", path=path, json=body))

    @operation("POST", "/v2/supplier_invoices/{id}/unmark_as_paid")
    async def unmark_as_paid(self, id: str) -> None:
        """``POST /v2/supplier_invoices/{id}/unmark_as_paid``: undo :meth:`mark_as_paid` (no body sent or read).

        Scope ``supplier_invoice.write``. Not retried automatically.
        """
        path = f"/v2/supplier_invoices/{path_id('id', id)}/unmark_as_paid"
        await self._send(Request(method="POST", path=path))
