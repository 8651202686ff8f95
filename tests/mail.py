"""Email helpers shared by the tests: received messages as bytes, and a test smarthost (an SMTP server
on loopback that keeps what Lojal's outbox sends it)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def message(
    *,
    sender: str = "anna.berg@example.se",
    subject: str = "Fråga om min faktura",
    headers: str = "",
    message_id: str = "",
    content_type: str = "text/plain; charset=utf-8",
    body: str = "Hej! Jag undrar över fakturan.",
    to: str = "kundservice@lojal.example",
    date: str = "Mon, 7 Dec 2026 10:00:00 +0100",
) -> bytes:
    """A received message; ``headers`` adds header lines, one a line."""
    identifier = message_id or f"<{abs(hash((sender, subject, headers, body)))}@mail.example.se>"
    head = (
        f"Message-ID: {identifier}\r\nDate: {date}\r\nFrom: {sender}\r\n"
        f"To: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {content_type}\r\n"
    )
    extra = "".join(f"{line.strip()}\r\n" for line in headers.strip().splitlines() if line.strip())
    return (head + extra + "\r\n" + body + "\r\n").encode("utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def parsed(self) -> list[ParsedMessage]:
        return [
            message_from_bytes(envelope.original_content or b"", policy=policy.default)  # type: ignore[misc]
            for envelope in self.messages
        ]


@contextmanager
def smarthost_running(settings: Any, *, from_address: str) -> Iterator[Collector]:
    """Run a test smarthost and point Django's SMTP email backend at it, sending from ``from_address``."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = f"Kundservice <{from_address}>"
    try:
        yield collector
    finally:
        controller.stop()
