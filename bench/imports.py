"""The imports benchmark: generate an ERP's customer and transaction files (streamed to disk, never held
in memory), import them through the same services as ``lojal import`` (dry run, then commit), import
them again with 1% of the rows changed, COPY the transaction file raw into a bare table as the
physical limit, and time the 12-month revenue of every customer in one aggregate.

It also measures the floor the database sets on any import: the rows the first import wrote, table by
table (a customer's row, emails, phones, addresses, source key, audit entry and creation event; a
transaction's row and timeline event), copied with one INSERT ... SELECT into an empty copy of the
table with the same indexes (and, on PostgreSQL, the customers' search-vector trigger). No parsing,
no validation, no look-ups: an import that writes those rows cannot be faster than their sum.

    python -m bench imports --database postgres --customers 100000 --transactions 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.databases import RESULTS, bench_database, lojal_command
from bench.loading import django_setup
from bench.report import commit, machine

DATABASE_NAME = "lojal_bench_imports"
CUSTOMER_HEADER = "Kundnr;Förnamn;Efternamn;Personnummer;E-post;Telefon;Adress;Postnr;Ort;Land\n"
TRANSACTION_HEADER = "Verifikation;Kundnr;Datum;Typ;Antal;Belopp;Valuta;TB;Kanal\n"
FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sara",
    "Per",
    "Åsa",
    "Björn",
    "Ingrid",
    "Nils",
    "Sofia",
    "Olof",
    "Linnéa",
    "Gustav",
    "Elin",
    "Henrik",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindqvist",
    "Öberg",
    "Ängström",
    "Sjöberg",
    "Lundgren",
    "Berg",
]
TOWNS = [
    ("Stockholm", "111 22"),
    ("Göteborg", "411 05"),
    ("Malmö", "211 19"),
    ("Uppsala", "753 20"),
    ("Västerås", "722 11"),
    ("Örebro", "702 10"),
    ("Linköping", "582 22"),
    ("Umeå", "903 26"),
]
STREETS = ["Storgatan", "Kungsgatan", "Drottninggatan", "Skolgatan", "Järnvägsgatan", "Östra vägen"]
CHANNELS = ["Webb", "Webb", "Webb", "Butik", "Butik", "Telefon", "Partner"]


def _ascii(text: str) -> str:
    return text.lower().translate(str.maketrans("åäöé", "aaoe"))


def _nordic(amount: float) -> str:
    """1234.5 -> "1 234,50", the way a Swedish ERP writes it."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def write_customers(path: Path, count: int, *, changed_every: int = 0) -> None:
    from lojal.demo.identifiers import se_personnummer

    rng = random.Random(1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(CUSTOMER_HEADER)
        for index in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            town, postal = rng.choice(TOWNS)
            street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
            if changed_every and index % changed_every == 0:
                town, postal, street = "Mölndal", "431 30", "Nya gatan 1"
            out.write(
                f"K{index};{first};{last};{se_personnummer(index).value};{_ascii(first)}.{_ascii(last)}.{index}@example.se;"
                f"070-{index % 10_000_000:07d};{street};{postal};{town};SE\n"
            )


def write_transactions(path: Path, count: int, customers: int, *, changed_every: int = 0) -> None:
    rng = random.Random(2)
    start = dt.datetime(2025, 1, 1)
    span = 2 * 365 * 24 * 60
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(TRANSACTION_HEADER)
        lines = []
        for index in range(count):
            moment = start + dt.timedelta(minutes=rng.randrange(span))
            refund = rng.random() < 0.03
            amount = round(rng.lognormvariate(6, 1), 2)
            if changed_every and index % changed_every == 0:
                amount += 1
            currency = "SEK" if rng.random() < 0.9 else rng.choice(("EUR", "NOK", "DKK"))
            lines.append(
                f"V{index};K{rng.randrange(customers)};{moment:%Y-%m-%d %H:%M};{'Retur' if refund else 'Köp'};"
                f"{rng.randint(1, 5)};{'-' if refund else ''}{_nordic(amount)};{currency};{_nordic(amount * 0.3)};"
                f"{rng.choice(CHANNELS)}\n"
            )
            if len(lines) == 10_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Phase:
    label: str
    rows: int
    seconds: float
    detail: str = ""
    rss_mb: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _import(kind: str, path: Path, phases: list[Phase], label: str) -> Any:
    from lojal.imports import services

    job = services.import_job_create(actor=None, kind=kind, upload=path, file_name=path.name, source="erp")
    last = [0.0]

    def progress(current: Any) -> None:
        now = time.monotonic()
        if now - last[0] > 5:
            last[0] = now
            _say(f"  {label} check: {current.rows_done:,} rows ({current.percent}%)")

    started = time.monotonic()
    job = services.import_job_check(job_id=job.pk, progress=progress)
    checked = time.monotonic() - started
    if job.status != "checked" or job.rejected_count:
        raise RuntimeError(f"{label}: {job.status} {job.error} rejected={job.rejected_count}")
    rows = job.rows_done
    counts = f"{job.created_count:,} new, {job.updated_count:,} changed, {job.unchanged_count:,} unchanged"
    phases.append(Phase(f"{label}: dry run (check)", rows, checked, counts, current_rss_mb()))
    _say(f"  {label} check: {checked:.1f} s, {rows / checked:,.0f} rows/s ({counts})")
    started = time.monotonic()
    job = services.import_job_commit(job_id=job.pk, actor=None)
    committed = time.monotonic() - started
    if job.status != "done":
        raise RuntimeError(f"{label}: commit {job.status} {job.error}")
    phases.append(Phase(f"{label}: commit", rows, committed, "", current_rss_mb()))
    phases.append(Phase(f"{label}: dry run + commit", rows, checked + committed, counts, current_rss_mb()))
    _say(f"  {label} commit: {committed:.1f} s; total {rows / (checked + committed):,.0f} rows/s")
    return job


def _raw_copy(kind: str, path: Path) -> float:
    """The physical limit: the transaction file into a bare table of text columns, nothing checked."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_transactions")
        cursor.execute(
            "CREATE TABLE bench_raw_transactions (verifikation text, kundnr text, datum text, typ text, "
            "antal text, belopp text, valuta text, tb text, kanal text)"
        )
    started = time.monotonic()
    if kind == "postgres":
        with connection.cursor() as cursor, path.open("rb") as source:
            statement = "COPY bench_raw_transactions FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
            with cursor.cursor.copy(statement) as copy:
                while chunk := source.read(1024 * 1024):
                    copy.write(chunk)
    else:
        with connection.cursor() as cursor, path.open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source, delimiter=";")
            next(reader)
            batch: list[list[str]] = []
            for row in reader:
                batch.append(row)
                if len(batch) == 5000:
                    cursor.executemany(
                        "INSERT INTO bench_raw_transactions VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch
                    )
                    batch = []
            if batch:
                cursor.executemany(
                    "INSERT INTO bench_raw_transactions VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch
                )
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_transactions")
    return seconds


def _floor(kind: str, table: str, where: str = "") -> float:
    """Seconds to copy the rows of ``table`` (those matching ``where``) into an empty copy of it with
    the same indexes (and on PostgreSQL the row trigger that fills the search vector) in one
    INSERT ... SELECT."""
    from django.db import connection

    copy = f"bench_floor_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {copy}")
        if kind == "postgres":
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            cursor.execute(
                "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgrelid = %s::regclass "
                "AND NOT t.tgisinternal AND (t.tgtype & 1) = 1 AND (t.tgtype & 2) = 2",  # row, before
                [table],
            )
            for (definition,) in cursor.fetchall():
                cursor.execute(
                    definition.replace(" ON public.", " ON ")
                    .replace(f" ON {table} ", f" ON {copy} ")
                    .replace("CREATE TRIGGER ", f"CREATE TRIGGER {copy}_", 1)
                )
        else:
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                "AND type IN ('table', 'index') ORDER BY type = 'index'",
                [table],
            )
            for _type, name, sql in cursor.fetchall():
                # Names are quoted by Django's schema editor, bare in hand-written migrations.
                if _type == "table":
                    pattern, wanted = rf'^CREATE TABLE "?{table}"?', f'CREATE TABLE "{copy}"'
                else:
                    pattern = rf'^CREATE (UNIQUE )?INDEX "?{name}"? ON "?{table}"?'
                    wanted = rf'CREATE \1INDEX "{copy}_{name}" ON "{copy}"'
                renamed = re.sub(pattern, wanted, sql, count=1, flags=re.I)
                if renamed == sql:
                    raise RuntimeError(f"Cannot copy the schema of {table}: {sql}")
                cursor.execute(renamed)
        cursor.execute("CHECKPOINT" if kind == "postgres" else "PRAGMA wal_checkpoint(TRUNCATE)")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table}" + (f" WHERE {where}" if where else ""))
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {copy}")
    return seconds


def _timed(function: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.monotonic()
        result = function()
        times.append(time.monotonic() - started)
    return times, result


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    data = Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / f"var-imports-{args.database}"),
        "LOJAL_IMPORT_DIR": str(data / "uploads"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    facts = {"load average before": _load_average()}
    started = time.monotonic()
    files = {
        "customers": data / f"customers-{args.customers}.csv",
        "transactions": data / f"transactions-{args.transactions}-{args.customers}.csv",
        "customers changed": data / f"customers-{args.customers}-changed.csv",
        "transactions changed": data / f"transactions-{args.transactions}-{args.customers}-changed.csv",
    }
    os.environ.update(env)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    for label, path in files.items():
        if path.exists() and not args.regenerate:
            continue
        _say(f"Generating {path.name}")
        begun = time.monotonic()
        changed = 100 if "changed" in label else 0
        if label.startswith("customers"):
            write_customers(path, args.customers, changed_every=changed)
        else:
            write_transactions(path, args.transactions, args.customers, changed_every=changed)
        _say(f"  {time.monotonic() - begun:.0f} s, {path.stat().st_size / 1e6:,.0f} MB")
    if args.after_imports:
        # The imports of an earlier run of the same sizes (its database kept, e.g. by a run that
        # stopped later on) are not repeated: only the phases below are measured.
        _say(f"Reusing {database.name} as an earlier run's imports left it")
        django_setup(env)
        facts["database"] = database.describe() + " (imports of an earlier run reused)"
        phases: list[Phase] = []
        rss_start = rss_after_customers = rss_after_transactions = current_rss_mb()
    else:
        _say(f"Creating a fresh {args.database} database {database.name} and migrating it")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        facts["database"] = database.describe()
        phases = []
        rss_start = current_rss_mb()
        _say("Importing customers")
        _import("customers", files["customers"], phases, "customers, first import")
        rss_after_customers = peak_rss_mb()
        _say("Importing transactions")
        _import("transactions", files["transactions"], phases, "transactions, first import")
        rss_after_transactions = peak_rss_mb()
        if args.database == "postgres":
            # A nightly re-import finds the first import's rows vacuumed and analysed by autovacuum; the
            # bench does that at once rather than racing it, and reports how long it took.
            _say("VACUUM ANALYZE after the first import (as autovacuum would)")
            begun = time.monotonic()
            from django.db import connection

            with connection.cursor() as cursor:
                for table in (
                    "sales_transaction",
                    "timeline_event",
                    "customers_customer",
                    "sales_customersourcekey",
                ):
                    cursor.execute(f"VACUUM ANALYZE {table}")
            facts["VACUUM ANALYZE between the first import and the re-import"] = (
                f"{time.monotonic() - begun:.1f} s (not counted in any import)"
            )
        _say("Re-importing with 1% of the rows changed")
        _import("customers", files["customers changed"], phases, "customers, re-import (1% changed)")
        _import("transactions", files["transactions changed"], phases, "transactions, re-import (1% changed)")
    _say("Raw COPY of the transaction file into a bare table")
    raw_seconds = _raw_copy(args.database, files["transactions"])
    phases.append(
        Phase(
            "transactions: raw COPY into a bare table (physical limit)"
            if args.database == "postgres"
            else "transactions: csv.reader + executemany into a bare table (physical limit)",
            args.transactions,
            raw_seconds,
        )
    )
    _say(f"  {raw_seconds:.1f} s, {args.transactions / raw_seconds:,.0f} rows/s")
    # Everything the first import wrote per row, table by table: the floor of an import is the sum.
    floors = {
        "customers": [
            ("customers_customer", ""),
            ("customers_emailaddress", ""),
            ("customers_phonenumber", ""),
            ("customers_address", ""),
            ("sales_customersourcekey", ""),
            ("core_auditentry", "action = 'create' AND object_type = 'customers.customer'"),
            ("timeline_event", "kind = 'customer.created'"),
        ],
        "transactions": [("sales_transaction", ""), ("timeline_event", "kind = 'sales.transaction'")],
    }
    for what, count in (("customers", args.customers), ("transactions", args.transactions)):
        total = 0.0
        for table, where in floors[what]:
            _say(f"Floor: {table} rows of the {what} into an empty indexed copy")
            seconds = _floor(args.database, table, where)
            _say(f"  {seconds:.1f} s")
            total += seconds
            if table in ("customers_customer", "sales_transaction"):
                main = seconds
        tables = ", ".join(table for table, _where in floors[what])
        phases.append(
            Phase(
                f"{what}: the database's floor, its own table only: INSERT ... SELECT of the stored rows "
                "into an empty copy with the same indexes"
                + (" and search trigger" if what == "customers" and args.database == "postgres" else ""),
                count,
                main,
            )
        )
        phases.append(
            Phase(
                f"{what}: the database's floor, every row the import writes ({tables}), the same way",
                count,
                total,
            )
        )
        _say(f"  {what}: {count / main:,.0f} rows/s own table, {count / total:,.0f} rows/s all tables")
    _say("Revenue and margin of every customer over the last 12 months")
    from django.db import connection
    from django.utils import timezone

    from lojal.sales.models import Transaction
    from lojal.sales.selectors import revenue_by_customer

    if args.database == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE sales_transaction")
    total = Transaction.objects.count()
    now = timezone.now()
    figures = revenue_by_customer(start=now - dt.timedelta(days=365), end=now)
    sql, params = figures.query.sql_with_params()

    def in_database() -> int:
        # The whole aggregate computed by the server, only its row count sent back.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS figures", params)
            return int(cursor.fetchone()[0])

    def fetched() -> int:
        # The same rows streamed into Python as dicts with Decimal sums, as a report would read them.
        return sum(1 for _row in figures.all().iterator(chunk_size=20_000))

    times, rows = _timed(in_database, args.repeats)
    fetch_times, _fetched_rows = _timed(fetched, max(1, args.repeats // 2))
    facts["load average after"] = _load_average()
    facts["peak RSS"] = (
        f"{peak_rss_mb():,.0f} MB for the whole run (after customers {rss_after_customers:,.0f} MB, after "
        f"transactions {rss_after_transactions:,.0f} MB; {rss_start:,.0f} MB at start)"
    )
    report = _report(
        args, phases, (times, fetch_times), rows, total, facts, time.monotonic() - started, database
    )
    target = RESULTS / f"imports-{args.database}-{args.customers}.md"
    target.write_text(report)
    print(report)
    _say(f"Written to {target}")
    if not args.keep:
        database.drop()
    return 0


def _report(
    args: argparse.Namespace,
    phases: list[Phase],
    timings: tuple[list[float], list[float]],
    groups: int,
    total: int,
    facts: dict[str, str],
    seconds: float,
    database: Any,
) -> str:
    times, fetch_times = timings
    by_label = {phase.label: phase for phase in phases}
    raw = next(phase for phase in phases if "physical limit" in phase.label)
    first_tx = by_label.get("transactions, first import: dry run + commit")
    first_cu = by_label.get("customers, first import: dry run + commit")
    again_tx = by_label.get("transactions, re-import (1% changed): dry run + commit")
    again_cu = by_label.get("customers, re-import (1% changed): dry run + commit")
    limit = "raw COPY" if args.database == "postgres" else "csv.reader + executemany into a bare table"
    tx_floor = next(
        phase for phase in phases if phase.label.startswith("transactions: the database's floor, every")
    )
    cu_floor = next(
        phase for phase in phases if phase.label.startswith("customers: the database's floor, every")
    )
    tx_own = next(
        phase for phase in phases if phase.label.startswith("transactions: the database's floor, its")
    )
    lines = [
        f"# Imports benchmark: {args.customers:,} customers, {args.transactions:,} transactions on {args.database}",
        "",
        f"`python -m bench imports --database {args.database} --customers {args.customers} "
        f"--transactions {args.transactions}{' --after-imports' if args.after_imports else ''}` at commit {commit()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| phase | rows | seconds | rows/s | detail | RSS MB |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for phase in phases:
        lines.append(
            f"| {phase.label} | {phase.rows:,} | {phase.seconds:,.1f} | {phase.rate:,.0f} | {phase.detail} | "
            f"{phase.rss_mb:,.0f} |"
            if phase.rss_mb
            else f"| {phase.label} | {phase.rows:,} | {phase.seconds:,.1f} | {phase.rate:,.0f} | {phase.detail} | |"
        )
    lines += [
        "",
        "| figure | value |",
        "| --- | --- |",
    ]
    if first_cu and first_tx and again_cu and again_tx:
        lines += [
            f"| customers imported per second, full validation (dry run + commit) | {first_cu.rate:,.0f} |",
            f"| transactions imported vs {limit} | {first_tx.rate / raw.rate:.1%} of {raw.rate:,.0f} rows/s |",
            f"| re-import speed-up, customers | {first_cu.seconds / again_cu.seconds:.1f}x |",
            f"| re-import speed-up, transactions | {first_tx.seconds / again_tx.seconds:.1f}x |",
        ]
    lines += [
        f"| the database's floor for transactions (typed rows into the indexed tables, nothing else) vs {limit} | "
        f"{tx_floor.rate / raw.rate:.1%} ({tx_floor.rate:,.0f} rows/s; the transaction table alone "
        f"{tx_own.rate / raw.rate:.1%}) |",
        f"| the database's floor for customers (every row a new customer writes, nothing else) | "
        f"{cu_floor.rate:,.0f} rows/s |",
        f"| 12-month revenue and margin of every customer, one GROUP BY over {total:,} transactions, "
        f"computed in the database | {_spread(times)}, {groups:,} customer-currency groups |",
        f"| the same, streamed into Python (dicts with Decimal sums) | {_spread(fetch_times)} |",
        "",
        "## Setting",
        "",
        f"- machine: {machine()}",
    ]
    lines += [f"- {name}: {value}" for name, value in facts.items()]
    lines += [f"- whole run: {seconds / 60:,.1f} min (file generation included)", ""]
    return "\n".join(lines)


def _spread(times: list[float]) -> str:
    return (
        f"p50 {statistics.median(times) * 1000:,.0f} ms (min {min(times) * 1000:,.0f}, "
        f"max {max(times) * 1000:,.0f}; {len(times)} runs)"
    )


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "imports", help="Import generated ERP files (customers, transactions) and measure."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs of the revenue aggregate (default 5)")
    parser.add_argument(
        "--data-dir", default=str(RESULTS / "imports-data"), help="where the generated files go"
    )
    parser.add_argument("--regenerate", action="store_true", help="write the files again even if present")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--after-imports",
        action="store_true",
        help="reuse the kept database of an earlier run of the same sizes and measure only what follows "
        "the imports (raw COPY, floors, revenue)",
    )
    parser.add_argument(
        "--database-name",
        default=DATABASE_NAME,
        help=f"the benchmark database's name (default {DATABASE_NAME}), so that runs side by side don't collide",
    )
