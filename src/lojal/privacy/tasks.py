"""The nightly retention run in the worker: it runs every rule, then books its own next run (as the
lifecycle sweep and the import-file purge do). ``lojal run`` and ``lojal retention --schedule`` start
the chain; a second start does not add a second chain."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from lojal.core.periodic import periodic_book

RETENTION_HOUR = 4  # local time: after the nightly imports and the lifecycle sweep


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=RETENTION_HOUR, minute=30, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def retention_schedule() -> bool:
    """Book the next nightly run unless one is waiting; False when the backend cannot defer."""
    return periodic_book(retention_task, run_after=next_run_at())


@task()
def retention_task() -> str:
    """Run the retention rules (each run is recorded), then book the next night's run."""
    from lojal.privacy.services import retention_run

    runs = retention_run()
    retention_schedule()
    return ", ".join(f"{run.rule}: {run.rows_affected}" for run in runs)
