"""Files going to Qonto: :class:`UploadFile`, the one typed input of every upload (qonto-api.md §12).

Qonto's attachment uploads take ``multipart/form-data`` with a single field ``file``, and accept JPEG, PNG or PDF
only. An :class:`UploadFile` is checked when it is built, before anything is sent: the content must start like one
of those three formats (magic bytes), and a declared content type or a known file extension must agree with it.
A file that fails a check raises :class:`InvalidFileError` and never reaches the network.

Its ``repr`` shows the name, type and size, never the bytes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs

from qonto_async.errors import ConfigurationError

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "MULTIPART_PART_ALLOWANCE",
    "InvalidFileError",
    "UploadFile",
    "check_upload_sizes",
    "detect_content_type",
]

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
# qonto-api.md §12: "JPEG, PNG or PDF only".
ALLOWED_CONTENT_TYPES: Final = (PDF, JPEG, PNG)

# Spellings seen in the wild for the same three types.
_ALIASES: Final = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF, "image/x-png": PNG}
_EXTENSIONS: Final = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG}
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
_PDF_SIGNATURE: Final = b"%PDF-"
# ISO 32000-1 readers accept the %PDF- header within the first 1024 bytes (some producers put junk before it).
_PDF_HEADER_WINDOW: Final = 1024
_MAX_FILENAME: Final = 255


class InvalidFileError(ConfigurationError):
    """The file cannot be uploaded as it is: empty, not a PDF/JPEG/PNG, or its declared type disagrees.

    Raised before anything is sent; Qonto would answer ``invalid_file_type`` (qonto-api.md §12).
    """


def detect_content_type(content: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` from the file's first bytes; None for anything else."""
    if content.startswith(_PNG_SIGNATURE):
        return PNG
    if content.startswith(_JPEG_SIGNATURE):
        return JPEG
    if _PDF_SIGNATURE in content[:_PDF_HEADER_WINDOW]:
        return PDF
    return None


def _normalise_type(value: str) -> str:
    base = value.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def _check_filename(filename: object) -> str:
    if not isinstance(filename, str) or not filename.strip() or filename != filename.strip():
        raise InvalidFileError(
            f"filename must be a non-empty string without surrounding whitespace, got {filename!r}."
        )
    if any(not ch.isprintable() for ch in filename) or "/" in filename or "\\" in filename:
        raise InvalidFileError(
            f"filename must be a plain file name (no directory, no control characters), got {filename!r}."
        )
    if len(filename) > _MAX_FILENAME:
        raise InvalidFileError(f"filename is limited to {_MAX_FILENAME} characters, got {len(filename)}.")
    return filename


def _size(n: int) -> str:
    return f"{n} bytes" if n < 10_000 else f"{n / 1024:.0f} KiB" if n < 10_000_000 else f"{n / 1048576:.1f} MiB"


