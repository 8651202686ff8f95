"""The website chat: a visitor starts a chat from the widget, staff answer from the chat inbox (both
sides poll for new lines), and when the chat ends its transcript becomes one chat interaction on the
customer's timeline. With no staff online, the visitor's message is kept as a chat interaction at once
and answered later by email."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.contact_points import email_normalise
from lojal.core.errors import NotFound, ValidationError
from lojal.core.phrases import Phrase
from lojal.customers.leads import lead_from_contact
from lojal.interactions.models import (
    SUBJECT_PHRASE,
    Channel,
    ChatAgentPresence,
    ChatMessage,
    ChatSession,
    Direction,
    Interaction,
)
from lojal.interactions.services import customer_exists, customer_for, interaction_record
from lojal.interactions.webforms import TooMany

ONLINE_SECONDS = 90
TEXT_MAX = 4000
STARTS_PER_HOUR = 5


def presence_touch(*, user: Any) -> None:
    """Staff with the chat inbox open count as online for :data:`ONLINE_SECONDS`."""
    ChatAgentPresence.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


def agents_online() -> bool:
    since = timezone.now() - dt.timedelta(seconds=ONLINE_SECONDS)
    return ChatAgentPresence.objects.filter(seen_at__gte=since).exists()


def _text(value: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError.for_field("text", _("Write a message."))
    if len(text) > TEXT_MAX:
        raise ValidationError.for_field("text", _("At most %(max)d characters.") % {"max": TEXT_MAX})
    return text


def _customer_id(session: ChatSession) -> int:
    """The visitor's customer: matched by email, or a new lead."""
    found = customer_for(session.visitor_email)
    if found is not None:
        return found
    return lead_from_contact(actor=None, name=session.visitor_name, email=session.visitor_email).pk


def chat_start(*, name: str, email: str, text: str) -> ChatSession:
    """A visitor's first message; when no one is online it is kept as a message answered by email."""
    errors: dict[str, list[str]] = {}
    try:
        address = email_normalise(email or "", field="email")
    except ValidationError as error:
        errors.update(error.errors)
        address = ""
    name = (name or "").replace("\x00", "").strip()[:200]
    try:
        body = _text(text)
    except ValidationError as error:
        errors.update(error.errors)
        body = ""
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors=errors)
    now = timezone.now()
    recent = ChatSession.objects.filter(visitor_email=address, started_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= STARTS_PER_HOUR:
        raise TooMany(_("Too many messages from you in the last hour. Please try again later."))
    with transaction.atomic():
        session = ChatSession.objects.create(
            token=secrets.token_urlsafe(32),
            visitor_name=name,
            visitor_email=address,
            # Matched at once, so staff see whom they are talking to while they chat.
            customer_id=customer_for(address),
            started_at=now,
            last_message_at=now,
        )
        ChatMessage.objects.create(session=session, from_visitor=True, text=body, sent_at=now)
        if not agents_online():
            _finish(session, state=ChatSession.State.OFFLINE, actor=None)
    return session


def session_for_visitor(*, token: str) -> ChatSession:
    session = ChatSession.objects.filter(token=token).first() if token else None
    if session is None:
        raise NotFound(_("This chat does not exist."))
    return session


def chat_say(*, session: ChatSession, text: str, actor: Any = None) -> ChatMessage:
    """One line from the visitor (``actor`` None) or from staff."""
    if session.state != ChatSession.State.OPEN:
        raise ValidationError.for_field("text", _("This chat has ended."))
    now = timezone.now()
    message = ChatMessage.objects.create(
        session=session, from_visitor=actor is None, staff=actor, text=_text(text), sent_at=now
    )
    ChatSession.objects.filter(pk=session.pk).update(last_message_at=now)
    return message


def messages_after(*, session: ChatSession, after_id: int = 0) -> list[ChatMessage]:
    return list(session.messages.filter(id__gt=after_id).select_related("staff").order_by("id")[:200])


def open_sessions() -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(state=ChatSession.State.OPEN).order_by("-last_message_at")


def session_get(*, session_id: int) -> ChatSession:
    session = ChatSession.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No chat with id %(id)s.") % {"id": session_id})
    return session


def _transcript(session: ChatSession) -> str:
    lines = []
    for message in session.messages.select_related("staff").order_by("id"):
        who = (
            (session.visitor_name or session.visitor_email)
            if message.from_visitor
            else (message.staff.display_name if message.staff else _("Staff"))
        )
        moment = date_format(timezone.localtime(message.sent_at), "TIME_FORMAT")
        lines.append(f"[{moment}] {who}: {message.text}")
    return "\n".join(lines)


def chat_customer_match(*, session: ChatSession) -> ChatSession:
    """Match an open chat's visitor to a customer if that has become possible (the address was added
    to a customer meanwhile); the staff chat view asks on every refresh while the chat is unmatched."""
    if session.customer_id is None and session.state == ChatSession.State.OPEN:
        found = customer_for(session.visitor_email)
        if found is not None:
            ChatSession.objects.filter(pk=session.pk, customer__isnull=True).update(customer_id=found)
            session.refresh_from_db(fields=["customer"])
    return session


@transaction.atomic
def chat_customer_set(*, actor: Any, session_id: int, customer_id: int) -> ChatSession:
    """Staff say which customer the visitor is; the transcript goes on that customer's timeline."""
    session = ChatSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No chat with id %(id)s.") % {"id": session_id})
    if session.interaction_id is not None:
        raise ValidationError.for_field("customer_id", _("This chat is already on a customer's timeline."))
    if not customer_exists(customer_id):
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    before = session.customer_id
    session.customer_id = customer_id
    session.save(update_fields=["customer"])
    audit_record(
        actor=actor,
        action="chat.customer_set",
        obj=session,
        changes={"customer": [before, customer_id]},
        label=session.visitor_name or session.visitor_email,
    )
    return session


def _finish(session: ChatSession, *, state: str, actor: Any) -> Interaction:
    matched = session.customer_id is not None and customer_exists(session.customer_id)
    customer_id = session.customer_id if matched else _customer_id(session)
    first = session.messages.order_by("id").first()
    started = first.sent_at if first is not None else session.started_at
    subject = Phrase(
        "chat.closed" if state == ChatSession.State.CLOSED else "chat.offline",
        {"name": session.visitor_name or session.visitor_email},
    )
    interaction = interaction_record(
        channel=Channel.CHAT,
        direction=Direction.INBOUND,
        customer_id=customer_id,
        occurred_at=started,
        actor=actor,
        subject=subject.english[:300],
        body_text=_transcript(session),
        sender=session.visitor_email,
        sender_name=session.visitor_name,
        duration_seconds=int((session.last_message_at - started).total_seconds()),
        details={
            "chat_session": session.pk,
            "answer_by_email": state == ChatSession.State.OFFLINE,
            SUBJECT_PHRASE: subject.as_data(),
        },
    )
    session.state, session.customer_id, session.interaction = state, customer_id, interaction
    session.save(update_fields=["state", "customer", "interaction"])
    return interaction


@transaction.atomic
def chat_close(*, session_id: int, actor: Any = None) -> Interaction:
    """End the chat (staff or visitor); the transcript goes on the customer's timeline once."""
    session = ChatSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No chat with id %(id)s.") % {"id": session_id})
    if session.interaction_id is not None:
        return session.interaction  # type: ignore[return-value]
    return _finish(session, state=ChatSession.State.CLOSED, actor=actor)
