"""``lojal restore FILE``: put a backup back into an empty database, then check every table and file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.core.backup import BackupError, backup_restore, lojal_version


class Command(BaseCommand):
    help = "Restore a `lojal backup` archive into an empty database and verify it against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive `lojal backup` wrote")
        parser.add_argument(
            "--force", action="store_true", help="replace everything in a database that is not empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(source=options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(error.message) from error
        if report.differences:
            for difference in report.differences:
                self.stderr.write(f"DIFFERS: {difference}")
            raise CommandError(
                f"The restore does not match the backup in {len(report.differences)} places (listed above)."
            )
        self.stdout.write(
            f"Restored and verified {report.tables} tables, {report.rows:,} rows and {report.files} files: "
            f"every checksum matches. This is Lojal {lojal_version()}; run `lojal migrate` if it is newer."
        )
