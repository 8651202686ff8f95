"""The worker killed (SIGKILL) while it sends a queued outbox, several times: is every email sent once?

Queues N emails through ``email_compose`` (the staff path), starts the real ``lojal db_worker`` against
them with an SMTP sink on loopback (aiosmtpd, counting every message it accepts; nothing is deduplicated),
kills the worker with SIGKILL at random moments, starts it again each time, and waits until the outbox is
drained (or stops moving). Prints the sink's count, the emails received twice and the emails never
received. The outbox recovery (``lojal outbox --schedule``, when this checkout has it) runs as a worker
task with a short lease, so a run does not wait minutes for a lease to expire.

    .venv/bin/python -m bench outbox-kill --emails 10000 --kills 5
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.customers import _bench_user, _load_average
from bench.databases import RESULTS, bench_database, lojal_command
from bench.loading import django_setup
from bench.report import commit, machine
from bench.server import free_port, process_stop

DATABASE_NAME = "lojal_bench_outbox_kill"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "outbox-kill", help="SIGKILL the worker while it sends N queued emails; count in a sink."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None, help="kill moments (default: random each run)")
    parser.add_argument("--lease-seconds", type=int, default=3, help="LOJAL_OUTBOX_LEASE_SECONDS for the run")
    parser.add_argument(
        "--stall-seconds", type=float, default=30, help="give up after this long without progress"
    )


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


class Sink:
    """Counts every message an SMTP client hands over (after the final dot), by Message-ID."""

    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        self.total = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser().parsebytes(envelope.original_content or b"")
        with self.lock:
            self.received[str(headers.get("Message-ID", "")).strip()] += 1
            self.total += 1
        return "250 OK"


def _queue(count: int, actor_id: int) -> list[str]:
    """``count`` emails in the outbox through the staff service, spread over 100 customers."""
    from lojal.accounts.models import User
    from lojal.customers.creation import customer_create
    from lojal.interactions.emails.outbound import email_compose

    actor = User.objects.get(pk=actor_id)
    customers = [
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
    for number in range(count):
        customer = customers[number % len(customers)]
        email_compose(
            actor=actor,
            customer_id=customer.pk,
            to=f"kund{number % len(customers)}@example.se",
            subject=f"Orderbekräftelse {number}",
            body=f"Hej!\n\nTack för din beställning nummer {number}. Vi skickar den i dag.\n\nKundservice",
        )
        if number and number % 1000 == 0:
            _say(f"queued {number:,} ({number / (time.perf_counter() - started):,.0f}/s)")
    from lojal.interactions.models import EmailMessage

    return list(EmailMessage.objects.filter(source="lojal").values_list("message_id", flat=True))


def _outbox_states() -> dict[str, int]:
    from django.db.models import Count

    from lojal.interactions.models import OutboundEmail

    return {row["state"]: row["n"] for row in OutboundEmail.objects.values("state").annotate(n=Count("id"))}


def run(args: argparse.Namespace) -> int:
    from aiosmtpd.controller import Controller
    from django.db import connections

    rng = random.Random(args.seed)
    database = bench_database(args.database, args.database_name)
    smtp_port = free_port()
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / f"var-outbox-{args.database}"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
        "LOJAL_EMAIL_FROM": "kundservice@lojal.example",
        "LOJAL_EMAIL_HOST": "127.0.0.1",
        "LOJAL_EMAIL_PORT": str(smtp_port),
        "LOJAL_OUTBOX_LEASE_SECONDS": str(args.lease_seconds),
        "LOJAL_OUTBOX_RECOVER_SECONDS": "1",
    }
    load_before = _load_average()
    _say(f"Creating a fresh {args.database} database {args.database_name} and migrating it")
    database.create()
    lojal_command(["migrate", "--noinput"], env)
    django_setup(env)
    actor_id = _bench_user()
    started = time.perf_counter()
    message_ids = _queue(args.emails, actor_id)
    _say(f"{len(message_ids):,} emails queued in {time.perf_counter() - started:.0f} s")
    has_recovery = "outbox" in lojal_command(["help", "--commands"], env).split()
    if has_recovery:
        lojal_command(["outbox", "--schedule"], env)
    connections.close_all()

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    lojal = Path(sys.executable).parent / "lojal"
    worker_env = {**os.environ, **env}

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(lojal), "db_worker", "--interval", "0.2", "--no-startup-delay", "--verbosity", "0"],
            env=worker_env,
            start_new_session=True,
        )

    kill_points = sorted(rng.uniform(0.05, 0.9) * args.emails for _ in range(args.kills))
    kills: list[int] = []
    worker = start_worker()
    sending_started = time.perf_counter()
    last_total, last_change = -1, time.perf_counter()
    try:
        while True:
            time.sleep(0.002)
            if kill_points and sink.total >= kill_points[0]:
                kill_points.pop(0)
                time.sleep(rng.uniform(0, 0.05))  # a random phase within one email's send
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                kills.append(sink.total)
                worker = start_worker()
            if sink.total != last_total:
                last_total, last_change = sink.total, time.perf_counter()
            if sink.total >= args.emails and len(sink.received) >= len(message_ids) and not kill_points:
                states = _outbox_states()
                connections.close_all()
                if states.get("queued", 0) == 0 and states.get("sending", 0) == 0:
                    break
            if time.perf_counter() - last_change > args.stall_seconds:
                _say(f"no progress for {args.stall_seconds:.0f} s: giving up")
                break
    finally:
        process_stop(worker)
        controller.stop()
    seconds = last_change - sending_started
    states = _outbox_states()
    duplicates = {mid: n for mid, n in sink.received.items() if n > 1}
    missing = [mid for mid in message_ids if mid not in sink.received]
    strangers = [mid for mid in sink.received if mid not in set(message_ids)]
    print(f"\n## Outbox under SIGKILL ({args.database}, commit {commit()})\n")
    print(f"Machine: {machine()}; load average before {load_before}, after {_load_average()}")
    print(f"Recovery (lojal outbox) in this checkout: {'yes' if has_recovery else 'no'}")
    print(
        f"Emails queued: {len(message_ids):,}; worker killed {len(kills)} times (after {kills} messages in the sink)"
    )
    print(f"Messages the sink accepted: {sink.total:,} ({len(sink.received):,} distinct) in {seconds:.1f} s")
    print(f"Received twice or more: {len(duplicates)} {sorted(duplicates.values()) if duplicates else ''}")
    print(f"Never received: {len(missing)}; unknown messages: {len(strangers)}")
    print(f"Outbox states at the end: {states}")
    return 0 if not duplicates and not missing else 1
