"""Reads about the clocks for reports and the case page: each pause with who paused and resumed it, and
the paused time per case (wall-clock and in the business time of the case's calendar), counting the
waiting statuses only (the time a case lay solved is not waiting time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from lojal.cases.models import PAUSED_STATUSES, Case, ClockPause
from lojal.cases.sla import hours as calendar_hours


@dataclass(frozen=True, slots=True)
class PausedTime:
    """How long a case's clocks stood still waiting (for the customer or a third party)."""

    pauses: int
    wall: dt.timedelta
    business: dt.timedelta
    #: The clocks stand still now (the last pause is open; its time so far is counted).
    is_paused: bool


NOTHING_PAUSED = PausedTime(0, dt.timedelta(0), dt.timedelta(0), False)


def case_pause_list(*, case_id: int) -> QuerySet[ClockPause]:
    """A case's pauses in time order, with who paused and who resumed them."""
    return (
        ClockPause.objects.filter(case_id=case_id)
        .select_related("paused_by", "resumed_by")
        .order_by("paused_at", "id")
    )


def cases_paused_time(*, case_ids: Iterable[int], at: dt.datetime | None = None) -> dict[int, PausedTime]:
    """The paused time of each case in ``case_ids`` up to ``at`` (default now); cases never paused
    are answered with :data:`NOTHING_PAUSED`. Two queries, and the arithmetic once per calendar."""
    at = at or timezone.now()
    ids = list(dict.fromkeys(case_ids))
    calendars = dict(Case.objects.filter(pk__in=ids).values_list("pk", "queue__calendar_id"))
    default_id = calendar_hours.default_calendar_id()
    hours: dict[int, calendar_hours.BusinessHours] = {}
    totals: dict[int, PausedTime] = {case_id: NOTHING_PAUSED for case_id in ids}
    rows = (
        ClockPause.objects.filter(case_id__in=ids, status__in=list(PAUSED_STATUSES))
        .order_by("case_id", "paused_at")
        .values_list("case_id", "paused_at", "resumed_at")
    )
    for case_id, paused_at, resumed_at in rows:
        end = min(resumed_at or at, at)
        if end <= paused_at:
            continue
        calendar_id = calendars.get(case_id) or default_id
        business = dt.timedelta(0)
        if calendar_id is not None:
            if calendar_id not in hours:
                hours[calendar_id] = calendar_hours.hours_of(calendar_id)
            business = hours[calendar_id].business_time_between(paused_at, end)
        was = totals[case_id]
        totals[case_id] = PausedTime(
            pauses=was.pauses + 1,
            wall=was.wall + (end - paused_at),
            business=was.business + business,
            is_paused=resumed_at is None,
        )
    return totals
