"""The customer list in a real browser: sort by a header (keyboard too), change the page size, load
more, save a view and open it again, click a tag chip to filter by it; pick rows or every match
for a bulk action, which asks first when it is for every match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.customers.creation import customers_create_batch
from lojal.customers.models import Customer
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sort_page_size_saved_view_and_tag_chip(logged_in: Callable[..., Any], live_server: Any) -> None:
    customers_create_batch(
        actor=None,
        items=[
            {
                "last_name": f"Kund {n:02}",
                "tags": ["VIP"] if n % 3 == 0 else ["Mässa"],
                "lifecycle_stage": "lead",
            }
            for n in range(60)
        ],
    )
    page = logged_in()
    rows = page.locator("#customers-rows tr")
    expect(rows).to_have_count(25)
    expect(page.locator("#customers-status")).to_have_text("60 customers")

    # sort by the name header, then reverse it from the keyboard
    name_header = page.locator("th[aria-sort]")
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    page.locator("th a.sort", has_text="Name").focus()
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text("Kund 59")
    expect(page).to_have_url(f"{live_server.url}/customers/?sort=-name")

    # a larger page, then load more
    page.select_option("#customers-per-page", "50")
    expect(rows).to_have_count(50)
    expect(page).to_have_url(f"{live_server.url}/customers/?sort=-name&per_page=50")
    page.click("#customers-more")
    expect(rows).to_have_count(60)
    expect(rows.last).to_contain_text("Kund 00")

    # hide a column
    page.click("details.list-columns summary")
    page.uncheck("#customers-column-number")
    expect(page.locator("thead th")).not_to_contain_text(["Number"])
    expect(page.locator("details.list-columns")).to_have_attribute("open", "")

    # save the view, open the plain list, open the view again
    page.click("details.list-views summary")
    page.fill("#customers-view-name", "Omvänd utan nummer")
    page.click("text=Save view")
    expect(page.locator(".message")).to_contain_text("View “Omvänd utan nummer” saved.")
    page.goto(f"{live_server.url}/customers/")
    expect(rows.first).to_contain_text("Kund 00")
    page.click("details.list-views summary")
    page.click("text=Omvänd utan nummer")
    expect(rows.first).to_contain_text("Kund 59")
    expect(page.locator("thead")).not_to_contain_text("Number")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")

    # a tag chip filters the list by its tag
    page.locator("#customers-rows a.tag", has_text="VIP").first.click()
    expect(page.locator("#customers-status")).to_have_text("20 customers")
    expect(page.locator("select[name=tag]")).to_have_value("VIP")
    expect(rows).to_have_count(20)


def test_select_all_on_the_page_or_every_match_for_a_bulk_action(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    customers_create_batch(actor=None, items=[{"last_name": f"Kund {n:02}"} for n in range(30)])
    customers_create_batch(actor=None, items=[{"last_name": "Annan"}])
    page = logged_in()
    page.goto(f"{live_server.url}/customers/?q=kund")
    page.check("#customers-select-page")
    expect(page.locator("[data-select-row]:checked")).to_have_count(25)
    expect(page.locator("[data-selected-count]")).to_have_text("Selected: 25")
    page.locator("[data-select-row]").first.uncheck()
    expect(page.locator("[data-selected-count]")).to_have_text("Selected: 24")
    assert page.eval_on_selector("#customers-select-page", "box => box.indeterminate") is True

    # every match (30, not the 24 picked, and not "Annan") is asked for confirmation first
    page.check("[data-scope-all]")
    page.select_option("#bulk-action", "tag_add")
    page.fill("#bulk-tag", "Ny")
    page.click("#customer-bulk button[type=submit]")
    expect(page.locator("h1")).to_have_text("Confirm the change")
    expect(page.locator("main")).to_contain_text(
        "This changes 30 customers: all that match the list's filters."
    )
    assert axe_violations(page) == ""
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == ""
    page.set_viewport_size({"width": 1366, "height": 900})
    assert Customer.objects.filter(tags__name="Ny").count() == 0

    page.click("text=Change 30 customers")
    page.wait_for_url(f"{live_server.url}/customers/?q=kund")
    expect(page.locator(".message")).to_contain_text("Tag 'Ny' added to 30 customers.")
    assert Customer.objects.filter(tags__name="Ny").count() == 30
    assert Customer.objects.filter(last_name="Annan", tags__name="Ny").count() == 0
