"""Writes for business calendars: create, change (rename, country, zone) and delete a calendar, set the
periods of a weekday, and add, change or remove special days. Each write is checked in full before
anything is stored, recorded in the audit log, and bumps the calendar's ``revision`` so whatever
computed times from it (a case's due times) knows to compute them again."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.calendars.models import BusinessCalendar, OpeningPeriod, SpecialDay
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import date_fault, text_fault

NAME_MAX_LENGTH = 100
#: More periods than this in one day is a mistake, not a timetable.
PERIODS_MAX = 12
_WALL_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

PeriodInput = Sequence[Any]


def _may_configure(actor: Any) -> None:
    if actor is not None and not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def _calendar(calendar_id: Any) -> BusinessCalendar:
    if not isinstance(calendar_id, int) or isinstance(calendar_id, bool):
        raise ValidationError.for_field("calendar_id", _("Must be an id."))
    calendar = BusinessCalendar.objects.select_for_update().filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("No calendar with id %(id)s.") % {"id": calendar_id})
    return calendar


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError.for_field("name", _("Must be text."))
    name = value.strip()
    if reason := text_fault(name):
        raise ValidationError.for_field("name", reason)
    if not name:
        raise ValidationError.for_field("name", _("This field is required."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError.for_field("name", _("At most %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    return name


def _country(value: Any) -> str:
    allowed = ["", *BusinessCalendar.Country.values]
    if value not in allowed:
        raise ValidationError.for_field(
            "country", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed[1:])}
        )
    return str(value)


def _time_zone(value: Any) -> str:
    if not isinstance(value, str) or value not in zoneinfo.available_timezones():
        raise ValidationError.for_field("time_zone", _("Not a known time zone, such as Europe/Stockholm."))
    return value


def _name_free(name: str, *, other_than: int | None = None) -> None:
    taken = BusinessCalendar.objects.filter(name__iexact=name).exclude(pk=other_than).exists()
    if taken:
        raise ValidationError.for_field("name", _("Another calendar has this name."))


def _wall_time(value: Any, field: str) -> dt.time:
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise ValidationError.for_field(field, _("A wall-clock time has no time zone."))
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and (match := _WALL_TIME.fullmatch(value.strip())):
        return dt.time(int(match.group(1)), int(match.group(2)))
    raise ValidationError.for_field(field, _("Write a time as HH:MM, such as 08:00."))


def periods_clean(values: Iterable[PeriodInput], *, field: str = "periods") -> list[tuple[dt.time, dt.time]]:
    """The periods of one day as ``(from, to)`` times, sorted; each from before its to, none
    overlapping another (meeting end to start is fine). ``field`` names them in errors."""
    periods: list[tuple[dt.time, dt.time]] = []
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
            raise ValidationError.for_field(where, _("A period is a pair of times: from and to."))
        starts, ends = _wall_time(value[0], where), _wall_time(value[1], where)
        if not starts < ends:
            raise ValidationError.for_field(where, _("The period must end after it starts."))
        periods.append((starts, ends))
    if len(periods) > PERIODS_MAX:
        raise ValidationError.for_field(field, _("At most %(max)d periods a day.") % {"max": PERIODS_MAX})
    periods.sort()
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later[0] < earlier[1]:
            raise ValidationError.for_field(
                field,
                _("%(a)s and %(b)s overlap.") % {"a": period_text(earlier), "b": period_text(later)},
            )
    return periods


def period_text(period: tuple[dt.time, dt.time]) -> str:
    return f"{period[0]:%H:%M}-{period[1]:%H:%M}"


def _periods_text(periods: Iterable[tuple[dt.time, dt.time]]) -> str:
    return ", ".join(period_text(period) for period in periods)


def _bump(calendar: BusinessCalendar) -> None:
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    calendar.refresh_from_db(fields=["revision", "updated_at"])


#: Monday to Friday 08:00-17:00: what a new calendar opens with, as the shipped ones do.
OFFICE_WEEK = tuple((weekday, dt.time(8), dt.time(17)) for weekday in range(5))


def calendar_create(*, actor: Any, name: str, time_zone: str, country: str = "") -> BusinessCalendar:
    """A new calendar, open Monday to Friday 08:00-17:00 until its week is set."""
    _may_configure(actor)
    cleaned_name, cleaned_zone, cleaned_country = _name(name), _time_zone(time_zone), _country(country)
    with transaction.atomic():
        _name_free(cleaned_name)
        calendar = BusinessCalendar.objects.create(
            name=cleaned_name, time_zone=cleaned_zone, country=cleaned_country
        )
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(calendar=calendar, weekday=weekday, starts=starts, ends=ends)
            for weekday, starts, ends in OFFICE_WEEK
        )
        audit_record(
            actor=actor,
            action="create",
            obj=calendar,
            changes={
                "name": [None, cleaned_name],
                "time_zone": [None, cleaned_zone],
                "country": [None, cleaned_country],
            },
        )
    return calendar


def calendar_change(
    *,
    actor: Any,
    calendar_id: int,
    name: str | None = None,
    time_zone: str | None = None,
    country: str | None = None,
) -> BusinessCalendar:
    """Rename a calendar or change its zone or country (the fields given only)."""
    _may_configure(actor)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _name(name)
    if time_zone is not None:
        wanted["time_zone"] = _time_zone(time_zone)
    if country is not None:
        wanted["country"] = _country(country)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        if "name" in wanted:
            _name_free(wanted["name"], other_than=calendar.pk)
        changes = {
            field: [getattr(calendar, field), value]
            for field, value in wanted.items()
            if getattr(calendar, field) != value
        }
        if not changes:
            return calendar
        for field, (_old, value) in changes.items():
            setattr(calendar, field, value)
        calendar.save(update_fields=[*changes, "updated_at"])
        _bump(calendar)
        audit_record(actor=actor, action="update", obj=calendar, changes=changes)
    return calendar


def calendar_delete(*, actor: Any, calendar_id: int) -> None:
    """Delete a calendar of the company's own that no queue uses (Lojal's own four stay)."""
    _may_configure(actor)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        if calendar.is_shipped:
            raise Conflict(_("The calendars Lojal ships cannot be deleted; change them instead."))
        label = str(calendar)
        try:
            with transaction.atomic():
                calendar.delete()
        except ProtectedError as error:
            raise Conflict(_("A queue uses this calendar: give the queue another calendar first.")) from error
        audit_record(
            actor=actor,
            action="delete",
            obj=BusinessCalendar(pk=calendar_id, name=label),
            changes={"name": [label, None]},
        )


def calendar_periods_set(
    *, actor: Any, calendar_id: int, weekday: int, periods: Iterable[PeriodInput]
) -> list[tuple[dt.time, dt.time]]:
    """Replace the periods of ``weekday`` (0 Monday .. 6 Sunday); no periods: closed that day."""
    _may_configure(actor)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationError.for_field("weekday", _("Must be 0 (Monday) to 6 (Sunday)."))
    cleaned = periods_clean(list(periods))
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        existing = OpeningPeriod.objects.filter(calendar=calendar, weekday=weekday)
        before = [(period.starts, period.ends) for period in existing]
        if before == cleaned:
            return cleaned
        existing.delete()
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(calendar=calendar, weekday=weekday, starts=starts, ends=ends)
            for starts, ends in cleaned
        )
        _bump(calendar)
        audit_record(
            actor=actor,
            action="update",
            obj=calendar,
            changes={f"weekday_{weekday}": [_periods_text(before), _periods_text(cleaned)]},
        )
    return cleaned


def _date(value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError.for_field("date", _("Write a date as YYYY-MM-DD.")) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError.for_field("date", _("Write a date as YYYY-MM-DD."))
    if reason := date_fault(value):
        raise ValidationError.for_field("date", reason)
    return value


def _day_text(day: SpecialDay | None) -> str | None:
    if day is None:
        return None
    text = f"{day.get_kind_display()}"
    if day.kind == SpecialDay.Kind.SHORTENED:
        text += f" {', '.join(f'{a}-{b}' for a, b in day.periods)}"
    return f"{text} ({day.name})" if day.name else text


def special_day_set(
    *,
    actor: Any,
    calendar_id: int,
    date: dt.date | str,
    kind: str,
    name: str = "",
    periods: Iterable[PeriodInput] = (),
) -> SpecialDay:
    """Add or change the special day of ``date``: ``closed``, ``shortened`` (open for ``periods``
    only) or ``open`` (the week's periods, on a day the country's holidays would close)."""
    _may_configure(actor)
    cleaned_date = _date(date)
    if kind not in SpecialDay.Kind.values:
        raise ValidationError.for_field(
            "kind", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(SpecialDay.Kind.values)}
        )
    if not isinstance(name, str) or (reason := text_fault(name)):
        raise ValidationError.for_field("name", _("Must be text.") if not isinstance(name, str) else reason)
    cleaned_name = name.strip()
    if len(cleaned_name) > NAME_MAX_LENGTH:
        raise ValidationError.for_field("name", _("At most %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    cleaned_periods = periods_clean(list(periods))
    if kind == SpecialDay.Kind.SHORTENED and not cleaned_periods:
        raise ValidationError.for_field("periods", _("A shortened day needs at least one period."))
    if kind != SpecialDay.Kind.SHORTENED and cleaned_periods:
        raise ValidationError.for_field("periods", _("Only a shortened day has periods of its own."))
    stored_periods = [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in cleaned_periods]
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        day = SpecialDay.objects.filter(calendar=calendar, date=cleaned_date).first()
        before = _day_text(day)
        if day is None:
            day = SpecialDay(calendar=calendar, date=cleaned_date)
        elif (day.kind, day.name, day.periods) == (kind, cleaned_name, stored_periods):
            return day
        day.kind, day.name, day.periods = kind, cleaned_name, stored_periods
        day.save()
        _bump(calendar)
        audit_record(
            actor=actor,
            action="update",
            obj=calendar,
            changes={f"day_{cleaned_date.isoformat()}": [before, _day_text(day)]},
        )
    return day


def special_day_remove(*, actor: Any, calendar_id: int, date: dt.date | str) -> None:
    """Remove the special day of ``date``: the day follows the week and the holidays again."""
    _may_configure(actor)
    cleaned_date = _date(date)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        day = SpecialDay.objects.filter(calendar=calendar, date=cleaned_date).first()
        if day is None:
            raise NotFound(_("The calendar has no special day on %(date)s.") % {"date": cleaned_date})
        before = _day_text(day)
        day.delete()
        _bump(calendar)
        audit_record(
            actor=actor,
            action="update",
            obj=calendar,
            changes={f"day_{cleaned_date.isoformat()}": [before, None]},
        )
