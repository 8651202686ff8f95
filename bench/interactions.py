"""The interactions benchmark: N interactions (emails, calls, meetings, SMS, chats, web forms) spread over
many customers, one of them with 10,000; then how fast that customer's newest timeline page is served,
in process (the selector) and over HTTP (the customer page and the API), filtered and searched too."""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.customers import BENCH_PASSWORD, BENCH_USER, HOST, _bench_user, _load_average, _login, _statuses
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import Client
from bench.loading import django_setup, load_customers
from bench.report import Row, commit, machine, table
from bench.server import Server, free_port

DATABASE_NAME = "lojal_bench_interactions"
CHUNK = 50_000
CHANNELS = ("email", "email", "email", "call", "call", "meeting", "sms", "chat", "web_form", "letter")
SUBJECTS = (
    "Fråga om leveransen",
    "Faktura 48213",
    "Byte av storlek",
    "Offert på 20 licenser",
    "Ny leveringsadresse",
    "Reklamation: kaffebryggaren läcker",
    "Bestilling av reservedeler",
    "Uppföljning efter mötet",
    "Avtalsförnyelse 2027",
    "Spørsmål om garanti",
)
BODIES = (
    "Hej! Jag undrar när min beställning kommer. Ordernumret finns i mejlet.",
    "Hei, jeg ønsker å endre leveringsadressen til Storgata 12, 0155 Oslo.",
    "Kunden ringde och ville ha en ny faktura; skickad samma dag.",
    "Genomgång av avtalet, de vill utöka med fem användare till hösten.",
    "Kommer 10 min sent till mötet.",
)


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def _rows(
    *, customer_ids: list[int], hot_id: int, hot_count: int, total: int, seed: int, actor_id: int
) -> Iterator[tuple[Any, ...]]:
    from django.utils import timezone

    rng = random.Random(seed)
    now = timezone.now()
    five_years = 5 * 365 * 24 * 3600
    others = [customer_id for customer_id in customer_ids if customer_id != hot_id]
    for number in range(total):
        customer_id = hot_id if number < hot_count else rng.choice(others)
        channel = rng.choice(CHANNELS)
        direction = "in" if rng.random() < 0.6 else "out"
        occurred_at = now - dt.timedelta(seconds=rng.randint(60, five_years))
        subject = rng.choice(SUBJECTS)
        duration = rng.randint(30, 1800) if channel in {"call", "meeting"} else None
        yield (
            customer_id,
            channel,
            direction,
            occurred_at,
            subject,
            rng.choice(BODIES),
            "",
            f"kund{customer_id}@example.se" if channel == "email" else "",
            "",
            [],
            duration,
            "answered" if channel == "call" else "",
            actor_id if direction == "out" else None,
            "",
            "",
            False,
            False,
            False,
            False,
            [],
            {},
            now,
        )


COLUMNS = (
    "customer_id",
    "channel",
    "direction",
    "occurred_at",
    "subject",
    "body_text",
    "body_html",
    "sender",
    "sender_name",
    "recipients",
    "duration_seconds",
    "outcome",
    "staff_id",
    "external_id",
    "recording_url",
    "is_malformed",
    "is_auto_reply",
    "is_bounce",
    "is_loop",
    "defects",
    "details",
    "created_at",
)


def _events_from(first_id: int, last_id: int) -> None:
    """The timeline events of the interactions loaded, from the same builder as the services use,
    written in bulk."""
    from lojal.interactions.models import Interaction
    from lojal.interactions.services import interaction_event
    from lojal.timeline.services import events_record_many

    loaded = Interaction.objects.filter(pk__range=(first_id, last_id), customer__isnull=False).order_by("pk")
    events_record_many(
        draft for interaction in loaded if (draft := interaction_event(interaction)) is not None
    )


