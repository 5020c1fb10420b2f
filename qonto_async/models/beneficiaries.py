"""SEPA beneficiaries: ``GET /v2/sepa/beneficiaries`` and ``GET /v2/sepa/beneficiaries/{id}``."""

import enum
from datetime import datetime

import attrs

__all__ = ["SepaBeneficiary", "SepaBeneficiaryStatus"]


class SepaBeneficiaryStatus(enum.StrEnum):
    """``status``, as the Postman export and the OpenAPI ``status`` filter list it (an unknown value stays a str)."""

    PENDING = "pending"
    VALIDATED = "validated"
    DECLINED = "declined"


@attrs.frozen(kw_only=True, weakref_slot=False)
class SepaBeneficiary:
    """A SEPA beneficiary. Transfers to a ``trusted`` one skip SCA (qonto-api.md §8)."""

    id: str
    name: str | None = None
    iban: str | None = None
    bic: str | None = None
    status: SepaBeneficiaryStatus | str | None = None
    trusted: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    email: str | None = None
    activity_tag: str | None = None
