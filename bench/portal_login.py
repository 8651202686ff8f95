"""The sign-in link's latency (issue 14, "Speed"): from ``POST /api/portal/v1/login-link`` to the
message accepted by SMTP, p95 under 2 s even while a bulk send is running.

A bulk send of N emails is queued at normal priority through the staff outbox service (as a campaign or
mass reply would be), then the real ``lojal db_worker`` starts delivering it to an SMTP sink on loopback
and, while it does, customers ask for sign-in links through the real server (gunicorn) at a steady rate.
The sink notes when each message arrives; per link: arrival minus the moment the request was sent. The
bulk mail still queued when the last link was asked for shows that the links overtook it.

    .venv/bin/python -m bench portal-login --database postgres --bulk 5000 --rate 2 --seconds 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.customers import HOST, _bench_user, _load_average
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup
from bench.report import commit, machine
from bench.server import Server, free_port, process_stop

DATABASE_NAME = "lojal_bench_portal_login"
LINK_DOMAIN = "portal-bench.example"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "portal-login",
        help="Queue a bulk send, then ask for sign-in links at a steady rate; time each link to an SMTP sink.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--bulk", type=int, default=5_000, help="bulk emails queued first (default 5000)")
    parser.add_argument(
        "--rate", type=float, default=2, help="sign-in links asked for per second (default 2)"
    )
    parser.add_argument("--seconds", type=int, default=30, help="seconds of asking (default 30)")
    parser.add_argument("--workers", type=int, default=1, help="`lojal db_worker` processes (lojal run: 1)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


class RecipientSink:
    """An aiosmtpd handler noting when (wall clock) the first message to each recipient arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.bulk = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.time()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                if recipient.endswith("@" + LINK_DOMAIN):
                    self.arrived.setdefault(recipient.lower(), now)
                else:
                    self.bulk += 1
        return "250 OK"


def _prepare(bulk: int, people: int, actor_id: int) -> None:
    """``people`` customers who will ask for links, and ``bulk`` emails queued to 100 others."""
    from lojal.accounts.models import User
    from lojal.customers.creation import customer_create, customers_create_batch
    from lojal.interactions.emails.outbound import email_compose

    actor = User.objects.get(pk=actor_id)
    items = [
        {"kind": "person", "first_name": f"Inloggare{n}", "last_name": "Bench", "emails": [_address(n)]}
        for n in range(people)
    ]
    for start in range(0, len(items), 1_000):
        customers_create_batch(actor=actor, items=items[start : start + 1_000])
    recipients = [
        customer_create(
            actor=actor,
            data={
                "kind": "person",
                "first_name": f"Kund{n}",
                "last_name": "Testsson",
                "emails": [f"kund{n}@example.se"],
            },
        )
        for n in range(100)
    ]
    started = time.perf_counter()
    for number in range(bulk):
        customer = recipients[number % len(recipients)]
        email_compose(
            actor=actor,
            customer_id=customer.pk,
            to=f"kund{number % len(recipients)}@example.se",
            subject=f"Nyhetsbrev december {number}",
            body=f"Hej!\n\nVåra erbjudanden i december, nummer {number}.\n\nVänliga hälsningar",
        )
        if number and number % 1000 == 0:
            _say(f"queued {number:,} bulk emails ({number / (time.perf_counter() - started):,.0f}/s)")


def _address(n: int) -> str:
    return f"kund{n}@{LINK_DOMAIN}"


