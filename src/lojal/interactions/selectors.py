"""Reads of interactions: one with its email parts, a customer's newest first (keyset pages on the
(customer, occurred_at, id) index), the unmatched inbox, and a conversation's thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lojal.core.errors import NotFound
from lojal.interactions.models import Attachment, ChatSession, EmailBounce, Interaction
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


def unmatched_list(*, limit: int = 50, before: tuple[dt.datetime, int] | None = None) -> InteractionPage:
    """Interactions no customer could be found for, newest first: the inbox staff clear by hand."""
    return _page(unmatched(), limit, before)


def unmatched() -> QuerySet[Interaction]:
    """Interactions no customer could be found for, newest first."""
    return Interaction.objects.filter(customer__isnull=True).order_by("-occurred_at", "-id")


def unmatched_count() -> int:
    return Interaction.objects.filter(customer__isnull=True).count()


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


def open_chat_count() -> int:
    """How many chats wait for staff (My day)."""
    return ChatSession.objects.filter(state=ChatSession.State.OPEN).count()
