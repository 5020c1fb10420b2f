"""``qonto.organization``: the authenticated organization and its plan (qonto-api.md §3.1 row 71, §3.2 B1)."""

from __future__ import annotations

from qonto_async.models.organization import Organization
from qonto_async.models.subscription import Subscription
from qonto_async.resources._base import Params, Resource, operation
from qonto_async.serde import decoder
from qonto_async.session import Request

_ORGANIZATION = decoder(Organization, key="organization")
_SUBSCRIPTION = decoder(Subscription)


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
