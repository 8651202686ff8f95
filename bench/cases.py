"""The service desk's reads at scale: N customers (the bench loader) and M cases of which K are open,
written set-based (polars frames through core.frames.frame_insert: COPY on PostgreSQL); served with
gunicorn and timed over HTTP with a bearer token, alternating, one request after another: a queue's
first page in queue order (the queue view's list), "take next" (POST, assigns), the telephone
system's caller look-up in every number format, and one case read (the case page's data).
Cases taken during the run are handed back at the end, so a --reuse run measures the same queue."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import time
from typing import Any

from bench.customers import (
    BENCH_USER,
    HOST,
    _bench_user,
    _load_average,
    _say,
    database_prepare,
    database_release,
    server_env,
    server_start,
)
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import Client, percentile
from bench.loading import load_customers
from bench.my_day import _analyze
from bench.report import commit, machine
from bench.server import Server

DATABASE_NAME = "lojal_bench_cases"
QUEUES = 10
AGENTS = 20
#: Of the open cases: new (unassigned), open, waiting for the customer, waiting for a third party.
OPEN_STATUS_SHARES = {"new": 0.4, "open": 0.4, "pending_customer": 0.15, "pending_third_party": 0.05}
BATCH = 100_000
MEASURED = ("queue first page", "take next", "caller look-up", "case read", "reference: customer read")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "cases",
        help="Time the queue's first page, take next, the caller look-up and a case read over HTTP "
        "with N customers and M cases (p50/p95/p99).",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000, help="open cases among them")
    parser.add_argument("--requests", type=int, default=500, help="timed requests of each kind")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the pages, timed in this process, on the database a --keep run left (implies --reuse "
        "and --keep: the database is never dropped)",
    )


def run(args: argparse.Namespace) -> int:
    if args.pages_only:
        return _run_pages_only(args)
    database = bench_database(args.database, args.database_name)
    var_dir = RESULTS / f"var-cases-{args.database}"
    env = server_env(database.url, var_dir)
    facts: dict[str, str] = {"load average before": _load_average()}
    started = time.monotonic()
    server: Server | None = None
    try:
        creating = f"Creating {args.database} database {args.database_name} and migrating it"
        # Migrated also on --reuse: an index added since the data were loaded is built before measuring.
        if not database_prepare(database, env, reuse=args.reuse, creating=creating, migrate_on_reuse=True):
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
            began = time.monotonic()
            _fill(args, user_id)
            facts["case load"] = f"{args.cases:,} in {time.monotonic() - began:,.0f} s"
            _analyze()
        facts.update(_counts())
        facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
        token = lojal_command(["token", "create", "--user", BENCH_USER, "--name", "bench-cases"], env).strip()
        plan = _plan(args.seed, args.requests)
        server, port = server_start(env, var_dir, workers=args.workers)
        facts["server"] = server.description
        facts["load average at the measurement"] = _load_average()
        timings, taken = _measure(server, port, token, plan, args.requests)
        _hand_back(taken)
        server.stop()
        server = None
        facts["load average at the pages"] = _load_average()
        pages = _pages(args.seed, min(args.requests, 200))
        facts["load average after"] = _load_average()
    finally:
        if server is not None:
            server.stop()
        database_release(database, var_dir, keep=args.keep)
    report = _report(args, database.describe(), facts, timings, pages)
    print()
    print(report)
    path = RESULTS / f"cases-{args.database}-{args.cases}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:,.0f} s")
    return 0


def _run_pages_only(args: argparse.Namespace) -> int:
    """The pages alone on a kept database: no loading, no API server, and the database left in place."""
    database = bench_database(args.database, args.database_name)
    var_dir = RESULTS / f"var-cases-{args.database}"
    env = server_env(database.url, var_dir)
    facts: dict[str, str] = {"load average before": _load_average()}
    started = time.monotonic()
    creating = f"Creating {args.database} database {args.database_name}"
    if not database_prepare(database, env, reuse=True, creating=creating, migrate_on_reuse=True):
        return 2
    _bench_user()
    facts.update(_counts())
    facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
    facts["load average at the pages"] = _load_average()
    pages = _pages(args.seed, args.requests)
    facts["load average after"] = _load_average()
    report = _report(args, database.describe(), facts, {}, pages)
    print()
    print(report)
    path = RESULTS / f"cases-pages-{args.database}-{args.cases}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:,.0f} s")
    return 0


def _fill(args: argparse.Namespace, user_id: int) -> None:
    """Agents in a team, the queues, and the cases in frames of 100,000 (COPY on PostgreSQL)."""
    import polars as pl
    from django.db import transaction
    from django.utils import timezone

    from lojal.accounts.models import Team, User
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create
    from lojal.cases.models import VIP_RANK, Case, Queue
    from lojal.core.frames import frame_insert
    from lojal.customers.models import Customer

    agents = [user_id]
    for number in range(AGENTS - 1):
        name = f"bench-agent-{number}"
        existing = User.objects.filter(username=name).first()
        agents.append(
            existing.pk
            if existing
            else user_create(username=name, password="bench-password-2026", role=Role.SERVICE_AGENT).pk
        )
    team = Team.objects.get_or_create(name="Bench service")[0]
    team.members.add(*agents)
    queue_ids = [
        Queue.objects.get_or_create(name=f"Bench queue {number}", defaults={"team": team})[0].pk
        for number in range(QUEUES)
    ]
    customers = list(Customer.objects.order_by("pk").values_list("pk", "vip_tier"))
    rng = random.Random(args.seed)
    now = timezone.now().replace(microsecond=0)
    open_numbers = set(rng.sample(range(args.cases), args.open))
    statuses, shares = list(OPEN_STATUS_SHARES), list(OPEN_STATUS_SHARES.values())
    columns = [str(field.column) for field in Case._meta.concrete_fields if not field.primary_key]
    # Columns the cases above do not set (the acknowledgement's, the clocks' bookkeeping) hold their default.
    defaults = {
        str(field.column): _column_default(field)
        for field in Case._meta.concrete_fields
        if not field.primary_key
    }
    _say(f"Writing {args.cases:,} cases ({args.open:,} open) in frames of {BATCH:,}")
    for start in range(0, args.cases, BATCH):
        size = min(BATCH, args.cases - start)
        data: dict[str, list[Any]] = {column: [] for column in columns}
        for index in range(start, start + size):
            customer_id, tier = customers[rng.randrange(len(customers))]
            is_open = index in open_numbers
            if is_open:
                status = rng.choices(statuses, shares)[0]
                opened = now - dt.timedelta(minutes=rng.randint(5, 30 * 24 * 60))
            else:
                status = "closed" if rng.random() < 0.8 else "solved"
                opened = now - dt.timedelta(minutes=rng.randint(30 * 24 * 60, 3 * 365 * 24 * 60))
            running = status in ("new", "open") and rng.random() < 0.9
            due = opened + dt.timedelta(minutes=rng.randint(60, 3 * 24 * 60)) if running else None
            done = None if is_open else opened + dt.timedelta(hours=rng.randint(1, 72))
            answered_minutes = None if done is None else rng.randint(5, 9 * 60 * 3)
            values = {
                "number": f"B-{index:07d}",
                "subject": f"Bench case {index}",
                "customer_id": customer_id,
                "contact_person_id": None,
                "channel": rng.choice(("email", "call", "web_form", "chat", "sms")),
                "received_at_address": "",
                "language": "sv",
                "category_id": None,
                "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                "status": status,
                "queue_id": rng.choice(queue_ids),
                "assignee_id": None if status == "new" else rng.choice(agents),
                "vip_rank": VIP_RANK.get(tier, 0),
                "conversation_id": None,
                "merged_into_id": None,
                "sla_policy_id": None,
                "first_response_due": due if status == "new" else None,
                "next_response_due": due if status == "open" else None,
                "resolution_due": None,
                "next_due": due,
                "is_breached": due is not None and due < now,
                "calendar_revision": 0,
                "customer_wrote_at": opened,
                "answered_at": done,
                "first_responded_at": done,
                "solved_at": done,
                "closed_at": done if status == "closed" else None,
                "reopened_count": 0,
                "time_spent_minutes": 0,
                "opened_at": opened,
                "created_by_id": None,
                "updated_at": now,
                "first_response_minutes": answered_minutes,
                "resolution_minutes": None
                if answered_minutes is None
                else answered_minutes + rng.randint(0, 600),
                "promised_by": None
                if done is None or rng.random() < 0.3
                else done + dt.timedelta(hours=rng.randint(-8, 8)),
            }
            for column in columns:
                data[column].append(values[column] if column in values else defaults[column])
        frame = pl.DataFrame(data, schema_overrides=_frame_types(Case, columns))
        with transaction.atomic():
            frame_insert(Case, frame.select(columns))
        _say(f"  {start + size:,} cases")


def _column_default(field: Any) -> Any:
    """A column's default as the frame holds it (a JSON field's as JSON text)."""
    import json

    value = field.get_default()
    return json.dumps(value) if isinstance(value, dict | list) else value


def _frame_types(model: Any, columns: list[str]) -> dict[str, Any]:
    """Column types where a frame column may be all empty: ids as integers, moments in UTC."""
    import polars as pl
    from django.db import models

    types: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        column = str(field.column)
        if column not in columns:
            continue
        if isinstance(field, models.DateTimeField):
            types[column] = pl.Datetime("us", "UTC")
        elif isinstance(field, models.ForeignKey):
            types[column] = pl.Int64
    return types


def _counts() -> dict[str, str]:
    from lojal.cases.models import OPEN_STATUSES, Case
    from lojal.customers.models import Customer

    return {
        "customers": f"{Customer.objects.count():,}",
        "cases": f"{Case.objects.count():,}",
        "open cases": f"{Case.objects.filter(status__in=OPEN_STATUSES).count():,}",
    }


def _formats(e164: str) -> list[str]:
    """The ways a phone system may send the number: E.164, 00-prefixed, national, international spaced."""
    import phonenumbers

    parsed = phonenumbers.parse(e164, None)
    return [
        e164,
        "00" + e164[1:],
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    ]


def _plan(seed: int, requests: int) -> dict[str, Any]:
    """What to ask: the busiest queue, callers' numbers in turns of format (some unknown), open cases."""
    from django.db.models import Count

    from lojal.cases.models import OPEN_STATUSES, Case
    from lojal.customers.models import Customer, PhoneNumber

    rng = random.Random(seed)
    queue_id = (
        Case.objects.filter(status="new", assignee__isnull=True)
        .values("queue_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("queue_id", flat=True)
        .first()
    )
    last = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    numbers: list[str] = []
    while len(numbers) < requests:
        ids = [rng.randint(1, last) for _number in range(200)]
        found = list(PhoneNumber.objects.filter(customer_id__in=ids).values_list("number", flat=True))
        rng.shuffle(found)
        for number in found[: requests - len(numbers)]:
            options = _formats(number)
            numbers.append(options[len(numbers) % len(options)])
    # One in ten an unknown number: the answer a phone system gets most of the time for new callers.
    for index in range(0, requests, 10):
        numbers[index] = f"+4670{rng.randint(1000000, 9999999)}9"[:12]
    open_ids = list(Case.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)[:50_000])
    return {
        "queue_id": queue_id,
        "numbers": numbers,
        "case_ids": rng.sample(open_ids, requests),
        "customer_ids": [rng.randint(1, last) for _number in range(requests)],
    }


