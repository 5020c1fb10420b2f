"""``qonto.insurance_contracts``: insurance contracts registered by partners, and their PDF documents (qonto-api.md
§3.1 rows 50-54). OAuth only (``insurance_contract.read`` / ``insurance_contract.write``)."""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.files import PDF, InvalidFileError, UploadFile
from qonto_async.models.common import Money
from qonto_async.models.insurance import (
    InsuranceContract,
    InsuranceContractOrigin,
    InsuranceContractStatus,
    InsuranceDocument,
    InsurancePaymentFrequency,
)
from qonto_async.resources._base import Resource, amount_param, check_id, operation, path_id
from qonto_async.resources.attachments import _upload_file
from qonto_async.resources.requests import date_param
from qonto_async.serde import decoder
from qonto_async.session import Request

_ONE = decoder(InsuranceContract, key="insurance_contract")
_DOCUMENT = decoder(InsuranceDocument)
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
_ORIGINS: Final = tuple(o.value for o in InsuranceContractOrigin)
_STATUSES: Final = tuple(s.value for s in InsuranceContractStatus)
_FREQUENCIES: Final = tuple(f.value for f in InsurancePaymentFrequency)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    text = value.value if isinstance(value, enum.Enum) else value
    if text not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    assert isinstance(text, str)
    return text


def _price(value: object) -> dict[str, str]:
    if not isinstance(value, Money):
        raise ConfigurationError(
            f"price must be a Money(value=Decimal('99.99'), currency='EUR'), got {type(value).__name__}."
        )
    if not isinstance(value.currency, str) or not _CURRENCY.match(value.currency):
        raise ConfigurationError(f"price.currency must be an ISO 4217 code such as 'EUR', got {value.currency!r}.")
    # qonto-api.md §11: a money object's value is a decimal string.
    return {"value": amount_param("price.value", value.value), "currency": value.currency}


