"""Import jobs from upload to commit: create a job from a file (headers read, mapping guessed from the
source's saved mapping), check it (the dry run, in batches, with progress and cancellation), commit
it (all at once, in one transaction), cancel it.

The check writes only to staging tables and the job's counts and rejections, in one short transaction
per batch, so progress shows while it runs and nothing the user had changes. The commit applies the
staged rows in one transaction: all of them or, when it fails, none."""

from __future__ import annotations

import contextlib
import csv
import itertools
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping
from pathlib import Path
from queue import Full, Queue
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, LojalError, NotFound, ValidationError
from lojal.core.unavailable import is_database_unavailable, is_storage_full
from lojal.imports.base import Importer, Row
from lojal.imports.catalogue import HoldingImporter, ProductImporter
from lojal.imports.columnar.frames import UnreadableText, open_frames
from lojal.imports.customers import CustomerImporter
from lojal.imports.mapping import KINDS, mapping_check, mapping_guess
from lojal.imports.models import (
    ImportJob,
    ImportMapping,
    ImportRejection,
    RowOccurrence,
    StagedRow,
    StagedTransaction,
)
from lojal.imports.reading import open_table
from lojal.imports.rules.numbers import SUPPORTED_LOCALES
from lojal.imports.transactions import TransactionImporter
from lojal.sales.models import Currency

logger = logging.getLogger(__name__)
BATCH_ROWS = 5000
MAX_FILE_BYTES = 4 * 1024**3
IMPORTERS: dict[str, type[Importer]] = {
    "customers": CustomerImporter,
    "products": ProductImporter,
    "transactions": TransactionImporter,
    "holdings": HoldingImporter,
}
Progress = Callable[[ImportJob], None]


def _store(upload: IO[bytes] | Path, name: str) -> tuple[Path, int]:
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(name).name)[-80:] or "upload"
    target = directory / f"{uuid.uuid4().hex}-{safe}"
    if isinstance(upload, Path):
        shutil.copyfile(upload, target)
    else:
        with target.open("wb") as out:
            shutil.copyfileobj(upload, out, length=1024 * 1024)
    return target, target.stat().st_size


