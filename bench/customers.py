"""The customers benchmark: load N generated customers, start gunicorn, and measure over loopback how
fast customers are created (one at a time and in batches), found (every kind of search) and read."""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.databases import RESULTS, BenchDatabase, bench_database, lojal_command
from bench.http import Client, load_with_threads, load_with_wrk, percentile, wrk_available
from bench.loading import add_timeline_notes, django_setup, load_customers
from bench.report import Row, commit, machine, table
from bench.server import Server, free_port

BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password-2026"
READ_CUSTOMERS = 200
EVENTS_PER_CUSTOMER = 50
HOST = "127.0.0.1"


@dataclass
class Query:
    label: str
    text: str
    expected_id: int | None = None


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database)
    var_dir = RESULTS / f"var-{args.database}"
    env = server_env(database.url, var_dir)
    rows: list[Row] = []
    facts: dict[str, str] = {}
    server: Server | None = None
    started = time.monotonic()
    facts["load average before"] = _load_average()
    try:
        creating = f"Creating a fresh {args.database} database and migrating it"
        if not database_prepare(database, env, reuse=args.reuse, creating=creating):
            return 2
        actor_id = _bench_user()
        if not args.reuse:
            processes = args.load_processes or (1 if args.database == "sqlite" else (_cpu_count()))
            stats = load_customers(
                count=args.customers,
                seed=args.seed,
                start_index=0,
                actor_id=actor_id,
                processes=processes,
                env=env,
            )
            rows.append(
                Row(
                    "load: customers_create_batch in batches of 1,000 (in process, no HTTP)",
                    stats.customers,
                    f"{stats.per_second:,.0f} customers/s",
                    result=f"{stats.seconds:,.0f} s, {stats.processes} process(es)",
                )
            )
        read_ids = _customers_with_long_timelines(actor_id)
        _analyze()
        queries = _pick_queries(args.seed)
        next_index = _customer_count()
        facts["customers"] = f"{next_index:,} in the database before the HTTP measurements"
        facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB after loading"
        token = lojal_command(["token", "create", "--user", BENCH_USER, "--name", "bench"], env).strip()
        server, port = server_start(
            env,
            var_dir,
            workers=args.workers,
            threads=args.threads,
            worker_class=args.worker_class,
            port=args.port,
        )
        api = Client(HOST, port, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        rows += _single_creates(api, server, args, next_index)
        rows += _batch_creates(api, server, args, next_index + args.single_creates)
        rows += _searches(api, server, queries, args.repeats)
        rows += _reads(api, server, read_ids, port)
        rows.append(_sustained(server, port, token, read_ids, args))
        facts["server"] = server.description
    finally:
        if server is not None:
            server.stop()
        database_release(database, var_dir, keep=args.keep)
    report = _report(args, database.describe(), facts, rows)
    print()
    print(report)
    path = RESULTS / f"{args.database}-{args.customers}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)} in {time.monotonic() - started:,.0f} s")
    return 0


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment a bench runs Lojal's commands and gunicorn in (no demo staff, quiet logs)."""
    return {
        "LOJAL_DATABASE_URL": database_url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_ALLOWED_HOSTS": HOST,
        "LOJAL_VAR_DIR": str(var_dir),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }


def database_prepare(
    database: BenchDatabase,
    env: dict[str, str],
    *,
    reuse: bool,
    creating: str,
    migrate_on_reuse: bool = False,
) -> bool:
    """Create and migrate the bench database (with ``reuse``: find the one a --keep run left, migrated
    too when ``migrate_on_reuse``), collect the static files and set Django up in this process. False
    when there is nothing to reuse."""
    if reuse:
        if not database.exists():
            print("No database from an earlier --keep run; run without --reuse.", file=sys.stderr)
            return False
        if migrate_on_reuse:
            lojal_command(["migrate", "--noinput"], env)
    else:
        _say(creating)
        database.create()
        lojal_command(["migrate", "--noinput"], env)
    lojal_command(["collectstatic", "--noinput"], env)
    django_setup(env)
    return True


def database_release(database: BenchDatabase, var_dir: Path, *, keep: bool) -> None:
    """Unless ``keep``: drop the bench database and the static files collected for its server."""
    if not keep:
        database.drop()
        shutil.rmtree(var_dir / "static", ignore_errors=True)


