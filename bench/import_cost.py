"""What the customer import's check and commit cost, in process, on a fresh database: the imports
bench's customer file (streamed to disk), ``import_job_check`` then ``import_job_commit``, each with
wall time and CPU time of this process (all its threads), and the peak RSS. CPU time is the figure to
compare when other work shares the machine; run two versions of the code alternately."""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

from bench.databases import RESULTS, bench_database, lojal_command
from bench.imports import _load_average, write_customers
from bench.loading import django_setup


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "import-cost", help="Wall and CPU time of a customer import's check and commit, on a fresh database."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--name", default="lojal_import_cost", help="PostgreSQL database to (re)create")


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, name=args.name)
    database.create()
    data = RESULTS / "imports-data"
    data.mkdir(parents=True, exist_ok=True)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / f"var-import-cost-{args.database}"),
        "LOJAL_IMPORT_DIR": str(data / "uploads"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    lojal_command(["migrate", "--noinput"], env)
    django_setup(env)
    path = Path(data / f"customers-{args.customers}.csv")
    if not path.exists():
        write_customers(path, args.customers)
    from lojal.imports import services

    job = services.import_job_create(
        actor=None, kind="customers", upload=path, file_name=path.name, source="erp"
    )
    for phase in ("check", "commit"):
        wall, cpu = time.perf_counter(), time.process_time()
        if phase == "check":
            job = services.import_job_check(job_id=job.pk)
        else:
            job = services.import_job_commit(job_id=job.pk, actor=None)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{phase} of {args.customers:,} customers on {args.database}: wall {wall:.2f} s, CPU {cpu:.2f} s "
            f"({cpu / args.customers * 1e6:.0f} µs a row); status {job.status}, rejected {job.rejected_count}"
        )
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {_load_average()}"
    )
    database.drop()
    return 0
