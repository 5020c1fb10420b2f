"""``qonto.beneficiaries``: SEPA beneficiaries: list, get, add, update, trust, untrust (qonto-api.md §3.1 rows 107-112)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.beneficiaries import SepaBeneficiary, SepaBeneficiaryStatus
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation, path_id
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

_PAGE = page_decoder(SepaBeneficiary, key="beneficiaries")
_ONE = decoder(SepaBeneficiary, key="beneficiary")
_MANY = list_decoder(SepaBeneficiary, key="beneficiaries")
_MAX_IDS: Final = 400  # qonto-api.md §3.1 rows 111-112: up to 400 beneficiaries at once.
_STATUSES: Final = tuple(s.value for s in SepaBeneficiaryStatus)
_SORT_BY: Final = re.compile(r"^(created_at|updated_at):(asc|desc)$")


def _filters(
    *,
    ibans: Iterable[str] | str | None,
    status: Iterable[str] | str | None,
    trusted: bool | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(
            f"sort_by must be 'updated_at:asc', 'updated_at:desc', 'created_at:asc' or 'created_at:desc', "
            f"got {sort_by!r}."
        )
    # Qonto's official Postman collection repeats the bare keys here (``iban=a&iban=b``), unlike the Rails-style
    # ``status[]`` of older endpoints; follow it, since a server reading bare keys would ignore ``iban[]``.
    params = Params().add_repeated("iban", ibans).add_repeated("status", status, choices=_STATUSES)
    return params.add_bool("trusted", trusted).add("sort_by", sort_by)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def beneficiary_ids(values: object) -> list[str]:
    """1 to 400 beneficiary ids (``ids`` of the trust and untrust calls)."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(f"ids must be a list of beneficiary ids, got {type(values).__name__}.")
    ids = [check_id("ids", value) for value in values]
    if not 1 <= len(ids) <= _MAX_IDS:
        raise ConfigurationError(f"ids takes 1 to {_MAX_IDS} beneficiary ids, got {len(ids)}.")
    return ids


class BeneficiariesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/sepa/beneficiaries")
    async def list(
        self,
        *,
        ibans: Iterable[str] | str | None = None,
        status: Iterable[str] | str | None = None,
        trusted: bool | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[SepaBeneficiary]:
        """``GET /v2/sepa/beneficiaries``: one page of SEPA beneficiaries.

        ``ibans`` and ``status`` (``pending``, ``validated``, ``declined``) take one value or a list; ``trusted``
        a bool; ``sort_by`` is ``property:direction`` (``updated_at:desc`` in Qonto's example).
        """
        params = _filters(ibans=ibans, status=status, trusted=trusted, sort_by=sort_by).paging(page, per_page)
        return await self._send(
            Request(method="GET", path="/v2/sepa/beneficiaries", params=params.pairs, decode=_PAGE)
        )

    @operation("GET", "/v2/sepa/beneficiaries")
    def iterate(
        self,
        *,
        ibans: Iterable[str] | str | None = None,
        status: Iterable[str] | str | None = None,
        trusted: bool | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[SepaBeneficiary]:
        """Every SEPA beneficiary matching the filters, across pages. Arguments are checked now."""
        base = tuple(_filters(ibans=ibans, status=status, trusted=trusted, sort_by=sort_by).pairs)
        check_per_page(per_page)

        async def fetch(page: int) -> Page[SepaBeneficiary]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(
                Request(method="GET", path="/v2/sepa/beneficiaries", params=pairs, decode=_PAGE)
            )

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/sepa/beneficiaries/{id}")
    async def get(self, id: str) -> SepaBeneficiary:
        """``GET /v2/sepa/beneficiaries/{id}``: one SEPA beneficiary."""
        path = f"/v2/sepa/beneficiaries/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("POST", "/v2/sepa/beneficiaries")
    async def create(
        self,
        *,
        name: str,
        iban: str,
        bic: str | None = None,
        email: str | None = None,
        activity_tag: str | None = None,
        idempotency_key: str | None = None,
    ) -> SepaBeneficiary:
        """``POST /v2/sepa/beneficiaries``: add an **untrusted** SEPA beneficiary (OAuth ``payment.write``).

        Returns the new beneficiary. ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated
        per call and reused on every retry, or pass your own. Transfers to an untrusted beneficiary need SCA and
        fall back from instant to standard sooner (qonto-api.md §9); trusting is :meth:`trust`.
        """
        body: dict[str, Any] = {"name": _text("name", name), "iban": check_id("iban", iban)}
        for field, value in (("bic", bic), ("email", email), ("activity_tag", activity_tag)):
            if value is not None:
                body[field] = check_id(field, value)
        if idempotency_key is not None:
            check_id("idempotency_key", idempotency_key)
        return await self._send(
            Request(
                method="POST",
                path="/v2/sepa/beneficiaries",
                json={"beneficiary": body},
                decode=_ONE,
                idempotent_key_supported=True,
                idempotency_key=idempotency_key,
            )
        )

    @operation("PATCH", "/v2/sepa/beneficiaries/{id}")
    async def update(
        self,
        id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        activity_tag: str | None = None,
    ) -> SepaBeneficiary:
        """``PATCH /v2/sepa/beneficiaries/{id}``: change a beneficiary's ``name``, ``email`` or ``activity_tag``.

        Only the arguments given are sent (at least one); the IBAN cannot change. OAuth ``payment.write``.
        Returns the updated beneficiary. No idempotency key is documented, so the call is never retried.
        """
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = _text("name", name)
        for field, value in (("email", email), ("activity_tag", activity_tag)):
            if value is not None:
                body[field] = check_id(field, value)
        if not body:
            raise ConfigurationError("update needs at least one of name, email or activity_tag.")
        path = f"/v2/sepa/beneficiaries/{path_id('id', id)}"
        return await self._send(Request(method="PATCH", path=path, json={"beneficiary": body}, decode=_ONE))

    @operation("PATCH", "/v2/sepa/beneficiaries/trust")
    async def trust(self, ids: Iterable[str]) -> tuple[SepaBeneficiary, ...]:
        """``PATCH /v2/sepa/beneficiaries/trust``: trust 1 to 400 beneficiaries; returns them.

        **Embed partners only**: scope ``beneficiary.trust``, which other apps are refused at consent time
        (qonto-api.md §2.3). Like other sensitive writes it may answer 428 (SCA, qonto-api.md §8): see
        :class:`~qonto_async.ScaPolicy`. Transfers to trusted beneficiaries skip SCA.
        """
        body = {"ids": beneficiary_ids(ids)}
        return await self._send(
            Request(method="PATCH", path="/v2/sepa/beneficiaries/trust", json=body, decode=_MANY)
        )

    @operation("PATCH", "/v2/sepa/beneficiaries/untrust")
    async def untrust(self, ids: Iterable[str]) -> tuple[SepaBeneficiary, ...]:
        """``PATCH /v2/sepa/beneficiaries/untrust``: untrust 1 to 400 beneficiaries (OAuth ``payment.write``).

        Returns them, with ``trusted`` now ``False``.
        """
        body = {"ids": beneficiary_ids(ids)}
        return await self._send(
            Request(method="PATCH", path="/v2/sepa/beneficiaries/untrust", json=body, decode=_MANY)
        )
