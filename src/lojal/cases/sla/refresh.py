"""The one entry point other services call after changing a fact the clocks read (status, queue,
category, priority, customer, ``customer_wrote_at``, ``answered_at``, ``first_responded_at``): it records
a pause or a resume when the status or the customer's writing calls for one, matches the policy and sets
the due times on the instance (the caller saves it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lojal.cases.models import PAUSED_STATUSES, Case, ClockPause
from lojal.cases.sla import hours as calendar_hours
from lojal.cases.sla.clocks import NO_CLOCKS, Clocks, Facts, Pause, clocks_compute
from lojal.cases.sla.matching import PolicyBook

#: The clocks stand still in these statuses: waiting (for the customer, a third party) and solved (a
#: reopened case goes on from where it was, the time it lay solved not counted).
STOPPING_STATUSES = frozenset(PAUSED_STATUSES | {Case.Status.SOLVED})
CLOCK_FIELDS = (
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "is_breached",
    "calendar_revision",
    "clock_status",
    "clock_paused_at",
    "sla_check_at",
)


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None) if actor is not None else None


def _pauses_update(case: Case, *, at: dt.datetime, actor: Any) -> None:
    """Open or close the case's pause as its status and the customer's writing say."""
    status, seen = case.status, case.clock_status
    paused_at = case.clock_paused_at
    wrote = case.customer_wrote_at
    if paused_at is not None and case.pk is not None:
        resumed: tuple[dt.datetime, str, int | None] | None = None
        if wrote is not None and wrote > paused_at and status in PAUSED_STATUSES:
            resumed = (wrote, ClockPause.Resumed.CUSTOMER, None)
        elif status != seen and seen in STOPPING_STATUSES:
            # Back to work, or from one stopping status to another (waiting -> solved): the pause of
            # the old status ends here (a new one for the new status starts below).
            resumed = (at, ClockPause.Resumed.STATUS, _actor_id(actor))
        if resumed is not None:
            ClockPause.objects.filter(case_id=case.pk, resumed_at__isnull=True).update(
                resumed_at=max(resumed[0], paused_at), resumed_because=resumed[1], resumed_by_id=resumed[2]
            )
            case.clock_paused_at = paused_at = None
    if (
        paused_at is None
        and case.pk is not None
        and status != seen
        and status in STOPPING_STATUSES
    ):
        ClockPause.objects.create(case_id=case.pk, status=status, paused_at=at, paused_by_id=_actor_id(actor))
        case.clock_paused_at = at
    case.clock_status = status


def case_pauses(case_id: int) -> list[Pause]:
    return list(ClockPause.objects.filter(case_id=case_id).order_by("paused_at", "id").values_list("paused_at", "resumed_at"))


def facts_of(case: Case, pauses: list[Pause]) -> Facts:
    return Facts(
        opened_at=case.opened_at,
        is_open=case.is_open,
        first_responded_at=case.first_responded_at,
        customer_wrote_at=case.customer_wrote_at,
        answered_at=case.answered_at,
        solved_at=case.solved_at,
        pauses=pauses,
    )


def case_clocks_refresh(case: Case, *, at: dt.datetime, actor: Any = None) -> list[str]:
    """Recompute ``case``'s policy and due times as of ``at`` and set them on the instance (the
    caller saves it); returns the names of the fields it changed. A pause or resume it records is
    written at once, with ``actor`` (None: the customer or the system) as who."""
    before = {field: getattr(case, field) for field in CLOCK_FIELDS}
    _pauses_update(case, at=at, actor=actor)
    book = PolicyBook()
    targets = book.match(
        queue_id=case.queue_id, category_id=case.category_id, priority=case.priority, vip_rank=case.vip_rank
    )
    calendar_id = book.queue_calendars.get(case.queue_id) if case.queue_id is not None else None
    if calendar_id is None:
        calendar_id = calendar_hours.default_calendar_id()
    clocks: Clocks = NO_CLOCKS
    if targets is not None and calendar_id is not None:
        pauses = case_pauses(case.pk) if case.pk is not None else []
        clocks = clocks_compute(calendar_hours.hours_of(calendar_id), targets, facts_of(case, pauses), at=at)
        case.calendar_revision = calendar_hours.calendar_revisions().get(calendar_id, 0)
    case.sla_policy_id = targets.policy_id if targets is not None else None
    clocks_apply(case, clocks)
    return [field.removesuffix("_id") if field == "sla_policy_id" else field for field in CLOCK_FIELDS if getattr(case, field) != before[field]]


def clocks_apply(case: Case, clocks: Clocks) -> None:
    case.first_response_due = clocks.first_response_due
    case.next_response_due = clocks.next_response_due
    case.resolution_due = clocks.resolution_due
    case.next_due = clocks.next_due
    case.is_breached = clocks.is_breached
    case.sla_check_at = clocks.check_at
