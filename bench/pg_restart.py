"""PostgreSQL restarted under a steady load: requests during the restart must answer a clean 503 problem
document (never a 500), nothing may be half-written, and the service must recover by itself.

Starts a throwaway PostgreSQL cluster of its own (initdb in a temporary directory, as the ``postgres``
user when run as root, on a free port from 55500), migrates it, loads a few hundred customers, serves
Lojal with gunicorn, and runs client threads (reads, searches, creates) against it. After a few seconds
of steady load it stops the cluster (``pg_ctl stop -m fast``: every connection is cut), keeps it down a
moment, starts it again, and keeps the load on. Prints the answers by status, whether every 503 was a
problem document with Retry-After, the time from the database being back to the first success and to
the last failure, and whether every created customer is whole (its email and its timeline event).

    .venv/bin/python -m bench pg-restart --down-seconds 3
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import pwd
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.customers import _bench_user, _load_average
from bench.databases import RESULTS, lojal_command
from bench.loading import django_setup, load_customers
from bench.report import commit, machine
from bench.server import Server, free_port


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "pg-restart", help="Restart a PostgreSQL cluster under load: 503s, 500s, recovery."
    )
    parser.add_argument("--pg-bin", default=os.environ.get("LOJAL_PG_BIN_DIR", "/usr/lib/postgresql/15/bin"))
    parser.add_argument("--clients", type=int, default=6, help="client threads (default 6)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--steady-seconds", type=float, default=5, help="load before the restart")
    parser.add_argument("--down-seconds", type=float, default=3, help="how long the database stays down")
    parser.add_argument("--after-seconds", type=float, default=10, help="load after the database is back")


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def _free_port_from(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return free_port()


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory."""

    def __init__(self, bin_dir: Path, port: int) -> None:
        self.bin_dir, self.port = bin_dir, port
        self.directory = Path(tempfile.mkdtemp(prefix="lojal-pg-restart-"))
        self.data = self.directory / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


