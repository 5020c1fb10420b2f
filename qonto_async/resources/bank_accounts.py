"""``qonto.bank_accounts``: business accounts (qonto-api.md §3.1 rows 12-16, §3.2 B2)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.bank_accounts import BankAccount
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation, path_id
from qonto_async.resources._downloads import Destination, check_destination
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(BankAccount, key="bank_accounts")
_ONE = decoder(BankAccount, key="bank_account")
# qonto-api.md §3.2 B2.
IBAN_CERTIFICATE_LOCALES: Final = ("en", "fr", "it", "de", "es", "pt", "nl")


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"name must be a non-empty string, got {value!r}.")
    return value


def _certificate(id: str, locale: str | None) -> tuple[str, list[tuple[str, str]]]:
    if locale is not None and locale not in IBAN_CERTIFICATE_LOCALES:
        allowed = ", ".join(IBAN_CERTIFICATE_LOCALES)
        raise ConfigurationError(f"locale must be one of {allowed} (or None); got {locale!r}.")
    path = f"/v2/bank_accounts/{path_id('id', id)}/iban_certificate"
    return path, Params().add("locale", locale).pairs


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
        Qonto chooses when it is left out. :meth:`download_iban_certificate_to` writes it to a file.
        """
        path, params = _certificate(id, locale)
        request: Request[bytes] = Request(
            method="GET", path=path, params=params, headers={"Accept": "application/pdf"}, raw=True
        )
        return await self._send(request)

    @operation("GET", "/v2/bank_accounts/{id}/iban_certificate")
    async def download_iban_certificate_to(self, id: str, dest: Destination, *, locale: str | None = None) -> Path:
        """``GET /v2/bank_accounts/{id}/iban_certificate``, streamed to the file ``dest``; returns its path.

        The PDF goes to a temporary file in ``dest``'s directory, renamed over ``dest`` only once complete: ``dest``
        is never left half-written, and nothing is left behind on failure.
        """
        path, params = _certificate(id, locale)
        request: Request[Path] = Request(
            method="GET",
            path=path,
            params=params,
            headers={"Accept": "application/pdf"},
            raw=True,
            dest=check_destination(dest),
        )
        return await self._send(request)

    @operation("POST", "/v2/bank_accounts")
    async def create(self, *, name: str, idempotency_key: str | None = None) -> BankAccount:
        """``POST /v2/bank_accounts``: open a new business account named ``name``; returns it.

        OAuth only, scope ``bank_account.write`` (an API key gets a 403). ``X-Qonto-Idempotency-Key`` is required
        (qonto-api.md §7): one is generated per call and reused on every retry, or pass your own.
        """
        body = {"bank_account": {"name": _name(name)}}
        return await self._send(
            Request(
                method="POST",
                path="/v2/bank_accounts",
                json=body,
                decode=_ONE,
                idempotent_key_supported=True,
                idempotency_key=None if idempotency_key is None else check_id("idempotency_key", idempotency_key),
            )
        )

    @operation("PATCH", "/v2/bank_accounts/{id}")
    async def update(self, id: str, *, name: str) -> BankAccount:
        """``PATCH /v2/bank_accounts/{id}``: rename a business account (the name is all Qonto lets you change).

        OAuth only, scope ``bank_account.write``. Qonto documents no idempotency key here; renaming twice is
        harmless, but the call is not retried automatically.
        """
        path = f"/v2/bank_accounts/{path_id('id', id)}"
        body = {"bank_account": {"name": _name(name)}}
        return await self._send(Request(method="PATCH", path=path, json=body, decode=_ONE))

    @operation("POST", "/v2/bank_accounts/{id}/close")
    async def close(self, id: str) -> BankAccount:
        """``POST /v2/bank_accounts/{id}/close``: close a business account; returns it (``status`` ``closed``).

        OAuth only, scope ``bank_account.write``, and **SCA** is required (qonto-api.md §3.1 row 16, §8): a 428
        is handled like for every other write. Qonto refuses to close the main account, an account whose balance
        is not zero, and external accounts (a ``ValidationError``). No idempotency key is documented: not retried.
        """
        path = f"/v2/bank_accounts/{path_id('id', id)}/close"
        return await self._send(Request(method="POST", path=path, decode=_ONE))
