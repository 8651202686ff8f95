"""Merging two cases about the same matter, and splitting a message off into a case of its own.

A merge moves everything of one case (its interactions, internal notes, tags and time entries) into
another and closes it as merged; a split moves one interaction into a new case linked to the old one.
Both are recorded as :class:`~lojal.cases.models.CaseChange`, on the customer's timeline and in the
audit log. Customers are told nothing of a merge unless the agent asks for it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lojal.cases.models import Case, CaseChange, CaseInteraction, CaseLink, CaseNote, CaseTag, TimeEntry
from lojal.cases.replies import case_reply
from lojal.cases.services import _locked, _may_work, _status_entered, _timeline, case_open
from lojal.cases.sla import case_clocks_refresh
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, ValidationError
from lojal.interactions import selectors as interactions_selectors

#: The channels a case can be opened from; an interaction of another kind (a meeting, a letter)
#: split into a case of its own counts as opened by staff.
_CASE_CHANNELS = frozenset(Case.Channel.values)


def _pair_locked(case_id: int, other_id: int) -> tuple[Case, Case]:
    """Both cases, locked in id order so that two merges of the same pair cannot deadlock."""
    first, second = sorted((case_id, other_id))
    locked = {first: _locked(first), second: _locked(second)}
    return locked[case_id], locked[other_id]


def _merge_notice(case: Case, *, other: Case, kept: bool) -> str:
    """The short email a customer gets when the agent chose to tell them, in the case's language."""
    with translation.override(case.language or None):
        if kept:
            return _(
                "Your case #%(other)s has been joined with this case, #%(number)s. We go on with both "
                "questions here; reply to this email if there is anything to add."
            ) % {"other": other.number, "number": case.number}
        return _(
            "Your case #%(number)s has been joined with case #%(other)s. We go on there; replies to "
            "either reach us."
        ) % {"number": case.number, "other": other.number}


@transaction.atomic
def case_merge(
    *,
    actor: Any,
    case_id: int,
    into_case_id: int,
    tell_customers: bool = False,
    across_customers: bool = False,
) -> Case:
    """Merge case ``case_id`` into ``into_case_id``; returns the case merged into.

    Every interaction, internal note, tag and time entry of the merged case moves to the other, which
    also takes over the merged case's later customer message (its next-response clock) and, if it had
    none, its conversation. The merged case is closed with ``merged_into`` set, and so are cases merged
    into it before (one hop to the case that lives on). Refused: a case into itself, a merged case, a
    case into a closed one, and cases of two different customers unless ``across_customers`` (a merge
    across customers mixes two people's data in one case, so the agent must say they mean it). With
    ``tell_customers`` each case's customer gets a short email through :func:`case_reply` (which also
    counts as answering them); otherwise they are told nothing."""
    _may_work(actor)
    if case_id == into_case_id:
        raise ValidationError.for_field("into_case_id", _("A case cannot be merged into itself."))
    source, target = _pair_locked(case_id, into_case_id)
    if source.merged_into_id is not None:
        raise ValidationError.for_field("case_id", _("This case has already been merged into another."))
    if target.merged_into_id is not None or target.status == Case.Status.CLOSED:
        raise ValidationError.for_field(
            "into_case_id", _("A case can only be merged into a case that is not closed.")
        )
    if (
        source.customer_id is not None
        and target.customer_id is not None
        and source.customer_id != target.customer_id
        and not across_customers
    ):
        raise ValidationError.for_field(
            "into_case_id",
            _("The cases belong to different customers; confirm to merge them anyway."),
        )
    if tell_customers:
        # Before the source closes: a closed case cannot be answered.
        if source.status != Case.Status.CLOSED:
            case_reply(actor=actor, case_id=source.pk, text=_merge_notice(source, other=target, kept=False))
        case_reply(actor=actor, case_id=target.pk, text=_merge_notice(target, other=source, kept=True))
        source.refresh_from_db()
        target.refresh_from_db()
    now = timezone.now()
    moved = {
        "interactions": CaseInteraction.objects.filter(case=source).update(case=target),
        "notes": CaseNote.objects.filter(case=source).update(case=target),
        "time_entries": TimeEntry.objects.filter(case=source).update(case=target),
    }
    tag_names = list(CaseTag.objects.filter(case=source).values_list("name", flat=True))
    CaseTag.objects.bulk_create(
        (CaseTag(case=target, name=name) for name in tag_names), ignore_conflicts=True
    )
    CaseTag.objects.filter(case=source).delete()
    moved["tags"] = len(tag_names)
    Case.objects.filter(merged_into=source).update(merged_into=target)

    target.time_spent_minutes += source.time_spent_minutes
    if source.customer_wrote_at and (
        target.customer_wrote_at is None or source.customer_wrote_at > target.customer_wrote_at
    ):
        target.customer_wrote_at = source.customer_wrote_at
    if target.conversation_id is None:
        target.conversation_id = source.conversation_id
    if target.customer_id is None and source.customer_id is not None:
        target.customer_id, target.vip_rank = source.customer_id, source.vip_rank
    case_clocks_refresh(target, at=now)
    target.save()

    old_status = source.status
    _status_entered(source, Case.Status.CLOSED, now)
    source.status = Case.Status.CLOSED
    source.merged_into = target
    source.time_spent_minutes = 0
    case_clocks_refresh(source, at=now)
    source.save()
    by = actor if getattr(actor, "pk", None) else None
    CaseChange.objects.bulk_create(
        [
            CaseChange(case=source, field="status", old=old_status, new=source.status, actor=by, at=now),
            CaseChange(case=source, field="merged_into_id", old="", new=str(target.pk), actor=by, at=now),
        ]
    )
    _timeline(source, kind="case.merged", actor=actor, data={"merged_into": [None, target.number]})
    audit_record(
        actor=actor,
        action="case.merged",
        obj=source,
        changes={"merged_into": [None, target.number], **{kind: [0, n] for kind, n in moved.items()}},
        label=str(source),
    )
    return target


