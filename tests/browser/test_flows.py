"""The main flows in a real browser: log in, create a customer, find it by phone, switch language, merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.customers.models import Customer, DuplicateSuspicion
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wrong_password_shows_an_error_and_stays_on_login(
    page: Any, live_server: Any, admin_user: Any
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    assert page.url.endswith("/login/")


def test_create_customer_then_find_it_by_phone(logged_in: Callable[..., Any], live_server: Any) -> None:
    page = logged_in()
    page.click("text=New customer")
    page.fill("#id_first_name", "Ingrid")
    page.fill("#id_last_name", "Sjöberg")
    page.fill("#id_national_id", "811228-9874")
    page.fill("#id_emails", "ingrid.sjoberg@example.se")
    page.fill("#id_phones", "070-765 43 21")
    page.fill("#id_street", "Kungsgatan 12")
    page.fill("#id_postal_code", "111 43")
    page.fill("#id_city", "Stockholm")
    page.click("button:has-text('Create customer')")
    expect(page.locator("h1")).to_contain_text("Ingrid Sjöberg")
    customer = Customer.objects.get(last_name="Sjöberg")
    assert customer.primary_phone == "+46707654321"

    page.click("nav >> text=Customers")
    page.fill("#search", "+46 70 765 43 21")
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Ingrid Sjöberg")
    page.click("#results >> text=Ingrid Sjöberg")
    expect(page.get_by_test_id("national-id")).to_have_text("19811228-9874")


def test_invalid_input_shows_field_errors_and_creates_nothing(logged_in: Callable[..., Any]) -> None:
    page = logged_in()
    page.click("text=New customer")
    page.fill("#id_last_name", "Felsson")
    page.fill("#id_national_id", "811228-9875")
    page.fill("#id_emails", "not-an-email")
    page.click("button:has-text('Create customer')")
    expect(page.locator(".field-national_id .error")).to_contain_text("not a valid personal identity number")
    expect(page.locator(".field-emails .error")).to_contain_text("not a valid email address")
    expect(page.locator("#id_last_name")).to_have_value("Felsson")
    assert Customer.objects.count() == 0


def test_switching_language_translates_the_page(logged_in: Callable[..., Any]) -> None:
    page = logged_in()
    page.select_option("#language-select", "sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text("Kunder")
    page.select_option("#language-select", "nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("h1")).to_have_text("Kunder")
    expect(page.locator(".mainnav")).to_contain_text("Kundeservice")


def test_merge_two_duplicates(logged_in: Callable[..., Any]) -> None:
    first = person(
        first_name="Anna", last_name="Lindqvist", emails=["anna.l@example.se"], phones=["0701112233"]
    )
    second = person(first_name="Ana", last_name="Lindqvist", emails=["anna.l@example.se"], tags=["beta"])
    assert DuplicateSuspicion.objects.filter(status="open").count() == 1
    page = logged_in()
    page.click("nav >> text=Customers")
    page.click(".page-head >> text=Duplicates")
    expect(page.locator("table")).to_contain_text("same email")
    page.click("text=Review")
    page.check(f"input[name=keep][value='{first.pk}']")
    page.click("button:has-text('Merge')")
    expect(page.locator("h1")).to_contain_text("Anna Lindqvist")
    expect(page.locator(".timeline")).to_contain_text("Merged with Ana Lindqvist")
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    assert list(first.tags.values_list("name", flat=True)) == ["beta"]


def test_add_a_note_without_reloading(logged_in: Callable[..., Any], live_server: Any) -> None:
    customer = person(first_name="Nils", last_name="Holm")
    page = logged_in()
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.fill("#note-text", "Called about the invoice; will call back Friday.")
    page.click("button:has-text('Add note')")
    expect(page.locator(".timeline .event").first).to_contain_text("will call back Friday")
