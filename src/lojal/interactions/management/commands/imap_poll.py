"""``lojal imap_poll [--every SECONDS]``: read the mailbox in LOJAL_IMAP_* once, or keep polling."""

from __future__ import annotations

import imaplib
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.interactions.emails.imap import Mailbox, mailbox_poll


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailbox configured with LOJAL_IMAP_* and store it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="keep polling, this many seconds apart (LOJAL_IMAP_POLL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mailbox = Mailbox.from_settings()
        if not mailbox.host or not mailbox.user:
            raise CommandError("Set LOJAL_IMAP_HOST, LOJAL_IMAP_USER and LOJAL_IMAP_PASSWORD first.")
        every = options["every"]
        while True:
            try:
                count = mailbox_poll(mailbox=mailbox)
                self.stdout.write(f"{mailbox.key}: {count} new message(s)")
            except (imaplib.IMAP4.error, OSError) as error:
                if not every:
                    raise CommandError(f"{mailbox.key}: {error}") from error
                self.stderr.write(f"{mailbox.key}: {error}; trying again in {every}s")
            if not every:
                return
            time.sleep(every or settings.LOJAL_IMAP_POLL_SECONDS)
