"""API for call lists: list and create them (from customer ids or the customer list's query string),
read one with its progress, page through its entries, record how a call went."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.activities import call_lists
from lojal.activities.models import CallList, CallListEntry
from lojal.core.errors import Conflict
from lojal.core.inputs import Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate

router = Router(tags=["call lists"])


class CallListProgressOut(Schema):
    total: int
    called: int = Field(..., description="reached + not reached")
    reached: int
    not_reached: int
    skipped: int
    to_call: int


class CallListOut(Schema):
    id: int
    name: str
    script: str
    source: str
    status: str
    owner_id: int | None
    created_at: dt.datetime
    progress: CallListProgressOut


class CallListIn(Schema):
    name: Text = Field(..., max_length=call_lists.NAME_MAX)
    script: Text = Field("", max_length=call_lists.SCRIPT_MAX)
    owner_id: int | None = Field(None, description="a member of staff; the caller when left out")
    customer_ids: list[int] | None = Field(
        None,
        max_length=call_lists.ENTRIES_MAX,
        description="the customers, in calling order; give this or `query`",
    )
    query: Text | None = Field(
        None,
        max_length=2000,
        description="the customer list's query string (`q`, `stage`, `tier`, `tag`, `country`, `kind`, "
        "`manager`, `sort`), as in `stage=at_risk&country=SE`; give this or `customer_ids`",
    )


class CallListEntryOut(Schema):
    id: int
    position: int
    customer_id: int
    customer_name: str
    status: str
    outcome: str
    called_at: dt.datetime | None
    called_by_id: int | None
    interaction_id: int | None


class CallListOutcomeIn(Schema):
    status: Text = Field(..., json_schema_extra={"enum": [str(value) for value in call_lists.OUTCOMES]})
    outcome: Text = Field("", max_length=call_lists.OUTCOME_MAX)


def _progress_out(progress: call_lists.Progress) -> dict[str, Any]:
    return {**progress.__dict__, "called": progress.called}


def _call_list_out(row: CallList, progress: call_lists.Progress) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "script": row.script,
        "source": row.source,
        "status": row.status,
        "owner_id": row.owner_id,
        "created_at": row.created_at,
        "progress": _progress_out(progress),
    }


def _entry_out(entry: CallListEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "position": entry.position,
        "customer_id": entry.customer_id,
        "customer_name": entry.customer.display_name,
        "status": entry.status,
        "outcome": entry.outcome,
        "called_at": entry.called_at,
        "called_by_id": entry.called_by_id,
        "interaction_id": entry.interaction_id,
    }


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[CallListOut],
    summary="Call lists, newest first, each with its progress",
)
@keyset_paginate()
def call_list_list(request: HttpRequest, owner_id: int | None = None, status: str = "") -> Keyset:
    rows = call_lists.call_lists_with_progress(owner_id=owner_id, status=status)
    return Keyset(rows, show=lambda page: [_call_list_out(row, call_lists.progress_of(row)) for row in page])


@router.post(
    "",
    auth=staff(Action.INTERACTION_LOG),
    response={201: CallListOut},
    summary="Create a call list from customer ids or from the customer list's query string",
)
def call_list_create(request: HttpRequest, payload: CallListIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    query = dict(parse_qsl(payload.query.lstrip("?"))) if payload.query is not None else None
    row = call_lists.call_list_create(
        actor=actor,
        name=payload.name,
        script=payload.script,
        owner_id=payload.owner_id,
        customer_ids=payload.customer_ids,
        query=query,
    )
    return Status(201, _call_list_out(row, call_lists.call_list_progress(call_list_id=row.pk)))


@router.get(
    "/{call_list_id}",
    auth=staff(Action.CUSTOMER_VIEW),
    response=CallListOut,
    summary="One call list with its progress (called, reached, not reached, to call)",
)
def call_list_read(request: HttpRequest, call_list_id: int) -> dict[str, Any]:
    row = call_lists.call_list_get(call_list_id=call_list_id)
    return _call_list_out(row, call_lists.call_list_progress(call_list_id=row.pk))


@router.post(
    "/{call_list_id}/close",
    auth=staff(Action.INTERACTION_LOG),
    response=CallListOut,
    summary="Close a call list (its entries and outcomes stay)",
)
@raises(Conflict)
def call_list_close(request: HttpRequest, call_list_id: int) -> dict[str, Any]:
    row = call_lists.call_list_close(actor=staff_user(request), call_list_id=call_list_id)
    return _call_list_out(row, call_lists.call_list_progress(call_list_id=row.pk))


@router.get(
    "/{call_list_id}/entries",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[CallListEntryOut],
    summary="A call list's customers in calling order, with how each call went",
)
@keyset_paginate(max_limit=500)
def call_list_entries(request: HttpRequest, call_list_id: int, status: str = "") -> Keyset:
    call_lists.call_list_get(call_list_id=call_list_id)
    rows = call_lists.call_list_entries(call_list_id=call_list_id, status=status)
    return Keyset(rows, show=lambda page: [_entry_out(entry) for entry in page])


@router.post(
    "/{call_list_id}/entries/{entry_id}/outcome",
    auth=staff(Action.INTERACTION_LOG),
    response=CallListEntryOut,
    summary="Record how calling one customer went: reached, not reached or skipped, with a few words",
)
@raises(Conflict)
def call_list_entry_outcome(
    request: HttpRequest, call_list_id: int, entry_id: int, payload: CallListOutcomeIn
) -> dict[str, Any]:
    call_lists.call_list_entry_record(
        actor=staff_user(request),
        call_list_id=call_list_id,
        entry_id=entry_id,
        status=payload.status,
        outcome=payload.outcome,
    )
    return _entry_out(call_lists.call_list_entry_get(call_list_id=call_list_id, entry_id=entry_id))
