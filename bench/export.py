"""The customer list exported to CSV and to XLSX, every customer, the list's default columns: rows per
second and the peak memory (RSS) of the process writing it, each format in a fresh process so that
one's peak does not hide the other's. The file is written as the page writes it (core.exports: keyset
batches of 2,000, CSV chunks as streamed, XLSX through openpyxl's write-only workbook) to a
temporary file.

    python -m bench export --database postgres --rows 1000000
    python -m bench export --database postgres --rows 1000000 --reuse   # measure a kept database again
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from typing import Any

from bench.databases import RESULTS, bench_database, lojal_command
from bench.loading import django_setup, load_customers

DATABASE_NAME = "lojal_bench_export"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("export", help="Export N customers to CSV and XLSX: rows/s and peak RSS.")
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers to load and export")
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="export the database a previous run left")
    parser.add_argument("--formats", default="csv,xlsx")


def _say(message: str) -> None:
    print(f"[export] {message}", file=sys.stderr, flush=True)


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS now, VmHWM its peak): per process image, unlike
    ``ru_maxrss``, which a spawned child inherits from the parent it was forked from."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _measure(fmt: str, env: dict[str, str], answer: Any) -> None:
    """In a fresh process: export every customer in ``fmt``; put (rows, seconds, bytes, RSS before, peak)."""
    django_setup(env)
    from lojal.accounts.models import User
    from lojal.core import exports

    user = User.objects.get(username="bench")
    plan = exports.export_plan(source="customers", params={"sort": "name"}, user=user)
    before = _status_mib("VmRSS")
    rows = [0]

    def progress(done: int) -> None:
        rows[0] = done

    started = time.perf_counter()
    with tempfile.TemporaryFile() as target:
        if fmt == "xlsx":
            exports.xlsx_write(plan, target, progress=progress)
        else:
            for chunk in exports.csv_stream(plan, progress=progress):
                target.write(chunk)
        size = target.tell()
    seconds = time.perf_counter() - started
    peak = _status_mib("VmHWM")
    answer.put((rows[0], seconds, size, before, peak))


def _bench_user() -> int:
    from lojal.accounts.models import User
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create

    user = User.objects.filter(username="bench").first()
    if user is None:
        user = user_create(
            username="bench", password="bench-password-2026", role=Role.ADMINISTRATOR, first_name="Bench"
        )
    return int(user.pk)


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / "var-export"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    if not (args.reuse and database.exists()):
        _say(f"Creating {args.database_name}, migrating, loading {args.rows:,} customers")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        stats = load_customers(
            count=args.rows,
            seed=1,
            start_index=0,
            actor_id=_bench_user(),
            processes=args.load_processes if args.database == "postgres" else 1,
            env=env,
        )
        _say(f"loaded {stats.customers:,} customers at {stats.per_second:,.0f}/s")
        from django.db import connection, connections

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        connections.close_all()
    print(f"database: {database.describe()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    context = multiprocessing.get_context("spawn")
    for fmt in [name.strip() for name in args.formats.split(",") if name.strip()]:
        answer = context.Queue()
        process = context.Process(target=_measure, args=(fmt, env, answer))
        process.start()
        rows, seconds, size, before, peak = answer.get()
        process.join()
        print(
            f"{fmt:<5} {rows:>10,} rows  {seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s  "
            f"{size / 1024 / 1024:7.1f} MiB file  RSS {before:6.1f} MiB before the first row, peak {peak:6.1f} MiB"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0
