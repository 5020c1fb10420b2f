"""UploadFile checks, the multipart body of the request loop, and binary downloads to bytes or to a file.

The request-loop tests run against the scriptable loopback server of ``conftest.py`` (real HTTP, no mocks).
"""

from __future__ import annotations

import email.parser
import email.policy
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from qonto_async import (
    ConfigurationError,
    InvalidFileError,
    QontoClient,
    QontoConnectionError,
    RetryPolicy,
    StaticKeyAuth,
    UploadFile,
    ValidationError,
)
from qonto_async.files import detect_content_type
from qonto_async.session import Request
from tests.conftest import LoopbackServer

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32) + b"\xff\xd9"
SECRET_BYTES = b"%PDF-1.4\nTOP-SECRET-INVOICE-CONTENT\n%%EOF"
FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
AUTH = StaticKeyAuth(login="pied-piper-7132", secret_key="62885d39f3a0ddedd3d3ee0432a43ccf")


def client(server: LoopbackServer, **kwargs: Any) -> QontoClient:
    assert server.environment is not None
    kwargs.setdefault("retry", FAST)
    return QontoClient(auth=AUTH, environment=server.environment, **kwargs)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- UploadFile ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (b"junk\n" + PDF, "application/pdf")],
)
def test_the_type_is_detected_from_the_first_bytes(content: bytes, kind: str) -> None:
    assert detect_content_type(content) == kind
    upload = UploadFile.from_bytes(content, filename="scan")
    assert (upload.content_type, upload.size, upload.content) == (kind, len(content), content)


@pytest.mark.parametrize(
    "content",
    [b"", b"GIF89a......", b"PK\x03\x04 a zip or docx", b"<html>not a pdf</html>", bytes(2000) + b"%PDF-1.4"],
)
def test_anything_but_pdf_jpeg_png_is_refused(content: bytes) -> None:
    with pytest.raises(InvalidFileError, match=r"empty|not a PDF, JPEG or PNG"):
        UploadFile.from_bytes(content, filename="file.bin")


def test_the_declared_type_must_agree_with_the_content() -> None:
    with pytest.raises(InvalidFileError, match="declared as image/png but its content is application/pdf"):
        UploadFile.from_bytes(PDF, filename="invoice", content_type="image/png")
    with pytest.raises(InvalidFileError, match="content_type must be one of"):
        UploadFile(filename="x.gif", content=PNG, content_type="image/gif")
    with pytest.raises(InvalidFileError, match="extension of image/jpeg but its content is application/pdf"):
        UploadFile.from_bytes(PDF, filename="invoice.JPG")
    # Aliases and parameters normalise to the canonical type.
    assert UploadFile.from_bytes(JPEG, filename="a.jpeg", content_type="image/jpg").content_type == "image/jpeg"
    assert UploadFile.from_bytes(PDF, filename="a.pdf", content_type="Application/PDF; x=1").content_type == (
        "application/pdf"
    )
    # An unknown extension is left alone: the bytes decide.
    assert UploadFile.from_bytes(PNG, filename="scan.tmp").content_type == "image/png"


@pytest.mark.parametrize("name", ["", " a.pdf", "dir/a.pdf", "..\\a.pdf", "a\nb.pdf", "x" * 256 + ".pdf", None, 3])
def test_bad_file_names_are_refused(name: Any) -> None:
    with pytest.raises(InvalidFileError, match="filename"):
        UploadFile.from_bytes(PDF, filename=name)


def test_bad_content_is_refused_with_a_typed_error() -> None:
    with pytest.raises(InvalidFileError, match="content must be bytes"):
        UploadFile.from_bytes("%PDF-1.4 as text", filename="a.pdf")  # type: ignore[arg-type]
    with pytest.raises(InvalidFileError, match="content must be bytes"):
        UploadFile(filename="a.pdf", content=bytearray(PDF), content_type="application/pdf")  # type: ignore[arg-type]
    assert UploadFile.from_bytes(memoryview(PDF), filename="a.pdf").content == PDF
    assert issubclass(InvalidFileError, ConfigurationError)


