"""FakeQonto: attachment uploads and removals (qonto-api.md §3.1 rows 1, 3, 4, 6; §12).

Uploads must be ``multipart/form-data`` with a single field ``file`` holding a PDF, JPEG or PNG whose declared type
agrees with its first bytes; otherwise the fake answers like Qonto's documented examples: 400 ``missing_file``,
``invalid_file_type`` or ``file_too_big``, each pointing at ``/file``. Qonto documents no size limit (§14 item 7);
the fake's own is :attr:`AttachmentStore.max_file_size`.

Uploaded files are kept in ``fake.stores["attachments_write"]`` (an :class:`AttachmentStore`): their metadata as
``GET /v2/attachments/{id}`` would show it, and their bytes, which a test can serve from a second loopback server
standing for S3 (set :attr:`AttachmentStore.files_base_url`). Removals of seeded attachments are recorded there too.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

import attrs
from aiohttp import web

from qonto_async.files import ALLOWED_CONTENT_TYPES, detect_content_type
from qonto_async.testing._data import format_time
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

__all__ = ["ROUTES", "AttachmentStore", "store"]

STORE: Final = "attachments_write"
_SCOPE: Final = "attachment.write"


@attrs.define(kw_only=True)
class Upload:
    id: str
    transaction_id: str | None
    file_name: str
    content_type: str
    content: bytes = attrs.field(repr=False)
    created_at: str
    visible_from: datetime  # on the fake's clock


@attrs.define(kw_only=True)
class AttachmentStore:
    """Uploads and removals. ``processing_seconds`` delays when a transaction upload becomes visible (Qonto
    processes them in the background, qonto-api.md §12); ``files_base_url`` is where the pre-signed ``url`` of an
    upload points (``{files_base_url}/{id}/{file_name}?X-Amz-...``)."""

    uploads: dict[str, Upload] = attrs.field(factory=dict)
    # Seeded attachments (FakeData) removed from their transaction.
    removed: set[str] = attrs.field(factory=set)
    max_file_size: int = 1024 * 1024
    processing_seconds: float = 0.0
    files_base_url: str = "https://qonto-fake-attachments.example/uploads"

    def content(self, attachment_id: str) -> bytes | None:
        """The bytes of an upload (for a test's stand-in file host)."""
        upload = self.uploads.get(attachment_id)
        return None if upload is None else upload.content

    def attachment(self, fake: FakeQonto, attachment_id: str) -> dict[str, Any] | None:
        """An upload as ``GET /v2/attachments/{id}`` shows it, or None (unknown, removed or still processing)."""
        upload = self.uploads.get(attachment_id)
        if upload is None or fake.now() < upload.visible_from:
            return None
        signature = hashlib.sha256(f"{upload.id}:{fake.data.secret_key}".encode()).hexdigest()[:32]
        return {
            "id": upload.id,
            "created_at": upload.created_at,
            "file_name": upload.file_name,
            "file_size": str(len(upload.content)),
            "file_content_type": upload.content_type,
            # qonto-api.md §12: a pre-signed URL valid 30 minutes, fetched without Qonto headers.
            "url": f"{self.files_base_url}/{upload.id}/{upload.file_name}"
            f"?X-Amz-Expires=1800&X-Amz-Signature={signature}",
            "probative_attachment": {"status": "unavailable"},
        }

    def for_transaction(
        self, fake: FakeQonto, transaction_id: str, seeded: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """A transaction's attachments: the seeded ones not removed, then its visible uploads."""
        out = [a for a in seeded if a["id"] not in self.removed]
        for upload in self.uploads.values():
            if upload.transaction_id == transaction_id:
                shown = self.attachment(fake, upload.id)
                if shown is not None:
                    out.append(shown)
        return out

    def is_removed(self, attachment_id: str) -> bool:
        return attachment_id in self.removed


def store(fake: FakeQonto) -> AttachmentStore:
    found: AttachmentStore = fake.stores.setdefault(STORE, AttachmentStore())
    return found


def _file_error(fake: FakeQonto, ctx: _Ctx, code: str, detail: str) -> web.Response:
    return fake._error(400, code, detail, ctx.trace, source={"pointer": "/file"})


def _parts(ctx: _Ctx) -> list[EmailMessage] | None:
    content_type = ctx.request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + ctx.body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return None
    return [part for part in message.iter_parts() if isinstance(part, EmailMessage)]


def _read_upload(fake: FakeQonto, ctx: _Ctx) -> tuple[str, str, bytes] | web.Response:
    """(file name, content type, bytes) of the single ``file`` field, or the error Qonto would answer."""
    parts = _parts(ctx)
    if parts is None:
        return _file_error(fake, ctx, "missing_file", "The request is missing a file parameter")
    files = [p for p in parts if p.get_param("name", header="content-disposition") == "file"]
    others = [p for p in parts if p not in files]
    if len(files) != 1 or files[0].get_filename() is None:
        return _file_error(fake, ctx, "missing_file", "The request is missing a file parameter")
    if others:
        names = sorted(str(p.get_param("name", header="content-disposition")) for p in others)
        return fake._error(
            400,
            "invalid_parameter",
            f"Only the file parameter is accepted, got {', '.join(names)}",
            ctx.trace,
            source={"pointer": "/"},
        )
    part = files[0]
    payload = part.get_payload(decode=True)
    content = payload if isinstance(payload, bytes) else b""
    declared = part.get_content_type()
    detected = detect_content_type(content)
    if detected is None or declared != detected or declared not in ALLOWED_CONTENT_TYPES:
        return _file_error(fake, ctx, "invalid_file_type", "Invalid file type")
    if len(content) > store(fake).max_file_size:
        return _file_error(fake, ctx, "file_too_big", "File is too big")
    # Browsers and this client escape '"' as %22 in the name; Rack unescapes it.
    return unquote(str(part.get_filename())), declared, content


def _new_upload(fake: FakeQonto, transaction_id: str | None, name: str, kind: str, content: bytes) -> Upload:
    uploads = store(fake).uploads
    number = len(uploads) + 1
    now = fake.now()
    delay = store(fake).processing_seconds if transaction_id is not None else 0.0
    upload = Upload(
        id=f"{fake.data.prefix}-0a00-4000-b000-{number:012x}",
        transaction_id=transaction_id,
        file_name=name,
        content_type=kind,
        content=content,
        created_at=format_time(now),
        visible_from=now + timedelta(seconds=delay),
    )
    uploads[upload.id] = upload
    return upload


def _transaction(fake: FakeQonto, ctx: _Ctx, name: str) -> tuple[int, int] | web.Response:
    found = fake.data.parse_id(ctx.params[name])
    if found is None:
        return fake._error(404, "not_found", "Transaction not found", ctx.trace, source={"parameter": "id"})
    return found


def _seeded(fake: FakeQonto, found: tuple[int, int]) -> list[dict[str, Any]]:
    return [fake.data.attachment(*found)] if fake.data.transaction(*found)["attachment_ids"] else []


async def _upload(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    read = _read_upload(fake, ctx)
    if isinstance(read, web.Response):
        return read
    upload = _new_upload(fake, None, *read)
    # The documented 200 body holds only the new id (Postman and OpenAPI examples).
    return fake._json(200, {"attachment": {"id": upload.id}}, ctx.trace)


async def _upload_for_transaction(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _transaction(fake, ctx, "id")
    if isinstance(found, web.Response):
        return found
    read = _read_upload(fake, ctx)
    if isinstance(read, web.Response):
        return read
    _new_upload(fake, ctx.params["id"], *read)
    # qonto-api.md §12: accepted with an empty 200, processed in the background. An empty body, not None, so that
    # the idempotency cache keeps (and replays) this success like any other.
    return web.Response(status=200, body=b"", headers={TRACE_HEADER: ctx.trace})


async def _remove(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _transaction(fake, ctx, "transaction_id")
    if isinstance(found, web.Response):
        return found
    attachments = store(fake)
    target = ctx.params["attachment_id"]
    current = attachments.for_transaction(fake, ctx.params["transaction_id"], _seeded(fake, found))
    if not any(a["id"] == target for a in current):
        return fake._error(
            404, "not_found", "Attachment not found", ctx.trace, source={"parameter": "attachment_id"}
        )
    if target in attachments.uploads:
        del attachments.uploads[target]
    else:
        attachments.removed.add(target)
    return web.Response(status=200, headers={TRACE_HEADER: ctx.trace})


async def _remove_all(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    found = _transaction(fake, ctx, "id")
    if isinstance(found, web.Response):
        return found
    attachments = store(fake)
    for seeded in _seeded(fake, found):
        attachments.removed.add(seeded["id"])
    for upload_id in [u.id for u in attachments.uploads.values() if u.transaction_id == ctx.params["id"]]:
        del attachments.uploads[upload_id]
    return web.Response(status=200, headers={TRACE_HEADER: ctx.trace})


# qonto-api.md §3.1 rows 1, 3, 4, 6: scope attachment.write, API keys allowed; §7: the key is required on uploads.
ROUTES: Final = (
    _Route("POST", "/v2/attachments", _upload, _SCOPE, True, write=True, idempotency_required=True),
    _Route(
        "POST",
        "/v2/transactions/{id}/attachments",
        _upload_for_transaction,
        _SCOPE,
        True,
        write=True,
        idempotency_required=True,
    ),
    _Route(
        "DELETE",
        "/v2/transactions/{transaction_id}/attachments/{attachment_id}",
        _remove,
        _SCOPE,
        True,
        write=True,
    ),
    _Route("DELETE", "/v2/transactions/{id}/attachments", _remove_all, _SCOPE, True, write=True),
)
