"""``qonto.beneficiaries``: SEPA beneficiaries, read side (qonto-api.md §3.1 rows 107 and 109)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.beneficiaries import SepaBeneficiary, SepaBeneficiaryStatus
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(SepaBeneficiary, key="beneficiaries")
_ONE = decoder(SepaBeneficiary, key="beneficiary")
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
