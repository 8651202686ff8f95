"""My day (GET /) with N customers and M open activities: load the customers through the bench loader,
COPY the activities in (set-based), give the measured staff user many activities, call lists and at-risk
customers, serve with gunicorn, and time GET / over HTTP (p50/p95/p99, client and server side)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import time
from typing import Any

from bench.customers import (
    BENCH_USER,
    _analyze,
    _bench_user,
    _load_average,
    _login,
    _say,
    database_prepare,
    database_release,
    server_env,
    server_start,
)
from bench.databases import RESULTS, bench_database
from bench.http import percentile
from bench.loading import load_customers
from bench.report import commit, machine
from bench.server import Server

DATABASE_NAME = "lojal_bench_my_day"
STAFF = 50
#: Of the measured user's own open activities, this share is overdue or due today (My day shows them).
DUE_SHARE = 0.05
PATHS = ("/", "/customers/")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "my-day", help="Time My day (GET /) with N customers and M open activities, over HTTP (p50/p95/p99)."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=100_000, help="open activities in all")
    parser.add_argument("--mine", type=int, default=2_000, help="open activities of the measured user")
    parser.add_argument("--call-lists", type=int, default=5, help="active call lists of the measured user")
    parser.add_argument("--at-risk", type=int, default=200, help="customers moved to at risk this week")
    parser.add_argument("--requests", type=int, default=500, help="timed GET / requests")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    var_dir = RESULTS / f"var-my-day-{args.database}"
    env = server_env(database.url, var_dir)
    facts: dict[str, str] = {"load average before": _load_average()}
    started = time.monotonic()
    server: Server | None = None
    try:
        creating = f"Creating {args.database} database {args.database_name} and migrating it"
        if not database_prepare(database, env, reuse=args.reuse, creating=creating):
            return 2
        user_id = _bench_user()
        if not args.reuse:
            stats = load_customers(
                count=args.customers,
                seed=args.seed,
                start_index=0,
                actor_id=user_id,
                processes=1 if args.database == "sqlite" else 2,
                env=env,
            )
            facts["customer load"] = (
                f"{stats.customers:,} in {stats.seconds:,.0f} s ({stats.per_second:,.0f}/s)"
            )
            _fill(args, user_id)
            _analyze()
        facts.update(_counts(user_id))
        facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
        server, port = server_start(env, var_dir, workers=args.workers)
        facts["server"] = server.description
        facts["load average at the measurement"] = _load_average()
        timings = _measure(server, port, args.requests)
        facts["load average after"] = _load_average()
    finally:
        if server is not None:
            server.stop()
        database_release(database, var_dir, keep=args.keep)
    report = _report(args, database.describe(), facts, timings)
    print()
    print(report)
    path = RESULTS / f"my-day-{args.database}-{args.customers}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:,.0f} s")
    return 0


def _fill(args: argparse.Namespace, user_id: int) -> None:
    """Staff, a team, the activities (COPY on PostgreSQL), call lists and this week's at-risk customers."""
    from django.utils import timezone

    from lojal.accounts.models import Team, User
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create
    from lojal.activities import call_lists
    from lojal.customers.models import Customer
    from lojal.sales.services import customer_stage_set

    rng = random.Random(args.seed)
    staff = [user_id]
    for number in range(STAFF - 1):
        name = f"bench-staff-{number}"
        existing = User.objects.filter(username=name).first()
        staff.append(
            existing.pk
            if existing
            else user_create(username=name, password="bench-password-2026", role=Role.SALES).pk
        )
    team = Team.objects.get_or_create(name="Bench team")[0]
    team.members.add(*staff[:10])
    first_id, last_id = _id_range(Customer)
    today = timezone.localdate()
    _say(f"Writing {args.activities:,} open activities ({args.mine:,} of {BENCH_USER})")
    rows = []
    for number in range(args.activities):
        owner, owner_team = (user_id, None) if number < args.mine else (rng.choice(staff[1:]), None)
        if number >= args.mine and number % 10 == 0:
            owner, owner_team = None, team.pk
        due_share = DUE_SHARE if number < args.mine else 0.2
        offset = rng.randint(-3, 0) if rng.random() < due_share else rng.randint(1, 90)
        rows.append(
            (
                rng.choice(("call", "meeting", "todo", "email")),
                f"Follow-up {number}",
                rng.randint(first_id, last_id),
                owner,
                owner_team,
                today + dt.timedelta(days=offset),
            )
        )
    _activities_write(rows)
    _say(f"{args.call_lists} call lists of 1,000 customers, {args.at_risk} customers moved to at risk")
    actor = User.objects.get(pk=user_id)
    for number in range(args.call_lists):
        ids = rng.sample(range(first_id, last_id + 1), 1_000)
        call_lists.call_list_create(actor=actor, name=f"Bench list {number}", customer_ids=ids)
    at_risk = Customer.objects.exclude(lifecycle_stage="at_risk").values_list("pk", flat=True)[: args.at_risk]
    for customer_id in list(at_risk):
        customer_stage_set(actor=actor, customer_id=customer_id, stage="at_risk", reason="Bench")