def import_job_create(
    *,
    actor: Any,
    kind: str,
    upload: IO[bytes] | Path,
    file_name: str,
    source: str = "file",
    mapping: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    default_currency: str = "SEK",
    has_header: bool | None = None,
    number_locale: str = "",
) -> ImportJob:
    """Keep the file, read its header row and guess (or take) the column mapping; nothing is checked yet."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [_("Must be one of: %(allowed)s.") % {"allowed": ", ".join(KINDS)}]
    source = (source or "file").strip()
    if len(source) > 60 or not source:
        errors["source"] = [_("Give a source name of at most 60 characters.")]
    default_currency = (default_currency or "SEK").upper()
    if default_currency not in Currency.values:
        errors["default_currency"] = [_("Unknown currency: %(value)s") % {"value": default_currency[:10]}]
    number_locale = (number_locale or "").strip()
    if number_locale and number_locale not in SUPPORTED_LOCALES:
        errors["number_locale"] = [
            _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(SUPPORTED_LOCALES)}
        ]
    if errors:
        raise ValidationError("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), errors=errors)
    path, size = _store(upload, file_name)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError.for_field("file", _("The file is empty."))
    if size > MAX_FILE_BYTES:
        path.unlink(missing_ok=True)
        raise ValidationError.for_field("file", _("The file is larger than 4 GB."))
    try:
        with open_table(path, has_header=has_header) as table:
            headers, encoding, delimiter, header_row = (
                table.headers,
                table.encoding,
                table.delimiter,
                table.has_header,
            )
    except LojalError:
        path.unlink(missing_ok=True)
        raise
    saved = ImportMapping.objects.filter(source=source, kind=kind).values_list("mapping", flat=True).first()
    chosen = mapping_guess(kind, headers, saved)
    if mapping:
        chosen.update({header: field for header, field in mapping.items() if header in headers})
    job = ImportJob.objects.create(
        kind=kind,
        source=source,
        file_name=Path(file_name).name[:255],
        file_path=str(path),
        file_size=size,
        encoding=encoding,
        delimiter=delimiter,
        has_header=header_row,
        headers=headers,
        mapping=chosen,
        skip_bad_rows=skip_bad_rows,
        default_currency=default_currency,
        number_locale=number_locale,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return job


def import_job_get(job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No import with id %(id)s.") % {"id": job_id})
    return job


@transaction.atomic
def import_mapping_set(
    *, job_id: int, mapping: Mapping[str, str], skip_bad_rows: bool | None = None
) -> ImportJob:
    """Change the mapping of a job that has not started committing; a checked job is checked again."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No import with id %(id)s.") % {"id": job_id})
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.CHECKED, ImportJob.Status.FAILED):
        raise Conflict(_("This import is running or finished; its mapping cannot change now."))
    merged = {header: mapping.get(header, job.mapping.get(header, "")) for header in job.headers}
    problems = mapping_check(job.kind, job.headers, merged)
    if problems:
        raise ValidationError("; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()), errors=problems)
    job.mapping = merged
    if skip_bad_rows is not None:
        job.skip_bad_rows = skip_bad_rows
    job.status = ImportJob.Status.PENDING
    job.save(update_fields=["mapping", "skip_bad_rows", "status"])
    return job


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


_READ_AHEAD = 2
#: Rows per batch when the check reads polars frames: the columnar work and the look-ups per batch cost
#: little per row at this size (1M rows: 10.3 s of CPU at 20,000, 11.1 s at 50,000), and the peak
#: memory of the check stays low whatever the file's size (263 MB at 20,000, 357 MB at 50,000).
FRAME_ROWS = 20_000
Batch = TypeVar("Batch")


def _batches_read_ahead(
    batches: Iterator[Batch],
    fraction: Callable[[], float],
    prepare: Callable[[Batch], Any] | None = None,
) -> Generator[tuple[Batch, float, Any], None, None]:
    """The batches (of rows, or polars frames), each with the fraction of the file read once it was
    taken and what ``prepare`` made of it, read by a thread up to two batches ahead: reading, splitting
    and preparing the next batch (which waits for the database on a connection of the thread's own)
    goes on while the check of this batch works. An error reading the file is raised here, in the
    caller."""
    queue: Queue[tuple[Batch, float, Any] | BaseException | None] = Queue(maxsize=_READ_AHEAD)
    stop = threading.Event()

    def put(item: tuple[Batch, float, Any] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                done = fraction()
                if not put((batch, done, prepare(batch) if prepare else None)):
                    return
            put(None)
        except BaseException as error:  # handed to the caller, which decides what it means
            put(error)
        finally:
            if prepare:
                connection.close()  # this thread's own connection

    reader = threading.Thread(target=read, name="lojal-import-reader", daemon=True)
    reader.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _ahead(importer: Importer) -> Callable[[Any], Any] | None:
    """The importer's preparation to run in the reader's thread, when that is safe: on PostgreSQL (a
    second connection beside the check's), and outside a transaction, whose uncommitted rows another
    connection could not see (a check called inside one prepares each batch itself)."""
    if importer.prepares_ahead and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return importer.prepare_frame if importer.reads_frames else importer.prepare
    return None


@contextlib.contextmanager
def _checked_batches(
    job: ImportJob, importer: Importer
) -> Iterator[tuple[Iterator[tuple[Any, float, Any]], Callable[[Any, Any], None], list[int]]]:
    """The job's file in batches as the importer reads them (polars frames or rows of cells), the
    importer's check for a batch, and the lines of totals rows skipped (filled as reading goes)."""
    path = Path(job.file_path)
    if importer.reads_frames:
        with open_frames(path, has_header=job.has_header, batch_rows=FRAME_ROWS) as source:
            batches = _batches_read_ahead(source.batches(), source.fraction_done, _ahead(importer))
            with contextlib.closing(batches):
                yield batches, importer.check_frame, source.skipped_totals
        return
    with open_table(path, has_header=job.has_header) as table:
        row_batches = _batches_read_ahead(
            _batches(table.rows, BATCH_ROWS), table.fraction_done, _ahead(importer)
        )
        with contextlib.closing(row_batches):
            yield row_batches, importer.check, table.skipped_totals


def _analyze_staging() -> None:
    """Fresh statistics while staging grows, so PostgreSQL keeps looking up earlier rows by index
    rather than scanning what it last saw as an empty table."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (StagedRow, StagedTransaction):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _clear_staging(job_id: int) -> None:
    StagedRow.objects.filter(job_id=job_id).delete()
    StagedTransaction.objects.filter(job_id=job_id).delete()
    RowOccurrence.objects.filter(job_id=job_id).delete()


def _save_progress(job: ImportJob, importer: Importer, rows_done: int, fraction: float) -> None:
    """Write counts and progress where the pages and the API read them."""
    counts = importer.counts
    ImportJob.objects.filter(pk=job.pk).update(
        rows_done=rows_done,
        fraction_done=fraction,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        rejected_count=counts.rejected,
    )
    job.rows_done, job.fraction_done = rows_done, fraction
    job.created_count, job.updated_count = counts.created, counts.updated
    job.unchanged_count, job.rejected_count = counts.unchanged, counts.rejected


def _cancel_requested(job: ImportJob) -> bool:
    return bool(ImportJob.objects.filter(pk=job.pk).values_list("cancel_requested", flat=True).first())


def import_job_check(*, job_id: int, progress: Progress | None = None) -> ImportJob:
    """The dry run: every row checked and counted as created, updated, unchanged or rejected."""
    job = import_job_get(job_id)
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.CHECKED, ImportJob.Status.FAILED):
        raise Conflict(_("This import is running or finished."))
    problems = mapping_check(job.kind, job.headers, job.mapping)
    if problems:
        return _fail(job, "; ".join(" ".join(v) for v in problems.values()))
    _clear_staging(job.pk)
    ImportRejection.objects.filter(job_id=job.pk).delete()
    job.status, job.phase_started_at, job.error = ImportJob.Status.CHECKING, timezone.now(), ""
    job.report = {}
    job.save(update_fields=["status", "phase_started_at", "error", "report"])
    importer = IMPORTERS[job.kind](job)
    rows_done = 0
    try:
        with _checked_batches(job, importer) as (batches, check, skipped_totals):
            for number, (batch, fraction, prepared) in enumerate(batches, start=1):
                with transaction.atomic():
                    check(batch, prepared)
                rows_done += len(batch)
                if number in (1, 10, 100, 1000):
                    _analyze_staging()
                _save_progress(job, importer, rows_done, fraction)
                if progress:
                    progress(job)
                if _cancel_requested(job):
                    return _cancelled(job)
            skipped = skipped_totals[:100]
    except UnreadableText as error:
        return _fail(
            job,
            _("The file is not readable text after row %(rows)d: %(error)s")
            % {"rows": rows_done, "error": error.detail},
        )
    except LojalError as error:
        return _fail(job, error.message)
    except (UnicodeDecodeError, csv.Error) as error:
        return _fail(
            job,
            _("The file is not readable text after row %(rows)d: %(error)s")
            % {"rows": rows_done, "error": error},
        )
    except Exception as error:
        logger.exception("Import %s failed while checking", job.pk)
        return _fail(job, _("The check stopped: %(error)s") % {"error": error})
    _save_progress(job, importer, rows_done, 1.0)
    RowOccurrence.objects.filter(job_id=job.pk).delete()  # only the check counts occurrences
    job.status, job.checked_at, job.skipped_lines = ImportJob.Status.CHECKED, timezone.now(), skipped
    job.report = importer.report()
    job.save(update_fields=["status", "checked_at", "skipped_lines", "report"])
    ImportMapping.objects.update_or_create(
        source=job.source, kind=job.kind, defaults={"mapping": job.mapping}
    )
    if progress:
        progress(job)
    if job.commit_after_check and job.can_commit:
        return import_job_commit(job_id=job.pk, actor=job.created_by)
    return job


def import_job_commit(*, job_id: int, actor: Any) -> ImportJob:
    """Write everything the check staged, in one transaction; rejected rows are left out only when
    the job says to skip bad rows, otherwise a job with rejections cannot be committed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFound(_("No import with id %(id)s.") % {"id": job_id})
        retrying = job.status == ImportJob.Status.FAILED and job.is_commit_retryable
        if job.status != ImportJob.Status.CHECKED and not retrying:
            raise Conflict(
                _("Only a checked import can be committed (this one is: %(status)s).")
                % {"status": job.get_status_display()}
            )
        if job.rejected_count and not job.skip_bad_rows:
            raise Conflict(
                _("%(count)d rows were rejected: fix the file, or choose to skip bad rows.")
                % {"count": job.rejected_count}
            )
        job.status, job.phase_started_at = ImportJob.Status.COMMITTING, timezone.now()
        job.is_commit_retryable, job.error, job.finished_at = False, "", None
        job.save(update_fields=["status", "phase_started_at", "is_commit_retryable", "error", "finished_at"])
    importer = IMPORTERS[job.kind](job)
    started = time.monotonic()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Two commits of the same source and kind run one after the other, never interleaved.
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))",
                        [f"lojal-import:{job.source}:{job.kind}"],
                    )
            importer.apply(actor)
            audit_record(
                actor=actor,
                action="import",
                obj=job,
                changes={
                    "created": job.created_count,
                    "updated": job.updated_count,
                    "unchanged": job.unchanged_count,
                    "rejected": job.rejected_count,
                    "file": job.file_name,
                    "source": job.source,
                },
            )
            job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
            job.save(update_fields=["status", "finished_at"])
    except LojalError as error:
        return _fail(job, error.message)
    except Exception as error:
        if is_storage_full(error) or is_database_unavailable(error):
            return _fail_retryably(job, error)
        logger.exception("Import %s failed while committing", job.pk)
        return _fail(job, _("The commit failed and changed nothing: %(error)s") % {"error": error})
    logger.info("Import %s committed in %.1f s", job.pk, time.monotonic() - started)
    _clear_staging(job.pk)
    return job


