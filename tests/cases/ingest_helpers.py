"""Shared helpers of the ingest and routing tests: messages stored through the real interactions
services, then handed to the case handler as the worker would."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.core import signing
from django.utils import timezone

from lojal.cases.ingest import inbound_to_case
from lojal.cases.models import Case, CaseInteraction
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import Interaction

EMAILS = Path(__file__).resolve().parent.parent / "fixtures" / "email"


def fixture_bytes(name: str) -> bytes:
    return (EMAILS / name).read_bytes()


def email_bytes(
    *,
    subject: str,
    body: str = "Hej, jag har en fråga.",
    sender: str = "Anna Berg <anna.berg@example.se>",
    to: str = "kundservice@lojal.example",
    in_reply_to: str = "",
    message_id: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now() - dt.timedelta(minutes=1))
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.se")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def receive(raw: bytes) -> Interaction:
    """Store the email through interactions and run the case handler for it."""
    interaction = email_ingest(raw=raw, source="webhook")
    inbound_to_case(interaction.pk)
    return interaction


def handled(interaction: Interaction) -> Interaction:
    inbound_to_case(interaction.pk)
    return interaction


def case_of(interaction: Interaction) -> Case | None:
    link = CaseInteraction.objects.filter(interaction_id=interaction.pk).select_related("case").first()
    return link.case if link else None


def form_started() -> str:
    return signing.dumps((timezone.now() - dt.timedelta(seconds=10)).timestamp(), salt="lojal.webform")
