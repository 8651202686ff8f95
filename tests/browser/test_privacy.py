"""GDPR pages in a real browser: revealing a national number with a reason, the register of processing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revealing_a_national_number_asks_why_and_records_the_reason(
    logged_in: Callable[..., Any], live_server: Any, settings: Any
) -> None:
    settings.NATIONAL_ID_REASON_REQUIRED = True
    anna = person(first_name="Anna", last_name="Lindqvist", national_id="880320-0016")
    page = logged_in(Role.SERVICE_AGENT)

    page.goto(f"{live_server.url}/customers/{anna.pk}/")
    expect(page.get_by_test_id("national-id")).to_have_text("19880320-****")
    page.click("text=Show full number")
    page.fill("input[name=reason]", "Caller identified herself")
    page.click("details.reveal button[type=submit]")

    expect(page.get_by_test_id("national-id")).to_have_text("19880320-0016")
    entry = AuditEntry.objects.filter(action="reveal").get()
    assert (entry.object_id, entry.changes["reason"]) == (str(anna.pk), "Caller identified herself")


def test_register_page_downloads_the_register_as_csv(logged_in: Callable[..., Any], live_server: Any) -> None:
    page = logged_in(Role.PRIVACY_OFFICER)
    page.locator(".usermenu summary").click()  # the less used entries are in the user menu
    page.locator(".usermenu-panel").get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Register of processing")).to_be_visible()
    with page.expect_download() as download:
        page.click("text=Download CSV")
    assert download.value.suggested_filename == "lojal-register-of-processing.csv"
