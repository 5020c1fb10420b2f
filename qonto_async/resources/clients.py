"""``qonto.clients``: the organization's clients, to whom invoices and quotes go (qonto-api.md §3.1 rows 40-44)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from qonto_async.errors import ConfigurationError
from qonto_async.models.clients import Client, ClientAddress, ClientKind, ClientPhone
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    currency_param,
    operation,
    path_id,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Client, key="clients")
_ONE = decoder(Client, key="client")
_KINDS: Final = tuple(k.value for k in ClientKind)
_SORT_BY: Final = re.compile(r"^(created_at|name):(asc|desc)$")
_MIN_NAME_FILTER: Final = 2  # Postman: the name filter "must at least contain 2 characters".


def _filters(
    *,
    tax_identification_number: str | None,
    vat_number: str | None,
    email: str | None,
    name: str | None,
    sort_by: str | None,
) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(
            f"sort_by must be created_at or name with :asc or :desc (e.g. 'name:asc'), got {sort_by!r}."
        )
    if name is not None and (not isinstance(name, str) or len(name.strip()) < _MIN_NAME_FILTER):
        raise ConfigurationError(f"name must be a string of at least 2 characters, got {name!r}.")
    params = Params()
    # Postman (List clients): filter[tax_identification_number|vat_number|email] match exactly (case-insensitive);
    # filter[name] matches partially.
    params.add_id("filter[tax_identification_number]", tax_identification_number)
    params.add_id("filter[vat_number]", vat_number).add_id("filter[email]", email).add("filter[name]", name)
    return params.add("sort_by", sort_by)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _emails(values: object) -> list[str]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(f"extra_emails must be a list of e-mail addresses, got {type(values).__name__}.")
    return [_email("extra_emails", value) for value in values]


def _email(name: str, value: object) -> str:
    text = check_id(name, value)
    if "@" not in text:
        raise ConfigurationError(f"{name} must be an e-mail address, got {value!r}.")
    return text


def _body(
    *,
    name: str | None,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    extra_emails: Iterable[str] | None,
    phone: ClientPhone | None,
    billing_address: ClientAddress | None,
    delivery_address: ClientAddress | None,
    vat_number: str | None,
    tax_identification_number: str | None,
    e_invoicing_address: str | None,
    recipient_code: str | None,
    currency: str | None,
    locale: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field, text in (("name", name), ("first_name", first_name), ("last_name", last_name)):
        if text is not None:
            body[field] = _text(field, text)
    if email is not None:
        body["email"] = _email("email", email)
    if extra_emails is not None:
        body["extra_emails"] = _emails(extra_emails)
    for field, obj, cls in (
        ("phone", phone, ClientPhone),
        ("billing_address", billing_address, ClientAddress),
        ("delivery_address", delivery_address, ClientAddress),
    ):
        if obj is not None:
            if not isinstance(obj, cls):
                raise ConfigurationError(f"{field} must be a {cls.__name__}, got {type(obj).__name__}.")
            body[field] = _parts(field, obj)
    for field, value in (
        ("vat_number", vat_number),
        ("tax_identification_number", tax_identification_number),
        ("e_invoicing_address", e_invoicing_address),
        ("recipient_code", recipient_code),
        ("locale", locale),
    ):
        if value is not None:
            body[field] = check_id(field, value)
    if currency is not None:
        body["currency"] = currency_param("currency", currency)
    return body


def _parts(name: str, value: ClientAddress | ClientPhone) -> dict[str, str]:
    """An address or a phone as Qonto reads it: each field a non-empty string (None leaves it out)."""
    out: dict[str, str] = {}
    for field in attrs.fields(type(value)):
        part = getattr(value, field.name)
        if part is None:
            continue
        if not isinstance(part, str) or not part.strip():
            raise ConfigurationError(f"{name}.{field.name} must be a non-empty string or None, got {part!r}.")
        out[field.name] = part
    return out


class ClientsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/clients")
    async def list(
        self,
        *,
        tax_identification_number: str | None = None,
        vat_number: str | None = None,
        email: str | None = None,
        name: str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Client]:
        """``GET /v2/clients``: one page of clients (scope ``client.read``; API keys work too).

        ``tax_identification_number``, ``vat_number`` and ``email`` match exactly (case-insensitive); ``name``
        (2 characters or more) matches partially, accents ignored. They are sent as ``filter[...]``. ``sort_by``
        is ``created_at`` or ``name`` with ``:asc``/``:desc``.
        """
        params = _filters(
            tax_identification_number=tax_identification_number,
            vat_number=vat_number,
            email=email,
            name=name,
            sort_by=sort_by,
        ).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/clients", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/clients")
    def iterate(
        self,
        *,
        tax_identification_number: str | None = None,
        vat_number: str | None = None,
        email: str | None = None,
        name: str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Client]:
        """Every client matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(
            _filters(
                tax_identification_number=tax_identification_number,
                vat_number=vat_number,
                email=email,
                name=name,
                sort_by=sort_by,
            ).pairs
        )
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Client]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/clients", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/clients/{id}")
    async def get(self, id: str) -> Client:
        """``GET /v2/clients/{id}``: one client."""
        return await self._send(Request(method="GET", path=f"/v2/clients/{path_id('id', id)}", decode=_ONE))

    @operation("POST", "/v2/clients")
    async def create(
        self,
        *,
        kind: ClientKind | str,
        name: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        extra_emails: Iterable[str] | None = None,
        phone: ClientPhone | None = None,
        billing_address: ClientAddress | None = None,
        delivery_address: ClientAddress | None = None,
        vat_number: str | None = None,
        tax_identification_number: str | None = None,
        e_invoicing_address: str | None = None,
        recipient_code: str | None = None,
        currency: str | None = None,
        locale: str | None = None,
    ) -> Client:
        """``POST /v2/clients``: add a client (scope ``client.write``; API keys work too). Returns it.

        ``kind`` is ``company`` (then ``name`` is required) or ``individual``/``freelancer`` (then ``first_name``
        and ``last_name``). The body is not wrapped in a root key. **Qonto enforces no uniqueness**: search with
        :meth:`list` (e.g. ``email=...`` or ``vat_number=...``) before creating. No idempotency key is
        documented, so the call is never retried automatically.
        """
        kind_value = kind.value if isinstance(kind, enum.Enum) else kind
        if kind_value not in _KINDS:
            raise ConfigurationError(f"kind must be one of {', '.join(_KINDS)}; got {kind!r}.")
        if kind_value == ClientKind.COMPANY and name is None:
            raise ConfigurationError("a company client needs a name.")
        if kind_value != ClientKind.COMPANY and (first_name is None or last_name is None):
            raise ConfigurationError(f"an {kind_value} client needs first_name and last_name.")
        body = {
            "kind": kind_value,
            **_body(
                name=name,
                first_name=first_name,
                last_name=last_name,
                email=email,
                extra_emails=extra_emails,
                phone=phone,
                billing_address=billing_address,
                delivery_address=delivery_address,
                vat_number=vat_number,
                tax_identification_number=tax_identification_number,
                e_invoicing_address=e_invoicing_address,
                recipient_code=recipient_code,
                currency=currency,
                locale=locale,
            ),
        }
        return await self._send(Request(method="POST", path="/v2/clients", json=body, decode=_ONE))

    @operation("PATCH", "/v2/clients/{id}")
    async def update(
        self,
        id: str,
        *,
        name: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        extra_emails: Iterable[str] | None = None,
        phone: ClientPhone | None = None,
        billing_address: ClientAddress | None = None,
        delivery_address: ClientAddress | None = None,
        vat_number: str | None = None,
        tax_identification_number: str | None = None,
        e_invoicing_address: str | None = None,
        recipient_code: str | None = None,
        currency: str | None = None,
        locale: str | None = None,
    ) -> Client:
        """``PATCH /v2/clients/{id}``: change a client; only the arguments given are sent (at least one).

        ``kind`` cannot change. Returns the updated client. Not retried automatically (no idempotency key).
        """
        body = _body(
            name=name,
            first_name=first_name,
            last_name=last_name,
            email=email,
            extra_emails=extra_emails,
            phone=phone,
            billing_address=billing_address,
            delivery_address=delivery_address,
            vat_number=vat_number,
            tax_identification_number=tax_identification_number,
            e_invoicing_address=e_invoicing_address,
            recipient_code=recipient_code,
            currency=currency,
            locale=locale,
        )
        if not body:
            raise ConfigurationError("update needs at least one field to change.")
        path = f"/v2/clients/{path_id('id', id)}"
        return await self._send(Request(method="PATCH", path=path, json=body, decode=_ONE))

    @operation("DELETE", "/v2/clients/{id}")
    async def delete(self, id: str) -> None:
        """``DELETE /v2/clients/{id}``: delete a client, **permanently** (Qonto answers 204).

        Qonto cancels the client's recurring invoices; issued invoices keep the client's details; a later
        :meth:`get` answers 404. Not retried automatically.
        """
        await self._send(Request(method="DELETE", path=f"/v2/clients/{path_id('id', id)}"))
