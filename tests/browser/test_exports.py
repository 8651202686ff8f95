"""Exporting a filtered customer list in a real browser and opening the downloaded files (the list's
shown columns, in the list's order)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_a_filtered_view_and_open_the_files(
    logged_in: Callable[..., Any], live_server: Any, tmp_path: Path
) -> None:
    lead = factories.person(
        first_name="Linnea", last_name="Lund", lifecycle_stage="lead", emails=["linnea@example.se"]
    )
    factories.person(first_name="Kalle", last_name="Kund", lifecycle_stage="customer")
    page = logged_in()
    page.select_option("select[name=stage]", "lead")
    page.wait_for_url("**/customers/?*stage=lead*")

    with page.expect_download() as csv_download:
        page.locator(".export-links a", has_text="CSV").click()
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    assert csv_path.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Name", "Customer number", "Email", "Phone", "City", "Stage", "Account manager", "Tags"],
        ["Linnea Lund", str(lead.customer_number), "linnea@example.se", "", "", "Lead", "", ""],
    ]

    with page.expect_download() as xlsx_download:
        page.locator(".export-links a", has_text="XLSX").click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Name", "Customer number", "Email", "Phone", "City", "Stage", "Account manager", "Tags"],
        ["Linnea Lund", lead.customer_number, "linnea@example.se", None, None, "Lead", None, None],
    ]
