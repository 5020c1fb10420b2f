"""``qonto.client_invoices``: invoices the organization issues to its clients (qonto-api.md §3.1 rows 30-39), their
bulk import from files and file uploads (§3.2 B25-B26, §12).

Money goes as decimal strings inside ``{"value", "currency"}`` objects; **VAT rates are fractions**
(``Decimal("0.2")`` = 20 %, §11), checked by :class:`~qonto_async.models.InvoiceItemInput` before sending. Qonto
documents no idempotency key on these endpoints (§7), so writes are never retried automatically; the bulk import is
idempotent by design (re-importing a file answers the invoice it already made).
"""

from __future__ import annotations

import asyncio
import enum
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.files import InvalidFileError, UploadFile, check_upload_sizes
from qonto_async.models.client_invoices import (
    ClientInvoice,
    ClientInvoiceStatus,
    ClientInvoiceUpload,
    ImportedClientInvoice,
)
from qonto_async.models.quotes import DiscountType, InvoiceItemInput
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    date_param,
    datetime_param,
    operation,
    path_id,
    string_list,
    vat_rate_fraction,
)
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

__all__ = ["MAX_BULK_FILES", "MAX_BULK_FILE_SIZE", "MAX_BULK_TOTAL_SIZE", "ClientInvoicesResource"]

_PAGE = page_decoder(ClientInvoice, key="client_invoices")
_ONE = decoder(ClientInvoice, key="client_invoice")
_IMPORTED = list_decoder(ImportedClientInvoice, key="client_invoices")
_UPLOAD = decoder(ClientInvoiceUpload, key="client_invoice_upload")
_STATUSES: Final = tuple(s.value for s in ClientInvoiceStatus)
_SORT_BY: Final = re.compile(r"^created_at:(asc|desc)$")
# docs.qonto.com, "Import client invoices in bulk" (qonto-api.md §12): 1 to 5 files of at most 5 MB each, and a
# request of at most 15 MB. Decimal megabytes, multipart framing included (files.check_upload_sizes), the same rule
# as the supplier-invoice bulk upload; Qonto rejects the whole batch when one file breaks a rule.
MAX_BULK_FILES: Final = 5
MAX_BULK_FILE_SIZE: Final = 5_000_000
MAX_BULK_TOTAL_SIZE: Final = 15_000_000
_BULK_FIELD: Final = "client_invoices"  # docs.qonto.com: the field repeats once per file
_UPLOAD_FIELD: Final = "client_invoices_upload"
# OpenAPI (client invoice create): number and purchase_order <= 40 characters, terms_and_conditions <= 525.
_LIMITS: Final = {"number": 40, "purchase_order": 40, "terms_and_conditions": 525}


def _statuses(values: object) -> str | None:
    wanted = string_list("status", values, choices=_STATUSES)
    # Postman (List client invoices): "To filter by multiple statuses, use a comma-separated list."
    return ",".join(wanted) if wanted else None


def _filters(
    *,
    status: object,
    created_at_from: object,
    created_at_to: object,
    updated_at_from: object,
    updated_at_to: object,
    exclude_imported: object,
    sort_by: object,
) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(f"sort_by must be 'created_at:asc' or 'created_at:desc', got {sort_by!r}.")
    params = Params().add("filter[status]", _statuses(status))
    for name, value in (
        ("created_at_from", created_at_from),
        ("created_at_to", created_at_to),
        ("updated_at_from", updated_at_from),
        ("updated_at_to", updated_at_to),
    ):
        if value is not None:
            params.pairs.append((f"filter[{name}]", datetime_param(name, value)))
    return params.add_bool("exclude_imported", exclude_imported).add("sort_by", sort_by)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    limit = _LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise ConfigurationError(f"{name} is limited to {limit} characters, got {len(value)}.")
    return value


def _discount_json(item: InvoiceItemInput) -> dict[str, str] | None:
    if item.discount is None:
        return None
    # Client invoices call an absolute discount "absolute" (Postman and OpenAPI), where quotes say "amount".
    kind = "absolute" if item.discount.type is DiscountType.AMOUNT else item.discount.type.value
    return {"type": kind, "value": f"{item.discount.value:f}"}


