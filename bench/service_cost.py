"""What creating customers costs through the services themselves, in process, on a fresh database:
single creates (``customer_create``) and batches of 1,000 (``customers_create_batch``), each with
wall time, CPU time and SQL statements per create; then customer reads through the API in process. No HTTP and no earlier load needed, so two
versions of the code can be compared on the same server in a minute."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.customers import _load_average
from bench.databases import RESULTS, bench_database
from bench.loading import django_setup

WARM_UP = 20  # the connection prepares a statement the fifth time it runs it; plans settle after that
BATCH = 1000


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "service-cost",
        help="Wall time, CPU time and SQL statements per customer create through the services, on a fresh database.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--name", default="lojal_service_cost", help="PostgreSQL database to (re)create")
    parser.add_argument("--creates", type=int, default=300, help="timed single creates (default 300)")
    parser.add_argument("--batches", type=int, default=5, help="timed batches of 1,000 (default 5)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--reads",
        type=int,
        default=1000,
        help="timed customer reads, GET /api/v1/customers/{id} in process (default 1,000; 0: none)",
    )


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, name=args.name)
    database.create()
    django_setup(
        {
            "LOJAL_DATABASE_URL": database.url,
            "LOJAL_SECRET_KEY": "bench",
            "LOJAL_VAR_DIR": str(RESULTS / f"var-service-cost-{args.database}"),
            "LOJAL_LOG_LEVEL": "ERROR",
            "LOJAL_DEMO": "",
            "LOJAL_ALLOWED_HOSTS": "testserver",
        }
    )
    from django.core.management import call_command

    from lojal.accounts.models import User
    from lojal.customers.creation import customer_create, customers_create_batch
    from lojal.demo.generator import generate_customers

    call_command("migrate", verbosity=0)
    actor = User.objects.create_user(username="service-cost", password="unused-bench-password")
    records = generate_customers(WARM_UP + args.creates + (args.batches + 1) * BATCH, seed=args.seed)

    for _ in range(WARM_UP):
        customer_create(actor=actor, data=next(records))
    singles = [next(records) for _ in range(args.creates)]
    walls, cpus, statements = _timed(lambda record: customer_create(actor=actor, data=record), singles)
    print(
        f"{args.creates} single creates on {args.database}: wall median {statistics.median(walls) * 1000:.2f} ms, "
        f"CPU median {statistics.median(cpus) * 1000:.2f} ms (this process), "
        f"statements per create {min(statements)}-{max(statements)}; load average {_load_average()}"
    )

    customers_create_batch(actor=actor, items=[next(records) for _ in range(BATCH)])  # warm-up
    batches = [[next(records) for _ in range(BATCH)] for _ in range(args.batches)]
    walls, cpus, statements = _timed(lambda items: customers_create_batch(actor=actor, items=items), batches)
    print(
        f"{args.batches} batches of {BATCH} on {args.database}: wall median "
        f"{statistics.median(walls) * 1000:.0f} ms ({BATCH / statistics.median(walls):.0f} creates/s), "
        f"CPU median {statistics.median(cpus) * 1000:.0f} ms, "
        f"statements per batch {min(statements)}-{max(statements)}; load average {_load_average()}"
    )
    if args.reads:
        _customer_reads(args)
    return 0


def _customer_reads(args: argparse.Namespace) -> None:
    """``GET /api/v1/customers/{id}`` through Django's whole stack in process (middleware, token, the
    handler, the JSON answer and the audit log's read entry), as a service agent who sees numbers."""
    from django.test import Client

    from lojal.accounts.services import token_create, user_create
    from lojal.customers.models import Customer

    reader = user_create(
        username="service-cost-reader", password="unused-bench-password", role="service_agent"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=reader, name='bench').secret}")
    ids = list(Customer.objects.order_by("?").values_list("pk", flat=True)[: args.reads])
    for customer_id in ids[:WARM_UP]:
        client.get(f"/api/v1/customers/{customer_id}")
    paths = [f"/api/v1/customers/{ids[n % len(ids)]}" for n in range(args.reads)]

    def read(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    walls, cpus, statements = _timed(read, paths)
    print(
        f"{args.reads} customer reads (GET /api/v1/customers/{{id}}) on {args.database}: wall median "
        f"{statistics.median(walls) * 1000:.2f} ms, CPU median {statistics.median(cpus) * 1000:.2f} ms, "
        f"statements per read {min(statements)}-{max(statements)}; load average {_load_average()}"
    )


def _timed(call: Callable[[Any], Any], inputs: list[Any]) -> tuple[list[float], list[float], list[int]]:
    """``call`` on each input in turn: its wall time, CPU time of this process and SQL statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus, statements = [], [], []
    for each in inputs:
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            call(each)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        statements.append(len(queries.captured_queries))
    return walls, cpus, statements
