"""API for service-level policies (/api/v1/sla-policies): everyone who reads customers lists and reads
them; managers create, change, delete and reorder them. Policies are tried in ``position`` order and the
first whose conditions all hold applies (docs/cases.md, "Service levels")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.cases.models import SlaPolicy
from lojal.cases.sla import policies
from lojal.core.errors import Conflict
from lojal.core.inputs import Text
from lojal.core.openapi import raises

router = Router(tags=["service levels"])


class SlaPolicyOut(Schema):
    id: int
    name: str
    position: int = Field(description="policies are tried in this order; the first that matches applies")
    queue_id: int | None
    category_id: int | None = Field(description="matches the category and its subcategories")
    priority: str = Field(description="low, normal, high, urgent; empty: any")
    vip_tier: str = Field(description="platinum, gold, silver, none; empty: any")
    first_response_minutes: int | None = Field(description="business minutes of the queue's calendar")
    next_response_minutes: int | None = Field(description="after each customer message")
    resolution_minutes: int | None
    near_percent: int = Field(description="a target is near once this share of its time is used")
    is_active: bool


class SlaPolicyIn(Schema):
    name: Text = Field(..., max_length=policies.NAME_MAX_LENGTH)
    queue_id: int | None = None
    category_id: int | None = None
    priority: str = ""
    vip_tier: str = ""
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    near_percent: int = 80
    is_active: bool = True


class SlaPolicyPatch(Schema):
    name: Text | None = Field(None, max_length=policies.NAME_MAX_LENGTH)
    queue_id: int | None = None
    category_id: int | None = None
    priority: str | None = None
    vip_tier: str | None = None
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    near_percent: int | None = None
    is_active: bool | None = None


class SlaOrderIn(Schema):
    policy_ids: list[int] = Field(
        ..., max_length=1000, description="every policy's id once, in the new order"
    )


def policy_out(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "id": policy.pk,
        "name": policy.name,
        "position": policy.position,
        "queue_id": policy.queue_id,
        "category_id": policy.category_id,
        "priority": policy.priority,
        "vip_tier": policy.vip_tier,
        "first_response_minutes": policy.first_response_minutes,
        "next_response_minutes": policy.next_response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "near_percent": policy.near_percent,
        "is_active": policy.is_active,
    }


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[SlaPolicyOut],
    summary="Policies in the order they are tried",
)
def sla_policies_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [policy_out(policy) for policy in policies.sla_policy_list()]


@router.post(
    "",
    auth=staff(Action.SERVICE_CONFIGURE),
    response={201: SlaPolicyOut},
    summary="Add a policy (tried after the others)",
)
def sla_policy_create(request: HttpRequest, payload: SlaPolicyIn) -> Status[dict[str, Any]]:
    policy = policies.sla_policy_create(actor=staff_user(request), values=payload.model_dump())
    return Status(201, policy_out(policy))


@router.post(
    "/order",
    auth=staff(Action.SERVICE_CONFIGURE),
    response=list[SlaPolicyOut],
    summary="Put the policies in a new order",
)
def sla_policies_reorder(request: HttpRequest, payload: SlaOrderIn) -> list[dict[str, Any]]:
    policies.sla_policies_reorder(actor=staff_user(request), policy_ids=payload.policy_ids)
    return [policy_out(policy) for policy in policies.sla_policy_list()]


@router.get("/{policy_id}", auth=staff(Action.CUSTOMER_VIEW), response=SlaPolicyOut, summary="One policy")
def sla_policy_read(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    return policy_out(policies.sla_policy_get(policy_id=policy_id))


@router.patch(
    "/{policy_id}", auth=staff(Action.SERVICE_CONFIGURE), response=SlaPolicyOut, summary="Change a policy"
)
def sla_policy_change(request: HttpRequest, policy_id: int, payload: SlaPolicyPatch) -> dict[str, Any]:
    policy = policies.sla_policy_change(
        actor=staff_user(request), policy_id=policy_id, values=payload.model_dump(exclude_unset=True)
    )
    return policy_out(policy)


@router.delete(
    "/{policy_id}",
    auth=staff(Action.SERVICE_CONFIGURE),
    response={204: None},
    summary="Delete a policy (not one a queue uses as its default)",
)
@raises(Conflict)
def sla_policy_delete(request: HttpRequest, policy_id: int) -> Status[None]:
    policies.sla_policy_delete(actor=staff_user(request), policy_id=policy_id)
    return Status(204, None)
