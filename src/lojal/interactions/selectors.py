"""Reads of interactions: one with its email parts, a customer's newest first (keyset pages on the
(customer, occurred_at, id) index), the unmatched inbox, and a conversation's thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes, policy
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lojal.core.errors import NotFound
from lojal.interactions.emails.ingest import html_sanitise
from lojal.interactions.emails.parsing import ParsedAttachment, email_parse
from lojal.interactions.models import (
    Attachment,
    ChatSession,
    EmailBounce,
    Interaction,
    OutboundEmail,
    SentMail,
)
from lojal.timeline.selectors import text_contains


@dataclass(frozen=True)
class InteractionPage:
    items: list[Interaction]
    next_before: tuple[dt.datetime, int] | None


def interaction_get(*, interaction_id: int) -> Interaction:
    interaction = (
        Interaction.objects.filter(pk=interaction_id)
        .select_related("email", "staff", "customer", "outbound", "conversation")
        .prefetch_related("attachments")
        .first()
    )
    if interaction is None or (interaction.customer is not None and interaction.customer.deleted_at):
        raise NotFound(_("No interaction with id %(id)s.") % {"id": interaction_id})
    return interaction


def _page(rows: QuerySet[Interaction], limit: int, before: tuple[dt.datetime, int] | None) -> InteractionPage:
    if before is not None:
        occurred_at, interaction_id = before
        rows = rows.filter(Q(occurred_at__lt=occurred_at) | Q(occurred_at=occurred_at, id__lt=interaction_id))
    found = list(rows[: limit + 1])
    next_before = (found[limit - 1].occurred_at, found[limit - 1].id) if len(found) > limit else None
    return InteractionPage(items=found[:limit], next_before=next_before)


def interaction_list(
    *,
    customer_id: int,
    channel: str = "",
    query: str = "",
    limit: int = 50,
    before: tuple[dt.datetime, int] | None = None,
) -> InteractionPage:
    """A customer's interactions newest first, optionally one channel and containing ``query``."""
    return _page(interactions_of(customer_id=customer_id, channel=channel, query=query), limit, before)


def interactions_of(*, customer_id: int, channel: str = "", query: str = "") -> QuerySet[Interaction]:
    """A customer's interactions newest first, optionally one channel and containing ``query``."""
    rows = Interaction.objects.filter(customer_id=customer_id).select_related("staff")
    if channel:
        rows = rows.filter(channel=channel)
    if query:
        rows = rows.filter(text_contains(query, "subject", "body_text"))
    return rows.order_by("-occurred_at", "-id")


def unmatched_list(
    *, limit: int = 50, before: tuple[dt.datetime, int] | None = None, dismissed: bool = False
) -> InteractionPage:
    """Interactions no customer could be found for, newest first: the inbox staff clear by hand; with
    ``dismissed``, the ones staff put out of the way instead."""
    return _page(unmatched(dismissed=dismissed), limit, before)


def unmatched(*, dismissed: bool = False) -> QuerySet[Interaction]:
    """Interactions no customer could be found for, newest first (dismissed ones only when asked)."""
    return Interaction.objects.filter(customer__isnull=True, dismissed_at__isnull=not dismissed).order_by(
        "-occurred_at", "-id"
    )


def unmatched_count() -> int:
    """How many messages wait in the inbox; dismissed auto-replies and spam do not count."""
    return Interaction.objects.filter(customer__isnull=True, dismissed_at__isnull=True).count()


@dataclass(frozen=True)
class InboxCounts:
    waiting: int
    auto_replies: int  # of the waiting ones, detected as auto-replies
    dismissed: int


def inbox_counts() -> InboxCounts:
    """The inbox's counts in one query."""
    counts = Interaction.objects.filter(customer__isnull=True).aggregate(
        waiting=Count("pk", filter=Q(dismissed_at__isnull=True)),
        auto_replies=Count("pk", filter=Q(dismissed_at__isnull=True, is_auto_reply=True)),
        dismissed=Count("pk", filter=Q(dismissed_at__isnull=False)),
    )
    return InboxCounts(**counts)


def conversation_thread(*, conversation_id: int, limit: int = 100) -> list[Interaction]:
    """The messages of one conversation, oldest first (for the email view)."""
    return list(
        Interaction.objects.filter(conversation_id=conversation_id)
        .select_related("staff", "outbound")
        .order_by("occurred_at", "id")[:limit]
    )


