"""Follow-ups' part of a data subject's rights: the person's follow-ups and call-list rows in the export,
and erasure of what staff wrote about them (subjects, notes, outcomes), keeping the dated follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lojal.activities.models import Activity, CallListEntry, Notification
from lojal.core.data_subject import ERASED, DataSubject, ExportSection

ACTIVITY_COLUMNS = (
    "id",
    "kind",
    "subject",
    "notes",
    "due_date",
    "due_time",
    "status",
    "outcome",
    "origin",
    "created_at",
    "completed_at",
)


def _activity_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    rows = Activity.objects.filter(customer_id__in=subject.customer_ids).order_by("due_date", "id")
    yield from rows.values(*ACTIVITY_COLUMNS).iterator()


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    return [
        ExportSection(
            name="follow_ups",
            title="Follow-ups staff planned for the customer (calls, meetings, to-dos, emails)",
            columns=ACTIVITY_COLUMNS,
            rows=lambda: _activity_rows(subject),
        )
    ]


def activities_erase(subject: DataSubject) -> dict[str, int]:
    """Blank the subjects, notes and outcomes of the person's follow-ups, the outcomes of their call-list
    rows and the subjects their follow-ups left in notifications; the follow-ups stay as dated work."""
    activities = Activity.objects.filter(customer_id__in=subject.customer_ids)
    ids = list(activities.values_list("pk", flat=True))
    erased = activities.update(subject=ERASED, notes="", outcome="", contact_person=None)
    Notification.objects.filter(activity_id__in=ids).update(data={})
    entries = CallListEntry.objects.filter(customer_id__in=subject.customer_ids).exclude(outcome="")
    return {"follow_ups": erased, "call_list_entries": entries.update(outcome="")}
