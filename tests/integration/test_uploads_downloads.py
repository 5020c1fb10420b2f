"""Attachment uploads and removals, and file downloads, against FakeQonto over loopback HTTP (issue 4, §12).

Pre-signed URLs point at a second loopback server standing for S3: it records every header it receives, so the
tests can check that no Qonto header (Authorization, staging token, organization id, idempotency key) reaches it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from qonto_async import (
    APIError,
    ConfigurationError,
    InvalidFileError,
    NotFoundError,
    PermissionDeniedError,
    QontoClient,
    QontoConnectionError,
    ResponseDecodeError,
    RetryPolicy,
    SyncQontoClient,
    UploadFile,
)
from qonto_async.models import Attachment, ProbativeAttachment, Statement, StatementFile
from qonto_async.testing import FakeQonto, fake_in_thread
from qonto_async.testing._routes.attachments_write import store
from tests.conftest import LoopbackServer

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32) + b"\xff\xd9"
QONTO_HEADERS = ("authorization", "x-qonto-staging-token", "x-qonto-organization-id", "x-qonto-idempotency-key")


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=20) as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
async def files_host(fake: FakeQonto) -> AsyncIterator[LoopbackServer]:
    """S3's stand-in: serves the fake's uploads at ``/uploads/{id}/{name}``, refuses ``/expired/{id}/{name}`` as S3
    refuses an expired signature, and records every request."""
    host = LoopbackServer(requires_staging_token=False)
    original = host._dispatch

    async def serve(request: web.Request) -> web.StreamResponse:
        parts = request.path.split("/")
        if request.method == "GET" and len(parts) == 4 and parts[1] in ("uploads", "expired"):
            await request.read()
            host.requests.append(
                {
                    "method": "GET",
                    "path": request.path,
                    "query": request.query_string,
                    "headers": dict(request.headers),
                }
            )
            if parts[1] == "expired":
                body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
                return web.Response(status=403, text=body, content_type="application/xml")
            content = store(fake).content(parts[2])
            if content is None:
                return web.Response(status=404, text="<Error><Code>NoSuchKey</Code></Error>")
            return web.Response(body=content, content_type="application/octet-stream")
        return await original(request)

    host._dispatch = serve  # type: ignore[method-assign]
    await host.start()
    assert host.environment is not None
    store(fake).files_base_url = host.environment.api_url + "/uploads"
    yield host
    await host.stop()


def client(fake: FakeQonto, **kwargs: Any) -> QontoClient:
    return QontoClient(
        auth=kwargs.pop("auth", None) or fake.static_key_auth(),
        environment=fake.environment,
        staging_token=fake.staging_token,
        **{"retry": FAST, **kwargs},
    )


def tx_id(fake: FakeQonto, attached: bool) -> str:
    """A seeded transaction with (or without) its one seeded attachment."""
    for index in range(fake.data.transactions_per_account):
        if bool(fake.data.transaction(0, index)["attachment_ids"]) == attached:
            return fake.data.transaction_id(0, index)
    raise AssertionError("no such transaction in the seeded data")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_no_qonto_header(headers: dict[str, str]) -> None:
    sent = {name.lower() for name in headers}
    assert not sent & set(QONTO_HEADERS), sent
    assert not any(name.startswith("x-qonto") for name in sent), sent


# --- uploads ------------------------------------------------------------------------------------------------------


async def test_upload_stores_the_file_and_get_shows_it(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        created = await qonto.attachments.upload(UploadFile.from_bytes(PDF, filename="invoice 42.pdf"))
        assert isinstance(created, Attachment)
        assert store(fake).content(created.id) == PDF
        shown = await qonto.attachments.get(created.id)
    assert (shown.file_name, shown.file_size, shown.file_content_type) == (
        "invoice 42.pdf",
        len(PDF),
        "application/pdf",
    )
    assert shown.url is not None
    assert "X-Amz-Signature=" in shown.url
    entry = fake.last("POST", "/v2/attachments")
    assert entry is not None
    assert entry.status == 200
    assert entry.headers["X-Qonto-Idempotency-Key"]
    assert entry.headers["Content-Type"].startswith("multipart/form-data; boundary=")


async def test_upload_for_transaction_then_list_remove_one_and_remove_all(fake: FakeQonto, tmp_path: Path) -> None:
    transaction = tx_id(fake, attached=True)
    (tmp_path / "receipt.png").write_bytes(PNG)
    async with client(fake) as qonto:
        (seeded,) = (await qonto.attachments.list_for_transaction(transaction)).items
        await qonto.attachments.upload_for_transaction(transaction, tmp_path / "receipt.png")
        await qonto.attachments.upload_for_transaction(transaction, UploadFile.from_bytes(JPEG, filename="b.jpg"))
        listed = (await qonto.attachments.list_for_transaction(transaction)).items
        assert [a.file_name for a in listed] == [seeded.file_name, "receipt.png", "b.jpg"]
        assert (await qonto.transactions.get(transaction)).attachment_ids == tuple(a.id for a in listed)

        await qonto.attachments.remove_from_transaction(transaction, listed[1].id)
        await qonto.attachments.remove_from_transaction(transaction, seeded.id)
        assert [a.id for a in (await qonto.attachments.list_for_transaction(transaction)).items] == [listed[2].id]
        with pytest.raises(NotFoundError):
            await qonto.attachments.get(seeded.id)
        with pytest.raises(NotFoundError):
            await qonto.attachments.remove_from_transaction(transaction, seeded.id)

        await qonto.attachments.remove_all_from_transaction(transaction)
        assert (await qonto.attachments.list_for_transaction(transaction)).items == ()
        with pytest.raises(NotFoundError):
            await qonto.attachments.remove_all_from_transaction("not-a-transaction")
        with pytest.raises(NotFoundError):
            await qonto.attachments.upload_for_transaction(
                "not-a-transaction", UploadFile.from_bytes(PNG, filename="x.png")
            )
    # Deletes carry no idempotency key (none is documented) and are not retried.
    deletes = fake.requests("DELETE")
    assert deletes
    assert all("X-Qonto-Idempotency-Key" not in e.headers for e in deletes)


async def test_transaction_uploads_show_up_once_processed(fake: FakeQonto) -> None:
    store(fake).processing_seconds = 30
    transaction = tx_id(fake, attached=False)
    async with client(fake) as qonto:
        await qonto.attachments.upload_for_transaction(
            transaction, UploadFile.from_bytes(PDF, filename="late.pdf")
        )
        assert (await qonto.attachments.list_for_transaction(transaction)).items == ()
        fake.advance(31)
        assert [a.file_name for a in (await qonto.attachments.list_for_transaction(transaction)).items] == [
            "late.pdf"
        ]


async def test_a_retried_upload_keeps_its_key_and_happens_once(fake: FakeQonto) -> None:
    fake.faults.next(2, status=503, path="/v2/attachments")
    async with client(fake) as qonto:
        created = await qonto.attachments.upload(UploadFile.from_bytes(PNG, filename="a.png"))
        posts = fake.requests("POST", "/v2/attachments")
        assert [e.status for e in posts] == [503, 503, 200]
        assert len({e.headers["X-Qonto-Idempotency-Key"] for e in posts}) == 1
        assert len({e.body for e in posts}) == 1
        # The caller's own key: a second call with it replays the first answer, nothing new is stored.
        first = await qonto.attachments.upload(UploadFile.from_bytes(PDF, filename="b.pdf"), idempotency_key="k-7")
        again = await qonto.attachments.upload(UploadFile.from_bytes(PDF, filename="b.pdf"), idempotency_key="k-7")
    assert first == again
    assert created.id != first.id
    assert len(store(fake).uploads) == 2
    assert fake.side_effects["k-7"] == 1


async def test_bad_files_never_reach_the_fake(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(InvalidFileError):
            await qonto.attachments.upload(UploadFile.from_bytes(b"GIF89a", filename="a.gif"))
    assert fake.count("POST") == 0


async def _post(
    fake: FakeQonto, form: aiohttp.MultipartWriter | bytes, *, key: str | None = "k", ctype: str | None = None
) -> tuple[int, Any]:
    headers = {
        "Authorization": f"{fake.login}:{fake.secret_key}",
        "X-Qonto-Staging-Token": fake.staging_token or "",
    }
    if key is not None:
        headers["X-Qonto-Idempotency-Key"] = key
    if ctype is not None:
        headers["Content-Type"] = ctype
    async with (
        aiohttp.ClientSession() as http,
        http.post(fake.url + "/v2/attachments", data=form, headers=headers) as resp,
    ):
        return resp.status, await resp.json()


def _form(
    name: str, content: bytes, ctype: str, filename: str | None = "f.pdf", extra: bool = False
) -> aiohttp.MultipartWriter:
    form = aiohttp.MultipartWriter("form-data")
    part = form.append(content, {"Content-Type": ctype})
    if filename is None:
        part.set_content_disposition("form-data", name=name)
    else:
        part.set_content_disposition("form-data", name=name, filename=filename)
    if extra:
        form.append("hello").set_content_disposition("form-data", name="note")
    return form


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("gif", "invalid_file_type"),
        ("declared png, is pdf", "invalid_file_type"),
        ("empty", "invalid_file_type"),
        ("other field name", "missing_file"),
        ("no file name", "missing_file"),
        ("json body", "missing_file"),
        ("extra field", "invalid_parameter"),
    ],
)
async def test_the_fake_checks_the_multipart_body_like_qonto(fake: FakeQonto, case: str, code: str) -> None:
    forms: dict[str, aiohttp.MultipartWriter] = {
        "gif": _form("file", b"GIF89a....", "image/gif"),
        "declared png, is pdf": _form("file", PDF, "image/png"),
        "empty": _form("file", b"", "application/pdf"),
        "other field name": _form("document", PDF, "application/pdf"),
        "no file name": _form("file", PDF, "application/pdf", filename=None),
        "extra field": _form("file", PDF, "application/pdf", extra=True),
    }
    if case == "json body":
        status, body = await _post(fake, b'{"file": "x.pdf"}', ctype="application/json")
    else:
        status, body = await _post(fake, forms[case])
    assert status == 400
    assert body["errors"][0]["code"] == code
    assert store(fake).uploads == {}


async def test_the_fake_refuses_big_files_and_missing_keys(fake: FakeQonto) -> None:
    store(fake).max_file_size = 1000
    status, body = await _post(fake, _form("file", PDF + bytes(1000), "application/pdf"))
    assert (status, body["errors"][0]["code"], body["errors"][0]["source"]) == (
        400,
        "file_too_big",
        {"pointer": "/file"},
    )
    status, body = await _post(fake, _form("file", PDF, "application/pdf"), key=None)
    assert (status, body["errors"][0]["code"]) == (422, "idempotency_key_missing")


# --- pre-signed downloads -----------------------------------------------------------------------------------------


async def test_an_uploaded_file_downloads_from_its_presigned_url_without_qonto_headers(
    fake: FakeQonto, files_host: LoopbackServer, tmp_path: Path
) -> None:
    big = PDF + bytes(200_000) + b"%%EOF"
    async with client(fake, organization_id=None) as qonto:
        created = await qonto.attachments.upload(UploadFile.from_bytes(big, filename="big.pdf"))
        assert await qonto.attachments.download(created.id) == big
        attachment = await qonto.attachments.get(created.id)
        dest = tmp_path / "copy.pdf"
        assert await qonto.attachments.download_to(attachment, dest) == dest
    assert dest.read_bytes() == big
    assert names(tmp_path) == ["copy.pdf"]
    assert len(files_host.requests) == 2
    assert attachment.url is not None
    for seen in files_host.requests:
        assert_no_qonto_header(seen["headers"])
        # The signed query string arrives exactly as Qonto wrote it.
        assert "?" + seen["query"] == attachment.url[attachment.url.index("?") :]


async def test_an_expired_url_is_renewed_once_from_qonto(fake: FakeQonto, files_host: LoopbackServer) -> None:
    assert files_host.environment is not None
    async with client(fake) as qonto:
        created = await qonto.attachments.upload(UploadFile.from_bytes(PNG, filename="p.png"))
        stale = Attachment(
            id=created.id, url=f"{files_host.environment.api_url}/expired/{created.id}/p.png?X-Amz-Signature=old"
        )
        assert await qonto.attachments.download(stale) == PNG
        # Fetched by id, the URL is fresh: a refusal is the caller's to see, with the reason.
        store(fake).files_base_url = files_host.environment.api_url + "/expired"
        with pytest.raises(PermissionDeniedError, match="valid for 30 minutes") as caught:
            await qonto.attachments.download(created.id)
    assert "Signature" not in str(caught.value)
    assert caught.value.text is None
    assert fake.count("GET", f"/v2/attachments/{created.id}") == 2


async def test_redirects_are_not_followed_and_nothing_reaches_the_other_host(
    fake: FakeQonto, files_host: LoopbackServer, server: LoopbackServer
) -> None:
    assert files_host.environment is not None
    assert server.environment is not None
    elsewhere = server.environment.api_url + "/collect"

    @files_host.route("GET", "/moved")
    async def moved(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": elsewhere})

    async with client(fake) as qonto:
        with pytest.raises(APIError, match="redirect") as caught:
            await qonto.attachments.download(
                Attachment(id="a", url=files_host.environment.api_url + "/moved?sig=1")
            )
    assert caught.value.status == 302
    assert server.requests == []
    assert_no_qonto_header(files_host.calls("GET", "/moved")[0]["headers"])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://files.example.com/a.pdf?sig=1", "plain http"),
        ("ftp://files.example.com/a.pdf", "absolute https"),
        ("/v2/attachments/a", "absolute https"),
        ("https://user:pw@files.example.com/a.pdf", "user name or password"),
        (" https://files.example.com/a.pdf", "without whitespace"),
    ],
)
async def test_only_https_or_loopback_urls_are_fetched(fake: FakeQonto, url: str, message: str) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match=message) as caught:
            await qonto.attachments.download(Attachment(id="a", url=url))
    assert "pw" not in str(caught.value)
    assert "sig=1" not in str(caught.value)


async def test_attachment_download_argument_errors(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(ConfigurationError, match="no download url"):
            await qonto.attachments.download(Attachment(id="a"))
        with pytest.raises(ConfigurationError, match="no probative"):
            await qonto.attachments.download(
                Attachment(
                    id="a",
                    url="https://x.example/a",
                    probative_attachment=ProbativeAttachment(status="unavailable"),
                ),
                probative=True,
            )
        with pytest.raises(ConfigurationError, match="Attachment or an attachment id"):
            await qonto.attachments.download(3)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="probative must be"):
            await qonto.attachments.download(Attachment(id="a"), probative="yes")  # type: ignore[arg-type]
    assert fake.count() == 0


async def test_the_probative_copy_and_statements_download_too(
    fake: FakeQonto, files_host: LoopbackServer, tmp_path: Path
) -> None:
    assert files_host.environment is not None
    base = files_host.environment.api_url

    @files_host.route("GET", "/statements/2025-01.pdf")
    async def statement_pdf(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=PDF, content_type="application/pdf")

    @files_host.route("GET", "/probative.pdf")
    async def probative_pdf(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=PDF + b"signed", content_type="application/pdf")

    statement = Statement(
        id="s-1", file=StatementFile(file_url=base + "/statements/2025-01.pdf?X-Amz-Signature=a%2Fb")
    )
    attachment = Attachment(
        id="a-1",
        url=base + "/nope",
        probative_attachment=ProbativeAttachment(status="available", url=base + "/probative.pdf"),
    )
    async with client(fake) as qonto:
        assert await qonto.statements.download(statement) == PDF
        assert await qonto.statements.download_to(statement, tmp_path / "s.pdf") == tmp_path / "s.pdf"
        assert await qonto.attachments.download(attachment, probative=True) == PDF + b"signed"
        with pytest.raises(ConfigurationError, match="no file url"):
            await qonto.statements.download(Statement(id="s-2"))
    assert (tmp_path / "s.pdf").read_bytes() == PDF
    calls = files_host.calls("GET", "/statements/2025-01.pdf")
    assert len(calls) == 2
    for call in calls:
        assert_no_qonto_header(call["headers"])
    assert fake.count() == 0  # nothing went to Qonto


async def test_an_html_page_instead_of_the_file_is_an_error(
    fake: FakeQonto, files_host: LoopbackServer, tmp_path: Path
) -> None:
    assert files_host.environment is not None

    @files_host.route("GET", "/gate")
    async def gate(_request: web.Request) -> web.StreamResponse:
        return web.Response(text="<!DOCTYPE html><html>OneLogin</html>", content_type="text/html")

    url = files_host.environment.api_url + "/gate?sig=1"
    async with client(fake) as qonto:
        with pytest.raises(ResponseDecodeError, match="HTML page"):
            await qonto.statements.download(Statement(id="s", file=StatementFile(file_url=url)))
        with pytest.raises(ResponseDecodeError, match="HTML page"):
            await qonto.statements.download_to(
                Statement(id="s", file=StatementFile(file_url=url)), tmp_path / "s.pdf"
            )
    assert names(tmp_path) == []


async def test_a_file_host_failure_is_retried(fake: FakeQonto, files_host: LoopbackServer) -> None:
    assert files_host.environment is not None
    answers = [503, 200]

    @files_host.route("GET", "/flaky")
    async def flaky(_request: web.Request) -> web.StreamResponse:
        status = answers.pop(0)
        return web.Response(status=status, body=PDF if status == 200 else b"busy")

    async with client(fake) as qonto:
        assert (
            await qonto.statements.download(
                Statement(id="s", file=StatementFile(file_url=files_host.environment.api_url + "/flaky"))
            )
            == PDF
        )
    assert answers == []


async def test_the_iban_certificate_streams_to_a_file(fake: FakeQonto, tmp_path: Path) -> None:
    account = fake.data.bank_accounts[0]["id"]
    async with client(fake) as qonto:
        pdf = await qonto.bank_accounts.download_iban_certificate(account, locale="de")
        dest = await qonto.bank_accounts.download_iban_certificate_to(account, tmp_path / "iban.pdf", locale="de")
    assert dest.read_bytes() == pdf
    assert pdf.startswith(b"%PDF")
    assert names(tmp_path) == ["iban.pdf"]


async def test_a_cut_certificate_download_leaves_nothing_behind(fake: FakeQonto, tmp_path: Path) -> None:
    account = fake.data.bank_accounts[0]["id"]
    fake.faults.next(5, truncate=True, path=f"/v2/bank_accounts/{account}/iban_certificate")
    async with client(fake, retry=RetryPolicy(max_attempts=2, backoff_base=0.0, backoff_max=0.0)) as qonto:
        with pytest.raises(QontoConnectionError):
            await qonto.bank_accounts.download_iban_certificate_to(account, tmp_path / "iban.pdf")
    assert names(tmp_path) == []


def test_the_sync_client_uploads_and_downloads(tmp_path: Path) -> None:
    with fake_in_thread(transactions_per_account=5) as fake:
        with SyncQontoClient(
            auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
        ) as qonto:
            created = qonto.attachments.upload(UploadFile.from_bytes(PDF, filename="s.pdf"))
            transaction = fake.data.transaction_id(0, 0)
            qonto.attachments.upload_for_transaction(transaction, UploadFile.from_bytes(PNG, filename="t.png"))
            qonto.attachments.remove_all_from_transaction(transaction)
            account = fake.data.bank_accounts[0]["id"]
            path = qonto.bank_accounts.download_iban_certificate_to(account, tmp_path / "c.pdf")
        assert store(fake).content(created.id) == PDF
        assert path.read_bytes().startswith(b"%PDF")
