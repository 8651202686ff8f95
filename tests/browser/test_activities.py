"""Follow-ups in a real browser: create one from the customer page, mark it done with its outcome, and
find it on the customer's timeline; log a call that needs a follow-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.activities.models import Activity
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_follow_up_for_a_customer_and_complete_it(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    customer = person(first_name="Kari", last_name="Nordmann")
    page = logged_in()

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_test_id("open-follow-ups")).to_contain_text("No open follow-ups.")
    page.get_by_test_id("new-follow-up").click()
    page.select_option("#id_kind", "call")
    page.fill("#id_subject", "Ring om fakturakopian")
    page.fill("#id_due_date", "2026-12-09")
    page.fill("#id_due_time", "10:30")
    page.click("form.activity-form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    card = page.get_by_test_id("open-follow-ups")
    expect(card).to_contain_text("Ring om fakturakopian")
    card.get_by_label("Outcome of Ring om fakturakopian").fill("Kopian skickad")
    card.get_by_role("button", name="Done").click()

    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_test_id("open-follow-ups")).to_contain_text("No open follow-ups.")
    expect(page.locator("#timeline-list")).to_contain_text(
        "Call made: Ring om fakturakopian. Outcome: Kopian skickad"
    )
    activity = Activity.objects.get()
    assert (activity.status, activity.outcome, activity.customer_id) == (
        "done",
        "Kopian skickad",
        customer.pk,
    )


def test_complete_from_my_follow_ups_in_one_click(logged_in: Callable[..., Any], live_server: Any) -> None:
    customer = person(first_name="Ola", last_name="Nordmann")
    page = logged_in()
    page.goto(f"{live_server.url}/activities/new/?customer={customer.pk}")
    page.fill("#id_subject", "Skicka offerten")
    page.fill("#id_due_date", "2026-12-01")
    page.click("form.activity-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/activities/")

    row = page.locator("tr.activity", has_text="Skicka offerten")
    expect(row).to_contain_text("Overdue")
    # The row says "Done" on its button before the click too: wait for the answer to the click.
    with page.expect_response(lambda response: "/complete/" in response.url) as answer:
        row.get_by_role("button", name="Done").click()

    assert answer.value.status == 200
    expect(page.locator("tr.activity", has_text="Skicka offerten")).to_contain_text("Done")
    assert Activity.objects.get().status == "done"


def test_done_on_a_follow_up_someone_else_closed_shows_why_in_the_row(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    from django.utils import timezone

    from lojal.accounts.models import User
    from lojal.activities import services

    page = logged_in(start="/activities/")
    user = User.objects.get()
    activity = services.activity_create(actor=user, subject="Ring Kari", due_date=timezone.localdate())
    page.reload()
    row = page.locator(f"#activity-{activity.pk}")
    expect(row).to_contain_text("Ring Kari")
    # Meanwhile a colleague marks it done in another tab.
    services.activity_complete(actor=user, activity_id=activity.pk, outcome="Klart")

    row.get_by_role("button", name="Done").click()

    # The 409 answer (a conflict) is swapped in: the row now says why, and shows the follow-up as done.
    expect(row.get_by_role("alert")).to_have_text("This follow-up is already done.")
    expect(row).to_contain_text("Done")
    expect(row.get_by_role("button", name="Done")).to_have_count(0)
    assert Activity.objects.get().outcome == "Klart"
