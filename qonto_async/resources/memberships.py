"""``qonto.memberships``: the organization's members (qonto-api.md §3.1 rows 68-69)."""

from __future__ import annotations

from typing import Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.memberships import Membership, MembershipRole
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import Params, Resource, check_id, check_per_page, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Membership, key="memberships")
_ONE = decoder(Membership, key="membership")
# The invite's role enum in Qonto's OpenAPI document; "reporting" is the accountant role.
INVITE_ROLES: Final = ("employee", "reporting")


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _email(value: object) -> str:
    if not isinstance(value, str) or value != value.strip() or value.count("@") != 1 or " " in value:
        raise ConfigurationError(f"email must be one e-mail address such as 'ada@example.com', got {value!r}.")
    local, _, domain = value.partition("@")
    if not local or not domain:
        raise ConfigurationError(f"email must be one e-mail address such as 'ada@example.com', got {value!r}.")
    return value


class MembershipsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/memberships")
    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[Membership]:
        """``GET /v2/memberships``: one page of the organization's memberships."""
        params = Params().paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/memberships", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/memberships")
    def iterate(self, *, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES) -> AsyncPaginator[Membership]:
        """Every membership, across pages."""
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Membership]:
            return await self.list(page=page, per_page=per_page)

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/membership")
    async def get_current(self) -> Membership:
        """``GET /v2/membership``: the membership of the user who authorized the app.

        OAuth only, with the ``membership.read`` scope (qonto-api.md §3.1 row 69): an API key gets a 401/403.
        """
        return await self._send(Request(method="GET", path="/v2/membership", decode=_ONE))

    @operation("POST", "/v2/memberships/invite_employee_or_accountant")
    async def create(
        self,
        *,
        email: str,
        first_name: str,
        last_name: str,
        role: MembershipRole | str,
        team_id: str | None = None,
    ) -> Membership:
        """``POST /v2/memberships/invite_employee_or_accountant``: create a membership and invite the person.

        Sends ``{"membership": {"email", "first_name", "last_name", "role", "team_id"}}``; the new member gets an
        invitation e-mail at once. As the path says, ``role`` is ``employee`` or ``reporting`` (the accountant
        role's name in the API; Qonto's OpenAPI enum), refused otherwise before sending. Returns the membership
        created. Qonto documents no idempotency key here, so a failed call is not retried (a repeated call would
        send a second invitation). OAuth only, with the ``membership.write`` scope (qonto-api.md §2.3).
        """
        role_value = role.value if isinstance(role, MembershipRole) else _text("role", role)
        if role_value not in INVITE_ROLES:
            hint = " (the accountant role is 'reporting' in the API)" if role_value == "accountant" else ""
            raise ConfigurationError(f"role must be 'employee' or 'reporting'{hint}; got {role_value!r}.")
        membership = {
            "email": _email(email),
            "first_name": _text("first_name", first_name),
            "last_name": _text("last_name", last_name),
            "role": role_value,
        }
        if team_id is not None:
            membership["team_id"] = check_id("team_id", team_id)
        return await self._send(
            Request(
                method="POST",
                path="/v2/memberships/invite_employee_or_accountant",
                json={"membership": membership},
                decode=_ONE,
            )
        )
