"""Operations with no example in the Postman export or the OpenAPI copy: table B (qonto-api.md §3.2) and SCA polling.

Their only documented example or shape is on docs.qonto.com (quoted here with its address) or in qonto-api.md §8; it
decodes in strict mode like the examples of ``test_examples_decode.py``. The ``plan: null`` case is the one the
subscription page describes in words.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from qonto_async.models import MonthlyPrice, ScaResult, ScaSession, Subscription, SubscriptionPlan
from qonto_async.serde import decoder

# https://docs.qonto.com/api-reference/business-api/accounts-organizations/subscriptions/get-subscription
GET_SUBSCRIPTION_EXAMPLE: dict[str, Any] = {
    "plan": {
        "code": "team_business",
        "name": "Business",
        "lineup": "teams",
        "status": "active",
        "recurrence": "monthly",
        "monthly_price": {"amount": "99.00", "currency": "EUR"},
        "trial_ends_at": None,
    }
}


@pytest.mark.parametrize("strict", [True, False])
def test_get_subscription_example_decodes(strict: bool) -> None:
    decoded = decoder(Subscription, strict=strict)(GET_SUBSCRIPTION_EXAMPLE)
    assert decoded == Subscription(
        plan=SubscriptionPlan(
            code="team_business",
            name="Business",
            lineup="teams",
            status="active",
            recurrence="monthly",
            monthly_price=MonthlyPrice(amount=Decimal("99.00"), currency="EUR"),
            trial_ends_at=None,
        )
    )


def test_get_subscription_null_plan_decodes() -> None:
    assert decoder(Subscription, strict=True)({"plan": None}) == Subscription(plan=None)


def test_trial_end_is_an_aware_datetime() -> None:
    body = {"plan": {**GET_SUBSCRIPTION_EXAMPLE["plan"], "trial_ends_at": "2026-02-01T00:00:00.000Z"}}
    plan = decoder(Subscription, strict=True)(body).plan
    assert plan is not None
    assert isinstance(plan.trial_ends_at, datetime)
    assert plan.trial_ends_at.tzinfo is not None


# qonto-api.md §8: GET /v2/sca_sessions/{token} answers {"result": "waiting"|"allow"|"deny", "canceled_at": ...}.
@pytest.mark.parametrize("result", ["waiting", "allow", "deny"])
def test_sca_session_shape_decodes(result: str) -> None:
    decoded = decoder(ScaSession, strict=True)({"result": result, "canceled_at": None})
    assert decoded == ScaSession(result=ScaResult(result), canceled_at=None)
    canceled = decoder(ScaSession, strict=True)({"result": result, "canceled_at": "2026-01-01T10:00:00.000Z"})
    assert canceled.canceled_at is not None
    assert canceled.canceled_at.tzinfo is not None


def test_an_unknown_sca_result_is_kept_as_text() -> None:
    assert decoder(ScaSession, strict=True)({"result": "expired"}).result == "expired"
