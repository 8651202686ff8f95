"""Changes to many customers at once, from the list's bulk actions: add or remove a tag, set the
account manager, set the stage with a reason.

Each action validates everything first (bad input changes nothing), then works through the chosen
customers by id in chunks, set-based: one read of the chunk's current values, one UPDATE (or one bulk
insert or delete of tag links), one bulk insert of timeline events and one of audit entries. Only the
customers whose value really changes get an event and an audit entry, shaped by the same builders and
in the same form as a change of one customer (:func:`lojal.customers.services.customer_update`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lojal.accounts.selectors import staff_get
from lojal.core.audit import AUDIT_COLUMNS
from lojal.core.bulk import bulk_insert
from lojal.core.errors import ValidationError
from lojal.core.inputs import text_fault
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer, Stage, Tag
from lojal.customers.selectors import SELECTED_MAX, Scope, selection_resolve
from lojal.customers.services import tags_resolve
from lojal.customers.validation import TAG_MAX_LENGTH
from lojal.timeline import events
from lojal.timeline.services import events_record_frame, events_record_many

#: Customers read, changed and recorded per round.
BULK_CHUNK = 2000
REASON_MAX_LENGTH = 300


class BulkAction(models.TextChoices):
    TAG_ADD = "tag_add", gettext_lazy("Add a tag")
    TAG_REMOVE = "tag_remove", gettext_lazy("Remove a tag")
    ACCOUNT_MANAGER_SET = "account_manager_set", gettext_lazy("Set the account manager")
    STAGE_SET = "stage_set", gettext_lazy("Set the stage")


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk action did: the customers it looked at, and those whose value changed."""

    action: str
    matched: int
    changed: int
    #: What was set or added, as the message names it (a tag's stored name, a manager's name, a stage).
    value: str = ""


def _chunks(selection: QuerySet[Customer]) -> Iterator[list[int]]:
    """The ids of ``selection``'s changeable customers (live, not erased), by ascending id, a chunk at
    a time (keyset: each chunk starts after the last id of the one before, never with OFFSET)."""
    changeable = selection.filter(deleted_at__isnull=True, erased_at__isnull=True).order_by("pk")
    last = 0
    while ids := list(changeable.filter(pk__gt=last).values_list("pk", flat=True)[:BULK_CHUNK]):
        yield ids
        last = ids[-1]


def _labels(ids: Sequence[int]) -> dict[int, str]:
    """Each customer's label as the audit log names it (``str(customer)``)."""
    return {
        pk: f"{name} ({number})"
        for pk, name, number in Customer.objects.filter(pk__in=ids).values_list(
            "pk", "display_name", "customer_number"
        )
    }


def _record(
    *, actor: Any, now: dt.datetime, changes: Mapping[int, dict[str, list[Any]]], field: str | None
) -> None:
    """Audit entries (one per changed customer, ``{field: [old, new]}`` as a single update writes
    them) and, unless the caller writes its own events, a "details changed" event naming ``field``."""
    actor_id = events.actor_id_of(actor)
    labels = _labels(list(changes))
    bulk_insert(
        AuditEntry,
        AUDIT_COLUMNS,
        (
            (now, actor_id, "update", "customers.customer", str(pk), labels.get(pk, "")[:200], change)
            for pk, change in changes.items()
        ),
    )
    if field is not None:
        events_record_many(
            events.customer_changed(customer_id=pk, fields=[field], occurred_at=now, actor_id=actor_id)
            for pk in changes
        )


