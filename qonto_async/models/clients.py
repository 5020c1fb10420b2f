"""Clients: the addressees of invoices, quotes and credit notes (qonto-api.md §3.1 rows 40-44)."""

import enum
from datetime import datetime

import attrs

__all__ = ["Client", "ClientAddress", "ClientKind", "ClientPhone"]


class ClientKind(enum.StrEnum):
    """``kind``: a company, or a person (``individual``, ``freelancer``) whose ``name`` is first and last name."""

    COMPANY = "company"
    INDIVIDUAL = "individual"
    FREELANCER = "freelancer"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientAddress:
    """A postal address: a client's ``billing_address`` or ``delivery_address``; also what :meth:`create` takes.

    ``country_code`` is ISO 3166-1 alpha-2 (``"FR"``); ``province_code`` is used for Italian clients.
    """

    street_address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientPhone:
    """A phone number split as Qonto stores it: ``country_code`` (e.g. ``"+33"``) and the national ``number``."""

    country_code: str | None = None
    number: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Client:
    """A client of the organization.

    ``name`` is the company name, or ``first_name`` + ``" "`` + ``last_name`` for an individual or freelancer.
    The flat ``address``/``city``/``zip_code``/``province_code``/``country_code`` fields are the older form of
    ``billing_address``; Qonto still sends both. ``kind`` keeps an unknown value as a plain string.
    """

    id: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    kind: ClientKind | str | None = None
    email: str | None = None
    extra_emails: tuple[str, ...] = ()
    phone: ClientPhone | None = None
    currency: str | None = None
    locale: str | None = None
    e_invoicing_address: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    recipient_code: str | None = None
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    billing_address: ClientAddress | None = None
    delivery_address: ClientAddress | None = None
    created_at: datetime | None = None
