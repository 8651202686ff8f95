"""``lojal backup FILE``: the database, the stored import files and a manifest, in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup, or pg_dump) and the import files into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write (.tar, or .tar.gz to compress)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(target=options["file"])
        except BackupError as error:
            raise CommandError(error.message) from error
        rows = sum(table["rows"] for table in manifest.tables.values())
        self.stdout.write(
            f"Backed up {manifest.vendor}: {len(manifest.tables)} tables, {rows:,} rows, "
            f"{len(manifest.files)} files into {options['file']} (Lojal {manifest.lojal_version})."
        )
