"""The portal API's routers for a customer's own cases and details (mounted by lojal.portal.api on
/api/portal/v1 with its own authentication: ``request.auth`` is the signed-in PortalIdentity). The same
selectors and services as the pages, so a case another customer owns is 404 here too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from lojal.core.errors import PermissionDenied
from lojal.portal import selectors, services
from lojal.portal.identity import PortalIdentity

cases_router = Router(tags=["my cases"])
details_router = Router(tags=["my details"])


def _identity(request: HttpRequest) -> PortalIdentity:
    identity = getattr(request, "auth", None)
    if not isinstance(identity, PortalIdentity):
        raise PermissionDenied(_("Sign in to My pages."))
    return identity


class ExpectedOut(Schema):
    kind: str = Field(description='"by", "late", "asap", "you", "answered" or "" (see docs/portal.md)')
    at: dt.datetime | None


class MyCaseOut(Schema):
    id: int
    number: str
    subject: str
    status: str = Field(description="the desk's status code")
    status_label: str = Field(description="the status as the customer reads it, in the request's language")
    priority: str
    category: str | None
    opened_at: dt.datetime
    expected_answer: ExpectedOut
    rating: int | None


def _case_out(case: Any) -> MyCaseOut:
    expected = selectors.expected_answer(case)
    return MyCaseOut(
        id=case.pk,
        number=case.number,
        subject=case.subject,
        status=case.status,
        status_label=selectors.status_label(case),
        priority=case.priority,
        category=case.category.name if case.category_id else None,
        opened_at=case.opened_at,
        expected_answer=ExpectedOut(kind=expected.kind, at=expected.at),
        rating=case.customer_rating,
    )


class MyCasePage(Schema):
    items: list[MyCaseOut]
    page: int
    has_next: bool


@cases_router.get("/cases", response=MyCasePage)
def my_case_list(request: HttpRequest, page: int = 1) -> MyCasePage:
    """The customer's cases (a contact person's own, or all the organisation's when it allows), newest first."""
    found = selectors.my_cases(_identity(request), page=page)
    return MyCasePage(
        items=[_case_out(case) for case in found.rows], page=found.page, has_next=found.has_next
    )


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    direction: str = Field(description='"in": the customer wrote it; "out": an answer to the customer')
    occurred_at: dt.datetime
    text: str
    attachments: list[AttachmentOut]


class MyCaseDetailOut(MyCaseOut):
    messages: list[MessageOut]
    may_reply: bool
    may_close: bool
    may_reopen: bool
    may_rate: bool
    reopen_until: dt.datetime | None


def _detail_out(view: selectors.CaseView) -> MyCaseDetailOut:
    base = _case_out(view.case).model_dump()
    return MyCaseDetailOut(
        **base,
        messages=[
            MessageOut(
                id=message.pk,
                direction=message.direction,
                occurred_at=message.occurred_at,
                text=message.body_text,
                attachments=[
                    AttachmentOut(id=a.pk, filename=a.filename, content_type=a.content_type, size=a.size)
                    for a in message.attachments.all()
                ],
            )
            for message in view.conversation
        ],
        may_reply=view.actions.may_reply,
        may_close=view.actions.may_close,
        may_reopen=view.actions.may_reopen,
        may_rate=view.actions.may_rate,
        reopen_until=view.actions.reopen_until,
    )


@cases_router.get("/cases/{case_id}", response=MyCaseDetailOut)
def my_case_get(request: HttpRequest, case_id: int) -> MyCaseDetailOut:
    """One of the customer's cases with its public conversation (404 for any other case)."""
    return _detail_out(selectors.my_case_view(_identity(request), case_id=case_id))


class MyCaseIn(Schema):
    subject: str = Field(max_length=300)
    description: str = Field(max_length=20_000)
    category_id: int | None = Field(default=None, description="one of the customer-visible categories")
    priority: str = Field(
        default="normal", description="one the customer may choose (urgent: VIP tiers only)"
    )
    language: str = Field(default="", max_length=5)


