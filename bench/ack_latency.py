"""The acknowledgement's latency (issue 13, "Speed"): from an inbound email stored to its
acknowledgement handed to SMTP, p95 under 2 s while 20 emails/s arrive, on PostgreSQL.

N customers (the bench loader), a queue on the shipped Swedish calendar with an SLA policy; the real
``lojal smtpd`` receives, the real ``lojal db_worker`` (as ``lojal run`` starts it) runs the inbound
handlers (cases.ingest.inbound_to_case, then cases.acknowledgement.inbound_acknowledge) and delivers
the outbox to an SMTP sink on loopback that notes when each message arrives. The emails are the SMTP
receiver bench's realistic Swedish/Norwegian corpus (known customers and strangers, replies in
threads, auto-replies, every 50th a hand-written fixture), sent at a steady rate.

Per acknowledgement: arrival in the sink (and OutboundEmail.sent_at) minus Interaction.created_at of
the message it acknowledges; the worker's task records (django_tasks_db) say where the time went.

    .venv/bin/python -m bench ack-latency --customers 100000 --rate 20 --seconds 60
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import smtplib
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.customers import HOST, _bench_user, _cpu_count, _load_average
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup, load_customers
from bench.outbox_kill import Sink
from bench.report import commit, machine
from bench.server import free_port, process_stop
from bench.smtpd import _corpus, smtpd_start

DATABASE_NAME = "lojal_bench_ack"
SERVICE_ADDRESS = "kundservice@lojal.example"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "ack-latency",
        help="Send emails at a steady rate through `lojal smtpd`; time each acknowledgement to an SMTP sink.",
    )
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=20, help="emails per second (default 20)")
    parser.add_argument("--seconds", type=int, default=60, help="seconds of sending (default 60)")
    parser.add_argument("--connections", type=int, default=4, help="SMTP client connections")
    parser.add_argument("--workers", type=int, default=1, help="`lojal db_worker` processes (lojal run: 1)")
    parser.add_argument(
        "--interval", default="", help="db_worker --interval in seconds (default: what `lojal run` starts)"
    )
    parser.add_argument(
        "--per-hour", type=int, default=100_000, help="LOJAL_AUTO_REPLY_PER_HOUR for the run (shipped: 500)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the customers a --keep run left")


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


class TimedSink(Sink):
    """The outbox bench's counting sink, also noting when (wall clock) each Message-ID arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email.parser import BytesHeaderParser

        now = time.time()
        reply = await super().handle_DATA(server, session, envelope)
        headers = BytesHeaderParser().parsebytes(envelope.original_content or b"")
        with self.lock:
            self.arrived.setdefault(str(headers.get("Message-ID", "")).strip(), now)
        return reply


def _setup() -> str:
    """One queue on the shipped Swedish calendar with an SLA policy (the default queue)."""
    from lojal.calendars import selectors as calendar_selectors
    from lojal.cases.models import Queue, SlaPolicy

    sweden = (
        calendar_selectors.calendar_list(country="SE")
        .filter(is_shipped=True)
        .values_list("pk", flat=True)
        .first()
    )
    policy = SlaPolicy.objects.get_or_create(
        name="Bench standard",
        defaults={
            "position": 9,
            "first_response_minutes": 240,
            "next_response_minutes": 240,
            "resolution_minutes": 2400,
        },
    )[0]
    Queue.objects.get_or_create(name="Kundservice", defaults={"calendar_id": sweden, "sla_policy": policy})
    return (
        f"queue Kundservice, calendar {sweden} (SE, shipped), SLA policy {policy.name} (first answer 240 min)"
    )


