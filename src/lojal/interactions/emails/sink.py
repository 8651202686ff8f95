"""The local mail sink: a Django email backend that keeps every message in the database instead of
handing it to a mail server. The demo (``make run``, ``LOJAL_DEMO=1``) uses it when no ``LOJAL_EMAIL_*``
server is configured; ``LOJAL_EMAIL_BACKEND=sink`` chooses it anywhere. Staff with the staff-management
right read what was sent under "Sent mail (test inbox)".

The database, not a directory under var/: the web server and the worker are separate processes (and
may be on separate hosts), and both already share the database; the outbox marks an email sent in the
same transaction that stores its copy (delivery._hand_over), so the test inbox holds exactly the emails
the outbox calls sent, and no file permissions or clean-up are involved."""

from __future__ import annotations

from collections.abc import Sequence
from email import message_from_bytes, policy
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from lojal.interactions.models import SentMail


class EmailBackend(BaseEmailBackend):
    """Stores each message whole (the bytes a mail server would have received) as a SentMail row."""

    #: delivery._hand_over: the copy is written in the database, so it can commit with the outbox's mark.
    stores_in_database = True

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        now = timezone.now()
        for message in email_messages:
            raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
            parsed: Any = message_from_bytes(raw, policy=policy.default)
            rows.append(
                SentMail(
                    message_id=str(parsed.get("Message-ID", ""))[:500],
                    sender=str(message.from_email)[:254],
                    recipients=list(message.recipients()),
                    subject=str(parsed.get("Subject", ""))[:300],
                    raw=raw,
                    sent_at=now,
                )
            )
        SentMail.objects.bulk_create(rows)
        return len(rows)