def attachment_get(*, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(pk=attachment_id, is_stored=True).first()
    if attachment is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return attachment


def bounced_addresses(*, addresses: list[str]) -> set[str]:
    """Which of ``addresses`` a delivery report said cannot receive mail."""
    return set(EmailBounce.objects.filter(address__in=addresses).values_list("address", flat=True))


@dataclass(frozen=True)
class SentMailView:
    """One message of the test inbox, read back from its bytes for the page."""

    mail: SentMail
    headers: list[tuple[str, str]]
    text: str
    html: str  # sanitised with nh3, as received mail is
    attachments: list[ParsedAttachment]


def sent_mail_list(*, limit: int = 50, before_id: int | None = None) -> tuple[list[SentMail], int | None]:
    """The test inbox newest first, without the message bytes; the id to continue from, or None."""
    rows = SentMail.objects.defer("raw").order_by("-id")
    if before_id is not None:
        rows = rows.filter(id__lt=before_id)
    found = list(rows[: limit + 1])
    return found[:limit], (found[limit - 1].pk if len(found) > limit else None)


def sent_mail_get(*, mail_id: int) -> SentMailView:
    mail = SentMail.objects.filter(pk=mail_id).first()
    if mail is None:
        raise NotFound(_("No sent mail with id %(id)s.") % {"id": mail_id})
    raw = bytes(mail.raw)
    parsed = email_parse(raw)
    headers = [
        (str(name), str(value)) for name, value in message_from_bytes(raw, policy=policy.default).items()
    ]
    return SentMailView(
        mail=mail,
        headers=headers,
        text=parsed.text,
        html=html_sanitise(parsed.html) if parsed.html else "",
        attachments=parsed.attachments,
    )


def sent_mail_of(*, message_id: str) -> int | None:
    """The test inbox's copy of the email with this Message-ID, when the sink took it."""
    if not message_id:
        return None
    return SentMail.objects.filter(message_id=message_id).values_list("pk", flat=True).first()


def delivery_states(*, interaction_ids: list[int]) -> dict[int, str]:
    """The outbox state (queued, sending, sent, failed) of each outgoing email among ``interaction_ids``:
    what the timeline shows beside an email, read from the outbox, the one place that knows."""
    if not interaction_ids:
        return {}
    return dict(
        OutboundEmail.objects.filter(interaction_id__in=interaction_ids).values_list(
            "interaction_id", "state"
        )
    )


def open_chat_count() -> int:
    """How many chats wait for staff (My day)."""
    return ChatSession.objects.filter(state=ChatSession.State.OPEN).count()


def interactions_in(*, interaction_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[Interaction]:
    """These interactions, oldest first, with what a conversation view shows of each (another app's
    thread: a case's conversation). ``interaction_ids`` may be a query of ids (read as a subquery)."""
    return (
        Interaction.objects.filter(pk__in=interaction_ids)
        .select_related("email", "staff", "outbound")
        .prefetch_related("attachments")
        .order_by("occurred_at", "id")
    )


def latest_inbound(*, interaction_ids: list[int], channel: str) -> Interaction | None:
    """The newest inbound interaction of ``channel`` among these: the one a reply answers."""
    return (
        Interaction.objects.filter(pk__in=interaction_ids, channel=channel, direction="in")
        .select_related("email")
        .order_by("-occurred_at", "-id")
        .first()
    )


def message_parts(*, text: str) -> tuple[str, str]:
    """A message's own new text and the quoted history under it, as a conversation folds it (another
    app's thread: a case's conversation shows both as the interaction page does)."""
    from lojal.interactions.emails.quoting import reply_split

    return reply_split(text)


def inbound_since(*, customer_ids: list[int], since: dt.datetime) -> QuerySet[Interaction]:
    """These customers' inbound emails, forms, SMS and chats since ``since``, oldest first."""
    return (
        Interaction.objects.filter(
            customer_id__in=customer_ids,
            direction="in",
            occurred_at__gte=since,
            channel__in=["email", "web_form", "sms", "chat"],
        )
        .select_related("email", "conversation")
        .order_by("occurred_at", "id")
    )


def answer_to(*, interaction_id: int) -> Interaction | None:
    """The first outgoing message of the same conversation after this inbound one."""
    found = (
        Interaction.objects.filter(pk=interaction_id).values_list("conversation_id", "occurred_at").first()
    )
    if found is None or found[0] is None:
        return None
    return (
        Interaction.objects.filter(conversation_id=found[0], direction="out", occurred_at__gte=found[1])
        .order_by("occurred_at", "id")
        .first()
    )


def public_thread(*, interaction_ids: Iterable[int] | QuerySet[Any], customer_id: int) -> list[Interaction]:
    """What a customer may read of a conversation (My pages): these interactions (ids, or a subquery
    of them) that are the customer's own, oldest first, without bounces and mail loops, each with its stored attachments'
    names and sizes (never their content, which is read only when one is downloaded)."""
    return list(
        Interaction.objects.filter(pk__in=interaction_ids, customer_id=customer_id)
        .exclude(Q(is_bounce=True) | Q(is_loop=True))
        .only(
            "id",
            "customer_id",
            "channel",
            "direction",
            "occurred_at",
            "subject",
            "body_text",
            "details",
            "sender_name",
            "staff_id",
        )
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_stored=True, is_inline=False)
                .only("id", "interaction_id", "filename", "content_type", "size")
                .order_by("id"),
            )
        )
        .order_by("occurred_at", "id")
    )


def attachment_of(
    *, attachment_id: int, interaction_ids: Iterable[int] | QuerySet[Any], customer_id: int
) -> Attachment:
    """A stored attachment of one of these interactions (a case's conversation) that is the customer's
    own and shown to them (no bounce or loop, as :func:`public_thread`), or NotFound."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            interaction_id__in=interaction_ids,
            is_stored=True,
            interaction__customer_id=customer_id,
        )
        .exclude(Q(interaction__is_bounce=True) | Q(interaction__is_loop=True))
        .first()
    )
    if attachment is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return attachment
