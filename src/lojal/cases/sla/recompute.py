"""Due times for many cases at once: after a calendar changes (its revision moves on), every open case
counted in it is recomputed from its facts, in chunks: one read of the cases, one of their pauses, the
arithmetic in memory, and one set-based write of the cases whose due times came out different (COPY
into a temporary table and UPDATE ... FROM it on PostgreSQL, executemany on SQLite); the cases whose
due times are the same are not written (``SlaCalendarState`` records that the calendar's revision is
done). A case a refresh brought up to date meanwhile (it already has the new
revision) is left as the refresh wrote it, its facts being newer than those read here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from psycopg import sql

from lojal.calendars.arithmetic import EPOCH, BusinessHours
from lojal.cases.models import OPEN_STATUSES, Case, ClockPause, SlaCalendarState
from lojal.cases.sla import batch
from lojal.cases.sla import hours as calendar_hours
from lojal.cases.sla.clocks import NO_CLOCKS, Clocks, Facts, Pause, clocks_compute
from lojal.cases.sla.matching import PolicyBook, Targets

CHUNK = 20_000
_MICROSECOND = dt.timedelta(microseconds=1)
#: The facts the clocks read, in this order.
READ = (
    "id",
    "queue_id",
    "category_id",
    "priority",
    "vip_rank",
    "status",
    "opened_at",
    "first_responded_at",
    "customer_wrote_at",
    "answered_at",
    "solved_at",
)
#: The columns written, in this order (after the id).
WRITTEN = (
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "is_breached",
    "calendar_revision",
    "sla_check_at",
)
#: What a case holds now of what the recompute derives (compared, to write only what changed), and
#: its revision (0: never computed).
STORED = (
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "is_breached",
    "sla_check_at",
    "calendar_revision",
)
_TYPES = (
    "integer",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "boolean",
    "integer",
    "timestamptz",
)


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    queue_id: int | None
    category_id: int | None
    priority: str
    vip_rank: int
    status: str
    opened_at: dt.datetime
    first_responded_at: dt.datetime | None
    customer_wrote_at: dt.datetime | None
    answered_at: dt.datetime | None
    solved_at: dt.datetime | None


def pauses_of(
    case_ids: Sequence[int], *, open_cases_between: tuple[int, int] | None = None
) -> dict[int, list[Pause]]:
    """The pauses of ``case_ids``, each case's in time order. For a long run of ids, the pauses of
    the open cases with ids between two bounds are read instead (one range scan, no long id list)."""
    found: dict[int, list[Pause]] = defaultdict(list)
    if open_cases_between is not None:
        first, last = open_cases_between
        selection = ClockPause.objects.filter(
            case_id__gte=first, case_id__lte=last, case__status__in=list(OPEN_STATUSES)
        )
    else:
        selection = ClockPause.objects.filter(case_id__in=case_ids)
    rows = selection.order_by("case_id", "paused_at", "id").values_list("case_id", "paused_at", "resumed_at")
    for case_id, paused_at, resumed_at in _fetch(rows):
        found[case_id].append((paused_at, resumed_at))
    return found


def row_clocks(
    row: CaseRow, *, book: PolicyBook, hours: BusinessHours, pauses: list[Pause], at: dt.datetime
) -> tuple[int | None, Clocks]:
    targets = book.match(
        queue_id=row.queue_id, category_id=row.category_id, priority=row.priority, vip_rank=row.vip_rank
    )
    if targets is None:
        return None, NO_CLOCKS
    facts = Facts(
        opened_at=row.opened_at,
        is_open=row.status in OPEN_STATUSES,
        first_responded_at=row.first_responded_at,
        customer_wrote_at=row.customer_wrote_at,
        answered_at=row.answered_at,
        solved_at=row.solved_at,
        pauses=pauses,
    )
    return targets.policy_id, clocks_compute(hours, targets, facts, at=at)


def _calendar_cases(calendar_id: int, default_id: int | None) -> Q:
    """Open cases counted in calendar ``calendar_id``: their queue's, or the default for none."""
    condition = Q(queue__calendar_id=calendar_id)
    if calendar_id == default_id:
        condition |= Q(queue__isnull=True) | Q(queue__calendar__isnull=True)
    return condition & Q(status__in=list(OPEN_STATUSES))


