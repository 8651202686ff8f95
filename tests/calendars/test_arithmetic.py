"""Business-minute arithmetic: properties that hold for any calendar (hypothesis) and fixed cases across
weekends, Nordic holidays, lunch breaks, shortened days and both daylight saving changes."""

from __future__ import annotations

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.calendars.arithmetic import BusinessHours, NeverOpen
from lojal.calendars.public_holidays import closed_dates

T = dt.time
STOCKHOLM = ZoneInfo("Europe/Stockholm")
OFFICE = [((T(8), T(17)),)] * 5 + [(), ()]
LUNCH = [((T(8), T(12)), (T(13), T(17)))] * 5 + [(), ()]
NIGHTS = [((T(0), T(6)),)] * 7
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def office(country: str, zone: str, **extra: object) -> BusinessHours:
    return BusinessHours(time_zone=zone, weekly=OFFICE, closed_on=partial(closed_dates, country), **extra)  # type: ignore[arg-type]


def at(zone: str, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


# -- fixed cases ------------------------------------------------------------------------------


def test_a_target_that_runs_past_friday_evening_continues_on_monday_morning() -> None:
    sweden = office("SE", "Europe/Stockholm")
    friday = at("Europe/Stockholm", 2026, 11, 27, 16, 30)

    assert sweden.add_minutes(friday, 60) == at("Europe/Stockholm", 2026, 11, 30, 8, 30)
    assert sweden.minutes_between(friday, at("Europe/Stockholm", 2026, 11, 30, 8, 30)) == 60


def test_a_target_that_runs_out_at_closing_time_is_due_at_closing_time() -> None:
    sweden = office("SE", "Europe/Stockholm")

    assert sweden.add_minutes(at("Europe/Stockholm", 2026, 11, 27, 16, 0), 60) == at(
        "Europe/Stockholm", 2026, 11, 27, 17, 0
    )


def test_a_start_outside_business_hours_counts_from_the_next_opening() -> None:
    sweden = office("SE", "Europe/Stockholm")
    saturday = at("Europe/Stockholm", 2026, 11, 28, 11, 0)

    assert sweden.add_minutes(saturday, 30) == at("Europe/Stockholm", 2026, 11, 30, 8, 30)
    assert sweden.add_minutes(saturday, 0) == at("Europe/Stockholm", 2026, 11, 30, 8, 0)
    assert sweden.next_open(saturday) == at("Europe/Stockholm", 2026, 11, 30, 8, 0)
    assert not sweden.is_open(saturday)


def test_forty_business_hours_of_nine_hour_days_end_at_friday_noon() -> None:
    sweden = office("SE", "Europe/Stockholm")

    due = sweden.add_minutes(at("Europe/Stockholm", 2026, 11, 2, 8, 0), 40 * 60)

    assert due == at("Europe/Stockholm", 2026, 11, 6, 12, 0)
    assert due.utcoffset() == dt.timedelta(hours=1)
    assert sweden.add_minutes(at("Europe/Stockholm", 2026, 11, 2, 8, 0), 45 * 60 * 3) == at(
        "Europe/Stockholm", 2026, 11, 20, 17, 0
    )


def test_swedish_midsommarafton_is_closed_and_the_calendar_reopens_on_monday() -> None:
    sweden = office("SE", "Europe/Stockholm")
    thursday = at("Europe/Stockholm", 2026, 6, 18, 16, 0)

    assert not sweden.is_open(at("Europe/Stockholm", 2026, 6, 19, 10, 0))
    assert sweden.add_minutes(thursday, 120) == at("Europe/Stockholm", 2026, 6, 22, 9, 0)


def test_julafton_and_nyarsafton_are_closed_in_sweden_but_not_in_norway() -> None:
    sweden = office("SE", "Europe/Stockholm")
    norway = office("NO", "Europe/Oslo")

    assert not sweden.is_open(at("Europe/Stockholm", 2026, 12, 24, 10, 0))
    assert not sweden.is_open(at("Europe/Stockholm", 2026, 12, 31, 10, 0))
    assert norway.is_open(at("Europe/Oslo", 2026, 12, 31, 10, 0))


def test_norwegian_constitution_day_is_closed_in_norway_and_open_in_sweden() -> None:
    norway = office("NO", "Europe/Oslo")
    sweden = office("SE", "Europe/Stockholm")
    friday = at("Europe/Oslo", 2027, 5, 14, 16, 0)  # 17 May 2027 is a Monday

    assert norway.add_minutes(friday, 120) == at("Europe/Oslo", 2027, 5, 18, 9, 0)
    assert sweden.is_open(at("Europe/Stockholm", 2027, 5, 17, 9, 0))


def test_danish_grundlovsdag_christmas_eve_and_new_years_eve_are_closed_but_not_may_day() -> None:
    denmark = office("DK", "Europe/Copenhagen")
    thursday = at("Europe/Copenhagen", 2026, 6, 4, 16, 0)  # Grundlovsdag, 5 June, is the Friday

    assert denmark.add_minutes(thursday, 120) == at("Europe/Copenhagen", 2026, 6, 8, 9, 0)
    assert not denmark.is_open(at("Europe/Copenhagen", 2026, 12, 24, 10, 0))
    assert not denmark.is_open(at("Europe/Copenhagen", 2026, 12, 31, 10, 0))
    assert denmark.is_open(at("Europe/Copenhagen", 2026, 5, 1, 10, 0))


def test_finnish_juhannus_closes_midsummer_eve_and_the_count_goes_on_in_helsinki_time() -> None:
    finland = office("FI", "Europe/Helsinki")
    thursday = at("Europe/Helsinki", 2026, 6, 18, 16, 0)

    due = finland.add_minutes(thursday, 120)

    assert due == at("Europe/Helsinki", 2026, 6, 22, 9, 0)
    assert due.isoformat() == "2026-06-22T09:00:00+03:00"


def test_a_lunch_break_is_not_business_time() -> None:
    lunch = BusinessHours(time_zone="Europe/Stockholm", weekly=LUNCH)
    before_lunch = at("Europe/Stockholm", 2026, 11, 30, 11, 30)

    assert lunch.add_minutes(before_lunch, 60) == at("Europe/Stockholm", 2026, 11, 30, 13, 30)
    assert not lunch.is_open(at("Europe/Stockholm", 2026, 11, 30, 12, 30))
    assert lunch.next_open(at("Europe/Stockholm", 2026, 11, 30, 12, 30)) == at(
        "Europe/Stockholm", 2026, 11, 30, 13, 0
    )
    assert lunch.minutes_between(before_lunch, at("Europe/Stockholm", 2026, 11, 30, 17, 0)) == 30 + 240


def test_a_night_period_on_the_spring_forward_day_lasts_five_real_hours() -> None:
    nights = BusinessHours(time_zone="Europe/Stockholm", weekly=NIGHTS)
    midnight = at("Europe/Stockholm", 2026, 3, 29, 0, 0)

    assert nights.minutes_between(midnight, at("Europe/Stockholm", 2026, 3, 29, 12, 0)) == 300
    assert nights.add_minutes(midnight, 300).isoformat() == "2026-03-29T06:00:00+02:00"
    assert nights.add_minutes(midnight, 120).isoformat() == "2026-03-29T03:00:00+02:00"


def test_a_night_period_on_the_fall_back_day_lasts_seven_real_hours() -> None:
    nights = BusinessHours(time_zone="Europe/Stockholm", weekly=NIGHTS)
    midnight = at("Europe/Stockholm", 2026, 10, 25, 0, 0)

    assert nights.minutes_between(midnight, at("Europe/Stockholm", 2026, 10, 25, 12, 0)) == 420
    assert nights.add_minutes(midnight, 420).isoformat() == "2026-10-25T06:00:00+01:00"
    # Three real hours after midnight is the second 02:00, in winter time.
    assert nights.add_minutes(midnight, 180).isoformat() == "2026-10-25T02:00:00+01:00"


def test_a_period_that_starts_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    early = BusinessHours(time_zone="Europe/Stockholm", weekly=[((T(2, 30), T(4)),)] * 7)
    day = at("Europe/Stockholm", 2026, 3, 29, 0, 0)

    assert early.next_open(day).isoformat() == "2026-03-29T03:00:00+02:00"
    assert early.minutes_between(day, at("Europe/Stockholm", 2026, 3, 29, 12, 0)) == 60


def test_an_office_day_spanning_no_change_keeps_its_length_on_both_change_days() -> None:
    sweden = office("SE", "Europe/Stockholm")

    monday_after_spring = at("Europe/Stockholm", 2026, 3, 30, 8, 0)
    friday_before_autumn = at("Europe/Stockholm", 2026, 10, 23, 16, 0)

    assert sweden.add_minutes(monday_after_spring, 540).isoformat() == "2026-03-30T17:00:00+02:00"
    assert sweden.add_minutes(friday_before_autumn, 120).isoformat() == "2026-10-26T09:00:00+01:00"


def test_a_shortened_day_before_a_holiday_closes_early() -> None:
    sweden = office("SE", "Europe/Stockholm", days={dt.date(2026, 6, 18): ((T(8), T(13)),)})
    thursday_noon = at("Europe/Stockholm", 2026, 6, 18, 12, 0)

    assert sweden.add_minutes(thursday_noon, 120) == at("Europe/Stockholm", 2026, 6, 22, 9, 0)
    assert not sweden.is_open(at("Europe/Stockholm", 2026, 6, 18, 14, 0))


def test_a_special_open_day_opens_a_public_holiday_and_a_closed_day_closes_a_weekday() -> None:
    sweden = office(
        "SE",
        "Europe/Stockholm",
        days={dt.date(2026, 6, 19): OFFICE[4], dt.date(2026, 6, 17): ()},
    )

    assert sweden.is_open(at("Europe/Stockholm", 2026, 6, 19, 10, 0))
    assert not sweden.is_open(at("Europe/Stockholm", 2026, 6, 17, 10, 0))
    assert sweden.add_minutes(at("Europe/Stockholm", 2026, 6, 18, 16, 0), 120) == at(
        "Europe/Stockholm", 2026, 6, 19, 9, 0
    )


def test_a_calendar_never_open_says_so_instead_of_searching_forever() -> None:
    closed = BusinessHours(time_zone="Europe/Stockholm", weekly=[()] * 7)

    with pytest.raises(NeverOpen):
        closed.add_minutes(at("Europe/Stockholm", 2026, 1, 1, 0, 0), 1)


def test_naive_times_and_negative_minutes_are_refused() -> None:
    sweden = office("SE", "Europe/Stockholm")

    with pytest.raises(ValueError):
        sweden.add_minutes(dt.datetime(2026, 6, 18, 16, 0), 10)
    with pytest.raises(ValueError):
        sweden.add_minutes(at("Europe/Stockholm", 2026, 6, 18, 16, 0), -1)


def test_a_target_spanning_years_and_a_question_about_an_earlier_year_agree() -> None:
    sweden = office("SE", "Europe/Stockholm")
    late = at("Europe/Stockholm", 2027, 3, 1, 8, 0)
    sweden.add_minutes(late, 10)  # lays out 2027 first; 2026 comes after
    start = at("Europe/Stockholm", 2026, 12, 30, 16, 0)

    due = sweden.add_minutes(start, 120)

    # 31 December (nyårsafton) and 1 January are closed; 2 January 2027 is a Saturday.
    assert due == at("Europe/Stockholm", 2027, 1, 4, 9, 0)
    assert sweden.minutes_between(start, due) == 120
    assert sweden.minutes_between(due, start) == -120


# -- properties ---------------------------------------------------------------------------------

ZONES = ("Europe/Stockholm", "Europe/Helsinki", "UTC")


@st.composite
def calendars(draw: st.DrawFn) -> BusinessHours:
    """A random week: each day up to three periods on a quarter-hour grid (not inside the repeated
    hour of an autumn change, where the brute-force count below reads wall times differently)."""
    grid = [q for q in range(0, 24 * 4 + 1) if not (8 < q < 16 and q % 4) and not (q // 4 == 3 and q % 4)]
    week = []
    for _weekday in range(7):
        marks = sorted(set(draw(st.lists(st.sampled_from(grid), max_size=6))))
        marks = marks[: len(marks) // 2 * 2]
        periods = []
        for begin, end in zip(marks[::2], marks[1::2], strict=True):
            if end >= 96:
                continue
            periods.append((T(begin // 4, begin % 4 * 15), T(end // 4, end % 4 * 15)))
        week.append(tuple(periods))
    if not any(week):
        week[0] = ((T(9), T(10)),)
    country = draw(st.sampled_from(("", "SE", "FI")))
    return BusinessHours(
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=week,
        closed_on=partial(closed_dates, country) if country else None,
    )


moments = st.datetimes(
    min_value=dt.datetime(2026, 3, 20), max_value=dt.datetime(2026, 11, 5), timezones=st.just(dt.UTC)
)
targets = st.integers(min_value=0, max_value=6000)
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(hours=calendars(), start=moments, minutes=st.integers(min_value=1, max_value=6000))
def test_a_due_time_is_never_outside_business_hours(hours: BusinessHours, start: dt.datetime, minutes: int) -> None:
    due = hours.add_minutes(start, minutes)

    assert due > start
    assert hours.is_open(due - ONE_MICROSECOND)


@PROPERTY
@given(hours=calendars(), start=moments, first=targets, second=targets, later=st.timedeltas(max_value=dt.timedelta(days=9), min_value=dt.timedelta(0)))
def test_adding_minutes_is_monotonic_in_the_minutes_and_the_start(
    hours: BusinessHours, start: dt.datetime, first: int, second: int, later: dt.timedelta
) -> None:
    low, high = sorted((first, second))

    assert hours.add_minutes(start, low) <= hours.add_minutes(start, high)
    assert hours.add_minutes(start, low) <= hours.add_minutes(start + later, low)


@PROPERTY
@given(hours=calendars(), start=moments, first=targets, second=st.integers(min_value=1, max_value=6000))
def test_adding_in_two_steps_is_adding_the_sum(hours: BusinessHours, start: dt.datetime, first: int, second: int) -> None:
    assert hours.add_minutes(start, first + second) == hours.add_minutes(hours.add_minutes(start, first), second)


@PROPERTY
@given(hours=calendars(), start=moments, minutes=targets)
def test_the_minutes_between_a_start_and_its_due_time_are_the_target(
    hours: BusinessHours, start: dt.datetime, minutes: int
) -> None:
    assert hours.minutes_between(start, hours.add_minutes(start, minutes)) == minutes


@PROPERTY
@given(
    hours=calendars(),
    start=moments,
    minutes=st.integers(min_value=1, max_value=6000),
    pause_after=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=12)),
    paused_for=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=12)),
)
def test_pausing_moves_the_due_time_by_exactly_the_business_time_paused(
    hours: BusinessHours, start: dt.datetime, minutes: int, pause_after: dt.timedelta, paused_for: dt.timedelta
) -> None:
    due = hours.add_minutes(start, minutes)
    paused_at, resumed_at = start + pause_after, start + pause_after + paused_for

    moved = hours.due_after_pause(due, paused_at=paused_at, resumed_at=resumed_at)

    assert hours.business_time_between(due, moved) == hours.business_time_between(paused_at, resumed_at)
    if paused_at < due and hours.business_time_between(paused_at, resumed_at):
        # The same as counting what was left when the clock stopped from the moment it restarted.
        left = hours.business_time_between(paused_at, due)
        assert moved == hours.add_business_time(resumed_at, left)


def _brute_minutes(hours: BusinessHours, start: dt.datetime, end: dt.datetime) -> int:
    """Open minutes counted one real minute at a time from the wall clock and the date's periods."""
    count = 0
    moment = start
    while moment < end:
        local = moment.astimezone(hours.zone)
        wall = local.time().replace(tzinfo=None)
        if any(begin <= wall < finish for begin, finish in hours.periods_on(local.date())):
            count += 1
        moment += dt.timedelta(minutes=1)
    return count


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hours=calendars(),
    day=st.sampled_from([dt.date(2026, 3, 28), dt.date(2026, 10, 24), dt.date(2026, 6, 18), dt.date(2026, 12, 23)]),
    length=st.integers(min_value=1, max_value=3 * 24 * 60),
)
def test_minutes_between_agrees_with_counting_minute_by_minute(hours: BusinessHours, day: dt.date, length: int) -> None:
    start = dt.datetime.combine(day, T(0), tzinfo=dt.UTC)
    end = start + dt.timedelta(minutes=length)

    assert hours.minutes_between(start, end) == _brute_minutes(hours, start, end)
