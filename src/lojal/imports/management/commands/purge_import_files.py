"""``lojal purge_import_files``: delete uploaded import files past their retention period (the worker
also runs this daily; ``--schedule`` only books that daily run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Delete the uploaded files of imports that finished more than LOJAL_IMPORT_KEEP_DAYS days ago "
        "(the import jobs and their reports stay)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep files this many days after the import finished (default {settings.IMPORT_KEEP_DAYS})",
        )
        parser.add_argument(
            "--schedule", action="store_true", help="only book the daily purge in the worker's queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from lojal.imports.tasks import purge_schedule

            booked = purge_schedule()
            self.stdout.write("The daily purge is booked." if booked else "This task backend cannot book it.")
            return
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days must be 0 or more")
        from lojal.imports.retention import import_files_purge

        result = import_files_purge(keep_days=options["days"])
        self.stdout.write(
            f"{result.files} import files deleted, {result.orphans} files without an import deleted, "
            f"{result.abandoned} imports left uncommitted for {settings.IMPORT_ABANDONED_DAYS} days cancelled."
        )
