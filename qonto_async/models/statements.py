"""Account statements: ``GET /v2/statements`` and ``GET /v2/statements/{id}``."""

import attrs

__all__ = ["Statement", "StatementFile"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class StatementFile:
    """The statement's PDF. ``file_url`` is a pre-signed URL: fetch it without any Qonto header (qonto-api.md §12)."""

    file_name: str | None = None
    file_content_type: str | None = None
    file_size: int | None = None
    file_url: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Statement:
    """A monthly statement of one business account; ``period`` is ``MM-YYYY`` as Qonto writes it, e.g. ``08-2024``."""

    id: str
    bank_account_id: str | None = None
    period: str | None = None
    file: StatementFile | None = None
