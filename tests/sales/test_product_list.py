"""The product list on the list component: sort by a header, pick columns and page size; its query
count does not grow with the page size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lojal.sales import catalogue
from lojal.sales.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def products() -> None:
    textile = catalogue.category_create(actor=None, name="Textil")
    Product.objects.bulk_create(
        [
            Product(
                code=f"P{n:03d}",
                name=f"Produkt {n:03d}",
                unit_price=Decimal(1000 - n),
                category=textile if n % 2 else None,
            )
            for n in range(120)
        ]
    )


def names(response: Any) -> list[str]:
    return [product.name for product in response.context["page"]]


def test_products_sort_by_price_and_hide_a_column(staff_client: Client, products: None) -> None:
    by_price = staff_client.get("/sales/products/?sort=price&columns=price")
    assert names(by_price)[:2] == ["Produkt 119", "Produkt 118"]
    page = by_price.content.decode()
    assert (
        'aria-sort="ascending"><a class="sort" href="/sales/products/?sort=-price&amp;columns=name&amp;columns=price"'
        in page
    )
    assert "<code>P119</code>" not in page  # the code column is not picked
    assert names(staff_client.get("/sales/products/?sort=-code"))[0] == "Produkt 119"


# session, user, count, the page's products with their categories, saved views, category choices.
PRODUCT_LIST_QUERIES = 6


@pytest.mark.parametrize("per_page", [25, 100])
def test_product_list_queries_do_not_grow_with_the_page_size(
    staff_client: Client, products: None, per_page: int, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        response = staff_client.get(f"/sales/products/?per_page={per_page}")
    assert len(names(response)) == per_page
    with django_assert_num_queries(PRODUCT_LIST_QUERIES - 1):
        staff_client.get(f"/sales/products/?per_page={per_page}&q=produkt", HTTP_HX_REQUEST="true")
