"""My day and the call-list worker in a real browser: log in and see my activities; work a call list
(log a call, set the outcome, next) and watch the progress move."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lojal.accounts.models import User
from lojal.activities import call_lists
from lojal.activities.models import Activity
from lojal.interactions.models import Interaction
from tests.factories import person

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


def test_my_day_after_login_shows_my_activities(logged_in: Callable[..., Any], live_server: Any) -> None:
    page = logged_in(start=None)
    user = User.objects.get()
    customer = person(first_name="Greta", last_name="Lund")
    Activity.objects.create(
        owner=user, subject="Call Greta about renewal", due_date=timezone.localdate(), customer=customer
    )

    page.reload()

    expect(page.locator("h1")).to_have_text("My day")
    block = page.get_by_test_id("block-activities")
    expect(block).to_contain_text("Call Greta about renewal")
    block.get_by_role("link", name="Greta Lund").click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")


def test_work_a_call_list_log_a_call_set_the_outcome_and_go_on(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    page = logged_in(start=None)
    user = User.objects.get()
    first = person(first_name="Alva", last_name="Ek", phones=[{"number": "+46701112233"}])
    second = person(first_name="Bertil", last_name="Ek")
    call_list = call_lists.call_list_create(
        actor=user,
        name="Renewals",
        script="Ask whether they want to renew.",
        customer_ids=[first.pk, second.pk],
    )
    page.reload()
    page.get_by_test_id("block-call_lists").get_by_role("link", name="Renewals").click()

    expect(page.locator("#customer-name")).to_contain_text("Alva Ek")
    expect(page.locator("a[href='tel:+46701112233']")).to_be_visible()
    expect(page.locator(".call-script")).to_contain_text("Ask whether they want to renew.")
    shoot(page, "call-list-worker")
    page.get_by_label("Reached", exact=True).check()
    page.get_by_label("Notes for the timeline").fill("Will renew in May.")
    page.get_by_label("Notes for the timeline").press("Control+Enter")

    expect(page.locator("#customer-name")).to_contain_text("Bertil Ek")
    expect(page.get_by_test_id("progress").first).to_contain_text(
        "1 called (1 reached, 0 not reached), 1 of 2 to call"
    )
    assert Interaction.objects.get(customer_id=first.pk).body_text == "Will renew in May."
    page.get_by_role("button", name="Skip to next").click()
    expect(page.locator("h2")).to_contain_text("Everyone on this list has been called.")
    assert call_lists.call_list_progress(call_list_id=call_list.pk).skipped == 1


def test_complete_an_activity_from_my_day_it_leaves_the_block_and_is_on_the_timeline(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    page = logged_in(start=None)
    user = User.objects.get()
    customer = person(first_name="Sigrid", last_name="Dahl")
    Activity.objects.create(
        owner=user,
        kind="call",
        subject="Ring Sigrid om avtalet",
        due_date=timezone.localdate(),
        customer=customer,
    )
    Activity.objects.create(owner=user, subject="Stays on my day", due_date=timezone.localdate())
    page.reload()

    block = page.get_by_test_id("block-activities")
    item = block.locator(f"#activity-item-{Activity.objects.get(subject__startswith='Ring').pk}")
    # The page draws no form per follow-up: "Done" fetches the outcome field, with the focus in it.
    expect(block.locator("form")).to_have_count(0)
    item.get_by_role("link", name="Done: Ring Sigrid om avtalet").click()
    outcome = item.get_by_label("Outcome of Ring Sigrid om avtalet")
    expect(outcome).to_be_focused()
    outcome.fill("Skriver på i morgon")
    item.get_by_role("button", name="Done").click()

    expect(block.get_by_role("status")).to_have_text("Done: Ring Sigrid om avtalet")
    expect(block.get_by_role("link", name="Done: Stays on my day")).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("block-activities")).not_to_contain_text("Ring Sigrid om avtalet")
    expect(page.get_by_test_id("block-activities")).to_contain_text("Stays on my day")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("#timeline-list")).to_contain_text(
        "Call made: Ring Sigrid om avtalet. Outcome: Skriver på i morgon"
    )
