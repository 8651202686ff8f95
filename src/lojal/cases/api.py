"""API for customer service: cases (list, open, read, change, reply or note, merge, split, take the
next), queues, and the telephone system's caller look-up. Agents work cases (``case.work``), managers
set up queues (``service.configure``), every role that sees customers reads. See docs/api.md."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.cases import case_lists, merging, queues, selectors, services, telephony
from lojal.cases.assignment import case_take_next
from lojal.cases.models import CaseLink, CaseNote, Queue
from lojal.cases.replies import case_reply
from lojal.cases.schemas import (
    CallerOut,
    CaseDetail,
    CaseIn,
    CaseMergeIn,
    CaseOut,
    CasePage,
    CasePatch,
    CaseReplyIn,
    CaseReplyOut,
    CaseSplitIn,
    QueueIn,
    QueueOut,
    QueuePatch,
    StatusName,
    case_out,
    queue_out,
)
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.jsonout import json_response
from lojal.core.openapi import raises
from lojal.core.pagination import CURSOR_MAX_LENGTH, DEFAULT_LIMIT, MAX_LIMIT, keyset_page

router = Router()
cases_router = Router(tags=["cases"])
queues_router = Router(tags=["queues"])
telephony_router = Router(tags=["telephony"])


class CaseListFilters(Schema):
    status: list[StatusName] = Field(default_factory=list, description="one or more (repeat the parameter)")
    queue_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool | None = Field(default=None, description="true: nobody's; false: someone's")
    customer_id: int | None = None
    breached: bool | None = None
    sort: Literal["newest", "queue"] = Field(
        default="newest",
        description="newest: newest first; queue: the open cases in the order they are worked (VIP first, "
        "then the next due time)",
    )
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX_LENGTH)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@cases_router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=CasePage,
    summary="List cases (filters; newest first or in queue order; cursor pagination)",
)
def cases_list(request: HttpRequest, filters: Query[CaseListFilters]) -> HttpResponse:
    rows = case_lists.case_rows(
        filters=case_lists.CaseFilters(
            statuses=filters.status,
            queue_id=filters.queue_id,
            assignee_id=filters.assignee_id,
            unassigned=filters.unassigned,
            customer_id=filters.customer_id,
            breached=filters.breached,
        ),
        sort=filters.sort,
    )
    values = case_lists.listed(rows)
    if filters.sort == "queue":
        page, next_cursor = case_lists.queue_page(values, cursor=filters.cursor, limit=filters.limit)
    else:
        page, next_cursor = keyset_page(values, cursor=filters.cursor, limit=filters.limit)
    # The queue view's hot path: the page's rows (with their tags on PostgreSQL) read as values in one
    # query and written straight from the dicts (tests validate them against CasePage).
    return json_response({"items": case_lists.page_out(page), "next_cursor": next_cursor})


@cases_router.post(
    "", auth=staff(Action.CASE_WORK), response={201: CaseOut}, summary="Open a case (channel api by default)"
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    case = services.case_open(actor=staff_user(request), **payload.model_dump())
    return Status(201, case_out(selectors.case_get(case_id=case.pk)))


@cases_router.post(
    "/next",
    auth=staff(Action.CASE_WORK),
    response={200: CaseOut, 204: None},
    summary="Take the next case: the first unassigned one of your queues (or queue_id) in queue order",
)
def case_next(request: HttpRequest, queue_id: int | None = None) -> Any:
    actor = staff_user(request)
    case = case_take_next(actor=actor, queue_ids=[queue_id] if queue_id is not None else None)
    if case is None:
        # Only an empty answer asks whether the queue exists (take next skips inactive queues).
        if queue_id is not None and not Queue.objects.filter(pk=queue_id, is_active=True).exists():
            raise ValidationError.for_field("queue_id", _("No queue with this id."))
        return HttpResponse(status=204)
    return json_response(case_out(case, getattr(case, "tag_names", None)))


@cases_router.get("/{case_id}", auth=staff(Action.CUSTOMER_VIEW), response=CaseDetail, summary="Read a case")
def case_read(request: HttpRequest, case_id: int) -> HttpResponse:
    return json_response(_detail(case_id))


def _detail(case_id: int) -> dict[str, Any]:
    case = selectors.case_get(case_id=case_id)
    links = []
    rows = (
        CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
        .order_by("pk")
        .values_list("from_case_id", "to_case_id", "from_case__number", "to_case__number", "kind")
    )
    for from_id, to_id, from_number, to_number, kind in rows:
        outgoing = from_id == case.pk
        links.append(
            {
                "case_id": to_id if outgoing else from_id,
                "number": to_number if outgoing else from_number,
                "kind": kind,
                "direction": "from" if outgoing else "to",
            }
        )
    notes = CaseNote.objects.filter(case=case).order_by("created_at", "id")
    return {
        **case_out(case),
        "interaction_ids": list(
            case.interaction_links.order_by("added_at", "id").values_list("interaction_id", flat=True)
        ),
        "notes": [
            {"id": note.pk, "author_id": note.author_id, "body": note.body, "created_at": note.created_at}
            for note in notes
        ],
        "links": links,
    }


@cases_router.patch(
    "/{case_id}",
    auth=staff(Action.CASE_WORK),
    response=CaseDetail,
    summary="Change a case: subject, status, priority, queue, assignee, category, customer, tags",
)
def case_patch(request: HttpRequest, case_id: int, payload: CasePatch) -> dict[str, Any]:
    actor = staff_user(request)
    data = payload.model_dump(exclude_unset=True)
    tags = data.pop("tags", None)
    for required in ("subject", "status", "priority"):
        if required in data and data[required] is None:
            raise ValidationError.for_field(required, _("Must not be null."))
    if "tags" in payload.model_fields_set and tags is None:
        raise ValidationError.for_field("tags", _("Must not be null."))
    selectors.case_get(case_id=case_id)  # 404 before anything
    with transaction.atomic():  # the fields and the tags together, or neither
        if data:
            services.case_change(actor=actor, case_id=case_id, changes=data)
        if tags is not None:
            services.case_tags_set(actor=actor, case_id=case_id, tags=tags)
    return _detail(case_id)


@cases_router.post(
    "/{case_id}/replies",
    auth=staff(Action.CASE_WORK),
    response={201: CaseReplyOut},
    summary="Answer the customer (email or SMS) or, with internal: true, add an internal note",
)
def case_reply_create(request: HttpRequest, case_id: int, payload: CaseReplyIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    selectors.case_get(case_id=case_id)
    if payload.internal:
        if payload.to or payload.channel != "email":
            field = "to" if payload.to else "channel"
            raise ValidationError.for_field(field, _("An internal note is not sent to anyone."))
        with transaction.atomic():
            note = services.case_note_add(actor=actor, case_id=case_id, body=payload.text)
            if payload.status:
                services.case_change(actor=actor, case_id=case_id, changes={"status": payload.status})
            if payload.minutes:
                services.case_time_add(actor=actor, case_id=case_id, minutes=payload.minutes)
        kind, made = "note", note.pk
    else:
        kind, made = (
            "reply",
            case_reply(
                actor=actor,
                case_id=case_id,
                text=payload.text,
                channel=payload.channel,
                to=payload.to,
                status=payload.status,
                minutes=payload.minutes,
            ),
        )
    return Status(201, {"kind": kind, "id": made, "case": case_out(selectors.case_get(case_id=case_id))})


@cases_router.post(
    "/{case_id}/merge",
    auth=staff(Action.CASE_WORK),
    response=CaseOut,
    summary="Merge this case into another (everything moves; this one closes as merged)",
)
def case_merge(request: HttpRequest, case_id: int, payload: CaseMergeIn) -> dict[str, Any]:
    target = merging.case_merge(
        actor=staff_user(request),
        case_id=case_id,
        into_case_id=payload.into_case_id,
        tell_customers=payload.tell_customers,
        across_customers=payload.across_customers,
    )
    return case_out(selectors.case_get(case_id=target.pk))


@cases_router.post(
    "/{case_id}/split",
    auth=staff(Action.CASE_WORK),
    response={201: CaseOut},
    summary="Split one interaction off into a new case linked to this one",
)
def case_split(request: HttpRequest, case_id: int, payload: CaseSplitIn) -> Status[dict[str, Any]]:
    split = merging.case_split(
        actor=staff_user(request), case_id=case_id, interaction_id=payload.interaction_id
    )
    return Status(201, case_out(selectors.case_get(case_id=split.pk)))


class QueueListFilters(Schema):
    is_active: bool | None = None


@queues_router.get(
    "", auth=staff(Action.CUSTOMER_VIEW), response=list[QueueOut], summary="List queues by name"
)
def queues_list(request: HttpRequest, filters: Query[QueueListFilters]) -> list[dict[str, Any]]:
    rows = Queue.objects.order_by("name", "id")
    if filters.is_active is not None:
        rows = rows.filter(is_active=filters.is_active)
    return [queue_out(queue) for queue in rows]


@queues_router.post(
    "", auth=staff(Action.SERVICE_CONFIGURE), response={201: QueueOut}, summary="Create a queue"
)
@raises(Conflict)
def queue_create(request: HttpRequest, payload: QueueIn) -> Status[dict[str, Any]]:
    queue = queues.queue_create(actor=staff_user(request), data=payload.model_dump())
    return Status(201, queue_out(queue))


@queues_router.get("/{queue_id}", auth=staff(Action.CUSTOMER_VIEW), response=QueueOut, summary="Read a queue")
def queue_read(request: HttpRequest, queue_id: int) -> dict[str, Any]:
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        raise NotFound(_("No queue with id %(id)s.") % {"id": queue_id})
    return queue_out(queue)


@queues_router.patch(
    "/{queue_id}", auth=staff(Action.SERVICE_CONFIGURE), response=QueueOut, summary="Change a queue"
)
@raises(Conflict, PermissionDenied)
def queue_patch(request: HttpRequest, queue_id: int, payload: QueuePatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for required in ("name", "assignment", "is_active"):
        if required in data and data[required] is None:
            raise ValidationError.for_field(required, _("Must not be null."))
    return queue_out(queues.queue_update(actor=staff_user(request), queue_id=queue_id, data=data))


@telephony_router.get(
    "/caller",
    auth=staff(Action.CUSTOMER_VIEW),
    response=CallerOut,
    summary="Who is calling: customers with the number, VIP tier, queue priority, account manager, open cases",
)
def caller_lookup(
    request: HttpRequest,
    number: str = Query(..., max_length=40, description="the caller's number, any format"),
) -> HttpResponse:
    answer = telephony.caller_lookup(number=number)
    return json_response(
        {
            "number": answer.number,
            "matched": answer.matched,
            "queue_priority": answer.queue_priority,
            "matches": [
                {
                    "customer_id": match.customer_id,
                    "name": match.name,
                    "number": match.number,
                    "number_display": match.number_display,
                    "vip_tier": match.vip_tier,
                    "queue_priority": match.queue_priority,
                    "account_manager": {
                        "id": match.account_manager_id,
                        "name": match.account_manager_name,
                        "email": match.account_manager_email,
                    }
                    if match.account_manager_id is not None
                    else None,
                    "open_cases": [asdict(case) for case in match.open_cases],
                }
                for match in answer.matches
            ],
        }
    )


router.add_router("/cases", cases_router)
router.add_router("/queues", queues_router)
router.add_router("/telephony", telephony_router)