def server_start(
    env: dict[str, str],
    var_dir: Path,
    *,
    workers: int,
    threads: int = 1,
    worker_class: str = "sync",
    port: int | None = None,
) -> tuple[Server, int]:
    """Close this process's database connections and start gunicorn (on ``port`` or a free one) with
    its logs under ``var_dir``; a server that fails to come up is stopped before the error goes on."""
    from django.db import connections

    connections.close_all()
    port = port or free_port()
    server = Server(port, env, workers, threads, worker_class, var_dir / "logs")
    _say(f"Starting {server.description} on port {port}")
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server, port


def _load_average() -> str:
    """The machine's 1-minute load average: other work on the machine skews every figure."""
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def _cpu_count() -> int:
    import os

    return max(os.cpu_count() or 1, 1)


def _customer_count() -> int:
    from lojal.customers.models import Customer

    return Customer.objects.count()


def _bench_user() -> int:
    from lojal.accounts.models import User
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = user_create(
            username=BENCH_USER, password=BENCH_PASSWORD, role=Role.ADMINISTRATOR, first_name="Bench"
        )
    return int(user.pk)


def _customers_with_long_timelines(actor_id: int) -> list[int]:
    """Customers that carry ``EVENTS_PER_CUSTOMER`` notes besides their creation event."""
    from django.db.models import Count

    from lojal.customers.models import Customer
    from lojal.timeline.models import Event

    already = list(
        Event.objects.filter(kind=Event.Kind.NOTE_ADDED, summary__startswith="Benchmark note")
        .values("customer_id")
        .annotate(n=Count("id"))
        .filter(n__gte=EVENTS_PER_CUSTOMER)
        .values_list("customer_id", flat=True)[:READ_CUSTOMERS]
    )
    if len(already) >= READ_CUSTOMERS:
        return already
    total = Customer.objects.count()
    rng = random.Random(7)
    picks = sorted(rng.sample(range(total), min(READ_CUSTOMERS, total)))
    ids = list(Customer.objects.order_by("id").values_list("id", flat=True))
    chosen = [ids[position] for position in picks]
    _say(f"Adding {EVENTS_PER_CUSTOMER} timeline notes to {len(chosen)} customers")
    add_timeline_notes(customer_ids=chosen, per_customer=EVENTS_PER_CUSTOMER, actor_id=actor_id)
    return chosen


def _pick_queries(seed: int) -> list[Query]:
    """Real values from the loaded data for every kind of search the search box supports."""
    from django.db.models import Count

    from lojal.core.text import fold
    from lojal.customers.models import Customer
    from lojal.customers.search import customer_search_ids
    from lojal.demo.generator import misspell

    rng = random.Random(seed)
    live = Customer.objects.filter(deleted_at__isnull=True)
    queries = [Query("common first name", "anna"), Query("common name prefix", "anders")]
    unique_names = list(
        live.filter(kind="person")
        .exclude(first_name__contains=" ")
        .exclude(first_name__contains="-")
        .values("first_name", "last_name")
        .annotate(n=Count("id"))
        .filter(n=1)
        .order_by("last_name", "first_name")[:400]
    )
    rng.shuffle(unique_names)
    for names in unique_names[:60]:
        customer = live.filter(first_name=names["first_name"], last_name=names["last_name"]).first()
        if customer is None:
            continue
        text = f"{customer.first_name} {customer.last_name}"
        if [hit.customer_id for hit in customer_search_ids(query=text)] == [customer.pk]:
            queries.append(Query("rare full name (one match)", text, customer.pk))
            # A slip that survives folding ("ö" typed as "o" is no typo to the search).
            slipped = misspell(customer.last_name, rng)
            for _attempt in range(20):
                if fold(slipped) != fold(customer.last_name):
                    break
                slipped = misspell(customer.last_name, rng)
            else:
                # Every slip the rules know for this name was a diacritic: swap two letters instead.
                name = customer.last_name
                cut = next((i for i in range(1, len(name) - 1) if name[i] != name[i + 1]), 0)
                slipped = name[:cut] + name[cut + 1] + name[cut] + name[cut + 2 :]
            typo = f"{customer.first_name} {slipped}"
            queries.append(Query("misspelt full name", typo, customer.pk))
            break
    queries.append(Query("city without diacritics", "Goteborg"))
    sample = _sample(live, rng)
    if sample is not None:
        queries.append(Query("customer number", str(sample.customer_number), sample.pk))
    with_email = _sample(live.exclude(primary_email=""), rng)
    if with_email is not None:
        queries.append(Query("email", with_email.primary_email, with_email.pk))
    swedish = _sample(live.filter(primary_phone__startswith="+467"), rng)
    if swedish is not None:
        national = swedish.primary_phone[3:]
        queries += [
            Query(
                "phone, local", f"0{national[:2]}-{national[2:5]} {national[5:7]} {national[7:]}", swedish.pk
            ),
            Query(
                "phone, international",
                f"+46 {national[:2]} {national[2:5]} {national[5:7]} {national[7:]}",
                swedish.pk,
            ),
            Query("phone, 00 prefix", f"0046{national}", swedish.pk),
        ]
    person = _sample(live.filter(national_id_kind="se_personnummer"), rng)
    if person is not None:
        compact = person.national_id
        queries += [
            Query("personnummer YYYYMMDD-NNNN", f"{compact[:8]}-{compact[8:]}", person.pk),
            Query("personnummer without separator", compact, person.pk),
            Query("personnummer YYMMDD-NNNN", f"{compact[2:8]}-{compact[8:]}", person.pk),
        ]
    for kind, label in (
        ("no_fodselsnummer", "fødselsnummer DDMMYY NNNNN"),
        ("se_orgnr", "organisationsnummer NNNNNN-NNNN"),
    ):
        holder = live.filter(national_id_kind=kind).first()
        if holder is not None:
            queries.append(Query(label, holder.national_id_display, holder.pk))
    young_finn = live.filter(national_id_kind="fi_hetu", national_id__contains="A").first()
    if young_finn is not None:
        queries.append(Query("henkilötunnus, born 2000s (A)", young_finn.national_id, young_finn.pk))
    return queries


