"""The three clocks of many cases at once, from business positions: the same rules as
:func:`lojal.cases.sla.clocks.clocks_compute` (which stays the one-case path and the reference the
tests hold this to), but over numpy arrays, so a recompute of 100,000 cases costs a few
``searchsorted`` calls per target instead of ~4.7 calls of the arithmetic per case.

Every instant is an integer of microseconds since the Unix epoch; an absent one (no first answer yet,
no such target) is marked in a boolean array beside it. A target of ``n`` business microseconds from
``s`` falls due at the first instant the calendar's business position reaches ``position(s) + n``;
each pause that began before the due time moves that position on by the business time it lasted (a
pause of no business time, as the one-case path does, moves the due time to the next opening)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lojal.calendars.arithmetic import BusinessPositions

Instants = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
MINUTE = 60_000_000


@dataclass(frozen=True, slots=True)
class Column:
    """An instant per case, and whether each has one."""

    at: Instants
    known: Mask

    @classmethod
    def of(cls, values: Sequence[int | None]) -> Column:
        known = np.fromiter((value is not None for value in values), dtype=np.bool_, count=len(values))
        at = np.fromiter((value or 0 for value in values), dtype=np.int64, count=len(values))
        return cls(at, known)


@dataclass(frozen=True, slots=True)
class Pauses:
    """Each case's pauses in time order as columns: pause ``k`` of case ``i`` is
    ``paused[i, k]``..``resumed[i, k]``; ``present[i, k]`` says it exists and ``running[i, k]`` that
    it has not ended."""

    paused: Instants
    resumed: Instants
    present: Mask
    running: Mask

    @classmethod
    def of(cls, pauses: Sequence[Sequence[tuple[int, int | None]]]) -> Pauses:
        size = len(pauses)
        width = max((len(each) for each in pauses), default=0)
        paused = np.zeros((size, width), dtype=np.int64)
        resumed = np.zeros((size, width), dtype=np.int64)
        present = np.zeros((size, width), dtype=np.bool_)
        running = np.zeros((size, width), dtype=np.bool_)
        for row, each in enumerate(pauses):
            for column, (began, ended) in enumerate(each):
                paused[row, column] = began
                present[row, column] = True
                if ended is None:
                    running[row, column] = True
                else:
                    resumed[row, column] = ended
        return cls(paused, resumed, present, running)

    @property
    def last_running(self) -> Mask:
        """The case's latest pause has not ended: its clocks stand still."""
        if not self.present.shape[1]:
            return np.zeros(self.present.shape[0], dtype=np.bool_)
        count = self.present.sum(axis=1)
        last = np.maximum(count - 1, 0)
        return (count > 0) & self.running[np.arange(len(count)), last]


@dataclass(frozen=True, slots=True)
class Policies:
    """The targets matched to each case, in business minutes (absent: no such target or no policy)."""

    first_response: Column
    next_response: Column
    resolution: Column
    near_percent: Instants


@dataclass(frozen=True, slots=True)
class CaseFacts:
    opened: Instants
    is_open: Mask
    first_responded: Column
    customer_wrote: Column
    answered: Column
    solved: Column
    pauses: Pauses


@dataclass(frozen=True, slots=True)
class BatchClocks:
    first_response_due: Column
    next_response_due: Column
    resolution_due: Column
    next_due: Column
    is_breached: Mask
    check_at: Column


def _due(
    positions: BusinessPositions, start: Instants, amount: Instants, pauses: Pauses, rows: Instants
) -> tuple[Instants, Mask]:
    """:func:`lojal.cases.sla.clocks.target_due` for the cases ``rows``: the due time of a target of
    ``amount`` business microseconds from ``start``, and whether a pause that began before it stands."""
    start, amount = start[rows], amount[rows]
    position = positions.of(start) + amount
    due = np.where(amount > 0, positions.at(position), positions.next_open(start))
    settled = np.zeros(len(rows), dtype=np.bool_)
    stopped = np.zeros(len(rows), dtype=np.bool_)
    for k in range(pauses.present.shape[1]):
        paused, resumed = pauses.paused[rows, k], pauses.resumed[rows, k]
        running = pauses.running[rows, k]
        live = pauses.present[rows, k] & ~settled & (running | (resumed > start))
        after = live & (paused >= due)  # a pause after the due time moves nothing, nor any later one
        live &= ~after
        standing = live & running
        stopped |= standing
        settled |= after | standing
        moved = np.flatnonzero(live & ~running)
        if not len(moved):
            continue
        lasted = positions.of(resumed[moved]) - positions.of(np.maximum(paused[moved], start[moved]))
        position[moved] += np.maximum(lasted, 0)
        due[moved] = np.where(lasted > 0, positions.at(position[moved]), positions.next_open(due[moved]))
    return due, stopped


def _clock(
    positions: BusinessPositions,
    *,
    active: Mask,
    start: Instants,
    minutes: Instants,
    near_percent: Instants,
    met: Column,
    pauses: Pauses,
) -> tuple[Instants, Instants, Mask, Mask]:
    """One target for every case where ``active``: its due and near times, whether it is met and
    whether its clock stands still (not met and a pause began before it fell due)."""
    rows = np.flatnonzero(active)
    due = np.zeros(len(active), dtype=np.int64)
    near = np.zeros(len(active), dtype=np.int64)
    stopped = np.zeros(len(active), dtype=np.bool_)
    if len(rows):
        due[rows], stopped[rows] = _due(positions, start, minutes * MINUTE, pauses, rows)
        near[rows] = due[rows]
        warned = np.flatnonzero(active & ~met.known)
        if len(warned):
            share = np.clip(near_percent, 0, 100)
            near[warned], _ = _due(positions, start, minutes * 600_000 * share, pauses, warned)
    return due, near, met.known & active, stopped & ~met.known & active


def clocks_batch(
    positions: BusinessPositions, policies: Policies, facts: CaseFacts, *, at: int
) -> BatchClocks:
    """The due times of every case in ``facts`` under the targets matched to it, as of ``at``."""
    wrote, responded, answered = facts.customer_wrote, facts.first_responded, facts.answered
    targets = (
        (policies.first_response.known, facts.opened, policies.first_response.at, responded),
        (
            policies.next_response.known & wrote.known & responded.known & (wrote.at > responded.at),
            wrote.at,
            policies.next_response.at,
            Column(answered.at, answered.known & (answered.at >= wrote.at)),
        ),
        (policies.resolution.known, facts.opened, policies.resolution.at, facts.solved),
    )
    dues: list[Column] = []
    size = len(facts.opened)
    next_due = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    check_at = next_due.copy()
    breached = np.zeros(size, dtype=np.bool_)
    paused = facts.pauses.last_running
    for active, start, minutes, met in targets:
        due, near, is_met, stopped = _clock(
            positions,
            active=active,
            start=start,
            minutes=minutes,
            near_percent=policies.near_percent,
            met=met,
            pauses=facts.pauses,
        )
        dues.append(Column(due, active.copy()))
        unmet = active & ~is_met & facts.is_open
        running = unmet & ~stopped & ~paused
        next_due = np.where(running, np.minimum(next_due, due), next_due)
        check_at = np.where(running, np.minimum(check_at, np.minimum(near, due)), check_at)
        breached |= unmet & ~stopped & (due <= at)
    unset = np.iinfo(np.int64).max
    return BatchClocks(
        first_response_due=dues[0],
        next_response_due=dues[1],
        resolution_due=dues[2],
        next_due=Column(next_due, next_due != unset),
        is_breached=breached,
        check_at=Column(check_at, check_at != unset),
    )
