"""Reads for imports: jobs with their progress (rate and time left), rejected rows, saved mappings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from lojal.imports.models import ImportJob, ImportRejection


@dataclass
class JobProgress:
    rows_done: int
    percent: int
    rows_per_second: float
    seconds_left: int | None


def job_progress(job: ImportJob) -> JobProgress:
    """Rows done, rate and time left of the running phase, from when the phase started."""
    rate = 0.0
    left: int | None = None
    if job.phase_started_at and job.status == ImportJob.Status.CHECKING:
        elapsed = max((timezone.now() - job.phase_started_at).total_seconds(), 0.001)
        rate = job.rows_done / elapsed
        if job.fraction_done > 0:
            left = round(elapsed * (1 - job.fraction_done) / job.fraction_done)
    elif job.phase_started_at and job.checked_at and job.checked_at > job.phase_started_at:
        elapsed = max((job.checked_at - job.phase_started_at).total_seconds(), 0.001)
        rate = job.rows_done / elapsed
    return JobProgress(
        rows_done=job.rows_done, percent=job.percent, rows_per_second=round(rate, 1), seconds_left=left
    )


def job_list(
    *, before_id: int | None = None, kind: str = "", status: str = "", order_by: Sequence[str] = ()
) -> QuerySet[ImportJob]:
    """Import jobs, newest first unless ``order_by`` says otherwise, of one kind or status if given."""
    jobs = ImportJob.objects.select_related("created_by").order_by(*(order_by or ("-id",)))
    if kind:
        jobs = jobs.filter(kind=kind)
    if status:
        jobs = jobs.filter(status=status)
    if before_id is not None:
        jobs = jobs.filter(pk__lt=before_id)
    return jobs


def rejection_list(*, job_id: int, after_id: int = 0) -> QuerySet[ImportRejection]:
    """Rejected rows in file order (by line, then as found)."""
    return ImportRejection.objects.filter(job_id=job_id, id__gt=after_id).order_by("id")
