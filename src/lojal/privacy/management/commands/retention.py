"""``lojal retention``: run the GDPR retention rules now (the worker runs them nightly; ``--schedule``
only books that nightly run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention limit (docs/gdpr.md), and report each rule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", action="append", default=[], help="run only this rule (repeatable)")
        parser.add_argument(
            "--schedule", action="store_true", help="only book the nightly run in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.privacy.tasks import retention_schedule

            booked = retention_schedule()
            self.stdout.write(
                "The nightly retention run is booked." if booked else "This task backend cannot book it."
            )
            return
        from lojal.privacy.services import retention_run

        for run in retention_run(only=options["rule"] or None):
            state = run.error or run.note or ""
            self.stdout.write(
                f"{run.rule}: {run.rows_affected} rows, {run.rows_pending} pending"
                + (f" ({state})" if state else "")
            )