def test_from_path_reads_the_file_and_takes_its_name(tmp_path: Path) -> None:
    path = tmp_path / "receipt.png"
    path.write_bytes(PNG)
    upload = UploadFile.from_path(path)
    assert (upload.filename, upload.content_type, upload.content) == ("receipt.png", "image/png", PNG)
    assert UploadFile.from_path(str(path), filename="other.png").filename == "other.png"
    with pytest.raises(InvalidFileError, match="cannot read"):
        UploadFile.from_path(tmp_path / "missing.pdf")
    with pytest.raises(InvalidFileError, match="cannot read"):
        UploadFile.from_path(tmp_path)
    with pytest.raises(InvalidFileError, match="path must be"):
        UploadFile.from_path(b"/etc/passwd")  # type: ignore[arg-type]


def test_the_bytes_never_appear_in_reprs() -> None:
    upload = UploadFile.from_bytes(SECRET_BYTES, filename="invoice.pdf")
    request: Request[None] = Request(method="POST", path="/v2/attachments", file=upload)
    for text in (repr(upload), str(upload), repr(request)):
        assert "TOP-SECRET" not in text
    assert repr(upload) == "UploadFile(filename='invoice.pdf', content_type='application/pdf', size=41 bytes)"


def test_request_shapes_that_make_no_sense_are_refused() -> None:
    upload = UploadFile.from_bytes(PDF, filename="a.pdf")
    with pytest.raises(ConfigurationError, match="not both"):
        Request(method="POST", path="/v2/x", file=upload, json={"a": 1})
    with pytest.raises(ConfigurationError, match="must be an UploadFile"):
        Request(method="POST", path="/v2/x", file=PDF)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="raw=True"):
        Request(method="GET", path="/v2/x", dest=Path("out.pdf"))
    with pytest.raises(ConfigurationError, match="bare GET"):
        Request(method="POST", path="", presigned_url="https://files.example/a", raw=True)


# --- multipart through the request loop ---------------------------------------------------------------------------


