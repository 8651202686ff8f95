"""SMS in through a provider-neutral webhook, and out through an adapter chosen by LOJAL_SMS_ADAPTER
("console" prints instead of sending; a dotted path names a class with ``send(to, text) -> id``)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Protocol, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.contact_points import phone_candidates, phone_normalise
from lojal.core.errors import NotFound, ValidationError
from lojal.customers.models import Customer
from lojal.interactions.models import Channel, Direction, Interaction
from lojal.interactions.services import customer_for, interaction_record

logger = logging.getLogger(__name__)
SMS_MAX = 1600  # ten concatenated parts


class SmsAdapter(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Hand the message to the provider; return the provider's id for it."""
        ...


class ConsoleAdapter:
    """For development: logs the message instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> str:
        ConsoleAdapter.sent.append((to, text))
        logger.warning("SMS to %s: %s", to, text)
        return f"console-{len(ConsoleAdapter.sent)}"


def adapter() -> SmsAdapter:
    name = settings.LOJAL_SMS_ADAPTER
    if name == "console":
        return ConsoleAdapter()
    return cast(SmsAdapter, import_string(name)())


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
    body = _text(text)
    message_id = (message_id or "").strip()[:200]
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
    if not Customer.objects.live().filter(pk=customer_id).exists():
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
        from lojal.interactions.tasks import sms_send_task

        transaction.on_commit(lambda: sms_send_task.enqueue(interaction.pk))
    return interaction


def sms_deliver(*, interaction_id: int) -> str:
    """Send one queued SMS at most once."""
    with transaction.atomic():
        sms = Interaction.objects.select_for_update().filter(pk=interaction_id, channel=Channel.SMS).first()
        if sms is None or sms.details.get("state") != "queued":
            return sms.details.get("state", "missing") if sms is not None else "missing"
        sms.details = {**sms.details, "state": "sending"}
        sms.save(update_fields=["details"])
    try:
        provider_id = adapter().send(to=sms.recipients[0], text=sms.body_text)
    except Exception as error:
        sms.details = {**sms.details, "state": "failed", "error": f"{type(error).__name__}: {error}"[:500]}
        sms.save(update_fields=["details"])
        return "failed"
    sms.details = {**sms.details, "state": "sent", "sent_at": timezone.now().isoformat()}
    sms.external_id = str(provider_id)[:200]
    sms.save(update_fields=["details", "external_id"])
    return "sent"