def _sample(customers: Any, rng: random.Random) -> Any:
    """A random row of ``customers``, found by offset so it costs one index scan, not a sort."""
    count = customers.count()
    return customers.order_by("pk")[rng.randrange(count)] if count else None


def _single_creates(api: Client, server: Server, args: argparse.Namespace, start_index: int) -> list[Row]:
    from lojal.demo.generator import generate_customers

    records = list(generate_customers(args.single_creates, seed=args.seed + 1, start_index=start_index))
    _say(f"Creating {len(records)} customers one request each")
    position = server.log_position()
    latencies, statuses = [], []
    started = time.perf_counter()
    for record in records:
        response = api.post_json("/api/v1/customers", record)
        latencies.append(response.seconds)
        statuses.append(response.status)
    seconds = time.perf_counter() - started
    return [
        Row.from_latencies(
            "create one customer: POST /api/v1/customers (sequential)",
            latencies,
            rate=f"{len(records) / seconds:,.0f} customers/s",
            server_ms=server.server_times_ms(position),
            result=_statuses(statuses),
        )
    ]


def _batch_creates(api: Client, server: Server, args: argparse.Namespace, start_index: int) -> list[Row]:
    from lojal.demo.generator import generate_customers

    _say(f"Creating {args.batches} batches of 1,000")
    position = server.log_position()
    latencies, statuses = [], []
    created = 0
    for number in range(args.batches):
        items = list(generate_customers(1000, seed=args.seed + 2, start_index=start_index + number * 1000))
        response = api.post_json("/api/v1/customers/batch", {"items": items})
        latencies.append(response.seconds)
        statuses.append(response.status)
        if response.status == 201:
            created += int(response.json()["created"])
    seconds = sum(latencies)
    return [
        Row.from_latencies(
            "create 1,000 customers: POST /api/v1/customers/batch",
            latencies,
            rate=f"{created / seconds:,.0f} customers/s" if seconds else "",
            server_ms=server.server_times_ms(position),
            result=_statuses(statuses),
        )
    ]


def _searches(api: Client, server: Server, queries: list[Query], repeats: int) -> list[Row]:
    _say(f"Searching: {len(queries)} kinds of query, {repeats} times each")
    rows = []
    for query in queries:
        for _warm_up in range(2):
            api.get("/api/v1/customers/search", q=query.text)
        position = server.log_position()
        latencies, statuses = [], []
        response = None
        for _repeat in range(repeats):
            response = api.get("/api/v1/customers/search", q=query.text)
            latencies.append(response.seconds)
            statuses.append(response.status)
        assert response is not None
        if response.status == 200:
            items = response.json()["items"]
            hits = f"{len(items)} hits" + (" (limit 20)" if len(items) == 20 else "")
            if query.expected_id is not None:
                ids = [item["id"] for item in items]
                found = (
                    "found first"
                    if ids[:1] == [query.expected_id]
                    else "found"
                    if query.expected_id in ids
                    else "NOT FOUND"
                )
                hits = f"{hits}, {found}"
        else:
            hits = _statuses(statuses)
        rows.append(
            Row.from_latencies(
                f"search {query.label}: `{query.text}`",
                latencies,
                server_ms=server.server_times_ms(position),
                result=hits,
            )
        )
    return rows


