"""``lojal sla``: one round of the service-level worker (recompute after calendar changes, warnings,
breaches, escalation); the worker does this every five minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Recompute due times after calendar changes, record near and breached targets, and escalate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="only book the recurring round in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.cases.sla.tasks import sla_schedule

            booked = sla_schedule()
            self.stdout.write("The service-level round is booked." if booked else "This task backend cannot book it.")
            return
        from lojal.cases.sla.watch import sla_watch

        result = sla_watch()
        self.stdout.write(
            f"{result.recomputed} cases recomputed, {result.near} near, {result.breached} breached, "
            f"{result.escalated} escalated to a manager."
        )
