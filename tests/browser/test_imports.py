"""An import in a real browser: upload, read the dry-run report with its rejected rows, skip them, commit;
then the customer page shows the revenue, the chart and the transactions."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.customers.models import Customer
from lojal.sales.models import Transaction
from tests.imports.helpers import FIXTURES, run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LOJAL_SCREENSHOTS", "")


def shoot(page: Any, name: str) -> None:
    """Screenshots at laptop and phone width when LOJAL_SCREENSHOTS names a directory (for looking at)."""
    if not SHOTS:
        return
    for width, height, label in ((1366, 900, "laptop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path / "imports"


def test_import_with_dry_run_report_then_commit(logged_in: Callable[..., Any], live_server: Any) -> None:
    run("customers", "customers_semicolon_cp1252.csv", source="erp")
    page = logged_in()
    page.click(".usermenu summary")
    page.click(".usermenu-panel >> text=Imports")
    shoot(page, "imports-empty")
    page.select_option("#id_kind", "transactions")
    page.set_input_files("#id_file", str(FIXTURES / "transactions_broken.csv"))
    page.fill("#id_source", "erp")
    page.click("button:has-text('Upload and check')")
    expect(page.get_by_test_id("status")).to_have_text("Checked: rows rejected")
    expect(page.get_by_test_id("created")).to_have_text("1")
    expect(page.get_by_test_id("rejected")).to_have_text("6")
    rejections = page.get_by_test_id("rejections")
    expect(rejections.locator("tbody tr")).to_have_count(6)
    expect(rejections).to_contain_text("Not a date: 2026-13-45")
    expect(rejections).to_contain_text("Duplicate: the same transaction id is on line 2.")
    expect(page.locator("button:has-text('Commit')")).to_have_count(0)
    shoot(page, "import-report")
    page.check("#remap-skip")
    page.click("button:has-text('Save mapping and check again')")
    page.click("button:has-text('Commit the good rows')")
    expect(page.get_by_test_id("status")).to_have_text("Committed")
    assert list(Transaction.objects.values_list("external_id", flat=True)) == ["B-1"]

    run("transactions", "transactions_semicolon_cp1252.csv", source="erp")
    customer = Customer.objects.get(last_name="Öberg")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    panel = page.locator("#sales-section")
    expect(panel.get_by_test_id("transactions").locator("tbody tr")).to_have_count(3)
    expect(panel.locator("svg rect")).to_have_count(12)
    expect(panel).to_contain_text("2,569.00")
    shoot(page, "customer-sales")