async def test_an_upload_is_one_file_field_rebuilt_for_every_attempt_with_the_same_key(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[tuple[dict[str, str], bytes, list[tuple[str, str | None, str | None, bytes]]]] = []

    @server.route("POST", "/v2/attachments")
    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        fields = []
        head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():  # type: ignore[attr-defined]
            fields.append(
                (
                    part.get_param("name", header="content-disposition"),
                    part.get_filename(),
                    part.get_content_type(),
                    part.get_payload(decode=True),
                )
            )
        attempts.append((dict(request.headers), body, fields))
        if len(attempts) < 3:
            return web.json_response({"errors": [{"code": "unavailable", "detail": "try again"}]}, status=503)
        return web.json_response({"attachment": {"id": "att-1"}})

    upload = UploadFile.from_bytes(SECRET_BYTES, filename='my "best" invoice.pdf')
    caplog.set_level(logging.DEBUG, logger="qonto_async")
    async with client(server) as qonto:
        attachment = await qonto.attachments.upload(upload)
    assert attachment.id == "att-1"
    assert len(attempts) == 3
    keys = {headers["X-Qonto-Idempotency-Key"] for headers, _, _ in attempts}
    assert len(keys) == 1
    for headers, _body, fields in attempts:
        assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert headers["Authorization"] == "pied-piper-7132:62885d39f3a0ddedd3d3ee0432a43ccf"
        assert fields == [("file", "my %22best%22 invoice.pdf", "application/pdf", SECRET_BYTES)]
    # The same bytes on every attempt (the boundary comes from the file's digest).
    assert len({body for _, body, _ in attempts}) == 1
    assert "TOP-SECRET" not in caplog.text


async def test_a_bad_file_sends_nothing(server: LoopbackServer, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a receipt")
    async with client(server) as qonto:
        with pytest.raises(InvalidFileError, match="not a PDF, JPEG or PNG"):
            await qonto.attachments.upload(tmp_path / "notes.txt")
        with pytest.raises(ConfigurationError, match="UploadFile"):
            await qonto.attachments.upload(PDF)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="idempotency_key"):
            await qonto.attachments.upload(UploadFile.from_bytes(PDF, filename="a.pdf"), idempotency_key=" ")
    assert server.requests == []


async def test_a_path_is_read_and_the_callers_key_is_sent(server: LoopbackServer, tmp_path: Path) -> None:
    server.json("POST", "/v2/transactions/tx-1/attachments", None)
    (tmp_path / "r.jpg").write_bytes(JPEG)
    async with client(server) as qonto:
        assert (
            await qonto.attachments.upload_for_transaction("tx-1", tmp_path / "r.jpg", idempotency_key="k-1")
            is None
        )
    (call,) = server.calls("POST", "/v2/transactions/tx-1/attachments")
    assert call["headers"]["X-Qonto-Idempotency-Key"] == "k-1"
    assert 'filename="r.jpg"' in call["body"]


async def test_a_refused_upload_is_a_validation_error_with_qontos_code(server: LoopbackServer) -> None:
    server.json(
        "POST",
        "/v2/attachments",
        {"errors": [{"code": "file_too_big", "detail": "File is too big", "source": {"pointer": "/file"}}]},
        status=400,
    )
    async with client(server) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.attachments.upload(UploadFile.from_bytes(PNG, filename="big.png"))
    assert caught.value.code == "file_too_big"
    assert len(server.requests) == 1  # 400 is not retried


# --- binary responses streamed to a file --------------------------------------------------------------------------


async def test_a_binary_response_streams_to_the_file_atomically(server: LoopbackServer, tmp_path: Path) -> None:
    big = PDF + bytes(300_000) + b"%%EOF"

    @server.route("GET", "/v2/bank_accounts/acc-1/iban_certificate")
    async def certificate(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=big, content_type="application/pdf")

    dest = tmp_path / "certificate.pdf"
    dest.write_bytes(b"old content")
    async with client(server) as qonto:
        assert await qonto.bank_accounts.download_iban_certificate_to("acc-1", dest, locale="fr") == dest
        assert await qonto.bank_accounts.download_iban_certificate("acc-1") == big
    assert dest.read_bytes() == big
    assert names(tmp_path) == ["certificate.pdf"]
    assert server.requests[0]["query"] == [("locale", "fr")]
    assert server.requests[0]["headers"]["Accept"] == "application/pdf"


async def test_a_broken_download_leaves_nothing_behind(server: LoopbackServer, tmp_path: Path) -> None:
    calls = 0

    @server.route("GET", "/v2/bank_accounts/acc-1/iban_certificate")
    async def cut(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        response = web.StreamResponse(headers={"Content-Type": "application/pdf", "Content-Length": "100000"})
        await response.prepare(request)
        await response.write(PDF)
        assert request.transport is not None
        request.transport.abort()
        return response

    dest = tmp_path / "certificate.pdf"
    async with client(server, retry=RetryPolicy(max_attempts=3, backoff_base=0.0, backoff_max=0.0)) as qonto:
        with pytest.raises(QontoConnectionError):
            await qonto.bank_accounts.download_iban_certificate_to("acc-1", dest)
    assert calls == 3  # a GET: retried, each attempt into a fresh temporary file
    assert names(tmp_path) == []


async def test_an_error_status_writes_nothing_and_an_empty_file_is_an_error(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.json(
        "GET", "/v2/bank_accounts/missing/iban_certificate", {"errors": [{"code": "not_found"}]}, status=404
    )

    @server.route("GET", "/v2/bank_accounts/empty/iban_certificate")
    async def empty(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"", content_type="application/pdf")

    dest = tmp_path / "c.pdf"
    async with client(server) as qonto:
        with pytest.raises(Exception, match="404"):
            await qonto.bank_accounts.download_iban_certificate_to("missing", dest)
        with pytest.raises(Exception, match="empty response"):
            await qonto.bank_accounts.download_iban_certificate_to("empty", dest)
        with pytest.raises(ConfigurationError, match="is a directory"):
            await qonto.bank_accounts.download_iban_certificate_to("empty", tmp_path)
        with pytest.raises(ConfigurationError, match="does not exist"):
            await qonto.bank_accounts.download_iban_certificate_to("empty", tmp_path / "no" / "c.pdf")
        with pytest.raises(ConfigurationError, match="dest must be"):
            await qonto.bank_accounts.download_iban_certificate_to("empty", None)  # type: ignore[arg-type]
    assert names(tmp_path) == []
