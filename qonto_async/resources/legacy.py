"""``qonto.legacy``: deprecated or sunset routes Qonto still documents (qonto-api.md §3.3, table C).

Every method here issues a :class:`DeprecationWarning` that names its replacement, pointing at the caller's line,
and then sends the legacy request as before. Sunset routes answer ``410 Gone`` (:class:`~qonto_async.GoneError`)
once their date has passed: the organization-by-slug routes since 2026-09-15, the external-transfer writes since
2026-03-31. Kept in their own namespace so that the current resources stay free of them.
"""

from __future__ import annotations

import functools
import typing
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models._inputs import positive_amount
from qonto_async.models.beneficiaries import SepaBeneficiaryStatus
from qonto_async.models.legacy import (
    ExternalTransfer,
    ExternalTransferItem,
    ExternalTransfersCheckout,
    ExternalTransferStatus,
    LegacyBeneficiary,
)
from qonto_async.models.organization import Organization
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, id_list, operation, path_id
from qonto_async.resources.beneficiaries import beneficiary_ids
from qonto_async.resources.requests import date_param
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

_ORGANIZATION = decoder(Organization, key="organization")
_TRANSFER = decoder(ExternalTransfer, key="external_transfer")
_TRANSFERS = page_decoder(ExternalTransfer, key="external_transfers")
_CHECKOUT = decoder(ExternalTransfersCheckout)
_BENEFICIARY = decoder(LegacyBeneficiary, key="beneficiary")
_BENEFICIARIES = page_decoder(LegacyBeneficiary, key="beneficiaries")
_UNTRUSTED = list_decoder(LegacyBeneficiary, key="beneficiaries")
_TRANSFER_STATUSES: Final = tuple(s.value for s in ExternalTransferStatus)
_BENEFICIARY_STATUSES: Final = tuple(s.value for s in SepaBeneficiaryStatus)
_MAX_CHECKOUT: Final = 400  # qonto-api.md §3.3: the checkout takes up to 400 transfers.
_ORGANIZATION_SUNSET: Final = "; Qonto sunsets it on 2026-09-15 and answers 410 Gone after that"
_WRITE_SUNSET: Final = "; Qonto sunset it on 2026-03-31 and answers 410 Gone since"


@functools.cache
def _replacement_method(replacement: str, verb: str) -> str | None:
    """The client method marked with the replacement operation (``"sepa_transfers.list"``), if the client has one.

    Looked up from the ``@operation`` marks, so the warning names whatever method covers the replacement.
    """
    from qonto_async.client import QontoClient  # the client imports this module

    found: list[str] = []
    for namespace, cls in typing.get_type_hints(QontoClient).items():
        if not isinstance(cls, type) or not issubclass(cls, Resource) or cls is LegacyResource:
            continue
        for attribute, value in vars(cls).items():
            mark = getattr(value, "__qonto_operation__", None)
            if mark is not None and mark.name == replacement:
                found.append(f"{namespace}.{attribute}")
    if not found:
        return None
    preferred = [name for name in found if name.split(".")[1].startswith(verb)]
    return sorted(preferred or found)[0]


