"""Reads for the product catalogue: the filtered product list (pages and API) and the categories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from lojal.sales.models import Product, ProductCategory

#: ``category`` filter value for products without a category.
NO_CATEGORY = "none"


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category: str = ""  # a category id, NO_CATEGORY, or "" for all
    active: str = ""  # "yes", "no", "incomplete" (stubs an import made), or "" for all


def product_filters_from_query(params: Mapping[str, str]) -> ProductFilters:
    """The product list's filters as its query string gives them (``q``, ``category``, ``active``):
    one reading for the page and its export."""
    active = params.get("active", "")
    return ProductFilters(
        q=params.get("q", "").strip()[:100],
        category=params.get("category", ""),
        active=active if active in ("yes", "no", "incomplete") else "",
    )


def product_list(*, filters: ProductFilters | None = None, order_by: Sequence[str] = ()) -> QuerySet[Product]:
    """Products matching a code or name search, a category and the active flag, in ``order_by``
    (by name then code unless told)."""
    filters = filters or ProductFilters()
    products = Product.objects.select_related("category").order_by(*(order_by or ("name", "code", "id")))
    if filters.q:
        for word in filters.q.split()[:5]:
            products = products.filter(Q(code__icontains=word) | Q(name__icontains=word))
    if filters.category == NO_CATEGORY:
        products = products.filter(category__isnull=True)
    elif filters.category.isdigit():
        products = products.filter(category_id=int(filters.category))
    if filters.active == "yes":
        products = products.filter(is_active=True)
    elif filters.active == "no":
        products = products.filter(is_active=False)
    elif filters.active == "incomplete":
        products = products.filter(needs_completion=True)
    return products


def product_get(product_id: int) -> Product | None:
    return Product.objects.select_related("category").filter(pk=product_id).first()


def category_list() -> QuerySet[ProductCategory]:
    """Categories by name, each with its number of products."""
    return ProductCategory.objects.annotate(product_count=Count("product")).order_by("name")
