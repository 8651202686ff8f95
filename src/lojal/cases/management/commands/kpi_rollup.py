"""``lojal kpi_rollup``: one round of the KPI dashboard's daily roll-up (the days closed since, and
the days whose cases changed); ``--days FROM TO`` recomputes a range of days; ``--schedule`` books
the worker's round (every ten minutes; ``lojal run`` does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Roll up the service KPI dashboard's figures of the closed days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="only book the recurring round in the worker's queue"
        )
        parser.add_argument(
            "--days",
            nargs=2,
            metavar=("FROM", "TO"),
            type=dt.date.fromisoformat,
            help="recompute these local days (YYYY-MM-DD, both included)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.cases.kpi_rollup import kpi_rollup_schedule

            booked = kpi_rollup_schedule()
            self.stdout.write(
                "The KPI roll-up round is booked." if booked else "This task backend cannot book it."
            )
            return
        from lojal.cases.kpi_rollup import kpi_rollup_days, kpi_rollup_run

        if options["days"]:
            first, last = options["days"]
            self.stdout.write(f"{kpi_rollup_days(first=first, last=last)} days rolled up.")
            return
        result = kpi_rollup_run()
        self.stdout.write(f"{result.days} days rolled up, {result.changed_cases} changed cases found.")
