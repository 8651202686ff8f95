"""The expected time of a new case's first answer, as the acknowledgement tells the customer. An
estimate, not the service-level promise: the open cases ahead of this one in the queue's order,
answered at the queue's recent pace (first answers per business hour of its calendar over the last
``LOJAL_ACK_PACE_DAYS`` days), from now, in the queue's business hours; rounded up to the next full or
half hour, and never later than the case's first-response due time (the SLA target). See
docs/cases.md, "Acknowledgements"."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lojal.calendars.selectors import business_hours
from lojal.cases.models import Case, Queue

#: How far back the queue's answering pace is measured, in days.
PACE_DAYS_DEFAULT = 14
#: Promised times are whole or half hours (never earlier than computed: always rounded up).
ROUND_SECONDS = 30 * 60
#: The statuses of the cases counted ahead: those waiting for the queue (not for the customer or a
#: third party, and not solved).
WAITING_STATUSES = (Case.Status.NEW, Case.Status.OPEN)


class Hours(Protocol):
    """What the estimate needs of a business calendar (lojal.calendars.arithmetic.BusinessHours)."""

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime: ...

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int: ...


class AlwaysOpen:
    """The business hours of a queue without a calendar: every minute counts."""

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        return start + dt.timedelta(minutes=minutes)

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        return max(0, int((end - start).total_seconds() // 60))


@dataclass(frozen=True)
class Estimate:
    """How the promised time came about; kept on the case (``ack_estimate``) so it can be explained."""

    ahead: int
    answered: int
    business_minutes: int
    needed_minutes: int | None
    estimated: dt.datetime | None
    sla_due: dt.datetime | None
    promised_by: dt.datetime | None
    bounded_by_sla: bool

    def as_data(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in asdict(self).items()
        }


def round_up(moment: dt.datetime) -> dt.datetime:
    """The next whole or half hour at or after ``moment`` (in every time zone whose offset is whole
    or half hours, which the Nordic ones are)."""
    seconds = moment.timestamp()
    rounded = math.ceil(seconds / ROUND_SECONDS) * ROUND_SECONDS
    return dt.datetime.fromtimestamp(rounded, tz=dt.UTC).astimezone(moment.tzinfo)


def estimate(
    *,
    now: dt.datetime,
    ahead: int,
    answered: int,
    hours: Hours,
    pace_days: int,
    sla_due: dt.datetime | None,
) -> Estimate:
    """The promised time for a case with ``ahead`` cases before it, in a queue that gave ``answered``
    first answers in the last ``pace_days`` days. The pace is answers per business minute of that
    window; this case needs (ahead + 1) answers' worth of business minutes from ``now``. Without a
    pace (no answers yet, or a window with no business time) only the SLA due time can be promised,
    and without that nothing is."""
    window = hours.minutes_between(now - dt.timedelta(days=pace_days), now)
    needed: int | None = None
    estimated: dt.datetime | None = None
    if answered > 0 and window > 0:
        needed = math.ceil((ahead + 1) * window / answered)
        estimated = hours.add_minutes(now, needed)
    promised = round_up(estimated) if estimated is not None else None
    bounded = sla_due is not None and (promised is None or promised > sla_due)
    if bounded:
        promised = sla_due
    return Estimate(
        ahead=ahead,
        answered=answered,
        business_minutes=window,
        needed_minutes=needed,
        estimated=estimated,
        sla_due=sla_due,
        promised_by=promised,
        bounded_by_sla=bounded,
    )


def cases_ahead(case: Case) -> int:
    """How many cases waiting for the same queue come before ``case`` in the queue's order (VIP tier
    first, then the next due time with none last, then the oldest: cases.selectors.queue_order)."""
    same_rank = Q(vip_rank=case.vip_rank)
    if case.next_due is None:
        before = same_rank & (Q(next_due__isnull=False) | Q(next_due__isnull=True, id__lt=case.pk))
    else:
        before = same_rank & (Q(next_due__lt=case.next_due) | Q(next_due=case.next_due, id__lt=case.pk))
    return (
        Case.objects.filter(_of_queue(case.queue_id), status__in=WAITING_STATUSES)
        .filter(Q(vip_rank__gt=case.vip_rank) | before)
        .exclude(pk=case.pk)
        .count()
    )


def first_answers_since(*, queue_id: int | None, since: dt.datetime, until: dt.datetime) -> int:
    """First answers the queue gave between ``since`` and ``until`` (its recent pace)."""
    return Case.objects.filter(
        _of_queue(queue_id), first_responded_at__gte=since, first_responded_at__lt=until
    ).count()


def _of_queue(queue_id: int | None) -> Q:
    """The cases of a queue; of none (not routed yet) when ``queue_id`` is None."""
    return Q(queue__isnull=True) if queue_id is None else Q(queue_id=queue_id)


def queue_hours(queue_id: int | None) -> tuple[Hours, str]:
    """The business hours of a queue and the time zone its times are said in: its calendar's, or
    every minute in the site's time zone when it has none."""
    calendar = (
        Queue.objects.filter(pk=queue_id).values_list("calendar_id", "calendar__time_zone").first()
        if queue_id is not None
        else None
    )
    if calendar is None or calendar[0] is None:
        return AlwaysOpen(), settings.TIME_ZONE
    return business_hours(calendar[0]), str(calendar[1])


def case_estimate(case: Case, *, now: dt.datetime | None = None) -> tuple[Estimate, str]:
    """The estimate for ``case`` now, and the time zone to say it in."""
    now = now or timezone.now()
    pace_days = int(getattr(settings, "LOJAL_ACK_PACE_DAYS", PACE_DAYS_DEFAULT))
    hours, zone = queue_hours(case.queue_id)
    answered = first_answers_since(
        queue_id=case.queue_id, since=now - dt.timedelta(days=pace_days), until=now
    )
    result = estimate(
        now=now,
        ahead=cases_ahead(case),
        answered=answered,
        hours=hours,
        pace_days=pace_days,
        sla_due=case.first_response_due,
    )
    return result, zone
