"""API for follow-ups: list with filters, create, read, change, and complete, cancel or reopen by
``PATCH {"status": ...}``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.activities import selectors, services
from lojal.activities.models import Activity
from lojal.core.errors import Conflict, PermissionDenied, ValidationError
from lojal.core.inputs import QueryDate, SaneDate, Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate

router = Router(tags=["activities"])

KindName = Literal["call", "meeting", "todo", "email"]
PriorityName = Literal["low", "normal", "high"]
StatusName = Literal["open", "done", "cancelled"]


class ActivityRef(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    id: int
    kind: KindName
    subject: str
    notes: str
    customer: ActivityRef | None = Field(description="the customer it is for, if any")
    contact_person_id: int | None
    owner: ActivityRef | None = Field(
        description="the member of staff who owns it (or null when a team does)"
    )
    owner_team: ActivityRef | None = Field(description="the team that owns it (or null when a person does)")
    due_date: dt.date
    due_time: dt.time | None = Field(description="local time of day, or null for any time that day")
    duration_minutes: int | None = Field(description="a meeting's length")
    priority: PriorityName
    status: StatusName
    outcome: str = Field(description="what came of it (done) or why it was cancelled")
    origin: Literal["manual", "call_follow_up", "app"]
    origin_reference: str
    is_overdue: bool
    created_at: dt.datetime
    completed_at: dt.datetime | None


class ActivityIn(Schema):
    kind: KindName = "todo"
    subject: Text = Field(max_length=200)
    notes: Text = Field(default="", max_length=20_000)
    customer_id: int | None = None
    contact_person_id: int | None = None
    owner_id: int | None = Field(default=None, description="leave out (and owner_team_id too) for yourself")
    owner_team_id: int | None = None
    due_date: SaneDate
    due_time: dt.time | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=1440, description="meetings only")
    priority: PriorityName = "normal"


class ActivityPatch(Schema):
    kind: KindName | None = None
    subject: Text | None = Field(default=None, max_length=200)
    notes: Text | None = Field(default=None, max_length=20_000)
    customer_id: int | None = None
    contact_person_id: int | None = None
    owner_id: int | None = None
    owner_team_id: int | None = None
    due_date: SaneDate | None = None
    due_time: dt.time | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    priority: PriorityName | None = None
    status: StatusName | None = Field(
        default=None,
        description="done completes it (with outcome), cancelled cancels it, open reopens a cancelled one",
    )
    outcome: Text = Field(default="", max_length=500)


class ActivityListFilters(Schema):
    owner_id: int | None = None
    owner_team_id: int | None = None
    customer_id: int | None = None
    status: StatusName | None = None
    kind: KindName | None = None
    due_before: QueryDate | None = Field(default=None, description="due on or before this day")
    due_after: QueryDate | None = Field(default=None, description="due on or after this day")


def _ref(obj: Any, name: str) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": name} if obj is not None else None


def activity_out(activity: Activity, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "subject": activity.subject,
        "notes": activity.notes,
        "customer": _ref(activity.customer, activity.customer.display_name if activity.customer else ""),
        "contact_person_id": activity.contact_person_id,
        "owner": _ref(activity.owner, activity.owner.display_name if activity.owner else ""),
        "owner_team": _ref(activity.owner_team, activity.owner_team.name if activity.owner_team else ""),
        "due_date": activity.due_date,
        "due_time": activity.due_time,
        "duration_minutes": activity.duration_minutes,
        "priority": activity.priority,
        "status": activity.status,
        "outcome": activity.outcome,
        "origin": activity.origin,
        "origin_reference": activity.origin_reference,
        "is_overdue": activity.status == Activity.Status.OPEN and activity.due_date < today,
        "created_at": activity.created_at,
        "completed_at": activity.completed_at,
    }


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[ActivityOut],
    summary="List follow-ups (filters, soonest due first, cursor pagination)",
)
@keyset_paginate()
def activities_list(request: HttpRequest, filters: Query[ActivityListFilters]) -> Keyset:
    rows = selectors.activity_list(
        filters=selectors.ActivityFilters(
            owner_id=filters.owner_id,
            team_id=filters.owner_team_id,
            customer_id=filters.customer_id,
            status=filters.status or "",
            kind=filters.kind or "",
            due_before=filters.due_before,
            due_after=filters.due_after,
        )
    )
    today = timezone.localdate()
    return Keyset(rows, show=lambda page: [activity_out(activity, today) for activity in page])


@router.post(
    "",
    auth=staff(Action.ACTIVITY_MANAGE),
    response={201: ActivityOut},
    summary="Create a follow-up (for yourself unless owner_id or owner_team_id says otherwise)",
)
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[dict[str, Any]]:
    activity = services.activity_create(actor=staff_user(request), **payload.model_dump())
    return Status(201, activity_out(selectors.activity_get(activity_id=activity.pk)))


@router.get(
    "/{activity_id}", auth=staff(Action.CUSTOMER_VIEW), response=ActivityOut, summary="Read a follow-up"
)
def activity_read(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return activity_out(selectors.activity_get(activity_id=activity_id))


@router.patch(
    "/{activity_id}",
    auth=staff(Action.ACTIVITY_MANAGE),
    response=ActivityOut,
    summary='Change a follow-up; {"status": "done", "outcome": "..."} completes it',
)
@raises(Conflict, PermissionDenied)
def activity_patch(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> dict[str, Any]:
    actor = staff_user(request)
    data = payload.model_dump(exclude_unset=True)
    status = data.pop("status", None)
    outcome = data.pop("outcome", "")
    if outcome and status not in {"done", "cancelled"}:
        raise ValidationError.for_field("outcome", _("Only with status done or cancelled."))
    for required in ("kind", "subject", "due_date", "priority"):
        if required in data and data[required] is None:
            raise ValidationError.for_field(required, _("Must not be null."))
    with transaction.atomic():  # the changes and the new status together, or neither
        if status == "open":
            services.activity_reopen(actor=actor, activity_id=activity_id)
        if data:
            services.activity_update(actor=actor, activity_id=activity_id, data=data)
        if status == "done":
            services.activity_complete(actor=actor, activity_id=activity_id, outcome=outcome)
        elif status == "cancelled":
            services.activity_cancel(actor=actor, activity_id=activity_id, reason=outcome)
    return activity_out(selectors.activity_get(activity_id=activity_id))
