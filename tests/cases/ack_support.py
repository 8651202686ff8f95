"""Helpers of the acknowledgement tests: received messages as bytes, and the inbound handlers in the
order settings name them (ingest's, which files the message into a case, then the acknowledgement)."""

from __future__ import annotations

HANDLERS = ["lojal.cases.ingest.inbound_to_case", "lojal.cases.acknowledgement.inbound_acknowledge"]


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
