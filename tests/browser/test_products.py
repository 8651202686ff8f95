"""The product catalogue in a real browser: search as you type, add a product with a Swedish price,
see a mistake reported on its field, filter by category and status; and the import file deletion."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.imports import services
from lojal.sales import catalogue
from lojal.sales.models import Product
from tests.imports.helpers import run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_products_search_create_and_filter(logged_in: Callable[..., Any], live_server: Any) -> None:
    textile = catalogue.category_create(actor=None, name="Textil")
    catalogue.product_create(
        actor=None, data={"code": "TEXT-1", "name": "Ullfilt Lapland", "category_id": textile.pk}
    )
    catalogue.product_create(
        actor=None, data={"code": "SKI-1", "name": "Längdskidor Classic", "unit_price": "3295"}
    )
    page = logged_in()
    page.click("nav >> text=Products")
    expect(page.locator("table.products tbody tr")).to_have_count(2)
    page.fill("#search", "ullfilt")
    expect(page.locator("table.products tbody tr")).to_have_count(1)
    expect(page.locator("table.products")).to_contain_text("Ullfilt Lapland")

    page.click("text=New product")
    page.fill("#id_code", "TEXT-2")
    page.fill("#id_name", "Regnjacka Bergen")
    page.select_option("#id_category_id", label="Textil")
    page.fill("#id_unit_price", "1 499,50")
    page.uncheck("#id_is_active")
    page.click("button:has-text('Create product')")
    expect(page.locator(".message.success")).to_contain_text("Product TEXT-2 created.")
    item = Product.objects.get(code="TEXT-2")
    assert (item.unit_price, item.category_id, item.is_active) == (Decimal("1499.50"), textile.pk, False)

    page.click("text=New product")
    page.fill("#id_code", "TEXT-2")
    page.fill("#id_name", "Same code")
    page.click("button:has-text('Create product')")
    expect(page.locator(".field-code .error")).to_have_text("Another product has this code.")
    expect(page.locator("#id_name")).to_have_value("Same code")

    page.goto(f"{live_server.url}/sales/products/")
    page.select_option("select[name=category]", label="Textil")
    expect(page.locator("table.products tbody tr")).to_have_count(2)
    page.select_option("select[name=active]", "no")
    expect(page.locator("table.products tbody tr")).to_have_count(1)
    expect(page.locator("table.products")).to_contain_text("Regnjacka Bergen")
    assert "active=no" in page.url


def test_delete_an_import_file_from_its_page(
    logged_in: Callable[..., Any], live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_DIR = tmp_path / "imports"
    job = run("customers", "customers_semicolon_cp1252.csv")
    assert Path(job.file_path).exists()
    page = logged_in()
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Delete the file now')")
    expect(page.get_by_test_id("file-line")).to_contain_text("The uploaded file was deleted on")
    assert not Path(job.file_path).exists()
    assert services.import_job_get(job.pk).created_count == 3
