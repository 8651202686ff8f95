"""API for business calendars: list (by country) and read them with their week and special days, ask
for the due time of a target of n business minutes (``/due``); managers create, change and delete
calendars, set a weekday's periods and add, change or remove special days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.calendars import selectors, services
from lojal.calendars.arithmetic import NeverOpen
from lojal.calendars.models import BusinessCalendar, SpecialDay
from lojal.core.errors import Conflict, LojalError, NotFound
from lojal.core.inputs import Text, date_fault
from lojal.core.openapi import raises

router = Router(tags=["calendars"])

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The longest target /due answers: ten years of round-the-clock minutes.
DUE_MINUTES_MAX = 10 * 366 * 24 * 60


class PeriodOut(Schema):
    weekday: int = Field(description="0 Monday .. 6 Sunday")
    starts: str = Field(description="HH:MM, wall-clock time in the calendar's zone")
    ends: str


class SpecialDayOut(Schema):
    date: dt.date
    kind: str = Field(description="closed, shortened (open for its periods only) or open (as on a normal week)")
    name: str
    periods: list[list[str]] = Field(description="a shortened day's periods as [[from, to], ...]")


class CalendarOut(Schema):
    id: int
    name: str
    country: str = Field(description="SE, NO, DK or FI: whose public holidays close it; empty: none")
    time_zone: str
    is_shipped: bool
    revision: int
    periods: list[PeriodOut]
    special_days: list[SpecialDayOut]


class CalendarIn(Schema):
    name: Text = Field(..., max_length=100)
    time_zone: Text = Field(..., max_length=64)
    country: Text = Field("", max_length=2)


class CalendarPatch(Schema):
    name: Text | None = Field(None, max_length=100)
    time_zone: Text | None = Field(None, max_length=64)
    country: Text | None = Field(None, max_length=2)


class PeriodsIn(Schema):
    periods: list[list[Text]] = Field(
        ..., max_length=services.PERIODS_MAX, description='[["08:00", "12:00"], ["13:00", "17:00"]]; [] closes the day'
    )


class SpecialDayIn(Schema):
    date: dt.date
    kind: Text = Field(..., max_length=10, json_schema_extra={"enum": list(SpecialDay.Kind.values)})
    name: Text = Field("", max_length=100)
    periods: list[list[Text]] = Field(default_factory=list, max_length=services.PERIODS_MAX)


class DueOut(Schema):
    due: str = Field(description="ISO 8601 with the offset of the calendar's zone")


def _calendar_out(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "country": calendar.country,
        "time_zone": calendar.time_zone,
        "is_shipped": calendar.is_shipped,
        "revision": calendar.revision,
        "periods": [
            {"weekday": p.weekday, "starts": f"{p.starts:%H:%M}", "ends": f"{p.ends:%H:%M}"}
            for p in calendar.periods.all()
        ],
        "special_days": [
            {"date": d.date, "kind": d.kind, "name": d.name, "periods": d.periods} for d in calendar.days.all()
        ],
    }


def _found(calendar_id: int) -> BusinessCalendar:
    calendar = selectors.calendar_get(calendar_id)
    if calendar is None:
        raise NotFound(_("No calendar with id %(id)s.") % {"id": calendar_id})
    return calendar


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[CalendarOut],
    summary="Business calendars, with their week and special days",
)
def calendar_list(
    request: HttpRequest,
    country: str = Query("", pattern="^(SE|NO|DK|FI)?$", description="only the calendars of this country"),
) -> list[dict[str, Any]]:
    return [_calendar_out(calendar) for calendar in selectors.calendar_list(country=country)]


@router.post("", auth=staff(Action.SERVICE_CONFIGURE), response={201: CalendarOut}, summary="New calendar")
def calendar_create(request: HttpRequest, payload: CalendarIn) -> Status[dict[str, Any]]:
    calendar = services.calendar_create(actor=staff_user(request), **payload.model_dump())
    return Status(201, _calendar_out(_found(calendar.pk)))


@router.get("/{calendar_id}", auth=staff(Action.CUSTOMER_VIEW), response=CalendarOut, summary="One calendar")
def calendar_read(request: HttpRequest, calendar_id: int) -> dict[str, Any]:
    return _calendar_out(_found(calendar_id))


@router.patch(
    "/{calendar_id}",
    auth=staff(Action.SERVICE_CONFIGURE),
    response=CalendarOut,
    summary="Rename a calendar, change its zone or country",
)
def calendar_change(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> dict[str, Any]:
    services.calendar_change(
        actor=staff_user(request), calendar_id=calendar_id, **payload.model_dump(exclude_unset=True)
    )
    return _calendar_out(_found(calendar_id))


@router.delete(
    "/{calendar_id}",
    auth=staff(Action.SERVICE_CONFIGURE),
    response={204: None},
    summary="Delete a calendar (not a shipped one, not one a queue uses)",
)
@raises(Conflict)
def calendar_delete(request: HttpRequest, calendar_id: int) -> Status[None]:
    services.calendar_delete(actor=staff_user(request), calendar_id=calendar_id)
    return Status(204, None)


@router.put(
    "/{calendar_id}/periods/{weekday}",
    auth=staff(Action.SERVICE_CONFIGURE),
    response=CalendarOut,
    summary="Set the periods of a weekday (0 Monday .. 6 Sunday)",
)
def calendar_periods_set(
    request: HttpRequest, calendar_id: int, weekday: int, payload: PeriodsIn
) -> dict[str, Any]:
    services.calendar_periods_set(
        actor=staff_user(request), calendar_id=calendar_id, weekday=weekday, periods=payload.periods
    )
    return _calendar_out(_found(calendar_id))


@router.post(
    "/{calendar_id}/special-days",
    auth=staff(Action.SERVICE_CONFIGURE),
    response=CalendarOut,
    summary="Add or change the special day of a date (closed, shortened or open)",
)
def special_day_set(request: HttpRequest, calendar_id: int, payload: SpecialDayIn) -> dict[str, Any]:
    services.special_day_set(actor=staff_user(request), calendar_id=calendar_id, **payload.model_dump())
    return _calendar_out(_found(calendar_id))


@router.delete(
    "/{calendar_id}/special-days/{date}",
    auth=staff(Action.SERVICE_CONFIGURE),
    response={204: None},
    summary="Remove the special day of a date",
)
def special_day_remove(request: HttpRequest, calendar_id: int, date: dt.date) -> Status[None]:
    services.special_day_remove(actor=staff_user(request), calendar_id=calendar_id, date=date)
    return Status(204, None)


def _bad(field: str, reason: str) -> LojalError:
    return LojalError(f"{field}: {reason}", errors={field: [reason]})


@router.get(
    "/{calendar_id}/due",
    auth=staff(Action.CUSTOMER_VIEW),
    response=DueOut,
    summary="The due time of a target of n business minutes starting at a given time",
)
@raises(400)
def calendar_due(
    request: HttpRequest,
    calendar_id: int,
    start: str = Query(..., max_length=64, description="ISO 8601 with an offset: 2026-06-18T16:00:00+02:00"),
    minutes: str = Query(..., max_length=12, description="business minutes, 0 or more"),
) -> dict[str, Any]:
    try:
        moment = dt.datetime.fromisoformat(start.strip())
    except ValueError:
        raise _bad("start", _("Not an ISO 8601 date and time.")) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _bad("start", _("Give the time with its offset (Z or +02:00)."))
    if reason := date_fault(moment):
        raise _bad("start", reason)
    text = minutes.strip()
    if not text.isascii() or not text.isdigit():
        raise _bad("minutes", _("Must be a whole number, 0 or more."))
    amount = int(text)
    if amount > DUE_MINUTES_MAX:
        raise _bad("minutes", _("At most %(max)d.") % {"max": DUE_MINUTES_MAX})
    _found(calendar_id)
    try:
        due = selectors.business_hours(calendar_id).add_minutes(moment, amount)
    except NeverOpen:
        raise LojalError(_("The calendar is not open that long in the coming years.")) from None
    return {"due": due.isoformat()}
