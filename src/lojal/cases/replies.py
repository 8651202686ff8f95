"""Public replies on a case: an email or SMS to the customer, in the case's conversation, sent by the
interactions app's outbox. A reply is the case's (first) response; its status may change with it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.cases.models import Case, CaseInteraction
from lojal.cases.services import _locked, _may_work, case_change, case_time_add
from lojal.cases.sla import case_clocks_refresh
from lojal.core.errors import ValidationError
from lojal.customers import selectors as customers_selectors
from lojal.interactions import selectors as interactions_selectors
from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.sms import sms_send

REPLY_CHANNELS = ("email", "sms")


def _subject(case: Case) -> str:
    return _("Re: %(subject)s [#%(number)s]") % {"subject": case.subject, "number": case.number}


@transaction.atomic
def case_reply(
    *,
    actor: Any,
    case_id: int,
    text: str,
    channel: str = "email",
    to: str = "",
    status: str | None = None,
    minutes: int | None = None,
) -> int:
    """Answer the customer of a case by email or SMS; returns the outgoing interaction's id. The reply
    goes to whoever last wrote on that channel (else the customer's own address or number), in the
    case's conversation, with the case number in the subject. It stamps the first and latest
    response, may set a new status (a new case becomes open) and records time spent."""
    _may_work(actor)
    if channel not in REPLY_CHANNELS:
        raise ValidationError.for_field("channel", _("Reply by email or SMS."))
    case = _locked(case_id)
    if case.customer_id is None:
        raise ValidationError.for_field("customer_id", _("Link the case to a customer before replying."))
    if case.status == Case.Status.CLOSED:
        raise ValidationError.for_field("status", _("A closed case cannot be answered; open a new one."))
    linked = list(case.interaction_links.values_list("interaction_id", flat=True))
    last = interactions_selectors.latest_inbound(interaction_ids=linked, channel=channel)
    if channel == "email":
        address = (
            to or (last.sender if last is not None else "") or _customer_address(case.customer_id, "email")
        )
        interaction = email_compose(
            actor=actor,
            customer_id=case.customer_id,
            to=address,
            subject=_subject(case),
            body=text,
            reply_to_id=last.pk if last is not None and last.customer_id == case.customer_id else None,
            conversation_id=case.conversation_id,
            add_reference=False,
        )
    else:
        number = to or (last.sender if last is not None else "") or _customer_address(case.customer_id, "sms")
        interaction = sms_send(actor=actor, customer_id=case.customer_id, to=number, text=text)
    CaseInteraction.objects.create(case=case, interaction_id=interaction.pk)
    now = timezone.now()
    case.answered_at = now
    case.first_responded_at = case.first_responded_at or now
    if case.conversation_id is None and interaction.conversation_id is not None:
        case.conversation_id = interaction.conversation_id
    fields = ["answered_at", "first_responded_at", "conversation", "updated_at"]
    fields += case_clocks_refresh(case, at=now)
    case.save(update_fields=fields)
    new_status = status or (Case.Status.OPEN if case.status == Case.Status.NEW else None)
    if new_status is not None:
        case_change(actor=actor, case_id=case.pk, changes={"status": new_status}, at=now)
    if minutes:
        case_time_add(actor=actor, case_id=case.pk, minutes=minutes)
    return interaction.pk


def _customer_address(customer_id: int, channel: str) -> str:
    profile = customers_selectors.customer_service_profile(customer_id=customer_id)
    if profile is None:
        return ""
    return profile.email if channel == "email" else profile.phone
