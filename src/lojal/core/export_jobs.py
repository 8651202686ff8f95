"""Exports too large to stream while the user waits (more than LOJAL_EXPORT_BACKGROUND_ROWS rows): the
request records an :class:`ExportJob` and queues it once the transaction commits; the worker writes
the file under LOJAL_EXPORT_DIR, saying how far it got after each batch; only the user who asked may
download it, until it expires (LOJAL_EXPORT_KEEP_DAYS), when the nightly retention run deletes it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from lojal.core import exports
from lojal.core.errors import Conflict, NotFound
from lojal.core.models import ExportJob

logger = logging.getLogger(__name__)
#: Progress is saved at most this often (a save per 2,000-row batch would be a write per 20 ms).
PROGRESS_EVERY = dt.timedelta(seconds=1)


def export_job_start(
    *, source: str, params: Mapping[str, Any], fmt: str, plan: exports.ExportPlan, actor: Any
) -> ExportJob:
    """Record a background export of ``plan`` for ``actor`` and queue it after commit; the audit
    entry is written now, with the job's id."""
    job = ExportJob.objects.create(
        source=source,
        file_format=fmt,
        params={key: value for key, value in params.items() if key != "format"},
        language=translation.get_language() or "",
        rows_total=plan.total,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    exports.export_audit(plan=plan, fmt=fmt, actor=actor, job_id=job.pk)
    transaction.on_commit(lambda: export_job_run_task.enqueue(job.pk))
    return job


def export_job_get(*, job_id: int, user: Any) -> ExportJob:
    """The job, for the user who asked for it only (anyone else is told there is none)."""
    user_id = getattr(user, "pk", None)
    job = ExportJob.objects.filter(pk=job_id, requested_by__pk=user_id).first() if user_id else None
    if job is None:
        raise NotFound(_("No export with id %(id)s.") % {"id": job_id})
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file (the worker's part). Safe to run again: a job that is not waiting is left
    as it is. The rows are read afresh with the requester's current rights (a user who lost the right
    to see national numbers since asking gets them masked)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.PENDING:
            return job  # type: ignore[return-value]
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    user = (
        get_user_model().objects.filter(pk=job.requested_by_id, is_active=True).first()
        if job.requested_by_id
        else None
    )
    directory = Path(settings.EXPORT_DIR)
    path = directory / f"export-{job.pk}.{job.file_format}"
    try:
        if user is None:
            raise Conflict(_("The user who asked for this export can no longer sign in."))
        with translation.override(job.language or settings.LANGUAGE_CODE):
            plan = exports.export_plan(source=job.source, params=job.params, user=user)
            job.rows_total = plan.total
            job.file_name = exports.file_name(plan, job.file_format)
            saved = [timezone.now()]

            def progress(done: int) -> None:
                if timezone.now() - saved[0] >= PROGRESS_EVERY:
                    ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
                    saved[0] = timezone.now()

            directory.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as target:
                if job.file_format == "xlsx":
                    exports.xlsx_write(plan, target, progress=progress)
                else:
                    exports.csv_write(plan, target, progress=progress)
    except Exception as error:  # recorded on the job and shown on its page; the worker goes on
        logger.exception("Export %s failed", job.pk)
        path.unlink(missing_ok=True)
        job.status, job.error = ExportJob.Status.FAILED, str(getattr(error, "message", error))[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "rows_total"])
        return job
    job.status, job.file_path, job.rows_done = ExportJob.Status.DONE, str(path), plan.total
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    job.save()
    return job


@task()
def export_job_run_task(job_id: int) -> str:
    """Write a background export's file (thin: the work is :func:`export_job_run`)."""
    job = export_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their expiry (the jobs stay, marked expired, as the record of
    what was exported); returns how many files."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now).only(
        "pk", "file_path"
    ):
        if job.file_path:
            try:
                Path(job.file_path).unlink(missing_ok=True)
            except OSError:
                logger.warning("Could not delete the export file %s", job.file_path, exc_info=True)
                continue
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file_path="")
        deleted += 1
    return deleted
