"""Writes for cases: open one (the door every channel, the pages and the API use), change its
status, priority, queue, assignee or category, tag it, note on it and record time spent. Every change
is recorded as a :class:`~lojal.cases.models.CaseChange`, on the customer's timeline and in the audit
log. Service levels, routing and acknowledgements build on these in their own modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.roles import Action
from lojal.cases.models import (
    OPEN_STATUSES,
    VIP_RANK,
    Case,
    CaseChange,
    CaseInteraction,
    CaseNote,
    CaseTag,
    Category,
    Queue,
    TimeEntry,
)
from lojal.cases.sla import case_clocks_refresh
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import choice_checked, date_fault, text_checked
from lojal.core.sequences import sequence_next
from lojal.customers import selectors as customers_selectors
from lojal.timeline import events
from lojal.timeline.services import event_record

SUBJECT_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 20_000
TAG_MAX_LENGTH = 50
TIME_NOTE_MAX_LENGTH = 200
#: More than a working day in one entry is a typing mistake, not time spent.
TIME_ENTRY_MAX_MINUTES = 12 * 60
#: The fields :func:`case_change` changes; each has its own rules below.
CHANGEABLE = ("subject", "status", "priority", "queue_id", "assignee_id", "category_id", "customer_id")


def case_number_format(*, serial: int, year: int) -> str:
    """The readable number of the ``serial``-th case, opened in ``year``: "24-001234", after the
    company's prefix (setting ``LOJAL_CASE_NUMBER_PREFIX``) when it has one."""
    prefix = getattr(settings, "LOJAL_CASE_NUMBER_PREFIX", "")
    return f"{prefix}{year % 100:02d}-{serial:06d}"


def _may_work(actor: Any) -> None:
    if actor is not None and not actor.can(Action.CASE_WORK):
        raise PermissionDenied(_("Your role does not allow this."))


_text = text_checked
_choice = choice_checked


