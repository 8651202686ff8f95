"""Which service-level policy applies to a case: policies in ``position`` order, the first whose
conditions all hold (queue, category, priority, VIP tier; an empty condition holds), else the default
policy of the case's queue, else none. Loaded once and matched in memory, so a batch of 100,000 cases
costs the same two queries as one."""

from __future__ import annotations

from dataclasses import dataclass

from lojal.cases.models import VIP_RANK, Category, Queue, SlaPolicy

TIER_OF_RANK = {rank: tier for tier, rank in VIP_RANK.items()}


@dataclass(frozen=True, slots=True)
class Targets:
    """A policy's targets in business minutes (None: no such target) and its warning share."""

    policy_id: int
    first_response: int | None
    next_response: int | None
    resolution: int | None
    near_percent: int


@dataclass(frozen=True, slots=True)
class _Rule:
    targets: Targets
    queue_id: int | None
    category_id: int | None
    priority: str
    vip_tier: str


class PolicyBook:
    """The active policies in order, the queues' default policies and the category tree."""

    def __init__(self) -> None:
        policies = list(SlaPolicy.objects.filter(is_active=True).order_by("position", "id"))
        self.targets = {policy.pk: _targets(policy) for policy in policies}
        self.rules = [
            _Rule(
                targets=self.targets[policy.pk],
                queue_id=policy.queue_id,
                category_id=policy.category_id,
                priority=policy.priority,
                vip_tier=policy.vip_tier,
            )
            for policy in policies
        ]
        self.queue_defaults: dict[int, int | None] = {}
        self.queue_calendars: dict[int, int | None] = {}
        for queue_id, policy_id, calendar_id in Queue.objects.values_list("pk", "sla_policy_id", "calendar_id"):
            self.queue_defaults[queue_id] = policy_id
            self.queue_calendars[queue_id] = calendar_id
        self.parents = dict(Category.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))

    def match(
        self, *, queue_id: int | None, category_id: int | None, priority: str, vip_rank: int
    ) -> Targets | None:
        tier = TIER_OF_RANK.get(vip_rank, "none")
        categories = {category_id, self.parents.get(category_id)} if category_id is not None else set()
        for rule in self.rules:
            if rule.queue_id is not None and rule.queue_id != queue_id:
                continue
            if rule.category_id is not None and rule.category_id not in categories:
                continue
            if rule.priority and rule.priority != priority:
                continue
            if rule.vip_tier and rule.vip_tier != tier:
                continue
            return rule.targets
        default = self.queue_defaults.get(queue_id) if queue_id is not None else None
        return self.targets.get(default) if default is not None else None


def _targets(policy: SlaPolicy) -> Targets:
    return Targets(
        policy_id=policy.pk,
        first_response=policy.first_response_minutes,
        next_response=policy.next_response_minutes,
        resolution=policy.resolution_minutes,
        near_percent=policy.near_percent,
    )
