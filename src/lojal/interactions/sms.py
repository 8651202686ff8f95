"""SMS in through a provider-neutral webhook, and out through an adapter chosen by LOJAL_SMS_ADAPTER
("console" prints instead of sending; a dotted path names a class with ``send(to, text) -> id``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.contact_points import phone_candidates, phone_normalise
from lojal.core.errors import NotFound, ValidationError
from lojal.core.inputs import date_fault, received_text
from lojal.customers.selectors import customer_exists
from lojal.interactions.models import Channel, Direction, Interaction
from lojal.interactions.services import customer_for, interaction_record
from lojal.interactions.tasks import sms_send_task

SMS_MAX = 1600  # ten concatenated parts


def _text(value: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError.for_field("text", _("Write the message."))
    if len(text) > SMS_MAX:
        raise ValidationError.for_field("text", _("At most %(max)d characters.") % {"max": SMS_MAX})
    return text


def sms_receive(
    *, from_number: str, text: str, to_number: str = "", message_id: str = "", at: dt.datetime | None = None
) -> Interaction:
    """An SMS a customer sent; matched by number; the same provider id twice is stored once."""
    candidates = phone_candidates(from_number or "")
    if not candidates:
        raise ValidationError.for_field("from_number", _("This is not a phone number."))
    if at is not None and (reason := date_fault(at)):
        raise ValidationError.for_field("at", reason)
    body = received_text(_text(text))
    message_id = received_text(message_id or "").strip()[:200]
    if message_id:
        existing = Interaction.objects.filter(channel=Channel.SMS, external_id=message_id).first()
        if existing is not None:
            return existing
    return interaction_record(
        channel=Channel.SMS,
        direction=Direction.INBOUND,
        customer_id=customer_for(candidates[0]),
        occurred_at=at,
        body_text=body,
        sender=candidates[0],
        recipients=[to_number.strip()[:30]] if to_number else [],
        external_id=message_id,
    )


def sms_send(*, actor: Any, customer_id: int, to: str, text: str) -> Interaction:
    """Staff text a customer: on the timeline now, handed to the adapter by the worker after commit."""
    if not customer_exists(customer_id=customer_id):
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    number = phone_normalise(to or "", field="to")
    body = _text(text)
    with transaction.atomic():
        interaction = interaction_record(
            channel=Channel.SMS,
            direction=Direction.OUTBOUND,
            customer_id=customer_id,
            actor=actor,
            body_text=body,
            recipients=[number],
            details={"state": "queued"},
        )
        audit_record(actor=actor, action="sms.queued", obj=interaction, label=number)
        transaction.on_commit(lambda: sms_send_task.enqueue(interaction.pk))
    return interaction
