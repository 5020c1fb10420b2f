"""International transfers (``/v2/international/*``), as Qonto's Postman collection and docs describe them
(qonto-api.md §3.1 rows 56-65): OAuth only; reads need ``organization.read``, the rest
``international_transfer.write`` (the docs' spelling, §2.3).

The fake quotes from EUR at fixed rates, asks beneficiaries for a SWIFT form (plus a sort-code form in GBP) whose
``legalType`` answer changes the form (``refresh_requirements_on_change``), and asks transfers for a reference and
a purpose. Field names follow ``Accept-Language`` for ``en`` and ``fr``; other supported languages fall back to
English.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from qonto_async.testing._data import format_time
from qonto_async.testing._server import TRACE_HEADER, _Ctx, _Reject, _Route

if TYPE_CHECKING:
    from qonto_async.testing._server import FakeQonto

_READ: Final = "organization.read"
_WRITE: Final = "international_transfer.write"
_CENT: Final = Decimal("0.01")
QUOTE_LIFETIME: Final = timedelta(minutes=30)
LANGUAGES: Final = ("en", "it", "es", "de", "fr", "pt")

# Units of the target currency for 1 EUR; suggestion priority for the currencies list (lower first).
RATES: Final[dict[str, Decimal]] = {
    "USD": Decimal("1.0850"),
    "GBP": Decimal("0.8560"),
    "CHF": Decimal("0.9420"),
    "JPY": Decimal("162.35"),
    "CAD": Decimal("1.4700"),
}
_COUNTRIES: Final = {"USD": "US", "GBP": "GB", "CHF": "CH", "JPY": "JP", "CAD": "CA"}
FIXED_FEE: Final = Decimal("5.00")
VARIABLE_FEE: Final = Decimal("0.004")

_NAMES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "holder": "Account holder",
        "accountHolderName": "Full name of the account holder",
        "legalType": "Recipient type",
        "PRIVATE": "Person",
        "BUSINESS": "Business",
        "dateOfBirth": "Date of birth",
        "bank": "Bank details",
        "swiftCode": "SWIFT / BIC code",
        "accountNumber": "Account number",
        "sortCode": "UK sort code",
        "address": "Address",
        "address.country": "Country",
        "address.city": "City",
        "address.firstLine": "Address",
        "address.postCode": "Post code",
        "purpose": "Transfer purpose",
        "reference": "Reference",
        "transferPurpose": "Purpose of the transfer",
        "transferPurposeOther": "Describe the purpose",
        "verification.transfer.purpose.invoice": "Paying an invoice",
        "verification.transfer.purpose.salary": "Paying salaries",
        "verification.transfer.purpose.other": "Something else",
    },
    "fr": {
        "holder": "Titulaire du compte",
        "accountHolderName": "Nom complet du titulaire",
        "legalType": "Type de bénéficiaire",
        "PRIVATE": "Particulier",
        "BUSINESS": "Entreprise",
        "dateOfBirth": "Date de naissance",
        "bank": "Coordonnées bancaires",
        "swiftCode": "Code SWIFT / BIC",
        "accountNumber": "Numéro de compte",
        "sortCode": "Sort code britannique",
        "address": "Adresse",
        "address.country": "Pays",
        "address.city": "Ville",
        "address.firstLine": "Adresse",
        "address.postCode": "Code postal",
        "purpose": "Motif du virement",
        "reference": "Référence",
        "transferPurpose": "Motif du virement",
        "transferPurposeOther": "Précisez le motif",
        "verification.transfer.purpose.invoice": "Paiement d'une facture",
        "verification.transfer.purpose.salary": "Paiement de salaires",
        "verification.transfer.purpose.other": "Autre",
    },
}


@attrs.frozen(kw_only=True)
class _Field:
    key: str
    type: str = "text"
    required: bool = True
    refresh: bool = False
    regexp: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    example: str | None = None
    values: tuple[str, ...] = ()

    def check(self, value: object) -> str | None:
        """Why ``value`` is refused, or None."""
        if value is None or value == "":
            return f"{self.key} is required" if self.required else None
        if not isinstance(value, str | int) or isinstance(value, bool):
            return f"{self.key} must be a string"
        text = str(value)
        if self.values and text not in self.values:
            return f"{self.key} must be one of {', '.join(self.values)}"
        if self.min_length is not None and len(text) < self.min_length:
            return f"{self.key} is shorter than {self.min_length} characters"
        if self.max_length is not None and len(text) > self.max_length:
            return f"{self.key} is longer than {self.max_length} characters"
        if self.regexp is not None and not re.fullmatch(self.regexp, text):
            return f"{self.key} does not match {self.regexp}"
        return None

    def describe(self, names: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "name": names.get(self.key, self.key),
            "type": self.type,
            "refresh_requirements_on_change": self.refresh,
            "required": self.required,
            "display_format": None,
            "example": self.example or "",
            "min_length": self.min_length,
            "max_length": self.max_length,
            "validation_regexp": self.regexp,
        }
        if self.values:
            out["values_allowed"] = [{"key": v, "value": names.get(v, v)} for v in self.values]
        return out


_HOLDER: Final = (
    _Field(key="accountHolderName", min_length=2, max_length=140, example="Ada Lovelace"),
    _Field(key="legalType", type="radio", refresh=True, values=("PRIVATE", "BUSINESS")),
)
_BIRTH: Final = _Field(key="dateOfBirth", type="date", regexp=r"^\d{4}-\d{2}-\d{2}$", example="1980-12-10")
_ADDRESS: Final = (
    _Field(key="address.country", type="select", values=tuple(sorted(set(_COUNTRIES.values())))),
    _Field(key="address.city", max_length=85, example="New York"),
    _Field(key="address.firstLine", max_length=140, example="1 Main Street"),
    _Field(key="address.postCode", required=False, max_length=10, example="10001"),
)
_METHODS: Final[dict[str, tuple[_Field, ...]]] = {
    "swift_code": (
        _Field(key="swiftCode", regexp=r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$", example="BOFAUS3NXXX"),
        _Field(key="accountNumber", min_length=4, max_length=34, regexp=r"^[A-Z0-9]{4,34}$", example="123456789"),
    ),
    "sort_code": (
        _Field(key="sortCode", regexp=r"^\d{6}$", example="231470"),
        _Field(key="accountNumber", regexp=r"^\d{8}$", example="28821822"),
    ),
}
_PURPOSES: Final = (
    "verification.transfer.purpose.invoice",
    "verification.transfer.purpose.salary",
    "verification.transfer.purpose.other",
)
_REFERENCE: Final = _Field(key="reference", max_length=35, example="Invoice 2026-001")
_PURPOSE: Final = _Field(key="transferPurpose", type="select", refresh=True, values=_PURPOSES)
_PURPOSE_OTHER: Final = _Field(key="transferPurposeOther", max_length=100, example="Trust funds")


def _methods_for(currency: str) -> tuple[str, ...]:
    return ("swift_code", "sort_code") if currency == "GBP" else ("swift_code",)


def _beneficiary_groups(method: str, details: dict[str, Any]) -> list[tuple[str, tuple[_Field, ...]]]:
    holder = _HOLDER + ((_BIRTH,) if _flat(details).get("legalType") == "PRIVATE" else ())
    return [("holder", holder), ("bank", _METHODS[method]), ("address", _ADDRESS)]


def _transfer_fields(details: dict[str, Any]) -> tuple[_Field, ...]:
    other = _flat(details).get("transferPurpose") == "verification.transfer.purpose.other"
    return (_REFERENCE, _PURPOSE) + ((_PURPOSE_OTHER,) if other else ())


def _flat(details: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested ``details`` as the requirement keys name them: ``{"address": {"city": x}}`` → ``address.city``."""
    out: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@attrs.define
