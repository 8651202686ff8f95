"""The service KPI dashboard's figures: for the closed days of the period from the daily roll-up
(:mod:`lojal.cases.kpi_rollup`), for today and days not rolled up from the cases, added up; what
depends on now (unanswered past the due time, the backlog) from the cases. What each figure counts is
written beside it and in docs/cases.md; the test tests/cases/test_kpis.py recomputes every one from
the raw cases and compares, through the roll-up and without it.

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases.kpi_rollup import day_window, opened_figures, ranges, solved_figures, with_hour
from lojal.cases.kpi_tables import HOURS, KpiDay, KpiMinutes, KpiOpened, KpiSolved
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


def _spread(histogram: Counter[int]) -> Spread:
    """Median and 90th percentile (nearest rank) of business minutes given as minutes -> cases."""
    count = sum(histogram.values())
    if not count:
        return Spread(0, None, None)
    ordered = sorted(histogram.items())

    def at(share: float) -> float:
        rank, seen = nearest_rank(count, share), 0
        for minutes, cases in ordered:
            seen += cases
            if seen >= rank:
                return round(minutes / 60, 2)
        raise AssertionError("rank beyond the count")  # pragma: no cover

    return Spread(count, at(0.5), at(0.9))


def _during(column: str, runs: list[tuple[dt.date, dt.date]]) -> Q:
    """``column`` within one of the runs of local days."""
    condition = Q(pk__in=[])
    for first, last in runs:
        start, after = day_window(first, last)
        condition |= Q(**{f"{column}__gte": start, f"{column}__lt": after})
    return condition


def _key(filters: KpiFilters) -> Q:
    """The filters on a roll-up table (keyed like the cases)."""
    condition = Q()
    if filters.queue_id is not None:
        condition &= Q(queue_id=filters.queue_id)
    if filters.channel:
        condition &= Q(channel=filters.channel)
    if filters.vip_tier:
        condition &= Q(vip_rank=VIP_RANK.get(filters.vip_tier, -1))
    return condition


def _labelled(
    rows: Iterable[tuple[int | None, int]], names: dict[int, str], empty: str
) -> list[tuple[str, int]]:
    return sorted(
        ((names.get(key, empty) if key is not None else empty, count) for key, count in rows),
        key=lambda row: (-row[1], row[0]),
    )


def rolled_days(filters: KpiFilters, now: dt.datetime) -> tuple[set[dt.date], list[tuple[dt.date, dt.date]]]:
    """The days of the period read from the roll-up (closed days it holds) and the runs of the other
    days (today, the future, days not rolled up yet), read from the cases."""
    last_closed = min(filters.end, timezone.localdate(now) - dt.timedelta(days=1))
    rolled = set(
        KpiDay.objects.filter(day__gte=filters.start, day__lte=last_closed).values_list("day", flat=True)
    )
    live = [
        filters.start + dt.timedelta(days=offset)
        for offset in range((filters.end - filters.start).days + 1)
        if filters.start + dt.timedelta(days=offset) not in rolled
    ]
    return rolled, ranges(live)


def service_kpis(
    *, filters: KpiFilters, now: dt.datetime | None = None, rolled_up: bool = True
) -> ServiceKpis:
    """Every figure of the dashboard for ``filters`` (see the module's docstring for what each counts):
    closed days from the daily roll-up, the other days from the cases (every day with
    ``rolled_up=False``: the figures are the same)."""
    now = now or timezone.now()
    first, after = filters.window()
    cases = filters.cases()
    if rolled_up:
        rolled, live = rolled_days(filters, now)
    else:
        rolled, live = set(), [(filters.start, filters.end)]
    key = _key(filters)
    opened_live = cases.filter(_during("opened_at", live))
    solved_live = cases.filter(_during("solved_at", live))
    kpis = ServiceKpis(filters=filters)

    channel_counts: Counter[str] = Counter()
    heat = [[0] * 24 for _ in range(7)]
    outcomes: Counter[str] = Counter()
    outcome_names = ("first_response_met", "first_response_late", "resolution_met", "resolution_late")
    hours = [f"hour{hour}" for hour in HOURS]
    if rolled:
        for row in _rows(
            KpiOpened.objects.filter(key, day__in=rolled)
            .values("day", "channel")
            .annotate(**{name: Sum(name) for name in ("opened", *outcome_names, *hours)})
        ):
            channel_counts[row["channel"]] += row["opened"]
            weekday = row["day"].isoweekday()
            for hour in HOURS:
                heat[weekday - 1][hour] += row[f"hour{hour}"]
            outcomes.update({name: row[name] for name in outcome_names})
    if live:
        zone = timezone.get_current_timezone()
        figures = opened_figures()
        for row in _rows(
            with_hour(opened_live)
            .annotate(weekday=ExtractIsoWeekDay("opened_at", tzinfo=zone))
            .values("channel", "weekday", "hour")
            .annotate(**{name: figures[name] for name in ("opened", *outcome_names)})
        ):
            channel_counts[row["channel"]] += row["opened"]
            heat[row["weekday"] - 1][row["hour"]] += row["opened"]
            outcomes.update({name: row[name] for name in outcome_names})
    labels = dict(Case.Channel.choices)
    kpis.incoming = sum(channel_counts.values())
    kpis.by_channel = sorted(
        (
            (channel, str(labels.get(channel, channel)), count)
            for channel, count in channel_counts.items()
            if count
        ),
        key=lambda row: (-row[2], row[0]),
    )
    kpis.heat = heat

    # Unanswered (unsolved) past the due time depends on now: counted from the cases of the whole
    # period, through partial indexes holding only the cases not answered (not solved).
    opened = cases.filter(opened_at__gte=first, opened_at__lt=after)
    overdue = {
        "first_response": opened.filter(first_responded_at__isnull=True, first_response_due__lt=now).count(),
        "resolution": opened.filter(solved_at__isnull=True, resolution_due__lt=now).count(),
    }
    kpis.attainment = [
        Attainment(
            target=label,
            met=outcomes[f"{name}_met"],
            missed=outcomes[f"{name}_late"] + overdue[name],
        )
        for name, label in (("first_response", _("First response")), ("resolution", _("Resolution")))
    ]

    for kind, live_cases, column, attribute in (
        (KpiMinutes.FIRST_RESPONSE, opened_live, "first_response_minutes", "first_response"),
        (KpiMinutes.RESOLUTION, solved_live, "resolution_minutes", "resolution"),
    ):
        histogram: Counter[int] = Counter()
        if rolled:
            histogram.update(
                dict(
                    KpiMinutes.objects.filter(key, kind=kind, day__in=rolled)
                    .values_list("minutes")
                    .annotate(n=Sum("cases"))
                    .values_list("minutes", "n")
                )
            )
        if live:
            histogram.update(
                dict(
                    live_cases.filter(**{f"{column}__isnull": False})
                    .values_list(column)
                    .annotate(n=Count("pk"))
                    .values_list(column, "n")
                    .order_by()
                )
            )
        setattr(kpis, attribute, _spread(histogram))

    solved_counts: Counter[str] = Counter()
    solved_by: Counter[int] = Counter()
    solved_names = list(solved_figures())
    rows: list[dict[str, Any]] = []
    if rolled:
        rows += _rows(
            KpiSolved.objects.filter(key, day__in=rolled)
            .values("assignee_id")
            .annotate(**{name: Sum(name) for name in solved_names})
        )
    if live:
        rows += _rows(solved_live.values("assignee_id").annotate(**solved_figures()).order_by())
    for row in rows:
        solved_counts.update({name: row[name] for name in solved_names})
        if row["assignee_id"] is not None and row["solved"]:
            solved_by[row["assignee_id"]] += row["solved"]
    kpis.solved, kpis.reopened = solved_counts["solved"], solved_counts["reopened"]
    kpis.promised, kpis.promises_kept = solved_counts["promised"], solved_counts["kept"]

    kpis.next_response_breaches = SlaEvent.objects.filter(
        case__in=cases,
        target=SlaEvent.Target.NEXT_RESPONSE,
        kind=SlaEvent.Kind.BREACHED,
        started_at__gte=first,
        started_at__lt=after,
    ).count()

    # The open cases now, one pass over them, read from an index alone (queue, category and opening
    # time: counted by opened_at, never null, as the id is not in that index).
    backlog = cases.filter(status__in=sorted(OPEN_STATUSES))
    ages = {
        f"age{index}": Count(
            "opened_at",
            filter=Q(opened_at__lte=now - dt.timedelta(days=low))
            & (Q() if high is None else Q(opened_at__gt=now - dt.timedelta(days=high))),
        )
        for index, (low, high) in enumerate(AGE_BUCKETS)
    }
    by_queue: Counter[int | None] = Counter()
    by_category: Counter[int | None] = Counter()
    by_age: Counter[str] = Counter()
    for row in _rows(
        backlog.values("queue_id", "category_id").annotate(n=Count("opened_at"), **ages).order_by()
    ):
        by_queue[row["queue_id"]] += row["n"]
        by_category[row["category_id"]] += row["n"]
        by_age.update({name: row[name] for name in ages})
    queues = dict(Queue.objects.values_list("pk", "name"))
    categories = dict(Category.objects.values_list("pk", "name"))
    kpis.backlog_by_queue = _labelled(by_queue.items(), queues, _("No queue"))
    kpis.backlog_by_category = _labelled(by_category.items(), categories, _("No category"))
    kpis.backlog_by_age = [
        (_age_label(low, high), by_age[f"age{index}"]) for index, (low, high) in enumerate(AGE_BUCKETS)
    ]

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


def _rows(rows: Any) -> list[dict[str, Any]]:
    """The rows of a values() query, each a dict by column (one type for the sums of every table)."""
    return list(rows)


def _age_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(days)d days or more") % {"days": low}
    if low == 0:
        return _("Under a day")
    return _("%(low)d to %(high)d days") % {"low": low, "high": high}
