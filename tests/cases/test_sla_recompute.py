"""The recompute after a calendar change (many cases at once, numpy over business positions) gives
exactly the due times the one-case path (``case_clocks_refresh``, ``clocks_compute``) gives."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.accounts.models import User
from lojal.calendars import services as calendar_services
from lojal.calendars.arithmetic import EPOCH, BusinessHours
from lojal.calendars.public_holidays import closed_dates
from lojal.cases import services
from lojal.cases.models import Case, Queue
from lojal.cases.sla import case_clocks_refresh
from lojal.cases.sla.batch import CaseFacts, Column, Pauses, Policies, clocks_batch
from lojal.cases.sla.clocks import Facts, clocks_compute
from lojal.cases.sla.matching import Targets
from lojal.cases.sla.recompute import clocks_recompute_stale
from tests.cases.sla_helpers import customer_writes, local, policy, queue_on_sweden, staff_answer, sweden_id

T = dt.time
ONE = dt.timedelta(microseconds=1)
DERIVED = (
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "is_breached",
    "sla_check_at",
    "calendar_revision",
)


def _us(moment: dt.datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // ONE


@st.composite
def _calendars(draw: st.DrawFn) -> BusinessHours:
    """A week of up to two periods a day on a half-hour grid, in a Nordic zone, maybe with holidays."""
    week = []
    for _weekday in range(7):
        marks = sorted(set(draw(st.lists(st.integers(min_value=0, max_value=47), max_size=4))))
        marks = marks[: len(marks) // 2 * 2]
        week.append(
            tuple(
                (T(a // 2, a % 2 * 30), T(b // 2, b % 2 * 30))
                for a, b in zip(marks[::2], marks[1::2], strict=True)
            )
        )
    if not any(week):
        week[2] = ((T(9), T(17)),)
    country = draw(st.sampled_from(("", "SE", "NO")))
    return BusinessHours(
        time_zone=draw(st.sampled_from(("Europe/Stockholm", "Europe/Oslo", "Europe/Helsinki"))),
        weekly=week,
        closed_on=partial(closed_dates, country) if country else None,
    )


_moments = st.datetimes(
    min_value=dt.datetime(2026, 3, 1), max_value=dt.datetime(2026, 11, 20), timezones=st.just(dt.UTC)
)
_after = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9))
_maybe_after = st.none() | _after


@st.composite
def _facts(draw: st.DrawFn) -> Facts:
    opened = draw(_moments)

    def later(delta: dt.timedelta | None) -> dt.datetime | None:
        return None if delta is None else opened + delta

    first = later(draw(_maybe_after))
    pauses: list[tuple[dt.datetime, dt.datetime | None]] = []
    moment = opened
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        began = moment + draw(_after)
        length = draw(st.none() | _after)
        if length is None:
            pauses.append((began, None))
            break
        pauses.append((began, began + length))
        moment = began + length
    return Facts(
        opened_at=opened,
        is_open=draw(st.booleans()),
        first_responded_at=first,
        customer_wrote_at=later(draw(_maybe_after)),
        answered_at=later(draw(_maybe_after)) if first is not None else None,
        solved_at=later(draw(_maybe_after)),
        pauses=pauses,
    )


_minutes = st.none() | st.integers(min_value=1, max_value=3000)
_targets = st.none() | st.builds(
    Targets,
    policy_id=st.just(1),
    first_response=_minutes,
    next_response=_minutes,
    resolution=_minutes,
    near_percent=st.integers(min_value=0, max_value=100),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hours=_calendars(),
    cases=st.lists(st.tuples(_facts(), _targets), min_size=1, max_size=12),
    at=_moments,
)
def test_the_batch_clocks_are_exactly_the_one_case_clocks(
    hours: BusinessHours, cases: list[tuple[Facts, Targets | None]], at: dt.datetime
) -> None:
    facts = [each for each, _targets in cases]
    policies = [targets for _facts, targets in cases]
    batch = clocks_batch(
        hours.positions(min(_us(each.opened_at) or 0 for each in facts)),
        Policies(
            first_response=Column.of([p.first_response if p else None for p in policies]),
            next_response=Column.of([p.next_response if p else None for p in policies]),
            resolution=Column.of([p.resolution if p else None for p in policies]),
            near_percent=Column.of([p.near_percent if p else 0 for p in policies]).at,
        ),
        CaseFacts(
            opened=Column.of([_us(each.opened_at) for each in facts]).at,
            is_open=Column.of([1 if each.is_open else None for each in facts]).known,
            first_responded=Column.of([_us(each.first_responded_at) for each in facts]),
            customer_wrote=Column.of([_us(each.customer_wrote_at) for each in facts]),
            answered=Column.of([_us(each.answered_at) for each in facts]),
            solved=Column.of([_us(each.solved_at) for each in facts]),
            pauses=Pauses.of([[(_us(a) or 0, _us(b)) for a, b in each.pauses] for each in facts]),
        ),
        at=_us(at) or 0,
    )

    def got(column: Column, row: int) -> int | None:
        return int(column.at[row]) if column.known[row] else None

    for row, (each, targets) in enumerate(cases):
        if targets is None:
            continue
        one = clocks_compute(hours, targets, each, at=at)
        assert (
            got(batch.first_response_due, row),
            got(batch.next_response_due, row),
            got(batch.resolution_due, row),
            got(batch.next_due, row),
            bool(batch.is_breached[row]),
            got(batch.check_at, row),
        ) == (
            _us(one.first_response_due),
            _us(one.next_response_due),
            _us(one.resolution_due),
            _us(one.next_due),
            one.is_breached,
            _us(one.check_at),
        )


@pytest.mark.django_db
def test_a_recompute_after_a_calendar_change_gives_the_due_times_of_the_one_case_path(
    admin_user: User,
) -> None:
    queue = queue_on_sweden()
    policy(
        "Support",
        5,
        queue=queue,
        first_response_minutes=120,
        next_response_minutes=60,
        resolution_minutes=960,
    )
    policy("Urgent", 0, priority="urgent", first_response_minutes=30, resolution_minutes=240)
    cases = []
    for number, (day, hour, priority) in enumerate(
        (
            (7, 9, "normal"),
            (7, 16, "urgent"),
            (8, 11, "normal"),
            (9, 8, "high"),
            (4, 15, "urgent"),
            (11, 16, "normal"),
        )
    ):
        cases.append(
            services.case_open(
                actor=admin_user,
                subject=f"Q{number}",
                channel="email",
                queue_id=queue.pk,
                priority=priority,
                opened_at=local(2026, 12, day, hour, 5 * number),
            )
        )
    staff_answer(cases[0], local(2026, 12, 7, 10))
    customer_writes(cases[0], local(2026, 12, 7, 15))
    for status, at in (("pending_customer", local(2026, 12, 8, 12)), ("open", local(2026, 12, 10, 9))):
        services.case_change(actor=admin_user, case_id=cases[2].pk, changes={"status": status}, at=at)
    services.case_change(
        actor=admin_user,
        case_id=cases[3].pk,
        changes={"status": "pending_third_party"},
        at=local(2026, 12, 9, 9),
    )
    services.case_change(
        actor=admin_user, case_id=cases[4].pk, changes={"status": "solved"}, at=local(2026, 12, 4, 16)
    )
    before = {case.pk: _derived(Case.objects.get(pk=case.pk)) for case in cases}

    for weekday in range(5):
        calendar_services.calendar_periods_set(
            actor=admin_user,
            calendar_id=sweden_id(),
            weekday=weekday,
            periods=[["07:30", "12:00"], ["13:00", "16:00"]],
        )
    calendar_services.special_day_set(
        actor=admin_user, calendar_id=sweden_id(), date=dt.date(2026, 12, 8), kind="closed", name="Staff day"
    )
    at = local(2026, 12, 9, 10)
    written = clocks_recompute_stale(at=at)

    after = {case.pk: _derived(Case.objects.get(pk=case.pk)) for case in cases}
    single = {}
    for case in cases:
        fresh = Case.objects.get(pk=case.pk)
        case_clocks_refresh(fresh, at=at)
        single[case.pk] = _derived(fresh)
    solved = cases[4].pk  # not open: the recompute leaves it as it was
    assert after[solved] == before[solved]
    assert single[solved] != before[solved]
    assert {pk: values for pk, values in after.items() if pk != solved} == {
        pk: values for pk, values in single.items() if pk != solved
    }
    assert written == sum(1 for pk in after if after[pk] != before[pk])
    assert written == 5
    assert clocks_recompute_stale(at=at) == 0


def _derived(case: Case) -> dict[str, object]:
    return {name: getattr(case, name) for name in DERIVED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_give_the_due_times_of_the_one_case_path(admin_user: User) -> None:
    calendar = calendar_services.calendar_create(
        actor=admin_user, name="Two workers", time_zone="Europe/Stockholm", country="SE"
    )
    queue = Queue.objects.create(name="Two workers", calendar_id=calendar.pk)
    policy("Two workers", 0, queue=queue, first_response_minutes=90, resolution_minutes=600)
    cases = [
        services.case_open(
            actor=admin_user,
            subject=f"Q{number}",
            channel="email",
            queue_id=queue.pk,
            opened_at=local(2026, 12, 7 + number % 4, 8 + number % 9, number),
        )
        for number in range(12)
    ]
    for case in cases[::3]:
        services.case_change(
            actor=admin_user,
            case_id=case.pk,
            changes={"status": "pending_customer"},
            at=local(2026, 12, 11, 10),
        )
    calendar_services.calendar_periods_set(
        actor=admin_user, calendar_id=calendar.pk, weekday=1, periods=[["10:00", "15:00"]]
    )
    at = local(2026, 12, 9, 10)

    written = clocks_recompute_stale(at=at, workers=2, chunk=2)

    after = {case.pk: _derived(Case.objects.get(pk=case.pk)) for case in cases}
    single = {}
    for case in cases:
        fresh = Case.objects.get(pk=case.pk)
        case_clocks_refresh(fresh, at=at)
        single[case.pk] = _derived(fresh)
    differing = {
        (pk, name): (after[pk][name], single[pk][name])
        for pk in after
        for name in DERIVED
        if after[pk][name] != single[pk][name]
    }
    # A case whose due times came out the same is not written: it keeps its old revision.
    unchanged = {
        pk for pk, values in after.items() if values["calendar_revision"] != single[pk]["calendar_revision"]
    }
    assert differing == {(pk, "calendar_revision"): (1, 2) for pk in unchanged}
    assert (
        written == len(cases) - len(unchanged) == 8
    )  # the cases opened on Monday 7 or Tuesday 8 December, and not waiting