class InternationalStore:
    """The fake's international state: eligibility (settable by tests), quotes, beneficiaries, transfers."""

    eligible: str = "eligible"
    reason: str | None = None
    quotes: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    beneficiaries: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    # Beneficiary id → (target_account_id, payment type, details).
    accounts: dict[str, tuple[str, str, dict[str, Any]]] = attrs.field(factory=dict)
    transfers: list[dict[str, Any]] = attrs.field(factory=list)
    counter: itertools.count[int] = attrs.field(factory=lambda: itertools.count(1))


def store(fake: FakeQonto) -> InternationalStore:
    found = fake.stores.get("international")
    if found is None:
        found = fake.stores["international"] = InternationalStore()
        _seed(fake, found)
    assert isinstance(found, InternationalStore)
    return found


def _new_id(fake: FakeQonto, st: InternationalStore, kind: str) -> str:
    return f"{fake.data.prefix}-{kind}-4000-8000-{next(st.counter):012x}"


def _seed(fake: FakeQonto, st: InternationalStore) -> None:
    seeds = (
        ("Acme Corp", "USD", "US", "swift_code", "BOFAUS3NXXX", "000123456789"),
        ("Globex Ltd", "GBP", "GB", "sort_code", "231470", "28821822"),
        ("Initech Inc", "USD", "US", "swift_code", "CHASUS33XXX", "000987654321"),
    )
    for name, currency, country, method, bank, account in seeds:
        ident = _new_id(fake, st, "1b00")
        st.beneficiaries[ident] = {
            "id": ident,
            "name": name,
            "country": country,
            "currency": currency,
            "payment_type": method,
            "account_identifier": account,
            "bank_identifier": bank,
            "branch_identifier": None,
        }
        st.accounts[ident] = (str(700_000 + len(st.accounts)), method, {})


