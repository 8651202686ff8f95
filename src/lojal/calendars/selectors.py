"""Reads for business calendars: the list (by country), one calendar with its week and special days,
and :func:`business_hours`, a calendar loaded once for the arithmetic."""

from __future__ import annotations

import datetime as dt
import threading
from functools import partial

from django.db.models import Prefetch, QuerySet

from lojal.calendars.arithmetic import BusinessHours
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay
from lojal.calendars.public_holidays import closed_dates
from lojal.core.errors import NotFound


def calendar_list(*, country: str = "") -> QuerySet[BusinessCalendar]:
    """Calendars by name with their periods and special days (three queries however many)."""
    calendars = BusinessCalendar.objects.order_by("name", "id").prefetch_related(
        Prefetch("periods", queryset=OpeningPeriod.objects.order_by("weekday", "starts")),
        Prefetch("days", queryset=SpecialDay.objects.order_by("date")),
    )
    if country:
        calendars = calendars.filter(country=country)
    return calendars


def calendar_get(calendar_id: int) -> BusinessCalendar | None:
    """One calendar with its periods and special days, or None."""
    return calendar_list().filter(pk=calendar_id).first()


def calendar_choices() -> list[tuple[int, str]]:
    """(id, name) of every calendar, for a queue's calendar picker."""
    return list(BusinessCalendar.objects.order_by("name", "id").values_list("pk", "name"))


def business_hours_of(calendar: BusinessCalendar) -> BusinessHours:
    """The arithmetic's view of ``calendar`` (its periods and days prefetched or read here)."""
    weekly: list[list[tuple[dt.time, dt.time]]] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        weekly[period.weekday].append((period.starts, period.ends))
    days: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    for day in calendar.days.all():
        if day.kind == SpecialDay.Kind.CLOSED:
            days[day.date] = []
        elif day.kind == SpecialDay.Kind.SHORTENED:
            days[day.date] = [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in day.periods]
        else:
            days[day.date] = list(weekly[day.date.weekday()])
    return BusinessHours(
        time_zone=calendar.time_zone,
        weekly=weekly,
        days=days,
        closed_on=partial(closed_dates, calendar.country) if calendar.country else None,
    )


_loaded: dict[int, tuple[tuple[int, dt.datetime], BusinessHours]] = {}
_loaded_lock = threading.Lock()


def business_hours(calendar_id: int) -> BusinessHours:
    """The calendar ``calendar_id`` for the arithmetic (``add_minutes``, ``minutes_between``,
    ``is_open``, ``next_open``), kept in this process per (id, revision): every change to a calendar
    bumps its revision, so the next call loads it afresh; otherwise a call costs one indexed one-row
    query. Load it once per calendar for a batch (a recompute over many cases). Raises NotFound."""
    version = (
        BusinessCalendar.objects.filter(pk=calendar_id).values_list("revision", "created_at").first()
    )
    if version is None:
        raise NotFound(f"No calendar with id {calendar_id}.")
    kept = _loaded.get(calendar_id)
    if kept is not None and kept[0] == version:
        return kept[1]
    calendar = calendar_get(calendar_id)
    if calendar is None:
        raise NotFound(f"No calendar with id {calendar_id}.")
    hours = business_hours_of(calendar)
    with _loaded_lock:
        # A calendar's id can come back after a delete (SQLite): its creation time tells them apart.
        _loaded[calendar_id] = ((calendar.revision, calendar.created_at), hours)
    return hours
