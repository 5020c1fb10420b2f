"""``qonto.organization``: the authenticated organization, its plan, and the User OAuth flow's organizations
(qonto-api.md §3.1 row 71, §3.2 B1 and B3)."""

from __future__ import annotations

from qonto_async.models.organization import Organization, UserOrganization
from qonto_async.models.subscription import Subscription
from qonto_async.resources._base import Params, Resource, operation
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

_ORGANIZATION = decoder(Organization, key="organization")
_SUBSCRIPTION = decoder(Subscription)
# docs.qonto.com (get-user-organizations): the list sits under "organizations", unpaginated.
_USER_ORGANIZATIONS = list_decoder(UserOrganization, key="organizations")


class OrganizationResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/organization")
    async def get(self, *, include_external_accounts: bool | None = None) -> Organization:
        """``GET /v2/organization``: the organization and its bank accounts.

        Also the cheapest way to check credentials: 200 means they work (qonto-api.md §2.1).
        ``include_external_accounts=True`` adds connected accounts at other banks.
        """
        params = Params().add_bool("include_external_accounts", include_external_accounts)
        return await self._send(
            Request(method="GET", path="/v2/organization", params=params.pairs, decode=_ORGANIZATION)
        )

    @operation("GET", "/v2/subscription")
    async def get_subscription(self) -> Subscription:
        """``GET /v2/subscription``: the organization's current Qonto plan (OAuth scope ``subscription.read``).

        ``plan`` is ``None`` when the organization has no active core subscription. Not to be confused with SEPA
        direct debit subscriptions or webhook subscriptions.
        """
        return await self._send(Request(method="GET", path="/v2/subscription", decode=_SUBSCRIPTION))

    @operation("GET", "/v2/user_organizations")
    async def list_user_organizations(self) -> tuple[UserOrganization, ...]:
        """``GET /v2/user_organizations``: the organizations the user consented to share (User OAuth flow only).

        Needs a token from the User OAuth flow (``identity_type=user``, scope ``user_organization.read``). Every
        other call of such a token must name one organization: build a view with
        ``qonto.with_options(organization_id=org.id)``, which sends ``X-Qonto-Organization-Id`` (a missing or
        unconsented organization gives 403, qonto-api.md §2.4). Not paginated: the whole list comes at once, under
        the ``organizations`` key (docs.qonto.com example).
        """
        return await self._send(Request(method="GET", path="/v2/user_organizations", decode=_USER_ORGANIZATIONS))