# --- helpers -------------------------------------------------------------------------------------------------


def _body(fake: FakeQonto, ctx: _Ctx) -> dict[str, Any]:
    try:
        payload = json.loads(ctx.body) if ctx.body else None
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        raise _Reject(fake._error(400, "bad_request", "The request body must be a JSON object", ctx.trace))
    return payload


def _invalid(fake: FakeQonto, ctx: _Ctx, detail: str, pointer: str, code: str = "invalid") -> _Reject:
    return _Reject(fake._error(422, code, detail, ctx.trace, source={"pointer": pointer}))


def _not_found(fake: FakeQonto, ctx: _Ctx, what: str, parameter: str) -> _Reject:
    return _Reject(fake._error(404, "not_found", f"{what} not found", ctx.trace, source={"parameter": parameter}))


def _language(fake: FakeQonto, ctx: _Ctx) -> dict[str, str]:
    raw = ctx.request.headers.get("Accept-Language", "en")
    primary = raw.split(",")[0].split(";")[0].split("-")[0].strip().lower()
    if primary not in LANGUAGES:
        raise _Reject(
            fake._error(
                400,
                "invalid_parameter",
                f"Accept-Language must be one of {', '.join(LANGUAGES)}",
                ctx.trace,
                source={"parameter": "Accept-Language"},
            )
        )
    return _NAMES.get(primary, _NAMES["en"])


def _amount(fake: FakeQonto, ctx: _Ctx, value: object, pointer: str) -> Decimal:
    if not isinstance(value, str):
        raise _invalid(fake, ctx, "amounts are decimal strings such as '100.00'", pointer)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal(-1)
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2 or amount <= 0:
        raise _invalid(fake, ctx, "amount must be a positive decimal with at most 2 decimals", pointer)
    return amount


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    places = Decimal(1) if currency == "JPY" else _CENT
    return {"currency": currency, "value": f"{amount.quantize(places, rounding=ROUND_HALF_EVEN):f}"}


def _quote(fake: FakeQonto, st: InternationalStore, target: str, source_amount: Decimal) -> dict[str, Any]:
    rate = RATES[target]
    fee = (FIXED_FEE + source_amount * VARIABLE_FEE).quantize(_CENT, rounding=ROUND_UP)
    now = fake.now()
    quote: dict[str, Any] = {
        "id": _new_id(fake, st, "9a07"),
        "status": "PENDING",
        "created_at": format_time(now),
        "expired_at": format_time(now + QUOTE_LIFETIME),
        "source_amount": _money(source_amount, "EUR"),
        "target_amount": _money(source_amount * rate, target),
        # A JSON number, as in Qonto's example ("rate": 1.1); the client reads it as Decimal.
        "rate": float(rate),
        "fees": {
            "total_amount": _money(fee, "EUR"),
            "details": [
                _money(FIXED_FEE, "EUR"),
                _money(fee - FIXED_FEE, "EUR"),
            ],
        },
    }
    st.quotes[quote["id"]] = quote
    return quote


