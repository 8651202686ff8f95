"""Personal data in contacts (see lojal.core.privacy), and the retention rules for interactions and
attachments (lojal.interactions.retention)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.core.privacy import (
    Category,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    RetentionRule,
    RuleOutcome,
    Subjects,
    personal_data,
    retention_rule,
)
from lojal.interactions.retention import attachments_purge, interactions_purge


def _contact(model: str, fields: tuple[str, ...], retention: str = "interactions") -> PersonalData:
    return PersonalData(
        model=model,
        fields=fields,
        category=Category.COMMUNICATION,
        subjects=Subjects.SENDERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        retention=retention,
    )


personal_data(
    _contact("interactions.Conversation", ("subject",)),
    _contact(
        "interactions.Interaction",
        (
            "subject",
            "body_text",
            "body_html",
            "sender",
            "sender_name",
            "recipients",
            "recording_url",
            "details",
        ),
    ),
    _contact(
        "interactions.EmailMessage", ("message_id", "in_reply_to", "references", "raw", "guard_headers")
    ),
    # Who got an automatic reply when: the caps per sender count these.
    _contact("interactions.AutoReplyRecord", ("address",)),
    _contact("interactions.Attachment", ("filename", "content"), retention="attachments"),
    _contact("interactions.OutboundEmail", ("to_address", "last_error", "failure_reason")),
    # The local mail sink's copies (the demo's test inbox): whole messages to customers.
    _contact("interactions.SentMail", ("message_id", "sender", "recipients", "subject", "raw")),
    _contact("interactions.EmailBounce", ("address", "diagnostic")),
    _contact("interactions.ChatSession", ("visitor_name", "visitor_email")),
    _contact("interactions.ChatMessage", ("text",)),
    PersonalData(
        model="interactions.SenderIdentity",
        fields=("address",),
        category=Category.CONTACT,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        retention="former_customers",
    ),
    NotPersonal(
        model="interactions.Attachment",
        fields=("content_type", "content_id"),
        reason="the file's type and id",
    ),
    NotPersonal(
        model="interactions.MessageTemplate",
        fields=("name", "subject", "body"),
        reason="a template staff write",
    ),
    NotPersonal(model="interactions.WebForm", fields=("name", "key"), reason="a form's name"),
    NotPersonal(model="interactions.MessageTemplate", fields=("key",), reason="a template's key"),
    NotPersonal(
        model="interactions.ChatSession", fields=("last_message_at",), reason="when the chat was last active"
    ),
    NotPersonal(
        model="interactions.ChatMessage", fields=("from_visitor",), reason="who wrote, visitor or staff"
    ),
    NotPersonal(
        model="interactions.OutboundEmail",
        fields=("headers",),
        reason="the automatic-reply headers Lojal sets (Auto-Submitted, X-Lojal-Auto ...)",
    ),
    NotPersonal(
        model="interactions.MailboxPosition", fields=("mailbox",), reason="the company's own mailbox"
    ),
)


def _interactions_rule(cutoff: dt.datetime) -> RuleOutcome:
    return RuleOutcome(rows=interactions_purge(before=cutoff))


def _attachments_rule(cutoff: dt.datetime) -> RuleOutcome:
    return RuleOutcome(rows=attachments_purge(before=cutoff))


retention_rule(
    RetentionRule(
        key="interactions",
        label=_("Emails, calls, chats and other interactions"),
        setting="RETAIN_INTERACTIONS_MONTHS",
        unit="months",
        action=pgettext_lazy("retention", "deleted"),
        run=_interactions_rule,
    )
)
retention_rule(
    RetentionRule(
        key="attachments",
        label=_("Attachments"),
        setting="RETAIN_ATTACHMENTS_MONTHS",
        unit="months",
        action=_("content deleted"),
        run=_attachments_rule,
    )
)
