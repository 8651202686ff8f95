"""The outbox's recovery, run by the worker every LOJAL_OUTBOX_RECOVER_SECONDS: what a worker killed in
the middle of its work left behind goes out after all, and nothing goes out twice.

A killed worker leaves two things: an email claimed ("sending") whose lease then runs out, which was
never handed over (delivery.email_send marks an email sent before the server can take it), so it is
queued again; and a queued email whose task died with the worker (the database queue keeps such a task
"running" for ever), which gets a new task. A task too many is harmless: only one claim can win.
``lojal run`` and ``lojal outbox --schedule`` start the chain; a second start adds no second chain."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from lojal.interactions.failures import Reason
from lojal.interactions.models import OutboundEmail
from lojal.interactions.system_messages import SYSTEM_PRIORITY
from lojal.interactions.tasks import email_send_task

logger = logging.getLogger(__name__)
# Ahead of the emails' own tasks, which may be thousands deep in the queue.
RECOVER_PRIORITY = 10
CHAIN_LENGTH = 2
#: Staff mail and bulk sends (django-tasks' default priority).
DEFAULT_PRIORITY = 0


@dataclass(frozen=True)
class OutboxRecovery:
    requeued: int  # claims whose lease ran out: queued again
    retasked: int  # queued emails that had no task waiting: given one


def _path(function: object) -> str:
    func = function.func  # type: ignore[attr-defined]
    return f"{func.__module__}.{func.__qualname__}"


def _waiting_task_ids() -> set[int] | None:
    """The outbox ids that have an email task waiting in the database queue; None with another backend."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return None
    if not default_task_backend.supports_defer:
        return None
    waiting = DBTaskResult.objects.filter(task_path=_path(email_send_task), status="READY").values_list(
        "args_kwargs__args__0", flat=True
    )
    return {int(value) for value in waiting if value is not None}


def outbox_recover(*, now: dt.datetime | None = None) -> OutboxRecovery:
    """Queue again every claim whose lease ran out, and give a task to each queued email without one."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(state=OutboundEmail.State.SENDING, lease_expires_at__lt=now)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=expired).update(
            state=OutboundEmail.State.QUEUED,
            lease_expires_at=None,
            last_error="The worker stopped before handing the email to the mail server; it is sent again.",
            failure_reason=Reason.WORKER_STOPPED,
        )
    waiting = _waiting_task_ids()
    orphans: list[int] = []
    if waiting is not None:
        queued = OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED).values_list("pk", flat=True)
        orphans = sorted(set(queued) - waiting - set(expired))
    # Lojal's own messages (sign-in links) keep their place ahead of bulk mail when queued again.
    system = set(
        OutboundEmail.objects.filter(
            pk__in=[*expired, *orphans], interaction__details__has_key="system"
        ).values_list("pk", flat=True)
    )
    for outbound_id in [*expired, *orphans]:
        priority = SYSTEM_PRIORITY if outbound_id in system else DEFAULT_PRIORITY
        email_send_task.using(priority=priority).enqueue(outbound_id)
    if expired or orphans:
        logger.warning(
            "Outbox recovery: %d claims queued again, %d emails given a task", len(expired), len(orphans)
        )
    return OutboxRecovery(requeued=len(expired), retasked=len(orphans))


def outbox_recover_schedule() -> bool:
    """Keep two recoveries booked, one interval apart; False when the task backend cannot defer.

    Two, so that a worker killed while it runs one (before that run booked its successor) still leaves
    the other to carry the chain on."""
    if not default_task_backend.supports_defer:
        return False
    booked = 0
    try:
        from django_tasks_db.models import DBTaskResult

        booked = DBTaskResult.objects.filter(task_path=_path(outbox_recover_task), status="READY").count()
    except ImportError:
        pass
    interval = dt.timedelta(seconds=settings.LOJAL_OUTBOX_RECOVER_SECONDS)
    now = timezone.now()
    for ahead in range(booked + 1, CHAIN_LENGTH + 1):
        outbox_recover_task.using(run_after=now + ahead * interval, priority=RECOVER_PRIORITY).enqueue()
    return True


@task(priority=RECOVER_PRIORITY)
def outbox_recover_task() -> str:
    outbox_recover_schedule()
    recovery = outbox_recover()
    return f"requeued={recovery.requeued} retasked={recovery.retasked}"
