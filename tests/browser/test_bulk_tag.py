"""Bulk actions on a filtered list in a real browser: tag every customer it shows (pick "all matches",
name the tag, confirm the count; only those customers carry the tag afterwards), and put them all on a
new call list (the choice page passes axe at both widths)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.activities.models import CallListEntry
from lojal.customers.creation import customers_create_batch
from lojal.customers.models import Customer
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_thirty_customers_of_a_filtered_list_are_tagged_at_once(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    customers_create_batch(
        actor=None,
        items=[
            {"last_name": f"Lindqvist {n:02}", "tags": ["Mässa 2026"] if n < 30 else ["Webb"]}
            for n in range(45)
        ],
    )
    page = logged_in()
    page.goto(f"{live_server.url}/customers/?tag=M%C3%A4ssa+2026")
    expect(page.locator("#customers-status")).to_have_text("30 customers")

    page.check("[data-scope-all]")
    page.select_option("#bulk-action", "tag_add")
    page.fill("#bulk-tag", "Ring i januari")
    page.click("#customer-bulk button[type=submit]")

    # "all matches" asks first, naming how many customers it will change
    confirm = page.locator("form button.primary", has_text="Change 30 customers")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.locator(".message")).to_contain_text("30")

    tagged = set(Customer.objects.filter(tags__name="Ring i januari").values_list("last_name", flat=True))
    assert tagged == {f"Lindqvist {n:02}" for n in range(30)}


def test_a_filtered_list_goes_onto_a_new_call_list(logged_in: Callable[..., Any], live_server: Any) -> None:
    customers_create_batch(
        actor=None,
        items=[{"last_name": f"Berg {n:02}", "tags": ["Vår"] if n < 12 else []} for n in range(20)],
    )
    page = logged_in()
    page.goto(f"{live_server.url}/customers/?tag=V%C3%A5r")
    expect(page.locator("#customers-status")).to_have_text("12 customers")
    page.check("[data-scope-all]")
    page.get_by_role("button", name="Add to a call list…").click()

    expect(page.locator("h1")).to_have_text("Add to a call list")
    assert axe_violations(page) == ""
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == ""
    page.set_viewport_size({"width": 1366, "height": 900})
    assert CallListEntry.objects.count() == 0

    page.get_by_label("Name of the new call list").fill("Vårkampanj")
    page.get_by_role("button", name="Add to the call list").click()
    expect(page.locator(".message")).to_contain_text("12")
    called = set(CallListEntry.objects.values_list("customer__last_name", flat=True))
    assert called == {f"Berg {n:02}" for n in range(12)}
