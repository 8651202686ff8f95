"""``lojal smtpd``: receive email over SMTP and put it on the customers' timelines."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lojal.interactions.emails.smtpd import smtpd_controller


class Command(BaseCommand):
    help = "Run the SMTP receiver (point the MX or a forwarding rule for the company's addresses at it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.LOJAL_SMTPD_HOST)
        parser.add_argument("--port", type=int, default=settings.LOJAL_SMTPD_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = smtpd_controller(host=options["host"], port=options["port"])
        controller.start()
        self.stdout.write(f"Lojal SMTP receiver on {options['host']}:{options['port']}", ending="\n")
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        controller.stop()
