"""Memberships: ``GET /v2/memberships`` and ``GET /v2/membership`` (the authenticated one, OAuth only)."""

import enum
from datetime import date

import attrs

__all__ = ["Membership", "MembershipRole"]


class MembershipRole(enum.StrEnum):
    """``role``, as Qonto's examples and docs list it (the list is open: qonto-api.md §15)."""

    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    REPORTING = "reporting"
    EMPLOYEE = "employee"
    ACCOUNTANT = "accountant"


@attrs.frozen(kw_only=True, weakref_slot=False)
class Membership:
    """A member of the organization.

    The list (``GET /v2/memberships``) carries identity fields (``birthdate``, ``ubo``...); the authenticated
    membership (``GET /v2/membership``) carries contact fields (``email``, ``locale``, ``team_id``...). Every field
    but ``id`` may therefore be ``None``.
    """

    id: str
    first_name: str | None = None
    last_name: str | None = None
    role: MembershipRole | str | None = None
    status: str | None = None
    residence_country: str | None = None
    birthdate: date | None = None
    nationality: str | None = None
    birth_country: str | None = None
    ubo: bool | None = None
    email: str | None = None
    phone_number: str | None = None
    position: str | None = None
    locale: str | None = None
    team_id: str | None = None
    kyc_status: str | None = None
