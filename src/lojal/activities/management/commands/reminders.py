"""``lojal reminders``: notify what has fallen due and send the digests due now (the worker does this
every five minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lojal.activities.reminders import digests_send, due_reminders_send


class Command(BaseCommand):
    help = "Notify owners of follow-ups that have fallen due, and send the daily digests whose hour has come."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="only book the recurring run in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.activities.tasks import reminders_schedule

            booked = reminders_schedule()
            self.stdout.write(
                "The reminders are booked." if booked else "This task backend cannot book them."
            )
            return
        notified = due_reminders_send()
        digests = digests_send()
        self.stdout.write(
            f"{notified} notifications written, {digests.sent} digests sent "
            f"({digests.empty} with nothing due, {digests.failed} failed)."
        )