def _measure(
    server: Server, port: int, token: str, plan: dict[str, Any], requests: int
) -> tuple[dict[str, tuple[list[float], list[float]]], list[int]]:
    client = Client(HOST, port, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    queue_id = plan["queue_id"]

    def call(kind: str, index: int) -> Any:
        if kind == "queue first page":
            return client.get("/api/v1/cases", queue_id=str(queue_id), sort="queue", limit="50")
        if kind == "take next":
            return client.request("POST", f"/api/v1/cases/next?queue_id={queue_id}")
        if kind == "caller look-up":
            return client.get("/api/v1/telephony/caller", number=plan["numbers"][index])
        if kind == "case read":
            return client.get(f"/api/v1/cases/{plan['case_ids'][index]}")
        # The same stack's floor in the same conditions: the customers API's read (one customer).
        return client.get(f"/api/v1/customers/{plan['customer_ids'][index]}", timeline_limit="1")

    taken: list[int] = []
    for index in range(10):  # warm-up, not timed (takes are handed back too)
        for kind in MEASURED:
            response = call(kind, index)
            if response.status not in (200, 204):
                raise RuntimeError(f"{kind} answered {response.status}: {response.body[:300]!r}")
            if kind == "take next" and response.status == 200:
                taken.append(response.json()["id"])
    first = client.get("/api/v1/cases", queue_id=str(queue_id), sort="queue", limit="50").json()
    order = {"platinum": 3, "gold": 2, "silver": 1, "none": 0}
    ranks = [order[item["vip_tier"]] for item in first["items"]]
    if len(ranks) != 50 or ranks != sorted(ranks, reverse=True):
        raise RuntimeError(f"the queue's first page is not 50 cases, VIP first: {ranks}")
    _say(f"Timing {requests} requests of each: {', '.join(MEASURED)}, alternating")
    client_ms: dict[str, list[float]] = {kind: [] for kind in MEASURED}
    server_ms: dict[str, list[float]] = {kind: [] for kind in MEASURED}
    matched = 0
    for index in range(requests):
        for kind in MEASURED:
            position = server.log_position()
            response = call(kind, index)
            if response.status not in (200, 204):
                raise RuntimeError(f"{kind} answered {response.status}: {response.body[:300]!r}")
            client_ms[kind].append(response.seconds * 1000)
            server_ms[kind].extend(server.server_times_ms(position))
            if kind == "take next" and response.status == 200:
                taken.append(response.json()["id"])
            if kind == "caller look-up" and response.json()["matched"]:
                matched += 1
    _say(f"{len(taken)} cases taken (handed back now); {matched} of {requests} callers matched")
    return {kind: (client_ms[kind], server_ms[kind]) for kind in MEASURED}, taken


def _hand_back(taken: list[int]) -> None:
    """The cases taken during the run back to new and nobody's, so a --reuse run sees the same queue."""
    from lojal.cases.models import Case

    Case.objects.filter(pk__in=taken).update(assignee=None, status="new")


def _report(
    args: argparse.Namespace,
    database: str,
    facts: dict[str, str],
    timings: dict[str, tuple[list[float], list[float]]],
    pages: dict[str, list[float]],
) -> str:
    out = io.StringIO()
    out.write(
        f"# The service desk's reads, {args.database}, {args.customers:,} customers, {args.cases:,} cases "
        f"({args.open:,} open)\n\n"
    )
    out.write(f"- commit {commit()}, {machine()}\n- {database}\n")
    for name, value in facts.items():
        out.write(f"- {name}: {value}\n")
    pages_only = " --pages-only" if args.pages_only else ""
    out.write(
        f"- command: `python -m bench cases --database {args.database} --customers {args.customers} "
        f"--cases {args.cases} --open {args.open} --database-name {args.database_name}{pages_only}`\n\n"
    )
    out.write("| request | measured by | requests | p50 ms | p95 ms | p99 ms | max ms |\n")
    out.write("|---|---|---:|---:|---:|---:|---:|\n")
    paths = {
        "queue first page": "GET /api/v1/cases?queue_id=&sort=queue&limit=50",
        "take next": "POST /api/v1/cases/next?queue_id=",
        "caller look-up": "GET /api/v1/telephony/caller?number=",
        "case read": "GET /api/v1/cases/{id}",
        "reference: customer read": "GET /api/v1/customers/{id}?timeline_limit=1",
    }
    for kind, (latencies, server) in timings.items():
        for side, values in (("client (HTTP over loopback)", latencies), ("server (gunicorn)", server)):
            out.write(
                f"| {kind}: `{paths[kind]}` | {side} | {len(values)} | {percentile(values, 0.5):.1f} | "
                f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | "
                f"{max(values, default=0):.1f} |\n"
            )
    for kind, values in pages.items():
        out.write(
            f"| {kind} | server (in-process Django client) | {len(values)} | {percentile(values, 0.5):.1f} | "
            f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | {max(values, default=0):.1f} |\n"
        )
    return out.getvalue()


def _pages(seed: int, requests: int) -> dict[str, list[float]]:
    """The service desk's pages as an agent and a manager see them, timed in this process through
    Django's test client (the whole view and template, no HTTP): the queue view's first page, the
    case page of an open case, and the KPI dashboard for the current quarter (fewer: it reads every
    case of the quarter)."""
    from django.test import Client as PageClient
    from django.utils import timezone

    from lojal.accounts.models import User
    from lojal.cases.kpi_views import quarter_of
    from lojal.cases.models import OPEN_STATUSES, Case, Queue

    rng = random.Random(seed + 7)
    user = User.objects.get(username=BENCH_USER)
    client = PageClient(HTTP_HOST=HOST)
    client.force_login(user)
    queue_ids = list(Queue.objects.filter(name__startswith="Bench queue").values_list("pk", flat=True))
    open_ids = list(Case.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)[:50_000])
    start, end = quarter_of(timezone.localdate())
    quarter = {"start": start.isoformat(), "end": end.isoformat()}

    def timed(
        path: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> float:
        began = time.perf_counter()
        response = client.get(path, params or {}, headers=headers)
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return elapsed

    pages: dict[str, list[float]] = {
        "queue view page": [],
        "case page": [],
        "case page's customer panel, loaded after it (htmx)": [],
        "case page's history, loaded after it (htmx)": [],
        "KPI dashboard, this quarter": [],
    }
    for _ in range(3):  # warm the caches and the connection
        timed(f"/service/queues/{queue_ids[0]}/cases/")
        timed(f"/service/cases/{open_ids[0]}/")
    for _ in range(requests):
        pages["queue view page"].append(timed(f"/service/queues/{rng.choice(queue_ids)}/cases/"))
        case_id = rng.choice(open_ids)
        pages["case page"].append(timed(f"/service/cases/{case_id}/"))
        pages["case page's customer panel, loaded after it (htmx)"].append(
            timed(f"/service/cases/{case_id}/customer/", headers={"HX-Request": "true"})
        )
        pages["case page's history, loaded after it (htmx)"].append(
            timed(f"/service/cases/{case_id}/history/", headers={"HX-Request": "true"})
        )
    for _ in range(max(5, requests // 20)):
        pages["KPI dashboard, this quarter"].append(timed("/service/kpis/", quarter))
    return pages
