"""API for interactions: a customer's interactions, one interaction, logging calls and meetings,
sending email and SMS, the unmatched inbox, and the inbound doors for mail providers, telephony and SMS."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import require, signed_or_staff, staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.bodylimits import body_read
from lojal.core.errors import NotFound, ValidationError
from lojal.core.inputs import ReceivedText, SaneDate, SaneDateTime, Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate
from lojal.interactions import selectors, services, sms, telephony
from lojal.interactions.emails import ingest, outbound
from lojal.interactions.models import Interaction

router = Router(tags=["interactions"])
inbound_router = Router(tags=["inbound"])


class StaffRef(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    is_inline: bool
    is_stored: bool


class InteractionOut(Schema):
    id: int
    customer_id: int | None
    channel: str
    direction: str
    occurred_at: dt.datetime
    subject: str
    body_text: str
    sender: str
    sender_name: str
    recipients: list[str]
    duration_seconds: int | None
    outcome: str
    staff: StaffRef | None
    conversation_id: int | None
    recording_url: str
    flags: list[str]


class InteractionDetail(InteractionOut):
    body_html: str
    message_id: str
    in_reply_to: str
    delivery_state: str
    # Why the last send failed, in the caller's language ("" when nothing went wrong); docs/interactions.md.
    delivery_failure: str = ""
    attachments: list[AttachmentOut]
    defects: list[str]


def _flags(interaction: Interaction) -> list[str]:
    names = ("is_auto_reply", "is_bounce", "is_malformed", "is_loop")
    return [name.removeprefix("is_") for name in names if getattr(interaction, name)]


def _out(interaction: Interaction) -> dict[str, Any]:
    staff = interaction.staff
    return {
        "id": interaction.pk,
        "customer_id": interaction.customer_id,
        "channel": interaction.channel,
        "direction": interaction.direction,
        "occurred_at": interaction.occurred_at,
        "subject": interaction.subject_text,
        "body_text": interaction.body_text,
        "sender": interaction.sender,
        "sender_name": interaction.sender_name,
        "recipients": [str(item) for item in interaction.recipients],
        "duration_seconds": interaction.duration_seconds,
        "outcome": interaction.outcome,
        "staff": {"id": staff.pk, "name": staff.display_name} if staff is not None else None,
        "conversation_id": interaction.conversation_id,
        "recording_url": interaction.recording_url,
        "flags": _flags(interaction),
    }


def _detail(interaction: Interaction) -> dict[str, Any]:
    email = getattr(interaction, "email", None)
    sent = getattr(interaction, "outbound", None)
    return {
        **_out(interaction),
        "body_html": interaction.body_html,
        "message_id": email.message_id if email is not None else "",
        "in_reply_to": email.in_reply_to if email is not None else "",
        "delivery_state": sent.state if sent is not None else str(interaction.details.get("state", "")),
        "delivery_failure": sent.failure_text if sent is not None else "",
        "attachments": [
            {
                "id": item.pk,
                "filename": item.filename,
                "content_type": item.content_type,
                "size": item.size,
                "is_inline": item.is_inline,
                "is_stored": item.is_stored,
            }
            for item in interaction.attachments.all()
        ],
        "defects": [str(item) for item in interaction.defects],
    }


class ListQuery(Schema):
    customer_id: int
    channel: Literal["", "email", "call", "chat", "web_form", "sms", "meeting", "letter", "portal"] = ""
    q: Text = Field(default="", max_length=200)


@router.get(
    "",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[InteractionOut],
    summary="A customer's interactions, newest first",
)
@keyset_paginate()
def interactions_list(request: HttpRequest, filters: Query[ListQuery]) -> Keyset:
    rows = selectors.interactions_of(
        customer_id=filters.customer_id, channel=filters.channel, query=filters.q.strip()
    )
    return Keyset(rows, show=lambda page: [_out(item) for item in page])


@router.get(
    "/unmatched",
    auth=staff(Action.INBOX_TRIAGE),
    response=list[InteractionOut],
    summary="Interactions not yet matched to a customer",
)
@keyset_paginate()
def unmatched_list(request: HttpRequest) -> Keyset:
    return Keyset(selectors.unmatched(), show=lambda page: [_out(item) for item in page])


@router.get(
    "/{int:interaction_id}",
    auth=staff(Action.CUSTOMER_VIEW),
    response=InteractionDetail,
    summary="One interaction with its email parts",
)
def interaction_read(request: HttpRequest, interaction_id: int) -> dict[str, Any]:
    interaction = selectors.interaction_get(interaction_id=interaction_id)
    if not interaction.customer_id:
        # An unmatched message may be anyone's: only those who triage the inbox read it.
        require(request, Action.INBOX_TRIAGE)
    return _detail(interaction)


class LinkIn(Schema):
    customer_id: int
    remember: bool = True


class Linked(Schema):
    linked: int
    customer_id: int


@router.post(
    "/{int:interaction_id}/link",
    auth=staff(Action.INBOX_TRIAGE),
    response=Linked,
    summary="Put an unmatched interaction on a customer",
)
def interaction_link(request: HttpRequest, interaction_id: int, payload: LinkIn) -> dict[str, Any]:
    user = staff_user(request)
    count = services.interaction_link(
        actor=user, interaction_id=interaction_id, customer_id=payload.customer_id, remember=payload.remember
    )
    return {"linked": count, "customer_id": payload.customer_id}


@router.post(
    "/{int:interaction_id}/create-customer",
    auth=staff(Action.INBOX_TRIAGE, Action.CUSTOMER_CREATE),
    response={201: Linked},
    summary="Create a lead from an unmatched sender and link it",
)
def interaction_create_customer(request: HttpRequest, interaction_id: int) -> Status[dict[str, Any]]:
    user = staff_user(request)
    customer = services.interaction_create_customer(actor=user, interaction_id=interaction_id)
    return Status(201, {"linked": 1, "customer_id": customer.pk})


class LogIn(Schema):
    customer_id: int
    channel: Literal["call", "meeting", "letter", "portal"]
    direction: Literal["in", "out"] = "out"
    subject: Text = Field(default="", max_length=300)
    notes: Text = Field(default="", max_length=200_000)
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    outcome: Text = ""
    occurred_at: SaneDateTime | None = None
    follow_up_due: SaneDate | None = Field(
        default=None,
        description="a follow-up needed: one is created for you, due this day (docs/activities.md)",
    )
    follow_up_note: Text = Field(default="", max_length=20_000)


@router.post(
    "",
    auth=staff(Action.INTERACTION_LOG),
    response={201: InteractionOut},
    summary="Log a call, meeting, letter or portal message",
)
@raises(NotFound)
def interaction_log(request: HttpRequest, payload: LogIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    interaction = services.interaction_log(actor=user, **payload.dict())
    return Status(201, _out(interaction))


class EmailSendIn(Schema):
    customer_id: int
    to: Text = Field(max_length=254)
    subject: Text = Field(max_length=300)
    body: Text = Field(max_length=100_000)
    reply_to_id: int | None = None


@router.post(
    "/emails",
    auth=staff(Action.EMAIL_SEND),
    response={202: InteractionOut},
    summary="Send an email (queued, sent after commit)",
)
@raises(NotFound)
def email_send(request: HttpRequest, payload: EmailSendIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    interaction = outbound.email_compose(actor=user, **payload.dict())
    return Status(202, _out(interaction))


class SmsIn(Schema):
    customer_id: int
    to: Text = Field(max_length=40)
    text: Text = Field(max_length=1600)


@router.post(
    "/sms",
    auth=staff(Action.EMAIL_SEND),
    response={202: InteractionOut},
    summary="Send an SMS through the configured adapter",
)
@raises(NotFound)
def sms_send(request: HttpRequest, payload: SmsIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    return Status(202, _out(sms.sms_send(actor=user, **payload.dict())))


class Received(Schema):
    id: int
    customer_id: int | None
    conversation_id: int | None
    flags: list[str]


def _received(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.pk,
        "customer_id": interaction.customer_id,
        "conversation_id": interaction.conversation_id,
        "flags": _flags(interaction),
    }


@inbound_router.post(
    "/email",
    auth=signed_or_staff(Action.INBOUND_POST),
    response={201: Received},
    summary="Receive one raw RFC 5322 message (body = the message bytes, e.g. Content-Type: message/rfc822)",
)
@raises(ValidationError, 413)
def inbound_email(request: HttpRequest) -> Status[dict[str, Any]]:
    # In pieces up to LOJAL_EMAIL_MAX_BYTES (413 past it), not through request.body, which holds the
    # body twice over and stops at DATA_UPLOAD_MAX_MEMORY_SIZE.
    raw = body_read(request)
    if not raw.strip():
        raise ValidationError.for_field("body", _("Send the raw message as the request body."))
    return Status(201, _received(ingest.email_ingest(raw=raw, source="webhook")))


class CallEventIn(Schema):
    call_id: ReceivedText = Field(max_length=200)
    event: Literal["started", "answered", "ended", "missed", "recording"]
    direction: Literal["in", "out"] = "in"
    from_number: ReceivedText = Field(default="", max_length=40)
    to_number: ReceivedText = Field(default="", max_length=40)
    at: SaneDateTime | None = None
    recording_url: ReceivedText = Field(default="", max_length=500)
    ivr_choice: ReceivedText = Field(
        default="", max_length=40, description="the code of the caller's choice in the phone menu"
    )
    matter: ReceivedText = Field(
        default="", max_length=200, description="what the caller said the call is about"
    )


@inbound_router.post(
    "/calls",
    auth=signed_or_staff(Action.INBOUND_POST),
    response=Received,
    summary="A telephony system's call event",
)
def inbound_call(request: HttpRequest, payload: CallEventIn) -> dict[str, Any]:
    return _received(telephony.call_event_apply(**payload.dict()))


class SmsInbound(Schema):
    from_number: ReceivedText = Field(max_length=40)
    to_number: ReceivedText = Field(default="", max_length=40)
    text: ReceivedText = Field(max_length=1600)
    message_id: ReceivedText = Field(default="", max_length=200)
    at: SaneDateTime | None = None


@inbound_router.post(
    "/sms",
    auth=signed_or_staff(Action.INBOUND_POST),
    response={201: Received},
    summary="An SMS a customer sent (provider-neutral)",
)
def inbound_sms(request: HttpRequest, payload: SmsInbound) -> Status[dict[str, Any]]:
    return Status(201, _received(sms.sms_receive(**payload.dict())))
