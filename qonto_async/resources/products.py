"""``qonto.products``: the catalogue of goods and services used on invoices and quotes (qonto-api.md §3.2 B4-B6)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from qonto_async.errors import ConfigurationError
from qonto_async.models.common import Money
from qonto_async.models.products import Product, ProductLink, ProductType
from qonto_async.pagination import DEFAULT_MAX_PAGES, AsyncPaginator, Page, page_decoder
from qonto_async.resources._base import (
    Params,
    Resource,
    check_id,
    check_per_page,
    money_param,
    operation,
    path_id,
    vat_rate_fraction,
)
from qonto_async.serde import decoder
from qonto_async.session import Request

_PAGE = page_decoder(Product, key="products")
_ONE = decoder(Product, key="product")
_TYPES: Final = tuple(t.value for t in ProductType)
# docs.qonto.com (List products): sort_by is created_at or title, :asc or :desc.
_SORT_BY: Final = re.compile(r"^(created_at|title):(asc|desc)$")


def _type(value: object, name: str) -> str:
    text = value.value if isinstance(value, enum.Enum) else value
    if text not in _TYPES:
        raise ConfigurationError(f"{name} must be one of {', '.join(_TYPES)}; got {value!r}.")
    return str(text)


def _filters(*, type: ProductType | str | None, sort_by: str | None) -> Params:
    if sort_by is not None and (not isinstance(sort_by, str) or not _SORT_BY.match(sort_by)):
        raise ConfigurationError(
            f"sort_by must be created_at or title with :asc or :desc (e.g. 'title:asc'), got {sort_by!r}."
        )
    params = Params()
    if type is not None:
        params.add("filter[type]", _type(type, "type"))
    return params.add("sort_by", sort_by)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _links(values: object) -> list[dict[str, str]]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigurationError(f"links must be a list of ProductLink, got {type(values).__name__}.")
    out = []
    for index, link in enumerate(values):
        if not isinstance(link, ProductLink):
            raise ConfigurationError(f"links[{index}] must be a ProductLink(title=..., url=...), got {link!r}.")
        url = _text(f"links[{index}].url", link.url)
        if not url.startswith(("https://", "http://")):
            raise ConfigurationError(f"links[{index}].url must be an http(s) URL, got {url!r}.")
        out.append({"title": _text(f"links[{index}].title", link.title), "url": url})
    return out


class ProductsResource(Resource):
    __slots__ = ()

    @operation("GET", "/v2/products")
    async def list(
        self,
        *,
        type: ProductType | str | None = None,
        sort_by: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Page[Product]:
        """``GET /v2/products``: one page of the catalogue (scope ``product.read``; API keys work too).

        ``type`` (``good`` or ``service``) is sent as ``filter[type]``; ``sort_by`` is ``created_at`` or
        ``title`` with ``:asc``/``:desc``. Each ``vat_rate`` is a fraction (``Decimal("0.2")`` = 20 %).
        """
        params = _filters(type=type, sort_by=sort_by).paging(page, per_page)
        return await self._send(Request(method="GET", path="/v2/products", params=params.pairs, decode=_PAGE))

    @operation("GET", "/v2/products")
    def iterate(
        self,
        *,
        type: ProductType | str | None = None,
        sort_by: str | None = None,
        per_page: int = 100,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPaginator[Product]:
        """Every product matching the filters, across pages. Arguments are checked now, before any request."""
        base = tuple(_filters(type=type, sort_by=sort_by).pairs)
        check_per_page(per_page)

        async def fetch(page: int) -> Page[Product]:
            pairs = [*base, ("page", str(page)), ("per_page", str(per_page))]
            return await self._send(Request(method="GET", path="/v2/products", params=pairs, decode=_PAGE))

        return AsyncPaginator(fetch, max_pages=max_pages)

    @operation("GET", "/v2/products/{id}")
    async def get(self, id: str) -> Product:
        """``GET /v2/products/{id}``: one product."""
        return await self._send(Request(method="GET", path=f"/v2/products/{path_id('id', id)}", decode=_ONE))

    @operation("POST", "/v2/products")
    async def create(
        self,
        *,
        title: str,
        type: ProductType | str,
        unit_price: Money,
        vat_rate: Decimal | str | int,
        description: str | None = None,
        internal_note: str | None = None,
        unit: str | None = None,
        vat_exemption_code: str | None = None,
        links: Iterable[ProductLink] | None = None,
    ) -> Product:
        """``POST /v2/products``: add a product to the catalogue (scope ``product.write``). Returns it.

        ``unit_price`` is a :class:`~qonto_async.models.Money` (price before VAT; its ``value`` a positive
        ``Decimal`` or decimal string with at most 2 decimals, never a float; ``currency`` an ISO 4217 code), checked
        like terminal and direct-debit amounts (Qonto documents no free or negative product price). ``vat_rate`` is **a fraction**: ``"0.2"`` for 20 % (a percent such as
        ``"20"``, which cash-flow categories take, is refused here), qonto-api.md §11. ``vat_exemption_code``
        gives the legal reason of a 0 rate where the country asks for one. The body is not wrapped in a root key.
        No idempotency key is documented, so the call is never retried automatically.
        """
        body: dict[str, Any] = {
            "title": _text("title", title),
            "type": _type(type, "type"),
            "unit_price": money_param("unit_price", unit_price),
            "vat_rate": f"{vat_rate_fraction(vat_rate):f}",
        }
        for field, value in (
            ("description", description),
            ("internal_note", internal_note),
            ("unit", unit),
        ):
            if value is not None:
                body[field] = _text(field, value)
        if vat_exemption_code is not None:
            body["vat_exemption_code"] = check_id("vat_exemption_code", vat_exemption_code)
        if links is not None:
            body["links"] = _links(links)
        return await self._send(Request(method="POST", path="/v2/products", json=body, decode=_ONE))
