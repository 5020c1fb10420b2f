"""Payment reminders (qonto-api.md §3.2 B21-B22): at most one configuration per client, 1 to 5 rules.

The response shape is read from the request body documented on docs.qonto.com (the page's response example was
not available): every field is optional but the client id, and unknown fields are ignored in production.
"""

from datetime import datetime

import attrs

from qonto_async.errors import ConfigurationError

__all__ = ["Reminder", "ReminderRule", "ReminderRuleInput"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class ReminderRule:
    """One rule of a configuration, anchored on the invoice due date: ``offset_days`` before, on or after it, as
    ``operator`` says (kept as Qonto sends it)."""

    operator: str | None = None
    offset_days: int | None = None
    email_title: str | None = None
    email_body: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Reminder:
    """A client's payment-reminder configuration."""

    client_id: str
    id: str | None = None
    send_to: tuple[str, ...] = ()
    copy_to_self: bool | None = None
    rules: tuple[ReminderRule, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _offset(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigurationError(f"offset_days must be an int >= 0 (days from the due date), got {value!r}.")
    return value


def _email_title(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"email_title is required for every rule (non-empty string), got {value!r}.")
    return value


@attrs.frozen(kw_only=True, weakref_slot=False)
class ReminderRuleInput:
    """A rule to send (what you send, not what Qonto returns). ``email_title`` is required; without
    ``email_body`` Qonto sends its default copy for the rule's operator. ``operator`` (before, on or after the due
    date, in Qonto's words) is sent only when given."""

    offset_days: int = attrs.field(converter=_offset)
    email_title: str = attrs.field(converter=_email_title)
    email_body: str | None = None
    operator: str | None = None
