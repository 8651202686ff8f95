"""The KPI dashboard's daily roll-up, written set-based: for a range of closed local days, one
DELETE and one INSERT ... SELECT ... GROUP BY per table (the SELECT composed with the ORM, the INSERT's
head with psycopg.sql; the same on SQLite and PostgreSQL). The tables are in
:mod:`lojal.cases.kpi_tables`; the dashboard (:mod:`lojal.cases.kpis`) reads them for closed days and
the cases only for today and for days not rolled up.

The worker keeps it current (:func:`kpi_rollup_run` every ``KPI_ROLLUP_EVERY``):

- days that closed since the last run are rolled up (the first run rolls up every day there is);
- a day is recomputed when a case of it changed: every case whose ``updated_at`` is after the last
  roll-up (less a margin for transactions still open then) marks the day it opened and the day it
  was solved; a reopened case that is not solved now marks every day from its opening to yesterday,
  as the day it had been solved on is no longer on the case;
- once a day (the run that rolls up yesterday) the last ``KPI_RECOMPUTE_DAYS`` days are recomputed
  whatever changed, for what no ``updated_at`` shows (a case deleted, a bulk change without it).

So a past day's figures follow a change within one round. ``lojal kpi_rollup`` runs a round by hand,
``--days FROM TO`` recomputes a range, ``--schedule`` books the chain (``lojal run`` does)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet, Value
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django_tasks import task

from lojal.cases.kpi_tables import HOURS, KpiDay, KpiMinutes, KpiOpened, KpiSolved
from lojal.cases.models import Case
from lojal.core.periodic import periodic_book

KPI_ROLLUP_EVERY = dt.timedelta(minutes=10)
#: Days recomputed every night whatever changed.
KPI_RECOMPUTE_DAYS = 7
#: Changes looked for from this long before the last roll-up: a transaction open during it commits later.
CHANGE_MARGIN = dt.timedelta(minutes=15)
#: The longest range one INSERT ... SELECT covers (the first run over years of cases goes by months).
CHUNK_DAYS = 31

KEY = ("queue_id", "channel", "vip_rank")


def day_window(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of local day ``first`` to the start of the day after ``last``."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def counted_cases() -> QuerySet[Case]:
    """The cases the dashboard counts (a case merged into another counts as that one)."""
    return Case.objects.filter(merged_into__isnull=True)


def opened_figures() -> dict[str, Any]:
    """The aggregates of :class:`KpiOpened` over cases (annotated with ``hour``, the local hour opened)."""
    figures: dict[str, Any] = {
        "opened": Count("pk"),
        "first_response_met": Count(
            "pk", filter=Q(first_response_due__isnull=False, first_responded_at__lte=F("first_response_due"))
        ),
        "first_response_late": Count(
            "pk", filter=Q(first_response_due__isnull=False, first_responded_at__gt=F("first_response_due"))
        ),
        "resolution_met": Count(
            "pk", filter=Q(resolution_due__isnull=False, solved_at__lte=F("resolution_due"))
        ),
        "resolution_late": Count(
            "pk", filter=Q(resolution_due__isnull=False, solved_at__gt=F("resolution_due"))
        ),
    }
    for hour in HOURS:
        figures[f"hour{hour}"] = Count("pk", filter=Q(hour=hour))
    return figures


def solved_figures() -> dict[str, Any]:
    """The aggregates of :class:`KpiSolved` (promises as in ack_selectors.promises_kept)."""
    promised = Q(status__in=[Case.Status.SOLVED, Case.Status.CLOSED], promised_by__isnull=False)
    return {
        "solved": Count("pk"),
        "reopened": Count("pk", filter=Q(reopened_count__gt=0)),
        "promised": Count("pk", filter=promised),
        "kept": Count("pk", filter=promised & Q(first_responded_at__lte=F("promised_by"))),
    }


def with_hour(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.annotate(hour=ExtractHour("opened_at", tzinfo=timezone.get_current_timezone()))


def _insert_select(model: Any, columns: list[str], rows: QuerySet[Any]) -> int:
    """INSERT INTO model's table (columns) <the SELECT of ``rows``, a values_list in that order>."""
    statement, params = rows.query.sql_with_params()
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        from psycopg import sql

        connection.ensure_connection()
        head = (
            sql.SQL("INSERT INTO {} ({}) ")
            .format(sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(column) for column in columns))
            .as_string(connection.connection)
        )
    else:
        quote = connection.ops.quote_name
        head = f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
    with connection.cursor() as cursor:
        cursor.execute(head + statement, params)
        return int(cursor.rowcount)


def kpi_rollup_days(*, first: dt.date, last: dt.date, now: dt.datetime | None = None) -> int:
    """Recompute the roll-up of local days ``first`` to ``last`` (only days before today count);
    the number of days written."""
    now = now or timezone.now()
    last = min(last, timezone.localdate(now) - dt.timedelta(days=1))
    written = 0
    while first <= last:
        chunk_last = min(last, first + dt.timedelta(days=CHUNK_DAYS - 1))
        _rollup_range(first, chunk_last)
        written += (chunk_last - first).days + 1
        first = chunk_last + dt.timedelta(days=1)
    return written