def _login(port: int) -> Client:
    client = Client(HOST, port)
    page = client.get("/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body.decode())
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    body = urlencode(
        {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": match.group(1)}
    )
    response = client.request(
        "POST",
        "/login/",
        body=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}/login/",
        },
    )
    if response.status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login failed with status {response.status}")
    return client


def _reads(api: Client, server: Server, read_ids: list[int], port: int) -> list[Row]:
    _say(f"Reading {len(read_ids)} customers with {EVENTS_PER_CUSTOMER + 1} timeline events, API and page")
    for customer_id in read_ids[:5]:
        api.get(f"/api/v1/customers/{customer_id}")
    position = server.log_position()
    latencies, statuses = [], []
    for _round in range(2):
        for customer_id in read_ids:
            response = api.get(f"/api/v1/customers/{customer_id}")
            latencies.append(response.seconds)
            statuses.append(response.status)
    rows = [
        Row.from_latencies(
            "read customer + 50 timeline entries: GET /api/v1/customers/{id}",
            latencies,
            server_ms=server.server_times_ms(position),
            result=_statuses(statuses),
        )
    ]
    page = _login(port)
    for customer_id in read_ids[:5]:
        page.get(f"/customers/{customer_id}/")
    position = server.log_position()
    latencies, statuses = [], []
    for customer_id in read_ids:
        response = page.get(f"/customers/{customer_id}/")
        latencies.append(response.seconds)
        statuses.append(response.status)
    rows.append(
        Row.from_latencies(
            "customer page, signed in: GET /customers/{id}/",
            latencies,
            server_ms=server.server_times_ms(position),
            result=_statuses(statuses) + f", {len(response.body) // 1024} KiB",
        )
    )
    return rows


def _sustained(server: Server, port: int, token: str, read_ids: list[int], args: argparse.Namespace) -> Row:
    paths = [f"/api/v1/customers/{customer_id}" for customer_id in read_ids]
    use_wrk = wrk_available() and not args.python_load
    _say(
        f"Sustained reads for {args.duration} s with {args.concurrency} connections ({'wrk' if use_wrk else 'Python threads'})"
    )
    position = server.log_position()
    if use_wrk:
        result = load_with_wrk(HOST, port, paths, f"Bearer {token}", args.duration, args.concurrency)
    else:
        result = load_with_threads(
            HOST, port, paths, {"Authorization": f"Bearer {token}"}, args.duration, args.concurrency
        )
    server_ms = server.server_times_ms(position)
    return Row(
        f"sustained reads GET /api/v1/customers/{{id}}, {args.concurrency} connections, {args.duration} s ({result.tool})",
        result.requests,
        f"{result.per_second:,.0f} requests/s",
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        server_p50_ms=percentile(server_ms, 0.50) if server_ms else None,
        result=f"{result.errors} errors",
    )


def _statuses(statuses: list[int]) -> str:
    counts: dict[int, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{count} × {status}" for status, count in sorted(counts.items()))


def _report(args: argparse.Namespace, database: str, facts: dict[str, str], rows: list[Row]) -> str:
    import django

    lines = [
        f"# Customers benchmark: {args.database}, {args.customers:,} customers",
        "",
        f"- When: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}",
        f"- Machine: {machine()}; Python {platform.python_version()}, Django {django.get_version()}",
        f"- Database: {database}",
        f"- Server: {facts.get('server', '?')}, over loopback (127.0.0.1); "
        f"the load generator and the database run on the same machine",
        f"- Data: {facts.get('customers', '?')}; {facts.get('database size', '')}",
        f"- 1-minute load average when the run started: {facts.get('load average before', '?')} "
        "(anything else running on the machine skews the figures)",
        "- Latencies are measured by the client (one keep-alive connection, requests one after another) and "
        "include HTTP over loopback; *server p50* is gunicorn's own request time from its access log.",
        "",
        table(rows),
    ]
    return "\n".join(lines)


def _analyze() -> None:
    """What autovacuum does within a minute of a bulk load: fresh statistics (and a visibility map), so
    that the measurements see the plans a running system has rather than those for empty tables."""
    from django.db import connection

    _say("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
