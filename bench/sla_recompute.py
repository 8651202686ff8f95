"""Recompute the due times of every open case after a calendar change: build N cases (a share open)
set-based on PostgreSQL (one INSERT ... SELECT over generate_series, pauses the same way), queues and
policies on the shipped Swedish calendar, then change that calendar through its service (a closed
day) and time ``clocks_recompute_stale`` (the worker's step) bringing every open case up to date."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time
from typing import Any

from bench.customers import _load_average, _say
from bench.databases import RESULTS, bench_database, lojal_command
from bench.loading import django_setup
from bench.report import commit, machine

DATABASE_NAME = "lojal_bench_sla"
QUEUES = 16


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "sla-recompute",
        help="Time the recompute of every open case's due times after a calendar change (PostgreSQL).",
    )
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--open-share", type=int, default=10, help="one case in this many is open (default 10)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="calendar changes, each timed")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")


def run(args: argparse.Namespace) -> int:
    database = bench_database("postgres", args.database_name)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    facts: dict[str, str] = {"load average before": _load_average()}
    timings: list[tuple[str, int, float]] = []
    try:
        if not args.reuse:
            _say(f"Creating PostgreSQL database {args.database_name} and migrating it")
            database.create()
            lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        if not args.reuse:
            started = time.monotonic()
            _build(args)
            facts["build (set-based INSERT ... SELECT)"] = f"{time.monotonic() - started:,.1f} s"
            started = time.monotonic()
            first = _recompute()
            facts["first compute of every open case (revision 0)"] = (
                f"{first:,} cases in {time.monotonic() - started:,.1f} s"
            )
        facts.update(_counts())
        facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
        for number in range(args.repeats):
            change = _calendar_change(number)
            facts[f"load average before change {number + 1}"] = _load_average()
            started = time.monotonic()
            written = _recompute()
            timings.append((change, written, time.monotonic() - started))
            _say(f"change {number + 1} ({change}): {written:,} cases in {timings[-1][2]:.2f} s")
        facts["load average after"] = _load_average()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            database.drop()
    report = _report(args, database.describe(), facts, timings)
    print()
    print(report)
    path = RESULTS / f"sla-recompute-{args.cases}.md"
    path.write_text(report + "\n")
    return 0


def _build(args: argparse.Namespace) -> None:
    """Queues, policies, categories and the cases with their pauses, in a few set-based statements."""
    from django.db import connection, transaction
    from psycopg import sql

    from lojal.calendars import selectors as calendar_selectors
    from lojal.cases.models import Case, Category, ClockPause, Queue, SlaPolicy

    sweden = (
        calendar_selectors.calendar_list(country="SE")
        .filter(is_shipped=True)
        .values_list("pk", flat=True)
        .first()
    )
    queues = [Queue.objects.create(name=f"Bench queue {n}", calendar_id=sweden).pk for n in range(QUEUES)]
    parent = Category.objects.create(name="Bench invoices")
    categories = [Category.objects.create(name=f"Bench {n}", parent=parent).pk for n in range(8)]
    # name, position, what it matches, minutes to the first response, the next response, resolution
    policies = (
        ("Urgent", 0, {"priority": "urgent"}, (30, 30, 240)),
        ("Platinum", 1, {"vip_tier": "platinum"}, (60, 60, 480)),
        ("Invoices", 2, {"category": parent}, (240, 120, 1440)),
        ("Default", 9, {}, (480, 240, 2400)),
    )
    for name, position, matches, (first, following, resolution) in policies:
        policy = SlaPolicy.objects.create(
            name=name,
            position=position,
            **matches,
            first_response_minutes=first,
            next_response_minutes=following,
            resolution_minutes=resolution,
        )
    Queue.objects.filter(pk__in=queues).update(sla_policy=policy)  # the last one: Default
    _say(f"Writing {args.cases:,} cases (one in {args.open_share} open) and their pauses")
    table = sql.Identifier(Case._meta.db_table)
    pauses = sql.Identifier(ClockPause._meta.db_table)
    open_statuses = ["new", "open", "open", "open", "pending_customer", "pending_third_party"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                """
                INSERT INTO {table} (number, subject, channel, received_at_address, language, priority, status,
                    queue_id, category_id, vip_rank, opened_at, first_responded_at, answered_at, customer_wrote_at,
                    solved_at, closed_at, is_breached, calendar_revision, clock_status, clock_paused_at,
                    reopened_count, time_spent_minutes, updated_at, ack_estimate, ack_suppressed_reason,
                    customer_rating_comment)
                SELECT 'B-' || lpad(g::text, 8, '0'), 'Bench case ' || g,
                    (ARRAY['email','call','chat','web_form','sms'])[1 + g %% 5], '', 'sv',
                    (ARRAY['low','normal','normal','high','urgent'])[1 + (g * 7) %% 5],
                    CASE WHEN g %% %(share)s = 0 THEN (%(open)s::text[])[1 + (g / %(share)s) %% 6]
                         ELSE (ARRAY['solved','closed','closed'])[1 + g %% 3] END,
                    (%(queues)s::int[])[1 + g %% %(nqueues)s],
                    CASE WHEN g %% 4 = 0 THEN (%(categories)s::int[])[1 + g %% 8] END,
                    (ARRAY[0,0,0,0,0,0,1,1,2,3])[1 + (g * 13) %% 10],
                    o.opened_at,
                    CASE WHEN g %% 2 = 0 THEN o.opened_at + interval '30 minutes' END,
                    CASE WHEN g %% 2 = 0 THEN o.opened_at + interval '30 minutes' END,
                    CASE WHEN g %% 6 = 0 THEN o.opened_at + interval '2 hours' END,
                    CASE WHEN g %% %(share)s <> 0 THEN o.opened_at + interval '1 day' END,
                    CASE WHEN g %% %(share)s <> 0 AND g %% 3 <> 0 THEN o.opened_at + interval '2 days' END,
                    false, 0,
                    CASE WHEN g %% %(share)s = 0 THEN (%(open)s::text[])[1 + (g / %(share)s) %% 6]
                         ELSE (ARRAY['solved','closed','closed'])[1 + g %% 3] END,
                    CASE WHEN g %% %(share)s = 0 AND (g / %(share)s) %% 6 >= 4 THEN o.opened_at + interval '3 hours' END,
                    0, 0, now(), '{{}}'::jsonb, '', ''
                FROM generate_series(1, %(cases)s) AS g,
                    LATERAL (SELECT now() - ((g * 37) %% (60 * 24 * 60)) * interval '1 minute' AS opened_at) AS o
                """
            ).format(table=table),
            {
                "share": args.open_share,
                "open": open_statuses,
                "queues": queues,
                "nqueues": len(queues),
                "categories": categories,
                "cases": args.cases,
            },
        )
        # The open pauses of the waiting cases, and a finished one on every third other open case.
        cursor.execute(
            sql.SQL(
                "INSERT INTO {pauses} (case_id, status, paused_at, resumed_because) "
                "SELECT id, status, clock_paused_at, '' FROM {table} WHERE clock_paused_at IS NOT NULL"
            ).format(pauses=pauses, table=table)
        )
        cursor.execute(
            sql.SQL(
                "INSERT INTO {pauses} (case_id, status, paused_at, resumed_at, resumed_because) "
                "SELECT id, 'pending_customer', opened_at + interval '40 minutes', opened_at + interval '100 minutes', "
                "'status' FROM {table} WHERE status IN ('new', 'open') AND id % 3 = 0"
            ).format(pauses=pauses, table=table)
        )
        cursor.execute(sql.SQL("ANALYZE {}").format(table))
        cursor.execute(sql.SQL("ANALYZE {}").format(pauses))


def _recompute() -> int:
    from lojal.cases.sla.recompute import clocks_recompute_stale

    return clocks_recompute_stale()


def _calendar_change(number: int) -> str:
    """A real change through the calendars' service, which bumps the revision; returns what it was."""
    from lojal.accounts.models import User
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create
    from lojal.calendars import selectors as calendar_selectors
    from lojal.calendars import services as calendar_services

    actor = User.objects.filter(username="bench-sla").first() or user_create(
        username="bench-sla", password="bench-password-2026", role=Role.ADMINISTRATOR
    )
    sweden = (
        calendar_selectors.calendar_list(country="SE")
        .filter(is_shipped=True)
        .values_list("pk", flat=True)
        .first()
    )
    assert sweden is not None
    if number % 2 == 0:
        opens = "07:00" if number % 4 == 0 else "08:00"
        for weekday in range(5):
            calendar_services.calendar_periods_set(
                actor=actor, calendar_id=sweden, weekday=weekday, periods=[[opens, "17:00"]]
            )
        return f"weekly hours {opens}-17:00"
    calendar = calendar_selectors.calendar_get(sweden)
    assert calendar is not None
    special = {each.date for each in calendar.days.all()}
    day = dt.date.today() + dt.timedelta(days=30 + number)
    while day in special:  # a --reuse run: a day an earlier run closed would change nothing
        day += dt.timedelta(days=1)
    calendar_services.special_day_set(
        actor=actor, calendar_id=sweden, date=day, kind="closed", name=f"Bench {number}"
    )
    return f"closed day {day.isoformat()}"


