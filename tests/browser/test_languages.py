"""Languages in a real browser: date inputs in the page's language (not Chromium's en-US
mm/dd/yyyy), and the language remembered per user across logging out and in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.accounts.models import User
from lojal.customers.models import Customer
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose(page: Any, language: str) -> None:
    page.select_option("#language-select", language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_load_state("load")


@pytest.mark.parametrize(
    ("language", "placeholder", "typed", "button"),
    # (a customer since Christmas 2025: the form refuses days that have not come yet)
    [("sv", "ÅÅÅÅ-MM-DD", "2025-12-24", "Skapa kund"), ("nb", "DD.MM.ÅÅÅÅ", "24.12.2025", "Opprett kunde")],
)
def test_the_customer_form_takes_dates_in_the_pages_language(
    logged_in: Callable[..., Any], language: str, placeholder: str, typed: str, button: str
) -> None:
    page = logged_in()
    _choose(page, language)
    page.click("text=" + {"sv": "Ny kund", "nb": "Ny kunde"}[language])

    since = page.locator("#id_customer_since")
    expect(since).to_have_attribute("type", "text")
    expect(since).to_have_attribute("placeholder", placeholder)
    page.fill("#id_last_name", f"Datum {language}")
    since.fill(typed)
    page.click(f"button:has-text('{button}')")

    expect(page.locator("h1")).to_contain_text(f"Datum {language}")
    expect(page.get_by_test_id("customer-since")).to_have_text(typed)
    assert Customer.objects.get(last_name=f"Datum {language}").customer_since == dt.date(2025, 12, 24)


def test_the_language_is_remembered_after_logging_out_and_in(
    logged_in: Callable[..., Any], browser: Any, live_server: Any
) -> None:
    page = logged_in()
    _choose(page, "nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    user = User.objects.get(language="nb")
    page.click("button:has-text('Logg ut')")

    # another browser (no cookie), which asks for English
    other = browser.new_context(locale="en-US").new_page()
    other.goto(f"{live_server.url}/login/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    other.fill("#id_username", user.username)
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{live_server.url}/customers/")

    expect(other.locator("html")).to_have_attribute("lang", "nb")
    expect(other.locator("button:has-text('Logg ut')")).to_be_visible()
