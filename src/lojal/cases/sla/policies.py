"""Writes for service-level policies: create, change, delete and reorder them (managers). Each write is
checked in full before anything is stored and recorded in the audit log. A changed policy applies to a
case from its next refresh (any change to the case, a message, a reply)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.cases.models import VIP_RANK, Case, Category, Queue, SlaPolicy
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import text_fault

NAME_MAX_LENGTH = 100
#: A target longer than a year of round-the-clock minutes is a typing mistake.
TARGET_MAX_MINUTES = 366 * 24 * 60
FIELDS = (
    "name",
    "queue_id",
    "category_id",
    "priority",
    "vip_tier",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "near_percent",
    "is_active",
)
TARGETS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")


def sla_policy_list() -> QuerySet[SlaPolicy]:
    """Every policy in the order they are tried, with their queue and category."""
    return SlaPolicy.objects.select_related("queue", "category").order_by("position", "id")


def sla_policy_get(*, policy_id: int) -> SlaPolicy:
    policy = sla_policy_list().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("No service-level policy with id %(id)s.") % {"id": policy_id})
    return policy


def _may_configure(actor: Any) -> None:
    if actor is not None and not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def _id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.for_field(field, _("Must be an id."))
    return value


def _whole(value: Any, field: str, *, low: int, high: int, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError.for_field(
            field, _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return value


def _cleaned(values: Mapping[str, Any], *, other_than: int | None = None) -> dict[str, Any]:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be set here."))
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field == "name":
            name = value.strip() if isinstance(value, str) else None
            if not name:
                raise ValidationError.for_field(field, _("This field is required."))
            if reason := text_fault(name):
                raise ValidationError.for_field(field, reason)
            if len(name) > NAME_MAX_LENGTH:
                raise ValidationError.for_field(
                    field, _("At most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
                )
            others = SlaPolicy.objects.filter(name=name)
            if other_than is not None:
                others = others.exclude(pk=other_than)
            if others.exists():
                raise ValidationError.for_field(field, _("Another policy has this name."))
            cleaned[field] = name
        elif field == "queue_id":
            if value is not None and not Queue.objects.filter(pk=_id(value, field)).exists():
                raise ValidationError.for_field(field, _("No queue with this id."))
            cleaned[field] = value
        elif field == "category_id":
            if value is not None and not Category.objects.filter(pk=_id(value, field)).exists():
                raise ValidationError.for_field(field, _("No category with this id."))
            cleaned[field] = value
        elif field == "priority":
            allowed = ["", *Case.Priority.values]
            if value not in allowed:
                raise ValidationError.for_field(
                    field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed[1:])}
                )
            cleaned[field] = value
        elif field == "vip_tier":
            tiers = ["", *VIP_RANK]
            if value not in tiers:
                raise ValidationError.for_field(
                    field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(tiers[1:])}
                )
            cleaned[field] = value
        elif field in TARGETS:
            cleaned[field] = _whole(value, field, low=1, high=TARGET_MAX_MINUTES, optional=True)
        elif field == "near_percent":
            cleaned[field] = _whole(value, field, low=1, high=100, optional=False)
        elif field == "is_active":
            if not isinstance(value, bool):
                raise ValidationError.for_field(field, _("Must be true or false."))
            cleaned[field] = value
    return cleaned


def _targets_checked(policy: SlaPolicy) -> None:
    if all(getattr(policy, field) is None for field in TARGETS):
        raise ValidationError.for_field("first_response_minutes", _("Give at least one target."))


def sla_policy_create(*, actor: Any, values: Mapping[str, Any]) -> SlaPolicy:
    """A new policy, tried after the existing ones (``position`` last)."""
    _may_configure(actor)
    if "name" not in values:
        raise ValidationError.for_field("name", _("This field is required."))
    cleaned = _cleaned(values)
    with transaction.atomic():
        last = SlaPolicy.objects.aggregate(last=Max("position"))["last"]
        policy = SlaPolicy(position=0 if last is None else last + 1, **cleaned)
        _targets_checked(policy)
        policy.save()
        audit_record(actor=actor, action="sla_policy.created", obj=policy, label=policy.name)
    return policy


def sla_policy_change(*, actor: Any, policy_id: int, values: Mapping[str, Any]) -> SlaPolicy:
    """Change fields of a policy; unchanged values record nothing."""
    _may_configure(actor)
    cleaned = _cleaned(values, other_than=policy_id)
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise NotFound(_("No service-level policy with id %(id)s.") % {"id": policy_id})
        diffs = {
            field: [getattr(policy, field), value]
            for field, value in cleaned.items()
            if getattr(policy, field) != value
        }
        for field, (_old, new) in diffs.items():
            setattr(policy, field, new)
        _targets_checked(policy)
        if diffs:
            policy.save()
            audit_record(
                actor=actor, action="sla_policy.changed", obj=policy, changes=diffs, label=policy.name
            )
    return policy


def sla_policy_delete(*, actor: Any, policy_id: int) -> None:
    """Delete a policy. One a queue uses as its default cannot go (choose another default first)."""
    _may_configure(actor)
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise NotFound(_("No service-level policy with id %(id)s.") % {"id": policy_id})
        if Queue.objects.filter(sla_policy=policy).exists():
            raise Conflict(_("A queue uses this policy as its default; choose another one for it first."))
        audit_record(actor=actor, action="sla_policy.deleted", obj=policy, label=policy.name)
        policy.delete()


def sla_policies_reorder(*, actor: Any, policy_ids: Iterable[int]) -> list[int]:
    """Put the policies in the order of ``policy_ids`` (every policy, each once)."""
    _may_configure(actor)
    order = list(policy_ids)
    with transaction.atomic():
        policies = {policy.pk: policy for policy in SlaPolicy.objects.select_for_update()}
        if sorted(order) != sorted(policies) or len(set(order)) != len(order):
            raise ValidationError.for_field("policy_ids", _("Give every policy's id once."))
        changed = []
        for position, policy_id in enumerate(order):
            policy = policies[policy_id]
            if policy.position != position:
                policy.position = position
                changed.append(policy)
        SlaPolicy.objects.bulk_update(changed, ["position"])
        if changed:
            audit_record(
                actor=actor,
                action="sla_policy.reordered",
                obj=policies[order[0]],
                changes={"order": [None, order]},
            )
    return order
