"""Uploaded import files hold personal data (names, national ids, purchases), so they are not kept
forever: a file is deleted LOJAL_IMPORT_KEEP_DAYS after its import finished (committed, cancelled, or
failed and not checked again), by the worker's daily task or ``lojal purge_import_files``, or at once
by hand from the job's page or the API. An import checked but left uncommitted for
LOJAL_IMPORT_ABANDONED_DAYS is cancelled and its file deleted. The job row, its counts and its
rejected rows (line, field, reason) stay; the values the rejected rows copied from the file (a bad
national number, say) go with the file."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, LojalError, NotFound
from lojal.imports.models import ImportJob, ImportRejection
from lojal.imports.services import import_job_cancel

logger = logging.getLogger(__name__)

#: Statuses after which nothing reads the file again (a failed job can be re-checked with a new
#: mapping, which moves it back to "pending" and so out of this set until it finishes again).
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.CANCELLED, ImportJob.Status.FAILED)
#: Statuses in which a job waits for a person (to commit, or for a worker that never came); left so
#: for LOJAL_IMPORT_ABANDONED_DAYS, it is cancelled (its staged rows dropped) and its file deleted.
ABANDONABLE = (ImportJob.Status.PENDING, ImportJob.Status.CHECKED)


def file_kept(job: ImportJob) -> bool:
    """Whether the job still has its uploaded file (so it can be checked again)."""
    return job.file_deleted_at is None and bool(job.file_path)


def file_deleted_on(job: ImportJob) -> dt.datetime | None:
    """When the daily task will delete the file: KEEP_DAYS after a job finished, or ABANDONED_DAYS after
    a job was checked (or uploaded) and then left uncommitted."""
    if not file_kept(job):
        return None
    if job.status in FINISHED and job.finished_at is not None:
        return job.finished_at + dt.timedelta(days=settings.IMPORT_KEEP_DAYS)
    if job.status in ABANDONABLE:
        return (job.checked_at or job.created_at) + dt.timedelta(days=settings.IMPORT_ABANDONED_DAYS)
    return None


def require_file(job: ImportJob) -> None:
    """Refuse work that needs a deleted file, with a reason instead of a missing-file error."""
    if not file_kept(job):
        raise Conflict(
            _("The uploaded file of this import has been deleted; upload the file again."),
            errors={"file": [_("The uploaded file has been deleted.")]},
        )


def _unlink(path_text: str) -> None:
    if not path_text:
        return
    try:
        Path(path_text).unlink(missing_ok=True)
    except OSError:
        # A file that cannot be deleted now is logged; the job still says deleted, and the orphan
        # sweep below tries again on the next run.
        logger.warning("Could not delete the import file %s", path_text, exc_info=True)


def import_file_delete(*, actor: Any, job_id: int) -> ImportJob:
    """Delete a finished job's uploaded file now (the user need not wait for the retention period)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFound(_("No import with id %(id)s.") % {"id": job_id})
        if not file_kept(job):
            return job
        if job.status not in FINISHED:
            raise Conflict(
                _("This import is not finished: commit or cancel it first, then delete its file."),
                errors={"status": [job.get_status_display()]},
            )
        path, job.file_deleted_at = job.file_path, timezone.now()
        job.save(update_fields=["file_deleted_at"])
        _forget_rejected_values([job.pk])
        audit_record(actor=actor, action="delete_file", obj=job, changes={"file": [job.file_name, None]})
    _unlink(path)
    return job


@dataclass
class PurgeResult:
    files: int  # files of finished jobs deleted
    orphans: int  # files in LOJAL_IMPORT_DIR that belonged to no job
    abandoned: int = 0  # uncommitted jobs cancelled (their files are among ``files``)


def import_files_purge(*, keep_days: int | None = None, now: dt.datetime | None = None) -> PurgeResult:
    """Delete the files of imports that finished more than ``keep_days`` ago, and old files in the
    import directory that no job refers to (left by an upload that failed halfway)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_KEEP_DAYS if keep_days is None else keep_days)
    abandoned = _cancel_abandoned(now)
    due = ImportJob.objects.filter(
        Q(finished_at__lte=cutoff) | Q(pk__in=abandoned), status__in=FINISHED, file_deleted_at__isnull=True
    )
    with transaction.atomic():
        # Locked rows are being changed right now (a failed job checked again): left for the next run.
        rows = list(due.select_for_update(skip_locked=True).values_list("pk", "file_path", "file_name"))
        ImportJob.objects.filter(pk__in=[pk for pk, _path, _name in rows]).update(file_deleted_at=now)
        _forget_rejected_values([pk for pk, _path, _name in rows])
        for pk, _path, name in rows:
            audit_record(
                actor=None,
                action="delete_file",
                obj=ImportJob(pk=pk, file_name=name),
                changes={"file": [name, None], "reason": "retention"},
                label=name,
            )
    for _pk, path, _name in rows:
        _unlink(path)
    # A file without a job may be an upload being written right now: orphans get a day at least.
    return PurgeResult(
        files=len(rows),
        orphans=_purge_orphans(min(cutoff, now - dt.timedelta(days=1))),
        abandoned=len(abandoned),
    )


def _forget_rejected_values(job_ids: list[int]) -> None:
    """Blank the file's values kept in these jobs' rejected rows; where and why a row was rejected stays."""
    for start in range(0, len(job_ids), 500):
        ImportRejection.objects.filter(job_id__in=job_ids[start : start + 500]).exclude(value="").update(
            value=""
        )


def _cancel_abandoned(now: dt.datetime) -> list[int]:
    """Cancel jobs checked (or uploaded) and then left uncommitted for LOJAL_IMPORT_ABANDONED_DAYS:
    their staged rows and file hold the same personal data as a finished import's."""
    cutoff = now - dt.timedelta(days=settings.IMPORT_ABANDONED_DAYS)
    stale = ImportJob.objects.filter(status__in=ABANDONABLE).filter(
        Q(checked_at__lte=cutoff) | Q(checked_at__isnull=True, created_at__lte=cutoff)
    )
    cancelled = []
    for job_id in stale.values_list("pk", flat=True):
        try:
            job = import_job_cancel(job_id=job_id)
        except LojalError:  # started or finished meanwhile
            continue
        audit_record(actor=None, action="cancel", obj=job, changes={"reason": "abandoned"})
        cancelled.append(job_id)
    return cancelled


def _purge_orphans(cutoff: dt.datetime) -> int:
    directory = Path(settings.IMPORT_DIR)
    if not directory.is_dir():
        return 0
    kept = set(ImportJob.objects.filter(file_deleted_at__isnull=True).values_list("file_path", flat=True))
    deleted = 0
    for path in directory.iterdir():
        try:
            if not path.is_file() or str(path) in kept:
                continue
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        except OSError:
            continue
        if modified <= cutoff:
            _unlink(str(path))
            deleted += 1
    return deleted


def import_rejected_values_forget(*, before: dt.datetime) -> int:
    """Blank the copied values of rejected rows of imports started before ``before``, whatever became of
    the job (the file purge blanks them with the file; this catches jobs that never finished)."""
    from lojal.core.retention import update_batched

    return update_batched(
        ImportRejection.objects.filter(job__created_at__lt=before).exclude(value=""), value=""
    )
