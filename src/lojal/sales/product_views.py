"""Product catalogue pages: the product list (search, category and active filters, pages), the product
and category forms. Everyone who sees customers sees the catalogue; changing it takes CATALOGUE_MANAGE."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError
from lojal.core.export_views import export_response
from lojal.core.htmx import wants_fragment
from lojal.sales import catalogue, catalogue_selectors
from lojal.sales.forms import CategoryForm, ProductForm
from lojal.sales.models import Product, ProductCategory

PRODUCTS_PER_PAGE = 50


@allowed_to(Action.CUSTOMER_VIEW)
def product_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    filters = catalogue_selectors.product_filters_from_query(params)
    page = Paginator(catalogue_selectors.product_list(filters=filters), PRODUCTS_PER_PAGE).get_page(
        params.get("page")
    )
    query = params.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "categories": list(catalogue_selectors.category_list()),
        "no_category": catalogue_selectors.NO_CATEGORY,
    }
    template = "sales/_product_results.html" if wants_fragment(request) else "sales/products.html"
    return render(request, template, context)


@allowed_to(Action.LIST_EXPORT)
def product_export(request: HttpRequest) -> HttpResponseBase:
    """The product list as shown (filters, ``columns``) as a CSV or XLSX file (docs/exports.md)."""
    try:
        return export_response(request, source="products", params=request.GET)
    except LojalError as error:
        messages.error(request, error.message)
        query = request.GET.copy()
        for name in ("format", "columns"):
            query.pop(name, None)
        return redirect(f"{reverse('sales:products')}?{query.urlencode()}")


def _product_or_404(product_id: int) -> Product:
    product = catalogue_selectors.product_get(product_id)
    if product is None:
        raise Http404
    return product


def _save(form: ProductForm | CategoryForm, write: Any) -> Any:
    """Run the service with the form's data; its errors land on the fields, and nothing is saved."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except LojalError as error:
        form.add_lojal_error(error)
    return None


@allowed_to(Action.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None, initial={"currency": "SEK", "is_active": True})
    if request.method == "POST":
        product = _save(form, lambda data: catalogue.product_create(actor=request.user, data=data))
        if product is not None:
            messages.success(request, _("Product %(code)s created.") % {"code": product.code})
            return redirect("sales:products")
    return render(request, "sales/product_form.html", {"form": form, "product": None})


@allowed_to(Action.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    form = ProductForm(request.POST or None, initial=ProductForm.initial_for(product))
    if request.method == "POST":
        saved = _save(
            form,
            lambda data: catalogue.product_change(actor=request.user, product_id=product.pk, data=data),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("sales:products")
    return render(request, "sales/product_form.html", {"form": form, "product": product})


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    """The categories, with a form to add one for those who may change the catalogue."""
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can(Action.CATALOGUE_MANAGE):  # type: ignore[union-attr]
            return render(request, "403.html", {"action": Action.CATALOGUE_MANAGE}, status=403)
        category = _save(form, lambda data: catalogue.category_create(actor=request.user, name=data["name"]))
        if category is not None:
            messages.success(request, _("Category %(name)s created.") % {"name": category.name})
            return redirect("sales:categories")
    return render(
        request,
        "sales/categories.html",
        {"form": form, "categories": list(catalogue_selectors.category_list())},
    )


@allowed_to(Action.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    category = ProductCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise Http404
    form = CategoryForm(request.POST or None, initial={"name": category.name})
    if request.method == "POST":
        saved = _save(
            form,
            lambda data: catalogue.category_change(
                actor=request.user, category_id=category.pk, name=data["name"]
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("sales:categories")
    return render(request, "sales/category_form.html", {"form": form, "category": category})
