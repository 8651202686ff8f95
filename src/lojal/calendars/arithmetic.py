"""Business-time arithmetic: how much of a business calendar's open time lies between two instants, and
when a target of n business minutes starting at some instant falls due.

A :class:`BusinessHours` is one calendar's opening times, loaded once (``selectors.business_hours``)
and never changed. Periods are wall-clock times in the calendar's zone, resolved per local date with
:mod:`zoneinfo`, so the days daylight saving time starts or ends count the minutes that really pass
(a 00:00-06:00 period is 5 hours long on the spring-forward day and 7 hours on the fall-back day). A
wall time the clock skips is taken as the moment the clock jumps; a wall time it shows twice, as its
first occurrence (so two periods that meet at such a time still meet).

Each year the calendar is asked about is laid out once as sorted open intervals in UTC with the
running total of open time at each interval's end. A question is then two binary searches, whatever
the distance: a 40-hour target or one of a year costs the same as one of five minutes.

Times inside are integer microseconds since the Unix epoch, so sums are exact:
``add_minutes(add_minutes(s, a), b) == add_minutes(s, a + b)`` holds to the microsecond.

For many questions at once (a recompute of 100,000 cases), :meth:`BusinessHours.positions` hands out
the same tables as numpy arrays (:class:`BusinessPositions`): a moment's business position (open time
before it) and the first instant a position is reached are then one ``searchsorted`` over all of them.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_MINUTE = 60_000_000
#: How far past a start the arithmetic looks for enough open time before it gives up.
SEARCH_YEARS = 25

Period = tuple[dt.time, dt.time]


class NeverOpen(ValueError):
    """The calendar has not enough open time within :data:`SEARCH_YEARS` years of the start."""


@dataclass(frozen=True, slots=True)
class _Table:
    """Open intervals of the years ``first_year``..``last_year`` (local dates), in UTC microseconds."""

    first_year: int
    last_year: int
    begins_at: int  # first_year's 1 January 00:00 local
    ends_at: int  # (last_year + 1)'s 1 January 00:00 local
    starts: list[int]
    ends: list[int]
    #: Open time from ``begins_at`` to the end of interval i.
    totals: list[int]


def _microseconds(moment: dt.datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time zone is required: the time is naive")
    return (moment - EPOCH) // _MICROSECOND


class BusinessHours:
    """The open times of one calendar. ``weekly[d]`` are the periods of weekday ``d`` (0 Monday);
    ``days`` sets the periods of particular dates (an empty tuple: closed), overriding both the week
    and the holidays; ``closed_on(year)`` gives the holidays of a year (closed unless in ``days``).
    Immutable once built; safe to share between threads."""

    def __init__(
        self,
        *,
        time_zone: str,
        weekly: Sequence[Sequence[Period]],
        days: Mapping[dt.date, Sequence[Period]] | None = None,
        closed_on: Callable[[int], frozenset[dt.date]] | None = None,
    ) -> None:
        if len(weekly) != 7:
            raise ValueError("weekly needs the periods of 7 weekdays")
        self.zone = ZoneInfo(time_zone)
        self.time_zone = time_zone
        self.weekly: tuple[tuple[Period, ...], ...] = tuple(tuple(sorted(day)) for day in weekly)
        self.days: dict[dt.date, tuple[Period, ...]] = {
            date: tuple(sorted(periods)) for date, periods in (days or {}).items()
        }
        self._closed_on = closed_on or (lambda year: frozenset())
        self._lock = threading.Lock()
        self._table: _Table | None = None

    # -- the public arithmetic ---------------------------------------------------------------

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The due time of a target of ``minutes`` business minutes that starts at ``start`` (aware):
        the instant the last of those minutes ends, in the calendar's zone. Open time before ``start``
        does not count; a start outside business hours counts from the next opening. The result is in
        an open period or at its very end (a target that runs out at 17:00 is due at 17:00, not at the
        next opening). ``minutes == 0`` answers :meth:`next_open` of ``start``. Raises ValueError for
        a naive ``start`` or negative ``minutes``; :class:`NeverOpen` when the calendar has not that
        much open time in the next :data:`SEARCH_YEARS` years."""
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            raise ValueError("minutes must be a whole number, 0 or more")
        return self.add_business_time(start, dt.timedelta(minutes=minutes))

    def add_business_time(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """:meth:`add_minutes` for a duration to the microsecond (what a paused clock has left)."""
        amount = duration // _MICROSECOND
        if amount < 0:
            raise ValueError("the duration must not be negative")
        origin = _microseconds(start)
        if amount == 0:
            return self._datetime(self._next_open(origin))
        table = self._covering(origin)
        limit = table.last_year + SEARCH_YEARS
        while True:
            # Counted again on every table: another thread may have grown it backwards meanwhile.
            wanted = self._open_before(table, origin) + amount
            if table.totals and table.totals[-1] >= wanted:
                break
            if table.last_year >= limit:
                raise NeverOpen("the calendar is not open that long in the coming years")
            table = self._extended(table.last_year + 1)
        index = bisect_left(table.totals, wanted)
        ends = table.ends[index]
        return self._datetime(ends - (table.totals[index] - wanted))

    def business_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The open time in [``start``, ``end``) to the microsecond; negative when ``end`` is before
        ``start`` (minus the open time in [``end``, ``start``))."""
        first, second = _microseconds(start), _microseconds(end)
        self._covering(first)
        table = self._covering(second)
        return dt.timedelta(microseconds=self._open_before(table, second) - self._open_before(table, first))

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """The whole business minutes in [``start``, ``end``) (aware datetimes), rounded toward zero;
        negative when ``end`` is before ``start``. ``minutes_between(s, add_minutes(s, n)) == n``."""
        amount = self.business_time_between(start, end) // _MICROSECOND
        return amount // _MINUTE if amount >= 0 else -((-amount) // _MINUTE)

    def is_open(self, at: dt.datetime) -> bool:
        """True when ``at`` (aware) lies in an open period: from its start, up to but not at its end."""
        moment = _microseconds(at)
        table = self._covering(moment)
        index = bisect_right(table.starts, moment) - 1
        return index >= 0 and moment < table.ends[index]

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """``at`` itself (in the calendar's zone) when the calendar is open then, else the start of the
        next open period. Raises :class:`NeverOpen` when there is none in :data:`SEARCH_YEARS` years."""
        return self._datetime(self._next_open(_microseconds(at)))

    def due_after_pause(
        self, due: dt.datetime, *, paused_at: dt.datetime, resumed_at: dt.datetime
    ) -> dt.datetime:
        """The due time of a target that was due at ``due`` and whose clock stood still from
        ``paused_at`` to ``resumed_at``: ``due`` moved on by exactly the business time in between."""
        paused = self.business_time_between(paused_at, resumed_at)
        if paused <= dt.timedelta(0):
            return due.astimezone(self.zone)
        return self.add_business_time(due, paused)

    def positions(self, earliest: int) -> BusinessPositions:
        """The open intervals for questions about moments from ``earliest`` (microseconds since the
        epoch) on, as numpy arrays; see :class:`BusinessPositions`."""
        return BusinessPositions(self, self._covering(earliest))

    def periods_on(self, date: dt.date) -> tuple[Period, ...]:
        """The wall-clock periods the calendar keeps on ``date``."""
        periods = self.days.get(date)
        if periods is not None:
            return periods
        if date in self._closed_on(date.year):
            return ()
        return self.weekly[date.weekday()]

    # -- the year tables ------------------------------------------------------------------------

    def _datetime(self, moment: int) -> dt.datetime:
        return (EPOCH + dt.timedelta(microseconds=moment)).astimezone(self.zone)

    def _next_open(self, moment: int) -> int:
        table = self._covering(moment)
        last_year = table.last_year
        while True:
            index = bisect_right(table.starts, moment) - 1
            if index >= 0 and moment < table.ends[index]:
                return moment
            if index + 1 < len(table.starts):
                return table.starts[index + 1]
            if table.last_year >= last_year + SEARCH_YEARS:
                raise NeverOpen("the calendar does not open in the coming years")
            table = self._extended(table.last_year + 1)

    @staticmethod
    def _open_before(table: _Table, moment: int) -> int:
        """Open time from the table's beginning up to ``moment``."""
        index = bisect_right(table.starts, moment) - 1
        if index < 0:
            return 0
        return table.totals[index] - max(0, table.ends[index] - moment)

    def _covering(self, moment: int) -> _Table:
        """The table, grown to hold the local year of ``moment`` and the year after it."""
        table = self._table
        if table is not None and table.begins_at <= moment < table.ends_at - 86_400_000_000 * 2:
            return table
        year = self._datetime(moment).year
        return self._extended(year + 1, first_year=year)

    def _extended(self, last_year: int, *, first_year: int | None = None) -> _Table:
        with self._lock:
            table = self._table
            if table is not None:
                low = min(table.first_year, first_year if first_year is not None else table.first_year)
                high = max(table.last_year, last_year)
            else:
                low = first_year if first_year is not None else last_year
                high = last_year
            if table is not None and table.first_year == low and table.last_year == high:
                return table
            self._table = table = self._layout(low, high, table)
            return table

    def _layout(self, first_year: int, last_year: int, previous: _Table | None) -> _Table:
        starts: list[int] = []
        ends: list[int] = []
        reuse = previous is not None and previous.first_year == first_year
        if reuse and previous is not None:
            starts, ends = list(previous.starts), list(previous.ends)
            years = range(previous.last_year + 1, last_year + 1)
        else:
            years = range(first_year, last_year + 1)
        for year in years:
            self._lay_year(year, starts, ends)
        totals: list[int] = []
        running = 0
        for begin, end in zip(starts, ends, strict=True):
            running += end - begin
            totals.append(running)
        return _Table(
            first_year=first_year,
            last_year=last_year,
            begins_at=self._instant(dt.date(first_year, 1, 1), dt.time(0)),
            ends_at=self._instant(dt.date(last_year + 1, 1, 1), dt.time(0)),
            starts=starts,
            ends=ends,
            totals=totals,
        )

    def _lay_year(self, year: int, starts: list[int], ends: list[int]) -> None:
        date = dt.date(year, 1, 1)
        one_day = dt.timedelta(days=1)
        closed = self._closed_on(year)
        while date.year == year:
            periods = self.days.get(date)
            if periods is None:
                periods = () if date in closed else self.weekly[date.weekday()]
            for begins, ends_at in periods:
                begin, end = self._instant(date, begins), self._instant(date, ends_at)
                if end <= begin:
                    continue
                if ends and begin <= ends[-1]:
                    # Periods that meet or overlap are one stretch of open time.
                    ends[-1] = max(ends[-1], end)
                    continue
                starts.append(begin)
                ends.append(end)
            date += one_day

    def _instant(self, date: dt.date, wall: dt.time) -> int:
        """The UTC instant of ``wall`` on local ``date``: the jump's moment for a time the clock
        skips, the first occurrence of a time it shows twice."""
        local = dt.datetime.combine(date, wall, tzinfo=self.zone)
        moment = _microseconds(local)
        back = (EPOCH + dt.timedelta(microseconds=moment)).astimezone(self.zone)
        if back.replace(tzinfo=None) == local.replace(tzinfo=None):
            return moment
        # Skipped: ``moment`` is just past the jump (read with the offset before it). Find the jump.
        before = local.utcoffset() or dt.timedelta(0)
        low = moment - ((back.utcoffset() or before) - before) // _MICROSECOND
        high = moment
        while high - low > 1_000_000:
            middle = (low + high) // 2
            offset = (EPOCH + dt.timedelta(microseconds=middle)).astimezone(self.zone).utcoffset()
            if offset == before:
                low = middle
            else:
                high = middle
        return high


Microseconds = npt.NDArray[np.int64]


class BusinessPositions:
    """:class:`BusinessHours` arithmetic over arrays of instants (integer microseconds since the
    epoch). A *position* is the open time from a fixed origin up to an instant, so the business time
    between two instants is the difference of their positions and a target of ``n`` microseconds of
    business time from ``s`` falls due at :meth:`at` ``(of(s) + n)``: exactly what
    :meth:`BusinessHours.add_business_time` and :meth:`BusinessHours.business_time_between` answer,
    one ``searchsorted`` for a whole array. Positions are only comparable within one object (its
    origin is the first year its tables cover); it grows the tables forward as it is asked about
    later instants, never backward (ask it about nothing before ``earliest``)."""

    def __init__(self, hours: BusinessHours, table: _Table) -> None:
        self._hours = hours
        self._origin = table.begins_at
        self._use(table)

    def _use(self, table: _Table) -> None:
        self._table = table
        self._starts = np.array(table.starts, dtype=np.int64)
        self._ends = np.array(table.ends, dtype=np.int64)
        self._totals = np.array(table.totals, dtype=np.int64)
        # Open time in this table before the origin: 0 unless another thread grew it backward.
        self._base = BusinessHours._open_before(table, self._origin) if table.begins_at < self._origin else 0

    def _grow(self, *, until: int | None = None, total: int | None = None) -> None:
        """Grow the tables until they hold the instant ``until`` or the position ``total``."""
        limit = self._table.last_year + SEARCH_YEARS
        while (until is not None and until >= self._table.ends_at - 86_400_000_000 * 2) or (
            total is not None and (not len(self._totals) or self._totals[-1] - self._base < total)
        ):
            if self._table.last_year >= limit:
                raise NeverOpen("the calendar is not open that long in the coming years")
            self._use(self._hours._extended(self._table.last_year + 1))

    def of(self, moments: Microseconds) -> Microseconds:
        """The business position of each instant (none before ``earliest``)."""
        if not len(moments):
            return moments.copy()
        self._grow(until=int(moments.max()))
        index = np.searchsorted(self._starts, moments, side="right") - 1
        safe = np.maximum(index, 0)
        before = self._totals[safe] - np.maximum(0, self._ends[safe] - moments)
        return np.where(index >= 0, before, 0) - self._base

    def at(self, positions: Microseconds) -> Microseconds:
        """The first instant each position is reached (an open moment or a period's very end), as
        :meth:`BusinessHours.add_business_time` answers for a positive duration."""
        if not len(positions):
            return positions.copy()
        self._grow(total=int(positions.max()))
        wanted = positions + self._base
        index = np.searchsorted(self._totals, wanted, side="left")
        return self._ends[index] - (self._totals[index] - wanted)

    def next_open(self, moments: Microseconds) -> Microseconds:
        """Each instant itself when the calendar is open then, else the next opening."""
        if not len(moments):
            return moments.copy()
        self._grow(until=int(moments.max()))
        index = np.searchsorted(self._starts, moments, side="right") - 1
        inside = (index >= 0) & (moments < self._ends[np.maximum(index, 0)])
        following = index + 1
        while not inside.all() and following.max() >= len(self._starts):
            self._grow(until=self._table.ends_at)
            index = np.searchsorted(self._starts, moments, side="right") - 1
            following = index + 1
        return np.where(inside, moments, self._starts[np.minimum(following, len(self._starts) - 1)])
