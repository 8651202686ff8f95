"""The daily lifecycle sweep in the worker: it runs, then books its own next run (the database queue
holds it until then). ``lojal run`` and ``lojal lifecycle --schedule`` start the chain; a second
start does not add a second chain."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

from lojal.sales.lifecycle import lifecycle_promote, lifecycle_retire_inactive

logger = logging.getLogger(__name__)
SWEEP_HOUR = 3  # local time: after the nightly ERP imports


def next_sweep_at(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=SWEEP_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def sweep_schedule() -> bool:
    """Book the next sweep unless one is already waiting; False when the backend cannot defer."""
    if not default_task_backend.supports_defer:
        return False
    try:
        from django_tasks_db.models import DBTaskResult

        path = f"{lifecycle_sweep_task.func.__module__}.{lifecycle_sweep_task.func.__qualname__}"
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            return True
    except ImportError:  # another backend: rely on it to drop nothing
        pass
    lifecycle_sweep_task.using(run_after=next_sweep_at()).enqueue()
    return True


@task()
def lifecycle_sweep_task() -> str:
    promoted = lifecycle_promote()
    retired = lifecycle_retire_inactive()
    logger.info("Lifecycle sweep: %d became customers, %d became former customers", promoted, retired)
    sweep_schedule()
    return f"{promoted} promoted, {retired} retired"