def _ask(port: int, count: int, rate: float) -> tuple[dict[str, float], list[str]]:
    """Link request i is sent at start + i / rate; returns when each was sent, and any failures."""
    sent: dict[str, float] = {}
    failures: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def one(number: int) -> None:
        address = _address(number)
        request = urllib.request.Request(
            f"http://{HOST}:{port}/api/portal/v1/login-link",
            data=json.dumps({"email": address}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        at = time.time()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except Exception as error:
            with lock:
                failures.append(f"{address}: {error}"[:200])
            return
        with lock:
            if status == 202:
                sent[address] = at
            else:
                failures.append(f"{address}: {status}")

    threads = []
    for number in range(count):
        time.sleep(max(0.0, start + number / rate - time.perf_counter()))
        thread = threading.Thread(target=one, args=(number,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return sent, failures


def _bulk_unsent() -> int:
    from lojal.interactions.models import OutboundEmail

    return OutboundEmail.objects.filter(
        state__in=["queued", "sending"], to_address__endswith="@example.se"
    ).count()


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    return (
        f"p50 {percentile(values, 0.5) * 1000:,.0f} ms, p95 {percentile(values, 0.95) * 1000:,.0f} ms, "
        f"max {max(values) * 1000:,.0f} ms (n={len(values):,})"
    )


def run(args: argparse.Namespace) -> int:
    from aiosmtpd.controller import Controller

    database = bench_database(args.database, args.database_name)
    sink_port, web_port = free_port(), free_port()
    count = int(args.rate * args.seconds)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / "var-portal-login"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
        "LOJAL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOJAL_EMAIL_BACKEND": "smtp",
        "LOJAL_EMAIL_FROM": "kundservice@lojal.example",
        "LOJAL_EMAIL_HOST": HOST,
        "LOJAL_EMAIL_PORT": str(sink_port),
        "LOJAL_PORTAL_URL": f"http://{HOST}:{web_port}",
        # Every request comes from 127.0.0.1: the per-client limit would stop the bench, not a customer.
        "LOJAL_RATE_PORTAL_LOGIN_NETWORK": "",
    }
    facts: dict[str, str] = {"load average before": _load_average(), "database": database.kind}
    _say(f"Creating {database.kind} database {args.database_name} and migrating it")
    database.create()
    lojal_command(["migrate", "--noinput"], env)
    django_setup(env)
    from django.db import connections

    facts["database engine"] = database.describe()
    actor_id = _bench_user()
    _say(f"Queueing {args.bulk:,} bulk emails and {count:,} customers who will sign in")
    _prepare(args.bulk, count, actor_id)
    facts["bulk emails queued at normal priority before the first link"] = f"{_bulk_unsent():,}"
    connections.close_all()

    sink = RecipientSink()
    controller = Controller(sink, hostname=HOST, port=sink_port)
    controller.start()
    server = Server(
        port=web_port,
        env=env,
        workers=args.web_workers,
        threads=4,
        worker_class="gthread",
        log_dir=RESULTS / "var-portal-login" / "logs",
    )
    server.start()
    lojal = Path(sys.executable).parent / "lojal"
    workers = [
        subprocess.Popen(
            [str(lojal), "db_worker", "--verbosity", "0"], env={**os.environ, **env}, start_new_session=True
        )
        for _ in range(args.workers)
    ]
    try:
        # The worker's start-up (Django, a connection) is no part of a link's latency: ask once it sends.
        started = time.monotonic()
        while sink.bulk < 20 and time.monotonic() - started < 120:
            time.sleep(0.1)
        facts["bulk emails delivered before the first link was asked for"] = f"{sink.bulk:,}"
        facts["load average at asking"] = _load_average()
        _say(f"Asking for {count:,} sign-in links at {args.rate:g}/s")
        sent, failures = _ask(web_port, count, args.rate)
        facts["bulk emails still unsent when the last link was asked for"] = f"{_bulk_unsent():,}"
        deadline = time.monotonic() + 60
        while len(sink.arrived) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.2)
        facts["bulk emails still unsent when the last link arrived"] = f"{_bulk_unsent():,}"
        facts["load average at end"] = _load_average()
    finally:
        for process in workers:
            process_stop(process)
        server.stop()
        controller.stop()
    latencies = [sink.arrived[address] - at for address, at in sent.items() if address in sink.arrived]
    facts["links asked for (202)"] = f"{len(sent):,}"
    facts["links that never arrived within 60 s"] = f"{len(sent) - len(latencies):,}"
    facts["failed requests"] = f"{len(failures)}" + (f" (first: {failures[0]})" if failures else "")
    lines = [
        f"## Sign-in link to SMTP during a bulk send ({database.kind}, commit {commit()})",
        "",
        f"- When: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        f"- Command: `python -m bench portal-login --database {args.database} --bulk {args.bulk} "
        f"--rate {args.rate:g} --seconds {args.seconds} --workers {args.workers}`",
        f"- {args.workers} `lojal db_worker` process(es) (default --interval), gunicorn {args.web_workers} "
        "workers, the SMTP sink, the client and the database share the machine",
        *(f"- {key}: {value}" for key, value in facts.items()),
        "",
        "| measure | figures |",
        "|---|---|",
        f"| request sent -> link accepted by SMTP | {_ms(latencies)} |",
    ]
    report = "\n".join(lines)
    path = RESULTS / f"portal-login-{database.kind}-{args.bulk}bulk-{args.rate:g}per-s.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report + "\n")
    print(report)
    connections.close_all()
    database.drop()
    return 0
