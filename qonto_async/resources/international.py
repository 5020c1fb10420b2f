"""``qonto.international``: international transfers, in beta at Qonto (qonto-api.md §3.1 rows 56-65).

The flow (docs.qonto.com, international transfers guide): check :meth:`~InternationalResource.get_eligibility`,
pick a currency (:meth:`~InternationalResource.list_currencies`), get a quote
(:meth:`~InternationalResource.create_quote`), fill in the beneficiary requirements
(:meth:`~InternationalResource.beneficiary_requirements`, repeated while a field asks for a refresh), create or
update the beneficiary (which may return a new quote and gives the ``target_account_id``), fill in the transfer
requirements (:meth:`~InternationalResource.transfer_requirements`), then
:meth:`~InternationalResource.create_transfer`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.common import Money
from qonto_async.models.international import (
    InternationalBeneficiary,
    InternationalBeneficiaryResult,
    InternationalCurrency,
    InternationalEligibility,
    InternationalQuote,
    InternationalRequirement,
    InternationalTransfer,
)
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    amount_param,
    check_id,
    check_per_page,
    id_list,
    operation,
    path_id,
)
from qonto_async.serde import decoder, list_decoder
from qonto_async.session import Request

_ELIGIBILITY = decoder(InternationalEligibility)
_CURRENCIES = list_decoder(InternationalCurrency, key="currencies")
_QUOTE = decoder(InternationalQuote, key="quote")
_REQUIREMENTS = list_decoder(InternationalRequirement, key="requirements")
_BENEFICIARIES = page_decoder(InternationalBeneficiary, key="beneficiaries")
_BENEFICIARY_RESULT = decoder(InternationalBeneficiaryResult)
_TRANSFER = decoder(InternationalTransfer, key="transfer")

_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
# The Postman collection's Accept-Language description for both requirements endpoints.
ACCEPT_LANGUAGES: Final = ("en", "it", "es", "de", "fr", "pt")


def _currency(name: str, value: object) -> str:
    """An ISO 4217 alpha-3 code, upper case, as Qonto spells them (qonto-api.md §11)."""
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise ConfigurationError(
            f"{name} must be an ISO 4217 currency code such as 'USD' (3 capitals), got {value!r}."
        )
    return value


def _headers(accept_language: str | None) -> dict[str, str]:
    if accept_language is None:
        return {}
    if accept_language not in ACCEPT_LANGUAGES:
        allowed = ", ".join(ACCEPT_LANGUAGES)
        raise ConfigurationError(f"accept_language must be one of {allowed}; got {accept_language!r}.")
    return {"Accept-Language": accept_language}


def _detail_value(where: str, value: object) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        raise ConfigurationError(
            f"{where} is a float ({value!r}); pass a string or a Decimal so the value is sent exactly as written."
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ConfigurationError(f"{where} must be a finite number, got {value!r}.")
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _details(where, value)
    if isinstance(value, list | tuple):
        return [_detail_value(f"{where}[{index}]", item) for index, item in enumerate(value)]
    raise ConfigurationError(f"{where} has an unsupported type {type(value).__name__}.")


def _details(name: str, values: object) -> dict[str, Any]:
    """The ``details`` object: the requirement fields' ``key`` → the user's answer.

    A dotted key is a nested object (docs.qonto.com, requirements endpoints): ``{"address.city": "Paris"}`` is sent
    as ``{"address": {"city": "Paris"}}``; nested mappings may be given directly as well.
    """
    if not isinstance(values, Mapping):
        raise ConfigurationError(
            f"{name} must be a mapping of requirement keys to values, got {type(values).__name__}."
        )
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
            raise ConfigurationError(f"{name} keys must be requirement keys such as 'address.city', got {key!r}.")
        *parents, leaf = key.split(".")
        value = _detail_value(f"{name}[{key!r}]", raw)
        node = out
        for depth, part in enumerate(parents):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                prefix = ".".join(parents[: depth + 1])
                raise ConfigurationError(f"{name}: {key!r} nests under {prefix!r}, which already has a value.")
            node = child
        if leaf in node:
            existing = node[leaf]
            if not (isinstance(existing, dict) and isinstance(value, dict)):
                raise ConfigurationError(f"{name}: {key!r} is given twice (once dotted, once nested).")
            _merge(name, key, existing, value)
        else:
            node[leaf] = value
    return out


def _merge(name: str, key: str, into: dict[str, Any], extra: dict[str, Any]) -> None:
    for part, value in extra.items():
        if part not in into:
            into[part] = value
        elif isinstance(into[part], dict) and isinstance(value, dict):
            _merge(name, f"{key}.{part}", into[part], value)
        else:
            raise ConfigurationError(f"{name}: {key}.{part!s} is given twice (once dotted, once nested).")


def _payload(currency: str, type: str | None, details: Mapping[str, Any] | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"currency": _currency("currency", currency)}
    if type is not None:
        payload["type"] = check_id("type", type)
    if details is not None:
        payload["details"] = _details("details", details)
    return payload


def _money(name: str, value: object) -> dict[str, str]:
    if isinstance(value, Money):
        if value.value is None or value.currency is None:
            raise ConfigurationError(f"{name} needs both a value and a currency, got {value!r}.")
        return {
            "currency": _currency(f"{name}.currency", value.currency),
            "value": amount_param(name, value.value),
        }
    raise ConfigurationError(
        f"{name} must be a Money(value=Decimal(...), currency='USD'), e.g. the quote's own {name}; "
        f"got {type(value).__name__}."
    )


def _id_list(name: str, values: object) -> list[str] | None:
    return None if values is None else id_list(name, values)


class InternationalResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/international/eligibility")
    async def get_eligibility(self) -> InternationalEligibility:
        """``GET /v2/international/eligibility``: whether the organization may send international transfers.

        Check ``eligible == "eligible"``: the field is a string (``eligible``/``ineligible``), not a boolean.
        OAuth only (scope ``organization.read``).
        """
        return await self._send(Request(method="GET", path="/v2/international/eligibility", decode=_ELIGIBILITY))

    @operation("GET", "/v2/international/currencies")
    async def list_currencies(self, source: str) -> tuple[InternationalCurrency, ...]:
        """``GET /v2/international/currencies?source=EUR``: the currencies reachable from ``source`` (required).

        Not paginated. OAuth only (scope ``organization.read``).
        """
        params = Params().add("source", _currency("source", source))
        return await self._send(
            Request(method="GET", path="/v2/international/currencies", params=params.pairs, decode=_CURRENCIES)
        )

    @operation("POST", "/v2/international/quotes")
    async def create_quote(
        self,
        *,
        source_currency: str,
        target_currency: str,
        source_amount: Decimal | str | None = None,
        target_amount: Decimal | str | None = None,
    ) -> InternationalQuote:
        """``POST /v2/international/quotes``: an exchange quote (rate and fees, as ``Decimal``).

        Give exactly one of ``source_amount`` (what leaves the account) and ``target_amount`` (what the beneficiary
        receives): Qonto refuses both. Amounts are positive ``Decimal``s or decimal strings with at most 2 decimals
        (a float is refused).

        Quotes expire (``expired_at``): if one has expired when the transfer is created, Qonto quotes again and the
        rate and fees may differ. Qonto documents no idempotency key here: a failed call is not retried.
        OAuth only (scope ``international_transfer.write``).
        """
        source = _currency("source_currency", source_currency)
        target = _currency("target_currency", target_currency)
        if (source_amount is None) == (target_amount is None):
            raise ConfigurationError(
                "create_quote takes exactly one of source_amount and target_amount (Qonto treats them as mutually "
                "exclusive)."
            )
        body: dict[str, Any] = {"source_currency": source, "target_currency": target}
        if source_amount is not None:
            body["source_amount"] = amount_param("source_amount", source_amount)
        if target_amount is not None:
            body["target_amount"] = amount_param("target_amount", target_amount)
        return await self._send(Request(method="POST", path="/v2/international/quotes", json=body, decode=_QUOTE))

    @operation("POST", "/v2/international/beneficiaries/requirements")
    async def beneficiary_requirements(
        self,
        *,
        quote_id: str,
        currency: str,
        beneficiary_id: str | None = None,
        type: str | None = None,
        details: Mapping[str, Any] | None = None,
        accept_language: str | None = None,
    ) -> tuple[InternationalRequirement, ...]:
        """``POST /v2/international/beneficiaries/requirements``: the form a beneficiary must fill in.

        Sends ``{"quote_id", "beneficiary_id", "payload": {"currency", "type", "details"}}``. The first call needs
        ``quote_id`` and ``currency`` (and ``beneficiary_id`` to reuse an existing beneficiary). Each requirement
        returned is one payment method (its ``type``): pick one, then call again with ``type`` and the answers
        in ``details`` whenever a field has ``refresh_requirements_on_change``. ``details`` maps each field's
        ``key`` to its value; a dotted key (``"address.city"``) is sent as a nested object, as Qonto expects.

        ``accept_language`` (``en``, ``it``, ``es``, ``de``, ``fr``, ``pt``) sets ``Accept-Language``: the language
        of the field names and allowed values. OAuth only (scope ``international_transfer.write``).
        """
        body: dict[str, Any] = {
            "quote_id": check_id("quote_id", quote_id),
            "payload": _payload(currency, type, details),
        }
        if beneficiary_id is not None:
            body["beneficiary_id"] = check_id("beneficiary_id", beneficiary_id)
        return await self._send(
            Request(
                method="POST",
                path="/v2/international/beneficiaries/requirements",
                json=body,
                headers=_headers(accept_language),
                decode=_REQUIREMENTS,
            )
        )

    @operation("GET", "/v2/international/beneficiaries")
    async def list_beneficiaries(
        self, *, currency: str, page: int | None = None, per_page: int | None = None
    ) -> Page[InternationalBeneficiary]:
        """``GET /v2/international/beneficiaries``: one page of the beneficiaries in ``currency`` (required).

        OAuth only (scope ``organization.read``).
        """
        params = Params().add("currency", _currency("currency", currency)).paging(page, per_page)
        return await self._send(
            Request(
                method="GET", path="/v2/international/beneficiaries", params=params.pairs, decode=_BENEFICIARIES
            )
        )

    @operation("GET", "/v2/international/beneficiaries")
    def iterate_beneficiaries(
        self, *, currency: str, per_page: int = 100, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncPaginator[InternationalBeneficiary]:
        """Every international beneficiary in ``currency``, across pages. Arguments are checked now."""
        code = _currency("currency", currency)
        check_per_page(per_page)

        async def fetch(page: int) -> Page[InternationalBeneficiary]:
            return await self.list_beneficiaries(currency=code, page=page, per_page=per_page)

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("POST", "/v2/international/beneficiaries")
    async def create_beneficiary(
        self,
        *,
        quote_id: str,
        currency: str,
        type: str,
        details: Mapping[str, Any],
    ) -> InternationalBeneficiaryResult:
        """``POST /v2/international/beneficiaries``: create a beneficiary from the requirements' answers.

        Sends ``{"quote_id", "payload": {"currency", "type", "details"}}``: ``type`` is the payment method chosen
        among the requirements (e.g. ``swift_code``), ``details`` the answers (dotted keys become nested objects).
        Returns the beneficiary, a quote (**use this one from now on**: it may be new) and the
        ``target_account_id`` that the transfer requirements and the transfer take. Qonto documents no idempotency
        key here, so a failed call is not retried. OAuth only (scope ``international_transfer.write``).
        """
        body = {"quote_id": check_id("quote_id", quote_id), "payload": _payload(currency, type, details)}
        return await self._send(
            Request(method="POST", path="/v2/international/beneficiaries", json=body, decode=_BENEFICIARY_RESULT)
        )

    @operation("PUT", "/v2/international/beneficiaries/{id}")
    async def update_beneficiary(
        self,
        id: str,
        *,
        quote_id: str,
        currency: str,
        type: str,
        details: Mapping[str, Any],
    ) -> InternationalBeneficiaryResult:
        """``PUT /v2/international/beneficiaries/{id}``: replace a beneficiary's details for a new quote.

        Same body and result as :meth:`create_beneficiary` (use the quote returned). OAuth only (scope
        ``international_transfer.write``).
        """
        path = f"/v2/international/beneficiaries/{path_id('id', id)}"
        body = {"quote_id": check_id("quote_id", quote_id), "payload": _payload(currency, type, details)}
        return await self._send(Request(method="PUT", path=path, json=body, decode=_BENEFICIARY_RESULT))

    @operation("DELETE", "/v2/international/beneficiaries/{id}")
    async def delete_beneficiary(self, id: str) -> None:
        """``DELETE /v2/international/beneficiaries/{id}``: delete a beneficiary (Qonto answers 200, no body).

        OAuth only (scope ``international_transfer.write``).
        """
        path = f"/v2/international/beneficiaries/{path_id('id', id)}"
        await self._send(Request(method="DELETE", path=path))

    @operation("POST", "/v2/international/transfers/requirements")
    async def transfer_requirements(
        self,
        *,
        quote_id: str,
        target_account_id: str,
        details: Mapping[str, Any] | None = None,
        accept_language: str | None = None,
    ) -> tuple[InternationalRequirement, ...]:
        """``POST /v2/international/transfers/requirements``: what the transfer itself still needs.

        Sends ``{"quote_id", "target_account_id", "details"}``; ``target_account_id`` comes from
        :meth:`create_beneficiary` / :meth:`update_beneficiary`. At most one requirement comes back; an empty tuple
        means nothing more is needed. Call again with the answers in ``details`` when a field has
        ``refresh_requirements_on_change`` (dotted keys become nested objects). ``accept_language`` as in
        :meth:`beneficiary_requirements`. OAuth only (scope ``international_transfer.write``).
        """
        body: dict[str, Any] = {
            "quote_id": check_id("quote_id", quote_id),
            "target_account_id": check_id("target_account_id", target_account_id),
        }
        if details is not None:
            body["details"] = _details("details", details)
        return await self._send(
            Request(
                method="POST",
                path="/v2/international/transfers/requirements",
                json=body,
                headers=_headers(accept_language),
                decode=_REQUIREMENTS,
            )
        )

    @operation("POST", "/v2/international/transfers")
    async def create_transfer(
        self,
        *,
        beneficiary_id: str,
        quote_id: str,
        target_account_id: str,
        bank_account_id: str | None = None,
        details: Mapping[str, Any] | None = None,
        source_amount: Money | None = None,
        target_amount: Money | None = None,
        attachment_ids: Iterable[str] | None = None,
        idempotency_key: str | None = None,
    ) -> InternationalTransfer:
        """``POST /v2/international/transfers``: send the international transfer.

        ``details`` holds the answers to :meth:`transfer_requirements` (same keys). ``source_amount`` /
        ``target_amount`` are :class:`~qonto_async.models.Money` values, normally the quote's own; their ``value``
        must be a ``Decimal`` with at most 2 decimals. ``bank_account_id`` is the account debited.

        ``X-Qonto-Idempotency-Key`` is required (qonto-api.md §7): one is generated per call and reused on every
        retry and on the SCA replay, or pass your own ``idempotency_key``. The call may answer **428** (strong
        customer authentication, qonto-api.md §8): handled like every sensitive write of this client. If the quote
        has expired, Qonto quotes again and the rate and fees may differ. OAuth only (scope
        ``international_transfer.write``).
        """
        body: dict[str, Any] = {
            "beneficiary_id": check_id("beneficiary_id", beneficiary_id),
            "quote_id": check_id("quote_id", quote_id),
            "target_account_id": check_id("target_account_id", target_account_id),
        }
        if bank_account_id is not None:
            body["bank_account_id"] = check_id("bank_account_id", bank_account_id)
        if details is not None:
            body["details"] = _details("details", details)
        if source_amount is not None:
            body["source_amount"] = _money("source_amount", source_amount)
        if target_amount is not None:
            body["target_amount"] = _money("target_amount", target_amount)
        ids = _id_list("attachment_ids", attachment_ids)
        if ids is not None:
            body["attachment_ids"] = ids
        if idempotency_key is not None:
            check_id("idempotency_key", idempotency_key)
        return await self._send(
            Request(
                method="POST",
                path="/v2/international/transfers",
                json=body,
                decode=_TRANSFER,
                idempotent_key_supported=True,
                idempotency_key=idempotency_key,
            )
        )
