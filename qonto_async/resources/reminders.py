"""``qonto.reminders``: automated payment reminders for clients' unpaid invoices (qonto-api.md §3.2 B21-B22).

Both endpoints need the Invoice Automation add-on (403 without it); removing the add-on deletes every configuration.
A client has at most one configuration: creating one again **replaces** it (recipients and every rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.reminders import Reminder, ReminderRuleInput
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation, string_list
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Reminder, key="reminders")
_WRAPPED = decoder(Reminder, key="reminder")
_BARE = decoder(Reminder)


def _one(body: Any) -> Reminder:
    # The page's response example was not available (qonto-api.md §3.2 B22): Qonto's newer invoicing endpoints wrap
    # the object in its name, so that is read first, and a bare object is accepted too.
    return _WRAPPED(body) if isinstance(body, dict) and "reminder" in body else _BARE(body)


_MAX_RULES: Final = 5  # docs.qonto.com (Payment Reminders): a configuration has 1 to 5 rules.


def _filters(client_ids: object) -> Params:
    ids = string_list("client_ids", client_ids)
    # docs.qonto.com (List payment reminder configurations): "one or more client ids, comma-separated".
    return Params().add("client_ids", ",".join(ids) if ids else None)


def _rule(index: int, rule: object) -> dict[str, Any]:
    if not isinstance(rule, ReminderRuleInput):
        raise ConfigurationError(
            f"rules[{index}] must be a ReminderRuleInput(offset_days=..., email_title=...), got {type(rule).__name__}."
        )
    body: dict[str, Any] = {"email_title": rule.email_title, "offset_days": rule.offset_days}
    if rule.email_body is not None:
        body["email_body"] = rule.email_body
    if rule.operator is not None:
        body["operator"] = rule.operator
    return body


class RemindersResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/reminders")
    async def list(
        self,
        *,
        client_ids: Iterable[str] | str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Reminder]:
        """``GET /v2/reminders``: one page of reminder configurations, at most one per client (scope
        ``client_invoices.read``). ``client_ids`` keeps those of the given clients (sent comma-joined)."""
        params = _filters(client_ids).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/reminders", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/reminders")
    def iterate(
        self,
        *,
        client_ids: Iterable[str] | str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Reminder]:
        """Every reminder configuration (filtered as :meth:`list`), across pages. Arguments are checked now."""
        base = tuple(_filters(client_ids).pairs)
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Reminder]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/reminders", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/reminders")
    async def create(
        self,
        *,
        client_id: str,
        send_to: Iterable[str],
        rules: Iterable[ReminderRuleInput],
        copy_to_self: bool | None = None,
    ) -> Reminder:
        """``POST /v2/reminders``: set a client's payment reminders (scope ``client_invoice.write``).

        **Replaces** the client's existing configuration, if any: ``send_to``, ``copy_to_self`` and all the rules
        (read it with :meth:`list` first to change only part of it). ``rules`` holds 1 to 5
        :class:`~qonto_async.models.ReminderRuleInput`, each anchored on the invoice due date. Replacing makes a
        repeated call harmless, but no idempotency key is documented, so it is not retried automatically.
        """
        recipients = string_list("send_to", send_to)
        if isinstance(send_to, str) or not recipients:
            raise ConfigurationError("send_to must be a list of one or more email addresses.")
        if isinstance(rules, str | bytes | Mapping) or not isinstance(rules, Iterable):
            raise ConfigurationError(f"rules must be a list of ReminderRuleInput, got {type(rules).__name__}.")
        rule_list = [_rule(index, rule) for index, rule in enumerate(rules)]
        if not 1 <= len(rule_list) <= _MAX_RULES:
            raise ConfigurationError(f"rules takes 1 to {_MAX_RULES} rules, got {len(rule_list)}.")
        body: dict[str, Any] = {
            "client_id": check_id("client_id", client_id),
            "send_to": recipients,
            "rules": rule_list,
        }
        if copy_to_self is not None:
            if not isinstance(copy_to_self, bool):
                raise ConfigurationError(f"copy_to_self must be True or False, got {copy_to_self!r}.")
            body["copy_to_self"] = copy_to_self
        return await self._send(Request(method="POST", path="/v2/reminders", json=body, decode=_one))
