"""SEPA transfers (qonto-api.md §3.1 rows 92-106, §9): three namespaces.

- ``qonto.sepa_transfers``: list, get, create, cancel, download the proof, and Verification of Payee
  (``verify_payee``, ``bulk_verify_payee``, ``skip_verify_payee``), whose proof token every create needs.
- ``qonto.bulk_transfers``: batches of transfers, processed asynchronously, with per-transfer results.
- ``qonto.recurring_transfers``: standing orders.

Beneficiaries are ``qonto.beneficiaries``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import APIError, ConfigurationError
from qonto_async.models.sepa_transfers import (
    BulkPayeeVerification,
    BulkTransfer,
    BulkTransferItem,
    PayeeVerification,
    PayeeVerificationRequest,
    RecurringTransferFrequency,
    SepaRecurringTransfer,
    SepaTransfer,
    SepaTransferStatus,
    TransferBeneficiary,
    VopProofToken,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    amount_param,
    check_id,
    check_per_page,
    operation,
    path_id,
    string_list,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

__all__ = [
    "BulkTransfersResource",
    "RecurringTransfersResource",
    "SepaTransfersResource",
    "proof_token_from_error",
]

_TRANSFER_PAGE = page_decoder(SepaTransfer, key="transfers")
_TRANSFER = decoder(SepaTransfer, key="transfer")
_RECURRING_PAGE = page_decoder(SepaRecurringTransfer, key="recurring_transfers")
_RECURRING = decoder(SepaRecurringTransfer, key="recurring_transfer")
_BULK_PAGE = page_decoder(BulkTransfer, key="bulk_transfers")
_BULK_ONE = decoder(BulkTransfer)
_VERIFICATION = decoder(PayeeVerification)
_BULK_VERIFICATION = decoder(BulkPayeeVerification)
_PROOF = decoder(VopProofToken)

_STATUSES: Final = tuple(s.value for s in SepaTransferStatus)
_FREQUENCIES: Final = tuple(f.value for f in RecurringTransferFrequency)
_SORT_BY: Final = re.compile(r"^(scheduled_date|updated_at):(asc|desc)$")
# qonto-api.md §9: a verification request takes 1 to 400 payees; beneficiary_name is 1-140 characters.
MAX_PAYEES: Final = 400
_MAX_NAME: Final = 140


# --- Decoding: both proof-token shapes (qonto-api.md §9) ----------------------------------------------------------


def _proof_shape(value: Any) -> Any:
    """``"tok"`` and ``{"token": "tok"}`` are the same proof; the models read the object form."""
    if isinstance(value, str):
        return {"token": value} if value else None
    return value


def _with_proof(data: Any) -> Any:
    if isinstance(data, Mapping) and "proof_token" in data:
        return {**data, "proof_token": _proof_shape(data["proof_token"])}
    return data


def _decode_verification(data: Any) -> PayeeVerification:
    return _VERIFICATION(_with_proof(data))


def _bulk_verification_shape(data: Any) -> Any:
    body = _with_proof(data)
    items = body.get("requests") if isinstance(body, Mapping) else None
    if isinstance(items, list):
        items = [
            {**item, "response": _with_proof(item["response"])}
            if isinstance(item, Mapping) and isinstance(item.get("response"), Mapping)
            else item
            for item in items
        ]
        body = {**body, "requests": items}
    return body


def _decode_bulk_verification(data: Any) -> BulkPayeeVerification:
    return _BULK_VERIFICATION(_bulk_verification_shape(data))


def _decode_proof(data: Any) -> VopProofToken:
    value = _proof_shape(data.get("proof_token") if isinstance(data, Mapping) else None)
    if value is None:
        raise TypeError("the response carries no proof_token")
    return _PROOF(value)


def _decode_bulk(data: Any) -> BulkTransfer:
    # GET wraps the bulk in "bulk_transfer"; Qonto's example of the create response sends it unwrapped.
    if isinstance(data, Mapping) and isinstance(data.get("bulk_transfer"), Mapping):
        return _BULK_ONE(data["bulk_transfer"])
    return _BULK_ONE(data)


def proof_token_from_error(error: BaseException) -> VopProofToken | None:
    """The proof token a failed verification may still carry, or None.

    When the payee's bank cannot answer, ``verify_payee`` and friends fail (400, 5xx) with codes such as
    ``BAD_REQUEST_ERROR_RESPONDING_BANK_NOT_AVAILABLE``, and the error's ``meta`` may include a proof token that a
    transfer accepts (qonto-api.md §9). Found at the top level or in any ``errors[].meta``, in either shape.
    """
    if not isinstance(error, APIError):
        return None  # a timeout, a connection error, an SCA outcome...: no response body to look in
    body = error.body
    if not isinstance(body, Mapping):
        return None
    candidates: list[Any] = [body.get("proof_token")]
    meta = body.get("meta")
    if isinstance(meta, Mapping):
        candidates.append(meta.get("proof_token"))
    errors = body.get("errors")
    for item in errors if isinstance(errors, list) else [errors]:
        if isinstance(item, Mapping) and isinstance(item.get("meta"), Mapping):
            candidates.append(item["meta"].get("proof_token"))
    for candidate in candidates:
        shaped = _proof_shape(candidate)
        if isinstance(shaped, Mapping) and isinstance(shaped.get("token"), str) and shaped["token"]:
            return VopProofToken(token=shaped["token"])
    return None


# --- Arguments ----------------------------------------------------------------------------------------------------


def _text(name: str, value: object, *, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    if limit is not None and len(value) > limit:
        raise ConfigurationError(f"{name} is limited to {limit} characters, got {len(value)}.")
    return value


def _optional_text(name: str, value: object) -> str | None:
    return None if value is None else _text(name, value)


def _date(name: str, value: object) -> str:
    """A calendar date as ``YYYY-MM-DD``, from a ``date`` or that text (a datetime is refused: ambiguous)."""
    if isinstance(value, datetime):
        raise ConfigurationError(f"{name} is a date, not a date-time: pass {name}=value.date() or 'YYYY-MM-DD'.")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ConfigurationError(f"{name} must be a date or a 'YYYY-MM-DD' string, got {value!r}.")


def _optional_date(name: str, value: object) -> str | None:
    return None if value is None else _date(name, value)


def _proof(value: object) -> str:
    """``vop_proof_token``: the :class:`VopProofToken` a verification returned, or its string."""
    if isinstance(value, VopProofToken):
        value = value.token
    if isinstance(value, PayeeVerification | BulkPayeeVerification):
        if value.proof_token is None:
            raise ConfigurationError("this verification result carries no proof_token to send.")
        value = value.proof_token.token
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigurationError(
            "vop_proof_token is required (qonto-api.md §9): pass the proof_token of sepa_transfers.verify_payee(), "
            f"bulk_verify_payee() or skip_verify_payee(); got {value!r}."
        )
    return value


def _idempotency(value: str | None) -> str | None:
    return None if value is None else check_id("idempotency_key", value)


def _beneficiary(value: object) -> dict[str, Any]:
    if isinstance(value, TransferBeneficiary):
        data: dict[str, Any] = {
            "name": value.name,
            "iban": value.iban,
            "bic": value.bic,
            "email": value.email,
            "activity_tag": value.activity_tag,
        }
    elif isinstance(value, Mapping):
        unknown = set(value) - {"name", "iban", "bic", "email", "activity_tag"}
        if unknown:
            raise ConfigurationError(f"beneficiary has unknown fields {sorted(unknown)}.")
        data = dict(value)
    else:
        raise ConfigurationError(
            f"beneficiary must be a TransferBeneficiary or a mapping, got {type(value).__name__}."
        )
    out = {"name": _text("beneficiary.name", data.get("name"), limit=_MAX_NAME)}
    out["iban"] = check_id("beneficiary.iban", data.get("iban"))
    for key in ("bic", "email", "activity_tag"):
        if data.get(key) is not None:
            out[key] = _text(f"beneficiary.{key}", data[key])
    return out


def _payee(beneficiary_id: object, beneficiary: object) -> dict[str, Any]:
    # The docs: give a known beneficiary_id, or beneficiary data that creates an untrusted one on the fly.
    if (beneficiary_id is None) == (beneficiary is None):
        raise ConfigurationError("pass exactly one of beneficiary_id or beneficiary (new beneficiary data).")
    if beneficiary_id is not None:
        return {"beneficiary_id": check_id("beneficiary_id", beneficiary_id)}
    return {"beneficiary": _beneficiary(beneficiary)}


def _attachments(value: object) -> list[str]:
    return string_list("attachment_ids", value)


def _transfer_fields(
    *,
    amount: object,
    reference: object,
    beneficiary_id: object,
    beneficiary: object,
    note: object,
    attachment_ids: object,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "reference": _text("reference", reference),
        "amount": amount_param("amount", amount),
        **_payee(beneficiary_id, beneficiary),
    }
    if note is not None:
        fields["note"] = _text("note", note)
    attachments = _attachments(attachment_ids)
    if attachments:
        fields["attachment_ids"] = attachments
    return fields


def _payees(requests: object) -> list[dict[str, str]]:
    if isinstance(requests, str | bytes | Mapping | PayeeVerificationRequest) or not isinstance(
        requests, Iterable
    ):
        raise ConfigurationError(
            "requests must be a list of PayeeVerificationRequest (or of {'id', 'iban', 'beneficiary_name'} mappings)."
        )
    out: list[dict[str, str]] = []
    for index, item in enumerate(requests):
        if isinstance(item, PayeeVerificationRequest):
            data: Mapping[str, Any] = {"id": item.id, "iban": item.iban, "beneficiary_name": item.beneficiary_name}
        elif isinstance(item, Mapping):
            data = item
        else:
            raise ConfigurationError(f"requests[{index}] must be a PayeeVerificationRequest, got {item!r}.")
        out.append(
            {
                "id": check_id(f"requests[{index}].id", data.get("id")),
                "beneficiary_name": _text(
                    f"requests[{index}].beneficiary_name", data.get("beneficiary_name"), limit=_MAX_NAME
                ),
                "iban": check_id(f"requests[{index}].iban", data.get("iban")),
            }
        )
    if not 1 <= len(out) <= MAX_PAYEES:
        raise ConfigurationError(f"requests takes 1 to {MAX_PAYEES} payees, got {len(out)}.")
    ids = [item["id"] for item in out]
    if len(set(ids)) != len(ids):
        raise ConfigurationError("requests ids must be unique: each result is matched to its request by id.")
    return out


def _transfer_filters(
    *,
    status: Iterable[str] | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
    scheduled_date_from: date | str | None,
    scheduled_date_to: date | str | None,
    beneficiary_ids: Iterable[str] | str | None,
    ids: Iterable[str] | str | None,
    recurring_transfer_ids: Iterable[str] | str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(
            "sort_by must be 'updated_at:asc', 'updated_at:desc', 'scheduled_date:asc' or 'scheduled_date:desc', "
            f"got {sort_by!r}."
        )
    # The key names are exactly those of Qonto's Postman collection: ``beneficiary_ids[]`` Rails-style, but
    # ``status``, ``ids`` and ``recurring_transfer_ids`` as repeated bare keys (see tests/test_query_names_part1b).
    params = Params().add_repeated("status", status, choices=_STATUSES)
    params.add_datetime("updated_at_from", updated_at_from).add_datetime("updated_at_to", updated_at_to)
    params.add("scheduled_date_from", _optional_date("scheduled_date_from", scheduled_date_from))
    params.add("scheduled_date_to", _optional_date("scheduled_date_to", scheduled_date_to))
    params.add_list("beneficiary_ids", beneficiary_ids)
    params.add("sort_by", sort_by)
    params.add_repeated("ids", ids).add_repeated("recurring_transfer_ids", recurring_transfer_ids)
    return params


def _paginate(
    send: Callable[[list[tuple[str, str]]], Any], base: Iterable[tuple[str, str]], per_page: int, max_pages: int
) -> Any:
    check_per_page(per_page)
    fixed = tuple(base)

    async def fetch(page: int) -> Any:
        return await send([*fixed, ("page", str(page)), ("per_page", str(per_page))])

    return AsyncPaginator(fetch, max_pages=max_pages)


# --- qonto.sepa_transfers -----------------------------------------------------------------------------------------


class SepaTransfersResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/sepa/transfers")
    async def list(
        self,
        *,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        scheduled_date_from: date | str | None = None,
        scheduled_date_to: date | str | None = None,
        beneficiary_ids: Iterable[str] | str | None = None,
        ids: Iterable[str] | str | None = None,
        recurring_transfer_ids: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[SepaTransfer]:
        """``GET /v2/sepa/transfers``: one page of SEPA transfers (OAuth only, scope ``organization.read``).

        ``status`` (``pending``, ``processing``, ``canceled``, ``declined``, ``settled``), ``beneficiary_ids``,
        ``ids`` (e.g. the ``transfer_id`` of bulk results) and ``recurring_transfer_ids`` take one value
        or a list. ``updated_at_from/to`` take aware datetimes, ``scheduled_date_from/to`` dates. ``sort_by`` is
        ``updated_at`` or ``scheduled_date`` with ``:asc`` or ``:desc``.
        """
        params = _transfer_filters(
            status=status,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            scheduled_date_from=scheduled_date_from,
            scheduled_date_to=scheduled_date_to,
            beneficiary_ids=beneficiary_ids,
            ids=ids,
            recurring_transfer_ids=recurring_transfer_ids,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/sepa/transfers", params=params.pairs, decode=_TRANSFER_PAGE)
        )

    @operation("GET", "/v2/sepa/transfers")
    def iterate(
        self,
        *,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        scheduled_date_from: date | str | None = None,
        scheduled_date_to: date | str | None = None,
        beneficiary_ids: Iterable[str] | str | None = None,
        ids: Iterable[str] | str | None = None,
        recurring_transfer_ids: Iterable[str] | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[SepaTransfer]:
        """Every SEPA transfer matching the filters of :meth:`list`, across pages. Arguments are checked now."""
        base = _transfer_filters(
            status=status,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            scheduled_date_from=scheduled_date_from,
            scheduled_date_to=scheduled_date_to,
            beneficiary_ids=beneficiary_ids,
            ids=ids,
            recurring_transfer_ids=recurring_transfer_ids,
            sort_by=sort_by,
        ).pairs

        async def send(pairs: list[tuple[str, str]]) -> Page[SepaTransfer]:
            return await self._send(
                Request(method="GET", path="/v2/sepa/transfers", params=pairs, decode=_TRANSFER_PAGE)
            )

        paginator: AsyncPaginator[SepaTransfer] = _paginate(send, base, per_page, max_pages)
        return paginator

    @operation("GET", "/v2/sepa/transfers/{id}")
    async def get(self, id: str) -> SepaTransfer:
        """``GET /v2/sepa/transfers/{id}``: one SEPA transfer."""
        path = f"/v2/sepa/transfers/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_TRANSFER))

    @operation("POST", "/v2/sepa/transfers")
    async def create(
        self,
        *,
        bank_account_id: str,
        amount: Decimal | str,
        reference: str,
        vop_proof_token: VopProofToken | str,
        beneficiary_id: str | None = None,
        beneficiary: TransferBeneficiary | Mapping[str, str] | None = None,
        scheduled_date: date | str | None = None,
        note: str | None = None,
        attachment_ids: Iterable[str] | None = None,
        idempotency_key: str | None = None,
    ) -> SepaTransfer:
        """``POST /v2/sepa/transfers``: send a SEPA transfer (OAuth, scope ``payment.write``).

        - Pay a known ``beneficiary_id``, or give ``beneficiary`` data (a :class:`TransferBeneficiary`), which
          creates an untrusted beneficiary on the fly or updates the one with the same IBAN.
        - ``vop_proof_token`` is required: the proof from :meth:`verify_payee` (or :meth:`skip_verify_payee`),
          valid 23 hours, whatever the match result (qonto-api.md §9).
        - ``amount``: a positive ``Decimal`` or decimal string with at most 2 decimals (a float is refused). Above
          30,000 EUR at least one ``attachment_ids`` entry is required. Transfers are instant by default and fall
          back to standard above Qonto's thresholds.
        - ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on every
          retry and on the SCA replay; pass your own to make the call safe to repeat across processes.
        - SCA: unless the beneficiary is trusted, Qonto answers 428 (:class:`~qonto_async.ScaRequired`) until the
          user approves; replay with the same idempotency key. With a 4-eyes payment policy Qonto answers 400
          ``payment_policy_approval_required``: submit a transfer request instead.
        """
        transfer: dict[str, Any] = {
            "bank_account_id": check_id("bank_account_id", bank_account_id),
            **_transfer_fields(
                amount=amount,
                reference=reference,
                beneficiary_id=beneficiary_id,
                beneficiary=beneficiary,
                note=note,
                attachment_ids=attachment_ids,
            ),
        }
        if scheduled_date is not None:
            transfer["scheduled_date"] = _date("scheduled_date", scheduled_date)
        body = {"transfer": transfer, "vop_proof_token": _proof(vop_proof_token)}
        return await self._send(
            Request(
                method="POST",
                path="/v2/sepa/transfers",
                json=body,
                decode=_TRANSFER,
                idempotent_key_supported=True,
                idempotency_key=_idempotency(idempotency_key),
            )
        )

    @operation("POST", "/v2/sepa/transfers/{id}/cancel")
    async def cancel(self, id: str) -> None:
        """``POST /v2/sepa/transfers/{id}/cancel``: cancel a transfer not processed yet (204, nothing returned).

        Not retried on a transport error (Qonto takes no idempotency key here): check with :meth:`get`.
        """
        path = f"/v2/sepa/transfers/{path_id('id', id)}/cancel"
        await self._send(Request(method="POST", path=path))

    @operation("POST", "/v2/sepa/transfers/{id}/download_proof")
    async def download_proof(self, id: str) -> bytes:
        """``POST /v2/sepa/transfers/{id}/download_proof``: the proof of a completed transfer, as the PDF's bytes.

        A POST, though it changes nothing: that is how Qonto documents it (``Accept: application/pdf``; the answer
        is the file itself, not a link). Only possible once the transfer is completed.
        """
        path = f"/v2/sepa/transfers/{path_id('id', id)}/download_proof"
        request: Request[bytes] = Request(
            method="POST", path=path, headers={"Accept": "application/pdf"}, raw=True
        )
        return await self._send(request)

    @operation("POST", "/v2/sepa/verify_payee")
    async def verify_payee(self, *, iban: str, beneficiary_name: str) -> PayeeVerification:
        """``POST /v2/sepa/verify_payee``: check that ``beneficiary_name`` holds ``iban`` (Verification of Payee).

        Returns the :class:`~qonto_async.models.VopMatchResult` (show it to the user: the regulation requires it),
        ``matched_name`` on a close match, and the ``proof_token`` that :meth:`create` needs, valid 23 hours
        whatever the result. When the payee's bank cannot answer Qonto fails (e.g. 400
        ``BAD_REQUEST_ERROR_RESPONDING_BANK_NOT_AVAILABLE``); :func:`proof_token_from_error` reads the proof such an
        error may still carry. Verifications not followed by a transfer are rate-limited separately.
        """
        body = {
            "iban": check_id("iban", iban),
            "beneficiary_name": _text("beneficiary_name", beneficiary_name, limit=_MAX_NAME),
        }
        return await self._send(
            Request(method="POST", path="/v2/sepa/verify_payee", json=body, decode=_decode_verification)
        )

    @operation("POST", "/v2/sepa/bulk_verify_payee")
    async def bulk_verify_payee(
        self, requests: Iterable[PayeeVerificationRequest | Mapping[str, str]]
    ) -> BulkPayeeVerification:
        """``POST /v2/sepa/bulk_verify_payee``: verify 1 to 400 payees at once.

        A partial success: each item of the result carries its ``response`` or its ``error_code`` (``failed``
        lists the failures). The single ``proof_token`` covers exactly this set of payees, for
        ``bulk_transfers.create``.
        """
        body = {"requests": _payees(requests)}
        return await self._send(
            Request(method="POST", path="/v2/sepa/bulk_verify_payee", json=body, decode=_decode_bulk_verification)
        )

    @operation("POST", "/v2/sepa/skip_verify_payee")
    async def skip_verify_payee(
        self, requests: Iterable[PayeeVerificationRequest | Mapping[str, str]]
    ) -> VopProofToken:
        """``POST /v2/sepa/skip_verify_payee``: get a proof token without verifying (1 to 400 payees).

        Qonto records the payees for audit and verifies nothing; the proof is accepted like any other.
        """
        body = {"requests": _payees(requests)}
        return await self._send(
            Request(method="POST", path="/v2/sepa/skip_verify_payee", json=body, decode=_decode_proof)
        )


# --- qonto.bulk_transfers -----------------------------------------------------------------------------------------


def _bulk_item(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, BulkTransferItem):
        raise ConfigurationError(f"transfers[{index}] must be a BulkTransferItem, got {type(item).__name__}.")
    try:
        fields = _transfer_fields(
            amount=item.amount,
            reference=item.reference,
            beneficiary_id=item.beneficiary_id,
            beneficiary=item.beneficiary,
            note=item.note,
            attachment_ids=item.attachment_ids,
        )
    except ConfigurationError as exc:
        raise ConfigurationError(f"transfers[{index}]: {exc}") from None
    out = {"client_transfer_id": check_id(f"transfers[{index}].client_transfer_id", item.client_transfer_id)}
    out.update(fields)
    if item.scheduled_date is not None:
        out["scheduled_date"] = _date(f"transfers[{index}].scheduled_date", item.scheduled_date)
    return out


class BulkTransfersResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/sepa/bulk_transfers")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[BulkTransfer]:
        """``GET /v2/sepa/bulk_transfers``: one page of bulk transfers, most recently updated first."""
        params = Params().paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/sepa/bulk_transfers", params=params.pairs, decode=_BULK_PAGE)
        )

    @operation("GET", "/v2/sepa/bulk_transfers")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[BulkTransfer]:
        """Every bulk transfer, across pages."""

        async def send(pairs: list[tuple[str, str]]) -> Page[BulkTransfer]:
            return await self._send(
                Request(method="GET", path="/v2/sepa/bulk_transfers", params=pairs, decode=_BULK_PAGE)
            )

        paginator: AsyncPaginator[BulkTransfer] = _paginate(send, (), per_page, max_pages)
        return paginator

    @operation("GET", "/v2/sepa/bulk_transfers/{id}")
    async def get(self, id: str) -> BulkTransfer:
        """``GET /v2/sepa/bulk_transfers/{id}``: a bulk's progress (counts) and its per-transfer ``results``.

        A result's status says whether the transfer was *created*, not whether it was paid: fetch the transfers
        with ``sepa_transfers.list(ids=[r.transfer_id for r in bulk.results])``.
        """
        path = f"/v2/sepa/bulk_transfers/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_decode_bulk))

    @operation("POST", "/v2/sepa/bulk_transfers")
    async def create(
        self,
        *,
        bank_account_id: str,
        transfers: Iterable[BulkTransferItem],
        vop_proof_token: VopProofToken | str,
        idempotency_key: str | None = None,
    ) -> BulkTransfer:
        """``POST /v2/sepa/bulk_transfers``: send a batch of SEPA transfers, processed asynchronously.

        - Each :class:`~qonto_async.models.BulkTransferItem` pays a ``beneficiary_id`` or inline ``beneficiary``
          data; its ``client_transfer_id`` names it in the results.
        - ``vop_proof_token``: the proof of :meth:`SepaTransfersResource.bulk_verify_payee` for exactly these
          payees (or of ``skip_verify_payee``).
        - Partial success: business rules (e.g. an attachment above 30,000 EUR) are checked per transfer after the
          bulk is created; poll :meth:`get` and read ``failed_results`` / each result's ``error_items``.
        - ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): generated once per call, reused on retries and
          on the SCA replay. SCA (428) applies unless every transfer pays a trusted ``beneficiary_id``.
        """
        if isinstance(transfers, BulkTransferItem) or not isinstance(transfers, Iterable):
            raise ConfigurationError("transfers must be a list of BulkTransferItem.")
        items = [_bulk_item(index, item) for index, item in enumerate(transfers)]
        if not items:
            raise ConfigurationError("transfers must hold at least one BulkTransferItem.")
        client_ids = [item["client_transfer_id"] for item in items]
        if len(set(client_ids)) != len(client_ids):
            raise ConfigurationError("client_transfer_id must be unique within a bulk: results are matched by it.")
        body = {
            "bank_account_id": check_id("bank_account_id", bank_account_id),
            "bulk_transfers": items,
            "vop_proof_token": _proof(vop_proof_token),
        }
        return await self._send(
            Request(
                method="POST",
                path="/v2/sepa/bulk_transfers",
                json=body,
                decode=_decode_bulk,
                idempotent_key_supported=True,
                idempotency_key=_idempotency(idempotency_key),
            )
        )


# --- qonto.recurring_transfers ------------------------------------------------------------------------------------


class RecurringTransfersResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/sepa/recurring_transfers")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[SepaRecurringTransfer]:
        """``GET /v2/sepa/recurring_transfers``: one page of recurring transfers, most recently updated first."""
        params = Params().paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/sepa/recurring_transfers", params=params.pairs, decode=_RECURRING_PAGE)
        )

    @operation("GET", "/v2/sepa/recurring_transfers")
    def iterate(
        self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[SepaRecurringTransfer]:
        """Every recurring transfer, across pages."""

        async def send(pairs: list[tuple[str, str]]) -> Page[SepaRecurringTransfer]:
            return await self._send(
                Request(method="GET", path="/v2/sepa/recurring_transfers", params=pairs, decode=_RECURRING_PAGE)
            )

        paginator: AsyncPaginator[SepaRecurringTransfer] = _paginate(send, (), per_page, max_pages)
        return paginator

    @operation("GET", "/v2/sepa/recurring_transfers/{id}")
    async def get(self, id: str) -> SepaRecurringTransfer:
        """``GET /v2/sepa/recurring_transfers/{id}``: one recurring transfer."""
        path = f"/v2/sepa/recurring_transfers/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_RECURRING))

    @operation("POST", "/v2/sepa/recurring_transfers")
    async def create(
        self,
        *,
        bank_account_id: str,
        amount: Decimal | str,
        reference: str,
        frequency: RecurringTransferFrequency | str,
        first_execution_date: date | str,
        vop_proof_token: VopProofToken | str,
        beneficiary_id: str | None = None,
        beneficiary: TransferBeneficiary | Mapping[str, str] | None = None,
        last_execution_date: date | str | None = None,
        note: str | None = None,
        attachment_ids: Iterable[str] | None = None,
        idempotency_key: str | None = None,
    ) -> SepaRecurringTransfer:
        """``POST /v2/sepa/recurring_transfers``: a standing order, every ``frequency`` from
        ``first_execution_date`` until ``last_execution_date`` (forever when left out).

        Same rules as ``sepa_transfers.create``: ``beneficiary_id`` or ``beneficiary`` data, a required
        ``vop_proof_token``, a Decimal/decimal-string ``amount`` (attachments above 30,000 EUR), an idempotency
        key generated per call (qonto-api.md §7), and SCA (428) always.
        """
        if isinstance(frequency, RecurringTransferFrequency):
            frequency = frequency.value
        if frequency not in _FREQUENCIES:
            raise ConfigurationError(f"frequency must be one of {', '.join(_FREQUENCIES)}; got {frequency!r}.")
        first = _date("first_execution_date", first_execution_date)
        last = _optional_date("last_execution_date", last_execution_date)
        if last is not None and last < first:
            raise ConfigurationError("last_execution_date must not be before first_execution_date.")
        transfer: dict[str, Any] = {
            "bank_account_id": check_id("bank_account_id", bank_account_id),
            **_transfer_fields(
                amount=amount,
                reference=reference,
                beneficiary_id=beneficiary_id,
                beneficiary=beneficiary,
                note=note,
                attachment_ids=attachment_ids,
            ),
            "frequency": frequency,
            "first_execution_date": first,
        }
        if last is not None:
            transfer["last_execution_date"] = last
        body = {"recurring_transfer": transfer, "vop_proof_token": _proof(vop_proof_token)}
        return await self._send(
            Request(
                method="POST",
                path="/v2/sepa/recurring_transfers",
                json=body,
                decode=_RECURRING,
                idempotent_key_supported=True,
                idempotency_key=_idempotency(idempotency_key),
            )
        )

    @operation("POST", "/v2/sepa/recurring_transfers/{id}/cancel")
    async def cancel(self, id: str) -> None:
        """``POST /v2/sepa/recurring_transfers/{id}/cancel``: stop a recurring transfer (204, nothing returned).

        No further transfers run; those already made stay. Qonto may ask for SCA here too (428).
        """
        path = f"/v2/sepa/recurring_transfers/{path_id('id', id)}/cancel"
        await self._send(Request(method="POST", path=path))
