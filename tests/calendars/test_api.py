"""The calendars API: the list with its country, /due answered in the calendar's zone (400 for a bad
start or minutes), and the managers' writes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from lojal.accounts.roles import Role
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _sweden() -> BusinessCalendar:
    return BusinessCalendar.objects.get(name="Sweden")


def test_the_list_shows_each_shipped_calendar_with_its_country_and_week(api: ApiClient) -> None:
    response = api.get("calendars")

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert {name: row["country"] for name, row in rows.items()} == {
        "Denmark": "DK",
        "Finland": "FI",
        "Norway": "NO",
        "Sweden": "SE",
    }
    assert rows["Finland"]["time_zone"] == "Europe/Helsinki"
    assert rows["Finland"]["periods"][0] == {"weekday": 0, "starts": "08:00", "ends": "17:00"}
    assert rows["Finland"]["is_shipped"] is True
    assert [row["name"] for row in api.get("calendars", country="DK").json()] == ["Denmark"]


def test_due_answers_in_the_calendars_zone_past_midsommarafton(api: ApiClient) -> None:
    response = api.get(f"calendars/{_sweden().pk}/due", start="2026-06-18T14:00:00Z", minutes="120")

    assert response.status_code == 200
    assert response.json() == {"due": "2026-06-22T09:00:00+02:00"}


def test_due_across_the_autumn_change_shows_winter_time(api: ApiClient) -> None:
    response = api.get(f"calendars/{_sweden().pk}/due", start="2026-10-23T16:00:00+02:00", minutes="120")

    assert response.json() == {"due": "2026-10-26T09:00:00+01:00"}


@pytest.mark.parametrize(
    ("start", "minutes", "field"),
    [
        ("2026-06-18T16:00:00", "10", "start"),
        ("18 June 2026", "10", "start"),
        ("2026-06-18T16:00:00+02:00", "-5", "minutes"),
        ("2026-06-18T16:00:00+02:00", "ten", "minutes"),
        ("3026-06-18T16:00:00+02:00", "10", "start"),
    ],
)
def test_due_refuses_a_naive_or_malformed_start_or_bad_minutes_with_400(
    api: ApiClient, start: str, minutes: str, field: str
) -> None:
    response = api.get(f"calendars/{_sweden().pk}/due", start=start, minutes=minutes)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [
        {"field": field, "reasons": response.json()["errors"][0]["reasons"]}
    ]


def test_a_manager_sets_a_week_and_special_days_through_the_api(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as(Role.MANAGER)
    created = manager.post("calendars", {"name": "Support", "time_zone": "Europe/Oslo", "country": "NO"})
    assert created.status_code == 201
    calendar_id = created.json()["id"]

    put = manager.client.put(
        f"/api/v1/calendars/{calendar_id}/periods/0",
        json.dumps({"periods": [["08:00", "12:00"], ["13:00", "16:00"]]}),
        content_type="application/json",
    )
    assert put.status_code == 200
    assert [p for p in put.json()["periods"] if p["weekday"] == 0] == [
        {"weekday": 0, "starts": "08:00", "ends": "12:00"},
        {"weekday": 0, "starts": "13:00", "ends": "16:00"},
    ]
    day = manager.post(
        f"calendars/{calendar_id}/special-days",
        {"date": "2026-12-23", "kind": "shortened", "name": "Lillejulaften", "periods": [["08:00", "12:00"]]},
    )
    assert day.json()["special_days"] == [
        {"date": "2026-12-23", "kind": "shortened", "name": "Lillejulaften", "periods": [["08:00", "12:00"]]}
    ]
    assert manager.get(
        f"calendars/{calendar_id}/due", start="2026-12-23T11:00:00+01:00", minutes="90"
    ).json() == {
        "due": "2026-12-24T08:30:00+01:00"  # julaften is not a public holiday in Norway
    }
    assert (
        manager.patch(f"calendars/{calendar_id}", {"name": "Kundeservice"}).json()["name"] == "Kundeservice"
    )
    assert manager.delete(f"calendars/{calendar_id}/special-days/2026-12-23").status_code == 204
    assert manager.delete(f"calendars/{calendar_id}").status_code == 204
    assert not BusinessCalendar.objects.filter(pk=calendar_id).exists()


def test_bad_periods_are_a_422_naming_the_period(api: ApiClient) -> None:
    sweden = _sweden()

    response = api.client.put(
        f"/api/v1/calendars/{sweden.pk}/periods/2",
        json.dumps({"periods": [["08:00", "12:00"], ["11:00", "17:00"]]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "periods"
    assert (
        list(OpeningPeriod.objects.filter(calendar=sweden, weekday=2).values_list("starts", flat=True)) != []
    )
    assert OpeningPeriod.objects.filter(calendar=sweden, weekday=2).count() == 1


def test_deleting_a_shipped_calendar_is_a_409(api: ApiClient) -> None:
    response = api.delete(f"calendars/{_sweden().pk}")

    assert response.status_code == 409
    assert BusinessCalendar.objects.filter(name="Sweden").exists()


def test_an_agent_reads_calendars_but_may_not_change_them(api_as: Callable[[str], ApiClient]) -> None:
    agent = api_as(Role.SERVICE_AGENT)
    sweden = _sweden()

    assert agent.get(f"calendars/{sweden.pk}").status_code == 200
    refused = agent.post(f"calendars/{sweden.pk}/special-days", {"date": "2026-12-23", "kind": "closed"})

    assert refused.status_code == 403
    assert not SpecialDay.objects.exists()


def test_an_unknown_calendar_is_a_404(api: ApiClient) -> None:
    assert api.get("calendars/999999").status_code == 404
    assert api.get("calendars/999999/due", start="2026-06-18T16:00:00+02:00", minutes="1").status_code == 404
