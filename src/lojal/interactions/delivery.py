"""Delivery of queued outgoing messages, run by the worker's tasks: email through Django's mail
connection, SMS through the configured adapter. Nothing here enqueues work, so the tasks can depend
on this module while the services that queue messages depend on the tasks."""

from __future__ import annotations

import logging
from typing import Protocol, cast

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmail
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lojal.interactions.models import Channel, EmailMessage, Interaction, OutboundEmail

logger = logging.getLogger(__name__)


def email_send(*, outbound_id: int) -> str:
    """Send one queued email; a second call (a retried task) finds it no longer queued and does nothing."""
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("interaction__email")
            .filter(pk=outbound_id)
            .first()
        )
        if outbound is None or outbound.state != OutboundEmail.State.QUEUED:
            return outbound.state if outbound is not None else "missing"
        outbound.state = OutboundEmail.State.SENDING
        outbound.attempts += 1
        outbound.save(update_fields=["state", "attempts"])
    interaction = outbound.interaction
    stored = interaction.email
    headers = {"Message-ID": stored.message_id, "Auto-Submitted": "no"}
    if stored.in_reply_to:
        headers["In-Reply-To"] = stored.in_reply_to
    if stored.references:
        headers["References"] = stored.references
    message = DjangoEmail(
        subject=interaction.subject,
        body=interaction.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbound.to_address],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    try:
        message.send()
    except Exception as error:  # SMTP refusals, timeouts, DNS: the row says why
        OutboundEmail.objects.filter(pk=outbound.pk).update(
            state=OutboundEmail.State.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return OutboundEmail.State.FAILED
    EmailMessage.objects.filter(pk=stored.pk).update(raw=message.message().as_bytes())
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now()
    )
    return OutboundEmail.State.SENT


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
