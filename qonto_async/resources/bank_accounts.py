"""``qonto.bank_accounts``: business accounts (qonto-api.md §3.1 rows 12-16, §3.2 B2)."""

from __future__ import annotations

from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.bank_accounts import BankAccount
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_per_page, operation, path_id
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(BankAccount, key="bank_accounts")
_ONE = decoder(BankAccount, key="bank_account")
# qonto-api.md §3.2 B2.
IBAN_CERTIFICATE_LOCALES: Final = ("en", "fr", "it", "de", "es", "pt", "nl")


class BankAccountsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/bank_accounts")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[BankAccount]:
        """``GET /v2/bank_accounts``: one page of business accounts.

        Balances and IBANs only appear for members allowed to see them (qonto-api.md §13).
        """
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/bank_accounts", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/bank_accounts")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[BankAccount]:
        """Every business account, across pages."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[BankAccount]:
            return await self.list(page=page, per_page=per_page)

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/bank_accounts/{id}")
    async def get(self, id: str) -> BankAccount:
        """``GET /v2/bank_accounts/{id}``: one business account."""
        path = f"/v2/bank_accounts/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("GET", "/v2/bank_accounts/{id}/iban_certificate")
    async def download_iban_certificate(self, id: str, *, locale: str | None = None) -> bytes:
        """``GET /v2/bank_accounts/{id}/iban_certificate``: the account's IBAN certificate, as the PDF's bytes.

        ``locale`` (``en``, ``fr``, ``it``, ``de``, ``es``, ``pt`` or ``nl``) picks the certificate's language;
        Qonto chooses when it is left out. Write the bytes to a file with ``Path(...).write_bytes(pdf)``.
        """
        if locale is not None and locale not in IBAN_CERTIFICATE_LOCALES:
            allowed = ", ".join(IBAN_CERTIFICATE_LOCALES)
            raise ConfigurationError(f"locale must be one of {allowed} (or None); got {locale!r}.")
        path = f"/v2/bank_accounts/{path_id('id', id)}/iban_certificate"
        params = Params().add("locale", locale)
        request: Request[bytes] = Request(
            method="GET", path=path, params=params.pairs, headers={"Accept": "application/pdf"}, raw=True
        )
        return await self._send(request)
