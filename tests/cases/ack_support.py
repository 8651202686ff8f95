"""Helpers of the acknowledgement tests: received messages as bytes, and a stand-in for the ingest
branch's ``inbound_to_case`` (the first inbound handler) until that is merged: it opens a case for an
inbound interaction, or puts it into the open case of its conversation, through the core services,
which is all the acknowledgement needs of ingest."""

from __future__ import annotations

from django.conf import settings

from lojal.cases import selectors, services
from lojal.cases.models import Queue
from lojal.interactions.models import Interaction

#: The handlers in the order settings name them once ingest is merged (the stand-in first).
HANDLERS = ["tests.cases.ack_support.open_case_for", "lojal.cases.acknowledgement.inbound_acknowledge"]


def open_case_for(interaction_id: int) -> None:
    interaction = Interaction.objects.get(pk=interaction_id)
    if interaction.channel not in {"email", "web_form", "chat", "portal", "sms"}:
        return
    if interaction.conversation_id is not None:
        joined = selectors.open_case_of_conversation(conversation_id=interaction.conversation_id)
        if joined is not None:
            services.case_interaction_attach(case_id=joined.pk, interaction_id=interaction_id)
            return
    # The queue named by ingest's setting (routing itself is ingest's).
    name = getattr(settings, "LOJAL_CASE_DEFAULT_QUEUE", "")
    queue = Queue.objects.filter(name=name).first() if name else None
    services.case_open(
        actor=None,
        subject=interaction.subject or "(no subject)",
        channel=interaction.channel,
        customer_id=interaction.customer_id,
        queue_id=queue.pk if queue else None,
        conversation_id=interaction.conversation_id,
        interaction_ids=[interaction_id],
    )


def message(
    *,
    sender: str = "anna.berg@example.se",
    subject: str = "Fråga om min faktura",
    headers: str = "",
    message_id: str = "",
    body: str = "Hej! Jag undrar över fakturan.",
) -> bytes:
    identifier = message_id or f"<{abs(hash((sender, subject, headers, body)))}@mail.example.se>"
    head = (
        f"Message-ID: {identifier}\r\nDate: Mon, 7 Dec 2026 10:00:00 +0100\r\nFrom: {sender}\r\n"
        f"To: kundservice@lojal.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
    )
    lines = "".join(f"{line.strip()}\r\n" for line in headers.strip().splitlines() if line.strip())
    return (head + lines + "\r\n" + body + "\r\n").encode("utf-8")