def _fields(
    *,
    name: str | None,
    contract_id: str | None,
    origin: InsuranceContractOrigin | str | None,
    provider_slug: str | None,
    type: str | None,
    status: InsuranceContractStatus | str | None,
    start_date: date | str | None,
    payment_frequency: InsurancePaymentFrequency | str | None,
    price: Money | None,
    expiration_date: date | str | None,
    renewal_date: date | str | None,
    troubleshooting_url: str | None,
    service_url: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in (
        ("name", name),
        ("contract_id", contract_id),
        ("provider_slug", provider_slug),
        ("type", type),
        ("troubleshooting_url", troubleshooting_url),
        ("service_url", service_url),
    ):
        if value is not None:
            body[key] = _text(key, value)
    if origin is not None:
        body["origin"] = _choice("origin", origin, _ORIGINS)
    if status is not None:
        body["status"] = _choice("status", status, _STATUSES)
    if payment_frequency is not None:
        body["payment_frequency"] = _choice("payment_frequency", payment_frequency, _FREQUENCIES)
    for key, day in (
        ("start_date", start_date),
        ("expiration_date", expiration_date),
        ("renewal_date", renewal_date),
    ):
        if day is not None:
            body[key] = date_param(key, day)
    if price is not None:
        body["price"] = _price(price)
    return body


def _form(upload: UploadFile, fields: tuple[tuple[str, str], ...]) -> Sequence[tuple[str, UploadFile | str]]:
    # The upload's multipart form (qonto-api.md §12, Qonto's docs): the PDF in ``file``, then ``name`` and ``type``.
    form: list[tuple[str, UploadFile | str]] = [("file", upload), *fields]
    return form


class InsuranceContractsResource(Resource):
    __slots__ = ()

    @operation("POST", "/v2/insurance_contracts")
    async def create(
        self,
        *,
        name: str,
        contract_id: str,
        origin: InsuranceContractOrigin | str,
        provider_slug: str,
        type: str,
        status: InsuranceContractStatus | str,
        start_date: date | str,
        payment_frequency: InsurancePaymentFrequency | str,
        price: Money,
        expiration_date: date | str | None = None,
        renewal_date: date | str | None = None,
        troubleshooting_url: str | None = None,
        service_url: str | None = None,
    ) -> InsuranceContract:
        """``POST /v2/insurance_contracts``: register a contract the organization signed with you (OAuth
        ``insurance_contract.write``); Qonto answers 201 with it, or 409 if it already knows ``contract_id``.

        ``price`` is a :class:`~qonto_async.models.Money` whose value is a ``Decimal`` or decimal string (a float is
        refused), sent as ``{"value": "99.99", "currency": "EUR"}``. Dates take a ``date`` or ``YYYY-MM-DD``.
        ``origin``: insurance_hub, qonto_other or stello; ``status``: active, pending_payment, pending_others,
        action_required, expired or archived; ``payment_frequency``: month, quarter, semester or annual. Qonto
        documents no idempotency key here, so the call is never retried automatically.
        """
        body = _fields(
            name=name,
            contract_id=contract_id,
            origin=origin,
            provider_slug=provider_slug,
            type=type,
            status=status,
            start_date=start_date,
            payment_frequency=payment_frequency,
            price=price,
            expiration_date=expiration_date,
            renewal_date=renewal_date,
            troubleshooting_url=troubleshooting_url,
            service_url=service_url,
        )
        return await self._send(
            Request(method="POST", path="/v2/insurance_contracts", json={"insurance_contract": body}, decode=_ONE)
        )

    @operation("GET", "/v2/insurance_contracts/{id}")
    async def get(self, id: str) -> InsuranceContract:
        """``GET /v2/insurance_contracts/{id}``: one contract, with its ``documents`` (OAuth
        ``insurance_contract.read``)."""
        path = f"/v2/insurance_contracts/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("PATCH", "/v2/insurance_contracts/{id}")
    async def update(
        self,
        id: str,
        *,
        name: str | None = None,
        contract_id: str | None = None,
        origin: InsuranceContractOrigin | str | None = None,
        provider_slug: str | None = None,
        type: str | None = None,
        status: InsuranceContractStatus | str | None = None,
        start_date: date | str | None = None,
        payment_frequency: InsurancePaymentFrequency | str | None = None,
        price: Money | None = None,
        expiration_date: date | str | None = None,
        renewal_date: date | str | None = None,
        troubleshooting_url: str | None = None,
        service_url: str | None = None,
    ) -> InsuranceContract:
        """``PATCH /v2/insurance_contracts/{id}``: change some fields of a contract (at least one); the others
        keep their values. Arguments are checked as in :meth:`create`. Not retried automatically."""
        body = _fields(
            name=name,
            contract_id=contract_id,
            origin=origin,
            provider_slug=provider_slug,
            type=type,
            status=status,
            start_date=start_date,
            payment_frequency=payment_frequency,
            price=price,
            expiration_date=expiration_date,
            renewal_date=renewal_date,
            troubleshooting_url=troubleshooting_url,
            service_url=service_url,
        )
        if not body:
            raise ConfigurationError("update needs at least one field to change.")
        path = f"/v2/insurance_contracts/{path_id('id', id)}"
        return await self._send(Request(method="PATCH", path=path, json={"insurance_contract": body}, decode=_ONE))

    @operation("POST", "/v2/insurance_contracts/{id}/attachments")
    async def upload_attachment(
        self,
        id: str,
        file: UploadFile | str | os.PathLike[str],
        *,
        name: str,
        type: str,
        idempotency_key: str | None = None,
    ) -> InsuranceDocument:
        """``POST /v2/insurance_contracts/{id}/attachments``: attach one **PDF** to a contract.

        ``file`` is an :class:`~qonto_async.UploadFile` or a path; anything but a PDF is refused before sending
        (:class:`~qonto_async.InvalidFileError`). ``name`` (e.g. ``"Contract Axa"``) and ``type`` (e.g.
        ``contract``, ``statement``) are required; all three go as ``multipart/form-data`` fields ``file``,
        ``name`` and ``type``. ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call
        and reused on every retry, or pass your own. Returns the new document (its ``id`` is what
        :meth:`delete_attachment` takes).
        """
        path = f"/v2/insurance_contracts/{path_id('id', id)}/attachments"
        fields = (("name", _text("name", name)), ("type", _text("type", type)))
        upload = await _upload_file(file)
        if upload.content_type != PDF:
            raise InvalidFileError(
                f"insurance contract documents must be PDF files; {upload.filename!r} is {upload.content_type}."
            )
        # Passed through a mapping: the attrs plugin of mypy cannot type ``Request.files`` (its converter is
        # ``tuple``), while the value is exactly the declared ``Sequence[tuple[str, UploadFile | str]]``.
        form: dict[str, Any] = {"files": _form(upload, fields)}
        return await self._send(
            Request(
                method="POST",
                path=path,
                **form,
                decode=_DOCUMENT,
                idempotent_key_supported=True,
                idempotency_key=None if idempotency_key is None else check_id("idempotency_key", idempotency_key),
            )
        )

    @operation("DELETE", "/v2/insurance_contracts/{id}/attachments/{attachment_id}")
    async def delete_attachment(self, id: str, attachment_id: str) -> None:
        """``DELETE /v2/insurance_contracts/{id}/attachments/{attachment_id}``: remove one document (204).

        Qonto documents no idempotency key here, so a failed call is not retried automatically."""
        path = f"/v2/insurance_contracts/{path_id('id', id)}/attachments/{path_id('attachment_id', attachment_id)}"
        await self._send(Request(method="DELETE", path=path))
