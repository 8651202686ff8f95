"""Background work for imports: thin wrappers that take a job id and call a service."""

from __future__ import annotations

from django_tasks import task

from lojal.imports import services


@task()
def import_check_task(job_id: int) -> str:
    """Check (and, when asked, commit) an import; safe to run again on a finished job (it refuses)."""
    try:
        return services.import_job_check(job_id=job_id).status
    except services.Conflict:
        return "skipped"


@task()
def import_commit_task(job_id: int, actor_id: int | None) -> str:
    from lojal.accounts.selectors import staff_get

    actor = staff_get(user_id=actor_id) if actor_id else None
    try:
        return services.import_job_commit(job_id=job_id, actor=actor).status
    except services.Conflict:
        return "skipped"


PURGE_HOUR = 4  # local time: after the nightly imports and the lifecycle sweep


def purge_schedule() -> bool:
    """Book the next daily purge of old import files unless one is waiting; False when the backend
    cannot defer (the command ``lojal purge_import_files`` does the same work by hand or from cron)."""
    import datetime as dt

    from django.utils import timezone

    from lojal.core.periodic import periodic_book

    local = timezone.localtime()
    at = local.replace(hour=PURGE_HOUR, minute=0, second=0, microsecond=0)
    return periodic_book(import_files_purge_task, run_after=at if at > local else at + dt.timedelta(days=1))


@task()
def import_files_purge_task() -> str:
    """Delete uploaded files of imports finished longer ago than LOJAL_IMPORT_KEEP_DAYS, then book the next run."""
    from lojal.imports.retention import import_files_purge

    result = import_files_purge()
    purge_schedule()
    return f"{result.files} files deleted, {result.orphans} orphans"
