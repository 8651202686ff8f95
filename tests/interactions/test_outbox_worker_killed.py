"""The real worker (``lojal db_worker``) killed with SIGKILL at random moments while it sends a queued
outbox, three times, and started again each time: the SMTP sink on loopback receives every email exactly
once (counted, not deduplicated). The bench (``python -m bench outbox-kill``) does the same with 10,000."""

from __future__ import annotations

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

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.models import EmailMessage, OutboundEmail
from lojal.interactions.outbox import outbox_recover_schedule
from tests import factories
from tests.interactions.test_email_transport import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
EMAILS = 120
KILLS = 3


class CountingSink:
    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email.parser import BytesHeaderParser

        message_id = str(BytesHeaderParser().parsebytes(envelope.original_content or b"")["Message-ID"])
        with self.lock:
            self.received[message_id.strip()] += 1
        return "250 OK"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def _worker_environment(smtp_port: int) -> dict[str, str]:
    database = connection.settings_dict
    url = f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LOJAL_TEST")}
    environment.update(
        LOJAL_TESTING="",
        LOJAL_DATABASE_URL=url,
        LOJAL_SECRET_KEY="worker-killed-test",
        LOJAL_EMAIL_HOST="127.0.0.1",
        LOJAL_EMAIL_PORT=str(smtp_port),
        LOJAL_EMAIL_FROM="kundservice@lojal.example",
        LOJAL_OUTBOX_LEASE_SECONDS="2",
        LOJAL_OUTBOX_RECOVER_SECONDS="1",
        LOJAL_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="lojal.settings",
    )
    return environment


def test_worker_killed_three_times_mid_outbox_sends_every_email_exactly_once(
    admin_user: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LOJAL_OUTBOX_RECOVER_SECONDS = 1
    customer = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    for number in range(EMAILS):
        email_compose(
            actor=admin_user,
            customer_id=customer.pk,
            to="anna.berg@example.se",
            subject=f"Orderbekräftelse {number}",
            body=f"Tack för beställning {number}.",
        )
    assert outbox_recover_schedule() is True
    message_ids = set(EmailMessage.objects.values_list("message_id", flat=True))
    sink = CountingSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    lojal = Path(sys.executable).parent / "lojal"
    environment = _worker_environment(smtp_port)

    def start() -> subprocess.Popen[bytes]:
        command = [str(lojal), "db_worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"]
        return subprocess.Popen(command, env=environment, start_new_session=True)

    rng = random.Random()
    kill_after = sorted(rng.sample(range(5, EMAILS - 10), KILLS))
    kills = 0
    worker = start()
    try:
        # A bound on liveness, not a speed figure: alone this takes about 25 s, but `make test` runs the
        # SQLite and PostgreSQL suites side by side and a loaded 2-core machine may need several times that.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if kill_after and sink.total >= kill_after[0]:
                kill_after.pop(0)
                time.sleep(rng.uniform(0, 0.03))
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                kills += 1
                worker = start()
            unfinished = OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).count()
            if not kill_after and unfinished == 0:
                break
            time.sleep(0.01)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        controller.stop()
    from django_tasks_db.models import DBTaskResult

    report = (
        f"outbox {collections.Counter(OutboundEmail.objects.values_list('state', 'attempts'))}, "
        f"tasks {collections.Counter(DBTaskResult.objects.values_list('task_path', 'status'))}, "
        f"kills {kills}"
    )
    assert kills == KILLS, report
    assert set(sink.received) == message_ids, report
    assert set(sink.received) == message_ids
    assert sorted(set(sink.received.values())) == [1]
    assert sink.total == EMAILS
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
