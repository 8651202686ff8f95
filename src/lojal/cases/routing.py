"""Routing: which queue, priority, category, tags and assignee a new case gets. Rules are tried in
order and the first whose conditions all hold decides (an empty condition holds); with no match the
case goes to the default queue (setting LOJAL_CASE_DEFAULT_QUEUE, a queue's name, else the first
active queue). :func:`route_explain` says for every rule why it matched or not, for the rules page's
"test a message" box."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from lojal.cases.models import Category, Queue, RoutingRule
from lojal.cases.wording import text_stems, word_found


@dataclass(frozen=True)
class Message:
    """What routing knows of a new case."""

    channel: str
    address: str = ""
    subject: str = ""
    text: str = ""
    category_id: int | None = None
    vip_tier: str = "none"
    language: str = ""


@dataclass(frozen=True)
class Decision:
    """What the first matching rule sets (None/"" where it sets nothing) and the rule itself."""

    rule_id: int | None = None
    rule_name: str = ""
    queue_id: int | None = None
    priority: str = ""
    category_id: int | None = None
    tags: list[str] = field(default_factory=list)
    assignee_id: int | None = None
    is_default_queue: bool = False


@dataclass(frozen=True)
class RuleVerdict:
    """One rule tried on a message: whether it matched and, per condition, why."""

    rule: RoutingRule
    matched: bool
    reasons: list[tuple[bool, str]]


def _condition_reasons(rule: RoutingRule, message: Message, stems: frozenset[str]) -> list[tuple[bool, str]]:
    reasons: list[tuple[bool, str]] = []
    if rule.channels:
        ok = message.channel in rule.channels
        reasons.append((ok, _("channel %(channel)s") % {"channel": message.channel or "—"}))
    if rule.addresses:
        written = message.address.strip().lower()
        ok = written in {address.lower() for address in rule.addresses}
        reasons.append((ok, _("written to %(address)s") % {"address": written or "—"}))
    if rule.category_id is not None:
        ok = message.category_id == rule.category_id
        reasons.append((ok, _("category %(category)s") % {"category": rule.category}))
    if rule.words:
        found = [word for word in rule.words if word_found(word, stems)]
        if found:
            reasons.append((True, _("words found: %(words)s") % {"words": ", ".join(found)}))
        else:
            reasons.append((False, _("none of the words %(words)s") % {"words": ", ".join(rule.words)}))
    if rule.vip_tiers:
        ok = (message.vip_tier or "none") in rule.vip_tiers
        reasons.append((ok, _("VIP tier %(tier)s") % {"tier": message.vip_tier or "none"}))
    if rule.languages:
        ok = message.language in rule.languages
        reasons.append((ok, _("language %(language)s") % {"language": message.language or "—"}))
    if not reasons:
        reasons.append((True, _("no conditions: matches every message")))
    return reasons


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True).select_related("category").order_by("position", "id")
    )


def route_explain(message: Message, rules: list[RoutingRule] | None = None) -> list[RuleVerdict]:
    """Every active rule tried on ``message``, in order (the first matched one decides)."""
    stems = text_stems(f"{message.subject}\n{message.text}")
    verdicts = []
    for rule in active_rules() if rules is None else rules:
        reasons = _condition_reasons(rule, message, stems)
        verdicts.append(RuleVerdict(rule=rule, matched=all(ok for ok, _text in reasons), reasons=reasons))
    return verdicts


def default_queue_id() -> int | None:
    """The queue of a case no rule routes: the one named in LOJAL_CASE_DEFAULT_QUEUE, else the first
    active queue by name."""
    queues = Queue.objects.filter(is_active=True)
    name = getattr(settings, "LOJAL_CASE_DEFAULT_QUEUE", "")
    if name:
        found = queues.filter(name=name).values_list("pk", flat=True).first()
        if found is not None:
            return found
    return queues.order_by("name", "id").values_list("pk", flat=True).first()


def route(message: Message) -> Decision:
    """The first matching rule's decision; no queue from it means the default queue."""
    stems = text_stems(f"{message.subject}\n{message.text}")
    for rule in active_rules():
        if all(ok for ok, _text in _condition_reasons(rule, message, stems)):
            queue_id = rule.set_queue_id
            return Decision(
                rule_id=rule.pk,
                rule_name=rule.name,
                queue_id=queue_id or default_queue_id(),
                priority=rule.set_priority,
                category_id=rule.set_category_id,
                tags=list(rule.set_tags or []),
                assignee_id=rule.set_assignee_id,
                is_default_queue=queue_id is None,
            )
    return Decision(queue_id=default_queue_id(), is_default_queue=True)


def category_choices() -> list[tuple[int, str]]:
    """Active categories as "Parent › Child" labels, for the pages' selects."""
    rows = Category.objects.filter(is_active=True).select_related("parent").order_by("parent_id", "position")
    labels = [(row.pk, f"{row.parent.name} › {row.name}" if row.parent else row.name) for row in rows]
    return sorted(labels, key=lambda pair: pair[1].casefold())