def _item(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, InvoiceItemInput):
        raise ConfigurationError(
            f"items[{index}] must be an InvoiceItemInput(title=..., quantity=..., unit_price=Money(...), "
            f"vat_rate=...), got {type(item).__name__}."
        )
    unit_price = item.unit_price
    body: dict[str, Any] = {
        "title": item.title,
        "quantity": f"{item.quantity:f}",
        "unit_price": {"value": f"{unit_price.value:f}", "currency": unit_price.currency},
        "vat_rate": f"{item.vat_rate:f}",
    }
    if item.description is not None:
        body["description"] = item.description
    if item.unit is not None:
        body["unit"] = item.unit
    if item.vat_exemption_reason is not None:
        body["vat_exemption_reason"] = item.vat_exemption_reason
    discount = _discount_json(item)
    if discount is not None:
        body["discount"] = discount
    return body


def _items(values: object) -> list[dict[str, Any]]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(f"items must be a list of InvoiceItemInput, got {type(values).__name__}.")
    items = [_item(index, value) for index, value in enumerate(values)]
    if not items:
        raise ConfigurationError("items must hold at least one InvoiceItemInput.")
    return items


def _plain(name: str, value: object) -> Any:
    """An Italian-only or settings object passed as given, once checked to hold no float (qonto-api.md §11)."""
    if isinstance(value, float):
        raise ConfigurationError(
            f"{name} must not hold a float (got {value!r}); use a Decimal or a decimal string."
        )
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(f"{name}[{i}]", v) for i, v in enumerate(value)]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise ConfigurationError(f"{name} has an unsupported value of type {type(value).__name__}.")


def _rate_object(name: str, value: object) -> Any:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"{name} must be a mapping, got {type(value).__name__}.")
    plain = _plain(name, value)
    if "rate" in value:
        # OpenAPI: Italian welfare-fund and withholding-tax rates are fractions too ("0.1" = 10 %).
        plain["rate"] = f"{vat_rate_fraction(value['rate'], name=f'{name}.rate'):f}"
    return plain


def _stamp_duty(value: object) -> str:
    if isinstance(value, float):
        raise ConfigurationError(
            f"stamp_duty_amount must be a Decimal or a decimal string, not a float ({value!r})."
        )
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            value = Decimal("NaN")
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ConfigurationError(
            f"stamp_duty_amount must be a non-negative Decimal or decimal string, got {value!r}."
        )
    return f"{value:f}"


def _document_fields(fields: Mapping[str, object]) -> dict[str, Any]:
    """The body fields that create and update share, for those given (None leaves a field out)."""
    body: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if name == "client_id":
            body[name] = check_id(name, value)
        elif name in (
            "issue_date",
            "due_date",
            "performance_date",
            "performance_start_date",
            "performance_end_date",
        ):
            body[name] = date_param(name, value)
        elif name in ("number", "purchase_order", "terms_and_conditions", "header", "footer"):
            body[name] = _text(name, value)
        elif name == "currency":
            if not isinstance(value, str) or len(value) != 3 or not value.isalpha() or not value.isupper():
                raise ConfigurationError(f"currency must be an ISO 4217 code such as 'EUR', got {value!r}.")
            body[name] = value
        elif name == "iban":
            body["payment_methods"] = {"iban": check_id("iban", value)}
        elif name == "items":
            body[name] = _items(value)
        elif name == "report_einvoicing":
            if not isinstance(value, bool):
                raise ConfigurationError(f"report_einvoicing must be True or False, got {value!r}.")
            body[name] = value
        elif name in ("welfare_fund", "withholding_tax"):
            body[name] = _rate_object(name, value)
        elif name in ("settings", "payment_reporting"):
            if not isinstance(value, Mapping):
                raise ConfigurationError(f"{name} must be a mapping, got {type(value).__name__}.")
            body[name] = _plain(name, value)
        elif name == "stamp_duty_amount":
            body[name] = _stamp_duty(value)
        elif name == "status":
            status = value.value if isinstance(value, enum.Enum) else value
            if status not in ("draft", "unpaid"):
                raise ConfigurationError(f"status must be 'draft' or 'unpaid' (Qonto's default), got {value!r}.")
            body[name] = status
        else:  # pragma: no cover - the callers pass only the names above
            raise AssertionError(name)
    # As quotes.create refuses an expiry_date before the issue_date (both are YYYY-MM-DD: text order is date order).
    if "issue_date" in body and "due_date" in body and body["due_date"] < body["issue_date"]:
        raise ConfigurationError(
            f"due_date ({body['due_date']}) must not be before issue_date ({body['issue_date']})."
        )
    return body


async def _upload_file(name: str, file: object) -> UploadFile:
    if isinstance(file, UploadFile):
        return file
    if isinstance(file, str | os.PathLike):
        # Read (and checked: PDF, JPEG or PNG) off the event loop.
        return await asyncio.to_thread(UploadFile.from_path, file)
    raise InvalidFileError(
        f"{name} must be an UploadFile (UploadFile.from_path(...) or UploadFile.from_bytes(...)) or a path, "
        f"got {type(file).__name__}."
    )


