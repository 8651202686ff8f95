"""The daily lifecycle sweep in the worker: it runs, then books its own next run (the database queue
holds it until then). ``lojal run`` and ``lojal lifecycle --schedule`` start the chain; a second
start does not add a second chain."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from lojal.core.periodic import periodic_book
from lojal.sales.lifecycle import lifecycle_promote, lifecycle_retire_inactive

logger = logging.getLogger(__name__)
SWEEP_HOUR = 3  # local time: after the nightly ERP imports


def next_sweep_at(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=SWEEP_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def sweep_schedule() -> bool:
    """Book the next sweep unless one is already waiting; False when the backend cannot defer."""
    return periodic_book(lifecycle_sweep_task, run_after=next_sweep_at())


@task()
def lifecycle_sweep_task() -> str:
    promoted = lifecycle_promote()
    retired = lifecycle_retire_inactive()
    logger.info("Lifecycle sweep: %d became customers, %d became former customers", promoted, retired)
    sweep_schedule()
    return f"{promoted} promoted, {retired} retired"
