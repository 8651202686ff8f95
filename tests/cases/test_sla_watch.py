"""The service-level worker: a target near or past its due time is recorded once and told to the
assignee, a breach still there after the delay goes to the queue's manager, and cases counted in a
calendar that changed get new due times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities.models import Notification
from lojal.calendars import services as calendar_services
from lojal.cases import services
from lojal.cases.models import Case, Queue, SlaEvent
from lojal.cases.sla.recompute import clocks_recompute_stale
from lojal.cases.sla.tasks import sla_task
from lojal.cases.sla.watch import sla_watch
from tests.cases.sla_helpers import local, policy, queue_on_sweden, staff_answer, sweden_id

pytestmark = pytest.mark.django_db


def _notes(user: User) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "data__url"))


def _opened_at_nine(actor: User, queue: Queue, *, assignee: User | None = None) -> Case:
    """A case on ``queue`` opened at 09:00 on Monday 7 December 2026."""
    return services.case_open(
        actor=actor,
        subject="Q",
        channel="email",
        queue_id=queue.pk,
        assignee_id=assignee.pk if assignee else None,
        opened_at=local(2026, 12, 7, 9),
    )


@override_settings(LOJAL_SLA_ESCALATION_MINUTES=30)
def test_a_breach_is_recorded_once_and_escalated_to_the_assignee_then_the_manager(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")
    manager = make_user(Role.MANAGER, "manager")
    queue = queue_on_sweden(manager=manager)
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None, near_percent=80)
    case = _opened_at_nine(admin_user, queue, assignee=agent)
    url = f"/service/cases/{case.pk}/"

    assert sla_watch(now=local(2026, 12, 7, 9, 47)).near == 0
    assert _notes(agent) == []
    assert sla_watch(now=local(2026, 12, 7, 9, 48)).near == 1
    assert _notes(agent) == [("case_near", url)]
    assert sla_watch(now=local(2026, 12, 7, 9, 55)).near == 0

    result = sla_watch(now=local(2026, 12, 7, 10, 5))
    assert (result.breached, result.escalated) == (1, 0)
    assert _notes(agent) == [("case_near", url), ("case_breached", url)]
    assert _notes(manager) == []
    case.refresh_from_db()
    assert case.is_breached is True
    assert sla_watch(now=local(2026, 12, 7, 10, 20)).breached == 0

    assert sla_watch(now=local(2026, 12, 7, 10, 36)).escalated == 1
    assert _notes(manager) == [("case_breached", url)]
    assert sla_watch(now=local(2026, 12, 7, 11)).escalated == 0
    assert list(SlaEvent.objects.filter(case=case).values_list("target", "kind", "manager_notified")) == [
        ("first_response", "near", False),
        ("first_response", "breached", True),
    ]
    assert len(_notes(agent)) == 2 and len(_notes(manager)) == 1


def test_a_breach_put_right_before_the_delay_is_not_escalated(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER, "manager")
    agent = make_user(Role.SERVICE_AGENT, "agent")
    queue = queue_on_sweden(manager=manager)
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None)
    case = _opened_at_nine(admin_user, queue, assignee=agent)
    sla_watch(now=local(2026, 12, 7, 10, 5))

    staff_answer(case, local(2026, 12, 7, 10, 10))
    result = sla_watch(now=local(2026, 12, 7, 12))

    assert result.escalated == 0
    assert _notes(manager) == []
    event = SlaEvent.objects.get(case=case, kind="breached")
    assert (event.escalated_at, event.manager_notified) == (local(2026, 12, 7, 12), False)
    case.refresh_from_db()
    assert case.is_breached is False


def test_a_breach_of_an_unassigned_case_goes_to_the_manager_at_once(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER, "manager")
    queue = queue_on_sweden(manager=manager)
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None)
    case = _opened_at_nine(admin_user, queue)

    sla_watch(now=local(2026, 12, 7, 10, 5))
    sla_watch(now=local(2026, 12, 7, 12))

    assert _notes(manager) == [("case_breached", f"/service/cases/{case.pk}/")]


def test_a_paused_case_is_neither_warned_about_nor_breached(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None)
    case = _opened_at_nine(admin_user, queue, assignee=agent)
    services.case_change(
        actor=admin_user,
        case_id=case.pk,
        changes={"status": "pending_customer"},
        at=local(2026, 12, 7, 9, 30),
    )

    result = sla_watch(now=local(2026, 12, 8, 12))

    assert (result.near, result.breached) == (0, 0)
    assert SlaEvent.objects.count() == 0
    assert _notes(agent) == []


def test_a_calendar_change_gives_the_open_cases_counted_in_it_new_due_times(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=120, resolution_minutes=None)
    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 16)
    )
    solved = services.case_open(
        actor=admin_user, subject="Done", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 16)
    )
    services.case_change(
        actor=admin_user, case_id=solved.pk, changes={"status": "solved"}, at=local(2026, 12, 7, 16, 5)
    )
    solved.refresh_from_db()
    assert case.first_response_due == local(2026, 12, 8, 9)
    assert clocks_recompute_stale(at=local(2026, 12, 7, 16, 10)) == 0

    calendar_services.special_day_set(
        actor=admin_user, calendar_id=sweden_id(), date=dt.date(2026, 12, 8), kind="closed", name="Staff day"
    )
    assert clocks_recompute_stale(at=local(2026, 12, 7, 16, 10)) == 1

    case.refresh_from_db()
    assert case.first_response_due == local(2026, 12, 9, 9)
    assert case.next_due == local(2026, 12, 9, 9)
    assert Case.objects.get(pk=solved.pk).calendar_revision == solved.calendar_revision
    assert clocks_recompute_stale(at=local(2026, 12, 7, 16, 10)) == 0


def test_the_worker_task_runs_a_round(admin_user: User) -> None:
    result = sla_task.enqueue()

    assert result.return_value == "recomputed=0 near=0 breached=0 escalated=0"