def _rollup_range(first: dt.date, last: dt.date) -> None:
    # Stamped with the clock before reading: a case saved from here on is found changed in the next round.
    stamp = timezone.now()
    zone = timezone.get_current_timezone()
    start, after = day_window(first, last)
    cases = counted_cases()
    opened = with_hour(cases.filter(opened_at__gte=start, opened_at__lt=after)).annotate(
        local_day=TruncDate("opened_at", tzinfo=zone)
    )
    solved = cases.filter(solved_at__gte=start, solved_at__lt=after).annotate(
        local_day=TruncDate("solved_at", tzinfo=zone)
    )
    opened_columns = list(opened_figures())
    solved_columns = list(solved_figures())
    with transaction.atomic():
        for model in (KpiOpened, KpiSolved, KpiMinutes):
            model.objects.filter(day__gte=first, day__lte=last).delete()
        _insert_select(
            KpiOpened,
            ["day", *KEY, *opened_columns],
            opened.values("local_day", *KEY)
            .annotate(**opened_figures())
            .values_list("local_day", *KEY, *opened_columns)
            .order_by(),
        )
        _insert_select(
            KpiSolved,
            ["day", *KEY, "assignee_id", *solved_columns],
            solved.values("local_day", *KEY, "assignee_id")
            .annotate(**solved_figures())
            .values_list("local_day", *KEY, "assignee_id", *solved_columns)
            .order_by(),
        )
        for kind, measured, column in (
            (KpiMinutes.FIRST_RESPONSE, opened, "first_response_minutes"),
            (KpiMinutes.RESOLUTION, solved, "resolution_minutes"),
        ):
            _insert_select(
                KpiMinutes,
                ["day", *KEY, "minutes", "kind", "cases"],
                measured.filter(**{f"{column}__isnull": False})
                .values("local_day", *KEY, column)
                .annotate(kind=Value(kind), cases=Count("pk"))
                .values_list("local_day", *KEY, column, "kind", "cases")
                .order_by(),
            )
        KpiDay.objects.bulk_create(
            [
                KpiDay(day=first + dt.timedelta(days=offset), computed_at=stamp)
                for offset in range((last - first).days + 1)
            ],
            update_conflicts=True,
            unique_fields=["day"],
            update_fields=["computed_at"],
        )


@dataclass(frozen=True)
class RollupRound:
    days: int
    changed_cases: int


def kpi_rollup_run(*, now: dt.datetime | None = None) -> RollupRound:
    """One round of the worker (see the module's docstring): the days closed since, the days whose
    cases changed, and once a day the last ``KPI_RECOMPUTE_DAYS`` days."""
    now = now or timezone.now()
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    latest = KpiDay.objects.order_by("-day").values_list("day", "computed_at").first()
    days: set[dt.date] = set()
    changed = 0
    if latest is None:
        oldest = counted_cases().aggregate(first=Min("opened_at"))["first"]
        if oldest is not None:
            days.update(_days(timezone.localdate(oldest), yesterday))
    else:
        since = (
            KpiDay.objects.order_by("-computed_at").values_list("computed_at", flat=True)[0] - CHANGE_MARGIN
        )
        days.update(_days(latest[0] + dt.timedelta(days=1), yesterday))
        if latest[0] < yesterday:  # the first round after midnight
            days.update(_days(yesterday - dt.timedelta(days=KPI_RECOMPUTE_DAYS - 1), yesterday))
        for opened_at, solved_at, reopened in (
            counted_cases()
            .filter(updated_at__gte=since)
            .values_list("opened_at", "solved_at", "reopened_count")
            .iterator()
        ):
            changed += 1
            opened_day = timezone.localdate(opened_at)
            if solved_at is not None:
                days.add(timezone.localdate(solved_at))
                days.add(opened_day)
            elif reopened:
                days.update(_days(opened_day, yesterday))
            else:
                days.add(opened_day)
        # A case merged into another since is no longer counted: its days too.
        for opened_at, solved_at in Case.objects.filter(
            updated_at__gte=since, merged_into__isnull=False
        ).values_list("opened_at", "solved_at"):
            changed += 1
            days.update(timezone.localdate(moment) for moment in (opened_at, solved_at) if moment is not None)
    written = 0
    for first, last in ranges(day for day in days if day <= yesterday):
        written += kpi_rollup_days(first=first, last=last, now=now)
    return RollupRound(days=written, changed_cases=changed)


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as runs of consecutive days, each (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def kpi_rollup_schedule() -> bool:
    """Book the next round unless one is waiting; False when the task backend cannot defer."""
    return periodic_book(kpi_rollup_task, run_after=timezone.now() + KPI_ROLLUP_EVERY)


@task()
def kpi_rollup_task() -> str:
    """One round of the roll-up, then the next one booked."""
    kpi_rollup_schedule()
    result = kpi_rollup_run()
    return f"days={result.days} changed={result.changed_cases}"
