"""Pauses: the clocks stand still while a case waits for the customer or a third party, resume when
the status changes back or the customer writes, and the due time moves on by exactly the business time
paused. Every pause is recorded with who and when; reports read the paused time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lojal.accounts.models import User
from lojal.cases import services
from lojal.cases.models import Case, ClockPause
from lojal.cases.sla import hours as calendar_hours
from lojal.cases.sla.reports import NOTHING_PAUSED, case_pause_list, cases_paused_time
from tests.cases.sla_helpers import customer_writes, local, policy, queue_on_sweden, staff_answer, sweden_id

pytestmark = pytest.mark.django_db


def _open(actor: User, at: dt.datetime, **targets: int | None) -> Case:
    queue = queue_on_sweden(f"Queue {Case.objects.count()}")
    policy(f"Policy {Case.objects.count()}", queue=queue, **targets)
    return services.case_open(actor=actor, subject="Q", channel="email", queue_id=queue.pk, opened_at=at)


def test_waiting_for_the_customer_stops_the_clocks_and_a_status_change_back_moves_the_due_time(
    admin_user: User,
) -> None:
    case = _open(admin_user, local(2026, 12, 7, 9), first_response_minutes=None, resolution_minutes=480)
    assert case.resolution_due == local(2026, 12, 7, 17)

    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_customer"}, at=local(2026, 12, 7, 10))
    case.refresh_from_db()
    assert (case.next_due, case.sla_check_at, case.clock_paused_at) == (None, None, local(2026, 12, 7, 10))
    assert case.resolution_due == local(2026, 12, 7, 17)

    # Paused from Monday 10:00 to Tuesday 11:00: 7 + 3 = 10 business hours.
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"}, at=local(2026, 12, 8, 11))
    case.refresh_from_db()
    assert case.resolution_due == local(2026, 12, 9, 9)
    assert case.next_due == local(2026, 12, 9, 9)
    assert case.clock_paused_at is None
    pause = ClockPause.objects.get(case=case)
    assert (pause.status, pause.paused_at, pause.paused_by_id) == ("pending_customer", local(2026, 12, 7, 10), admin_user.pk)
    assert (pause.resumed_at, pause.resumed_by_id, pause.resumed_because) == (local(2026, 12, 8, 11), admin_user.pk, "status")


def test_the_customer_writing_resumes_the_clocks_without_a_status_change(admin_user: User) -> None:
    case = _open(admin_user, local(2026, 12, 4, 16), first_response_minutes=60, next_response_minutes=60, resolution_minutes=None)
    staff_answer(case, local(2026, 12, 4, 16, 15))
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_customer"}, at=local(2026, 12, 4, 16, 15))

    customer_writes(case, local(2026, 12, 5, 10))  # a Saturday

    case.refresh_from_db()
    pause = ClockPause.objects.get(case=case)
    assert (pause.resumed_at, pause.resumed_by_id, pause.resumed_because) == (local(2026, 12, 5, 10), None, "customer")
    assert case.clock_paused_at is None
    assert case.next_response_due == local(2026, 12, 7, 9)
    assert case.next_due == local(2026, 12, 7, 9)
    # Still marked as waiting, the same status does not pause the clocks again.
    services.case_change(actor=admin_user, case_id=case.pk, changes={"priority": "high"}, at=local(2026, 12, 7, 8, 30))
    assert ClockPause.objects.filter(case=case).count() == 1


def test_a_pause_after_the_due_time_does_not_undo_the_breach(admin_user: User) -> None:
    case = _open(admin_user, local(2026, 12, 7, 9), first_response_minutes=60, resolution_minutes=None)

    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_third_party"}, at=local(2026, 12, 7, 11))

    case.refresh_from_db()
    assert (case.is_breached, case.first_response_due, case.next_due) == (True, local(2026, 12, 7, 10), None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start_offset=st.integers(min_value=0, max_value=60 * 24 * 14),
    pause_after=st.integers(min_value=0, max_value=60 * 24 * 3),
    pause_length=st.integers(min_value=1, max_value=60 * 24 * 10),
    target=st.integers(min_value=30, max_value=60 * 40),
)
def test_pausing_for_t_moves_the_due_time_by_exactly_the_business_time_paused(
    admin_user: User, start_offset: int, pause_after: int, pause_length: int, target: int
) -> None:
    opened = local(2026, 6, 15, 0) + dt.timedelta(minutes=start_offset)  # around midsommarafton
    case = _open(admin_user, opened, first_response_minutes=None, resolution_minutes=target)
    due_before = case.resolution_due
    assert due_before is not None
    paused_at = opened + dt.timedelta(minutes=pause_after)
    resumed_at = paused_at + dt.timedelta(minutes=pause_length)

    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "pending_customer"}, at=paused_at)
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"}, at=resumed_at)

    case.refresh_from_db()
    hours = calendar_hours.hours_of(sweden_id())
    if paused_at >= due_before:
        assert case.resolution_due == due_before
    else:
        paused = hours.business_time_between(paused_at, resumed_at)
        assert hours.business_time_between(due_before, case.resolution_due) == paused
        assert case.resolution_due == hours.add_business_time(due_before, paused)
    assert case.resolution_due is not None and case.resolution_due >= due_before


def test_the_paused_time_per_case_counts_waiting_only_in_wall_and_business_time(admin_user: User) -> None:
    case = _open(admin_user, local(2026, 12, 4, 9), first_response_minutes=None, resolution_minutes=960)
    never = _open(admin_user, local(2026, 12, 4, 9), first_response_minutes=None, resolution_minutes=960)
    for status, at in (
        ("pending_customer", local(2026, 12, 4, 15)),
        ("open", local(2026, 12, 7, 10)),  # Friday 15:00 - Monday 10:00: 2 + 2 business hours
        ("pending_third_party", local(2026, 12, 7, 16)),
        ("solved", local(2026, 12, 7, 16, 30)),  # not waiting: the solved time is no paused time
        ("open", local(2026, 12, 8, 12)),
    ):
        services.case_change(actor=admin_user, case_id=case.pk, changes={"status": status}, at=at)

    paused = cases_paused_time(case_ids=[case.pk, never.pk], at=local(2026, 12, 9, 9))

    assert paused[never.pk] == NOTHING_PAUSED
    assert paused[case.pk].pauses == 2
    assert paused[case.pk].wall == dt.timedelta(hours=67, minutes=30)
    assert paused[case.pk].business == dt.timedelta(hours=4, minutes=30)
    assert paused[case.pk].is_paused is False
    assert [(p.status, p.resumed_because) for p in case_pause_list(case_id=case.pk)] == [
        ("pending_customer", "status"),
        ("pending_third_party", "status"),
        ("solved", "status"),
    ]
