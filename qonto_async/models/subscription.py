"""The organization's Qonto plan: ``GET /v2/subscription`` (qonto-api.md §3.2 B1)."""

from datetime import datetime
from decimal import Decimal

import attrs

__all__ = ["MonthlyPrice", "Subscription", "SubscriptionPlan"]


@attrs.frozen(kw_only=True, weakref_slot=False)
class MonthlyPrice:
    """``{"amount": "99.00", "currency": "EUR"}``: the amount is a decimal string, decoded to ``Decimal``."""

    amount: Decimal | None = None
    currency: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SubscriptionPlan:
    """The plan, e.g. ``code="team_business"``, ``name="Business"``, ``lineup="teams"``, ``status="active"``."""

    code: str | None = None
    name: str | None = None
    lineup: str | None = None
    status: str | None = None
    recurrence: str | None = None
    monthly_price: MonthlyPrice | None = None
    trial_ends_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Subscription:
    """The whole response. ``plan`` is ``None`` when the organization has no active core subscription (e.g. during
    a migration); Qonto sends ``plan: null`` rather than an error."""

    plan: SubscriptionPlan | None = None
