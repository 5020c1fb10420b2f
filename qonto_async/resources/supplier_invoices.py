"""``qonto.supplier_invoices``: bills received by the organization: list, get, bulk upload, mark and unmark as paid
(qonto-api.md §3.1 rows 115-117, §3.2 B23-B24, §12)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.files import InvalidFileError, UploadFile
from qonto_async.models.supplier_invoices import (
    SupplierInvoice,
    SupplierInvoiceBulkResult,
    SupplierInvoiceStatus,
    SupplierInvoiceUpload,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation, path_id
from qonto_async.resources.quotes import date_param
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(SupplierInvoice, key="supplier_invoices")
_ONE = decoder(SupplierInvoice, key="supplier_invoice")
_RESULT = decoder(SupplierInvoiceBulkResult)
_STATUSES: Final = tuple(s.value for s in SupplierInvoiceStatus)

# docs.qonto.com (Create supplier invoices): "Total size of the request cannot exceed 15MB". Counted in decimal
# megabytes, the stricter reading, and including the multipart framing (see _PART_OVERHEAD).
MAX_REQUEST_BYTES: Final = 15_000_000
# docs.qonto.com guide "How to bulk upload supplier invoices": at most 20 invoices per request, each file 10 MB.
MAX_ITEMS: Final = 20
MAX_FILE_BYTES: Final = 10_000_000
# An upper bound of the boundary line, part headers and the key part that travel with each file.
_PART_OVERHEAD: Final = 1024
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


def _filters(
    *,
    status: Iterable[str] | str | None,
    created_at_from: datetime | str | None,
    created_at_to: datetime | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
    issue_date_from: date | str | None,
    document_type: Iterable[str] | str | None,
    missing_data: bool | None,
    matched_transactions: bool | None,
    exclude_credit_notes: bool | None,
    query: str | None,
    query_fields: str | None,
    sort_by: str | None,
) -> Params:
    # Postman: filter[status] and filter[document_type] "if provided multiple times, they will be parsed as an
    # array": the bare key is repeated.
    params = Params().add_repeated("filter[status]", status, choices=_STATUSES)
    params.add_datetime("filter[created_at_from]", created_at_from)
    params.add_datetime("filter[created_at_to]", created_at_to)
    params.add_datetime("filter[updated_at_from]", updated_at_from)
    params.add_datetime("filter[updated_at_to]", updated_at_to)
    if issue_date_from is not None:
        params.add("filter[issue_date_from]", date_param("issue_date_from", issue_date_from))
    params.add_repeated("filter[document_type]", document_type)
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


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


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
    for item in items:
        size = len(item.file.content)
        if size > MAX_FILE_BYTES:
            raise InvalidFileError(
                f"{item.file.filename!r} is {_mb(size)}; Qonto takes supplier-invoice files of at most "
                f"{_mb(MAX_FILE_BYTES)}."
            )
    total = sum(len(item.file.content) + _PART_OVERHEAD for item in items)
    if total > MAX_REQUEST_BYTES:
        raise InvalidFileError(
            f"the bulk upload would be about {_mb(total)} ({len(items)} files), over Qonto's {_mb(MAX_REQUEST_BYTES)} "
            "limit for the whole request; send the files in several calls."
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

        ``status`` (``to_review``, ``to_pay``, ``pending``, ``scheduled``, ``paid``) and ``document_type`` take one
        value or a list, sent as repeated ``filter[...]`` keys; date-times are aware datetimes or ISO 8601 text;
        the booleans are sent as ``true``/``false``. ``query`` is a full-text search, narrowed by
        ``query_fields``. To sync, filter on ``updated_at_from``.
        """
        params = _filters(
            status=status,
            created_at_from=created_at_from,
            created_at_to=created_at_to,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            issue_date_from=issue_date_from,
            document_type=document_type,
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
        at most 10 MB, the whole request at most 15 MB (qonto-api.md §12), at most 20 files, distinct keys.

        **Qonto answers 200 even when some or all files failed**: check :attr:`SupplierInvoiceBulkResult.errors`
        (each names the failed item's key, :attr:`SupplierInvoiceBulkError.idempotency_key`). Qonto documents no
        request-level idempotency header here, so a failed call is not retried automatically: call again with the
        **same** :class:`~qonto_async.models.SupplierInvoiceUpload` items (same keys), and Qonto creates nothing
        twice. Keep the items (or use your own stable keys) until the call has succeeded.
        """
        if isinstance(files, str | bytes | os.PathLike | UploadFile | SupplierInvoiceUpload | Mapping):
            raise ConfigurationError("files must be a list of files (one item is [file]).")
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
