"""The expected answer time of an acknowledgement: cases ahead in the queue's order at the queue's
recent pace in business hours, rounded up to the half hour, never after the SLA due time; and the same
time said in Swedish, Bokmål, Danish, Finnish and English across weekends and holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lojal.calendars.models import BusinessCalendar
from lojal.calendars.selectors import business_hours
from lojal.cases.ack_estimate import AlwaysOpen, case_estimate, cases_ahead, estimate, round_up
from lojal.cases.ack_wording import expected_time_words
from lojal.cases.models import Case, Queue, SlaPolicy
from lojal.cases.services import case_open

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 7 December 2026, 10:00 in Stockholm. The 14 days before it hold 5,400 business minutes of
# the shipped Swedish calendar (Mon-Fri 08-17, no holidays then): 420 on 23 Nov, 9 x 540, 120 today.
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=STOCKHOLM)


def sweden() -> BusinessCalendar:
    return BusinessCalendar.objects.get(name="Sweden")


def queue_with_pace(answered: int) -> Queue:
    """A queue on the Swedish calendar that gave ``answered`` first answers in the last 14 days."""
    queue = Queue.objects.create(name="Kundtjänst", calendar=sweden())
    answers(queue, [NOW - dt.timedelta(days=1 + index % 13, hours=1) for index in range(answered)])
    # An answer older than the window does not count, nor one of another queue.
    answers(queue, [NOW - dt.timedelta(days=20)])
    answers(Queue.objects.create(name="Grannkön", calendar=sweden()), [NOW - dt.timedelta(hours=1)])
    return queue


def answers(queue: Queue, times: list[dt.datetime]) -> None:
    """Solved cases of ``queue`` first answered at ``times``."""
    start = Case.objects.count()
    Case.objects.bulk_create(
        Case(
            number=f"25-{start + index:06d}",
            subject="Besvarat",
            channel="email",
            queue=queue,
            status=Case.Status.SOLVED,
            opened_at=at - dt.timedelta(hours=2),
            first_responded_at=at,
            solved_at=at,
        )
        for index, at in enumerate(times)
    )


def waiting(queue: Queue, subject: str, *, vip_rank: int = 0, next_due: dt.datetime | None = None) -> Case:
    case = case_open(actor=None, subject=subject, channel="email", queue_id=queue.pk)
    Case.objects.filter(pk=case.pk).update(vip_rank=vip_rank, next_due=next_due)
    case.refresh_from_db()
    return case


def test_the_window_of_the_pace_is_counted_in_business_minutes() -> None:
    hours = business_hours(sweden().pk)

    assert hours.minutes_between(NOW - dt.timedelta(days=14), NOW) == 5400


def test_two_cases_ahead_at_forty_answers_in_ninety_business_hours_promise_today_before_five() -> None:
    queue = queue_with_pace(answered=40)
    waiting(queue, "Före 1")
    waiting(queue, "Före 2")
    case = waiting(queue, "Min fråga")
    waiting(queue, "Efter")  # younger, same rank: behind

    result, zone = case_estimate(case, now=NOW)

    # 3 answers' worth: ceil(3 * 5400 / 40) = 405 business minutes from 10:00 = 16:45, rounded up.
    assert (result.ahead, result.answered, result.business_minutes) == (2, 40, 5400)
    assert result.needed_minutes == 405
    assert result.estimated == dt.datetime(2026, 12, 7, 16, 45, tzinfo=STOCKHOLM)
    assert result.promised_by == dt.datetime(2026, 12, 7, 17, 0, tzinfo=STOCKHOLM)
    assert not result.bounded_by_sla
    assert zone == "Europe/Stockholm"
    assert expected_time_words(result.promised_by, now=NOW, language="sv", time_zone=zone) == (
        "i dag före kl. 17:00"
    )


def test_the_rest_of_the_work_goes_on_the_next_business_day() -> None:
    queue = queue_with_pace(answered=40)
    for index in range(4):
        waiting(queue, f"Före {index}")
    case = waiting(queue, "Min fråga")

    result, zone = case_estimate(case, now=NOW)

    # ceil(5 * 5400 / 40) = 675 minutes: 420 today (to 17:00), 255 from 08:00 tomorrow = 12:15.
    assert result.estimated == dt.datetime(2026, 12, 8, 12, 15, tzinfo=STOCKHOLM)
    assert expected_time_words(result.promised_by, now=NOW, language="en", time_zone=zone) == (
        "by tomorrow, Tuesday, before 12:30"
    )


def test_vip_cases_and_earlier_due_times_are_ahead_and_paused_or_solved_ones_are_not() -> None:
    queue = queue_with_pace(answered=10)
    due = NOW + dt.timedelta(hours=4)
    waiting(queue, "Platina, nyare", vip_rank=3)
    waiting(queue, "Tidigare förfallotid", next_due=due - dt.timedelta(hours=1))
    paused = waiting(queue, "Väntar på kunden", vip_rank=3)
    Case.objects.filter(pk=paused.pk).update(status=Case.Status.PENDING_CUSTOMER)
    other_queue = Queue.objects.create(name="Annan kö")
    waiting(other_queue, "Annan kö", vip_rank=3)
    case = waiting(queue, "Min fråga", next_due=due)
    waiting(queue, "Senare förfallotid", next_due=due + dt.timedelta(hours=1))
    waiting(queue, "Ingen förfallotid")

    assert cases_ahead(case) == 2


def test_the_promise_is_never_later_than_the_sla_due_time() -> None:
    queue = queue_with_pace(answered=40)
    waiting(queue, "Före 1")
    waiting(queue, "Före 2")
    case = waiting(queue, "Min fråga")
    sla_due = dt.datetime(2026, 12, 7, 14, 0, tzinfo=STOCKHOLM)
    Case.objects.filter(pk=case.pk).update(first_response_due=sla_due)
    case.refresh_from_db()

    result, zone = case_estimate(case, now=NOW)

    assert result.estimated == dt.datetime(2026, 12, 7, 16, 45, tzinfo=STOCKHOLM)
    assert (result.promised_by, result.bounded_by_sla) == (sla_due, True)
    assert expected_time_words(result.promised_by, now=NOW, language="nb", time_zone=zone) == (
        "i dag før kl. 14:00"
    )


def test_an_estimate_earlier_than_the_sla_due_time_is_kept() -> None:
    queue = queue_with_pace(answered=40)
    case = waiting(queue, "Min fråga")
    Case.objects.filter(pk=case.pk).update(first_response_due=NOW + dt.timedelta(days=2))
    case.refresh_from_db()

    result, _zone = case_estimate(case, now=NOW)

    # ceil(1 * 5400 / 40) = 135 minutes: 12:15, rounded up to 12:30.
    assert result.promised_by == dt.datetime(2026, 12, 7, 12, 30, tzinfo=STOCKHOLM)
    assert not result.bounded_by_sla


def test_without_answers_to_go_by_the_sla_due_time_is_promised_and_without_that_nothing() -> None:
    queue = Queue.objects.create(name="Ny kö", calendar=sweden())
    case = waiting(queue, "Första frågan")

    unbounded, zone = case_estimate(case, now=NOW)
    Case.objects.filter(pk=case.pk).update(first_response_due=NOW + dt.timedelta(hours=8))
    case.refresh_from_db()
    bounded, _zone = case_estimate(case, now=NOW)

    assert (unbounded.answered, unbounded.promised_by) == (0, None)
    assert expected_time_words(None, now=NOW, language="da", time_zone=zone) == "så hurtigt vi kan"
    assert (bounded.promised_by, bounded.bounded_by_sla) == (NOW + dt.timedelta(hours=8), True)


def test_a_queue_without_a_calendar_counts_every_minute() -> None:
    queue = Queue.objects.create(name="Dygnet runt")
    answers(queue, [NOW - dt.timedelta(hours=index, minutes=30) for index in range(14 * 24)])
    case = waiting(queue, "Min fråga")

    result, _zone = case_estimate(case, now=NOW)

    assert (result.answered, result.business_minutes, result.needed_minutes) == (336, 20160, 60)
    assert result.promised_by == NOW + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("moment", "rounded"),
    [
        (
            dt.datetime(2026, 12, 7, 10, 0, tzinfo=STOCKHOLM),
            dt.datetime(2026, 12, 7, 10, 0, tzinfo=STOCKHOLM),
        ),
        (
            dt.datetime(2026, 12, 7, 10, 0, 1, tzinfo=STOCKHOLM),
            dt.datetime(2026, 12, 7, 10, 30, tzinfo=STOCKHOLM),
        ),
        (
            dt.datetime(2026, 12, 7, 10, 31, tzinfo=STOCKHOLM),
            dt.datetime(2026, 12, 7, 11, 0, tzinfo=STOCKHOLM),
        ),
        (
            dt.datetime(2026, 12, 7, 23, 45, tzinfo=STOCKHOLM),
            dt.datetime(2026, 12, 8, 0, 0, tzinfo=STOCKHOLM),
        ),
    ],
)
def test_promised_times_are_rounded_up_to_the_half_hour(moment: dt.datetime, rounded: dt.datetime) -> None:
    assert round_up(moment) == rounded
    assert round_up(moment) >= moment


# Each language on its country's shipped calendar, asked at 16:00 on a day before a weekend or a
# holiday, two hours of work away (one case ahead at one answer per business hour): one hour is left
# that day, the other is the first hour of the next business day.
CROSSINGS = [
    # Swedish julafton (a de facto holiday), juldagen, then the weekend: Monday 28 December.
    (
        "sv",
        "Sweden",
        "Europe/Stockholm",
        dt.datetime(2026, 12, 23, 16),
        "senast måndag 28 december före kl. 09:00",
    ),
    # Norwegian Constitution Day, Monday 17 May 2027, after the weekend: Tuesday 18 May.
    ("nb", "Norway", "Europe/Oslo", dt.datetime(2027, 5, 14, 16), "senest tirsdag 18. mai før kl. 09:00"),
    # Danish Grundlovsdag, Friday 5 June 2026, then the weekend: Monday 8 June.
    (
        "da",
        "Denmark",
        "Europe/Copenhagen",
        dt.datetime(2026, 6, 4, 16),
        "senest mandag den 8. juni inden kl. 09.00",
    ),
    # Finnish juhannusaatto, Friday 19 June 2026, juhannuspäivä, Sunday: Monday 22 June.
    (
        "fi",
        "Finland",
        "Europe/Helsinki",
        dt.datetime(2026, 6, 18, 16),
        "viimeistään maanantaina 22. kesäkuuta ennen klo 9.00",
    ),
    # An English-speaking customer of a Swedish company over midsommarafton.
    ("en", "Sweden", "Europe/Stockholm", dt.datetime(2026, 6, 18, 16), "by Monday 22 June before 09:00"),
]


@pytest.mark.parametrize(("language", "calendar", "zone", "wall", "words"), CROSSINGS)
def test_the_expected_time_across_a_weekend_and_a_holiday_in_each_language(
    language: str, calendar: str, zone: str, wall: dt.datetime, words: str
) -> None:
    hours = business_hours(BusinessCalendar.objects.get(name=calendar).pk)
    now = wall.replace(tzinfo=ZoneInfo(zone))
    window = hours.minutes_between(now - dt.timedelta(days=14), now)

    result = estimate(now=now, ahead=1, answered=window // 60, hours=hours, pace_days=14, sla_due=None)

    assert result.needed_minutes == 120
    assert expected_time_words(result.promised_by, now=now, language=language, time_zone=zone) == words


def test_the_next_day_is_tomorrow_in_every_language() -> None:
    promised = dt.datetime(2026, 12, 8, 12, 0, tzinfo=STOCKHOLM)

    said = {
        language: expected_time_words(promised, now=NOW, language=language, time_zone="Europe/Stockholm")
        for language in ("sv", "nb", "da", "fi", "en", "de")
    }

    assert said == {
        "sv": "senast i morgon, tisdag, före kl. 12:00",
        "nb": "senest i morgen, tirsdag, før kl. 12:00",
        "da": "senest i morgen, tirsdag, inden kl. 12.00",
        "fi": "viimeistään huomenna tiistaina ennen klo 12.00",
        "en": "by tomorrow, Tuesday, before 12:00",
        "de": "by tomorrow, Tuesday, before 12:00",  # no German template: English
    }


def test_an_always_open_queue_adds_plain_minutes() -> None:
    hours = AlwaysOpen()

    assert hours.add_minutes(NOW, 90) == NOW + dt.timedelta(minutes=90)
    assert hours.minutes_between(NOW, NOW - dt.timedelta(hours=1)) == 0


def test_the_sla_clocks_due_time_bounds_the_promise_of_a_case_they_opened() -> None:
    queue = queue_with_pace(answered=40)
    SlaPolicy.objects.create(name="Privat", queue=queue, first_response_minutes=60)
    for index in range(2):
        case_open(actor=None, subject=f"Före {index}", channel="email", queue_id=queue.pk, opened_at=NOW)
    case = case_open(actor=None, subject="Min fråga", channel="email", queue_id=queue.pk, opened_at=NOW)

    result, zone = case_estimate(case, now=NOW)

    # The clocks set the first-response due time one business hour after opening: 11:00.
    assert case.first_response_due == dt.datetime(2026, 12, 7, 11, 0, tzinfo=STOCKHOLM)
    assert (result.ahead, result.needed_minutes) == (2, 405)
    assert (result.promised_by, result.bounded_by_sla) == (case.first_response_due, True)
    assert expected_time_words(result.promised_by, now=NOW, language="fi", time_zone=zone) == (
        "tänään ennen klo 11.00"
    )