def _paced_send(
    port: int, corpus: list[tuple[str, bytes]], rate: float, connections: int
) -> tuple[list[float], list[str]]:
    """Message i is handed to SMTP at start + i / rate, over ``connections`` client connections."""
    lags: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    position = iter(range(len(corpus)))
    start = time.perf_counter() + 0.5

    def sender() -> None:
        with smtplib.SMTP(HOST, port, timeout=120) as client:
            while True:
                with lock:
                    number = next(position, None)
                if number is None:
                    return
                due = start + number / rate
                time.sleep(max(0.0, due - time.perf_counter()))
                address, raw = corpus[number]
                try:
                    client.sendmail(address, [SERVICE_ADDRESS], raw)
                except smtplib.SMTPException as error:
                    errors.append(f"{error}"[:200])
                with lock:
                    lags.append(time.perf_counter() - due)

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return lags, errors


def _pending() -> int:
    from django_tasks_db.models import DBTaskResult

    from lojal.interactions.models import OutboundEmail

    tasks = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    return tasks + OutboundEmail.objects.filter(state__in=["queued", "sending"]).count()


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    return (
        f"p50 {percentile(values, 0.5) * 1000:,.0f} ms, p95 {percentile(values, 0.95) * 1000:,.0f} ms, "
        f"max {max(values) * 1000:,.0f} ms (n={len(values):,})"
    )


