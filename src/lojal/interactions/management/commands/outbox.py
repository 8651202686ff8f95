"""``lojal outbox``: recover what a killed worker left in the outbox (the worker also does this on its own)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lojal.interactions.outbox import outbox_recover, outbox_recover_schedule


class Command(BaseCommand):
    help = "Queue again the emails a stopped worker left claimed or without a task."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="only book the recurring recovery in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            booked = outbox_recover_schedule()
            self.stdout.write(
                "The outbox recovery is booked." if booked else "This task backend cannot book it."
            )
            return
        recovery = outbox_recover()
        self.stdout.write(
            f"{recovery.requeued} claimed emails queued again, {recovery.retasked} queued emails given a task."
        )
