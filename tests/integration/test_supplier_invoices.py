"""Supplier invoices against FakeQonto over loopback HTTP: list/get, the multipart bulk upload with per-item
idempotency keys and its size limits, mark/unmark as paid (qonto-api.md §3.1 rows 115-117, §3.2 B23-B24, §12)."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from qonto_async import (
    ConfigurationError,
    InvalidFileError,
    NotFoundError,
    OAuthBearerAuth,
    PermissionDeniedError,
    QontoClient,
    RetryPolicy,
    ServerError,
    SyncQontoClient,
    UploadFile,
    ValidationError,
)
from qonto_async.models import (
    Money,
    SupplierInvoice,
    SupplierInvoiceBulkResult,
    SupplierInvoiceStatus,
    SupplierInvoiceUpload,
)
from qonto_async.resources.supplier_invoices import MAX_FILE_BYTES, MAX_ITEMS, MAX_REQUEST_BYTES, check_bulk
from qonto_async.testing import FakeQonto
from qonto_async.testing._routes.supplier_invoices import store as supplier_store

FAST = RetryPolicy(backoff_base=0.0, backoff_max=0.0)
SCOPES = ("supplier_invoice.read", "supplier_invoice.write")


@pytest.fixture
async def fake() -> AsyncIterator[FakeQonto]:
    async with FakeQonto(transactions_per_account=5) as server:
        yield server
    assert server.internal_errors == []


def oauth(fake: FakeQonto, *scopes: str) -> OAuthBearerAuth:
    client_id, client_secret = fake.oauth_client()
    return OAuthBearerAuth(
        client_id=client_id, client_secret=client_secret, token=fake.issue_token(scopes=scopes or SCOPES)
    )


def client(fake: FakeQonto, auth: OAuthBearerAuth | None = None) -> QontoClient:
    return QontoClient(
        auth=auth or oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    )


def pdf(name: str, size: int = 0) -> UploadFile:
    return UploadFile.from_bytes(b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF", filename=name)


def parts(body: bytes, content_type: str) -> list[tuple[str | None, str | None, bytes]]:
    """(field name, file name, payload) of each part of a multipart body, in order."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    out = []
    for part in message.iter_parts():  # type: ignore[attr-defined]
        payload = part.get_payload(decode=True)
        out.append((part.get_param("name", header="content-disposition"), part.get_filename(), payload))
    return out