@cases_router.post("/cases", response={201: MyCaseDetailOut})
def my_case_open(request: HttpRequest, payload: MyCaseIn) -> Status:
    """Open a case (no files through the API: attach them on My pages). A category or priority the
    customer may not choose answers 422 and opens nothing."""
    identity = _identity(request)
    case = services.my_case_open(
        identity,
        subject=payload.subject,
        description=payload.description,
        category_id=payload.category_id,
        priority=payload.priority,
        language=payload.language,
    )
    return Status(201, _detail_out(selectors.my_case_view(identity, case_id=case.pk)))


class ReplyIn(Schema):
    text: str = Field(max_length=20_000)


@cases_router.post("/cases/{case_id}/replies", response={201: MyCaseDetailOut})
def my_case_reply(request: HttpRequest, case_id: int, payload: ReplyIn) -> Status:
    """Write on one's case (reopens it when it waits for the customer or was solved within the window)."""
    identity = _identity(request)
    services.my_case_reply(identity, case_id=case_id, text=payload.text)
    return Status(201, _detail_out(selectors.my_case_view(identity, case_id=case_id)))


@cases_router.post("/cases/{case_id}/close", response=MyCaseDetailOut)
def my_case_close(request: HttpRequest, case_id: int) -> MyCaseDetailOut:
    """The customer needs no more help: the case is solved (and may be reopened within the window)."""
    identity = _identity(request)
    services.my_case_close(identity, case_id=case_id)
    return _detail_out(selectors.my_case_view(identity, case_id=case_id))


@cases_router.post("/cases/{case_id}/reopen", response=MyCaseDetailOut)
def my_case_reopen(request: HttpRequest, case_id: int) -> MyCaseDetailOut:
    identity = _identity(request)
    services.my_case_reopen(identity, case_id=case_id)
    return _detail_out(selectors.my_case_view(identity, case_id=case_id))


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2_000)


@cases_router.post("/cases/{case_id}/rating", response=MyCaseDetailOut)
def my_case_rate(request: HttpRequest, case_id: int, payload: RatingIn) -> MyCaseDetailOut:
    identity = _identity(request)
    services.my_case_rate(identity, case_id=case_id, rating=payload.rating, comment=payload.comment)
    return _detail_out(selectors.my_case_view(identity, case_id=case_id))


class EmailOut(Schema):
    address: str


class PhoneOut(Schema):
    number: str


class AddressOut(Schema):
    street: str
    postal_code: str
    city: str
    country: str


class DetailsOut(Schema):
    kind: str
    first_name: str
    last_name: str
    organisation_name: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    preferred_language: str
    editable: bool


def _details_out(identity: PortalIdentity) -> DetailsOut:
    customer = selectors.my_customer(identity)
    return DetailsOut(
        kind=customer.kind,
        first_name=customer.first_name,
        last_name=customer.last_name,
        organisation_name=customer.organisation_name,
        emails=[EmailOut(address=row.address) for row in customer.emails.all()],
        phones=[PhoneOut(number=row.number) for row in customer.phones.all()],
        addresses=[
            AddressOut(street=a.street, postal_code=a.postal_code, city=a.city, country=a.country)
            for a in customer.addresses.all()
        ],
        preferred_language=customer.preferred_language,
        editable=identity.contact_person_id is None,
    )


@details_router.get("/me/details", response=DetailsOut)
def my_details(request: HttpRequest) -> DetailsOut:
    """The signed-in customer's name, emails, phones, addresses and preferred language."""
    return _details_out(_identity(request))


class DetailsIn(Schema):
    """The fields to change; any other field (a VIP tier, a national id) is refused."""

    model_config = ConfigDict(extra="forbid")
    first_name: str | None = None
    last_name: str | None = None
    organisation_name: str | None = None
    emails: list[dict[str, Any]] | None = Field(
        default=None, description='[{"address": ...}], first is primary'
    )
    phones: list[dict[str, Any]] | None = Field(default=None, description='[{"number": ...}]')
    addresses: list[dict[str, Any]] | None = Field(
        default=None, description='[{"street", "postal_code", "city", "country"}]'
    )
    preferred_language: str | None = None


@details_router.patch("/me/details", response=DetailsOut)
def my_details_change(request: HttpRequest, payload: DetailsIn) -> DetailsOut:
    """Change some of them (lists replace the whole list), checked as on the staff pages: 422 names the
    field and changes nothing."""
    identity = _identity(request)
    services.my_details_update(identity, data=payload.model_dump(exclude_unset=True))
    return _details_out(identity)