def _measure(sink: TimedSink, since: dt.datetime) -> tuple[dict[str, str], dict[str, list[float]]]:
    """Latencies per acknowledged case, the suppressions with their reasons, and the task stages."""
    from django_tasks_db.models import DBTaskResult

    from lojal.cases.models import Case, CaseInteraction
    from lojal.interactions.models import EmailMessage, Interaction, OutboundEmail

    inbound = dict(
        Interaction.objects.filter(direction="in", channel="email", created_at__gte=since).values_list(
            "pk", "created_at"
        )
    )
    first_of_case: dict[int, int] = {}
    for case_id, interaction_id in CaseInteraction.objects.order_by("id").values_list(
        "case_id", "interaction_id"
    ):
        first_of_case.setdefault(case_id, interaction_id)
    cases = list(Case.objects.values("pk", "ack_interaction_id", "ack_suppressed_reason"))
    reply_ids = [case["ack_interaction_id"] for case in cases if case["ack_interaction_id"]]
    message_ids = dict(
        EmailMessage.objects.filter(interaction_id__in=reply_ids).values_list("interaction_id", "message_id")
    )
    sent = dict(
        OutboundEmail.objects.filter(interaction_id__in=reply_ids).values_list("interaction_id", "sent_at")
    )
    outbound_of = dict(
        OutboundEmail.objects.filter(interaction_id__in=reply_ids).values_list("pk", "interaction_id")
    )
    tasks = list(
        DBTaskResult.objects.filter(enqueued_at__gte=since).values(
            "task_path", "args_kwargs", "enqueued_at", "run_after", "started_at", "finished_at"
        )
    )
    # Per inbound interaction: when ingest's task finished, when the ack handler (first try or a
    # later look) finished; per reply: when its delivery task started.
    ingest_done: dict[int, dt.datetime] = {}
    ack_done: dict[int, dt.datetime] = {}
    send_started: dict[int, dt.datetime] = {}
    stages: dict[str, list[float]] = collections.defaultdict(list)
    for task in tasks:
        path, kwargs, args = (
            task["task_path"],
            task["args_kwargs"].get("kwargs", {}),
            task["args_kwargs"].get("args", []),
        )
        name = path.rsplit(".", 1)[-1]
        if path.endswith("inbound_handle_task"):
            name = f"inbound_handle_task[{kwargs.get('handler', '').rsplit('.', 1)[-1]}]"
        if task["started_at"] and task["finished_at"]:
            # run_after is the greatest date when the task was not deferred.
            deferred = task["run_after"] if task["run_after"] and task["run_after"].year < 9000 else None
            ready = max(task["enqueued_at"], deferred or task["enqueued_at"])
            stages[f"{name}: waited for a worker"].append((task["started_at"] - ready).total_seconds())
            stages[f"{name}: ran"].append((task["finished_at"] - task["started_at"]).total_seconds())
        if not task["finished_at"]:
            continue
        if path.endswith("inbound_handle_task"):
            target = ingest_done if kwargs.get("handler", "").endswith("inbound_to_case") else ack_done
            target[kwargs.get("interaction_id")] = task["finished_at"]
        elif name == "ack_wait_task":
            identifier = (args or [kwargs.get("interaction_id")])[0]
            ack_done[identifier] = max(ack_done.get(identifier, task["finished_at"]), task["finished_at"])
        elif name == "email_send_task" and args:
            reply = outbound_of.get(args[0])
            if reply is not None and task["started_at"]:
                send_started.setdefault(reply, task["started_at"])
    latency: dict[str, list[float]] = collections.defaultdict(list)
    reasons: collections.Counter[str] = collections.Counter()
    acknowledged = 0
    for case in cases:
        first = first_of_case.get(case["pk"])
        if first not in inbound:
            continue
        stored = inbound[first]
        if case["ack_suppressed_reason"]:
            reasons[case["ack_suppressed_reason"]] += 1
            continue
        reply = case["ack_interaction_id"]
        if not reply:
            reasons["no acknowledgement yet"] += 1
            continue
        acknowledged += 1
        arrived = sink.arrived.get(str(message_ids.get(reply, "")).strip())
        if arrived is None:
            arrived = sink.arrived.get(f"<{str(message_ids.get(reply, '')).strip('<>')}>")
        if arrived is not None:
            latency["sink arrival - stored"].append(arrived - stored.timestamp())
        if sent.get(reply):
            latency["OutboundEmail.sent_at - stored"].append((sent[reply] - stored).total_seconds())
        if first in ingest_done:
            latency["stage: stored -> ingest handler done"].append(
                (ingest_done[first] - stored).total_seconds()
            )
        if first in ack_done and first in ingest_done:
            latency["stage: ingest done -> ack handler done"].append(
                (ack_done[first] - ingest_done[first]).total_seconds()
            )
        if reply in send_started and first in ack_done:
            latency["stage: ack done -> delivery task started"].append(
                (send_started[reply] - ack_done[first]).total_seconds()
            )
        if reply in send_started and sent.get(reply):
            latency["stage: delivery task started -> sent"].append(
                (sent[reply] - send_started[reply]).total_seconds()
            )
    in_cases = set(
        CaseInteraction.objects.filter(interaction_id__in=list(inbound)).values_list(
            "interaction_id", flat=True
        )
    )
    opened = {first for first in first_of_case.values() if first in inbound}
    facts = {
        "emails stored": f"{len(inbound):,}",
        "opened a case": f"{len(opened):,}",
        "joined an existing case (no acknowledgement due)": f"{len(in_cases - opened):,}",
        "in no case (not opened: auto-replies, bounces ...)": f"{len(set(inbound) - in_cases):,}",
        "acknowledged": f"{acknowledged:,}",
        "suppressed (reason: cases)": ", ".join(f"{reason}: {n}" for reason, n in reasons.most_common())
        or "none",
        "retries of the ack handler waiting for its case (ack_wait_task)": f"{len(stages.get('ack_wait_task: ran', [])):,}",
    }
    return facts, {**latency, **stages}


def _workers(env: dict[str, str], count: int, interval: str) -> list[subprocess.Popen[bytes]]:
    lojal = Path(sys.executable).parent / "lojal"
    command = [str(lojal), "db_worker", "--verbosity", "0"]
    if interval:
        command += ["--interval", interval]
    return [
        subprocess.Popen(command, env={**os.environ, **env}, start_new_session=True) for _ in range(count)
    ]


