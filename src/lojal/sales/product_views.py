"""Product catalogue pages: the product list (search, category and active filters, pages), the product
and category forms. Everyone who sees customers sees the catalogue; changing it takes CATALOGUE_MANAGE."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError
from lojal.core.export_views import export_response
from lojal.core.htmx import wants_fragment
from lojal.core.lists import Column, ListSpec, list_response, list_state
from lojal.core.saved_views import saved_view_list
from lojal.sales import catalogue, catalogue_selectors
from lojal.sales.forms import CategoryForm, ProductForm
from lojal.sales.models import Product, ProductCategory

PRODUCT_LIST = ListSpec(
    key="products",
    columns=(
        Column("name", _lazy("Name"), order_by=("name", "code", "id"), required=True),
        Column("code", _lazy("Code"), order_by=("code", "id")),
        Column("category", _lazy("Category"), order_by=("category__name", "name", "id"), wide_only=True),
        Column("price", _lazy("Unit price"), order_by=("unit_price", "id"), numeric=True),
    ),
    default_sort="name",
    filters=("q", "category", "active"),
)


@allowed_to(Action.CUSTOMER_VIEW)
def product_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    listing = list_state(PRODUCT_LIST, params, path=request.path)
    filters = catalogue_selectors.product_filters_from_query(params)
    page = listing.paginate(catalogue_selectors.product_list(filters=filters, order_by=listing.order_by()))
    listing.offer_saved_views(
        saved_view_list(user=request.user, list_key=PRODUCT_LIST.key), user_id=request.user.pk
    )
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "no_category": catalogue_selectors.NO_CATEGORY,
        "count_template": "sales/_product_count.html",
        "form_id": "product-filters",
        "saved_views_enabled": True,
    }
    if not wants_fragment(request):
        context["categories"] = list(catalogue_selectors.category_list())
    return list_response(
        request,
        listing,
        page_template="sales/products.html",
        results_template="sales/_product_results.html",
        context=context,
    )


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
