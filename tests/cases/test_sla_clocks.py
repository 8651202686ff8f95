"""Service-level clocks: which policy applies, the due times of the three targets in the business
minutes of a real (shipped Swedish) calendar, across a weekend and midsommarafton."""

from __future__ import annotations


import pytest

from lojal.accounts.models import User
from lojal.cases import services
from lojal.cases.models import Category
from tests import factories
from tests.cases.sla_helpers import customer_writes, local, policy, queue_on_sweden, staff_answer

pytestmark = pytest.mark.django_db


def test_policies_are_tried_in_position_order_and_the_first_that_matches_applies(admin_user: User) -> None:
    queue = queue_on_sweden()
    other = queue_on_sweden("Billing")
    invoices = Category.objects.create(name="Invoices")
    wrong_amount = Category.objects.create(name="Wrong amount", parent=invoices)
    urgent = policy("Urgent in support", 0, queue=queue, priority="urgent")
    gold = policy("Gold", 1, vip_tier="gold")
    invoice = policy("Invoices", 2, category=invoices)
    fallback = policy("Support default", 9, queue=queue)
    queue.sla_policy = fallback
    queue.save()
    gold_customer = factories.person(vip_tier="gold")
    at = local(2026, 12, 7, 9)

    def applied(**fields: object) -> int | None:
        case = services.case_open(actor=admin_user, subject="Q", channel="email", opened_at=at, **fields)
        return case.sla_policy_id

    assert applied(queue_id=queue.pk, priority="urgent", customer_id=gold_customer.pk) == urgent.pk
    assert applied(queue_id=other.pk, priority="urgent", customer_id=gold_customer.pk) == gold.pk
    assert applied(queue_id=other.pk, category_id=wrong_amount.pk) == invoice.pk
    assert applied(queue_id=queue.pk) == fallback.pk
    assert applied(queue_id=other.pk) is None


def test_an_inactive_policy_is_skipped(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Old", 0, queue=queue, is_active=False)
    current = policy("Current", 1, queue=queue)

    case = services.case_open(actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 9))

    assert case.sla_policy_id == current.pk


def test_the_first_response_is_due_after_the_weekend_in_business_minutes(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=120, resolution_minutes=960)

    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 4, 16)
    )

    case.refresh_from_db()
    assert case.first_response_due == local(2026, 12, 7, 9)
    assert case.resolution_due == local(2026, 12, 8, 14)  # 1 h Friday, 9 h Monday, 6 h Tuesday
    assert case.next_response_due is None
    assert case.next_due == local(2026, 12, 7, 9)
    assert case.is_breached is False
    assert case.sla_check_at == local(2026, 12, 7, 8, 36)  # 80 % of 120 minutes: 60 on Friday, 36 on Monday


def test_midsommarafton_and_the_weekend_after_it_are_closed(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None)

    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 6, 18, 16, 30)
    )

    assert case.first_response_due == local(2026, 6, 22, 8, 30)


def test_a_case_without_a_queue_counts_in_the_shipped_calendar_of_the_companys_country(admin_user: User) -> None:
    policy("Everyone", first_response_minutes=30, resolution_minutes=None)

    case = services.case_open(actor=admin_user, subject="Q", channel="staff", opened_at=local(2026, 12, 5, 12))

    assert case.first_response_due == local(2026, 12, 7, 8, 30)
    assert case.calendar_revision >= 1


def test_answering_meets_the_first_response_and_the_next_response_runs_after_the_customer_writes(
    admin_user: User,
) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=120, next_response_minutes=60, resolution_minutes=None)
    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 9)
    )

    staff_answer(case, local(2026, 12, 7, 10))
    case.refresh_from_db()
    assert (case.next_due, case.next_response_due, case.first_response_due) == (None, None, local(2026, 12, 7, 11))

    customer_writes(case, local(2026, 12, 7, 16, 30))
    case.refresh_from_db()
    assert case.next_response_due == local(2026, 12, 8, 8, 30)
    assert case.next_due == local(2026, 12, 8, 8, 30)

    staff_answer(case, local(2026, 12, 8, 8, 10))
    case.refresh_from_db()
    assert (case.next_due, case.next_response_due, case.is_breached) == (None, local(2026, 12, 8, 8, 30), False)


def test_a_target_past_its_due_time_flags_the_case_breached_on_the_next_refresh(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue, first_response_minutes=60, resolution_minutes=None)
    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 9)
    )

    services.case_change(actor=admin_user, case_id=case.pk, changes={"priority": "high"}, at=local(2026, 12, 7, 10, 1))

    case.refresh_from_db()
    assert (case.is_breached, case.next_due) == (True, local(2026, 12, 7, 10))


def test_solving_stops_every_clock_and_a_case_without_a_policy_has_no_due_times(admin_user: User) -> None:
    queue = queue_on_sweden()
    policy("Support", queue=queue)
    case = services.case_open(
        actor=admin_user, subject="Q", channel="email", queue_id=queue.pk, opened_at=local(2026, 12, 7, 9)
    )
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "solved"}, at=local(2026, 12, 7, 10))
    case.refresh_from_db()
    assert (case.next_due, case.sla_check_at, case.is_breached) == (None, None, False)

    bare = services.case_open(actor=admin_user, subject="Q", channel="email", opened_at=local(2026, 12, 7, 9))
    assert (bare.sla_policy_id, bare.first_response_due, bare.next_due) == (None, None, None)
