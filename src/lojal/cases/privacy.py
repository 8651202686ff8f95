"""Cases' part of a data subject's rights: the person's cases, the internal notes about them and the
time spent on them in the export; erasure of what the cases say about the person (subjects, notes,
the address written to), keeping the dated cases for the service figures; and the check that refuses
an erasure while one of their cases is still open (it is being answered)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from lojal.cases.models import OPEN_STATUSES, Case, CaseChange, CaseNote, TimeEntry
from lojal.core.audit import audit_entries_erase
from lojal.core.data_subject import ERASED, DataSubject, ExportSection

CASE_COLUMNS = (
    "id",
    "number",
    "subject",
    "channel",
    "received_at_address",
    "language",
    "status",
    "priority",
    "opened_at",
    "first_responded_at",
    "solved_at",
    "closed_at",
    "time_spent_minutes",
)
NOTE_COLUMNS = ("case_number", "body", "created_at")
TIME_COLUMNS = ("case_number", "minutes", "note", "spent_on")


def _cases(subject: DataSubject) -> Any:
    return Case.objects.filter(customer_id__in=subject.customer_ids)


def _case_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    yield from _cases(subject).order_by("opened_at", "id").values(*CASE_COLUMNS).iterator()


def _note_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    notes = CaseNote.objects.filter(case__customer_id__in=subject.customer_ids).order_by("created_at", "id")
    for number, body, created_at in notes.values_list("case__number", "body", "created_at").iterator():
        yield {"case_number": number, "body": body, "created_at": created_at}


def _time_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    entries = TimeEntry.objects.filter(case__customer_id__in=subject.customer_ids).order_by("spent_on", "id")
    for number, minutes, note, spent_on in entries.values_list(
        "case__number", "minutes", "note", "spent_on"
    ).iterator():
        yield {"case_number": number, "minutes": minutes, "note": note, "spent_on": spent_on}


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    return [
        ExportSection(
            name="cases",
            title="Customer service cases (the messages themselves are under interactions)",
            columns=CASE_COLUMNS,
            rows=lambda: _case_rows(subject),
        ),
        ExportSection(
            name="case_notes",
            title="Internal notes staff wrote on the customer's cases",
            columns=NOTE_COLUMNS,
            rows=lambda: _note_rows(subject),
        ),
        ExportSection(
            name="case_time_entries",
            title="Time staff spent on the customer's cases",
            columns=TIME_COLUMNS,
            rows=lambda: _time_rows(subject),
        ),
    ]


def open_case_reason(subject: DataSubject) -> str:
    """Why the person's data must be kept for now, or "": a case of theirs is still open (an erasure
    check, see lojal.privacy.sections)."""
    numbers = list(
        _cases(subject).filter(status__in=OPEN_STATUSES).order_by("id").values_list("number", flat=True)[:5]
    )
    if not numbers:
        return ""
    return _("An open service case: %(numbers)s; solve or close it first.") % {
        "numbers": ", ".join(f"#{number}" for number in numbers)
    }


def cases_erase(subject: DataSubject) -> dict[str, int]:
    """Blank the subjects and the address written to of the person's cases, the internal notes on them,
    the notes of the time spent, the old and new subjects in their change records and what the audit
    log copied of them; the cases stay, numbered and dated, for the service figures."""
    cases = _cases(subject)
    case_ids = list(cases.values_list("pk", flat=True))
    counts = {"cases": cases.update(subject=ERASED, received_at_address="", contact_person=None)}
    counts["case_notes"] = CaseNote.objects.filter(case_id__in=case_ids).update(body=ERASED, mentioned=[])
    counts["case_time_entries"] = (
        TimeEntry.objects.filter(case_id__in=case_ids).exclude(note="").update(note="")
    )
    CaseChange.objects.filter(case_id__in=case_ids, field="subject").update(old=ERASED, new=ERASED)
    counts["case_audit_entries"] = audit_entries_erase(
        object_type=Case._meta.label_lower, object_ids=case_ids, label="case {id}"
    )
    return counts
