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
    from lojal.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return services.import_job_commit(job_id=job_id, actor=actor).status
    except services.Conflict:
        return "skipped"
