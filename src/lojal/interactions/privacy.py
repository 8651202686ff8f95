"""The interactions app's part of a data subject's rights: every email (raw message and attachments as
files), call, SMS, chat, web form, meeting and letter with the person in the export, and their erasure:
texts, senders, raw messages and attachments go; that a contact happened, when and on which channel
stays (docs/gdpr.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from lojal.core.audit import audit_entries_erase
from lojal.core.data_subject import DataSubject, ExportFile, ExportSection
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
    SenderIdentity,
)

INTERACTION_COLUMNS = (
    "id",
    "occurred_at",
    "channel",
    "direction",
    "conversation",
    "subject",
    "body_text",
    "body_html",
    "sender",
    "sender_name",
    "recipients",
    "duration_seconds",
    "outcome",
    "staff",
    "external_id",
    "recording_url",
    "details",
    "message_id",
    "raw_message_file",
    "attachments",
)
CHAT_COLUMNS = ("id", "started_at", "state", "visitor_name", "visitor_email", "messages")
_UNSAFE_FILENAME = re.compile(r"[^\w.\-]+")


def _interactions(subject: DataSubject) -> QuerySet[Interaction]:
    """The person's interactions, and unmatched ones sent from one of their addresses or numbers."""
    by_sender = Q()
    for sender in sorted({*subject.emails, *subject.phones}):
        by_sender |= Q(sender__iexact=sender)
    unmatched = Q(customer__isnull=True) & by_sender if by_sender else Q(pk__in=[])
    return Interaction.objects.filter(Q(customer_id__in=subject.customer_ids) | unmatched)


def _attachment_path(interaction_id: int, attachment: Attachment) -> str:
    name = _UNSAFE_FILENAME.sub("_", attachment.filename).strip("._") or "attachment"
    return f"files/interactions/{interaction_id}/{attachment.pk}-{name[:100]}"


def _raw_path(interaction_id: int) -> str:
    return f"files/interactions/{interaction_id}/message.eml"


def _interaction_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    interactions = (
        _interactions(subject)
        .select_related("conversation", "staff", "email")
        .order_by("occurred_at", "id")
        .defer("email__raw")
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for attachment in Attachment.objects.filter(interaction__in=_interactions(subject)).defer("content"):
        attachments.setdefault(attachment.interaction_id, []).append(
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "file": _attachment_path(attachment.interaction_id, attachment)
                if attachment.is_stored
                else None,
            }
        )
    for item in interactions.iterator(chunk_size=500):
        email = getattr(item, "email", None) if item.channel == "email" else None
        yield {
            "id": item.pk,
            "occurred_at": item.occurred_at,
            "channel": item.channel,
            "direction": item.direction,
            "conversation": str(item.conversation) if item.conversation_id else "",
            "subject": item.subject,
            "body_text": item.body_text,
            "body_html": item.body_html,
            "sender": item.sender,
            "sender_name": item.sender_name,
            "recipients": item.recipients,
            "duration_seconds": item.duration_seconds,
            "outcome": item.outcome,
            "staff": str(item.staff) if item.staff_id else "",
            "external_id": item.external_id,
            "recording_url": item.recording_url,
            "details": item.details,
            "message_id": email.message_id if email else "",
            "raw_message_file": _raw_path(item.pk) if email else None,
            "attachments": attachments.get(item.pk, []),
        }


def _interaction_files(subject: DataSubject) -> Iterator[ExportFile]:
    interactions = _interactions(subject)
    for interaction_id, raw in (
        EmailMessage.objects.filter(interaction__in=interactions)
        .order_by("pk")
        .values_list("interaction_id", "raw")
    ).iterator(chunk_size=50):
        yield ExportFile(_raw_path(interaction_id), bytes(raw or b""))
    stored = Attachment.objects.filter(interaction__in=interactions, is_stored=True).order_by("pk")
    for attachment in stored.iterator(chunk_size=20):
        yield ExportFile(
            _attachment_path(attachment.interaction_id, attachment), bytes(attachment.content or b"")
        )


def _chats(subject: DataSubject) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(
        Q(customer_id__in=subject.customer_ids) | Q(visitor_email__in=subject.emails)
    )


def _chat_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    for session in _chats(subject).prefetch_related("messages").order_by("started_at", "id"):
        yield {
            "id": session.pk,
            "started_at": session.started_at,
            "state": session.state,
            "visitor_name": session.visitor_name,
            "visitor_email": session.visitor_email,
            "messages": [
                {"sent_at": message.sent_at, "from_visitor": message.from_visitor, "text": message.text}
                for message in session.messages.all()
            ],
        }


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    return [
        ExportSection(
            name="interactions",
            title="Emails, calls, SMS, chats, web forms, meetings and letters",
            columns=INTERACTION_COLUMNS,
            rows=lambda: _interaction_rows(subject),
            files=lambda: _interaction_files(subject),
            notes="Each email's message as received is in files/interactions/<id>/message.eml, "
            "its attachments beside it.",
        ),
        ExportSection(
            name="chat_sessions",
            title="Website chats",
            columns=CHAT_COLUMNS,
            rows=lambda: _chat_rows(subject),
        ),
    ]


def interactions_erase(subject: DataSubject) -> dict[str, int]:
    """Blank the texts, senders and recipients of the person's interactions, delete their attachments,
    raw messages, sender links, bounce records and chat lines; the interactions stay as dated contacts
    on a channel, so counts of contacts stay."""
    interaction_ids = list(_interactions(subject).values_list("pk", flat=True))
    conversations = Conversation.objects.filter(
        Q(customer_id__in=subject.customer_ids) | Q(interactions__pk__in=interaction_ids)
    )
    counts = {
        "interactions": Interaction.objects.filter(pk__in=interaction_ids).update(
            subject="",
            body_text="",
            body_html="",
            sender="",
            sender_name="",
            recipients=[],
            recording_url="",
            defects=[],
            details={},
        ),
        "attachments": Attachment.objects.filter(interaction_id__in=interaction_ids).delete()[0],
        "conversations": Conversation.objects.filter(pk__in=conversations.values("pk")).update(subject=""),
        "sender_links": SenderIdentity.objects.filter(
            Q(customer_id__in=subject.customer_ids) | Q(address__in=[*subject.emails, *subject.phones])
        ).delete()[0],
        "bounces": EmailBounce.objects.filter(address__in=subject.emails).delete()[0],
        "auto_replies": AutoReplyRecord.objects.filter(
            Q(interaction_id__in=interaction_ids) | Q(address__in=subject.emails)
        ).delete()[0],
    }
    for message in EmailMessage.objects.filter(interaction_id__in=interaction_ids).only(
        "pk", "interaction_id"
    ):
        # The id keeps its place (one message, once) without the sender's domain or name in it.
        message.message_id = f"<erased-{message.interaction_id}@lojal.invalid>"
        message.in_reply_to = message.references = ""
        message.raw = b""
        message.guard_headers = {}  # Return-Path and X-Loop name addresses
        message.save(update_fields=["message_id", "in_reply_to", "references", "raw", "guard_headers"])
    OutboundEmail.objects.filter(interaction_id__in=interaction_ids).update(to_address="", last_error="")
    sessions = list(_chats(subject).values_list("pk", flat=True))
    ChatSession.objects.filter(pk__in=sessions).update(visitor_name="", visitor_email="")
    counts["chat_messages"] = ChatMessage.objects.filter(session_id__in=sessions).update(text="")
    counts["audit_entries"] = audit_entries_erase(
        object_type=Interaction._meta.label_lower, object_ids=interaction_ids
    )
    return counts
