"""The service-level worker: every few minutes a round of :func:`lojal.cases.sla.watch.sla_watch`, then
the run books its successor (the database queue holds it until then), as the reminders do. ``lojal run``
and ``lojal sla --schedule`` start the chain; a second start adds no second chain."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from lojal.core.periodic import periodic_book

#: How often the round runs: a warning or a breach is under the bell within this long.
SLA_EVERY = dt.timedelta(minutes=5)


def sla_schedule() -> bool:
    """Book the next round unless one is waiting; False when the task backend cannot defer."""
    return periodic_book(sla_task, run_after=timezone.now() + SLA_EVERY)


@task()
def sla_task() -> str:
    """Recompute stale cases, warn, flag and escalate, then book the next round."""
    from lojal.cases.sla.watch import sla_watch

    sla_schedule()
    result = sla_watch()
    return (
        f"recomputed={result.recomputed} near={result.near} breached={result.breached} "
        f"escalated={result.escalated}"
    )