class Load:
    """Client threads, each a keep-alive connection, recording (time, status, is problem+json with
    Retry-After) for every answer; a refused or dropped connection counts as status 0."""

    def __init__(self, port: int, token: str, customer_ids: list[int]) -> None:
        self.port, self.token, self.customer_ids = port, token, customer_ids
        self.answers: list[tuple[float, int, bool]] = []
        self.created: list[int] = []
        self.bodies_500: list[str] = []
        self.lock = threading.Lock()
        self.running = True

    def _request(
        self, connection: http.client.HTTPConnection, rng: random.Random, number: int
    ) -> tuple[int, bool, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        choice = rng.random()
        if choice < 0.5:
            connection.request("GET", f"/api/v1/customers/{rng.choice(self.customer_ids)}", headers=headers)
        elif choice < 0.8:
            connection.request(
                "GET",
                "/api/v1/customers/search?q=" + quote(rng.choice(["Anna", "Lind", "Göteborg", "Nils"])),
                headers=headers,
            )
        else:
            body = {
                "kind": "person",
                "first_name": "Restart",
                "last_name": f"Test{number}",
                "emails": [{"address": f"restart{number}@example.se"}],
            }
            connection.request("POST", "/api/v1/customers", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        data = response.read()
        problem = (
            response.getheader("Content-Type", "") == "application/problem+json"
            and response.getheader("Retry-After") is not None
        )
        return response.status, problem, data

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        number = seed * 1_000_000
        while self.running:
            number += 1
            try:
                status, problem, data = self._request(connection, rng, number)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                status, problem, data = 0, False, b""
            with self.lock:
                self.answers.append((time.monotonic(), status, problem))
                if status == 201:
                    self.created.append(json.loads(data)["id"])
                if status >= 500 and status != 503:
                    self.bodies_500.append(data.decode(errors="replace")[:500])


def run(args: argparse.Namespace) -> int:
    load_before = _load_average()
    cluster = Cluster(Path(args.pg_bin), _free_port_from(55500))
    _say(f"initdb and start a throwaway cluster on port {cluster.port} in {cluster.directory}")
    cluster.init()
    cluster.start()
    server: Server | None = None
    try:
        subprocess.run(
            [
                str(Path(args.pg_bin) / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "lojal",
            ],
            check=True,
        )
        env = {
            "LOJAL_DATABASE_URL": cluster.url("lojal"),
            "LOJAL_SECRET_KEY": "bench",
            "LOJAL_VAR_DIR": str(RESULTS / "var-pg-restart"),
            "LOJAL_LOG_LEVEL": "WARNING",
            "LOJAL_DEMO": "",
        }
        lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        actor_id = _bench_user()
        load_customers(count=args.customers, seed=1, start_index=0, actor_id=actor_id, processes=1, env=env)
        from django.db import connections

        from lojal.accounts.models import User
        from lojal.accounts.services import token_create
        from lojal.customers.models import Customer

        token = token_create(user=User.objects.get(pk=actor_id), name="pg-restart").secret
        customer_ids = list(Customer.objects.values_list("pk", flat=True))
        customers_before = len(customer_ids)
        connections.close_all()
        server = Server(free_port(), env, args.workers, 4, "gthread", RESULTS / "pg-restart-logs")
        server.start()
        load = Load(server.port, token, customer_ids)
        threads = [threading.Thread(target=load.client, args=(seed,)) for seed in range(1, args.clients + 1)]
        for thread in threads:
            thread.start()
        time.sleep(args.steady_seconds)
        _say("stopping PostgreSQL (fast: every connection is cut)")
        down_at = time.monotonic()
        cluster.stop()
        time.sleep(args.down_seconds)
        cluster.start()
        back_at = time.monotonic()
        _say(f"PostgreSQL is back after {back_at - down_at:.1f} s")
        time.sleep(args.after_seconds)
        load.running = False
        for thread in threads:
            thread.join()
        server.stop()

        statuses = collections.Counter(status for _at, status, _problem in load.answers)
        during = [(at, status, problem) for at, status, problem in load.answers if at >= down_at]
        failures = [(at, status, problem) for at, status, problem in during if status >= 500 or status == 0]
        first_success = next((at for at, status, _p in load.answers if at >= back_at and status < 400), None)
        last_failure = max((at for at, _s, _p in failures), default=None)
        problems_503 = sum(1 for _at, status, problem in load.answers if status == 503 and problem)
        customers_after = Customer.objects.count()
        from django.db.models import Exists, OuterRef

        from lojal.customers.models import EmailAddress
        from lojal.timeline.models import Event

        half_written = (
            Customer.objects.filter(last_name__startswith="Test", first_name="Restart")
            .exclude(Exists(EmailAddress.objects.filter(customer=OuterRef("pk"))))
            .count()
            + Customer.objects.filter(first_name="Restart")
            .exclude(Exists(Event.objects.filter(customer_id=OuterRef("pk"))))
            .count()
        )
        print(f"\n## PostgreSQL restarted under load (commit {commit()})\n")
        print(f"Machine: {machine()}; load average before {load_before}, after {_load_average()}")
        print(
            f"{args.clients} client threads against {server.description}; 50% reads, 30% searches, 20% creates"
        )
        print(
            f"Database down {back_at - down_at:.1f} s (pg_ctl stop -m fast, {args.down_seconds:.0f} s pause, pg_ctl start)"
        )
        print(f"Answers: {dict(sorted(statuses.items()))} (0 = connection refused or dropped)")
        print(
            f"500s (or other 5xx except 503): {sum(n for s, n in statuses.items() if s >= 500 and s != 503)}"
        )
        print(f"503s: {statuses.get(503, 0)}, of which problem documents with Retry-After: {problems_503}")
        if first_success is not None:
            print(f"First success {first_success - back_at:.2f} s after the database was back")
        if last_failure is not None:
            print(f"Last failure {last_failure - back_at:+.2f} s relative to the database being back")
        print(
            f"Customers created: {len(load.created)} answered 201; in the database {customers_after - customers_before}; "
            f"half-written (no email or no timeline event): {half_written}"
        )
        for body in load.bodies_500[:3]:
            print(f"500 body: {body}")
        return (
            0
            if not load.bodies_500
            and half_written == 0
            and customers_after - customers_before == len(load.created)
            else 1
        )
    finally:
        if server is not None:
            server.stop()
        cluster.remove()
