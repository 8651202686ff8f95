"""The product list exported as shown: filters, columns, exact prices, and the export right."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.sales import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def products() -> None:
    textile = catalogue.category_create(actor=None, name="Textil")
    catalogue.product_create(
        actor=None,
        data={"code": "TEXT-1", "name": "Ullfilt", "category_id": textile.pk, "unit_price": "3295.50"},
    )
    catalogue.product_create(actor=None, data={"code": "SKI-1", "name": "Längdskidor", "unit_price": "1200"})
    catalogue.product_create(actor=None, data={"code": "OLD-1", "name": "Gammal", "is_active": False})


def test_product_csv_has_the_filtered_rows_and_exact_prices(staff_client: Client, products: None) -> None:
    response = staff_client.get("/sales/products/export/", {"format": "csv", "active": "yes"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body), delimiter=";")) == [
        ["Code", "Name", "Category", "Unit price", "Currency", "Active"],
        ["SKI-1", "Längdskidor", "", "1200.00", "SEK", "1"],
        ["TEXT-1", "Ullfilt", "Textil", "3295.50", "SEK", "1"],
    ]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.changes["filters"], entry.changes["rows"]) == (
        "sales.product",
        {"active": "yes"},
        2,
    )


def test_product_xlsx_has_typed_cells(staff_client: Client, products: None) -> None:
    response = staff_client.get(
        "/sales/products/export/", {"format": "xlsx", "columns": "code,unit_price,active", "q": "ullfilt"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Code", "Unit price", "Active"],
        ["TEXT-1", 3295.5, True],
    ]
    assert sheet["B2"].data_type == "n"


def test_product_export_needs_list_export(make_user: Callable[..., User], products: None) -> None:
    client = Client()
    client.force_login(make_user(Role.SALES))
    assert client.get("/sales/products/export/", {"format": "csv"}).status_code == 403