async def test_list_get_and_filters(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        page = await qonto.supplier_invoices.list(status=["to_review", "to_pay"], sort_by="created_at:asc")
        assert [i.supplier_name for i in page.items] == ["OVH", "Dunder Mifflin"]
        query = fake.last("GET", "/v2/supplier_invoices").query  # type: ignore[union-attr]
        # Postman: the bare filter[status] key repeated, parsed as an array.
        assert [v for k, v in query if k == "filter[status]"] == ["to_review", "to_pay"]
        first = page.items[0]
        assert isinstance(first, SupplierInvoice)
        assert first.status is SupplierInvoiceStatus.TO_REVIEW
        assert first.total_amount == Money(value=Decimal("42.00"), currency="EUR")
        assert first.due_date == date(2026, 2, 1)
        assert await qonto.supplier_invoices.get(first.id) == first
        every = [i async for i in qonto.supplier_invoices.iterate(per_page=2)]
        assert len(every) == 3
        with pytest.raises(NotFoundError):
            await qonto.supplier_invoices.get("missing")


async def test_list_sends_every_documented_filter_name(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        await qonto.supplier_invoices.list(
            status="paid",
            created_at_from="2026-01-01T00:00:00Z",
            created_at_to="2027-01-01T00:00:00Z",
            updated_at_from="2026-01-01T00:00:00Z",
            updated_at_to="2027-01-01T00:00:00Z",
            issue_date_from=date(2026, 1, 1),
            document_type="duplicates",
            missing_data=False,
            matched_transactions=True,
            exclude_credit_notes=True,
            query="OVH",
            query_fields="supplier_name",
            sort_by="created_at:desc",
            page=1,
            per_page=10,
        )
    from qonto_async import _coverage

    documented = _coverage.postman_query_names()["GET /v2/supplier_invoices"]
    sent = {k for k, _ in fake.last("GET", "/v2/supplier_invoices").query}  # type: ignore[union-attr]
    assert sent <= documented, sent - documented
    assert len(sent) == 15


async def test_bulk_upload_sends_one_key_per_file(fake: FakeQonto, tmp_path: Path) -> None:
    on_disk = tmp_path / "from-disk.pdf"
    on_disk.write_bytes(b"%PDF-1.7\nhello\n%%EOF")
    async with client(fake) as qonto:
        result = await qonto.supplier_invoices.bulk_create(
            [
                SupplierInvoiceUpload(file=pdf("a.pdf"), idempotency_key="key-a"),
                pdf("b.pdf"),
                on_disk,
            ],
            integration_type="dropbox",
            connector="grover",
            source="integration",
            skip_attachment_matcher=True,
        )
    assert isinstance(result, SupplierInvoiceBulkResult)
    assert result.ok
    assert result.errors == ()
    assert [i.file_name for i in result.supplier_invoices] == ["a.pdf", "b.pdf", "from-disk.pdf"]
    sent = fake.last("POST", "/v2/supplier_invoices/bulk")
    assert sent is not None
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    fields = parts(sent.body, sent.headers["Content-Type"])
    names = [name for name, _, _ in fields]
    assert names == [
        "supplier_invoices[][file]",
        "supplier_invoices[][idempotency_key]",
        "supplier_invoices[][file]",
        "supplier_invoices[][idempotency_key]",
        "supplier_invoices[][file]",
        "supplier_invoices[][idempotency_key]",
        "meta",
        "source",
        "skip_attachment_matcher",
    ]
    keys = [payload.decode() for name, _, payload in fields if name == "supplier_invoices[][idempotency_key]"]
    assert keys[0] == "key-a"
    assert len(set(keys)) == 3
    assert fields[6][2] == b'{"integration_type":"dropbox","connector":"grover"}'
    assert fields[0][1] == "a.pdf"


async def test_bulk_upload_reports_partial_failures(fake: FakeQonto) -> None:
    # The fake refuses files over its own per-file limit, as Qonto refuses an item it cannot process: the answer
    # is still 200, with that item in errors.
    supplier_store(fake).max_file_bytes = 100
    async with client(fake) as qonto:
        result = await qonto.supplier_invoices.bulk_create(
            [
                SupplierInvoiceUpload(file=pdf("small.pdf"), idempotency_key="good"),
                SupplierInvoiceUpload(file=pdf("large.pdf", 500), idempotency_key="bad-one"),
            ]
        )
    assert fake.last("POST", "/v2/supplier_invoices/bulk").status == 200  # type: ignore[union-attr]
    assert not result.ok
    assert [i.file_name for i in result.supplier_invoices] == ["small.pdf"]
    assert [e.code for e in result.errors] == ["invalid"]
    assert result.errors[0].detail == "File is too large or wrong content type"
    assert result.errors[0].idempotency_key == "bad-one"
    assert result.failed_keys == ("bad-one",)


async def test_bulk_whole_request_failure_is_a_typed_error(fake: FakeQonto) -> None:
    supplier_store(fake).max_items = 1
    async with client(fake) as qonto:
        with pytest.raises(ValidationError) as caught:
            await qonto.supplier_invoices.bulk_create([pdf("a.pdf"), pdf("b.pdf")])
    assert caught.value.status == 400
    assert caught.value.errors[0].code == "limit_reached"


async def test_bulk_item_keys_make_a_second_call_safe(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        items = [SupplierInvoiceUpload(file=pdf("a.pdf"), idempotency_key="k1")]
        # No request-level idempotency key is documented: a 503 is not retried automatically...
        fake.faults.next(1, status=503, method="POST", path="/v2/supplier_invoices/bulk")
        with pytest.raises(ServerError):
            await qonto.supplier_invoices.bulk_create(items)
        assert "X-Qonto-Idempotency-Key" not in fake.last("POST", "/v2/supplier_invoices/bulk").headers  # type: ignore[union-attr]
        # ...and calling again with the same items is safe: the per-item key makes Qonto create nothing twice.
        first = await qonto.supplier_invoices.bulk_create(items)
        again = await qonto.supplier_invoices.bulk_create(items)
    assert again.supplier_invoices == first.supplier_invoices
    assert fake.count("POST", "/v2/supplier_invoices/bulk") == 3
    assert len(supplier_store(fake).invoices) == 4  # 3 seeded + 1


async def test_bulk_limits_are_checked_before_sending(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        with pytest.raises(InvalidFileError, match=r"at most 15,000,000 bytes for the whole request"):
            await qonto.supplier_invoices.bulk_create([pdf(f"{n}.pdf", 4_000_000) for n in range(4)])
        with pytest.raises(InvalidFileError, match=r"at most 10,000,000 bytes per file"):
            await qonto.supplier_invoices.bulk_create([pdf("big.pdf", MAX_FILE_BYTES)])
        with pytest.raises(ConfigurationError, match="1 to 20 files"):
            await qonto.supplier_invoices.bulk_create([pdf(f"{n}.pdf") for n in range(MAX_ITEMS + 1)])
        with pytest.raises(ConfigurationError, match="1 to 20 files"):
            await qonto.supplier_invoices.bulk_create([])
        with pytest.raises(ConfigurationError, match="repeated: same"):
            await qonto.supplier_invoices.bulk_create(
                [SupplierInvoiceUpload(file=pdf("a.pdf"), idempotency_key="same")] * 2
            )
        with pytest.raises(ConfigurationError, match="list of files"):
            await qonto.supplier_invoices.bulk_create(pdf("a.pdf"))  # type: ignore[arg-type]
        with pytest.raises(InvalidFileError, match="not a PDF, JPEG or PNG"):
            await qonto.supplier_invoices.bulk_create([UploadFile.from_bytes(b"hello", filename="a.txt")])
        with pytest.raises(ConfigurationError, match="source must be one of"):
            await qonto.supplier_invoices.bulk_create([pdf("a.pdf")], source="fax")
    assert fake.count() == 0


def test_the_request_limit_boundary() -> None:
    # Checked without sending: FakeQonto's server takes bodies up to 2 MiB only, far below Qonto's 15 MB.
    size = (MAX_REQUEST_BYTES - 2 * 1024) // 2 - 100
    check_bulk([SupplierInvoiceUpload(file=pdf("a.pdf", size)), SupplierInvoiceUpload(file=pdf("b.pdf", size))])
    with pytest.raises(InvalidFileError, match=r"at most 15,000,000 bytes for the whole request"):
        check_bulk(
            [SupplierInvoiceUpload(file=pdf("a.pdf", size)), SupplierInvoiceUpload(file=pdf("b.pdf", size + 1000))]
        )
    check_bulk([SupplierInvoiceUpload(file=pdf("c.pdf", MAX_FILE_BYTES - 20))])


async def test_a_larger_upload_goes_through(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        result = await qonto.supplier_invoices.bulk_create([pdf(f"{n}.pdf", 600_000) for n in range(3)])
    assert result.ok
    assert len(result.supplier_invoices) == 3


def test_item_input_checks() -> None:
    with pytest.raises(ConfigurationError, match="must be an UploadFile"):
        SupplierInvoiceUpload(file=b"%PDF-")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="idempotency_key"):
        SupplierInvoiceUpload(file=pdf("a.pdf"), idempotency_key=" k")
    a, b = SupplierInvoiceUpload(file=pdf("a.pdf")), SupplierInvoiceUpload(file=pdf("a.pdf"))
    assert a.idempotency_key != b.idempotency_key


async def test_mark_and_unmark_as_paid(fake: FakeQonto) -> None:
    async with client(fake) as qonto:
        target = (await qonto.supplier_invoices.list(status="to_pay")).items[0]
        assert await qonto.supplier_invoices.mark_as_paid(target.id, payment_date=date(2026, 4, 2)) is None
        assert fake.last("POST", f"/v2/supplier_invoices/{target.id}/mark_as_paid").json() == {  # type: ignore[union-attr]
            "supplier_invoice": {"payment_date": "2026-04-02"}
        }
        paid = await qonto.supplier_invoices.get(target.id)
        assert paid.status is SupplierInvoiceStatus.PAID
        assert paid.payment_date == date(2026, 4, 2)
        await qonto.supplier_invoices.unmark_as_paid(target.id)
        sent = fake.last("POST", f"/v2/supplier_invoices/{target.id}/unmark_as_paid")
        assert sent is not None
        assert sent.body == b""
        again = await qonto.supplier_invoices.get(target.id)
        assert again.status is SupplierInvoiceStatus.TO_PAY
        assert again.payment_date is None
        with pytest.raises(ValidationError):
            await qonto.supplier_invoices.unmark_as_paid(target.id)
        with pytest.raises(ConfigurationError, match="YYYY-MM-DD"):
            await qonto.supplier_invoices.mark_as_paid(target.id, payment_date="2026/04/02")


async def test_scopes_and_api_keys(fake: FakeQonto) -> None:
    async with client(fake, oauth(fake, "supplier_invoice.read")) as qonto:
        assert len((await qonto.supplier_invoices.list()).items) == 3
        with pytest.raises(PermissionDeniedError):
            await qonto.supplier_invoices.bulk_create([pdf("a.pdf")])
    async with QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
    ) as qonto:
        # qonto-api.md §2.1: API keys reach supplier-invoice list/get/bulk create.
        assert (await qonto.supplier_invoices.bulk_create([pdf("a.pdf")])).ok


async def test_sync_bulk_upload(fake: FakeQonto) -> None:
    def work() -> int:
        with SyncQontoClient(
            auth=oauth(fake), environment=fake.environment, staging_token=fake.staging_token, retry=FAST
        ) as qonto:
            return len(qonto.supplier_invoices.bulk_create([pdf("a.pdf")]).supplier_invoices)

    assert await asyncio.to_thread(work) == 1
