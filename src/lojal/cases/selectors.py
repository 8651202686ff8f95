"""Reads for cases: one case, a queue's cases in the order agents take them, a customer's cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from lojal.cases.models import OPEN_STATUSES, PAUSED_STATUSES, Case
from lojal.core.errors import NotFound


def case_get(*, case_id: int) -> Case:
    case = Case.objects.select_related("queue", "category", "assignee", "customer").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


def queue_order(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases in the order the queue is worked: VIP tier first (platinum, gold, silver, none), then the
    due time of the next service-level target (no due time last), then the oldest. The same order
    the queue view, "take next" and the API use (index ``case_queue_order``)."""
    return cases.order_by("-vip_rank", F("next_due").asc(nulls_last=True), "id")


def queue_cases(*, queue_ids: Iterable[int], unassigned_only: bool = False) -> QuerySet[Case]:
    """The open cases of these queues, in queue order."""
    cases = Case.objects.filter(queue_id__in=list(queue_ids), status__in=OPEN_STATUSES)
    if unassigned_only:
        cases = cases.filter(assignee__isnull=True).exclude(status__in=PAUSED_STATUSES)
    return queue_order(cases)


def open_case_of_conversation(*, conversation_id: int) -> Case | None:
    """The open case a conversation's next message joins, if there is one."""
    return (
        Case.objects.filter(conversation_id=conversation_id, status__in=OPEN_STATUSES).order_by("-id").first()
    )


def customer_cases(*, customer_id: int, open_only: bool = False) -> QuerySet[Case]:
    cases = Case.objects.filter(customer_id=customer_id)
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    return cases.order_by("-opened_at", "-id")


#: A due time closer than this is shown as near (amber) until the service-level policies mark it.
NEAR_MINUTES = 60


def due_state(case: Case, *, now: dt.datetime) -> str:
    """ "breached", "near" or "" for the due time's colour and words."""
    if case.is_breached or (case.next_due is not None and case.next_due < now):
        return "breached"
    if case.next_due is not None and case.next_due - now <= dt.timedelta(minutes=NEAR_MINUTES):
        return "near"
    return ""


@dataclass(frozen=True)
class AssignedCases:
    """An agent's open cases: the first few in queue order, each with its due state as the queue view
    shows it ("breached", "near" or ""), how many there are and how many are past due."""

    cases: list[tuple[Case, str]]
    count: int
    breached: int


def cases_assigned_to(*, user_id: int, now: dt.datetime, limit: int) -> AssignedCases:
    """The open cases assigned to ``user_id`` (My day's "My cases"), in two queries: the first ``limit``
    cases in queue order (with their due state), then the count and the past-due count (flagged breached, or its next target's
    due time already gone, as the queue view shows it)."""
    mine = Case.objects.filter(assignee_id=user_id, status__in=OPEN_STATUSES)
    first = list(queue_order(mine.select_related("customer"))[:limit])
    counts = mine.order_by().aggregate(
        count=Count("id"), breached=Count("id", filter=Q(is_breached=True) | Q(next_due__lt=now))
    )
    return AssignedCases(
        cases=[(case, due_state(case, now=now)) for case in first],
        count=counts["count"],
        breached=counts["breached"],
    )
