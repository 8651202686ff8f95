"""Messages Lojal itself sends to one address, ahead of bulk mail: a sign-in link for My pages by email,
a sign-in code by SMS. They go through the same outbox and delivery as staff email and SMS (sent once,
recovered after a killed worker), with a higher task priority, so a link queued behind a campaign of
thousands goes out next rather than last.

They are not put on the customer's timeline (they are no contact with the customer; the portal audits
the sign-in itself), and a secret they carry does not stay readable: the message is stored with the text
to keep once it is sent (``after_send``, the secret replaced), which delivery puts in place of the body
as soon as the attempt ends, and the raw copy of the email is dropped with it."""

from __future__ import annotations

from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.interactions.emails.ingest import own_domain
from lojal.interactions.models import Channel, Direction, EmailMessage, Interaction, OutboundEmail
from lojal.interactions.tasks import email_send_task, sms_send_task

#: The worker takes higher priorities first (django-tasks-db orders by priority, then run_after); bulk
#: sends and staff mail are queued at 0, the outbox recovery at 10.
SYSTEM_PRIORITY = 50
#: Where the text kept after sending waits in ``Interaction.details`` until delivery swaps it in.
AFTER_SEND = "after_send"


def system_email_queue(
    *,
    customer_id: int | None,
    to: str,
    subject: str,
    body: str,
    after_send: str,
    kind: str,
    priority: int = SYSTEM_PRIORITY,
) -> int:
    """Queue one email from Lojal to ``to`` at ``priority``; ``after_send`` replaces ``body`` in the
    stored copy once the attempt to send it ends. Returns the outbox id; sent by the worker after commit."""
    address = email_normalise(to, field="to")
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            customer_id=customer_id,
            occurred_at=timezone.now(),
            subject=subject[:300],
            body_text=body,
            sender=settings.DEFAULT_FROM_EMAIL,
            recipients=[address],
            details={"system": kind, AFTER_SEND: after_send},
        )
        EmailMessage.objects.create(
            interaction=interaction, message_id=make_msgid(domain=own_domain()), source="lojal"
        )
        outbound = OutboundEmail.objects.create(
            interaction=interaction, to_address=address, headers={"Auto-Submitted": "auto-generated"}
        )
        transaction.on_commit(lambda: email_send_task.using(priority=priority).enqueue(outbound.pk))
    return outbound.pk


def system_sms_queue(
    *,
    customer_id: int | None,
    to: str,
    text: str,
    after_send: str,
    kind: str,
    priority: int = SYSTEM_PRIORITY,
) -> int:
    """Queue one SMS from Lojal to ``to`` at ``priority``; ``after_send`` replaces ``text`` once it has
    been handed to the provider (or failed). Returns the interaction id."""
    number = phone_normalise(to, field="to")
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=Channel.SMS,
            direction=Direction.OUTBOUND,
            customer_id=customer_id,
            occurred_at=timezone.now(),
            body_text=text,
            recipients=[number],
            details={"state": "queued", "system": kind, AFTER_SEND: after_send},
        )
        transaction.on_commit(lambda: sms_send_task.using(priority=priority).enqueue(interaction.pk))
    return interaction.pk