def import_job_cancel(*, job_id: int) -> ImportJob:
    """Stop a job: a running check stops after its current batch; a checked job is dropped unstaged."""
    job = import_job_get(job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED):
        raise Conflict(_("This import is already finished."))
    if job.status == ImportJob.Status.COMMITTING:
        raise Conflict(_("The commit is running; it finishes as a whole or not at all."))
    if job.status == ImportJob.Status.CHECKING:
        ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        job.cancel_requested = True
        return job
    return _cancelled(job)


def _cancelled(job: ImportJob) -> ImportJob:
    _clear_staging(job.pk)
    job.status, job.finished_at, job.cancel_requested = ImportJob.Status.CANCELLED, timezone.now(), True
    job.save(update_fields=["status", "finished_at", "cancel_requested"])
    return job


def _fail_retryably(job: ImportJob, error: BaseException) -> ImportJob:
    """The commit's transaction was rolled back for want of disk space or of the database: nothing of
    the import is written, the checked rows stay staged, and the job says why and can be committed again."""
    logger.warning("Import %s could not commit: %s", job.pk, error)
    if is_storage_full(error):
        message = _(
            "The commit failed because the database's disk is full; nothing was written. Free disk space, "
            "then commit again: the checked rows are kept."
        )
    else:
        message = _(
            "The commit failed because the database became unavailable; nothing was written. Commit again "
            "when it is back: the checked rows are kept."
        )
    job.status, job.finished_at, job.error = ImportJob.Status.FAILED, timezone.now(), message
    job.is_commit_retryable = True
    try:
        job.save(update_fields=["status", "finished_at", "error", "is_commit_retryable"])
    except DatabaseError:
        # Not even this small write fits: the job stays "committing" until a person looks; the log says why.
        logger.exception("Import %s: could not record the failed commit", job.pk)
    return job


def _fail(job: ImportJob, message: str) -> ImportJob:
    _clear_staging(job.pk)
    job.status, job.finished_at, job.error = ImportJob.Status.FAILED, timezone.now(), message[:2000]
    job.save(update_fields=["status", "finished_at", "error"])
    return job
