"""Writes for the routing rules (managers, Action.SERVICE_CONFIGURE): create and change a rule, move
it up or down the order, switch it off and on. lojal.cases.routing reads them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases.channels import may_configure
from lojal.cases.models import VIP_RANK, Case, Category, Queue, RoutingRule
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, ValidationError
from lojal.core.inputs import text_fault

#: The languages a rule can ask for: those Lojal writes to customers in.
LANGUAGES = ("sv", "nb", "da", "fi", "en")
WORD_MAX_LENGTH = 60
LIST_MAX = 50


def _texts(values: Iterable[Any], field: str, *, max_length: int, lower: bool = False) -> list[str]:
    found: list[str] = []
    for value in values:
        text = str(value or "").strip()
        if lower:
            text = text.lower()
        if not text:
            continue
        if text_fault(text) or len(text) > max_length:
            raise ValidationError.for_field(field, _("At most %(max)d characters.") % {"max": max_length})
        if text not in found:
            found.append(text)
    if len(found) > LIST_MAX:
        raise ValidationError.for_field(field, _("At most %(max)d entries.") % {"max": LIST_MAX})
    return found


def _subset(values: Iterable[str], field: str, allowed: Iterable[str]) -> list[str]:
    known = list(allowed)
    chosen = [value for value in dict.fromkeys(values) if value]
    wrong = [value for value in chosen if value not in known]
    if wrong:
        raise ValidationError.for_field(
            field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(known)}
        )
    return chosen


def routing_rule_save(
    *,
    actor: Any,
    name: str,
    rule_id: int | None = None,
    channels: Iterable[str] = (),
    addresses: Iterable[str] = (),
    category_id: int | None = None,
    words: Iterable[str] = (),
    vip_tiers: Iterable[str] = (),
    languages: Iterable[str] = (),
    set_queue_id: int | None = None,
    set_priority: str = "",
    set_category_id: int | None = None,
    set_tags: Iterable[str] = (),
    set_assignee_id: int | None = None,
    is_active: bool = True,
) -> RoutingRule:
    """Create a rule (it goes last in the order) or change rule ``rule_id``. A rule must do
    something: set a queue, priority, category, tags or assignee."""
    may_configure(actor)
    errors: dict[str, list[str]] = {}

    def check(field: str, make: Any) -> Any:
        try:
            return make()
        except ValidationError as error:
            errors.update(error.errors or {field: [error.message]})
            return None

    name = (name or "").strip()
    if not name or len(name) > 100 or text_fault(name):
        errors["name"] = [_("Give the rule a name, at most 100 characters.")]
    fields: dict[str, Any] = {
        "name": name,
        "channels": check("channels", lambda: _subset(channels, "channels", Case.Channel.values)),
        "addresses": check("addresses", lambda: _texts(addresses, "addresses", max_length=254, lower=True)),
        "words": check("words", lambda: _texts(words, "words", max_length=WORD_MAX_LENGTH)),
        "vip_tiers": check("vip_tiers", lambda: _subset(vip_tiers, "vip_tiers", VIP_RANK)),
        "languages": check("languages", lambda: _subset(languages, "languages", LANGUAGES)),
        "set_tags": check("set_tags", lambda: _texts(set_tags, "set_tags", max_length=50)),
        "set_priority": set_priority or "",
        "category_id": category_id,
        "set_category_id": set_category_id,
        "set_queue_id": set_queue_id,
        "set_assignee_id": set_assignee_id,
        "is_active": bool(is_active),
    }
    if set_priority and set_priority not in Case.Priority.values:
        errors["set_priority"] = [
            _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(Case.Priority.values)}
        ]
    for field in ("category_id", "set_category_id"):
        if (
            fields[field] is not None
            and not Category.objects.filter(pk=fields[field], is_active=True).exists()
        ):
            errors[field] = [_("No category with this id.")]
    if set_queue_id is not None and not Queue.objects.filter(pk=set_queue_id, is_active=True).exists():
        errors["set_queue_id"] = [_("No queue with this id.")]
    if (
        set_assignee_id is not None
        and accounts_selectors.staff_get(user_id=set_assignee_id, active_only=True) is None
    ):
        errors["set_assignee_id"] = [_("No active member of staff with this id.")]
    if not errors and not (
        set_queue_id or set_priority or set_category_id or fields["set_tags"] or set_assignee_id
    ):
        errors["set_queue_id"] = [_("Say what the rule does: a queue, priority, category, tags or assignee.")]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors=errors)
    with transaction.atomic():
        if rule_id is None:
            last = RoutingRule.objects.aggregate(last=Max("position"))["last"]
            rule = RoutingRule.objects.create(position=(last or 0) + 1, **fields)
            action = "routing_rule.created"
        else:
            found = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
            if found is None:
                raise NotFound(_("No routing rule with id %(id)s.") % {"id": rule_id})
            rule = found
            for field, value in fields.items():
                setattr(rule, field, value)
            rule.save()
            action = "routing_rule.changed"
        audit_record(actor=actor, action=action, obj=rule, label=rule.name)
    return rule


def routing_rule_move(*, actor: Any, rule_id: int, up: bool) -> list[int]:
    """Move a rule one place earlier (``up``) or later in the order; returns the ids in order."""
    may_configure(actor)
    with transaction.atomic():
        ids = list(
            RoutingRule.objects.select_for_update().order_by("position", "id").values_list("pk", flat=True)
        )
        if rule_id not in ids:
            raise NotFound(_("No routing rule with id %(id)s.") % {"id": rule_id})
        index = ids.index(rule_id)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        rules = list(RoutingRule.objects.filter(pk__in=ids))
        place = {pk: position for position, pk in enumerate(ids, start=1)}
        for rule in rules:
            rule.position = place[rule.pk]
        RoutingRule.objects.bulk_update(rules, ["position"])
        moved = next(rule for rule in rules if rule.pk == rule_id)
        audit_record(actor=actor, action="routing_rule.moved", obj=moved, label=moved.name)
    return ids


def routing_rule_active_set(*, actor: Any, rule_id: int, active: bool) -> RoutingRule:
    """Switch a rule off (kept, skipped by routing) or on again."""
    may_configure(actor)
    rule = RoutingRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No routing rule with id %(id)s.") % {"id": rule_id})
    if rule.is_active != active:
        rule.is_active = active
        rule.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="routing_rule.activated" if active else "routing_rule.deactivated",
            obj=rule,
            label=rule.name,
        )
    return rule
