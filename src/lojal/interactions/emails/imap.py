"""Polling an IMAP mailbox: fetch every message with a UID above the last one stored, ingest it, and
remember the UID, under the mailbox's UIDVALIDITY; when the server resets UIDVALIDITY the mailbox is
read again from the start (the ingest service skips Message-IDs it already has), so nothing is missed."""

from __future__ import annotations

import contextlib
import imaplib
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import MailboxPosition

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
BATCH = 100


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    use_ssl: bool = True

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_settings(cls) -> Mailbox:
        return cls(
            host=settings.LOJAL_IMAP_HOST,
            port=settings.LOJAL_IMAP_PORT,
            user=settings.LOJAL_IMAP_USER,
            password=settings.LOJAL_IMAP_PASSWORD,
            folder=settings.LOJAL_IMAP_FOLDER,
            use_ssl=settings.LOJAL_IMAP_SSL,
        )


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    client: imaplib.IMAP4 = (
        imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=30)
        if mailbox.use_ssl
        else imaplib.IMAP4(mailbox.host, mailbox.port, timeout=30)
    )
    client.login(mailbox.user, mailbox.password)
    return client


def mailbox_poll(*, mailbox: Mailbox) -> int:
    """Ingest what arrived since the last poll; returns how many messages were read."""
    client = _connect(mailbox)
    try:
        status, _data = client.select(f'"{mailbox.folder}"', readonly=True)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox.folder}")
        response = client.response("UIDVALIDITY")[1]
        uid_validity = int(response[0]) if response and response[0] else 0
        position, _created = MailboxPosition.objects.get_or_create(
            mailbox=mailbox.key, defaults={"uid_validity": uid_validity}
        )
        if position.uid_validity != uid_validity:
            position.uid_validity, position.last_uid = uid_validity, 0
        status, found = client.uid("SEARCH", f"UID {position.last_uid + 1}:*")
        uids = sorted(int(uid) for uid in (found[0] or b"").split() if int(uid) > position.last_uid)
        read = 0
        for start in range(0, len(uids), BATCH):
            for uid in uids[start : start + BATCH]:
                status, parts = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
                raw = next((part[1] for part in parts if isinstance(part, tuple) and len(part) > 1), None)
                if status != "OK" or raw is None:
                    continue
                email_ingest(raw=bytes(raw), source="imap")
                position.last_uid = uid
                read += 1
                # Saved after each message: a crash re-reads at most the one in hand (skipped as known).
                MailboxPosition.objects.filter(pk=position.pk).update(
                    uid_validity=position.uid_validity, last_uid=uid
                )
        position.polled_at = timezone.now()
        position.save()
        return read
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
