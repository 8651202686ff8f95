"""Due times for many cases at once: after a calendar changes (its revision moves on), every open case
counted in it is recomputed from its facts, in chunks: one read of the cases, one of their pauses, the
arithmetic in memory, one set-based write (COPY into a temporary table and UPDATE ... FROM it on
PostgreSQL, executemany on SQLite). A case a refresh brought up to date meanwhile (it already has the new
revision) is left as the refresh wrote it, its facts being newer than those read here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg import sql

from lojal.calendars.arithmetic import BusinessHours
from lojal.cases.models import OPEN_STATUSES, Case, ClockPause
from lojal.cases.sla import hours as calendar_hours
from lojal.cases.sla.clocks import NO_CLOCKS, Clocks, Facts, Pause, clocks_compute
from lojal.cases.sla.matching import PolicyBook

CHUNK = 20_000
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
_TYPES = ("integer", "timestamptz", "timestamptz", "timestamptz", "timestamptz", "boolean", "integer", "timestamptz")


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


def pauses_of(case_ids: Sequence[int], *, open_cases_between: tuple[int, int] | None = None) -> dict[int, list[Pause]]:
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


def _chunks(condition: Q, revision: int, size: int) -> Iterator[list[CaseRow]]:
    """Stale cases in id order."""
    last = 0
    while True:
        rows = _fetch(
            Case.objects.filter(condition, id__gt=last)
            .exclude(calendar_revision=revision)
            .order_by("id")
            .values_list(*READ)[:size]
        )
        if not rows:
            return
        yield [CaseRow(*row) for row in rows]
        last = rows[-1][0]


def clocks_recompute_stale(*, at: dt.datetime | None = None, chunk: int = CHUNK) -> int:
    """Recompute the due times of every open case whose calendar revision is out of date; returns how
    many cases were written."""
    at = at or timezone.now()
    revisions = calendar_hours.calendar_revisions()
    default_id = calendar_hours.default_calendar_id()
    book: PolicyBook | None = None
    written = 0
    for calendar_id, revision in sorted(revisions.items()):
        hours: BusinessHours | None = None
        for rows in _chunks(_calendar_cases(calendar_id, default_id), revision, chunk):
            book = book or PolicyBook()
            hours = hours or calendar_hours.hours_of(calendar_id)
            pauses = pauses_of([], open_cases_between=(rows[0].id, rows[-1].id))
            values = []
            for row in rows:
                policy_id, clocks = row_clocks(row, book=book, hours=hours, pauses=pauses.get(row.id, []), at=at)
                values.append(
                    (
                        row.id,
                        policy_id,
                        clocks.first_response_due,
                        clocks.next_response_due,
                        clocks.resolution_due,
                        clocks.next_due,
                        clocks.is_breached,
                        revision,
                        clocks.check_at,
                    )
                )
            written += clocks_write(values)
    return written


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
    """COPY into a scratch table, then two UPDATEs: the cases whose due times changed get them all;
    the rest only the revision (a narrow write to no indexed column, which PostgreSQL can keep on the
    same page without touching the case table's many indexes)."""
    scratch = sql.Identifier("sla_recompute_rows")
    target = sql.Identifier(table)
    columns = [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in zip(WRITTEN, _TYPES, strict=True)
    ]
    derived = [name for name in WRITTEN if name != "calendar_revision"]
    mine = sql.SQL(", ").join(sql.SQL("c.{}").format(sql.Identifier(name)) for name in derived)
    theirs = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(name)) for name in derived)
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
                "AND c.calendar_revision <> t.calendar_revision AND ({}) IS DISTINCT FROM ({})"
            ).format(
                target,
                sql.SQL(", ").join(
                    sql.SQL("{} = t.{}").format(sql.Identifier(name), sql.Identifier(name)) for name in WRITTEN
                ),
                scratch,
                mine,
                theirs,
            )
        )
        written = cursor.rowcount
        cursor.execute(
            sql.SQL(
                "UPDATE {} AS c SET calendar_revision = t.calendar_revision FROM {} AS t "
                "WHERE c.id = t.id AND c.calendar_revision <> t.calendar_revision"
            ).format(target, scratch)
        )
        written += cursor.rowcount
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
