"""The calendar pages: the list with the shipped calendars in the reader's language, a calendar's week
and special days edited by a manager, the year's holidays named in the page language, and read-only
pages for the roles that may not change calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay

pytestmark = pytest.mark.django_db


def _client(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_list_shows_the_shipped_calendars_by_their_country_in_swedish(admin_user: User) -> None:
    admin_user.language = "sv"
    admin_user.save()
    response = _client(admin_user, "sv").get("/service/calendars/")

    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Sverige", "Norge", "Danmark", "Finland"):
        assert f">{name}</a>" in text


def test_a_manager_sets_lunch_on_monday_and_closes_saturday(make_user: Callable[..., User]) -> None:
    manager = make_user(Role.MANAGER, "chef")
    sweden = BusinessCalendar.objects.get(name="Sweden")
    week = {f"weekday_{d}": "08:00-17:00" for d in range(5)} | {"weekday_5": "", "weekday_6": ""}
    week["weekday_0"] = "08:00-12:00, 13:00-17:00"

    response = _client(manager).post(f"/service/calendars/{sweden.pk}/week/", week)

    assert response.status_code == 302
    assert list(OpeningPeriod.objects.filter(calendar=sweden, weekday=0).values_list("starts", "ends")) == [
        (dt.time(8), dt.time(12)),
        (dt.time(13), dt.time(17)),
    ]
    assert BusinessCalendar.objects.get(pk=sweden.pk).revision == 2


def test_overlapping_periods_are_shown_on_the_day_and_nothing_changes(admin_user: User) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    week = {f"weekday_{d}": "08:00-17:00" for d in range(5)} | {"weekday_5": "", "weekday_6": ""}
    week["weekday_2"] = "08:00-12:00, 11:00-17:00"

    response = _client(admin_user).post(f"/service/calendars/{sweden.pk}/week/", week)

    assert response.status_code == 422
    assert "08:00-12:00 and 11:00-17:00 overlap." in response.content.decode()
    assert list(OpeningPeriod.objects.filter(calendar=sweden, weekday=2).values_list("starts", "ends")) == [
        (dt.time(8), dt.time(17))
    ]


def test_a_shortened_day_is_added_from_the_page(admin_user: User) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")

    response = _client(admin_user).post(
        f"/service/calendars/{sweden.pk}/days/",
        {"date": "2026-06-18", "kind": "shortened", "name": "Halvdag", "periods": "08:00-13:00"},
    )

    assert response.status_code == 302
    day = SpecialDay.objects.get(calendar=sweden)
    assert (day.date, day.kind, day.periods) == (dt.date(2026, 6, 18), "shortened", [["08:00", "13:00"]])


def test_the_calendar_page_names_the_years_holidays_in_the_page_language(admin_user: User) -> None:
    norway = BusinessCalendar.objects.get(name="Norway")

    norwegian = _client(admin_user, "nb").get(f"/service/calendars/{norway.pk}/?year=2026").content.decode()
    swedish = _client(admin_user, "sv").get(f"/service/calendars/{norway.pk}/?year=2026").content.decode()

    assert "Grunnlovsdag" in norwegian
    assert '<span lang="en">Constitution Day</span>' in swedish


def test_an_agent_reads_the_calendar_but_gets_no_forms_and_may_not_post(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")
    sweden = BusinessCalendar.objects.get(name="Sweden")
    client = _client(agent)

    page = client.get(f"/service/calendars/{sweden.pk}/").content.decode()
    refused = client.post(f"/service/calendars/{sweden.pk}/days/", {"date": "2026-06-18", "kind": "closed"})

    assert 'name="weekday_0"' not in page
    assert refused.status_code == 403
    assert not SpecialDay.objects.exists()
