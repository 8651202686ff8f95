"""Reads of the timeline: newest first, keyset-paginated so deep pages cost the same as the first."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lojal.core.folding import folded_contains
from lojal.core.inputs import date_fault
from lojal.timeline.models import Event

#: The timeline's order, and the keys of its keyset pages.
NEWEST_FIRST = ("-occurred_at", "-id")


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    next_before: tuple[dt.datetime, int] | None


def event_list(
    *,
    customer_id: int,
    limit: int = 50,
    before: tuple[dt.datetime, int] | None = None,
    kinds: list[str] | None = None,
    query: str = "",
) -> EventPage:
    """The customer's events newest first; ``before`` is the (occurred_at, id) of the last one seen;
    ``query`` keeps those whose summary or text contains it."""
    events = events_of(customer_id=customer_id, kinds=kinds, query=query)
    if before is not None:
        occurred_at, event_id = before
        events = events.filter(Q(occurred_at__lt=occurred_at) | Q(occurred_at=occurred_at, id__lt=event_id))
    rows = list(events[: limit + 1])
    next_before = (rows[limit - 1].occurred_at, rows[limit - 1].id) if len(rows) > limit else None
    return EventPage(events=rows[:limit], next_before=next_before)


def events_of(*, customer_id: int, kinds: list[str] | None = None, query: str = "") -> QuerySet[Event]:
    """The customer's events newest first (the order of the ``(customer_id, occurred_at)`` index)."""
    events = Event.objects.filter(customer_id=customer_id).select_related("actor")
    if kinds:
        events = events.filter(kind__in=kinds)
    if query:
        events = events.filter(text_contains(query, "summary", "body"))
    return events.order_by(*NEWEST_FIRST)


def text_contains(query: str, *fields: str) -> Q:
    """Rows where any of ``fields`` contains ``query``, ignoring case and diacritics on both sides
    ("fakturafraga" finds "Fakturafråga", "ÅRSMÖTE" finds "årsmöte"), the same on SQLite and PostgreSQL."""
    return folded_contains(query, *fields)


def cursor_encode(before: tuple[dt.datetime, int] | None) -> str | None:
    """The (occurred_at, id) of the last event seen as an opaque token for ``?before=``."""
    if before is None:
        return None
    return base64.urlsafe_b64encode(f"{before[0].isoformat()}|{before[1]}".encode()).decode()


def cursor_decode(token: str) -> tuple[dt.datetime, int] | None:
    """The (occurred_at, id) in a ``?before=`` token, or None when the token is not one."""
    try:
        moment, event_id = base64.urlsafe_b64decode(token.encode()).decode().split("|")
        decoded = dt.datetime.fromisoformat(moment), int(event_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    # A forged token's time must still be one the database can compare (SQLite cannot shift year 1).
    return None if date_fault(decoded[0]) else decoded


def event_count() -> int:
    """How many events every timeline holds together (the demo's summary line)."""
    return Event.objects.count()


def first_transaction_at(*, customer_id: int) -> dt.datetime | None:
    """When the customer's first transaction on the timeline happened, or None when there is none."""
    return (
        Event.objects.filter(customer_id=customer_id, kind=Event.Kind.TRANSACTION_RECORDED)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def stage_changes_since(*, to_stage: str, since: dt.datetime, limit: int = 50) -> list[Event]:
    """The latest changes of customers' stage to ``to_stage`` since ``since``, newest first (My day's
    "at risk this week"), served by the partial index on stage changes' time."""
    return list(
        Event.objects.filter(
            kind=Event.Kind.STAGE_CHANGED.value, occurred_at__gte=since, data__to=to_stage
        ).order_by(*NEWEST_FIRST)[:limit]
    )