def _counts() -> dict[str, str]:
    from lojal.cases.models import OPEN_STATUSES, Case, ClockPause

    return {
        "cases": f"{Case.objects.count():,}",
        "open cases": f"{Case.objects.filter(status__in=list(OPEN_STATUSES)).count():,}",
        "pauses": f"{ClockPause.objects.count():,}",
    }


def _report(
    args: argparse.Namespace, database: str, facts: dict[str, str], timings: list[tuple[str, int, float]]
) -> str:
    out = io.StringIO()
    out.write(f"# Service-level recompute after a calendar change, PostgreSQL, {args.cases:,} cases\n\n")
    out.write(f"- commit {commit()}, {machine()}\n- {database}\n")
    for name, value in facts.items():
        out.write(f"- {name}: {value}\n")
    out.write(
        f"- command: `python -m bench sla-recompute --cases {args.cases} --open-share {args.open_share} "
        f"--repeats {args.repeats} --database-name {args.database_name}`\n\n"
    )
    out.write("| # | calendar change | open cases brought up to date | seconds | cases/s |\n")
    out.write("|---:|---|---:|---:|---:|\n")
    for number, (change, written, seconds) in enumerate(timings, 1):
        out.write(f"| {number} | {change} | {written:,} | {seconds:.2f} | {written / seconds:,.0f} |\n")
    if timings:
        out.write(f"\nMedian {statistics.median(seconds for _c, _w, seconds in timings):.2f} s.\n")
    return out.getvalue()
