"""Writes for interactions: record one on the customer's timeline, log a call or meeting, and clear the
unmatched inbox (link to a customer, or create the customer, and remember the sender)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.activities import services as activities_services
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, ValidationError
from lojal.core.inputs import date_fault
from lojal.customers.leads import lead_from_contact
from lojal.customers.models import Customer
from lojal.interactions.emails.quoting import reply_split
from lojal.interactions.inbound_hooks import inbound_announce
from lojal.interactions.matching import customer_for_sender, sender_key
from lojal.interactions.models import (
    SUBJECT_PHRASE,
    Attachment,
    Channel,
    Conversation,
    Direction,
    Interaction,
    Outcome,
    SenderIdentity,
)
from lojal.timeline import events
from lojal.timeline.services import event_record

TEXT_MAX = 200_000
DURATION_MAX_SECONDS = 24 * 3600


def interaction_event(interaction: Interaction, actor: Any = None) -> events.EventDraft | None:
    """The timeline event of an interaction with a customer (None without one), unsaved: for one
    interaction and for a bulk load alike."""
    if interaction.customer_id is None:
        return None
    text = interaction.body_text
    if interaction.channel == Channel.EMAIL:
        text = reply_split(text)[0]  # the snippet shows what was written, not the quoted history
    return events.interaction_recorded(
        customer_id=interaction.customer_id,
        interaction=events.InteractionFacts(
            interaction_id=interaction.pk,
            channel=interaction.channel,
            channel_label=interaction.get_channel_display(),
            direction=interaction.direction,
            subject=interaction.subject,
            subject_phrase=(interaction.details or {}).get(SUBJECT_PHRASE),
            sender=interaction.sender,
            outcome=interaction.outcome,
            duration_seconds=interaction.duration_seconds,
            flags=[
                name
                for name in ("is_auto_reply", "is_bounce", "is_malformed", "is_loop")
                if getattr(interaction, name)
            ],
            text=text,
        ),
        occurred_at=interaction.occurred_at,
        actor_id=events.actor_id_of(actor) or interaction.staff_id,
    )


def _event_for(interaction: Interaction, actor: Any = None) -> None:
    draft = interaction_event(interaction, actor)
    if draft is not None:
        event_record(draft)


def interaction_record(
    *,
    channel: str,
    direction: str,
    customer_id: int | None,
    occurred_at: dt.datetime | None = None,
    actor: Any = None,
    **fields: Any,
) -> Interaction:
    """Store one interaction and, when it has a customer, put it on that customer's timeline; an inbound
    one is announced to the registered inbound handlers after commit (interactions.inbound_hooks)."""
    if channel not in Channel.values:
        raise ValidationError.for_field("channel", _("Unknown channel."))
    if direction not in Direction.values:
        raise ValidationError.for_field("direction", _("Direction must be 'in' or 'out'."))
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=channel,
            direction=direction,
            customer_id=customer_id,
            occurred_at=occurred_at or timezone.now(),
            staff=actor if getattr(actor, "pk", None) else None,
            **fields,
        )
        if interaction.conversation_id is not None:
            Conversation.objects.filter(pk=interaction.conversation_id).update(
                last_at=interaction.occurred_at
            )
        _event_for(interaction, actor)
        if interaction.direction == Direction.INBOUND:
            inbound_announce(interaction_id=interaction.pk)
    return interaction


def _clean_text(value: str, field: str, *, required: bool = False, max_length: int = TEXT_MAX) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationError.for_field(field, _("At most %(max)d characters.") % {"max": max_length})
    return text


def interaction_log(
    *,
    actor: Any,
    customer_id: int,
    channel: str,
    direction: str = Direction.OUTBOUND,
    subject: str = "",
    notes: str = "",
    duration_minutes: int | None = None,
    outcome: str = "",
    occurred_at: dt.datetime | None = None,
    follow_up_due: dt.date | None = None,
    follow_up_note: str = "",
) -> Interaction:
    """Staff log a call, meeting, letter or portal message by hand (the quick-entry form and the API);
    with ``follow_up_due``, a follow-up for the one who logged it is created with it (both or neither)."""
    if not Customer.objects.live().filter(pk=customer_id).exists():
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    if channel not in {Channel.CALL, Channel.MEETING, Channel.LETTER, Channel.PORTAL, Channel.SMS}:
        raise ValidationError.for_field("channel", _("Choose call, meeting, letter or portal message."))
    if outcome and outcome not in Outcome.values:
        raise ValidationError.for_field("outcome", _("Unknown outcome."))
    subject = _clean_text(subject, "subject", max_length=300)
    notes = _clean_text(notes, "notes")
    if not subject and not notes:
        raise ValidationError.for_field("subject", _("Write a subject or some notes."))
    if duration_minutes is not None and not 0 <= duration_minutes * 60 <= DURATION_MAX_SECONDS:
        raise ValidationError.for_field("duration_minutes", _("Between 0 and 1440 minutes."))
    if occurred_at is not None and (reason := date_fault(occurred_at)):
        raise ValidationError.for_field("occurred_at", reason)
    if occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(days=366):
        raise ValidationError.for_field("occurred_at", _("More than a year ahead; check the date."))
    with transaction.atomic():
        interaction = interaction_record(
            channel=channel,
            direction=direction,
            customer_id=customer_id,
            occurred_at=occurred_at,
            actor=actor,
            subject=subject,
            body_text=notes,
            duration_seconds=duration_minutes * 60 if duration_minutes is not None else None,
            outcome=outcome,
        )
        audit_record(actor=actor, action="interaction.logged", obj=interaction, label=subject or channel)
        if follow_up_due is not None or follow_up_note:
            _follow_up(interaction, actor=actor, due=follow_up_due, note=follow_up_note)
    return interaction


def _follow_up(interaction: Interaction, *, actor: Any, due: dt.date | None, note: str) -> None:
    """The follow-up of a logged call (or meeting, letter...): a call back, due when staff said."""
    about = interaction.subject or (interaction.body_text.strip().splitlines() or [""])[0]
    subject = (note.strip().splitlines() or [""])[0] or _("Follow up: %(subject)s") % {"subject": about}
    is_call = interaction.channel == Channel.CALL
    try:
        activities_services.activity_create(
            actor=actor,
            kind="call" if is_call else "todo",
            subject=subject[:200],
            notes=note,
            customer_id=interaction.customer_id,
            due_date=due,
            origin="call_follow_up" if is_call else "app",
            origin_reference=f"interactions.{interaction.channel}:{interaction.pk}",
        )
    except ValidationError as error:
        # The form and the API name the follow-up's own fields.
        field = {"due_date": "follow_up_due", "notes": "follow_up_note", "subject": "follow_up_note"}
        name = next(iter(error.errors), "follow_up_due")
        reasons = error.errors.get(name, [error.message])
        raise ValidationError.for_field(field.get(name, "follow_up_due"), reasons[0]) from error


def _unmatched(interaction_id: int) -> Interaction:
    interaction = Interaction.objects.select_for_update().filter(pk=interaction_id).first()
    if interaction is None:
        raise NotFound(_("No interaction with id %(id)s.") % {"id": interaction_id})
    return interaction


@transaction.atomic
def interaction_link(*, actor: Any, interaction_id: int, customer_id: int, remember: bool = True) -> int:
    """Give an unmatched interaction its customer; with ``remember``, the sender's other unmatched
    interactions go along and later ones match by themselves. Returns how many were linked."""
    interaction = _unmatched(interaction_id)
    if interaction.customer_id is not None:
        raise ValidationError.for_field("interaction", _("This one is already on a customer's timeline."))
    customer = Customer.objects.live().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    targets = [interaction]
    key = sender_key(interaction.sender) if interaction.sender else ""
    if remember and key:
        SenderIdentity.objects.update_or_create(
            address=key, defaults={"customer": customer, "created_by": actor if actor.pk else None}
        )
        targets += list(
            Interaction.objects.select_for_update()
            .filter(customer__isnull=True, sender=interaction.sender)
            .exclude(pk=interaction.pk)
            .order_by("occurred_at")
        )
    for target in targets:
        target.customer = customer
        target.dismissed_at, target.dismissed_by = None, None
        target.save(update_fields=["customer", "dismissed_at", "dismissed_by"])
        if target.conversation_id is not None:
            Conversation.objects.filter(pk=target.conversation_id, customer__isnull=True).update(
                customer=customer
            )
        _event_for(target, None)
    audit_record(
        actor=actor,
        action="interaction.linked",
        obj=interaction,
        changes={"customer": [None, customer.pk], "sender": [None, key], "linked": [0, len(targets)]},
        label=interaction.subject or interaction.sender,
    )
    return len(targets)


def interaction_create_customer(*, actor: Any, interaction_id: int) -> Customer:
    """One click in the unmatched inbox: a new lead from the sender's name and address (or the customer
    who has that address by now), then linked."""
    with transaction.atomic():
        interaction = _unmatched(interaction_id)
        if interaction.customer_id is not None:
            raise ValidationError.for_field("interaction", _("This one is already on a customer's timeline."))
        sender = interaction.sender
        customer = lead_from_contact(
            actor=actor,
            name=interaction.sender_name,
            email=sender if "@" in sender else "",
            phone="" if "@" in sender else sender,
        )
        interaction_link(actor=actor, interaction_id=interaction.pk, customer_id=customer.pk)
    return customer


def customer_for(value: str) -> int | None:
    """Services elsewhere (email, calls, SMS) match senders through this one door."""
    return customer_for_sender(value)


def customer_exists(customer_id: int) -> bool:
    """Whether a live (not deleted or merged away) customer has this id."""
    return Customer.objects.live().filter(pk=customer_id).exists()


@dataclass(frozen=True)
class IncomingFile:
    """A file a customer sent, already checked by the caller (its type read from its bytes)."""

    filename: str
    content_type: str
    content: bytes


def portal_message_record(
    *,
    customer_id: int,
    text: str,
    subject: str = "",
    conversation_id: int | None = None,
    files: Sequence[IncomingFile] = (),
    sender_name: str = "",
) -> Interaction:
    """A message a customer wrote on My pages (a new case's description or a reply): an inbound portal
    interaction on the customer's timeline, with its files stored as the interaction's attachments."""
    text = _clean_text(text, "text", required=True)
    subject = _clean_text(subject, "subject", max_length=300)
    with transaction.atomic():
        interaction = interaction_record(
            channel=Channel.PORTAL,
            direction=Direction.INBOUND,
            customer_id=customer_id,
            subject=subject,
            body_text=text,
            conversation_id=conversation_id,
            sender_name=sender_name[:200],
        )
        Attachment.objects.bulk_create(
            Attachment(
                interaction=interaction,
                filename=file.filename[:255],
                content_type=file.content_type[:100],
                size=len(file.content),
                content=file.content,
            )
            for file in files
        )
    return interaction