def _tag_name(tag: str) -> str:
    name = " ".join(str(tag).split())
    if reason := text_fault(name):
        raise ValidationError.for_field("tag", reason)
    if not name:
        raise ValidationError.for_field("tag", _("Name the tag."))
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError.for_field(
            "tag", _("A tag can be at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}
        )
    return name


def _tags_of(ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    links = Customer.tags.through.objects.filter(customer_id__in=ids).values_list("customer_id", "tag__name")
    for pk, name in links:
        names[pk].append(name)
    return names


@transaction.atomic
def customers_tag_add(*, actor: Any, selection: QuerySet[Customer], tag: str) -> BulkOutcome:
    """Put the tag ``tag`` (created when missing, found whatever its case) on every customer of
    ``selection`` that does not have it yet."""
    name = _tag_name(tag)
    found = tags_resolve([name])[0]
    link = Customer.tags.through
    matched = changed = 0
    for ids in _chunks(selection):
        matched += len(ids)
        having = set(
            link.objects.filter(tag_id=found.pk, customer_id__in=ids).values_list("customer_id", flat=True)
        )
        new = [pk for pk in ids if pk not in having]
        if not new:
            continue
        now = timezone.now()
        old = _tags_of(new)
        link.objects.bulk_create([link(customer_id=pk, tag_id=found.pk) for pk in new])
        Customer.objects.filter(pk__in=new).update(updated_at=now)
        _record(
            actor=actor,
            now=now,
            changes={pk: {"tags": [sorted(old[pk]), sorted([*old[pk], found.name])]} for pk in new},
            field="tags",
        )
        changed += len(new)
    return BulkOutcome(action=BulkAction.TAG_ADD, matched=matched, changed=changed, value=found.name)


@transaction.atomic
def customers_tag_remove(*, actor: Any, selection: QuerySet[Customer], tag: str) -> BulkOutcome:
    """Take the tag ``tag`` (found whatever its case) off every customer of ``selection`` that has it."""
    name = _tag_name(tag)
    found = Tag.objects.filter(name__iexact=name).first()
    if found is None:
        raise ValidationError.for_field("tag", _("There is no tag named '%(tag)s'.") % {"tag": name})
    link = Customer.tags.through
    matched = changed = 0
    for ids in _chunks(selection):
        matched += len(ids)
        having = list(
            link.objects.filter(tag_id=found.pk, customer_id__in=ids).values_list("customer_id", flat=True)
        )
        if not having:
            continue
        now = timezone.now()
        old = _tags_of(having)
        link.objects.filter(tag_id=found.pk, customer_id__in=having).delete()
        Customer.objects.filter(pk__in=having).update(updated_at=now)
        _record(
            actor=actor,
            now=now,
            changes={
                pk: {"tags": [sorted(old[pk]), sorted(n for n in old[pk] if n != found.name)]}
                for pk in having
            },
            field="tags",
        )
        changed += len(having)
    return BulkOutcome(action=BulkAction.TAG_REMOVE, matched=matched, changed=changed, value=found.name)


@transaction.atomic
def customers_account_manager_set(
    *, actor: Any, selection: QuerySet[Customer], account_manager_id: int | None
) -> BulkOutcome:
    """Make the active staff user ``account_manager_id`` (None: nobody) the account manager of every
    customer of ``selection``."""
    manager = None
    if account_manager_id is not None:
        manager = staff_get(user_id=account_manager_id, active_only=True)
        if manager is None:
            raise ValidationError.for_field("account_manager", _("No active staff user has this id."))
    new_id = manager.pk if manager is not None else None
    matched = changed = 0
    for ids in _chunks(selection):
        matched += len(ids)
        current = Customer.objects.filter(pk__in=ids).values_list("pk", "account_manager_id")
        moved = {pk: old for pk, old in current if old != new_id}
        if not moved:
            continue
        now = timezone.now()
        Customer.objects.filter(pk__in=list(moved)).update(account_manager_id=new_id, updated_at=now)
        _record(
            actor=actor,
            now=now,
            changes={pk: {"account_manager_id": [old, new_id]} for pk, old in moved.items()},
            field="account_manager_id",
        )
        changed += len(moved)
    value = manager.display_name if manager is not None else _("nobody")
    return BulkOutcome(action=BulkAction.ACCOUNT_MANAGER_SET, matched=matched, changed=changed, value=value)


@transaction.atomic
def customers_stage_set(*, actor: Any, selection: QuerySet[Customer], stage: str, reason: str) -> BulkOutcome:
    """Move every customer of ``selection`` to ``stage``, for ``reason``: each change recorded as a
    single change is (a stage-changed event with the reason, an audit entry of the stage)."""
    if stage not in Stage.values:
        raise ValidationError.for_field(
            "stage", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(Stage.values)}
        )
    why = str(reason).strip()
    if fault := text_fault(why):
        raise ValidationError.for_field("reason", fault)
    if not why:
        raise ValidationError.for_field("reason", _("Say why the stage changes."))
    if len(why) > REASON_MAX_LENGTH:
        raise ValidationError.for_field(
            "reason", _("A reason can be at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        )
    actor_id = events.actor_id_of(actor)
    matched = changed = 0
    for ids in _chunks(selection):
        matched += len(ids)
        current = Customer.objects.filter(pk__in=ids).exclude(lifecycle_stage=stage)
        moved = dict(current.values_list("pk", "lifecycle_stage"))
        if not moved:
            continue
        now = timezone.now()
        Customer.objects.filter(pk__in=list(moved)).update(lifecycle_stage=stage, updated_at=now)
        frame = pl.DataFrame(
            {"customer_id": list(moved), "old_stage": list(moved.values())}, schema=events.STAGE_CHANGES
        )
        events_record_frame(
            events.stages_changed(frame, new_stage=stage, reason=why, occurred_at=now, actor_id=actor_id)
        )
        _record(
            actor=actor,
            now=now,
            changes={pk: {"lifecycle_stage": [old, stage]} for pk, old in moved.items()},
            field=None,
        )
        changed += len(moved)
    return BulkOutcome(
        action=BulkAction.STAGE_SET, matched=matched, changed=changed, value=str(Stage(stage).label)
    )


def customers_bulk_apply(
    *,
    actor: Any,
    action: str,
    selection: QuerySet[Customer],
    tag: str = "",
    account_manager_id: int | None = None,
    stage: str = "",
    reason: str = "",
) -> BulkOutcome:
    """Run the bulk action named ``action`` (a :class:`BulkAction`) on ``selection``: the one entry
    the page and the API share."""
    if action == BulkAction.TAG_ADD:
        return customers_tag_add(actor=actor, selection=selection, tag=tag)
    if action == BulkAction.TAG_REMOVE:
        return customers_tag_remove(actor=actor, selection=selection, tag=tag)
    if action == BulkAction.ACCOUNT_MANAGER_SET:
        return customers_account_manager_set(
            actor=actor, selection=selection, account_manager_id=account_manager_id
        )
    if action == BulkAction.STAGE_SET:
        return customers_stage_set(actor=actor, selection=selection, stage=stage, reason=reason)
    raise ValidationError.for_field(
        "action", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(BulkAction.values)}
    )


def outcome_message(outcome: BulkOutcome) -> str:
    """What a bulk action did, in words ("Tag 'vip' added to 30 customers.")."""
    count, value = outcome.changed, outcome.value
    if outcome.action == BulkAction.TAG_ADD:
        text = ngettext(
            "Tag '%(tag)s' added to %(count)d customer.", "Tag '%(tag)s' added to %(count)d customers.", count
        )
        return text % {"tag": value, "count": count}
    if outcome.action == BulkAction.TAG_REMOVE:
        text = ngettext(
            "Tag '%(tag)s' removed from %(count)d customer.",
            "Tag '%(tag)s' removed from %(count)d customers.",
            count,
        )
        return text % {"tag": value, "count": count}
    if outcome.action == BulkAction.ACCOUNT_MANAGER_SET:
        text = ngettext(
            "Account manager set to %(name)s for %(count)d customer.",
            "Account manager set to %(name)s for %(count)d customers.",
            count,
        )
        return text % {"name": value, "count": count}
    text = ngettext(
        "Stage set to %(stage)s for %(count)d customer.",
        "Stage set to %(stage)s for %(count)d customers.",
        count,
    )
    return text % {"stage": value, "count": count}


__all__ = [
    "SELECTED_MAX",
    "BulkAction",
    "BulkOutcome",
    "Scope",
    "customers_bulk_apply",
    "outcome_message",
    "selection_resolve",
]
