"""The product catalogue: services (checks, unique code, audit), the pages (list with search, filters
and pages; the product and category forms) and the API (cursor pages, junk input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lojal.core.errors import Conflict, ValidationError
from lojal.core.models import AuditEntry
from lojal.sales import catalogue
from lojal.sales.models import Product, ProductCategory
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def product(code: str, name: str, **fields: Any) -> Product:
    return catalogue.product_create(actor=None, data={"code": code, "name": name, **fields})


# --- services -----------------------------------------------------------------------------------


def test_product_create_checks_every_field_and_writes_nothing_when_one_is_bad() -> None:
    with pytest.raises(ValidationError) as caught:
        catalogue.product_create(
            actor=None,
            data={
                "code": "   ",
                "name": "",
                "unit_price": "-5",
                "currency": "XXX",
                "category_id": 999,
                "is_active": True,
            },
        )
    assert set(caught.value.errors) == {"code", "name", "unit_price", "currency", "category_id"}
    assert not Product.objects.exists()
    assert not AuditEntry.objects.exists()


def test_product_code_is_unique_and_a_clash_changes_nothing() -> None:
    first = product("KAFFE-1", "Kaffebryggare", unit_price="2495.00")
    second = product("KAFFE-2", "Kaffebönor")
    with pytest.raises(Conflict) as caught:
        product("KAFFE-1", "Another")
    assert caught.value.errors == {"code": ["Another product has this code."]}
    with pytest.raises(Conflict):
        catalogue.product_change(actor=None, product_id=second.pk, data={"code": "KAFFE-1"})
    assert Product.objects.get(pk=second.pk).code == "KAFFE-2"
    assert Product.objects.get(pk=first.pk).unit_price == Decimal("2495.00")


def test_product_change_writes_only_what_changed_and_audits_it(admin_user: Any) -> None:
    category = catalogue.category_create(actor=admin_user, name="Hushåll")
    item = product("KAFFE-1", "Kaffebryggare", unit_price="2495", currency="SEK")
    catalogue.product_change(
        actor=admin_user,
        product_id=item.pk,
        data={
            "unit_price": "2295.50",
            "category_id": category.pk,
            "is_active": False,
            "name": "Kaffebryggare",
        },
    )
    item.refresh_from_db()
    assert (item.unit_price, item.category_id, item.is_active) == (Decimal("2295.50"), category.pk, False)
    entry = AuditEntry.objects.filter(object_type="sales.product", action="update").get()
    assert set(entry.changes) == {"unit_price", "category_id", "is_active"}
    assert entry.changes["unit_price"] == ["2495.00", "2295.50"]
    # the same values again: no write, no audit entry
    catalogue.product_change(actor=admin_user, product_id=item.pk, data={"unit_price": "2295.50"})
    assert AuditEntry.objects.filter(object_type="sales.product", action="update").count() == 1


def test_category_names_are_unique_ignoring_case() -> None:
    catalogue.category_create(actor=None, name="Textil")
    with pytest.raises(Conflict):
        catalogue.category_create(actor=None, name="textil")
    other = catalogue.category_create(actor=None, name="  Sport  ")
    assert other.name == "Sport"
    with pytest.raises(Conflict):
        catalogue.category_change(actor=None, category_id=other.pk, name="TEXTIL")
    with pytest.raises(ValidationError):
        catalogue.category_change(actor=None, category_id=other.pk, name="   ")
    assert sorted(ProductCategory.objects.values_list("name", flat=True)) == ["Sport", "Textil"]


# --- pages --------------------------------------------------------------------------------------


def test_product_list_searches_code_and_name_and_filters(
    staff_client: Client, django_assert_max_num_queries: Any
) -> None:
    textile = catalogue.category_create(actor=None, name="Textil")
    product("TEXT-1", "Ullfilt Lapland", category_id=textile.pk, unit_price="899")
    product("TEXT-2", "Regnjacka Bergen", category_id=textile.pk, unit_price="1499", is_active=False)
    product("SKI-1", "Längdskidor Classic", unit_price="3295")

    with django_assert_max_num_queries(8):
        html = staff_client.get("/sales/products/").content.decode()
    assert "3 products" in html
    assert "1,499.00 SEK" in html

    html = staff_client.get("/sales/products/", {"q": "text"}).content.decode()
    assert "Ullfilt Lapland" in html and "Regnjacka Bergen" in html and "Längdskidor" not in html
    html = staff_client.get("/sales/products/", {"q": "bergen"}).content.decode()
    assert "Regnjacka Bergen" in html and "Ullfilt" not in html
    html = staff_client.get("/sales/products/", {"category": textile.pk, "active": "yes"}).content.decode()
    assert "Ullfilt Lapland" in html and "Regnjacka" not in html and "Längdskidor" not in html
    html = staff_client.get("/sales/products/", {"category": "none"}).content.decode()
    assert "Längdskidor Classic" in html and "Ullfilt" not in html
    html = staff_client.get("/sales/products/", {"q": "nothing-like-this"}).content.decode()
    assert "No products match" in html


def test_product_list_pages_and_answers_htmx_with_the_results_only(staff_client: Client) -> None:
    Product.objects.bulk_create([Product(code=f"P{n:03d}", name=f"Produkt {n:03d}") for n in range(60)])
    first = staff_client.get("/sales/products/").content.decode()
    assert "Page 1 of 3" in first and "Produkt 024" in first and "Produkt 025" not in first
    second = staff_client.get(
        "/sales/products/", {"page": 2, "per_page": 50}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Produkt 050" in second and "Produkt 049" not in second and "<html" not in second


def test_product_form_creates_and_edits_with_nordic_decimal_input(staff_client: Client) -> None:
    category = catalogue.category_create(actor=None, name="Sport")
    response = staff_client.post(
        "/sales/products/new/",
        {
            "code": "SKI-1",
            "name": "Längdskidor",
            "category_id": category.pk,
            "unit_price": "3295.00",
            "currency": "NOK",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    item = Product.objects.get(code="SKI-1")
    assert (item.unit_price, item.currency, item.category_id, item.is_active) == (
        Decimal("3295.00"),
        "NOK",
        category.pk,
        True,
    )
    staff_client.post("/i18n/setlang/", {"language": "sv"})
    response = staff_client.post(
        f"/sales/products/{item.pk}/edit/",
        {
            "code": "SKI-1",
            "name": "Längdskidor Classic",
            "category_id": "",
            "unit_price": "3 195,50",
            "currency": "NOK",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert (item.name, item.unit_price, item.category_id, item.is_active) == (
        "Längdskidor Classic",
        Decimal("3195.50"),
        None,
        False,
    )


def test_product_form_shows_errors_on_the_fields_and_keeps_what_was_typed(staff_client: Client) -> None:
    product("SKI-1", "Längdskidor")
    response = staff_client.post(
        "/sales/products/new/",
        {"code": "SKI-1", "name": "Skidor igen", "unit_price": "abc", "currency": "SEK"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number." in html
    assert 'value="Skidor igen"' in html
    response = staff_client.post(
        "/sales/products/new/", {"code": "SKI-1", "name": "Skidor igen", "unit_price": "1", "currency": "SEK"}
    )
    assert "Another product has this code." in response.content.decode()
    assert Product.objects.count() == 1


def test_category_page_creates_and_renames(staff_client: Client) -> None:
    response = staff_client.post("/sales/categories/", {"name": "Presentkort"})
    assert response.status_code == 302
    category = ProductCategory.objects.get()
    response = staff_client.post(f"/sales/categories/{category.pk}/edit/", {"name": "Gåvokort"})
    assert response.status_code == 302
    assert ProductCategory.objects.get().name == "Gåvokort"
    html = staff_client.post("/sales/categories/", {"name": "gåvokort"}).content.decode()
    assert "Another category has this name." in html
    assert ProductCategory.objects.count() == 1


def test_the_nav_links_to_products(staff_client: Client) -> None:
    assert 'href="/sales/products/"' in staff_client.get("/customers/").content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_creates_lists_with_cursor_and_changes_products(api: ApiClient) -> None:
    category = api.post("sales/product-categories", {"name": "Abonnemang"})
    assert category.status_code == 201, category.content
    category_id = category.json()["id"]
    for n in range(3):
        response = api.post(
            "sales/products",
            {
                "code": f"ABO-{n}",
                "name": f"Abonnemang {n}",
                "category_id": category_id,
                "unit_price": "149.00",
                "currency": "SEK",
            },
        )
        assert response.status_code == 201, response.content
    assert response.json()["category_name"] == "Abonnemang"
    first = api.get("sales/products", limit=2).json()
    assert [p["code"] for p in first["items"]] == ["ABO-0", "ABO-1"]
    rest = api.get("sales/products", limit=2, cursor=first["next_cursor"]).json()
    assert [p["code"] for p in rest["items"]] == ["ABO-2"] and rest["next_cursor"] is None
    changed = api.patch(
        f"sales/products/{first['items'][0]['id']}", {"is_active": False, "category_id": None}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["is_active"] is False and changed.json()["category_id"] is None
    assert [p["code"] for p in api.get("sales/products", active="yes").json()["items"]] == ["ABO-1", "ABO-2"]
    assert [p["code"] for p in api.get("sales/products", q="abo-2").json()["items"]] == ["ABO-2"]
    assert api.get("sales/product-categories").json()["items"] == [
        {"id": category_id, "name": "Abonnemang", "product_count": 2}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "", "name": "X"}, "code"),
        ({"code": "X", "name": "X", "unit_price": "12abc"}, "unit_price"),
        ({"code": "X", "name": "X", "unit_price": "1e40"}, "unit_price"),
        ({"code": "X", "name": "X", "currency": "SEKK"}, "currency"),
        ({"code": "X", "name": "X", "currency": "ZZZ"}, "currency"),
        ({"code": "X", "name": "X", "category_id": 12345}, "category_id"),
        ({"code": "X" * 61, "name": "X"}, "code"),
        ({"code": "X", "name": "X", "is_active": "maybe"}, "is_active"),
    ],
)
def test_api_refuses_junk_with_a_problem_naming_the_field(
    api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = api.post("sales/products", body)
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.content.decode()
    assert not Product.objects.exists()


def test_api_conflict_and_not_found(api: ApiClient) -> None:
    api.post("sales/products", {"code": "A", "name": "A"})
    clash = api.post("sales/products", {"code": "A", "name": "B"})
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "code"
    assert api.get("sales/products/999999").status_code == 404
    assert api.patch("sales/products/999999", {"name": "X"}).status_code == 404
    assert api.get("sales/products", active="maybe").status_code in (400, 422)
    junk = api.get("sales/products", category="drop table")
    assert junk.status_code in (400, 422) and "category" in junk.content.decode()
    assert api.get("sales/products", category="none").status_code == 200
    assert Product.objects.count() == 1


def test_the_openapi_document_lists_the_catalogue(api: ApiClient) -> None:
    paths = api.get("openapi.json").json()["paths"]
    assert {
        "/api/v1/sales/products",
        "/api/v1/sales/products/{product_id}",
        "/api/v1/sales/product-categories",
    } <= set(paths)


def test_staff_who_may_not_change_the_catalogue_see_it_read_only(make_user: Any) -> None:
    item = product("SKI-1", "Längdskidor")
    category = catalogue.category_create(actor=None, name="Sport")
    client = Client()
    client.force_login(make_user("sales"))
    listing = client.get("/sales/products/").content.decode()
    assert "Längdskidor" in listing
    assert "/sales/products/new/" not in listing and f"/sales/products/{item.pk}/edit/" not in listing
    categories = client.get("/sales/categories/").content.decode()
    assert "Sport" in categories and "Create category" not in categories
    assert f"/sales/categories/{category.pk}/edit/" not in categories
    assert client.get(f"/sales/products/{item.pk}/edit/").status_code == 403
    assert client.post(f"/sales/categories/{category.pk}/edit/", {"name": "X"}).status_code == 403
    assert ProductCategory.objects.get().name == "Sport"


def test_stub_products_are_listed_to_complete_until_someone_changes_them(
    staff_client: Client, api: ApiClient
) -> None:
    # given a product from the catalogue and two stubs an import made from article codes
    product("KAF-100", "Kaffebryggare Moccamaster")
    ids = catalogue.product_stubs_create(actor=None, codes=["FIL-205", "KAF-100", "BRY-7"])
    assert set(ids) == {"FIL-205", "KAF-100", "BRY-7"}
    assert dict(Product.objects.values_list("code", "needs_completion")) == {
        "KAF-100": False,
        "FIL-205": True,
        "BRY-7": True,
    }
    # when the list is filtered to the products to complete
    html = staff_client.get("/sales/products/", {"active": "incomplete"}).content.decode()
    # then only the stubs are there, each with its badge
    assert "2 products" in html and "FIL-205" in html and "BRY-7" in html and "Moccamaster" not in html
    assert html.count('class="badge to-complete"') == 2
    assert [p["code"] for p in api.get("sales/products", active="incomplete").json()["items"]] == [
        "BRY-7",
        "FIL-205",
    ]
    # when one is filled in, it is complete
    catalogue.product_change(actor=None, product_id=ids["FIL-205"], data={"name": "Filter 100-pack"})
    assert Product.objects.get(code="FIL-205").needs_completion is False
    html = staff_client.get("/sales/products/", {"active": "incomplete"}).content.decode()
    assert "1 product" in html and "FIL-205" not in html


def test_stubs_are_named_as_given_and_a_product_in_the_catalogue_keeps_its_name() -> None:
    # given a product from the catalogue
    product("KAF-100", "Moccamaster KB741")
    # when stubs are made with the descriptions an invoice file gave for their codes
    ids = catalogue.product_stubs_create(
        actor=None,
        codes=["KAF-100", "FIL-205", "BRY-7", "KAN-3"],
        names={
            "KAF-100": "Kaffebryggare Moccamaster",
            "FIL-205": "  Filter \t 100-pack ",
            "BRY-7": "   ",
            "KAN-3": "K" * 250,
        },
    )
    # then each stub has its description as name (the code when there is none), still to complete,
    # and the product the catalogue had is untouched
    assert set(ids) == {"KAF-100", "FIL-205", "BRY-7", "KAN-3"}
    assert {p.code: (p.name, p.needs_completion) for p in Product.objects.all()} == {
        "KAF-100": ("Moccamaster KB741", False),
        "FIL-205": ("Filter 100-pack", True),
        "BRY-7": ("BRY-7", True),
        "KAN-3": ("K" * 200, True),
    }
    created = AuditEntry.objects.filter(object_type="sales.product", action="create")
    entry = created.get(object_id=str(ids["FIL-205"]))
    assert entry.changes == {
        "code": [None, "FIL-205"],
        "name": [None, "Filter 100-pack"],
        "needs_completion": [None, True],
    }
    assert created.count() == 4  # KAF-100's own creation and the three stubs'
