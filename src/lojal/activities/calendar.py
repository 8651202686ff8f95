"""A member of staff's follow-ups as an iCalendar feed (RFC 5545, written with the ``icalendar``
package), for Outlook, Google Calendar and Apple Calendar to subscribe to by its secret address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from lojal.activities.models import Activity
from lojal.activities.services import MEETING_DEFAULT_MINUTES

#: A timed follow-up that is not a meeting shows as this long.
TIMED_DEFAULT_MINUTES = 30


def _uid(activity: Activity, host: str) -> str:
    # Stable for the follow-up's life: a calendar updates the event instead of adding another.
    return f"activity-{activity.pk}@{host}"


def calendar_render(*, activities: Iterable[Activity], host: str, name: str) -> bytes:
    """The feed: one VEVENT per follow-up, timed ones in UTC, an untimed meeting as an all-day event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Lojal//Follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for activity in activities:
        event = icalendar.Event()
        event.add("uid", _uid(activity, host))
        event.add("dtstamp", stamp)
        event.add("last-modified", activity.updated_at.astimezone(dt.UTC).replace(microsecond=0))
        summary = activity.subject
        if activity.customer is not None:
            summary = f"{summary} ({activity.customer.display_name})"
        event.add("summary", summary)
        description = [f"{activity.get_kind_display()} · {activity.get_priority_display()}"]
        if activity.contact_person is not None:
            description.append(str(activity.contact_person))
        if activity.notes:
            description.append(activity.notes)
        event.add("description", "\n\n".join(description))
        if activity.due_time is not None:
            local = timezone.make_aware(dt.datetime.combine(activity.due_date, activity.due_time))
            start = local.astimezone(dt.UTC)
            default = (
                MEETING_DEFAULT_MINUTES if activity.kind == Activity.Kind.MEETING else TIMED_DEFAULT_MINUTES
            )
            minutes = activity.duration_minutes or default
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=minutes))
        else:
            event.add("dtstart", activity.due_date)
            event.add("dtend", activity.due_date + dt.timedelta(days=1))
        calendar.add_component(event)
    return calendar.to_ical()
