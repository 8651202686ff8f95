"""The service-level worker's rounds (every few minutes, :mod:`lojal.cases.sla.tasks`): recompute cases
whose calendar changed, record each target that came near its due time or passed it (once: a
:class:`~lojal.cases.models.SlaEvent` per target run), flag breached cases, tell the assignee, and tell
the queue's manager when a case is still past its target ``LOJAL_SLA_ESCALATION_MINUTES`` later.

The cases to look at are found with one index range scan: ``sla_check_at`` holds the earliest near or
due moment of a case's running targets, and a round moves it on to the next one still ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lojal.activities import services as activities_services
from lojal.calendars.arithmetic import BusinessHours
from lojal.cases.models import OPEN_STATUSES, Case, SlaEvent
from lojal.cases.sla import hours as calendar_hours
from lojal.cases.sla.matching import PolicyBook
from lojal.cases.sla.recompute import READ, CaseRow, clocks_recompute_stale, pauses_of, row_clocks

BATCH = 500
NEAR = SlaEvent.Kind.NEAR
BREACHED = SlaEvent.Kind.BREACHED


@dataclass(frozen=True, slots=True)
class WatchResult:
    recomputed: int
    near: int
    breached: int
    escalated: int


def case_url(case_id: int) -> str:
    return f"/service/cases/{case_id}/"


def escalation_delay() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "LOJAL_SLA_ESCALATION_MINUTES", 30)))


def sla_watch(*, now: dt.datetime | None = None) -> WatchResult:
    """One round of the worker: recompute, warn, flag, escalate. Safe to run twice at once: each batch
    locks its cases and skips those another round holds."""
    now = now or timezone.now()
    recomputed = clocks_recompute_stale(at=now)
    near, breached = sla_thresholds_check(now=now)
    escalated = sla_escalate(now=now)
    return WatchResult(recomputed, near, breached, escalated)


class _Calendars:
    """Each calendar's arithmetic, loaded once per round."""

    def __init__(self) -> None:
        self.default_id = calendar_hours.default_calendar_id()
        self.loaded: dict[int, BusinessHours] = {}

    def of(self, calendar_id: int | None) -> BusinessHours | None:
        calendar_id = calendar_id if calendar_id is not None else self.default_id
        if calendar_id is None:
            return None
        if calendar_id not in self.loaded:
            self.loaded[calendar_id] = calendar_hours.hours_of(calendar_id)
        return self.loaded[calendar_id]


def sla_thresholds_check(*, now: dt.datetime) -> tuple[int, int]:
    """Record and announce the near and breached targets of the cases whose check time has come;
    returns (near, breached) events written."""
    book = PolicyBook()
    calendars = _Calendars()
    near_count = breached_count = 0
    while True:
        with transaction.atomic():
            found = list(
                Case.objects.select_for_update(skip_locked=True)
                .filter(sla_check_at__lte=now, status__in=list(OPEN_STATUSES))
                .order_by("sla_check_at", "id")
                .values_list(*READ, "number", "subject", "assignee_id", "queue__manager_id")[:BATCH]
            )
            if not found:
                return near_count, breached_count
            rows = {row[0]: (CaseRow(*row[: len(READ)]), row[len(READ) :]) for row in found}
            pauses = pauses_of(list(rows))
            recorded = set(
                SlaEvent.objects.filter(case_id__in=list(rows)).values_list("case_id", "target", "kind", "started_at")
            )
            events: list[SlaEvent] = []
            updates: list[Case] = []
            tell: list[tuple[list[int], str, dict[str, Any]]] = []
            for case_id, (row, (number, subject, assignee_id, manager_id)) in rows.items():
                hours = calendars.of(book.queue_calendars.get(row.queue_id) if row.queue_id else None)
                if hours is None:
                    updates.append(Case(pk=case_id, sla_check_at=None, is_breached=False))
                    continue
                _policy, clocks = row_clocks(row, book=book, hours=hours, pauses=pauses.get(case_id, []), at=now)
                running = [clock for clock in clocks.clocks if clock.is_running] if clocks.next_due else []
                data = {"number": number, "subject": subject, "url": case_url(case_id)}
                for clock in running:
                    for kind, moment in ((NEAR, clock.near_at), (BREACHED, clock.due)):
                        if moment > now or (case_id, clock.target, kind, clock.started_at) in recorded:
                            continue
                        to_manager = kind == BREACHED and assignee_id is None
                        told = [assignee_id] if assignee_id else [manager_id] if to_manager and manager_id else []
                        events.append(
                            SlaEvent(
                                case_id=case_id,
                                target=clock.target,
                                kind=kind,
                                started_at=clock.started_at,
                                due=clock.due,
                                at=now,
                                notified=told,
                                escalated_at=now if to_manager else None,
                                manager_notified=bool(to_manager and manager_id),
                            )
                        )
                        if told:
                            tell.append((told, "case_near" if kind == NEAR else "case_breached", data))
                ahead = [moment for clock in running for moment in (clock.near_at, clock.due) if moment > now]
                updates.append(Case(pk=case_id, sla_check_at=min(ahead, default=None), is_breached=clocks.is_breached))
            SlaEvent.objects.bulk_create(events)
            Case.objects.bulk_update(updates, ["sla_check_at", "is_breached"])
            for recipients, kind, data in tell:
                activities_services.notification_notify(recipient_ids=recipients, kind=kind, data=data)
            near_count += sum(event.kind == NEAR for event in events)
            breached_count += sum(event.kind == BREACHED for event in events)


def sla_escalate(*, now: dt.datetime) -> int:
    """Tell the queue's manager of each breach the assignee has not put right within the delay;
    returns how many managers' notifications were written. A breach whose case is no longer past its
    target (answered, solved) is settled without telling anyone."""
    told = 0
    while True:
        with transaction.atomic():
            waiting = list(
                SlaEvent.objects.select_for_update(skip_locked=True)
                .filter(kind=BREACHED, escalated_at__isnull=True, at__lte=now - escalation_delay())
                .order_by("at", "id")
                .values_list(
                    "id", "case_id", "case__is_breached", "case__status", "case__queue__manager_id",
                    "case__number", "case__subject",
                )[:BATCH]
            )
            if not waiting:
                return told
            notified: list[int] = []
            for event_id, case_id, is_breached, status, manager_id, number, subject in waiting:
                if is_breached and status in OPEN_STATUSES and manager_id is not None:
                    activities_services.notification_notify(
                        recipient_ids=[manager_id],
                        kind="case_breached",
                        data={"number": number, "subject": subject, "url": case_url(case_id)},
                    )
                    notified.append(event_id)
            SlaEvent.objects.filter(pk__in=notified).update(escalated_at=now, manager_notified=True)
            SlaEvent.objects.filter(pk__in=[row[0] for row in waiting]).exclude(pk__in=notified).update(escalated_at=now)
            told += len(notified)
