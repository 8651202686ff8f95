"""The reminders in the worker: every few minutes the due notifications and the digests that are due,
then the run books its successor (the database queue holds it until then). ``lojal run`` and
``lojal reminders --schedule`` start the chain; a second start adds no second chain."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from lojal.core.periodic import periodic_book

#: How often the reminders run: a follow-up due at 10:00 is under the bell by 10:05.
REMINDERS_EVERY = dt.timedelta(minutes=5)


def reminders_schedule() -> bool:
    """Book the next run unless one is waiting; False when the task backend cannot defer."""
    return periodic_book(reminders_task, run_after=timezone.now() + REMINDERS_EVERY)


@task()
def reminders_task() -> str:
    """Send what has fallen due and the digests whose hour has come, then book the next run."""
    from lojal.activities.reminders import digests_send, due_reminders_send

    reminders_schedule()
    notified = due_reminders_send()
    digests = digests_send()
    return f"notified={notified} digests={digests.sent} empty={digests.empty} failed={digests.failed}"
