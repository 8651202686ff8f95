"""Self-rescheduling worker tasks: a periodic task books its own next run, which the database queue
holds until then. Starting the chain twice must not make two chains, so a run is booked only when none
of the same task is waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import default_task_backend
from django_tasks.base import Task


def periodic_book(task: Task[[], Any], *, run_after: dt.datetime) -> bool:
    """Book ``task`` to run at ``run_after`` unless a run of it is already waiting; False when the
    task backend cannot defer."""
    if not default_task_backend.supports_defer:
        return False
    try:
        from django_tasks_db.models import DBTaskResult

        path = f"{task.func.__module__}.{task.func.__qualname__}"
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            return True
    except ImportError:  # another backend: rely on it to drop nothing
        pass
    task.using(run_after=run_after).enqueue()
    return True
