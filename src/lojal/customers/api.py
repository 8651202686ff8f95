"""API for customers: list, search, create (one or a batch), read with timeline, change, delete,
contacts, notes, duplicates and merge."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.inputs import Text
from lojal.core.jsonout import json_response
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, cursor_of, keyset_paginate
from lojal.customers import creation, duplicates, projections, read_audit, selectors, services
from lojal.customers.models import Customer, DuplicateSuspicion
from lojal.customers.schemas import (
    BatchCreated,
    ContactPersonIn,
    ContactPersonOut,
    CustomerBatch,
    CustomerCreate,
    CustomerDetail,
    CustomerPatch,
    CustomerSummary,
    DuplicateOut,
    EventOut,
    MergeIn,
    NoteIn,
    SearchResults,
)
from lojal.customers.search import customer_search_ids
from lojal.timeline import selectors as timeline_selectors
from lojal.timeline import services as timeline_services
from lojal.timeline.models import Event

router = Router(tags=["customers"])
#: The header an integration may send instead of the `reason` query parameter.
REASON_HEADER = "X-Lojal-Reason"


def staff_ref(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def summary(customer: Customer) -> dict[str, Any]:
    return {
        **projections.summary_columns(customer),
        "tags": [tag.name for tag in customer.tags.all()],
        "account_manager": staff_ref(customer.account_manager),
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at,
        "kind": event.kind,
        "summary": event.display_summary,
        "body": event.body,
        "data": event.data,
        "actor": staff_ref(event.actor),
    }


def detail(
    request: HttpRequest, customer_id: int, timeline_limit: int = 50, reason: str = ""
) -> dict[str, Any]:
    """The customer as the API shows it, national number masked unless the role may see it (and, when a
    reason is required for the full number, gave one)."""
    found = projections.customer_detail(customer_id, timeline_limit=timeline_limit)
    if found is None:
        selectors.customer_get(customer_id=customer_id)  # raises NotFound, naming a merge if there was one
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return _shown(request, found, reason=reason)


def _shown(request: HttpRequest, found: dict[str, Any], reason: str = "") -> dict[str, Any]:
    """A customer projection as this caller may see it, with the cursor to the rest of its timeline."""
    user = request.user if reason or not read_audit.reason_required() else None
    found["national_id"] = selectors.national_id_shown(
        user=user, kind=found["national_id_kind"], formatted=found["national_id"]
    )
    events = found["timeline"]
    has_more = found.pop("timeline_has_more")
    found["timeline_next"] = (
        cursor_of(events[-1], model=Event, ordering=timeline_selectors.NEWEST_FIRST)
        if has_more and events
        else None
    )
    return found


class ListFilters(Schema):
    stage: Text = ""
    vip_tier: Text = ""
    tag: Text = ""
    account_manager_id: int | None = None
    country: Text = Field(default="", max_length=2)
    kind: Text = ""
    q: Text = Field(default="", max_length=200)
    sort: Text = "name"


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[CustomerSummary],
    summary="List customers (filters, sorting, cursor pagination)",
)
@keyset_paginate()
def customers_list(request: HttpRequest, filters: Query[ListFilters]) -> Keyset:
    rows = selectors.customer_rows(
        filters=selectors.CustomerFilters(
            stage=filters.stage,
            vip_tier=filters.vip_tier,
            tag=filters.tag,
            account_manager_id=filters.account_manager_id,
            country=filters.country,
            kind=filters.kind,
            q=filters.q,
            match_national_id=selectors.national_ids_visible_to(request.user),
        ),
        sort=filters.sort,
    )
    return Keyset(rows, show=lambda page: projections.customer_summaries([row["id"] for row in page]))


@router.post(
    "", auth=staff(Action.CUSTOMER_CREATE), response={201: CustomerDetail}, summary="Create a customer"
)
@raises(Conflict)
def customer_create(request: HttpRequest, payload: CustomerCreate) -> HttpResponse:
    actor = staff_user(request)
    created = creation.customer_create_recorded(actor=actor, data=payload.model_dump(exclude_unset=True))
    # The answer is built from what was written; read back only where the database could not say
    # which id the creation event got.
    found = projections.created_customer_detail(created, actor=actor)
    if found is None:
        return json_response(detail(request, created.customer.pk), status=201)
    return json_response(_shown(request, found), status=201)


@router.post(
    "/batch",
    auth=staff(Action.CUSTOMER_CREATE),
    response={201: BatchCreated},
    summary="Create up to 1,000 customers at once (all or none)",
)
def customers_create_batch(request: HttpRequest, payload: CustomerBatch) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    items = [item.model_dump(exclude_unset=True) for item in payload.items]
    created = creation.customers_create_batch(actor=actor, items=items)
    return Status(
        201,
        {
            "created": len(created),
            "items": [{"id": c.pk, "customer_number": c.customer_number} for c in created],
        },
    )


@router.get(
    "/search",
    auth=staff(Action.CUSTOMER_VIEW),
    response=SearchResults,
    summary="Find customers by name, number, email, phone or national id",
)
def customers_search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200),
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    hits = customer_search_ids(
        query=q, limit=limit, match_national_id=selectors.national_ids_visible_to(request.user)
    )
    matched_on = {hit.customer_id: hit.matched_on for hit in hits}
    found = projections.customer_summaries([hit.customer_id for hit in hits])
    return {"items": [{**item, "matched_on": matched_on[item["id"]]} for item in found]}


@router.get(
    "/duplicates",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[DuplicateOut],
    summary="Suspected duplicate pairs, strongest first",
)
@keyset_paginate(default_limit=100, max_limit=500)
def duplicates_list(request: HttpRequest, status: str = "open") -> Keyset:
    if status not in DuplicateSuspicion.Status.values:
        raise ValidationError.for_field(
            "status",
            _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(DuplicateSuspicion.Status.values)},
        )
    return Keyset(selectors.duplicates_with_status(status=status), show=_pairs_out)


def _pairs_out(pairs: list[DuplicateSuspicion]) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "first": summary(p.first),
            "second": summary(p.second),
            "reasons": p.reasons,
            "score": p.score,
            "status": p.status,
        }
        for p in pairs
    ]


@router.post(
    "/duplicates/{suspicion_id}/dismiss",
    auth=staff(Action.CUSTOMER_MERGE),
    response={204: None},
    summary="Mark a pair as not duplicates",
)
def duplicate_dismiss(request: HttpRequest, suspicion_id: int) -> Status[None]:
    actor = staff_user(request)
    duplicates.duplicate_dismiss(actor=actor, suspicion_id=suspicion_id)
    return Status(204, None)


@router.post(
    "/merge",
    auth=staff(Action.CUSTOMER_MERGE),
    response=CustomerDetail,
    summary="Merge other_id into keep_id, keeping every record",
)
@raises(NotFound)
def customers_merge(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    actor = staff_user(request)
    kept = duplicates.customers_merge(
        actor=actor, keep_id=payload.keep_id, other_id=payload.other_id, choices=payload.choices
    )
    return detail(request, kept.pk)


@router.get(
    "/{customer_id}",
    auth=staff(Action.CUSTOMER_VIEW),
    response=CustomerDetail,
    summary="Read a customer with its newest timeline entries",
)
def customer_read(
    request: HttpRequest,
    customer_id: int,
    timeline_limit: int = Query(50, ge=0, le=200),
    reason: str = Query(
        "",
        max_length=read_audit.REASON_MAX_LENGTH,
        description="Why you read the full national number (or the `X-Lojal-Reason` header); with "
        "LOJAL_NATIONAL_ID_REASON_REQUIRED on, the number is masked without one. Kept in the audit log.",
    ),
) -> HttpResponse:
    # The hottest read: the projection already has the schema's shape, so it skips re-validation.
    reason = read_audit.reason_clean(reason or request.headers.get(REASON_HEADER, ""))
    found = detail(request, customer_id, timeline_limit, reason=reason)
    read_audit.customer_read_record(
        actor=request.user,
        customer_id=customer_id,
        label=found["display_name"],
        via="api",
        national_id_shown=read_audit.national_id_needs_reveal(
            kind=found["national_id_kind"], formatted=found["national_id"]
        ),
        reason=reason,
    )
    return json_response(found)


class NationalIdOut(Schema):
    national_id: str
    national_id_country: str
    national_id_kind: str


@router.get(
    "/{customer_id}/national-id",
    auth=staff(Action.NATIONAL_ID_VIEW),
    response=NationalIdOut,
    summary="Reveal a customer's full national identity number (recorded in the audit log)",
)
@raises(ValidationError)
def national_id_reveal(
    request: HttpRequest,
    customer_id: int,
    reason: str = Query(
        "",
        max_length=read_audit.REASON_MAX_LENGTH,
        description="Why you need the number (or the `X-Lojal-Reason` header); required when "
        "LOJAL_NATIONAL_ID_REASON_REQUIRED is on (422 without it).",
    ),
) -> dict[str, Any]:
    revealed = read_audit.national_id_reveal(
        actor=request.user,
        customer_id=customer_id,
        reason=reason or request.headers.get(REASON_HEADER, ""),
        via="api",
    )
    return {
        "national_id": revealed.national_id,
        "national_id_country": revealed.country,
        "national_id_kind": revealed.kind,
    }


@router.patch(
    "/{customer_id}",
    auth=staff(Action.CUSTOMER_CHANGE),
    response=CustomerDetail,
    summary="Change some fields of a customer",
)
@raises(Conflict)
def customer_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> dict[str, Any]:
    actor = staff_user(request)
    services.customer_update(
        actor=actor, customer_id=customer_id, data=payload.model_dump(exclude_unset=True)
    )
    return detail(request, customer_id)


@router.delete(
    "/{customer_id}",
    auth=staff(Action.CUSTOMER_DELETE),
    response={204: None},
    summary="Delete a customer (kept for the audit trail)",
)
def customer_delete(request: HttpRequest, customer_id: int) -> Status[None]:
    actor = staff_user(request)
    services.customer_delete(actor=actor, customer_id=customer_id)
    return Status(204, None)


@router.get(
    "/{customer_id}/contacts",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[ContactPersonOut],
    summary="An organisation's contact persons",
)
def contacts_list(request: HttpRequest, customer_id: int) -> list[Any]:
    return list(selectors.customer_get(customer_id=customer_id).contact_persons.all())


@router.post(
    "/{customer_id}/contacts",
    auth=staff(Action.CUSTOMER_CHANGE),
    response={201: ContactPersonOut},
    summary="Add a contact person",
)
def contact_add(request: HttpRequest, customer_id: int, payload: ContactPersonIn) -> Status[Any]:
    actor = staff_user(request)
    return Status(
        201,
        services.contact_person_add(
            actor=actor, organisation_id=customer_id, data=payload.model_dump(exclude_unset=True)
        ),
    )


@router.delete(
    "/{customer_id}/contacts/{contact_id}",
    auth=staff(Action.CUSTOMER_CHANGE),
    response={204: None},
    summary="Remove a contact person",
)
def contact_remove(request: HttpRequest, customer_id: int, contact_id: int) -> Status[None]:
    actor = staff_user(request)
    services.contact_person_remove(actor=actor, organisation_id=customer_id, contact_id=contact_id)
    return Status(204, None)


@router.get(
    "/{customer_id}/timeline",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[EventOut],
    summary="The customer's timeline, newest first",
)
@keyset_paginate()
def timeline(
    request: HttpRequest,
    customer_id: int,
    kind: list[str] = Query(default=[]),  # noqa: B008
) -> Keyset:
    selectors.customer_get(customer_id=customer_id)
    events = timeline_selectors.events_of(customer_id=customer_id, kinds=kind or None)
    return Keyset(events, show=lambda page: [event_out(e) for e in page])


@router.post(
    "/{customer_id}/notes",
    auth=staff(Action.NOTE_ADD),
    response={201: EventOut},
    summary="Add a note to the customer's timeline",
)
def note_add(request: HttpRequest, customer_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    selectors.customer_get(customer_id=customer_id)
    event = timeline_services.note_add(customer_id=customer_id, text=payload.text, actor=actor)
    return Status(201, event_out(event))


__all__ = ["CustomerSummary", "router"]
