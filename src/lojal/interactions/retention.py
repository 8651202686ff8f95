"""Retention of contacts: interactions older than LOJAL_RETAIN_INTERACTIONS_MONTHS are deleted with
their emails, attachments, chat transcripts, timeline entries and the mail sink's copies; attachments older than
LOJAL_RETAIN_ATTACHMENTS_MONTHS lose their content first (the interaction keeps the file's name and
size). Every step is a set-based statement per batch (lojal.core.retention)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from lojal.core.retention import BATCH_SIZE, delete_batched, update_batched
from lojal.interactions.models import (
    Attachment,
    AutoReplyRecord,
    ChatMessage,
    ChatSession,
    Conversation,
    EmailBounce,
    EmailMessage,
    Interaction,
    OutboundEmail,
    SentMail,
)
from lojal.timeline import services as timeline_services


def interactions_purge(*, before: dt.datetime, batch_size: int = BATCH_SIZE) -> int:
    """Delete interactions that occurred before ``before`` and everything that holds their content;
    the number of interactions deleted."""
    deleted = 0
    due = Interaction.objects.filter(occurred_at__lt=before).order_by()
    while True:
        with transaction.atomic():
            ids = list(due.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            for child in (EmailMessage, Attachment, OutboundEmail):
                child.objects.filter(interaction_id__in=ids)._raw_delete(child.objects.db)
            AutoReplyRecord.objects.filter(Q(interaction_id__in=ids) | Q(reply_id__in=ids))._raw_delete(
                AutoReplyRecord.objects.db
            )
            ChatSession.objects.filter(interaction_id__in=ids).update(interaction=None)
            deleted += Interaction.objects.filter(pk__in=ids)._raw_delete(Interaction.objects.db)
        if len(ids) < batch_size:
            break
    timeline_services.events_purge(kind_prefix="interaction.", before=before)
    # Chats whose last message is older (their transcript interaction, if any, is gone above).
    delete_batched(ChatMessage.objects.filter(session__last_message_at__lt=before))
    delete_batched(ChatSession.objects.filter(last_message_at__lt=before))
    delete_batched(
        Conversation.objects.filter(last_at__lt=before).exclude(
            Exists(Interaction.objects.filter(conversation_id=OuterRef("pk")))
        )
    )
    delete_batched(EmailBounce.objects.filter(bounced_at__lt=before))
    # The mail sink's copies of sent messages (the demo's test inbox), like the messages themselves.
    delete_batched(SentMail.objects.filter(sent_at__lt=before))
    return deleted


def attachments_purge(*, before: dt.datetime) -> int:
    """Drop the content of attachments of interactions that occurred before ``before``; the number dropped."""
    return update_batched(
        Attachment.objects.filter(interaction__occurred_at__lt=before, is_stored=True),
        content=b"",
        is_stored=False,
    )