def _load(args: argparse.Namespace, actor_id: int, env: dict[str, str]) -> tuple[int, list[Row]]:
    from django.db import connection, transaction

    from lojal.core.bulk import bulk_insert
    from lojal.customers.models import Customer
    from lojal.interactions.models import Interaction

    rows: list[Row] = []
    customers = args.customers or max(1_000, args.interactions // 1_000)
    stats = load_customers(
        count=customers, seed=args.seed, start_index=0, actor_id=actor_id, processes=1, env=env
    )
    rows.append(
        Row("load: customers (customers_create_batch)", stats.customers, f"{stats.per_second:,.0f}/s")
    )
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    hot_id = customer_ids[0]
    hot_count = min(args.customer_interactions, args.interactions)
    _say(
        f"Loading {args.interactions:,} interactions ({hot_count:,} for customer {hot_id}) with their events"
    )
    started = time.perf_counter()
    generator = _rows(
        customer_ids=customer_ids,
        hot_id=hot_id,
        hot_count=hot_count,
        total=args.interactions,
        seed=args.seed,
        actor_id=actor_id,
    )
    loaded = 0
    while loaded < args.interactions:
        chunk = [row for _number, row in zip(range(CHUNK), generator, strict=False)]
        if not chunk:
            break
        with transaction.atomic():
            before = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            bulk_insert(Interaction, COLUMNS, chunk)
            after = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            _events_from(before + 1, after)
        loaded += len(chunk)
        elapsed = time.perf_counter() - started
        print(f"\r   {loaded:,} interactions, {loaded / elapsed:,.0f}/s", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    rows.append(
        Row("load: interactions + timeline events (COPY / executemany)", loaded, f"{loaded / seconds:,.0f}/s")
    )
    _say("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return hot_id, rows


def _timed(function: Any, repeats: int) -> list[float]:
    for _warm in range(3):
        function()
    seconds = []
    for _round in range(repeats):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def _in_process(hot_id: int, repeats: int) -> list[Row]:
    from lojal.interactions import selectors as interaction_selectors
    from lojal.timeline import selectors as timeline_selectors

    _say("Timing the selectors in process")
    cases = [
        (
            "selector: newest 20 timeline events (customer page)",
            lambda: timeline_selectors.event_list(customer_id=hot_id, limit=20),
        ),
        (
            "selector: newest 50 interactions (API)",
            lambda: interaction_selectors.interaction_list(customer_id=hot_id, limit=50),
        ),
        (
            "selector: newest 20 events, channel = call",
            lambda: timeline_selectors.event_list(customer_id=hot_id, limit=20, kinds=["interaction.call"]),
        ),
        (
            "selector: timeline search 'faktura' (scans the customer's events)",
            lambda: timeline_selectors.event_list(customer_id=hot_id, limit=20, query="faktura"),
        ),
    ]
    return [Row.from_latencies(label, _timed(call, repeats)) for label, call in cases]


def _over_http(hot_id: int, repeats: int, env: dict[str, str], args: argparse.Namespace) -> list[Row]:
    from lojal.accounts.models import User
    from lojal.accounts.services import token_create

    token = token_create(user=User.objects.get(username=BENCH_USER), name="bench").secret
    port = free_port()
    server = Server(
        port=port,
        env=env,
        workers=args.workers,
        threads=1,
        worker_class="sync",
        log_dir=RESULTS / f"var-interactions-{args.database}",
    )
    _say(f"Starting {server.description} on port {port}")
    server.start()
    rows: list[Row] = []
    try:
        page = _login(port)
        api = Client(HOST, port, headers={"Authorization": f"Bearer {token}"})
        cases: list[tuple[str, Client, str]] = [
            ("customer page, newest timeline page: GET /customers/{id}/", page, f"/customers/{hot_id}/"),
            (
                "timeline partial, channel = email: GET /customers/{id}/timeline/?kind=interaction.email",
                page,
                f"/customers/{hot_id}/timeline/?kind=interaction.email",
            ),
            (
                "API newest 50: GET /api/v1/interactions?customer_id={id}",
                api,
                f"/api/v1/interactions?customer_id={hot_id}&limit=50",
            ),
        ]
        for label, client, path in cases:
            for _warm in range(3):
                client.get(path)
            position = server.log_position()
            latencies, statuses, size = [], [], 0
            for _round in range(repeats):
                response = client.get(path)
                latencies.append(response.seconds)
                statuses.append(response.status)
                size = len(response.body)
            rows.append(
                Row.from_latencies(
                    label,
                    latencies,
                    server_ms=server.server_times_ms(position),
                    result=f"{_statuses(statuses)}, {size // 1024} KiB",
                )
            )
    finally:
        server.stop()
    return rows


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, DATABASE_NAME)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_ALLOWED_HOSTS": HOST,
        "LOJAL_VAR_DIR": str(RESULTS / f"var-interactions-{args.database}"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    facts = {"load average before": _load_average()}
    started = time.monotonic()
    rows: list[Row] = []
    if args.reuse:
        if not database.exists():
            print("No database from an earlier --keep run; run without --reuse.", file=sys.stderr)
            return 2
    else:
        _say(f"Creating a fresh {args.database} database {DATABASE_NAME} and migrating it")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
    lojal_command(["collectstatic", "--noinput"], env)
    django_setup(env)
    actor_id = _bench_user()
    from lojal.customers.models import Customer
    from lojal.interactions.models import Interaction

    if args.reuse:
        hot_id = Customer.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    else:
        hot_id, load_rows = _load(args, actor_id, env)
        rows += load_rows
    total = Interaction.objects.count()
    hot = Interaction.objects.filter(customer_id=hot_id).count()
    facts["data"] = f"{total:,} interactions, {hot:,} of them on customer {hot_id}"
    facts["database size"] = f"{database.size_bytes() / 1024**3:.2f} GiB"
    facts["load average at measuring"] = _load_average()
    rows += _in_process(hot_id, args.repeats)
    rows += _over_http(hot_id, args.repeats, env, args)
    facts["load average after"] = _load_average()
    report = _report(args, database.describe(), facts, rows)
    path = RESULTS / f"interactions-{args.database}-{args.interactions}.md"
    path.write_text(report + "\n")
    print(report)
    if not args.keep:
        database.drop()
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:,.0f} s")
    return 0


def _report(args: argparse.Namespace, database: str, facts: dict[str, str], rows: list[Row]) -> str:
    import django

    return "\n".join(
        [
            f"# Interactions benchmark: {args.database}, {args.interactions:,} interactions",
            "",
            f"- When: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}",
            f"- Machine: {machine()}; Python {platform.python_version()}, Django {django.get_version()}",
            f"- Database: {database}; {facts.get('database size', '')}",
            f"- Data: {facts['data']}; each interaction also has its timeline event",
            f"- Server: gunicorn sync, {args.workers} workers, over loopback; client, server and database "
            "share the machine",
            f"- 1-minute load average: {facts['load average before']} at the start, "
            f"{facts['load average at measuring']} when measuring began, {facts['load average after']} at the end",
            f"- Target (issue 4): newest page of a customer with 10,000 interactions in a database of "
            f"10,000,000, p95 under 50 ms on PostgreSQL. Each row: {args.repeats} requests one after another.",
            f"- Command: `python -m bench interactions --database {args.database} --interactions "
            f"{args.interactions} --customer-interactions {args.customer_interactions}`",
            "",
            table(rows),
        ]
    )


BENCH_CREDENTIALS = (BENCH_USER, BENCH_PASSWORD)