def _deprecated(legacy: str, replacement: str, *, verb: str, note: str = "", stacklevel: int = 3) -> None:
    # stacklevel: this function, the resource method, then the caller's line (an awaited coroutine's frame links
    # back to the frame awaiting it).
    method = _replacement_method(replacement, verb)
    use = f"qonto.{method}() ({replacement})" if method is not None else replacement
    warnings.warn(
        f"{legacy} is a deprecated Qonto route{note}; use {use} instead (qonto-api.md §3.3).",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def _transfer_filters(
    *,
    status: Iterable[str] | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
    scheduled_date_from: date | str | None,
    scheduled_date_to: date | str | None,
    beneficiary_ids: Iterable[str] | str | None,
) -> Params:
    # The OpenAPI document names these array parameters without brackets (``status``, ``beneficiary_ids``).
    params = Params().add_repeated("status", status, choices=_TRANSFER_STATUSES)
    params.add_datetime("updated_at_from", updated_at_from).add_datetime("updated_at_to", updated_at_to)
    if scheduled_date_from is not None:
        params.add("scheduled_date_from", date_param("scheduled_date_from", scheduled_date_from))
    if scheduled_date_to is not None:
        params.add("scheduled_date_to", date_param("scheduled_date_to", scheduled_date_to))
    return params.add_repeated("beneficiary_ids", beneficiary_ids)


def _beneficiary_filters(
    *,
    trusted: bool | None,
    status: Iterable[str] | str | None,
    ibans: Iterable[str] | str | None,
    updated_at_from: datetime | str | None,
    updated_at_to: datetime | str | None,
) -> Params:
    params = Params().add_bool("trusted", trusted).add_repeated("status", status, choices=_BENEFICIARY_STATUSES)
    params.add_repeated("iban", ibans)
    return params.add_datetime("updated_at_from", updated_at_from).add_datetime("updated_at_to", updated_at_to)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _checkout_item(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, ExternalTransferItem):
        raise ConfigurationError(
            f"transfers[{index}] must be an ExternalTransferItem(amount=..., credit_iban=..., "
            f"credit_account_name=..., reference=...), got {type(item).__name__}."
        )
    where = f"transfers[{index}]"
    body: dict[str, Any] = {
        "credit_iban": check_id(f"{where}.credit_iban", item.credit_iban),
        "credit_account_name": _text(f"{where}.credit_account_name", item.credit_account_name),
        "credit_account_currency": check_id(f"{where}.credit_account_currency", item.credit_account_currency),
        "reference": _text(f"{where}.reference", item.reference),
        "currency": check_id(f"{where}.currency", item.currency),
        "amount": f"{item.amount:f}",
        # qonto-api.md §7: a per-item key in the body, made once per call: an SCA replay of this call reuses it.
        "idempotency_key": check_id(f"{where}.idempotency_key", item.idempotency_key)
        if item.idempotency_key is not None
        else str(uuid.uuid4()),
    }
    if item.note is not None:
        body["note"] = _text(f"{where}.note", item.note)
    if item.scheduled_date is not None:
        body["scheduled_date"] = date_param(f"{where}.scheduled_date", item.scheduled_date)
    if item.attachment_ids:
        body["attachment_ids"] = list(item.attachment_ids)
    return body


class LegacyResource(Resource):
    """Table C of qonto-api.md §3.3. Each method warns (``DeprecationWarning``) and names its replacement."""

    __slots__ = ()

    @operation("GET", "/v1/organizations/{slug}")
    async def get_organization_v1(self, slug: str) -> Organization:
        """``GET /v1/organizations/{slug}``: deprecated; use :meth:`OrganizationResource.get` (``GET /v2/organization``).

        The slug is ignored by Qonto (the credentials pick the organization). Qonto sends ``Sunset``/
        ``Deprecation`` headers on it (a :class:`~qonto_async.QontoDeprecationWarning` as well) and answers
        410 Gone after 2026-09-15.
        """
        _deprecated("GET /v1/organizations/{slug}", "GET /v2/organization", verb="get", note=_ORGANIZATION_SUNSET)
        path = f"/v1/organizations/{path_id('slug', slug)}"
        return await self._send(Request(method="GET", path=path, decode=_ORGANIZATION))

    @operation("GET", "/v2/organizations/{slug}")
    async def get_organization_v2(self, slug: str) -> Organization:
        """``GET /v2/organizations/{slug}``: deprecated; use :meth:`OrganizationResource.get` (``GET /v2/organization``).

        Same as :meth:`get_organization_v1`, including the 410 Gone after 2026-09-15.
        """
        _deprecated("GET /v2/organizations/{slug}", "GET /v2/organization", verb="get", note=_ORGANIZATION_SUNSET)
        path = f"/v2/organizations/{path_id('slug', slug)}"
        return await self._send(Request(method="GET", path=path, decode=_ORGANIZATION))

    @operation("GET", "/v2/external_transfers")
    async def list_external_transfers(
        self,
        *,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        scheduled_date_from: date | str | None = None,
        scheduled_date_to: date | str | None = None,
        beneficiary_ids: Iterable[str] | str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[ExternalTransfer]:
        """``GET /v2/external_transfers``: legacy; use the SEPA transfers list (``GET /v2/sepa/transfers``).

        ``status`` (pending, processing, canceled, declined, settled) and ``beneficiary_ids`` take one value or a
        list; dates are ``YYYY-MM-DD``, date-times aware or ISO 8601 text.
        """
        _deprecated("GET /v2/external_transfers", "GET /v2/sepa/transfers", verb="list")
        params = _transfer_filters(
            status=status,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
            scheduled_date_from=scheduled_date_from,
            scheduled_date_to=scheduled_date_to,
            beneficiary_ids=beneficiary_ids,
        ).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/external_transfers", params=params.pairs, decode=_TRANSFERS)
        )

    @operation("GET", "/v2/external_transfers")
    def iterate_external_transfers(
        self,
        *,
        status: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        scheduled_date_from: date | str | None = None,
        scheduled_date_to: date | str | None = None,
        beneficiary_ids: Iterable[str] | str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[ExternalTransfer]:
        """Every legacy external transfer matching the filters, across pages; legacy, like
        :meth:`list_external_transfers`. Warns and checks the arguments now, at the call."""
        _deprecated("GET /v2/external_transfers", "GET /v2/sepa/transfers", verb="iterate")
        base = tuple(
            _transfer_filters(
                status=status,
                updated_at_from=updated_at_from,
                updated_at_to=updated_at_to,
                scheduled_date_from=scheduled_date_from,
                scheduled_date_to=scheduled_date_to,
                beneficiary_ids=beneficiary_ids,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[ExternalTransfer]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(
                Request(method="GET", path="/v2/external_transfers", params=pairs, decode=_TRANSFERS)
            )

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/external_transfers/{id}")
    async def get_external_transfer(self, id: str) -> ExternalTransfer:
        """``GET /v2/external_transfers/{id}``: legacy; use ``GET /v2/sepa/transfers/{id}``."""
        _deprecated("GET /v2/external_transfers/{id}", "GET /v2/sepa/transfers/{id}", verb="get")
        path = f"/v2/external_transfers/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_TRANSFER))

    @operation("POST", "/v2/external_transfers")
    async def create_external_transfer(
        self,
        *,
        beneficiary_id: str,
        debit_iban: str,
        reference: str,
        amount: Decimal | str,
        currency: str = "EUR",
        note: str | None = None,
        scheduled_date: date | str | None = None,
        attachment_ids: Sequence[str] = (),
        idempotency_key: str | None = None,
    ) -> ExternalTransfer:
        """``POST /v2/external_transfers``: sunset on 2026-03-31 (410 Gone since); use ``POST /v2/sepa/transfers``.

        A transfer to a **trusted** beneficiary. ``amount`` is a positive ``Decimal`` or decimal string (a float
        is refused). ``X-Qonto-Idempotency-Key`` is required: one is generated per call and reused on every retry,
        or pass your own. OAuth ``payment.write``.
        """
        _deprecated("POST /v2/external_transfers", "POST /v2/sepa/transfers", verb="create", note=_WRITE_SUNSET)
        body: dict[str, Any] = {
            "beneficiary_id": check_id("beneficiary_id", beneficiary_id),
            "debit_iban": check_id("debit_iban", debit_iban),
            "reference": _text("reference", reference),
            "amount": f"{positive_amount(amount):f}",
            "currency": check_id("currency", currency),
        }
        if note is not None:
            body["note"] = _text("note", note)
        if scheduled_date is not None:
            body["scheduled_date"] = date_param("scheduled_date", scheduled_date)
        ids = id_list("attachment_ids", attachment_ids)
        if ids:
            body["attachment_ids"] = ids
        if idempotency_key is not None:
            check_id("idempotency_key", idempotency_key)
        return await self._send(
            Request(
                method="POST",
                path="/v2/external_transfers",
                json={"external_transfer": body},
                decode=_TRANSFER,
                idempotent_key_supported=True,
                idempotency_key=idempotency_key,
            )
        )

    @operation("POST", "/v2/external_transfers/checkout")
    async def checkout_external_transfers(
        self, *, debit_iban: str, transfers: Sequence[ExternalTransferItem]
    ) -> ExternalTransfersCheckout:
        """``POST /v2/external_transfers/checkout``: sunset on 2026-03-31 (410 Gone since); use
        ``POST /v2/sepa/bulk_transfers``.

        1 to 400 :class:`~qonto_async.models.ExternalTransferItem`, each with its own idempotency key in the body
        (generated when not given). **Partial success**: Qonto answers 200 with the transfers it made and an
        ``errors`` list for the others (``source.pointer`` names the item); read ``errors``. May need SCA.
        """
        _deprecated(
            "POST /v2/external_transfers/checkout",
            "POST /v2/sepa/bulk_transfers",
            verb="create",
            note=_WRITE_SUNSET,
        )
        if isinstance(transfers, str | bytes | Mapping) or not isinstance(transfers, Sequence):
            raise ConfigurationError(
                f"transfers must be a list of ExternalTransferItem, got {type(transfers).__name__}."
            )
        if not 1 <= len(transfers) <= _MAX_CHECKOUT:
            raise ConfigurationError(f"transfers takes 1 to {_MAX_CHECKOUT} items, got {len(transfers)}.")
        body = {
            "debit_iban": check_id("debit_iban", debit_iban),
            "external_transfers": [_checkout_item(n, item) for n, item in enumerate(transfers)],
        }
        return await self._send(
            Request(method="POST", path="/v2/external_transfers/checkout", json=body, decode=_CHECKOUT)
        )

    @operation("GET", "/v2/beneficiaries")
    async def list_beneficiaries(
        self,
        *,
        trusted: bool | None = None,
        status: Iterable[str] | str | None = None,
        ibans: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[LegacyBeneficiary]:
        """``GET /v2/beneficiaries``: legacy; use :meth:`BeneficiariesResource.list` (``GET /v2/sepa/beneficiaries``).

        The legacy shape nests the account under ``bank_account``.
        """
        _deprecated("GET /v2/beneficiaries", "GET /v2/sepa/beneficiaries", verb="list")
        params = _beneficiary_filters(
            trusted=trusted,
            status=status,
            ibans=ibans,
            updated_at_from=updated_at_from,
            updated_at_to=updated_at_to,
        ).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/beneficiaries", params=params.pairs, decode=_BENEFICIARIES)
        )

    @operation("GET", "/v2/beneficiaries")
    def iterate_beneficiaries(
        self,
        *,
        trusted: bool | None = None,
        status: Iterable[str] | str | None = None,
        ibans: Iterable[str] | str | None = None,
        updated_at_from: datetime | str | None = None,
        updated_at_to: datetime | str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[LegacyBeneficiary]:
        """Every legacy beneficiary matching the filters, across pages; legacy, like :meth:`list_beneficiaries`."""
        _deprecated("GET /v2/beneficiaries", "GET /v2/sepa/beneficiaries", verb="iterate")
        base = tuple(
            _beneficiary_filters(
                trusted=trusted,
                status=status,
                ibans=ibans,
                updated_at_from=updated_at_from,
                updated_at_to=updated_at_to,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[LegacyBeneficiary]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(
                Request(method="GET", path="/v2/beneficiaries", params=pairs, decode=_BENEFICIARIES)
            )

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/beneficiaries/{id}")
    async def get_beneficiary(self, id: str) -> LegacyBeneficiary:
        """``GET /v2/beneficiaries/{id}``: legacy; use :meth:`BeneficiariesResource.get`."""
        _deprecated("GET /v2/beneficiaries/{id}", "GET /v2/sepa/beneficiaries/{id}", verb="get")
        path = f"/v2/beneficiaries/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_BENEFICIARY))

    @operation("PATCH", "/v2/beneficiaries/untrust")
    async def untrust_beneficiaries(self, ids: Iterable[str]) -> tuple[LegacyBeneficiary, ...]:
        """``PATCH /v2/beneficiaries/untrust``: legacy; use :meth:`BeneficiariesResource.untrust`."""
        _deprecated("PATCH /v2/beneficiaries/untrust", "PATCH /v2/sepa/beneficiaries/untrust", verb="untrust")
        body = {"ids": beneficiary_ids(ids)}
        return await self._send(
            Request(method="PATCH", path="/v2/beneficiaries/untrust", json=body, decode=_UNTRUSTED)
        )
