"""Writes to the timeline. Every domain service that changes something about a customer calls
:func:`event_record` in the same transaction as its change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.core.inputs import text_fault
from lojal.timeline.models import Event
from lojal.timeline.rendering import summary_renderer_register as summary_renderer_register

NOTE_MAX_LENGTH = 20_000


def event_record(
    *,
    customer_id: int,
    kind: str,
    summary: str,
    body: str = "",
    data: dict[str, Any] | None = None,
    actor: Any = None,
    occurred_at: dt.datetime | None = None,
) -> Event:
    """Append one event to a customer's timeline."""
    return Event.objects.create(
        customer_id=customer_id,
        kind=kind,
        summary=summary[:300],
        body=body,
        data=data or {},
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=occurred_at or timezone.now(),
    )


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
    first_line = cleaned.splitlines()[0]
    return event_record(
        customer_id=customer_id, kind=Event.Kind.NOTE_ADDED, summary=first_line, body=cleaned, actor=actor
    )


def events_reassign(*, from_customer_id: int, to_customer_id: int) -> int:
    """Move every event of one customer to another (a merge keeps both timelines)."""
    return Event.objects.filter(customer_id=from_customer_id).update(customer_id=to_customer_id)
