"""What one ``POST /api/v1/customers`` costs the server, measured in this process through the real
WSGI handler against the database a ``customers --keep`` run left: wall time, CPU time and SQL
statements per create. On a machine shared with other work these say more than a rate over HTTP."""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from typing import Any

from bench.customers import BENCH_USER, HOST, _load_average
from bench.databases import RESULTS, bench_database
from bench.loading import django_setup

WARM_UP = 20  # the connection prepares a statement the fifth time it runs it; plans settle after that


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "create-cost",
        help="CPU time, wall time and SQL statements per single customer create, in process (needs --keep data).",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--creates", type=int, default=300, help="timed creates (default 300)")
    parser.add_argument("--seed", type=int, default=11)


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database)
    if not database.exists():
        print("No database from an earlier `customers --keep` run.", file=sys.stderr)
        return 2
    django_setup(
        {
            "LOJAL_DATABASE_URL": database.url,
            "LOJAL_SECRET_KEY": "bench",
            "LOJAL_ALLOWED_HOSTS": HOST,
            "LOJAL_VAR_DIR": str(RESULTS / f"var-{args.database}"),
            "LOJAL_LOG_LEVEL": "ERROR",
            "LOJAL_DEMO": "",
        }
    )
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lojal.accounts.models import User
    from lojal.accounts.services import token_create
    from lojal.customers.models import Customer
    from lojal.demo.generator import generate_customers

    secret = token_create(user=User.objects.get(username=BENCH_USER), name="create-cost").secret
    # Indices past every customer a benchmark created, so that no national number repeats.
    start = Customer.objects.count() + 100_000
    records = generate_customers(WARM_UP * 2 + args.creates, seed=args.seed, start_index=start)
    application = get_wsgi_application()

    def create(record: dict[str, Any]) -> None:
        body = json.dumps(record).encode()
        statuses: list[str] = []
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/customers",
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": HOST,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "HTTP_ACCEPT": "application/json",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = application(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()  # type: ignore[attr-defined]
        if not statuses[0].startswith("201"):
            raise RuntimeError(f"create answered {statuses[0]}")

    for _ in range(WARM_UP):
        create(next(records))
    statements = []
    for _ in range(WARM_UP):
        with CaptureQueriesContext(connection) as queries:
            create(next(records))
        statements.append(len(queries.captured_queries))
    walls, cpus = [], []
    for record in records:
        wall, cpu = time.perf_counter(), time.process_time()
        create(record)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    print(
        f"{args.creates} creates on {args.database}: wall median {statistics.median(walls) * 1000:.2f} ms, "
        f"CPU median {statistics.median(cpus) * 1000:.2f} ms (this process), "
        f"statements per create {min(statements)}-{max(statements)} (BEGIN and COMMIT included, "
        f"the connection health check not); load average {_load_average()}"
    )
    return 0
