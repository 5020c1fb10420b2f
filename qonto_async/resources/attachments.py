"""``qonto.attachments``: files attached to transactions (qonto-api.md §3.1 rows 1-6, §12)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from qonto_async.errors import ConfigurationError, PermissionDeniedError
from qonto_async.files import UploadFile
from qonto_async.models.transactions import Attachment
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation, path_id
from qonto_async.resources._downloads import Destination, bytes_fetcher, check_destination, file_fetcher
from qonto_async.serde import decoder
from qonto_async.session import Request

T = TypeVar("T")

_ONE = decoder(Attachment, key="attachment")
_PAGE = page_decoder(Attachment, key="attachments")


async def _upload_file(file: UploadFile | str | os.PathLike[str]) -> UploadFile:
    if isinstance(file, UploadFile):
        return file
    if isinstance(file, str | os.PathLike):
        # Read (and checked) off the event loop: a file on a slow disk must not stall other requests.
        return await asyncio.to_thread(UploadFile.from_path, file)
    raise ConfigurationError(
        f"file must be an UploadFile (UploadFile.from_path(...) or UploadFile.from_bytes(...)) or a path, "
        f"got {type(file).__name__}."
    )


def _idempotency_key(value: str | None) -> str | None:
    return None if value is None else check_id("idempotency_key", value)


class AttachmentsResource(Resource):
    __slots__ = ()

    @operation("POST", "/v2/attachments")
    async def upload(
        self, file: UploadFile | str | os.PathLike[str], *, idempotency_key: str | None = None
    ) -> Attachment:
        """``POST /v2/attachments``: upload a file on its own, to link it to a transfer later by its ``id``.

        ``file`` is an :class:`~qonto_async.UploadFile` or a path. Qonto accepts PDF, JPEG and PNG only: the
        file's first bytes are checked before anything is sent (:class:`~qonto_async.InvalidFileError`), and it
        goes as ``multipart/form-data`` with the single field ``file`` (qonto-api.md §12). Qonto documents no
        size limit; it answers ``file_too_big`` (a ``ValidationError``) when it finds one.

        ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on every
        retry, or pass your own. Returns the attachment; Qonto's answer holds little more than its ``id``.
        """
        upload = await _upload_file(file)
        return await self._send(
            Request(
                method="POST",
                path="/v2/attachments",
                file=upload,
                decode=_ONE,
                idempotent_key_supported=True,
                idempotency_key=_idempotency_key(idempotency_key),
            )
        )

    @operation("POST", "/v2/transactions/{id}/attachments")
    async def upload_for_transaction(
        self,
        transaction_id: str,
        file: UploadFile | str | os.PathLike[str],
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """``POST /v2/transactions/{id}/attachments``: attach a file (PDF, JPEG or PNG) to a transaction.

        The file is checked and sent as in :meth:`upload`, with a required idempotency key. Qonto answers 200
        without a body and processes the file **in the background**: the new attachment is not visible at once
        in :meth:`list_for_transaction` or in the transaction's ``attachment_ids`` (qonto-api.md §12).
        """
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        upload = await _upload_file(file)
        await self._send(
            Request(
                method="POST",
                path=path,
                file=upload,
                idempotent_key_supported=True,
                idempotency_key=_idempotency_key(idempotency_key),
            )
        )

    @operation("DELETE", "/v2/transactions/{transaction_id}/attachments/{attachment_id}")
    async def remove_from_transaction(self, transaction_id: str, attachment_id: str) -> None:
        """``DELETE /v2/transactions/{transaction_id}/attachments/{attachment_id}``: detach one attachment.

        Qonto documents no idempotency key here, so a failed call is not retried automatically: check the
        transaction's attachments before calling again.
        """
        path = (
            f"/v2/transactions/{path_id('transaction_id', transaction_id)}"
            f"/attachments/{path_id('attachment_id', attachment_id)}"
        )
        await self._send(Request(method="DELETE", path=path))

    @operation("DELETE", "/v2/transactions/{id}/attachments")
    async def remove_all_from_transaction(self, transaction_id: str) -> None:
        """``DELETE /v2/transactions/{id}/attachments``: detach every attachment of a transaction.

        Not retried automatically (Qonto documents no idempotency key here).
        """
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        await self._send(Request(method="DELETE", path=path))

    @operation("GET", "/v2/attachments/{id}")
    async def get(self, id: str) -> Attachment:
        """``GET /v2/attachments/{id}``: one attachment.

        Its ``url`` is a pre-signed S3 URL valid for 30 minutes (qonto-api.md §12): fetch it without any Qonto
        header, and call this again for a fresh URL once it has expired. :meth:`download` does both.
        """
        path = f"/v2/attachments/{path_id('id', id)}"
        return await self._send(Request(method="GET", path=path, decode=_ONE))

    @operation("GET", "/v2/transactions/{id}/attachments")
    async def list_for_transaction(
        self, transaction_id: str, *, page: int | None = None, per_page: int | None = None
    ) -> Page[Attachment]:
        """``GET /v2/transactions/{id}/attachments``: one page of the attachments of one transaction.

        Each ``url`` is pre-signed and valid for 30 minutes (qonto-api.md §12). Qonto's examples of this list carry
        no ``meta``; such a page counts as the last one.
        """
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path=path, params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/transactions/{id}/attachments")
    def iterate_for_transaction(
        self, transaction_id: str, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[Attachment]:
        """Every attachment of one transaction, across pages. Arguments are checked now, before any request."""
        path = f"/v2/transactions/{path_id('transaction_id', transaction_id)}/attachments"
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Attachment]:
            pairs = [("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path=path, params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    async def download(self, attachment: Attachment | str, *, probative: bool = False) -> bytes:
        """The attachment's file, as bytes, fetched from its pre-signed ``url`` **without any Qonto header**.

        ``attachment`` is an :class:`~qonto_async.models.Attachment` or an attachment id (then fetched first with
        :meth:`get`). Pre-signed URLs live 30 minutes (qonto-api.md §12): when the file host refuses an
        ``Attachment``'s URL, the attachment is fetched again once for a fresh URL. ``probative=True`` downloads
        the certified PAdES copy (``probative_attachment.url``) instead. Redirects are never followed; only
        ``https://`` URLs are fetched. Use :meth:`download_to` for large files.
        """
        return await self._download(attachment, probative, bytes_fetcher(self))

    async def download_to(
        self, attachment: Attachment | str, dest: Destination, *, probative: bool = False
    ) -> Path:
        """Like :meth:`download`, streamed to the file ``dest``; returns its path.

        The body goes to a temporary file in ``dest``'s directory, renamed over ``dest`` only once complete:
        ``dest`` is never left half-written, and nothing is left behind on failure.
        """
        return await self._download(attachment, probative, file_fetcher(self, check_destination(dest)))

    async def _download(
        self, attachment: Attachment | str, probative: bool, fetch: Callable[[str], Awaitable[T]]
    ) -> T:
        if not isinstance(probative, bool):
            raise ConfigurationError(f"probative must be True or False, got {probative!r}.")
        fresh = False
        if isinstance(attachment, str):
            attachment = await self.get(attachment)
            fresh = True
        elif not isinstance(attachment, Attachment):
            raise ConfigurationError(
                f"attachment must be an Attachment or an attachment id, got {type(attachment).__name__}."
            )
        try:
            return await fetch(_url_of(attachment, probative))
        except PermissionDeniedError:
            if fresh:
                raise
        # The URL had expired (or was revoked): one fresh one, as Qonto's docs say.
        renewed = await self.get(attachment.id)
        return await fetch(_url_of(renewed, probative))


def _url_of(attachment: Attachment, probative: bool) -> str:
    if probative:
        copy = attachment.probative_attachment
        if copy is None or not copy.url:
            status = copy.status if copy is not None else None
            raise ConfigurationError(
                f"attachment {attachment.id} has no probative (PAdES) copy to download (status: {status})."
            )
        return copy.url
    if not attachment.url:
        raise ConfigurationError(f"attachment {attachment.id} has no download url.")
    return attachment.url