def _reference_checked(field: str, value: Any) -> None:
    """That the queue, category, agent or customer ``value`` names exists (None always does)."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError.for_field(field, _("Must be an id."))
    found = {
        "queue_id": lambda: Queue.objects.filter(pk=value, is_active=True).exists(),
        "category_id": lambda: Category.objects.filter(pk=value, is_active=True).exists(),
        "assignee_id": lambda: accounts_selectors.staff_get(user_id=value, active_only=True) is not None,
        "customer_id": lambda: customers_selectors.customer_exists(customer_id=value),
    }[field]()
    if not found:
        messages = {
            "queue_id": _("No queue with this id."),
            "category_id": _("No category with this id."),
            "assignee_id": _("No active member of staff with this id."),
            "customer_id": _("No customer with this id."),
        }
        raise ValidationError.for_field(field, messages[field])


def _tags(values: Iterable[Any]) -> list[str]:
    tags: list[str] = []
    for value in values:
        tag = _text(value, "tags", max_length=TAG_MAX_LENGTH, required=True)
        if tag not in tags:
            tags.append(tag)
    return tags


def _timeline(case: Case, *, kind: str, actor: Any, data: dict[str, Any] | None = None) -> None:
    if case.customer_id is None:
        return
    facts = events.CaseFacts(case_id=case.pk, number=case.number, subject=case.subject, status=case.status)
    event_record(
        events.case_event(
            customer_id=case.customer_id,
            kind=kind,
            case=facts,
            changes=data or {},
            actor_id=events.actor_id_of(actor),
        )
    )


def case_open(
    *,
    actor: Any,
    subject: str,
    channel: str,
    customer_id: int | None = None,
    contact_person_id: int | None = None,
    category_id: int | None = None,
    priority: str = Case.Priority.NORMAL,
    queue_id: int | None = None,
    assignee_id: int | None = None,
    tags: Iterable[str] = (),
    language: str = "",
    received_at_address: str = "",
    conversation_id: int | None = None,
    interaction_ids: Iterable[int] = (),
    opened_at: dt.datetime | None = None,
) -> Case:
    """A new case, numbered, on the customer's timeline and in the audit log. ``actor`` is the member
    of staff opening it, or None when a channel opens it for a customer. Bad input raises
    ValidationError naming the field, and nothing is written. Runs in the caller's transaction when
    there is one (an inbound message and its case are stored together)."""
    _may_work(actor)
    subject = _text(subject, "subject", max_length=SUBJECT_MAX_LENGTH, required=True)
    channel = _choice(channel, "channel", Case.Channel.values)
    priority = _choice(priority, "priority", Case.Priority.values)
    for field, value in (
        ("customer_id", customer_id),
        ("queue_id", queue_id),
        ("category_id", category_id),
        ("assignee_id", assignee_id),
    ):
        _reference_checked(field, value)
    if contact_person_id is not None and (
        customer_id is None
        or not customers_selectors.contact_person_of(
            customer_id=customer_id, contact_person_id=contact_person_id
        )
    ):
        raise ValidationError.for_field(
            "contact_person_id", _("This contact person does not belong to the customer.")
        )
    tag_names = _tags(tags)
    profile = customers_selectors.customer_service_profile(customer_id=customer_id) if customer_id else None
    opened_at = opened_at or timezone.now()
    with transaction.atomic():
        (serial,) = sequence_next(name="case_number")
        case = Case.objects.create(
            number=case_number_format(serial=serial, year=timezone.localtime(opened_at).year),
            subject=subject,
            channel=channel,
            customer_id=customer_id,
            contact_person_id=contact_person_id,
            category_id=category_id,
            priority=priority,
            queue_id=queue_id,
            assignee_id=assignee_id,
            status=Case.Status.OPEN if assignee_id else Case.Status.NEW,
            language=language or (profile.language if profile else ""),
            vip_rank=VIP_RANK.get(profile.vip_tier, 0) if profile else 0,
            received_at_address=received_at_address[:254],
            conversation_id=conversation_id,
            opened_at=opened_at,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if refreshed := case_clocks_refresh(case, at=opened_at):
            case.save(update_fields=refreshed)
        CaseTag.objects.bulk_create(CaseTag(case=case, name=name) for name in tag_names)
        CaseInteraction.objects.bulk_create(
            CaseInteraction(case=case, interaction_id=interaction_id) for interaction_id in interaction_ids
        )
        _timeline(case, kind="case.opened", actor=actor)
        audit_record(actor=actor, action="case.opened", obj=case, label=str(case))
    return case


def _locked(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


def _status_entered(case: Case, status: str, now: dt.datetime) -> None:
    """What a new status means for the case's dates: solved and closed are stamped, and a solved or
    closed case that opens again counts as reopened."""
    was_open = case.status in OPEN_STATUSES
    if status == Case.Status.SOLVED:
        case.solved_at = now
    elif status == Case.Status.CLOSED:
        case.closed_at = now
        case.solved_at = case.solved_at or now
    elif not was_open:
        case.reopened_count += 1
        case.solved_at = None
        case.closed_at = None


def case_change(
    *, actor: Any, case_id: int, changes: Mapping[str, Any], at: dt.datetime | None = None
) -> Case:
    """Change fields of a case (``changes``: field -> new value, of :data:`CHANGEABLE`). Each real
    change is recorded with who and when; unchanged values record nothing. A closed case stays closed
    (a new message opens a follow-up case instead). ``at`` is when it happened (default now)."""
    _may_work(actor)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "subject":
            cleaned[field] = _text(value, field, max_length=SUBJECT_MAX_LENGTH, required=True)
        elif field == "status":
            cleaned[field] = _choice(value, field, Case.Status.values)
        elif field == "priority":
            cleaned[field] = _choice(value, field, Case.Priority.values)
        else:
            _reference_checked(field, value)
            cleaned[field] = value
    now = at or timezone.now()
    with transaction.atomic():
        case = _locked(case_id)
        if (
            case.status == Case.Status.CLOSED
            and cleaned.get("status", Case.Status.CLOSED) != Case.Status.CLOSED
        ):
            raise ValidationError.for_field("status", _("A closed case cannot be opened again."))
        diffs = {field: (getattr(case, field), value) for field, value in cleaned.items()}
        diffs = {field: pair for field, pair in diffs.items() if pair[0] != pair[1]}
        if not diffs:
            return case
        if "status" in diffs:
            _status_entered(case, diffs["status"][1], now)
        if "customer_id" in diffs and cleaned["customer_id"] is not None:
            profile = customers_selectors.customer_service_profile(customer_id=cleaned["customer_id"])
            case.vip_rank = VIP_RANK.get(profile.vip_tier, 0) if profile else 0
            case.contact_person_id = None
        for field, (_old, new) in diffs.items():
            setattr(case, field, new)
        case_clocks_refresh(case, at=now, actor=actor)
        case.save()
        CaseChange.objects.bulk_create(
            CaseChange(
                case=case,
                field=field,
                old="" if old is None else str(old),
                new="" if new is None else str(new),
                actor=actor if getattr(actor, "pk", None) else None,
                at=now,
            )
            for field, (old, new) in diffs.items()
        )
        _timeline(case, kind="case.changed", actor=actor, data={f: list(pair) for f, pair in diffs.items()})
        audit_record(actor=actor, action="case.changed", obj=case, changes=diffs, label=str(case))
    return case


def case_tags_set(*, actor: Any, case_id: int, tags: Iterable[str]) -> list[str]:
    """Replace a case's tags; returns them as stored."""
    _may_work(actor)
    names = _tags(tags)
    with transaction.atomic():
        case = _locked(case_id)
        before = sorted(case.tags.values_list("name", flat=True))
        case.tags.exclude(name__in=names).delete()
        CaseTag.objects.bulk_create(
            (CaseTag(case=case, name=name) for name in names if name not in before), ignore_conflicts=True
        )
        if before != sorted(names):
            audit_record(
                actor=actor, action="case.tagged", obj=case, changes={"tags": [before, sorted(names)]}
            )
    return names


