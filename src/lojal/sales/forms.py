"""Forms of the product catalogue pages; the services check the rules again (code unique, price range)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.core.forms import ServiceForm
from lojal.sales.models import Currency, Product, ProductCategory

_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")


class AmountField(forms.DecimalField):
    """A decimal as people type it in their language ("3 195,50" in Swedish, "3,195.50" in English; any
    space groups digits); a Nordic "1 499,50" is understood in the English pages too."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split())
            try:
                return super().to_python(value)
            except forms.ValidationError:
                if not _DECIMAL_COMMA.fullmatch(value):
                    raise
                value = value.replace(",", ".")
        return super().to_python(value)


class ProductForm(ServiceForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_("The article number in the ERP or web shop; imports find the product by it."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    category_id = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, choices=()
    )
    unit_price = AmountField(
        label=_("Unit price"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.SEK)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Inactive products stay on past transactions and holdings but are not sold any more."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [  # type: ignore[attr-defined]
            ("", _("No category")),
            *ProductCategory.objects.order_by("name").values_list("pk", "name"),
        ]

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return {
            "code": product.code,
            "name": product.name,
            "category_id": product.category_id,
            "unit_price": product.unit_price,
            "currency": product.currency,
            "is_active": product.is_active,
        }


class CategoryForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
