"""The timeline's part of a data subject's rights: its events in the export, and erasure of what the
events copied of the person (names, note texts, email subjects and snippets, senders)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import translation

from lojal.core.data_subject import DataSubject, ExportSection
from lojal.timeline.models import Event

#: Keys of an event's data that hold what someone wrote or a person's name; an erased event loses them.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "contact_added",
        "contact_removed",
        "reason",
        "merged_name",
        "subject",
        "subject_params",
        "sender",
        "activity_outcome",
    }
)
#: Kinds whose events describe money, not the person (amount, currency, product): kept as they are,
#: so that figures rebuilt from the timeline stay right.
KEPT_PREFIXES = ("sales.",)
EVENT_COLUMNS = ("id", "occurred_at", "kind", "summary", "body", "data", "actor")


def _event_rows(customer_ids: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    events = (
        Event.objects.filter(customer_id__in=customer_ids)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    for event in events.iterator(chunk_size=2000):
        yield {
            "id": event.pk,
            "occurred_at": event.occurred_at,
            "kind": event.kind,
            "summary": event.display_summary,
            "body": event.body,
            "data": event.data,
            "actor": str(event.actor) if event.actor_id else "",
        }


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    return [
        ExportSection(
            name="timeline",
            title="Timeline events",
            columns=EVENT_COLUMNS,
            rows=lambda: _event_rows(subject.customer_ids),
        )
    ]


def _erased_data(data: Any) -> dict[str, Any]:
    kept = {key: value for key, value in (data or {}).items() if key not in PERSONAL_KEYS}
    return {**kept, "erased": True}


def events_erase(subject: DataSubject, *, organisation_ids: Iterable[int] = ()) -> dict[str, int]:
    """Blank the texts of the person's events (money events stay as they are) and the contact-person
    events on the organisations they were a contact of that name them; the events themselves stay,
    so the timeline still says when what happened. Summaries then read as the event kind's name."""
    with translation.override("en"):
        changed = []
        events = Event.objects.filter(customer_id__in=subject.customer_ids).only(
            "pk", "kind", "summary", "body", "data"
        )
        for event in events.iterator(chunk_size=2000):
            if event.kind.startswith(KEPT_PREFIXES) and not event.body:
                continue
            event.data = _erased_data(event.data)
            event.body = ""
            event.summary = event.display_summary[:300]
            changed.append(event)
        names = {name.casefold() for name in subject.names}
        for event in Event.objects.filter(
            customer_id__in=list(organisation_ids), kind=Event.Kind.CUSTOMER_CHANGED
        ).only("pk", "kind", "summary", "body", "data"):
            mentioned = {
                str(event.data.get(key, "")).casefold() for key in ("contact_added", "contact_removed")
            }
            if mentioned & names:
                event.data = _erased_data(event.data)
                event.summary = event.display_summary[:300]
                changed.append(event)
        Event.objects.bulk_update(changed, ["data", "body", "summary"], batch_size=500)
    return {"timeline_events": len(changed)}
