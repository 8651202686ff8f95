"""``lojal lifecycle``: move stages that follow the transactions (the worker also runs this daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lojal.sales.lifecycle import lifecycle_promote, lifecycle_retire_inactive


class Command(BaseCommand):
    help = "Make customers of buyers who are not yet, and former customers of the inactive ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="only book the daily sweep in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.sales.tasks import sweep_schedule

            booked = sweep_schedule()
            self.stdout.write("The daily sweep is booked." if booked else "This task backend cannot book it.")
            return
        promoted = lifecycle_promote()
        retired = lifecycle_retire_inactive()
        self.stdout.write(f"{promoted} became customers, {retired} became former customers.")