def _id_range(model: Any) -> tuple[int, int]:
    from django.db.models import Max, Min

    bounds = model.objects.aggregate(first=Min("id"), last=Max("id"))
    return int(bounds["first"]), int(bounds["last"])


def _activities_write(rows: list[tuple[Any, ...]]) -> None:
    """The activities in one COPY (PostgreSQL) or batched bulk_create (SQLite)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lojal.activities.models import Activity

    now = timezone.now()
    if connection.vendor != "postgresql":
        Activity.objects.bulk_create(
            [
                Activity(
                    kind=kind,
                    subject=subject,
                    customer_id=customer_id,
                    owner_id=owner,
                    owner_team_id=team,
                    due_date=due,
                )
                for kind, subject, customer_id, owner, team, due in rows
            ],
            batch_size=2_000,
        )
        return
    from psycopg import sql

    columns = [
        "kind",
        "subject",
        "notes",
        "customer_id",
        "owner_id",
        "owner_team_id",
        "due_date",
        "priority",
        "status",
        "outcome",
        "origin",
        "origin_reference",
        "created_at",
        "updated_at",
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Activity._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for kind, subject, customer_id, owner, team, due in rows:
            copy.write_row(
                (
                    kind,
                    subject,
                    "",
                    customer_id,
                    owner,
                    team,
                    due,
                    "normal",
                    "open",
                    "",
                    "manual",
                    "",
                    now,
                    now,
                )
            )


def _counts(user_id: int) -> dict[str, str]:
    from django.utils import timezone

    from lojal.activities.models import Activity
    from lojal.customers.models import Customer

    today = timezone.localdate()
    mine = Activity.objects.filter(owner_id=user_id, status="open")
    return {
        "customers": f"{Customer.objects.count():,}",
        "open activities": f"{Activity.objects.filter(status='open').count():,}",
        f"{BENCH_USER}'s open activities": f"{mine.count():,} ({mine.filter(due_date__lte=today).count():,} "
        "overdue or due today, plus the team's)",
    }


def _measure(server: Server, port: int, requests: int) -> dict[str, tuple[list[float], list[float]]]:
    """GET / and, as a reference in the same conditions, GET /customers/ (the customer list's first
    page), alternating, one request after another: client latencies and gunicorn's own times."""
    client = _login(port)
    for _warm in range(20):
        for path in PATHS:
            response = client.get(path)
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
    if b"My day" not in client.get("/").body:
        raise RuntimeError("GET / is not My day")
    _say(f"Timing {requests} GET / and {requests} GET /customers/, alternating")
    client_ms: dict[str, list[float]] = {path: [] for path in PATHS}
    server_ms: dict[str, list[float]] = {path: [] for path in PATHS}
    for _number in range(requests):
        for path in PATHS:
            position = server.log_position()
            response = client.get(path)
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            client_ms[path].append(response.seconds * 1000)
            server_ms[path].extend(server.server_times_ms(position))
    return {path: (client_ms[path], server_ms[path]) for path in PATHS}


def _report(
    args: argparse.Namespace,
    database: str,
    facts: dict[str, str],
    timings: dict[str, tuple[list[float], list[float]]],
) -> str:
    out = io.StringIO()
    out.write(
        f"# My day (GET /), {args.database}, {args.customers:,} customers, {args.activities:,} activities\n\n"
    )
    out.write(f"- commit {commit()}, {machine()}\n- {database}\n")
    for name, value in facts.items():
        out.write(f"- {name}: {value}\n")
    out.write(
        f"- command: `python -m bench my-day --database {args.database} --customers {args.customers} "
        f"--activities {args.activities}`\n\n"
    )
    out.write("| request | measured by | requests | p50 ms | p95 ms | p99 ms | max ms |\n")
    out.write("|---|---|---:|---:|---:|---:|---:|\n")
    for path, (latencies, server) in timings.items():
        label = "My day" if path == "/" else "customer list, first page (reference)"
        for side, values in (("client (HTTP over loopback)", latencies), ("server (gunicorn)", server)):
            out.write(
                f"| GET {path} {label} | {side} | {len(values)} | {percentile(values, 0.5):.1f} | "
                f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | {max(values, default=0):.1f} |\n"
            )
    return out.getvalue()
