"""The service KPI dashboard's figures, each one query (or two) over the cases, set-based on both
databases. What each figure counts is written beside it and in docs/cases.md; the test
tests/cases/test_kpis.py recomputes every one from the raw cases and compares.

- Incoming, by channel and by weekday and hour: cases opened in the period (local time).
- First response time: cases opened in the period that have been answered, in business hours of
  their queue's calendar (stored on the case when it was answered).
- Resolution time: cases solved in the period, in business hours from opening to solving.
- Service-level attainment per target: cases opened in the period with that target whose outcome is
  known (met, or missed: answered late or still unanswered past the due time).
- Promises kept: of the cases solved in the period whose acknowledgement promised a time for the
  first answer, the share answered by then.
- Next-response breaches: how often a next-response target that started in the period went past
  its due time.
- Reopen rate: of the cases solved in the period, the share reopened at least once.
- Backlog: the open cases now, by queue, category and age.
- Per agent: cases solved in the period by their assignee, and time recorded in the period.

Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank ceil(p*n)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases.ack_selectors import promises_kept
from lojal.cases.models import OPEN_STATUSES, VIP_RANK, Case, Category, Queue, SlaEvent, TimeEntry

#: The age buckets of the backlog, in whole days since the case opened: (label, from, to) with to exclusive.
AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))


@dataclass(frozen=True)
class KpiFilters:
    """The period (first and last day, inclusive, local time) and the optional queue, channel and VIP tier."""

    start: dt.date
    end: dt.date
    queue_id: int | None = None
    channel: str = ""
    vip_tier: str = ""

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.filter(merged_into__isnull=True)
        if self.queue_id is not None:
            cases = cases.filter(queue_id=self.queue_id)
        if self.channel:
            cases = cases.filter(channel=self.channel)
        if self.vip_tier:
            cases = cases.filter(vip_rank=VIP_RANK.get(self.vip_tier, -1))
        return cases


@dataclass(frozen=True)
class Spread:
    """How long something took, in business hours: how many, the median and the 90th percentile."""

    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Attainment:
    target: str
    met: int
    missed: int

    @property
    def share(self) -> float | None:
        total = self.met + self.missed
        return self.met / total if total else None


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    solved: int
    minutes: int


@dataclass
class ServiceKpis:
    filters: KpiFilters
    incoming: int = 0
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)
    #: Seven rows (Monday first) of 24 counts (hour 0 first).
    heat: list[list[int]] = field(default_factory=list)
    first_response: Spread = Spread(0, None, None)
    resolution: Spread = Spread(0, None, None)
    attainment: list[Attainment] = field(default_factory=list)
    solved: int = 0
    reopened: int = 0
    #: Acknowledgements' promised first-answer times, for the cases solved in the period: how many
    #: promised one and how many were answered by then.
    promised: int = 0
    promises_kept: int = 0
    #: How often a next-response target (after a customer's message) went past its due time.
    next_response_breaches: int = 0
    backlog_by_queue: list[tuple[str, int]] = field(default_factory=list)
    backlog_by_category: list[tuple[str, int]] = field(default_factory=list)
    backlog_by_age: list[tuple[str, int]] = field(default_factory=list)
    agents: list[AgentRow] = field(default_factory=list)

    @property
    def promises_share(self) -> float | None:
        return self.promises_kept / self.promised if self.promised else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.solved if self.solved else None


def nearest_rank(count: int, share: float) -> int:
    """The 1-based rank of the ``share`` percentile among ``count`` sorted values."""
    return max(1, math.ceil(share * count))


def _spread(cases: QuerySet[Case], column: str) -> Spread:
    """Median and 90th percentile of a business-minutes column, by two indexed single-row reads of
    the sorted values (no rows fetched beyond them)."""
    measured = cases.filter(**{f"{column}__isnull": False})
    count = measured.count()
    if not count:
        return Spread(0, None, None)
    ordered = measured.order_by(column).values_list(column, flat=True)

    def at(share: float) -> float:
        rank = nearest_rank(count, share)
        return round(ordered[rank - 1] / 60, 2)

    return Spread(count, at(0.5), at(0.9))


def _attainment(cases: QuerySet[Case], *, target: str, due: str, done: str, now: dt.datetime) -> Attainment:
    counts = cases.filter(**{f"{due}__isnull": False}).aggregate(
        met=Count("pk", filter=Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})),
        late=Count("pk", filter=Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})),
        overdue=Count("pk", filter=Q(**{f"{done}__isnull": True, f"{due}__lt": now})),
    )
    return Attainment(target=target, met=counts["met"], missed=counts["late"] + counts["overdue"])


def _labelled(
    rows: Iterable[tuple[int | None, int]], names: dict[int, str], empty: str
) -> list[tuple[str, int]]:
    return sorted(
        ((names.get(key, empty) if key is not None else empty, count) for key, count in rows),
        key=lambda row: (-row[1], row[0]),
    )


def service_kpis(*, filters: KpiFilters, now: dt.datetime | None = None) -> ServiceKpis:
    """Every figure of the dashboard for ``filters`` (see the module's docstring for what each counts)."""
    now = now or timezone.now()
    first, after = filters.window()
    cases = filters.cases()
    opened = cases.filter(opened_at__gte=first, opened_at__lt=after)
    solved = cases.filter(solved_at__gte=first, solved_at__lt=after)
    kpis = ServiceKpis(filters=filters)

    labels = dict(Case.Channel.choices)
    channel_counts = dict(opened.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    kpis.incoming = sum(channel_counts.values())
    kpis.by_channel = sorted(
        ((channel, str(labels.get(channel, channel)), count) for channel, count in channel_counts.items()),
        key=lambda row: (-row[2], row[0]),
    )
    zone = timezone.get_current_timezone()
    heat = [[0] * 24 for _ in range(7)]
    for weekday, hour, count in (
        opened.annotate(
            weekday=ExtractIsoWeekDay("opened_at", tzinfo=zone), hour=ExtractHour("opened_at", tzinfo=zone)
        )
        .values_list("weekday", "hour")
        .annotate(n=Count("pk"))
        .values_list("weekday", "hour", "n")
    ):
        heat[weekday - 1][hour] += count
    kpis.heat = heat

    kpis.first_response = _spread(opened, "first_response_minutes")
    kpis.resolution = _spread(solved, "resolution_minutes")
    kpis.attainment = [
        _attainment(
            opened, target=_("First response"), due="first_response_due", done="first_responded_at", now=now
        ),
        _attainment(opened, target=_("Resolution"), due="resolution_due", done="solved_at", now=now),
    ]
    promises = promises_kept(first, after, cases=cases)
    kpis.promised, kpis.promises_kept = promises.promised, promises.kept
    kpis.next_response_breaches = SlaEvent.objects.filter(
        case__in=cases,
        target=SlaEvent.Target.NEXT_RESPONSE,
        kind=SlaEvent.Kind.BREACHED,
        started_at__gte=first,
        started_at__lt=after,
    ).count()
    reopen = solved.aggregate(solved=Count("pk"), reopened=Count("pk", filter=Q(reopened_count__gt=0)))
    kpis.solved, kpis.reopened = reopen["solved"], reopen["reopened"]

    backlog = cases.filter(status__in=OPEN_STATUSES)
    queues = dict(Queue.objects.values_list("pk", "name"))
    categories = dict(Category.objects.values_list("pk", "name"))
    kpis.backlog_by_queue = _labelled(
        backlog.values_list("queue_id").annotate(n=Count("pk")).values_list("queue_id", "n"),
        queues,
        _("No queue"),
    )
    kpis.backlog_by_category = _labelled(
        backlog.values_list("category_id").annotate(n=Count("pk")).values_list("category_id", "n"),
        categories,
        _("No category"),
    )
    age_counts = backlog.aggregate(
        **{
            f"age{index}": Count(
                "pk",
                filter=Q(opened_at__lte=now - dt.timedelta(days=low))
                & (Q() if high is None else Q(opened_at__gt=now - dt.timedelta(days=high))),
            )
            for index, (low, high) in enumerate(AGE_BUCKETS)
        }
    )
    kpis.backlog_by_age = [
        (_age_label(low, high), age_counts[f"age{index}"]) for index, (low, high) in enumerate(AGE_BUCKETS)
    ]

    solved_by = dict(
        solved.filter(assignee__isnull=False)
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    times = TimeEntry.objects.filter(
        spent_on__gte=filters.start, spent_on__lte=filters.end, user__isnull=False
    )
    if filters.queue_id is not None or filters.channel or filters.vip_tier:
        times = times.filter(case__in=cases)
    minutes_by = dict(times.values_list("user_id").annotate(n=Sum("minutes")).values_list("user_id", "n"))
    people = set(solved_by) | set(minutes_by)
    names = {
        user.pk: user.display_name
        for user in accounts_selectors.staff_list(active_only=False).filter(pk__in=people)
    }
    kpis.agents = sorted(
        (
            AgentRow(
                user_id=user_id,
                name=names.get(user_id, ""),
                solved=solved_by.get(user_id, 0),
                minutes=minutes_by.get(user_id, 0),
            )
            for user_id in people
        ),
        key=lambda row: (-row.solved, -row.minutes, row.name),
    )
    return kpis


def _age_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(days)d days or more") % {"days": low}
    if low == 0:
        return _("Under a day")
    return _("%(low)d to %(high)d days") % {"low": low, "high": high}