def _live_quote(fake: FakeQonto, ctx: _Ctx, st: InternationalStore, payload: dict[str, Any]) -> dict[str, Any]:
    quote_id = payload.get("quote_id")
    if not isinstance(quote_id, str) or not quote_id:
        raise _invalid(fake, ctx, "quote_id is required", "/quote_id", "missing_parameter")
    quote = st.quotes.get(quote_id)
    if quote is None:
        raise _not_found(fake, ctx, "Quote", "quote_id")
    return quote


def _requote(fake: FakeQonto, st: InternationalStore, quote: dict[str, Any]) -> dict[str, Any]:
    """A new quote for the same amounts (Qonto may return one after a beneficiary change, or on expiry)."""
    target = quote["target_amount"]["currency"]
    return _quote(fake, st, target, Decimal(quote["source_amount"]["value"]))


def _check_fields(
    fake: FakeQonto, ctx: _Ctx, fields: tuple[_Field, ...], details: dict[str, Any], pointer: str
) -> None:
    flat = _flat(details)
    for field in fields:
        problem = field.check(flat.get(field.key))
        if problem is not None:
            raise _invalid(fake, ctx, problem, f"{pointer}/{field.key.replace('.', '/')}")


def _details(fake: FakeQonto, ctx: _Ctx, raw: object, pointer: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _invalid(fake, ctx, "details must be an object", pointer)
    return raw


def _beneficiary_payload(
    fake: FakeQonto, ctx: _Ctx, payload: dict[str, Any], quote: dict[str, Any], *, need_type: bool
) -> tuple[str, str | None, dict[str, Any]]:
    body = payload.get("payload")
    if not isinstance(body, dict):
        raise _invalid(fake, ctx, "payload is required", "/payload", "missing_parameter")
    currency = body.get("currency")
    if not isinstance(currency, str) or not currency:
        raise _invalid(fake, ctx, "payload.currency is required", "/payload/currency", "missing_parameter")
    if currency != quote["target_amount"]["currency"]:
        raise _invalid(fake, ctx, "payload.currency must be the quote's target currency", "/payload/currency")
    method = body.get("type")
    if method is None and need_type:
        raise _invalid(fake, ctx, "payload.type is required", "/payload/type", "missing_parameter")
    if method is not None and method not in _methods_for(currency):
        raise _invalid(
            fake, ctx, f"payload.type must be one of {', '.join(_methods_for(currency))}", "/payload/type"
        )
    return currency, method, _details(fake, ctx, body.get("details"), "/payload/details")


# --- handlers ------------------------------------------------------------------------------------------------


async def _eligibility(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    return fake._json(200, {"eligible": st.eligible, "reason": st.reason}, ctx.trace)


async def _currencies(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    source = ctx.query.get("source")
    if not source:
        raise fake._bad(ctx, "missing_parameter", "source is required", "source")
    if source != "EUR":
        # Qonto accounts hold EUR (qonto-api.md §11): nothing is quoted from another currency.
        return fake._json(200, {"currencies": []}, ctx.trace)
    currencies = [
        {"currency_code": code, "country_code": _COUNTRIES[code], "suggestion_priority": n}
        for n, code in enumerate(RATES, start=1)
    ]
    return fake._json(200, {"currencies": currencies}, ctx.trace)


async def _create_quote(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    payload = _body(fake, ctx)
    source, target = payload.get("source_currency"), payload.get("target_currency")
    if source != "EUR":
        raise _invalid(fake, ctx, "source_currency must be EUR", "/source_currency")
    if target not in RATES:
        raise _invalid(fake, ctx, f"target_currency must be one of {', '.join(RATES)}", "/target_currency")
    has_source, has_target = "source_amount" in payload, "target_amount" in payload
    if has_source == has_target:
        raise _invalid(fake, ctx, "Provide exactly one of source_amount and target_amount", "/source_amount")
    if has_source:
        amount = _amount(fake, ctx, payload["source_amount"], "/source_amount")
    else:
        wanted = _amount(fake, ctx, payload["target_amount"], "/target_amount")
        amount = (wanted / RATES[str(target)]).quantize(_CENT, rounding=ROUND_UP)
    return fake._json(200, {"quote": _quote(fake, st, str(target), amount)}, ctx.trace)


async def _beneficiary_requirements(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    names = _language(fake, ctx)
    payload = _body(fake, ctx)
    quote = _live_quote(fake, ctx, st, payload)
    beneficiary_id = payload.get("beneficiary_id")
    if beneficiary_id is not None and beneficiary_id not in st.beneficiaries:
        raise _not_found(fake, ctx, "Beneficiary", "beneficiary_id")
    currency, method, details = _beneficiary_payload(fake, ctx, payload, quote, need_type=False)
    requirements = [
        {
            "type": candidate,
            "fields": [
                {"name": names[group], "group": [field.describe(names) for field in fields]}
                for group, fields in _beneficiary_groups(candidate, details)
            ],
        }
        for candidate in ((method,) if method is not None else _methods_for(currency))
    ]
    return fake._json(200, {"requirements": requirements}, ctx.trace)


async def _list_beneficiaries(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    currency = ctx.query.get("currency")
    if not currency:
        raise fake._bad(ctx, "missing_parameter", "currency is required", "currency")
    items = [b for b in st.beneficiaries.values() if b["currency"] == currency]
    return fake._list(ctx, "beneficiaries", items)


def _save_beneficiary(fake: FakeQonto, ctx: _Ctx, st: InternationalStore, ident: str | None) -> web.StreamResponse:
    payload = _body(fake, ctx)
    quote = _live_quote(fake, ctx, st, payload)
    currency, method, details = _beneficiary_payload(fake, ctx, payload, quote, need_type=True)
    assert method is not None
    for _, fields in _beneficiary_groups(method, details):
        _check_fields(fake, ctx, fields, details, "/payload/details")
    flat = _flat(details)
    if ident is None:
        ident = _new_id(fake, st, "1b00")
        target_account_id = str(700_000 + len(st.accounts))
    else:
        target_account_id = st.accounts[ident][0]
    bank_key = "swiftCode" if method == "swift_code" else "sortCode"
    beneficiary = {
        "id": ident,
        "name": str(flat["accountHolderName"]),
        "country": str(flat["address.country"]),
        "currency": currency,
        "payment_type": method,
        "account_identifier": str(flat["accountNumber"]),
        "bank_identifier": str(flat[bank_key]),
        "branch_identifier": None,
    }
    st.beneficiaries[ident] = beneficiary
    st.accounts[ident] = (target_account_id, method, details)
    body = {"beneficiary": beneficiary, "quote": _requote(fake, st, quote), "target_account_id": target_account_id}
    return fake._json(200, body, ctx.trace)


async def _create_beneficiary(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    return _save_beneficiary(fake, ctx, store(fake), None)


async def _update_beneficiary(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    ident = ctx.params["id"]
    if ident not in st.beneficiaries:
        raise _not_found(fake, ctx, "Beneficiary", "id")
    return _save_beneficiary(fake, ctx, st, ident)


async def _delete_beneficiary(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    ident = ctx.params["id"]
    if st.beneficiaries.pop(ident, None) is None:
        raise _not_found(fake, ctx, "Beneficiary", "id")
    del st.accounts[ident]
    # Postman: "200 Beneficiary deleted", with no body.
    return web.Response(status=200, headers={TRACE_HEADER: ctx.trace})


def _target_account(fake: FakeQonto, ctx: _Ctx, st: InternationalStore, payload: dict[str, Any]) -> str:
    target = payload.get("target_account_id")
    if not isinstance(target, str) or not target:
        raise _invalid(fake, ctx, "target_account_id is required", "/target_account_id", "missing_parameter")
    owners = [ident for ident, (account, _, _) in st.accounts.items() if account == target]
    if not owners:
        raise _not_found(fake, ctx, "Target account", "target_account_id")
    return owners[0]


async def _transfer_requirements(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    names = _language(fake, ctx)
    payload = _body(fake, ctx)
    _live_quote(fake, ctx, st, payload)
    _target_account(fake, ctx, st, payload)
    details = _details(fake, ctx, payload.get("details"), "/details")
    fields = _transfer_fields(details)
    flat = _flat(details)
    if all(field.check(flat.get(field.key)) is None for field in fields):
        # docs.qonto.com: "0 [items] if everything is already configured".
        return fake._json(200, {"requirements": []}, ctx.trace)
    group = [field.describe(names) for field in fields]
    requirements = [{"type": "transfer", "fields": [{"name": names["purpose"], "group": group}]}]
    return fake._json(200, {"requirements": requirements}, ctx.trace)


async def _create_transfer(fake: FakeQonto, ctx: _Ctx) -> web.StreamResponse:
    st = store(fake)
    payload = _body(fake, ctx)
    beneficiary_id = payload.get("beneficiary_id")
    if not isinstance(beneficiary_id, str) or not beneficiary_id:
        raise _invalid(fake, ctx, "beneficiary_id is required", "/beneficiary_id", "missing_parameter")
    if beneficiary_id not in st.beneficiaries:
        raise _not_found(fake, ctx, "Beneficiary", "beneficiary_id")
    quote = _live_quote(fake, ctx, st, payload)
    if _target_account(fake, ctx, st, payload) != beneficiary_id:
        raise _invalid(fake, ctx, "target_account_id does not belong to this beneficiary", "/target_account_id")
    bank_account_id = payload.get("bank_account_id", fake.data.bank_accounts[0]["id"])
    if not any(account["id"] == bank_account_id for account in fake.data.bank_accounts):
        raise _not_found(fake, ctx, "Bank account", "bank_account_id")
    details = _details(fake, ctx, payload.get("details"), "/details")
    _check_fields(fake, ctx, _transfer_fields(details), details, "/details")
    for side in ("source_amount", "target_amount"):
        given = payload.get(side)
        if given is None:
            continue
        if not isinstance(given, dict) or given.get("currency") != quote[side]["currency"]:
            raise _invalid(fake, ctx, f"{side}.currency must be the quote's", f"/{side}/currency")
        _amount(fake, ctx, given.get("value"), f"/{side}/value")
    attachment_ids = payload.get("attachment_ids", [])
    if not isinstance(attachment_ids, list) or not all(isinstance(i, str) and i for i in attachment_ids):
        raise _invalid(fake, ctx, "attachment_ids must be a list of ids", "/attachment_ids")
    if fake.now() >= datetime.fromisoformat(quote["expired_at"]):
        # docs.qonto.com: an expired quote is replaced by a new one; the rate and fees may differ.
        quote = _requote(fake, st, quote)
    transfer = {
        "id": _new_id(fake, st, "7f00"),
        "beneficiary_id": beneficiary_id,
        "bank_account_id": bank_account_id,
        "source_amount": quote["source_amount"],
        "target_amount": quote["target_amount"],
        "status": "PROCESSING",
    }
    st.transfers.append(
        {**transfer, "quote_id": quote["id"], "details": details, "attachment_ids": attachment_ids}
    )
    return fake._json(200, {"transfer": transfer}, ctx.trace)


ROUTES: Final = (
    _Route("GET", "/v2/international/eligibility", _eligibility, _READ, False),
    _Route("GET", "/v2/international/currencies", _currencies, _READ, False),
    _Route("POST", "/v2/international/quotes", _create_quote, _WRITE, False, write=True),
    # Requirements are POSTs that only describe a form: no side effect, so not writes.
    _Route("POST", "/v2/international/beneficiaries/requirements", _beneficiary_requirements, _WRITE, False),
    _Route("GET", "/v2/international/beneficiaries", _list_beneficiaries, _READ, False),
    _Route("POST", "/v2/international/beneficiaries", _create_beneficiary, _WRITE, False, write=True),
    _Route("PUT", "/v2/international/beneficiaries/{id}", _update_beneficiary, _WRITE, False, write=True),
    _Route("DELETE", "/v2/international/beneficiaries/{id}", _delete_beneficiary, _WRITE, False, write=True),
    _Route("POST", "/v2/international/transfers/requirements", _transfer_requirements, _WRITE, False),
    # qonto-api.md §7 (idempotency key required) and §8 (SCA; enable with fake.sca.require_for).
    _Route(
        "POST",
        "/v2/international/transfers",
        _create_transfer,
        _WRITE,
        False,
        write=True,
        idempotency_required=True,
    ),
)
