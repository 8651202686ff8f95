"""Business calendars through their services and selectors: the four shipped calendars, what a change
records, that every change bumps the revision the cached arithmetic is keyed on, and that a refused
write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.calendars import selectors, services
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay
from lojal.calendars.public_holidays import holiday_names
from lojal.cases.models import Queue
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
T = dt.time
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _revision(calendar_id: int) -> int:
    return BusinessCalendar.objects.get(pk=calendar_id).revision


def test_lojal_ships_one_office_calendar_per_nordic_country() -> None:
    shipped = {c.name: c for c in selectors.calendar_list() if c.is_shipped}

    assert {(name, c.country, c.time_zone) for name, c in shipped.items()} == {
        ("Sweden", "SE", "Europe/Stockholm"),
        ("Norway", "NO", "Europe/Oslo"),
        ("Denmark", "DK", "Europe/Copenhagen"),
        ("Finland", "FI", "Europe/Helsinki"),
    }
    for calendar in shipped.values():
        assert [(p.weekday, p.starts, p.ends) for p in calendar.periods.all()] == [
            (weekday, T(8), T(17)) for weekday in range(5)
        ]
        assert list(calendar.days.all()) == []
    assert [c.name for c in selectors.calendar_list(country="NO")] == ["Norway"]


def test_the_shipped_swedish_calendar_is_closed_on_midsommarafton() -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    hours = selectors.business_hours(sweden.pk)

    assert hours.add_minutes(dt.datetime(2026, 6, 18, 16, 0, tzinfo=STOCKHOLM), 120) == dt.datetime(
        2026, 6, 22, 9, 0, tzinfo=STOCKHOLM
    )


def test_a_change_bumps_the_revision_and_the_arithmetic_sees_it(admin_user: User) -> None:
    calendar = services.calendar_create(
        actor=admin_user, name="Kundtjänst", time_zone="Europe/Stockholm", country="SE"
    )
    before = selectors.business_hours(calendar.pk)
    assert selectors.business_hours(calendar.pk) is before

    services.calendar_periods_set(
        actor=admin_user, calendar_id=calendar.pk, weekday=0, periods=[["08:00", "12:00"], ["13:00", "17:00"]]
    )

    after = selectors.business_hours(calendar.pk)
    assert after is not before
    assert _revision(calendar.pk) == 2
    monday = dt.datetime(2026, 11, 30, 11, 30, tzinfo=STOCKHOLM)
    assert after.add_minutes(monday, 60) == dt.datetime(2026, 11, 30, 13, 30, tzinfo=STOCKHOLM)
    entry = AuditEntry.objects.filter(
        object_type="calendars.businesscalendar", object_id=str(calendar.pk), action="update"
    ).get()
    assert entry.changes == {"weekday_0": ["08:00-17:00", "08:00-12:00, 13:00-17:00"]}


def test_special_days_are_added_changed_and_removed_each_with_a_new_revision(admin_user: User) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    start = dt.datetime(2026, 6, 18, 12, 0, tzinfo=STOCKHOLM)

    services.special_day_set(
        actor=admin_user,
        calendar_id=sweden.pk,
        date="2026-06-18",
        kind="shortened",
        name="Halvdag",
        periods=[["08:00", "13:00"]],
    )
    assert selectors.business_hours(sweden.pk).add_minutes(start, 120) == dt.datetime(
        2026, 6, 22, 9, 0, tzinfo=STOCKHOLM
    )

    services.special_day_set(actor=admin_user, calendar_id=sweden.pk, date=dt.date(2026, 6, 19), kind="open")
    assert selectors.business_hours(sweden.pk).add_minutes(start, 120) == dt.datetime(
        2026, 6, 19, 9, 0, tzinfo=STOCKHOLM
    )

    services.special_day_remove(actor=admin_user, calendar_id=sweden.pk, date="2026-06-19")
    services.special_day_remove(actor=admin_user, calendar_id=sweden.pk, date="2026-06-18")
    assert selectors.business_hours(sweden.pk).add_minutes(start, 120) == dt.datetime(
        2026, 6, 18, 14, 0, tzinfo=STOCKHOLM
    )
    assert _revision(sweden.pk) == 5
    assert SpecialDay.objects.filter(calendar=sweden).count() == 0


@pytest.mark.parametrize(
    ("periods", "field"),
    [
        ([["09:00", "08:00"]], "periods[0]"),
        ([["08:00", "12:00"], ["11:00", "17:00"]], "periods"),
        ([["8", "12"]], "periods[0]"),
        ([["08:00"]], "periods[0]"),
        ([["24:00", "24:30"]], "periods[0]"),
    ],
)
def test_bad_periods_name_the_field_and_change_nothing(
    admin_user: User, periods: list[list[str]], field: str
) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")

    with pytest.raises(ValidationError) as raised:
        services.calendar_periods_set(actor=admin_user, calendar_id=sweden.pk, weekday=0, periods=periods)

    assert list(raised.value.errors) == [field]
    assert list(OpeningPeriod.objects.filter(calendar=sweden, weekday=0).values_list("starts", "ends")) == [
        (T(8), T(17))
    ]
    assert _revision(sweden.pk) == 1
    assert not AuditEntry.objects.filter(
        object_type="calendars.businesscalendar", object_id=str(sweden.pk)
    ).exists()


def test_periods_that_meet_end_to_start_are_fine() -> None:
    assert services.periods_clean([["13:00", "17:00"], ["08:00", "13:00"]]) == [(T(8), T(13)), (T(13), T(17))]


def test_bad_special_days_name_the_field_and_change_nothing(admin_user: User) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    bad = [
        ({"date": "2026-13-01", "kind": "closed"}, "date"),
        ({"date": "2026-06-18", "kind": "holiday"}, "kind"),
        ({"date": "2026-06-18", "kind": "shortened"}, "periods"),
        ({"date": "2026-06-18", "kind": "closed", "periods": [["08:00", "12:00"]]}, "periods"),
    ]
    for fields, field in bad:
        with pytest.raises(ValidationError) as raised:
            services.special_day_set(actor=admin_user, calendar_id=sweden.pk, **fields)  # type: ignore[arg-type]
        assert list(raised.value.errors) == [field]

    assert SpecialDay.objects.count() == 0
    assert _revision(sweden.pk) == 1


def test_a_calendar_needs_a_known_zone_and_a_free_name(admin_user: User) -> None:
    with pytest.raises(ValidationError) as zone:
        services.calendar_create(actor=admin_user, name="Nattjour", time_zone="Europe/Stockholmm")
    with pytest.raises(ValidationError) as name:
        services.calendar_create(actor=admin_user, name="sweden", time_zone="Europe/Stockholm")
    with pytest.raises(ValidationError) as country:
        services.calendar_create(
            actor=admin_user, name="Nattjour", time_zone="Europe/Stockholm", country="DE"
        )

    assert (list(zone.value.errors), list(name.value.errors), list(country.value.errors)) == (
        ["time_zone"],
        ["name"],
        ["country"],
    )
    assert BusinessCalendar.objects.count() == 4


def test_a_shipped_calendar_and_one_a_queue_uses_cannot_be_deleted(admin_user: User) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    own = services.calendar_create(actor=admin_user, name="Support", time_zone="Europe/Oslo", country="NO")
    Queue.objects.create(name="Support", calendar=own)

    with pytest.raises(Conflict):
        services.calendar_delete(actor=admin_user, calendar_id=sweden.pk)
    with pytest.raises(Conflict):
        services.calendar_delete(actor=admin_user, calendar_id=own.pk)

    assert BusinessCalendar.objects.filter(pk__in=[sweden.pk, own.pk]).count() == 2
    assert OpeningPeriod.objects.filter(calendar=own).count() == 5


def test_an_unused_calendar_of_the_companys_own_is_deleted_and_audited(admin_user: User) -> None:
    own = services.calendar_create(actor=admin_user, name="Support", time_zone="Europe/Oslo")

    services.calendar_delete(actor=admin_user, calendar_id=own.pk)

    assert not BusinessCalendar.objects.filter(pk=own.pk).exists()
    assert (
        AuditEntry.objects.filter(
            object_type="calendars.businesscalendar", object_id=str(own.pk), action="delete"
        ).count()
        == 1
    )
    with pytest.raises(NotFound):
        selectors.business_hours(own.pk)


def test_renaming_records_the_old_and_new_name(admin_user: User) -> None:
    norway = BusinessCalendar.objects.get(name="Norway")

    services.calendar_change(actor=admin_user, calendar_id=norway.pk, name="Norge kundeservice")

    assert BusinessCalendar.objects.get(pk=norway.pk).name == "Norge kundeservice"
    assert AuditEntry.objects.get(
        object_type="calendars.businesscalendar", object_id=str(norway.pk)
    ).changes == {"name": ["Norway", "Norge kundeservice"]}


@pytest.mark.parametrize("role", [Role.SERVICE_AGENT, Role.READ_ONLY, Role.SALES])
def test_only_those_who_configure_the_service_change_calendars(
    make_user: Callable[..., User], role: str
) -> None:
    sweden = BusinessCalendar.objects.get(name="Sweden")
    user = make_user(role, f"user-{role}")

    with pytest.raises(PermissionDenied):
        services.calendar_periods_set(
            actor=user, calendar_id=sweden.pk, weekday=5, periods=[["10:00", "14:00"]]
        )

    assert not OpeningPeriod.objects.filter(calendar=sweden, weekday=5).exists()


def test_holiday_names_come_in_the_page_language_or_english() -> None:
    language, swedish = holiday_names("SE", 2026, language="sv")
    assert language == "sv"
    assert (dt.date(2026, 6, 19), "Midsommarafton") in swedish

    language, norwegian = holiday_names("NO", 2026, language="nb")
    assert language == "nb"
    assert (dt.date(2026, 5, 17), "Grunnlovsdag") in norwegian

    language, danish = holiday_names("DK", 2026, language="sv")
    assert language == "en"
    assert [day for day, _name in danish if day.month in (5, 6)] == [
        dt.date(2026, 5, 14),
        dt.date(2026, 5, 24),
        dt.date(2026, 5, 25),
        dt.date(2026, 6, 5),
    ]