def case_note_add(*, actor: Any, case_id: int, body: str) -> CaseNote:
    """An internal note on a case, for staff only (never sent to the customer)."""
    _may_work(actor)
    text = _text(body, "body", max_length=NOTE_MAX_LENGTH, required=True)
    with transaction.atomic():
        case = _locked(case_id)
        note = CaseNote.objects.create(
            case=case, author=actor if getattr(actor, "pk", None) else None, body=text
        )
        audit_record(actor=actor, action="case.noted", obj=case, label=str(case))
    return note


def case_time_add(
    *, actor: Any, case_id: int, minutes: int, note: str = "", spent_on: dt.date | None = None
) -> TimeEntry:
    """Time ``actor`` spent on a case; the case's total follows."""
    _may_work(actor)
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 1 <= minutes <= TIME_ENTRY_MAX_MINUTES
    ):
        raise ValidationError.for_field(
            "minutes", _("Between 1 and %(max)d minutes.") % {"max": TIME_ENTRY_MAX_MINUTES}
        )
    text = _text(note, "note", max_length=TIME_NOTE_MAX_LENGTH)
    day = spent_on or timezone.localdate()
    if reason := date_fault(day):
        raise ValidationError.for_field("spent_on", reason)
    with transaction.atomic():
        case = _locked(case_id)
        entry = TimeEntry.objects.create(
            case=case,
            user=actor if getattr(actor, "pk", None) else None,
            minutes=minutes,
            note=text,
            spent_on=day,
        )
        case.time_spent_minutes += minutes
        case.save(update_fields=["time_spent_minutes", "updated_at"])
    return entry


def case_interaction_attach(*, case_id: int, interaction_id: int) -> bool:
    """Put an interaction into a case's conversation; False when it already is in a case."""
    _link, created = CaseInteraction.objects.get_or_create(
        interaction_id=interaction_id, defaults={"case_id": case_id}
    )
    return created


def case_answered(*, case_id: int, interaction_id: int, at: dt.datetime) -> Case:
    """An answer sent outside the reply box (from an integration, or a history brought in) counts
    as the case's response at ``at``: it joins the conversation and stamps the first and latest
    answer, as :func:`lojal.cases.replies.case_reply` does for answers written in Lojal."""
    with transaction.atomic():
        case = _locked(case_id)
        CaseInteraction.objects.get_or_create(interaction_id=interaction_id, defaults={"case": case})
        case.answered_at = max(case.answered_at or at, at)
        case.first_responded_at = min(case.first_responded_at or at, at)
        case_clocks_refresh(case, at=at)
        case.save()
    return case
