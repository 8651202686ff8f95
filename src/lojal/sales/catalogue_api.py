"""API for the product catalogue: list (search, category, active; cursor pages), read, create and change
products; list, create and rename product categories."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict, NotFound
from lojal.core.inputs import DecimalNumber, Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate
from lojal.sales import catalogue, catalogue_selectors
from lojal.sales.models import Currency, Product, ProductCategory

router = Router(tags=["products"])


class CategoryOut(Schema):
    id: int
    name: str
    product_count: int = 0


class CategoryIn(Schema):
    name: Text = Field(..., max_length=100)


class ProductOut(Schema):
    id: int
    code: str
    name: str
    category_id: int | None
    category_name: str | None
    unit_price: Decimal | None
    currency: str
    is_active: bool
    needs_completion: bool = Field(
        default=False,
        description="made by an import from its article code alone; name and the rest to fill in",
    )


class ProductIn(Schema):
    code: Text = Field(..., max_length=60)
    name: Text = Field(..., max_length=200)
    category_id: int | None = None
    unit_price: DecimalNumber | None = None
    currency: Text = Field("SEK", max_length=3, json_schema_extra={"enum": list(Currency.values)})
    is_active: bool = True


class ProductPatch(Schema):
    code: Text | None = Field(None, max_length=60)
    name: Text | None = Field(None, max_length=200)
    category_id: int | None = None
    unit_price: DecimalNumber | None = None
    currency: Text | None = Field(None, max_length=3)
    is_active: bool | None = None


def _product_out(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk,
        "code": product.code,
        "name": product.name,
        "category_id": product.category_id,
        "category_name": product.category.name if product.category else None,
        "unit_price": product.unit_price,
        "currency": product.currency,
        "is_active": product.is_active,
        "needs_completion": product.needs_completion,
    }


def _category_out(category: ProductCategory) -> dict[str, Any]:
    return {"id": category.pk, "name": category.name, "product_count": getattr(category, "product_count", 0)}


@router.get(
    "/products",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[ProductOut],
    summary="Products: search by code or name, filter; by id",
)
@keyset_paginate(max_limit=500)
def product_list(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    category: str = Query(
        "", pattern=r"^(none|\d{1,18})?$", description="a category id, or 'none' for products without one"
    ),
    active: str = Query(
        "",
        pattern="^(yes|no|incomplete)?$",
        description="'yes', 'no', 'incomplete' (to complete), or empty for all",
    ),
) -> Keyset:
    filters = catalogue_selectors.ProductFilters(q=q.strip(), category=category, active=active)
    rows = catalogue_selectors.product_list(filters=filters).order_by("id")
    return Keyset(rows, show=lambda page: [_product_out(p) for p in page])


@router.post(
    "/products",
    auth=staff(Action.CATALOGUE_MANAGE),
    response={201: ProductOut},
    summary="Add a product to the catalogue",
)
@raises(Conflict)
def product_create(request: HttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    product = catalogue.product_create(actor=actor, data=payload.model_dump())
    return Status(201, _product_out(catalogue_selectors.product_get(product.pk) or product))


@router.get(
    "/products/{product_id}", auth=staff(Action.CUSTOMER_VIEW), response=ProductOut, summary="One product"
)
def product_read(request: HttpRequest, product_id: int) -> dict[str, Any]:
    product = catalogue_selectors.product_get(product_id)
    if product is None:
        raise NotFound(_("No product with id %(id)s.") % {"id": product_id})
    return _product_out(product)


@router.patch(
    "/products/{product_id}",
    auth=staff(Action.CATALOGUE_MANAGE),
    response=ProductOut,
    summary="Change a product (fields given only)",
)
@raises(Conflict)
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> dict[str, Any]:
    actor = staff_user(request)
    product = catalogue.product_change(
        actor=actor, product_id=product_id, data=payload.model_dump(exclude_unset=True)
    )
    return _product_out(catalogue_selectors.product_get(product.pk) or product)


@router.get(
    "/product-categories",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[CategoryOut],
    summary="Product categories by name",
)
@keyset_paginate(default_limit=200, max_limit=500)
def category_list(request: HttpRequest) -> Keyset:
    rows = catalogue_selectors.category_list().order_by("name", "id")
    return Keyset(rows, show=lambda page: [_category_out(c) for c in page])


@router.post(
    "/product-categories",
    auth=staff(Action.CATALOGUE_MANAGE),
    response={201: CategoryOut},
    summary="Add a product category",
)
@raises(Conflict)
def category_create(request: HttpRequest, payload: CategoryIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    return Status(201, _category_out(catalogue.category_create(actor=actor, name=payload.name)))


@router.patch(
    "/product-categories/{category_id}",
    auth=staff(Action.CATALOGUE_MANAGE),
    response=CategoryOut,
    summary="Rename a product category",
)
@raises(Conflict)
def category_update(request: HttpRequest, category_id: int, payload: CategoryIn) -> dict[str, Any]:
    actor = staff_user(request)
    return _category_out(catalogue.category_change(actor=actor, category_id=category_id, name=payload.name))
