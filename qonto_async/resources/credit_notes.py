"""``qonto.credit_notes``: credit notes correcting client invoices, read-only (qonto-api.md §3.1 rows 45-46)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.credit_notes import CreditNote
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, datetime_param, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(CreditNote, key="credit_notes")
_ONE = decoder(CreditNote, key="credit_note")
_SORT_BY: Final = re.compile(r"^created_at:(asc|desc)$")


def _filters(*, created_at_from: object, created_at_to: object, sort_by: object) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(f"sort_by must be 'created_at:asc' or 'created_at:desc', got {sort_by!r}.")
    params = Params()
    if created_at_from is not None:
        params.pairs.append(("filter[created_at_from]", datetime_param("created_at_from", created_at_from)))
    if created_at_to is not None:
        params.pairs.append(("filter[created_at_to]", datetime_param("created_at_to", created_at_to)))
    return params.add("sort_by", sort_by)


class CreditNotesResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/credit_notes")
    async def list(
        self,
        *,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[CreditNote]:
        """``GET /v2/credit_notes``: one page of credit notes (scope ``client_invoices.read``).

        ``created_at_from``/``created_at_to`` take aware datetimes or ISO 8601 text (sent in UTC as
        ``filter[created_at_*]``); ``sort_by`` is ``created_at:asc`` or ``created_at:desc``. Amounts are
        :class:`~qonto_async.models.Money`, item VAT rates fractions.
        """
        params = _filters(created_at_from=created_at_from, created_at_to=created_at_to, sort_by=sort_by)
        params.paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/credit_notes", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/credit_notes")
    def iterate(
        self,
        *,
        created_at_from: datetime | str | None = None,
        created_at_to: datetime | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[CreditNote]:
        """Every credit note matching the filters of :meth:`list`, across pages. Arguments are checked now."""
        base = tuple(_filters(created_at_from=created_at_from, created_at_to=created_at_to, sort_by=sort_by).pairs)
        check_per_page(per_page)

        async def fetch(page: int) -> Page[CreditNote]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/credit_notes", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/credit_notes/{id}")
    async def get(self, id: str) -> CreditNote:
        """``GET /v2/credit_notes/{id}``: one credit note; ``invoice_id`` is the invoice it corrects."""
        path = f"/v2/credit_notes/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))
