"""In a real browser: Back after a search shows the whole page, the header search by keyboard, the
duplicate warning on the new-customer form, and a merged-away customer's URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.customers.duplicates import customers_merge
from lojal.customers.models import Customer
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_after_a_search_shows_the_whole_page(logged_in: Callable[..., Any], live_server: Any) -> None:
    person(first_name="Ingrid", last_name="Sjöberg")
    person(first_name="Ola", last_name="Hansen")
    page = logged_in()
    page.fill("#search", "Sjöberg")
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    page.wait_for_url("**/customers/?*q=Sj*")  # htmx pushed the search into the address bar

    page.click("#results >> text=Ingrid Sjöberg")
    expect(page.locator("h1")).to_contain_text("Ingrid Sjöberg")
    page.go_back()

    # the page around the list, not the bare fragment
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator("#search")).to_be_visible()
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Ingrid Sjöberg")

    # and a reload of the pushed URL is the whole page too
    page.reload()
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Ingrid Sjöberg")


def test_header_search_by_keyboard(logged_in: Callable[..., Any], live_server: Any) -> None:
    kari = person(first_name="Kari", last_name="Nordmann")
    person(first_name="Karin", last_name="Nordin")
    page = logged_in()
    page.goto(f"{live_server.url}/sales/products/")
    box = page.locator("#global-search")

    # "/" focuses the box, but not while typing in another field
    page.fill("#search", "ab/")
    expect(page.locator("#search")).to_have_value("ab/")
    expect(box).not_to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(box).to_be_focused()

    page.keyboard.type("Nord")
    listbox = page.locator("#global-search-results")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(3)  # two customers and "all results"

    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").nth(0)
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "global-search-option-1")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")  # wraps to the last: all results
    expect(box).to_have_attribute("aria-activedescendant", "global-search-option-all")

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", "global-search-option-all")

    page.keyboard.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    target = first.get_attribute("data-href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{target}")
    expect(page.locator("h1")).to_contain_text("Nordmann" if target == f"/customers/{kari.pk}/" else "Nordin")


def test_new_customer_form_warns_of_a_taken_email_and_saves_only_when_confirmed(
    logged_in: Callable[..., Any],
) -> None:
    anna = person(first_name="Anna", last_name="Lind", emails=["anna@example.se"])
    page = logged_in()
    page.click("text=New customer")
    page.fill("#id_first_name", "Eva")
    page.fill("#id_last_name", "Berg")
    page.fill("#id_emails", "anna@example.se")
    page.locator("#id_phones").focus()  # leaving the field checks it

    warning = page.locator("#duplicate-warning")
    expect(warning).to_contain_text("Another customer has the email anna@example.se:")
    expect(warning.get_by_role("link", name=f"Anna Lind ({anna.customer_number})")).to_be_visible()

    page.click("button:has-text('Create customer')")
    expect(page.locator("#duplicate-warning")).to_contain_text("Nothing was saved.")
    assert Customer.objects.filter(first_name="Eva").count() == 0
    page.click("button:has-text('Save anyway')")
    expect(page.locator("h1")).to_contain_text("Eva Berg")
    assert Customer.objects.filter(first_name="Eva").count() == 1


def test_a_merged_away_customers_url_opens_the_kept_customer(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    gone = person(first_name="Ana", last_name="Lindquist")
    kept = person(first_name="Anna", last_name="Lindqvist")
    customers_merge(actor=None, keep_id=kept.pk, other_id=gone.pk)
    page = logged_in()

    page.goto(f"{live_server.url}/customers/{gone.pk}/")

    assert page.url == f"{live_server.url}/customers/{kept.pk}/"
    expect(page.locator("h1")).to_contain_text("Anna Lindqvist")
