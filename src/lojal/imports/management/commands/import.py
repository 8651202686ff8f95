"""``lojal import KIND FILE``: check a file (the dry run), print the report, then commit it, with a
progress line (rows, rate, time left) while it runs. Kinds: customers, products, transactions, holdings."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.core.errors import LojalError
from lojal.imports import services
from lojal.imports.mapping import KINDS
from lojal.imports.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import customers, products, transactions or holdings from a CSV or XLSX file (dry run, then commit)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", default="file", help="the system the file comes from (ids are unique per source)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report only; commit nothing")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="commit the good rows even when some are rejected"
        )
        parser.add_argument(
            "--currency", default="SEK", help="currency of amounts when the file has no currency column"
        )
        parser.add_argument(
            "--locale",
            default="",
            help="how the file writes numbers: sv_SE, nb_NO, da_DK, fi_FI, en_GB or en_US "
            "(default: LOJAL_DEFAULT_COUNTRY's)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="map a column to a field (repeatable); FIELD empty ignores the column",
        )
        parser.add_argument(
            "--no-header", action="store_true", help="the first row is data (columns are 'column 1', ...)"
        )
        parser.add_argument("--user", default="", help="staff user recorded as the actor")
        parser.add_argument("--show", type=int, default=50, help="rejected rows to print (default 50)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = {}
        for item in options["map"]:
            header, sep, field = item.partition("=")
            if not sep:
                raise CommandError(f"--map wants HEADER=FIELD, not {item!r}")
            mapping[header] = field
        actor = None
        if options["user"]:
            from lojal.accounts.selectors import staff_get

            actor = staff_get(username=options["user"])
            if actor is None:
                raise CommandError(f"No staff user {options['user']!r}")
        try:
            job = services.import_job_create(
                actor=actor,
                kind=options["kind"],
                upload=path,
                file_name=path.name,
                source=options["source"],
                mapping=mapping or None,
                skip_bad_rows=options["skip_bad_rows"],
                default_currency=options["currency"],
                number_locale=options["locale"],
                has_header=False if options["no_header"] else None,
            )
        except LojalError as error:
            raise CommandError(error.message) from None
        self.stderr.write(
            f"Import {job.pk}: {job.file_name} ({job.encoding}, delimiter {job.delimiter!r}, "
            f"{'header row' if job.has_header else 'no header row'})"
        )
        for header in job.headers:
            self.stderr.write(f"  {header!r:>32} -> {job.mapping.get(header) or '(ignored)'}")
        started = time.monotonic()
        job = services.import_job_check(
            job_id=job.pk, progress=lambda j: self._progress(j, started, "checking")
        )
        self.stderr.write("")
        self._report(job, options["show"])
        if job.status != ImportJob.Status.CHECKED:
            raise CommandError(job.error or job.get_status_display())
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        if not job.can_commit:
            raise CommandError(
                f"{job.rejected_count} rows were rejected; nothing was written. "
                "Fix the file or use --skip-bad-rows."
            )
        self.stderr.write("Committing…")
        started = time.monotonic()
        job = services.import_job_commit(job_id=job.pk, actor=actor)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.error)
        self.stdout.write(
            f"Committed in {time.monotonic() - started:.1f} s: {job.created_count} created, "
            f"{job.updated_count} updated, {job.unchanged_count} unchanged."
        )

    def _progress(self, job: ImportJob, started: float, phase: str) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = job.rows_done / elapsed
        left = elapsed * (1 - job.fraction_done) / job.fraction_done if job.fraction_done > 0 else 0
        width = 30
        filled = int(width * job.fraction_done)
        line = (
            f"\r{phase} [{'#' * filled}{'.' * (width - filled)}] {job.percent:3d}% "
            f"{job.rows_done:,} rows, {rate:,.0f} rows/s, {left:,.0f} s left "
        )
        if sys.stderr.isatty():
            self.stderr.write(line, ending="")
        else:
            self.stderr.write(line.strip())

    def _report(self, job: ImportJob, show: int) -> None:
        self.stdout.write(
            f"Would create {job.created_count}, update {job.updated_count}, leave {job.unchanged_count} unchanged, "
            f"reject {job.rejected_count}."
        )
        if job.skipped_lines:
            self.stdout.write(f"Skipped totals rows on lines {', '.join(map(str, job.skipped_lines))}.")
        if count := job.report.get("new_product_count"):
            codes = ", ".join(job.new_products_shown) + (
                " …" if count > len(job.report["new_products"]) else ""
            )
            self.stdout.write(f"{count} new products will be created: {codes}.")
        if columns := job.report.get("attribute_columns"):
            self.stdout.write(f"Kept as free attributes: {', '.join(columns)}.")
        for rejection in job.rejections.order_by("line", "id")[:show]:
            value = f" ({rejection.value!r})" if rejection.value else ""
            self.stdout.write(f"  line {rejection.line}: {rejection.field}: {rejection.reason}{value}")
        if job.rejected_count > show:
            self.stdout.write(f"  … and more; see import {job.pk}.")
