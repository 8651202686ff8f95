"""The calendar pages in a real browser: a manager gives Monday a lunch break and adds a shortened day,
and both pages pass axe at a laptop's and a phone's width with no sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lojal.accounts.roles import Role
from lojal.calendars import services as calendar_services
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay
from tests.browser.test_accessibility import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_edits_the_week_and_a_special_day_and_the_pages_pass_axe(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    # A transactional test before this one may have flushed the calendars the migration ships.
    sweden = BusinessCalendar.objects.filter(name="Sweden").first() or calendar_services.calendar_create(
        actor=None, name="Sweden", time_zone="Europe/Stockholm", country="SE"
    )
    page = logged_in(Role.MANAGER, start=f"/service/calendars/{sweden.pk}/")

    page.get_by_label("Monday").fill("08:00-12:00, 13:00-17:00")
    page.get_by_role("button", name="Save the week").click()
    page.wait_for_url(f"{live_server.url}/service/calendars/{sweden.pk}/")
    page.get_by_label("Date").fill("2026-06-18")
    page.get_by_label("Kind").select_option("shortened")
    page.get_by_label("Name", exact=True).fill("Dagen före midsommarafton, halvdag för hela kontoret")
    page.get_by_label("Open hours of a shortened day").fill("08:00-13:00")
    page.get_by_role("button", name="Save the day").click()
    page.wait_for_url(f"{live_server.url}/service/calendars/{sweden.pk}/#special-days")

    assert OpeningPeriod.objects.filter(calendar=sweden, weekday=0).count() == 2
    assert SpecialDay.objects.get(calendar=sweden).periods == [["08:00", "13:00"]]
    urls = ["/service/calendars/", f"/service/calendars/{sweden.pk}/"]
    failures = []
    for width, (w, h) in {"laptop": (1366, 900), "phone": (390, 844)}.items():
        page.set_viewport_size({"width": w, "height": h})
        failures += check(page, live_server.url, urls, width)
    assert not failures, "\n" + "\n".join(failures)
