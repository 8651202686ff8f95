"""A sustained mixed load on PostgreSQL: reads, searches, creates and inbound email at a fixed rate
against gunicorn, for a given time; prints errors, p50/p99 and the web workers' memory at start and end.

The issue's target is 10 minutes at 300 requests/s with 4 workers and zero errors, memory flat:

    .venv/bin/python -m bench load --rate 300 --duration 600 --workers 4

Each client thread sends its share of the rate on a fixed schedule (open loop: a slow answer does not
slow the schedule; a request sent late is timed from its scheduled moment, so queueing shows in p99).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import random
import sys
import threading
import time
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.customers import _bench_user, _load_average
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup, load_customers
from bench.report import commit, machine
from bench.server import Server, free_port

DATABASE_NAME = "lojal_bench_load"
SEARCHES = ("Anna", "Lind", "Göteborg", "Nils", "Berg", "Malmö", "Johansson", "Oslo")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("load", help="Sustained mixed load at a fixed rate: errors, p99, memory.")
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=300, help="requests per second (default 300)")
    parser.add_argument("--duration", type=float, default=600, help="seconds (default 600)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--clients", type=int, default=32, help="client threads (default 32)")
    parser.add_argument("--reuse", action="store_true", help="reuse the database a previous run left")


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def _worker_rss_mib(master_pid: int) -> float:
    """Resident memory of the gunicorn master's children (the web workers), in MiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def _email(number: int, address: str) -> bytes:
    return (
        f"From: Kund <{address}>\r\nTo: kundservice@lojal.example\r\nSubject: Fråga {number}\r\n"
        f"Message-ID: {make_msgid(domain='load.example.se')}\r\nDate: Mon, 07 Dec 2026 10:00:00 +0100\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"Hej!\r\n\r\nNär kommer min beställning {number}?\r\n"
    ).encode()


class Load:
    def __init__(self, port: int, token: str, customer_ids: list[int], addresses: list[str]) -> None:
        self.port, self.token = port, token
        self.customer_ids, self.addresses = customer_ids, addresses
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter[tuple[str, int]] = collections.Counter()
        self.lock = threading.Lock()

    def _send(
        self, connection: http.client.HTTPConnection, rng: random.Random, number: int
    ) -> tuple[str, int]:
        headers = {"Authorization": f"Bearer {self.token}"}
        choice = rng.random()
        if choice < 0.55:
            kind = "read"
            connection.request("GET", f"/api/v1/customers/{rng.choice(self.customer_ids)}", headers=headers)
        elif choice < 0.75:
            kind = "search"
            connection.request(
                "GET", "/api/v1/customers/search?q=" + quote(rng.choice(SEARCHES)), headers=headers
            )
        elif choice < 0.9:
            kind = "create"
            body = {
                "kind": "person",
                "first_name": "Last",
                "last_name": f"Test{number}",
                "emails": [{"address": f"load{number}@example.se"}],
            }
            connection.request(
                "POST",
                "/api/v1/customers",
                body=json.dumps(body),
                headers={**headers, "Content-Type": "application/json"},
            )
        else:
            kind = "inbound email"
            raw = _email(number, rng.choice(self.addresses))
            connection.request(
                "POST",
                "/api/v1/inbound/email",
                body=raw,
                headers={**headers, "Content-Type": "message/rfc822"},
            )
        response = connection.getresponse()
        response.read()
        return kind, response.status

    def client(self, seed: int, interval: float, until: float) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        scheduled = time.monotonic() + rng.random() * interval
        number = seed * 10_000_000
        while scheduled < until:
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            number += 1
            try:
                kind, status = self._send(connection, rng, number)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                kind, status = "connection", 0
            took = time.monotonic() - scheduled
            with self.lock:
                self.latencies[kind].append(took)
                self.statuses[(kind, status)] += 1
            scheduled += interval


def run(args: argparse.Namespace) -> int:
    database = bench_database("postgres", args.database_name)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / "var-load"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    load_before = _load_average()
    if not (args.reuse and database.exists()):
        _say(f"Creating {args.database_name}, migrating, loading {args.customers:,} customers")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        load_customers(
            count=args.customers, seed=1, start_index=0, actor_id=_bench_user(), processes=1, env=env
        )
    else:
        django_setup(env)
    from django.db import connections

    from lojal.accounts.models import User
    from lojal.accounts.services import token_create
    from lojal.customers.models import Customer, EmailAddress

    token = token_create(user=User.objects.get(pk=_bench_user()), name="load").secret
    customer_ids = list(Customer.objects.values_list("pk", flat=True)[:50_000])
    addresses = list(EmailAddress.objects.values_list("address", flat=True)[:5_000])
    connections.close_all()
    server = Server(free_port(), env, args.workers, args.threads, "gthread", RESULTS / "load-logs")
    server.start()
    try:
        assert server.process is not None
        load = Load(server.port, token, customer_ids, addresses)
        # Warm every worker before memory is read at the start.
        warm_until = time.monotonic() + 5
        warm = [
            threading.Thread(target=load.client, args=(n, args.clients / args.rate, warm_until))
            for n in range(args.clients)
        ]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        load = Load(server.port, token, customer_ids, addresses)
        memory_start = _worker_rss_mib(server.process.pid)
        _say(f"{args.rate:.0f} requests/s for {args.duration:.0f} s over {args.clients} connections")
        started = time.monotonic()
        until = started + args.duration
        threads = [
            threading.Thread(target=load.client, args=(1000 + n, args.clients / args.rate, until))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        memory_end = _worker_rss_mib(server.process.pid)
    finally:
        server.stop()
    total = sum(load.statuses.values())
    errors = {key: count for key, count in load.statuses.items() if not 200 <= key[1] < 300}
    everything = [value for values in load.latencies.values() for value in values]
    print(f"\n## Mixed load on PostgreSQL (commit {commit()})\n")
    print(f"Machine: {machine()}; load average before {load_before}, after {_load_average()}")
    print(
        f"{server.description}; {len(customer_ids):,} customers; target {args.rate:.0f} requests/s for {args.duration:.0f} s"
    )
    print(
        f"Requests: {total:,} in {seconds:.0f} s ({total / seconds:,.0f}/s); errors: {sum(errors.values())} {errors or ''}"
    )
    print(
        f"All: p50 {percentile(everything, 0.5) * 1000:.1f} ms, p99 {percentile(everything, 0.99) * 1000:.1f} ms"
    )
    for kind, values in sorted(load.latencies.items()):
        print(
            f"  {kind}: {len(values):,}, p50 {percentile(values, 0.5) * 1000:.1f} ms, p99 {percentile(values, 0.99) * 1000:.1f} ms"
        )
    print(
        f"Web workers' memory (RSS, all {args.workers}): {memory_start:.0f} MiB at the start, {memory_end:.0f} MiB at the end"
    )
    return 0 if not errors else 1
