"""The API's shapes for cases, queues and the caller look-up (see lojal.cases.api)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from lojal.cases.models import VIP_RANK, Case, Queue
from lojal.core.inputs import Text

StatusName = Literal["new", "open", "pending_customer", "pending_third_party", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "call", "chat", "web_form", "sms", "portal", "staff", "api"]
VipTier = Literal["platinum", "gold", "silver", "none"]
AssignmentName = Literal["manual", "round_robin", "least_open"]
_TIER_OF_RANK = {rank: tier for tier, rank in VIP_RANK.items()}


class CaseOut(Schema):
    id: int
    number: str = Field(description='the readable number without its "#", e.g. "26-001234"')
    subject: str
    customer_id: int | None
    contact_person_id: int | None
    channel: ChannelName = Field(description="where the case came from")
    language: str
    category_id: int | None
    priority: PriorityName
    status: StatusName
    queue_id: int | None
    assignee_id: int | None
    vip_tier: VipTier = Field(description="the customer's VIP tier when the case was opened or moved")
    tags: list[str]
    sla_policy_id: int | None
    first_response_due: dt.datetime | None
    next_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    next_due: dt.datetime | None = Field(description="the earliest target still running (the queue's order)")
    is_breached: bool
    opened_at: dt.datetime
    customer_wrote_at: dt.datetime | None
    first_responded_at: dt.datetime | None
    answered_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    reopened_count: int
    time_spent_minutes: int
    merged_into_id: int | None = Field(description="the case this one was merged into, if it was")


class CaseNoteOut(Schema):
    id: int
    author_id: int | None
    body: str
    created_at: dt.datetime


class CaseLinkOut(Schema):
    case_id: int
    number: str
    kind: Literal["related", "follow_up", "split"]
    direction: Literal["from", "to"] = Field(
        description='"from": this case is the split or follow-up of the other; "to": the other of this one'
    )


class CaseDetail(CaseOut):
    interaction_ids: list[int] = Field(description="the case's conversation, oldest first")
    notes: list[CaseNoteOut] = Field(description="internal notes, never sent to the customer")
    links: list[CaseLinkOut]


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(
        None, description="pass as `cursor` to get the next page; null on the last page"
    )


class CaseIn(Schema):
    subject: Text = Field(max_length=300)
    channel: ChannelName = "api"
    customer_id: int | None = None
    contact_person_id: int | None = None
    category_id: int | None = None
    priority: PriorityName = "normal"
    queue_id: int | None = None
    assignee_id: int | None = None
    tags: list[Text] = Field(default_factory=list, max_length=50)
    language: Literal["", "sv", "nb", "da", "fi", "en"] = ""


class CasePatch(Schema):
    subject: Text | None = Field(default=None, max_length=300)
    status: StatusName | None = None
    priority: PriorityName | None = None
    queue_id: int | None = None
    assignee_id: int | None = None
    category_id: int | None = None
    customer_id: int | None = None
    tags: list[Text] | None = Field(default=None, max_length=50, description="replaces the case's tags")


class CaseReplyIn(Schema):
    text: Text = Field(min_length=1, max_length=20_000)
    internal: bool = Field(
        default=False,
        description="true: an internal note for staff (never sent); false: a reply to the customer",
    )
    channel: Literal["email", "sms"] = "email"
    to: Text = Field(default="", max_length=254, description="leave out: whoever last wrote on the channel")
    status: StatusName | None = Field(default=None, description="a new status with the reply")
    minutes: int | None = Field(default=None, ge=1, le=720, description="time spent, recorded on the case")


class CaseReplyOut(Schema):
    kind: Literal["reply", "note"]
    id: int = Field(description="the outgoing interaction's id (reply) or the note's id")
    case: CaseOut


class CaseMergeIn(Schema):
    into_case_id: int
    tell_customers: bool = Field(default=False, description="send each case's customer a short email")
    across_customers: bool = Field(default=False, description="confirm merging cases of two customers")


class CaseSplitIn(Schema):
    interaction_id: int


class QueueOut(Schema):
    id: int
    name: str
    team_id: int | None
    calendar_id: int | None
    sla_policy_id: int | None
    assignment: AssignmentName
    manager_id: int | None
    is_active: bool
    created_at: dt.datetime


class QueueIn(Schema):
    name: Text = Field(max_length=100)
    team_id: int | None = None
    calendar_id: int | None = None
    sla_policy_id: int | None = None
    assignment: AssignmentName = "manual"
    manager_id: int | None = None
    is_active: bool = True


class QueuePatch(Schema):
    name: Text | None = Field(default=None, max_length=100)
    team_id: int | None = None
    calendar_id: int | None = None
    sla_policy_id: int | None = None
    assignment: AssignmentName | None = None
    manager_id: int | None = None
    is_active: bool | None = None


class CallerCase(Schema):
    id: int
    number: str
    subject: str
    status: StatusName
    priority: PriorityName
    queue_id: int | None
    queue_name: str
    assignee_id: int | None


class CallerAccountManager(Schema):
    id: int
    name: str
    email: str


class CallerMatchOut(Schema):
    customer_id: int
    name: str
    number: str = Field(description="the customer's number that matched, E.164")
    number_display: str
    vip_tier: VipTier
    queue_priority: int = Field(description="queue the call with this priority (higher first)")
    account_manager: CallerAccountManager | None = Field(description="for direct routing")
    open_cases: list[CallerCase] = Field(description="newest first, at most 20")


class CallerOut(Schema):
    number: str = Field(description='the number as read, E.164; "" when it is not a phone number')
    matched: bool
    queue_priority: int = Field(description="the highest of the matches; 0 for an unknown caller")
    matches: list[CallerMatchOut] = Field(
        description="every customer with the number: the most VIP first, then whose main number it is, "
        "then the oldest customer"
    )


def case_out(case: Case, tags: list[str] | None = None) -> dict[str, Any]:
    """A case as the API shows it; ``tags`` when already loaded (else from the prefetch or a query)."""
    return {
        "id": case.pk,
        "number": case.number,
        "subject": case.subject,
        "customer_id": case.customer_id,
        "contact_person_id": case.contact_person_id,
        "channel": case.channel,
        "language": case.language,
        "category_id": case.category_id,
        "priority": case.priority,
        "status": case.status,
        "queue_id": case.queue_id,
        "assignee_id": case.assignee_id,
        "vip_tier": _TIER_OF_RANK.get(case.vip_rank, "none"),
        "tags": tags if tags is not None else sorted(tag.name for tag in case.tags.all()),
        "sla_policy_id": case.sla_policy_id,
        "first_response_due": case.first_response_due,
        "next_response_due": case.next_response_due,
        "resolution_due": case.resolution_due,
        "next_due": case.next_due,
        "is_breached": case.is_breached,
        "opened_at": case.opened_at,
        "customer_wrote_at": case.customer_wrote_at,
        "first_responded_at": case.first_responded_at,
        "answered_at": case.answered_at,
        "solved_at": case.solved_at,
        "closed_at": case.closed_at,
        "reopened_count": case.reopened_count,
        "time_spent_minutes": case.time_spent_minutes,
        "merged_into_id": case.merged_into_id,
    }


#: The columns :func:`case_row_out` reads: what :func:`case_out` shows, without a model instance.
CASE_OUT_COLUMNS = (
    "id",
    "number",
    "subject",
    "customer_id",
    "contact_person_id",
    "channel",
    "language",
    "category_id",
    "priority",
    "status",
    "queue_id",
    "assignee_id",
    "vip_rank",
    "sla_policy_id",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "is_breached",
    "opened_at",
    "customer_wrote_at",
    "first_responded_at",
    "answered_at",
    "solved_at",
    "closed_at",
    "reopened_count",
    "time_spent_minutes",
    "merged_into_id",
)


def case_row_out(row: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """:func:`case_out` of a row of :data:`CASE_OUT_COLUMNS` (the lists' pages: no model instances)."""
    out = {column: row[column] for column in CASE_OUT_COLUMNS}
    out["vip_tier"] = _TIER_OF_RANK.get(out.pop("vip_rank"), "none")
    out["tags"] = tags
    return out


def queue_out(queue: Queue) -> dict[str, Any]:
    return {
        "id": queue.pk,
        "name": queue.name,
        "team_id": queue.team_id,
        "calendar_id": queue.calendar_id,
        "sla_policy_id": queue.sla_policy_id,
        "assignment": queue.assignment,
        "manager_id": queue.manager_id,
        "is_active": queue.is_active,
        "created_at": queue.created_at,
    }
