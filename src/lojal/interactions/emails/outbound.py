"""Email out: staff compose on the customer page; the message goes into the outbox in the same
transaction and the worker sends it through SMTP after commit, once (queued -> sending -> sent; a send a
killed worker left half-way goes out again after its lease: lojal.interactions.delivery and .outbox)."""

from __future__ import annotations

import re
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.contact_points import email_normalise
from lojal.core.errors import NotFound, ValidationError
from lojal.customers.models import Customer
from lojal.interactions.emails.ingest import own_domain, subject_base
from lojal.interactions.emails.parsing import REFERENCE_IN_SUBJECT
from lojal.interactions.models import (
    Channel,
    Conversation,
    Direction,
    EmailMessage,
    Interaction,
    MessageTemplate,
    OutboundEmail,
)
from lojal.interactions.services import interaction_record
from lojal.interactions.tasks import email_send_task

BODY_MAX = 100_000
_FIELD = re.compile(r"\{(\w+)\}")


def template_fields(customer: Customer) -> dict[str, str]:
    """The values a template may use: ``{first_name}``, ``{last_name}``, ``{name}``, ``{customer_number}``,
    ``{email}``, ``{city}``."""
    return {
        "first_name": customer.first_name or customer.display_name,
        "last_name": customer.last_name,
        "name": customer.display_name,
        "customer_number": str(customer.customer_number),
        "email": customer.primary_email,
        "city": customer.city,
    }


def template_render(*, key: str, customer: Customer) -> tuple[str, str]:
    """(subject, body) of template ``key`` in the customer's language (else English, else any)."""
    templates = {t.language: t for t in MessageTemplate.objects.filter(key=key)}
    template = (
        templates.get(customer.preferred_language)
        or templates.get("en")
        or next(iter(templates.values()), None)
    )
    if template is None:
        raise NotFound(_("No template called %(key)s.") % {"key": key})
    values = template_fields(customer)

    def fill(text: str) -> str:
        return _FIELD.sub(lambda found: values.get(found.group(1), found.group(0)), text)

    return fill(template.subject), fill(template.body)


def email_compose(
    *,
    actor: Any,
    customer_id: int,
    to: str,
    subject: str,
    body: str,
    reply_to_id: int | None = None,
    conversation_id: int | None = None,
    add_reference: bool = True,
) -> Interaction:
    """Put one email to a customer in the outbox and on the timeline; the worker sends it after commit.
    It joins the conversation of the email it replies to, else ``conversation_id``'s, else a new one.
    The conversation's reference token goes into the subject unless the caller put a token of its own
    there (``add_reference=False``: a case's number)."""
    customer = Customer.objects.live().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    errors: dict[str, list[str]] = {}
    address = ""
    try:
        address = email_normalise(to or "", field="to")
    except ValidationError as error:
        errors.update(error.errors)
    subject = (subject or "").replace("\x00", "").replace("\n", " ").strip()
    body = (body or "").replace("\x00", "").strip()
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > 250:
        errors["subject"] = [_("At most %(max)d characters.") % {"max": 250}]
    if not body:
        errors["body"] = [_("Write the message.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("At most %(max)d characters.") % {"max": BODY_MAX}]
    replied: Interaction | None = None
    if reply_to_id is not None:
        replied = (
            Interaction.objects.filter(pk=reply_to_id, customer_id=customer.pk, channel=Channel.EMAIL)
            .select_related("email", "conversation")
            .first()
        )
        if replied is None:
            errors["reply_to_id"] = [_("That email is not on this customer's timeline.")]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors=errors)
    with transaction.atomic():
        conversation = replied.conversation if replied is not None else None
        if conversation is None and conversation_id is not None:
            conversation = Conversation.objects.filter(pk=conversation_id, customer_id=customer.pk).first()
        if conversation is None:
            conversation = Conversation.objects.create(
                customer=customer, subject=subject_base(subject), last_at=timezone.now()
            )
        if add_reference and not REFERENCE_IN_SUBJECT.search(subject):
            subject = f"{subject} [#{conversation.reference}]"
        in_reply_to, references = "", ""
        replied_email = getattr(replied, "email", None) if replied is not None else None
        if replied_email is not None and replied_email.message_id:
            in_reply_to = replied_email.message_id
            references = f"{replied_email.references} {replied_email.message_id}".strip()
        interaction = interaction_record(
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            customer_id=customer.pk,
            actor=actor,
            subject=subject,
            body_text=body,
            sender=settings.DEFAULT_FROM_EMAIL,
            recipients=[address],
            conversation=conversation,
        )
        EmailMessage.objects.create(
            interaction=interaction,
            message_id=make_msgid(domain=own_domain()),
            in_reply_to=in_reply_to,
            references=references,
            source="lojal",
        )
        outbound = OutboundEmail.objects.create(interaction=interaction, to_address=address)
        audit_record(actor=actor, action="email.queued", obj=interaction, label=f"{address}: {subject}")
        transaction.on_commit(lambda: email_send_task.enqueue(outbound.pk))
    return interaction


def email_retry(*, actor: Any, outbound_id: int) -> None:
    """Staff send a failed email again (never one that is sending or sent)."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=outbound_id, state=OutboundEmail.State.FAILED).update(
            state=OutboundEmail.State.QUEUED, failure_reason="", failure_server=""
        )
        if not updated:
            raise ValidationError.for_field("outbound", _("Only a failed email can be sent again."))
        sent = OutboundEmail.objects.select_related("interaction").get(pk=outbound_id)
        audit_record(actor=actor, action="email.retried", obj=sent.interaction, label=sent.to_address)
        transaction.on_commit(lambda: email_send_task.enqueue(outbound_id))