def run(args: argparse.Namespace) -> int:
    from aiosmtpd.controller import Controller

    database = bench_database("postgres", args.database_name)
    sink_port, smtpd_port = free_port(), free_port()
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_VAR_DIR": str(RESULTS / "var-ack"),
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
        "LOJAL_EMAIL_FROM": SERVICE_ADDRESS,
        "LOJAL_EMAIL_HOST": HOST,
        "LOJAL_EMAIL_PORT": str(sink_port),
        "LOJAL_AUTO_REPLY_PER_HOUR": str(args.per_hour),
    }
    os.environ.update({key: value for key, value in env.items() if key.startswith("LOJAL_AUTO")})
    facts: dict[str, str] = {"load average before": _load_average()}
    if not args.reuse:
        _say(f"Creating PostgreSQL database {args.database_name} and migrating it")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
    django_setup(env)
    actor_id = _bench_user()
    from django.db import connections
    from django.utils import timezone

    from lojal.customers.models import Customer, EmailAddress

    if not args.reuse:
        stats = load_customers(
            count=args.customers,
            seed=args.seed,
            start_index=0,
            actor_id=actor_id,
            processes=_cpu_count(),
            env=env,
        )
        facts["customers loaded"] = f"{stats.customers:,} in {stats.seconds:,.0f} s"
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    facts["setup"] = _setup()
    known = list(
        EmailAddress.objects.filter(is_primary=True)
        .order_by("?")
        .values_list("customer__display_name", "address")[:2_000]
    )
    strangers = [(f"Okänd Avsändare {n}", f"okand{n}@example.net") for n in range(500)]
    count = int(args.rate * args.seconds)
    corpus = _corpus(count, known + strangers, args.seed)
    facts["customers"] = f"{Customer.objects.count():,}"
    connections.close_all()

    sink = TimedSink()
    controller = Controller(sink, hostname=HOST, port=sink_port)
    controller.start()
    smtpd = smtpd_start(smtpd_port, env)
    workers = _workers(env, args.workers, args.interval)
    try:
        time.sleep(3)  # the workers' start-up
        since = timezone.now()
        facts["load average at sending"] = _load_average()
        _say(f"Sending {count:,} emails at {args.rate:g}/s over {args.connections} connections")
        lags, errors = _paced_send(smtpd_port, corpus, args.rate, args.connections)
        facts["sender lag behind schedule"] = _ms(lags)
        facts["refused by smtpd"] = f"{len(errors)}" + (f" (first: {errors[0]})" if errors else "")
        deadline = time.monotonic() + 120
        while _pending() and time.monotonic() < deadline:
            time.sleep(0.5)
        facts["still pending after 120 s"] = f"{_pending():,}"
        facts["load average at end"] = _load_average()
    finally:
        for process in [*workers, smtpd]:
            process_stop(process)
        controller.stop()
    counted, latencies = _measure(sink, since)
    facts.update(counted)
    facts["messages in the sink"] = f"{sink.total:,}"
    interval = args.interval or "1 (db_worker's default, as `lojal run` starts it)"
    lines = [
        f"## Acknowledgement latency (PostgreSQL, commit {commit()})",
        "",
        f"- When: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        f"- Command: `python -m bench ack-latency --customers {args.customers} --rate {args.rate:g} "
        f"--seconds {args.seconds} --workers {args.workers}"
        + (f" --interval {args.interval}" if args.interval else "")
        + "`",
        f"- {args.workers} `lojal db_worker` process(es), --interval {interval}; `lojal smtpd`, the sink, the "
        "sender and PostgreSQL share the machine",
        *(f"- {key}: {value}" for key, value in facts.items()),
        "",
        "| measure | figures |",
        "|---|---|",
        *(f"| {label} | {_ms(values)} |" for label, values in latencies.items()),
    ]
    report = "\n".join(lines)
    path = RESULTS / f"ack-latency-{args.rate:g}per-s-{args.workers}w-{args.interval or 'default'}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report + "\n")
    print(report)
    connections.close_all()
    if not args.keep:
        database.drop()
    return 0
