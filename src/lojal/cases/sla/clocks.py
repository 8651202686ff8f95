"""The three clocks of a case, computed from facts alone: when it opened, when the customer last wrote,
when staff first and last answered, when it was solved, the stretches its clocks stood still
(:class:`~lojal.cases.models.ClockPause`) and a policy's targets in a calendar's business minutes.

Each target runs from its start (the case opening; for the next response, the customer's latest
message) for its business minutes; every pause that began before the target fell due moves the due
time on by exactly the business time paused. A pause that begins after the due time moves nothing: a
target missed stays missed. While a pause is open the clocks stand still and the due times are those
they had when it began. Nothing here touches the database: the same code serves one case
(:func:`lojal.cases.sla.refresh.case_clocks_refresh`) and 100,000 (:mod:`lojal.cases.sla.recompute`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lojal.calendars.arithmetic import BusinessHours
from lojal.cases.sla.matching import Targets

Pause = tuple[dt.datetime, dt.datetime | None]

FIRST_RESPONSE = "first_response"
NEXT_RESPONSE = "next_response"
RESOLUTION = "resolution"


@dataclass(frozen=True, slots=True)
class Facts:
    opened_at: dt.datetime
    is_open: bool
    first_responded_at: dt.datetime | None
    customer_wrote_at: dt.datetime | None
    answered_at: dt.datetime | None
    solved_at: dt.datetime | None
    #: Pauses in time order, the last one possibly still open (end None).
    pauses: Sequence[Pause]


@dataclass(frozen=True, slots=True)
class Clock:
    """One target of a case: when it started, when it falls due and when it is near."""

    target: str
    started_at: dt.datetime
    due: dt.datetime
    near_at: dt.datetime
    #: The target is met (the answer or the solution came); ``met_at`` says when.
    met_at: dt.datetime | None
    #: The clock stands still now (a pause began before the due time and has not ended).
    is_stopped: bool

    @property
    def is_running(self) -> bool:
        return self.met_at is None and not self.is_stopped


@dataclass(frozen=True, slots=True)
class Clocks:
    clocks: tuple[Clock, ...]
    first_response_due: dt.datetime | None
    next_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    #: The earliest due time of a running target (None while paused or when all are met).
    next_due: dt.datetime | None
    #: A running target is past its due time at the moment asked about.
    is_breached: bool
    #: The earliest near or due moment of a running target: when the worker should look at the case.
    check_at: dt.datetime | None


NO_CLOCKS = Clocks((), None, None, None, None, False, None)


def target_due(
    hours: BusinessHours, start: dt.datetime, length: dt.timedelta, pauses: Sequence[Pause]
) -> tuple[dt.datetime, bool]:
    """When a target of business time ``length`` that started at ``start`` falls due, moved on by
    each pause that began before it fell due; and whether the last such pause is still open."""
    due = hours.add_business_time(start, length)
    for paused_at, resumed_at in pauses:
        if resumed_at is not None and resumed_at <= start:
            continue
        if paused_at >= due:
            break
        if resumed_at is None:
            return due, True
        due = hours.add_business_time(due, hours.business_time_between(max(paused_at, start), resumed_at))
    return due, False


def _clock(
    hours: BusinessHours,
    target: str,
    minutes: int,
    near_percent: int,
    start: dt.datetime,
    met_at: dt.datetime | None,
    pauses: Sequence[Pause],
) -> Clock:
    length = dt.timedelta(minutes=minutes)
    due, stopped = target_due(hours, start, length, pauses)
    if met_at is not None:
        near_at = due  # a met target warns no one; spare the arithmetic
    else:
        near_at, _ = target_due(hours, start, length * min(max(near_percent, 0), 100) / 100, pauses)
    return Clock(target, start, due, near_at, met_at, stopped and met_at is None)


def clocks_compute(hours: BusinessHours, targets: Targets, facts: Facts, *, at: dt.datetime) -> Clocks:
    """The due times of ``targets`` for a case with ``facts``, as of ``at``."""
    clocks: list[Clock] = []
    pauses = facts.pauses
    if targets.first_response is not None:
        clocks.append(
            _clock(
                hours,
                FIRST_RESPONSE,
                targets.first_response,
                targets.near_percent,
                facts.opened_at,
                facts.first_responded_at,
                pauses,
            )
        )
    wrote = facts.customer_wrote_at
    responded = facts.first_responded_at
    if targets.next_response is not None and wrote is not None and responded is not None and wrote > responded:
        # The run of the customer's latest message, met once staff answered after it.
        answered = facts.answered_at
        met = answered if answered is not None and answered >= wrote else None
        clocks.append(
            _clock(hours, NEXT_RESPONSE, targets.next_response, targets.near_percent, wrote, met, pauses)
        )
    if targets.resolution is not None:
        clocks.append(
            _clock(
                hours,
                RESOLUTION,
                targets.resolution,
                targets.near_percent,
                facts.opened_at,
                facts.solved_at,
                pauses,
            )
        )
    dues = {clock.target: clock.due for clock in clocks}
    is_paused = bool(pauses) and pauses[-1][1] is None
    unmet = [clock for clock in clocks if clock.met_at is None] if facts.is_open else []
    # Paused: nothing runs, but a target missed before the pause stays missed.
    running = [] if is_paused else [clock for clock in unmet if not clock.is_stopped]
    next_due = min((clock.due for clock in running), default=None)
    return Clocks(
        clocks=tuple(clocks),
        first_response_due=dues.get(FIRST_RESPONSE),
        next_response_due=dues.get(NEXT_RESPONSE),
        resolution_due=dues.get(RESOLUTION),
        next_due=next_due,
        is_breached=any(not clock.is_stopped and clock.due <= at for clock in unmet),
        check_at=min((min(clock.near_at, clock.due) for clock in running), default=None),
    )
