"""My pages at scale: a signed-in customer's case list and case page with 1,000,000 customers and
1,000,000 cases (the database ``python -m bench cases --database postgres --keep`` leaves; by default
``lojal_bench_cases_int``), timed in this process through Django's test client (the whole view,
session check, theme and template; no HTTP), alternating list and case page, one request after
another. The data a customer's page needs that the case bench does not write (the sessions, a public
conversation of six messages with a file on half the measured cases) is written inside one
transaction that is rolled back at the end, so the kept database is left as it was (but migrated)."""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from bench.customers import HOST, _load_average, _say, database_prepare, server_env
from bench.databases import RESULTS, bench_database
from bench.http import percentile
from bench.report import commit, machine

DATABASE_NAME = "lojal_bench_cases_int"
MEASURED = ("case list (My cases)", "case page")
#: The smallest valid PNG: a file in the measured conversations.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


class _Rollback(Exception):
    """Leaves the measurement's transaction without committing anything."""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "portal",
        help="Time My pages' case list and case page (p50/p95/p99) on the kept 1M customers / 1M cases "
        "PostgreSQL database, in process.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--requests", type=int, default=500, help="timed requests of each page")
    parser.add_argument(
        "--customers", type=int, default=200, help="signed-in customers the requests rotate over"
    )
    parser.add_argument("--seed", type=int, default=1)


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    var_dir = RESULTS / f"var-portal-{args.database}"
    env = server_env(database.url, var_dir)
    facts: dict[str, str] = {"load average before": _load_average()}
    # Never created or dropped here: the database is the case bench's, kept for reuse (and migrated).
    if not database_prepare(database, env, reuse=True, creating="", migrate_on_reuse=True):
        print(
            f"Make it first: python -m bench cases --database {args.database} "
            f"--database-name {args.database_name} --keep"
        )
        return 2
    facts.update(_counts())
    facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
    timings: dict[str, list[float]] = {}
    try:
        timings = _measure(args, facts)
    finally:
        facts["load average after"] = _load_average()
    report = _report(args, database.describe(), facts, timings)
    print()
    print(report)
    path = RESULTS / f"portal-{args.database}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)}")
    return 0


def _counts() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
    return {"customers": f"{customers:,}", "cases": f"{cases:,}"}


def _sample_cases(rng: random.Random, count: int) -> list[tuple[int, int]]:
    """``count`` random cases with a customer: (case id, customer id), drawn by random id."""
    from lojal.cases.models import Case

    bounds = Case.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    assert low is not None and high is not None, "no cases in the database"
    found: dict[int, int] = {}
    while len(found) < count:
        row = (
            Case.objects.filter(
                pk__gte=rng.randint(low, high), customer_id__isnull=False, merged_into__isnull=True
            )
            .order_by("pk")
            .values_list("pk", "customer_id")
            .first()
        )
        if row is not None:
            found[row[1]] = row[0]
    return [(case_id, customer_id) for customer_id, case_id in found.items()]


def _conversation(case_id: int, customer_id: int, at: Any) -> None:
    """Six messages (three each way) and a file, as a case page usually shows, through the services."""
    import datetime as dt

    from lojal.cases import services as case_services
    from lojal.interactions import services as interactions_services
    from lojal.interactions.services import IncomingFile

    for turn in range(3):
        customer_message = interactions_services.portal_message_record(
            customer_id=customer_id,
            text=f"Question {turn}: the invoice is wrong, see the picture.",
            files=[IncomingFile("invoice.png", "image/png", PNG)] if turn == 0 else [],
        )
        answer = interactions_services.interaction_record(
            channel="email",
            direction="out",
            customer_id=customer_id,
            occurred_at=at + dt.timedelta(hours=turn, minutes=30),
            subject="Re: invoice",
            body_text=f"Answer {turn}: we have corrected it.",
        )
        for interaction_id in (customer_message.pk, answer.pk):
            case_services.case_interaction_attach(case_id=case_id, interaction_id=interaction_id)


def _measure(args: argparse.Namespace, facts: dict[str, str]) -> dict[str, list[float]]:
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from lojal.portal.identity import COOKIE_NAME, portal_session_start

    rng = random.Random(args.seed)
    timings: dict[str, list[float]] = {kind: [] for kind in MEASURED}
    try:
        with transaction.atomic():
            sample = _sample_cases(rng, args.customers)
            now = timezone.now()
            for index, (case_id, customer_id) in enumerate(sample):
                if index % 2 == 0:
                    _conversation(case_id, customer_id, now)
            # One client (one handler, its middleware loaded once, as in a server process) whose
            # cookie is the signed-in customer of each request.
            client = Client(HTTP_HOST=HOST)
            clients: list[tuple[str, int]] = []
            for case_id, customer_id in sample:
                _session, key = portal_session_start(
                    customer_id=customer_id, contact_person_id=None, label="bench"
                )
                clients.append((key, case_id))
            facts["signed-in customers"] = f"{len(clients):,} (half of their measured cases with 6 messages)"

            def timed(key: str, path: str) -> float:
                client.cookies[COOKIE_NAME] = key
                began = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")
                return elapsed

            for key, case_id in clients[:5]:  # warm the caches and the connection
                timed(key, "/portal/")
                timed(key, f"/portal/cases/{case_id}/")
            facts["load average at the measurement"] = _load_average()
            for _ in range(args.requests):
                key, case_id = rng.choice(clients)
                timings["case list (My cases)"].append(timed(key, "/portal/"))
                timings["case page"].append(timed(key, f"/portal/cases/{case_id}/"))
            raise _Rollback
    except _Rollback:
        pass
    return timings


def _report(
    args: argparse.Namespace, database: str, facts: dict[str, str], timings: dict[str, list[float]]
) -> str:
    lines = [
        f"# My pages: case list and case page ({facts.get('customers', '?')} customers, {facts.get('cases', '?')} cases)",
        "",
        f"`python -m bench portal --database {args.database} --database-name {args.database_name} "
        f"--requests {args.requests}` at {commit()} on {machine()}",
        "",
        f"Database: {database}",
        "",
        *[f"- {key}: {value}" for key, value in facts.items()],
        "",
        "| page | where timed | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in MEASURED:
        values = timings.get(kind, [])
        lines.append(
            f"| {kind} | server (in-process Django client) | {len(values)} | {percentile(values, 0.5):.1f} | "
            f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | {max(values, default=0):.1f} |"
        )
    return "\n".join(lines)