@attrs.frozen(kw_only=True, repr=False)
class UploadFile:
    """A file to upload: ``filename``, ``content`` (the bytes) and ``content_type``.

    Build it with :meth:`from_path` or :meth:`from_bytes`; both check the file (see the module docs). The
    constructor checks the same things, so an ``UploadFile`` always holds a PDF, JPEG or PNG whose
    ``content_type`` matches its bytes.
    """

    filename: str = attrs.field(validator=lambda _i, _a, v: _check_filename(v))
    content: bytes = attrs.field(repr=False)
    content_type: str

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.content, bytes):
            raise InvalidFileError(f"content must be bytes, got {type(self.content).__name__}.")
        if not self.content:
            raise InvalidFileError(f"{self.filename!r} is empty; there is nothing to upload.")
        if not isinstance(self.content_type, str):
            raise InvalidFileError(f"content_type must be a string, got {type(self.content_type).__name__}.")
        declared = _normalise_type(self.content_type)
        detected = detect_content_type(self.content)
        if detected is None:
            raise InvalidFileError(
                f"{self.filename!r} is not a PDF, JPEG or PNG file (its first bytes match none of them); Qonto "
                "accepts only these three types (qonto-api.md §12)."
            )
        if declared not in ALLOWED_CONTENT_TYPES:
            raise InvalidFileError(
                f"content_type must be one of {', '.join(ALLOWED_CONTENT_TYPES)}, got {self.content_type!r}."
            )
        if declared != detected:
            raise InvalidFileError(
                f"{self.filename!r} is declared as {declared} but its content is {detected}; fix the declared type "
                "(or leave it out to use the detected one)."
            )
        by_extension = _EXTENSIONS.get(os.path.splitext(self.filename)[1].lower())
        if by_extension is not None and by_extension != detected:
            raise InvalidFileError(
                f"{self.filename!r} has the extension of {by_extension} but its content is {detected}; rename the "
                "file so that its extension matches its content."
            )
        object.__setattr__(self, "content_type", declared)

    @classmethod
    def from_bytes(
        cls, content: bytes | bytearray | memoryview, *, filename: str, content_type: str | None = None
    ) -> UploadFile:
        """A file from bytes in memory. ``content_type`` defaults to the type detected from the bytes."""
        if not isinstance(content, bytes | bytearray | memoryview):
            raise InvalidFileError(f"content must be bytes, got {type(content).__name__}.")
        data = bytes(content)
        if content_type is None:
            content_type = detect_content_type(data) or "application/octet-stream"
        return cls(filename=filename, content=data, content_type=content_type)

    @classmethod
    def from_path(
        cls, path: str | os.PathLike[str], *, filename: str | None = None, content_type: str | None = None
    ) -> UploadFile:
        """A file read from disk now (the bytes are kept in memory, so every retry sends the same file).

        ``filename`` defaults to the path's last part; ``content_type`` to the type detected from the bytes.
        """
        if not isinstance(path, str | os.PathLike):
            raise InvalidFileError(f"path must be a str or a path, got {type(path).__name__}.")
        file_path = Path(path)
        try:
            content = file_path.read_bytes()
        except OSError as exc:
            raise InvalidFileError(f"cannot read {str(file_path)!r}: {exc.strerror or exc}") from None
        except ValueError as exc:  # e.g. "embedded null byte": a path no file system can hold
            raise InvalidFileError(f"cannot read {str(file_path)!r}: {exc}") from None
        return cls.from_bytes(content, filename=filename or file_path.name, content_type=content_type)

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.content)

    def __repr__(self) -> str:
        return (
            f"UploadFile(filename={self.filename!r}, content_type={self.content_type!r}, size={_size(self.size)})"
        )


# An upper bound of what travels with each file in a multipart request besides its bytes: the boundary line, the
# part headers (field name, file name, content type) and any small text part that goes with it (a per-item key).
MULTIPART_PART_ALLOWANCE: Final = 1024


def check_upload_sizes(
    files: Sequence[UploadFile], *, max_file_bytes: int | None, max_request_bytes: int, what: str
) -> None:
    """The one size rule of the multi-file uploads (supplier-invoice bulk, client-invoice bulk import), checked
    before anything is sent; raises :class:`InvalidFileError`.

    Qonto writes its limits in "MB": read as decimal megabytes (1 MB = 1,000,000 bytes), the stricter reading. The
    request total counts each file plus :data:`MULTIPART_PART_ALLOWANCE` bytes of multipart framing, since Qonto
    limits the size of the whole request. Messages give exact byte counts.
    """
    if max_file_bytes is not None:
        for file in files:
            if file.size > max_file_bytes:
                raise InvalidFileError(
                    f"{file.filename!r} is {file.size:,} bytes; at most {max_file_bytes:,} bytes per file in a "
                    f"{what} (Qonto would reject the request)."
                )
    total = sum(file.size + MULTIPART_PART_ALLOWANCE for file in files)
    if total > max_request_bytes:
        raise InvalidFileError(
            f"the {what} request would be {total:,} bytes ({len(files)} files plus {MULTIPART_PART_ALLOWANCE:,} "
            f"bytes of multipart framing each); at most {max_request_bytes:,} bytes for the whole request: send "
            "the files in several calls."
        )