@transaction.atomic
def case_split(*, actor: Any, case_id: int, interaction_id: int) -> Case:
    """Move one interaction of case ``case_id`` into a new case of its own (same customer, queue,
    category and priority), linked to the old one as split from it; returns the new case. The case's
    only interaction cannot be split off (that would leave an empty case: change the case instead)."""
    _may_work(actor)
    source = _locked(case_id)
    link = CaseInteraction.objects.filter(case=source, interaction_id=interaction_id).first()
    if link is None:
        raise NotFound(_("This interaction is not in case #%(number)s.") % {"number": source.number})
    if not CaseInteraction.objects.filter(case=source).exclude(pk=link.pk).exists():
        raise ValidationError.for_field(
            "interaction_id", _("This is the case's only message; it cannot be split off.")
        )
    interaction = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).get()
    link.delete()
    split = case_open(
        actor=actor,
        subject=(interaction.subject or "").strip()[:300] or source.subject,
        channel=interaction.channel if interaction.channel in _CASE_CHANNELS else Case.Channel.STAFF,
        customer_id=interaction.customer_id or source.customer_id,
        contact_person_id=source.contact_person_id
        if (interaction.customer_id or source.customer_id) == source.customer_id
        else None,
        category_id=source.category_id,
        priority=source.priority,
        queue_id=source.queue_id,
        language=source.language,
        # Its own thread when it came on another; on the same thread, replies stay with the old case.
        conversation_id=interaction.conversation_id
        if interaction.conversation_id != source.conversation_id
        else None,
        interaction_ids=[interaction_id],
    )
    if interaction.direction == "in":
        split.customer_wrote_at = interaction.occurred_at
        fields = ["customer_wrote_at", "updated_at", *case_clocks_refresh(split, at=timezone.now())]
        split.save(update_fields=fields)
    # The old case's latest customer message may have been the one split off.
    remaining = interactions_selectors.interactions_in(
        interaction_ids=list(
            CaseInteraction.objects.filter(case=source).values_list("interaction_id", flat=True)
        )
    ).filter(direction="in")
    source.customer_wrote_at = remaining.aggregate(latest=Max("occurred_at"))["latest"]
    case_clocks_refresh(source, at=timezone.now())
    source.save()
    CaseLink.objects.create(from_case=split, to_case=source, kind=CaseLink.Kind.SPLIT)
    CaseChange.objects.create(
        case=source,
        field="split_into_id",
        old="",
        new=str(split.pk),
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="case.split",
        obj=source,
        changes={"interaction_id": [None, interaction_id], "split_into": [None, split.number]},
        label=str(source),
    )
    return split