def check_bulk_files(files: Sequence[UploadFile]) -> None:
    """The limits of ``POST /v2/client_invoices/bulk`` (qonto-api.md §12), checked before anything is sent:
    1 to 5 files, each at most 5,000,000 bytes, the request at most 15,000,000 bytes (framing included, see
    :func:`~qonto_async.files.check_upload_sizes`). Raises :class:`~qonto_async.InvalidFileError`."""
    if not 1 <= len(files) <= MAX_BULK_FILES:
        raise InvalidFileError(
            f"a bulk import takes 1 to {MAX_BULK_FILES} files per request, got {len(files)}; split the batch."
        )
    check_upload_sizes(
        files,
        max_file_bytes=MAX_BULK_FILE_SIZE,
        max_request_bytes=MAX_BULK_TOTAL_SIZE,
        what="client-invoice bulk import",
    )


class ClientInvoicesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/client_invoices")
    async def list(
        self,
        *,
        status: Iterable[ClientInvoiceStatus | str] | ClientInvoiceStatus | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        exclude_imported: bool | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[ClientInvoice]:
        """``GET /v2/client_invoices``: one page of client invoices (scope ``client_invoices.read``, plural).

        ``status`` takes one or several of draft, unpaid, paid, canceled (sent comma-joined as
        ``filter[status]``). The date-time filters take aware datetimes or ISO 8601 text (sent in UTC).
        **Imported invoices are left out unless** ``exclude_imported=False`` (Qonto's default is true).
        ``sort_by`` is ``created_at:asc`` or ``created_at:desc``.
        """
        params = _filters(
            status=status,
            created_at_from=created_at_from,
            created_at_to=created_at_to,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            exclude_imported=exclude_imported,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/client_invoices", params=params.pairs, decode=_PAGE)
        )

    @operation("GET", "/v2/client_invoices")
    def iterate(
        self,
        *,
        status: Iterable[ClientInvoiceStatus | str] | ClientInvoiceStatus | str | None = None,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        exclude_imported: bool | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[ClientInvoice]:
        """Every client invoice matching the filters of :meth:`list`, across pages. Arguments are checked now."""
        base = tuple(
            _filters(
                status=status,
                created_at_from=created_at_from,
                created_at_to=created_at_to,
                updated_at_from=updated_at_from,
                updated_at_to=updated_at_to,
                exclude_imported=exclude_imported,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[ClientInvoice]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/client_invoices", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/client_invoices")
    async def create(
        self,
        *,
        client_id: str,
        issue_date: date,
        due_date: date,
        items: Iterable[InvoiceItemInput],
        iban: str,
        currency: str = "EUR",
        number: str | None = None,
        status: ClientInvoiceStatus | str | None = None,
        performance_start_date: date | None = None,
        performance_end_date: date | None = None,
        purchase_order: str | None = None,
        terms_and_conditions: str | None = None,
        header: str | None = None,
        footer: str | None = None,
        settings: Mapping[str, Any] | None = None,
        report_einvoicing: bool | None = None,
        payment_reporting: Mapping[str, str] | None = None,
        welfare_fund: Mapping[str, Any] | None = None,
        withholding_tax: Mapping[str, Any] | None = None,
        stamp_duty_amount: Decimal | str | None = None,
    ) -> ClientInvoice:
        """``POST /v2/client_invoices``: create an invoice (scope ``client_invoice.write``, singular).

        ``items`` are :class:`~qonto_async.models.InvoiceItemInput` lines, whose ``vat_rate`` is a **fraction**
        (``Decimal("0.2")`` = 20 %; ``20`` is refused before sending) and whose money is ``Decimal``. ``iban`` is
        the Qonto account the client pays to (sent as ``payment_methods.iban``). ``issue_date``/``due_date`` are
        dates. ``status`` is ``draft`` or ``unpaid`` (Qonto's default: the invoice is finalized at once). The
        invoice takes the client's currency: a client without one gives a validation error. ``settings`` overrides
        organization details for this invoice only; ``report_einvoicing``, ``payment_reporting``,
        ``welfare_fund`` (rate a fraction), ``withholding_tax`` (rate a fraction) and ``stamp_duty_amount`` are for
        Italian organizations only. The body is not wrapped in a root key. No idempotency key is documented, so
        the call is never retried: on a timeout, list the invoices before calling again.
        """
        body = _document_fields(
            {
                "client_id": client_id,
                "issue_date": issue_date,
                "due_date": due_date,
                "currency": currency,
                "iban": iban,
                "items": items,
                "performance_start_date": performance_start_date,
                "performance_end_date": performance_end_date,
                "status": status,
                "number": number,
                "purchase_order": purchase_order,
                "terms_and_conditions": terms_and_conditions,
                "header": header,
                "footer": footer,
                "settings": settings,
                "report_einvoicing": report_einvoicing,
                "payment_reporting": payment_reporting,
                "welfare_fund": welfare_fund,
                "withholding_tax": withholding_tax,
                "stamp_duty_amount": stamp_duty_amount,
            }
        )
        return await self._send(Request(method="POST", path="/v2/client_invoices", json=body, decode=_ONE))

    @operation("GET", "/v2/client_invoices/{id}")
    async def get(self, id: str) -> ClientInvoice:
        """``GET /v2/client_invoices/{id}``: one client invoice."""
        path = f"/v2/client_invoices/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("PATCH", "/v2/client_invoices/{id}")
    async def update(
        self,
        id: str,
        *,
        client_id: str | None = None,
        issue_date: date | None = None,
        performance_date: date | None = None,
        due_date: date | None = None,
        number: str | None = None,
        purchase_order: str | None = None,
        terms_and_conditions: str | None = None,
        header: str | None = None,
        footer: str | None = None,
        iban: str | None = None,
        settings: Mapping[str, Any] | None = None,
        items: Iterable[InvoiceItemInput] | None = None,
        report_einvoicing: bool | None = None,
        payment_reporting: Mapping[str, str] | None = None,
        welfare_fund: Mapping[str, Any] | None = None,
        withholding_tax: Mapping[str, Any] | None = None,
        stamp_duty_amount: Decimal | str | None = None,
    ) -> ClientInvoice:
        """``PATCH /v2/client_invoices/{id}``: change a **draft** invoice (others are refused by Qonto).

        Only the arguments given are sent; ``items``, when given, replace the whole list. Values are checked as in
        :meth:`create` (VAT rates are fractions). Never retried automatically (no idempotency key documented).
        """
        body = _document_fields(
            {
                "client_id": client_id,
                "issue_date": issue_date,
                "performance_date": performance_date,
                "due_date": due_date,
                "number": number,
                "purchase_order": purchase_order,
                "terms_and_conditions": terms_and_conditions,
                "header": header,
                "footer": footer,
                "iban": iban,
                "settings": settings,
                "items": items,
                "report_einvoicing": report_einvoicing,
                "payment_reporting": payment_reporting,
                "welfare_fund": welfare_fund,
                "withholding_tax": withholding_tax,
                "stamp_duty_amount": stamp_duty_amount,
            }
        )
        if not body:
            raise ConfigurationError("update needs at least one field to change.")
        path = f"/v2/client_invoices/{path_id('id', id)}"
        return await self._send(Request(method="PATCH", path=path, json=body, decode=_ONE))

    @operation("DELETE", "/v2/client_invoices/{id}")
    async def delete(self, id: str) -> None:
        """``DELETE /v2/client_invoices/{id}``: delete a **draft** invoice (204). Finalized invoices cannot be
        deleted: cancel them with :meth:`mark_as_canceled` instead. Qonto refuses with status **412**
        (``invoice_not_in_draft_status``, Postman): a :class:`~qonto_async.PreconditionFailedError`."""
        await self._send(Request(method="DELETE", path=f"/v2/client_invoices/{path_id('id', id)}"))

    async def _transition(self, id: str, action: str) -> ClientInvoice:
        path = f"/v2/client_invoices/{path_id('id', id)}/{action}"
        return await self._send(Request(method="POST", path=path, decode=_ONE))

    @operation("POST", "/v2/client_invoices/{id}/finalize")
    async def finalize(self, id: str) -> ClientInvoice:
        """``POST /v2/client_invoices/{id}/finalize``: move a draft to ``unpaid`` (it gets its final number)."""
        return await self._transition(id, "finalize")

    @operation("POST", "/v2/client_invoices/{id}/mark_as_canceled")
    async def mark_as_canceled(self, id: str) -> ClientInvoice:
        """``POST /v2/client_invoices/{id}/mark_as_canceled``: cancel an ``unpaid`` invoice."""
        return await self._transition(id, "mark_as_canceled")

    @operation("POST", "/v2/client_invoices/{id}/unmark_as_paid")
    async def unmark_as_paid(self, id: str) -> ClientInvoice:
        """``POST /v2/client_invoices/{id}/unmark_as_paid``: move a ``paid`` invoice back to ``unpaid``."""
        return await self._transition(id, "unmark_as_paid")

    @operation("POST", "/v2/client_invoices/{id}/mark_as_paid")
    async def mark_as_paid(self, id: str, *, paid_at: date | None = None) -> ClientInvoice:
        """``POST /v2/client_invoices/{id}/mark_as_paid``: ``unpaid`` → ``paid``, paid on ``paid_at`` (a date,
        not in the future; Qonto's default is today). On a paid invoice it changes the payment date."""
        body = {} if paid_at is None else {"paid_at": date_param("paid_at", paid_at)}
        path = f"/v2/client_invoices/{path_id('id', id)}/mark_as_paid"
        return await self._send(Request(method="POST", path=path, json=body, decode=_ONE))

    @operation("POST", "/v2/client_invoices/{id}/send")
    async def send(
        self,
        id: str,
        *,
        send_to: Iterable[str],
        email_title: str | None = None,
        email_body: str | None = None,
        copy_to_self: bool | None = None,
    ) -> None:
        """``POST /v2/client_invoices/{id}/send``: email the invoice to ``send_to`` (one or more addresses);
        ``copy_to_self`` sends you a copy. Qonto answers 204. Never retried automatically: a retry could send the
        email twice."""
        recipients = string_list("send_to", send_to)
        if isinstance(send_to, str) or not recipients:
            raise ConfigurationError("send_to must be a list of one or more email addresses.")
        for address in recipients:
            if "@" not in address:
                raise ConfigurationError(f"send_to holds {address!r}, which is not an email address.")
        body: dict[str, Any] = {"send_to": recipients}
        if email_title is not None:
            body["email_title"] = _text("email_title", email_title)
        if email_body is not None:
            body["email_body"] = _text("email_body", email_body)
        if copy_to_self is not None:
            if not isinstance(copy_to_self, bool):
                raise ConfigurationError(f"copy_to_self must be True or False, got {copy_to_self!r}.")
            body["copy_to_self"] = copy_to_self
        await self._send(Request(method="POST", path=f"/v2/client_invoices/{path_id('id', id)}/send", json=body))

    @operation("POST", "/v2/client_invoices/bulk")
    async def bulk_import(
        self, files: Iterable[UploadFile | str | os.PathLike[str]]
    ) -> tuple[ImportedClientInvoice, ...]:
        """``POST /v2/client_invoices/bulk``: import already-issued invoices from their files, kept as they are
        (a Factur-X PDF keeps its embedded XML).

        ``files`` are 1 to 5 :class:`~qonto_async.UploadFile` objects or paths: PDF (Factur-X included), JPEG or
        PNG, each at most 5 MB, 15 MB for the whole request (decimal bytes: 5,000,000 and 15,000,000, with about
        1 kB of multipart framing counted per file). All of it is checked **before sending**
        (:class:`~qonto_async.InvalidFileError`), since Qonto rejects the whole batch for one bad file. They go
        as ``multipart/form-data``, one repeated ``client_invoices`` field per file. Returns one
        :class:`~qonto_async.models.ImportedClientInvoice` per file. Re-importing a file is idempotent by design
        (Qonto answers the existing ``invoice_id``); no idempotency header is documented, so the call is not
        retried automatically, but calling it again is safe. Not available to Italian organizations.
        """
        if isinstance(files, str | bytes | os.PathLike | UploadFile) or not isinstance(files, Iterable):
            raise InvalidFileError("files must be a list of UploadFile objects or paths (1 to 5 of them).")
        uploads = [await _upload_file(f"files[{index}]", file) for index, file in enumerate(files)]
        check_bulk_files(uploads)
        return await self._send(
            Request(
                method="POST",
                path="/v2/client_invoices/bulk",
                files=[(_BULK_FIELD, upload) for upload in uploads],
                decode=_IMPORTED,
            )
        )

    @operation("POST", "/v2/client_invoices/uploads")
    async def upload(self, file: UploadFile | str | os.PathLike[str]) -> ClientInvoiceUpload:
        """``POST /v2/client_invoices/uploads``: upload a file (PDF, JPEG or PNG, checked before sending) to use
        on invoices or quotes by its ``id``. Sent as ``multipart/form-data`` with the single field
        ``client_invoices_upload``. Qonto does not convert a PDF to Factur-X. Its ``url`` is pre-signed.
        Not retried automatically (no idempotency key documented)."""
        upload = await _upload_file("file", file)
        return await self._send(
            Request(
                method="POST",
                path="/v2/client_invoices/uploads",
                files=[(_UPLOAD_FIELD, upload)],
                decode=_UPLOAD,
            )
        )
