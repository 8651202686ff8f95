"""Writes to the timeline. Every domain service that changes something about a customer calls
:func:`event_record` (or, for many at once, :func:`events_record_many`) in the same transaction as its
change, with a draft from one of the builders in :mod:`lojal.timeline.events`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from lojal.core.bulk import Insert, bulk_insert
from lojal.core.errors import ValidationError
from lojal.core.frames import frame_insert
from lojal.core.inputs import text_fault
from lojal.timeline import events
from lojal.timeline.events import EVENT_COLUMNS, EventDraft
from lojal.timeline.models import Event
from lojal.timeline.rendering import summary_renderer_register as summary_renderer_register

NOTE_MAX_LENGTH = 20_000


def event_record(draft: EventDraft) -> Event:
    """Append one event, built by a :mod:`lojal.timeline.events` builder, to a customer's timeline."""
    return Event.objects.create(
        customer_id=draft.customer_id,
        occurred_at=draft.occurred_at,
        kind=draft.kind,
        summary=draft.summary,
        body=draft.body,
        data=draft.data,
        actor_id=draft.actor_id,
    )


def events_record_many(drafts: Iterable[EventDraft]) -> int:
    """Append many events at once (COPY on PostgreSQL, batched inserts on SQLite); returns how many.
    ``drafts`` may be a generator: rows are streamed, not held."""
    return bulk_insert(Event, EVENT_COLUMNS, (draft.row() for draft in drafts))


def events_record_frame(frame: pl.DataFrame) -> int:
    """Append the events of a frame from a set-based builder in :mod:`lojal.timeline.events` (columns
    :data:`EVENT_COLUMNS`, ``data`` as JSON text), without a Python object per value. Returns how many."""
    return frame_insert(Event, frame.select(EVENT_COLUMNS))


def events_insert(drafts: Iterable[EventDraft]) -> Insert:
    """The insert of ``drafts`` as one step of :func:`lojal.core.bulk.bulk_insert_many`, for a caller
    that writes its own rows and their events in one statement (creating a customer: one round trip)."""
    return (Event, EVENT_COLUMNS, (draft.row() for draft in drafts))


def note_add(*, customer_id: int, text: str, actor: Any) -> Event:
    """A staff note on the customer's timeline."""
    cleaned = text.strip()
    if reason := text_fault(cleaned):
        raise ValidationError.for_field("text", reason)
    if not cleaned:
        raise ValidationError.for_field("text", _("Write something before saving the note."))
    if len(cleaned) > NOTE_MAX_LENGTH:
        raise ValidationError.for_field(
            "text", _("A note can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    return event_record(
        events.note_added(customer_id=customer_id, text=cleaned, actor_id=events.actor_id_of(actor))
    )


def events_reassign(*, from_customer_id: int, to_customer_id: int) -> int:
    """Move every event of one customer to another (a merge keeps both timelines)."""
    return Event.objects.filter(customer_id=from_customer_id).update(customer_id=to_customer_id)


def events_purge(*, kind_prefix: str, before: dt.datetime) -> int:
    """Delete the events whose kind starts with ``kind_prefix`` that occurred before ``before`` (the
    retention of interactions removes their timeline entries with them)."""
    from lojal.core.retention import delete_batched

    return delete_batched(Event.objects.filter(kind__startswith=kind_prefix, occurred_at__lt=before))