def _fetch(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of ``queryset`` (a values_list): on PostgreSQL through a binary cursor, as parsing
    timestamps from text costs more than all the arithmetic of a recompute."""
    if connection.vendor != "postgresql":
        return list(queryset)
    statement, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor(binary=True) as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _chunks(condition: Q, size: int) -> Iterator[list[tuple[CaseRow, tuple[Any, ...]]]]:
    """The open cases of a calendar in id order, each with the derived values it has now."""
    last = 0
    width = len(READ)
    while True:
        rows = _fetch(
            Case.objects.filter(condition, id__gt=last).order_by("id").values_list(*READ, *STORED)[:size]
        )
        if not rows:
            return
        yield [(CaseRow(*row[:width]), tuple(row[width:])) for row in rows]
        last = rows[-1][0]


def clocks_recompute_stale(
    *, at: dt.datetime | None = None, chunk: int = CHUNK, workers: int | None = None
) -> int:
    """Recompute the due times of the open cases of every calendar whose revision moved on since the
    last recompute; returns how many cases were written (those whose due times changed).

    On PostgreSQL, outside a transaction, the cases are split into ``workers`` id ranges (setting
    ``SLA_RECOMPUTE_WORKERS``, default 2) recomputed at once, each on its own connection: the chunks
    are independent, and the UPDATE of one range runs in the server while another is read and
    computed. Elsewhere (SQLite, inside a transaction) one range, in this connection."""
    at = at or timezone.now()
    revisions = calendar_hours.calendar_revisions()
    done = dict(SlaCalendarState.objects.values_list("calendar_id", "revision"))
    default_id = calendar_hours.default_calendar_id()
    if workers is None:
        workers = int(getattr(settings, "SLA_RECOMPUTE_WORKERS", 2))
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        workers = 1
    written = 0
    for calendar_id, revision in sorted(revisions.items()):
        if done.get(calendar_id) == revision:
            continue
        cases = _calendar_cases(calendar_id, default_id)
        bounds = Case.objects.filter(cases).aggregate(first=Min("id"), last=Max("id"))
        if bounds["first"] is not None:
            job = _Job(
                cases=cases,
                book=PolicyBook(),
                hours=calendar_hours.hours_of(calendar_id),
                at=at,
                revision=revision,
                chunk=chunk,
            )
            ranges = _id_ranges(bounds["first"], bounds["last"], max(workers, 1))
            if len(ranges) == 1:
                written += job.run(ranges[0])
            else:
                with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
                    written += sum(pool.map(job.run_on_own_connection, ranges))
        SlaCalendarState.objects.update_or_create(
            calendar_id=calendar_id, defaults={"revision": revision, "recomputed_at": at}
        )
    return written


def _id_ranges(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """``first``..``last`` cut into up to ``parts`` consecutive ranges of about equal width."""
    width = max(1, -(-(last - first + 1) // parts))
    return [(low, min(low + width - 1, last)) for low in range(first, last + 1, width)]


@dataclass(frozen=True, slots=True)
class _Job:
    """One calendar's recompute, for one id range at a time."""

    cases: Q
    book: PolicyBook
    hours: BusinessHours
    at: dt.datetime
    revision: int
    chunk: int

    def run(self, bounds: tuple[int, int]) -> int:
        written = 0
        first, last = bounds
        for rows in _chunks(self.cases & Q(id__gte=first, id__lte=last), self.chunk):
            pauses = pauses_of([], open_cases_between=(rows[0][0].id, rows[-1][0].id))
            changes = chunk_changes(
                rows, book=self.book, hours=self.hours, pauses=pauses, at=self.at, revision=self.revision
            )
            written += clocks_write(changes)
        return written

    def run_on_own_connection(self, bounds: tuple[int, int]) -> int:
        """:meth:`run` in a worker thread (Django gives it its own connection, closed here)."""
        try:
            return self.run(bounds)
        finally:
            connection.close()


def _instant(moment: dt.datetime | None) -> int | None:
    return None if moment is None else _microseconds(moment)


def _microseconds(moment: dt.datetime) -> int:
    return (moment - EPOCH) // _MICROSECOND


def _moment(value: int | None) -> dt.datetime | None:
    return None if value is None else EPOCH + dt.timedelta(microseconds=value)


def _values(column: batch.Column) -> list[int | None]:
    return [
        value if known else None
        for value, known in zip(column.at.tolist(), column.known.tolist(), strict=True)
    ]


def chunk_changes(
    rows: Sequence[tuple[CaseRow, tuple[Any, ...]]],
    *,
    book: PolicyBook,
    hours: BusinessHours,
    pauses: dict[int, list[Pause]],
    at: dt.datetime,
    revision: int,
) -> list[tuple[Any, ...]]:
    """The (id, *WRITTEN) rows of the cases in ``rows`` (each with what it holds now, ``STORED``)
    whose derived values come out different in the calendar ``hours`` at ``revision``, or that were
    never computed. The arithmetic is :func:`lojal.cases.sla.batch.clocks_batch`, over all at once."""
    matched: dict[tuple[int | None, int | None, str, int], Targets | None] = {}
    targets: list[Targets | None] = []
    for row, _stored in rows:
        key = (row.queue_id, row.category_id, row.priority, row.vip_rank)
        if key not in matched:
            matched[key] = book.match(
                queue_id=row.queue_id,
                category_id=row.category_id,
                priority=row.priority,
                vip_rank=row.vip_rank,
            )
        targets.append(matched[key])
    cases = [row for row, _stored in rows]
    facts = batch.CaseFacts(
        opened=np.array([_microseconds(row.opened_at) for row in cases], dtype=np.int64),
        is_open=np.array([row.status in OPEN_STATUSES for row in cases], dtype=np.bool_),
        first_responded=batch.Column.of([_instant(row.first_responded_at) for row in cases]),
        customer_wrote=batch.Column.of([_instant(row.customer_wrote_at) for row in cases]),
        answered=batch.Column.of([_instant(row.answered_at) for row in cases]),
        solved=batch.Column.of([_instant(row.solved_at) for row in cases]),
        pauses=batch.Pauses.of(
            [
                [(_microseconds(began), _instant(ended)) for began, ended in pauses.get(row.id, ())]
                for row in cases
            ]
        ),
    )
    policies = batch.Policies(
        first_response=batch.Column.of([each.first_response if each else None for each in targets]),
        next_response=batch.Column.of([each.next_response if each else None for each in targets]),
        resolution=batch.Column.of([each.resolution if each else None for each in targets]),
        near_percent=np.array([each.near_percent if each else 0 for each in targets], dtype=np.int64),
    )
    moments = [facts.opened, facts.pauses.paused[facts.pauses.present]]
    earliest = int(min(values.min() for values in moments if len(values))) if len(cases) else 0
    clocks = batch.clocks_batch(hours.positions(earliest), policies, facts, at=_instant(at) or 0)
    derived = zip(
        [each.policy_id if each else None for each in targets],
        _values(clocks.first_response_due),
        _values(clocks.next_response_due),
        _values(clocks.resolution_due),
        _values(clocks.next_due),
        clocks.is_breached.tolist(),
        _values(clocks.check_at),
        strict=True,
    )
    changed = []
    for (row, stored), values in zip(rows, derived, strict=True):
        now = (*stored[:1], *(_instant(each) for each in stored[1:5]), stored[5], _instant(stored[6]))
        if values != now or stored[-1] == 0:
            policy_id, *dues, is_breached, check_at = values
            changed.append((row.id, policy_id, *map(_moment, dues), is_breached, revision, _moment(check_at)))
    return changed


def clocks_write(values: Iterable[tuple[Any, ...]]) -> int:
    """Write (id, *WRITTEN) rows onto the cases, except those a refresh brought up to date meanwhile
    (their revision is already the new one: their facts may be newer than those read here)."""
    rows = list(values)
    if not rows:
        return 0
    table = Case._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _write_postgresql(table, rows)
        return _write_sqlite(table, rows)


def _write_postgresql(table: str, rows: list[tuple[Any, ...]]) -> int:
    """COPY into a scratch table, then one UPDATE ... FROM it."""
    scratch = sql.Identifier("sla_recompute_rows")
    columns = [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
        for name, kind in zip(WRITTEN, _TYPES, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TEMPORARY TABLE {} (id bigint PRIMARY KEY, {}) ON COMMIT DROP").format(
                scratch, sql.SQL(", ").join(columns)
            )
        )
        with cursor.cursor.copy(sql.SQL("COPY {} FROM STDIN").format(scratch)) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(sql.SQL("ANALYZE {}").format(scratch))
        cursor.execute(
            sql.SQL(
                "UPDATE {} AS c SET {} FROM {} AS t WHERE c.id = t.id "
                "AND c.calendar_revision <> t.calendar_revision"
            ).format(
                sql.Identifier(table),
                sql.SQL(", ").join(
                    sql.SQL("{} = t.{}").format(sql.Identifier(name), sql.Identifier(name))
                    for name in WRITTEN
                ),
                scratch,
            )
        )
        written = cursor.rowcount
        cursor.execute(sql.SQL("DROP TABLE {}").format(scratch))
    return written


def _write_sqlite(table: str, rows: list[tuple[Any, ...]]) -> int:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in WRITTEN)
    statement = (
        f"UPDATE {quote(table)} SET {assignments} "
        f"WHERE {quote('id')} = %s AND {quote('calendar_revision')} <> %s"
    )
    adapt = connection.ops.adapt_datetimefield_value

    def value(item: Any) -> Any:
        return adapt(item) if isinstance(item, dt.datetime) else item

    revision_at = 1 + WRITTEN.index("calendar_revision")
    params = [[value(item) for item in row[1:]] + [row[0], row[revision_at]] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)
        return max(cursor.rowcount, 0)
