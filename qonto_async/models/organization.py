"""The authenticated organization: ``GET /v2/organization``."""

from datetime import date, datetime
from decimal import Decimal

import attrs

from qonto_async.models.bank_accounts import BankAccount
from qonto_async.models.memberships import MembershipRole

__all__ = ["Organization", "UserOrganization"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class Organization:
    """The organization behind the credentials, with its bank accounts.

    ``contract_signed_at`` is sent in more than one format, one of them without ``T`` or zone
    (``"2022-12-01 08:57:00.123047"``, documented as UTC: qonto-api.md §11); it is always decoded to an aware UTC
    datetime. ``bank_accounts`` holds external accounts too when asked with ``include_external_accounts=True``.
    """

    id: str
    name: str | None = None
    slug: str | None = None
    legal_name: str | None = None
    locale: str | None = None
    legal_share_capital: Decimal | None = None
    legal_country: str | None = None
    legal_registration_date: date | None = None
    legal_form: str | None = None
    legal_address: str | None = None
    legal_sector: str | None = None
    legal_number: str | None = None
    contract_signed_at: datetime | None = None
    bank_accounts: tuple[BankAccount, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class UserOrganization:
    """An organization the user consented to share in the User OAuth flow (``GET /v2/user_organizations``).

    Pass its ``id`` as ``organization_id`` (``X-Qonto-Organization-Id``) to act on it (qonto-api.md §2.4).
    """

    id: str
    name: str | None = None
    legal_name: str | None = None
    legal_number: str | None = None
    legal_country: str | None = None
    membership_role: MembershipRole | str | None = None
