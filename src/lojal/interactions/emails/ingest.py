"""One way in for every email, whichever door it came through (IMAP, ``lojal smtpd``, the webhook):
raw bytes -> parsed -> recognised (auto-reply, bounce, loop) -> threaded -> matched -> stored.

A message is stored exactly as received, even one that cannot be read whole (flagged, never dropped);
the same Message-ID arriving twice (IMAP and SMTP both, a retried webhook) is stored once.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from email.utils import parseaddr
from typing import Any

import nh3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lojal.interactions.emails.parsing import ParsedEmail, email_parse
from lojal.interactions.models import (
    Attachment,
    Channel,
    Conversation,
    Direction,
    EmailBounce,
    EmailMessage,
    Interaction,
)
from lojal.interactions.services import customer_for, interaction_record

_SUBJECT_PREFIX = re.compile(r"^\s*((re|sv|vs|aw|fw|fwd|vb|vs|wg|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_HTML_TAGS = nh3.ALLOWED_TAGS | {"font", "center"}
_HTML_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def html_sanitise(value: str) -> str:
    """Staff read customers' HTML inside Lojal: no scripts, styles, event handlers or frames survive."""
    if not value:
        return ""
    return nh3.clean(value, tags=_HTML_TAGS, attributes=_HTML_ATTRIBUTES, url_schemes=_URL_SCHEMES)


def html_to_text(value: str) -> str:
    """Plain text of an HTML-only message, for search and the timeline snippet."""
    spaced = re.sub(r"(?i)<\s*(br|/p|/div|/tr|/h\d|/li)\b[^>]*>", "\n", value)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def subject_base(subject: str) -> str:
    """The subject without Re:/Sv:/Vs:/Fwd: prefixes, for a new conversation's title."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


def own_domain() -> str:
    """The domain of Lojal's own Message-IDs: that of LOJAL_EMAIL_FROM."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1].lower() if "@" in address else "localhost"


def _occurred_at(parsed: ParsedEmail) -> dt.datetime:
    now = timezone.now()
    date = parsed.date
    if date is None or date > now + dt.timedelta(days=1) or date.year < 1990:
        return now
    return date


def _conversation(parsed: ParsedEmail) -> Conversation | None:
    ids = [parsed.in_reply_to, *reversed(parsed.references)]
    ids = [message_id for message_id in ids if message_id]
    if ids:
        known = (
            EmailMessage.objects.filter(message_id__in=ids, interaction__conversation__isnull=False)
            .values_list("message_id", "interaction__conversation_id")
            .order_by("-interaction__occurred_at")
        )
        by_id = dict(reversed(list(known)))
        for message_id in ids:
            if message_id in by_id:
                return Conversation.objects.get(pk=by_id[message_id])
    token = parsed.reference_token
    if token:
        return Conversation.objects.filter(reference=token).first()
    return None


def _mark_bounces(parsed: ParsedEmail, at: dt.datetime) -> str:
    """Record each failed recipient of a delivery report; returns the first, whose customer it concerns."""
    first = ""
    for report in parsed.delivery_reports:
        if report.action.lower() != "failed" or "@" not in report.recipient:
            continue
        first = first or report.recipient
        bounce, created = EmailBounce.objects.get_or_create(
            address=report.recipient,
            defaults={"status": report.status[:20], "diagnostic": report.diagnostic, "bounced_at": at},
        )
        if not created:
            bounce.status, bounce.diagnostic, bounce.bounced_at = report.status[:20], report.diagnostic, at
            bounce.count += 1
            bounce.save()
    return first


def _is_loop(parsed: ParsedEmail, *, own_message_id_seen: bool) -> bool:
    """Our own mail coming back in: a Message-ID Lojal made, or sent from Lojal's own address."""
    if own_message_id_seen:
        return True
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    return bool(parsed.sender) and parsed.sender == own and not parsed.is_bounce


def _attachments(interaction: Interaction, parsed: ParsedEmail) -> None:
    if not parsed.attachments:
        return
    limit = settings.LOJAL_ATTACHMENT_MAX_BYTES
    Attachment.objects.bulk_create(
        [
            Attachment(
                interaction=interaction,
                filename=item.filename,
                content_type=item.content_type,
                size=len(item.content),
                content=item.content if len(item.content) <= limit else b"",
                is_stored=len(item.content) <= limit,
                content_id=item.content_id[:255],
                is_inline=item.is_inline,
            )
            for item in parsed.attachments
        ]
    )


def email_ingest(*, raw: bytes, source: str) -> Interaction:
    """Store one received message (``source``: "imap", "smtp" or "webhook") and return its interaction."""
    parsed = email_parse(raw)
    own_message_id_seen = False
    if parsed.message_id:
        known = list(
            EmailMessage.objects.filter(message_id=parsed.message_id)
            .order_by("interaction_id")
            .values_list("interaction_id", "interaction__direction")
        )
        inbound = [interaction_id for interaction_id, direction in known if direction == Direction.INBOUND]
        if inbound:
            return Interaction.objects.get(pk=inbound[0])
        own_message_id_seen = bool(known)
    with transaction.atomic():
        return _store(parsed, raw, source, own_message_id_seen=own_message_id_seen)


def _store(parsed: ParsedEmail, raw: bytes, source: str, *, own_message_id_seen: bool) -> Interaction:
    occurred_at = _occurred_at(parsed)
    is_loop = _is_loop(parsed, own_message_id_seen=own_message_id_seen)
    conversation = _conversation(parsed)
    bounced = _mark_bounces(parsed, occurred_at) if parsed.is_bounce else ""
    customer_id = None
    if not is_loop:
        customer_id = customer_for(bounced or parsed.sender) if (bounced or parsed.sender) else None
        if customer_id is None and conversation is not None and not bounced:
            customer_id = conversation.customer_id
    if conversation is None and not is_loop and not parsed.is_bounce:
        conversation = Conversation.objects.create(
            customer_id=customer_id, subject=subject_base(parsed.subject)[:300], last_at=occurred_at
        )
    elif conversation is not None and conversation.customer_id is None and customer_id is not None:
        Conversation.objects.filter(pk=conversation.pk).update(customer_id=customer_id)
    text = parsed.text or (html_to_text(parsed.html) if parsed.html else "")
    fields: dict[str, Any] = {
        "subject": parsed.subject,
        "body_text": text.replace("\x00", ""),
        "body_html": html_sanitise(parsed.html.replace("\x00", "")),
        "sender": parsed.sender[:254],
        "sender_name": parsed.sender_name.replace("\x00", ""),
        "recipients": parsed.to + parsed.cc,
        "is_malformed": parsed.is_malformed,
        "is_auto_reply": parsed.is_auto_reply,
        "is_bounce": parsed.is_bounce,
        "is_loop": is_loop,
        "defects": parsed.defects[:50],
        "conversation": conversation,
    }
    interaction = interaction_record(
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        customer_id=customer_id,
        occurred_at=occurred_at,
        **fields,
    )
    EmailMessage.objects.create(
        interaction=interaction,
        message_id=parsed.message_id[:500],
        in_reply_to=parsed.in_reply_to[:500],
        references=" ".join(parsed.references),
        raw=raw,
        source=source[:20],
        guard_headers=parsed.guard_headers,
    )
    _attachments(interaction, parsed)
    return interaction
