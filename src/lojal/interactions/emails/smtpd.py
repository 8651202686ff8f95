"""The built-in SMTP receiver (aiosmtpd): each message accepted is handed to the one ingest service in a
worker thread, and answered 250 only once it is stored, so a sender never loses a message Lojal lost."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from lojal.interactions.emails.ingest import email_ingest

logger = logging.getLogger(__name__)


def _ingest_in_thread(raw: bytes) -> int:
    close_old_connections()
    try:
        return email_ingest(raw=raw, source="smtp").pk
    finally:
        close_old_connections()


class IngestHandler:
    """aiosmtpd handler: accept any recipient (Lojal does not relay), store each message."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            interaction_id = await asyncio.get_running_loop().run_in_executor(None, _ingest_in_thread, raw)
        except Exception:
            logger.exception("Storing a message from %s failed", envelope.mail_from)
            return "451 Requested action aborted: error in processing"
        return f"250 Message accepted as interaction {interaction_id}"


def smtpd_controller(*, host: str | None = None, port: int | None = None) -> Controller:
    """A controller serving on ``host:port`` (LOJAL_SMTPD_HOST/PORT); ``start()`` runs it in a thread."""
    return Controller(
        IngestHandler(),
        hostname=host or settings.LOJAL_SMTPD_HOST,
        port=settings.LOJAL_SMTPD_PORT if port is None else port,
        data_size_limit=settings.LOJAL_EMAIL_MAX_BYTES,
        decode_data=False,
        ident="Lojal",
    )


def controller_info(controller: Any) -> str:
    return f"{controller.hostname}:{controller.port}"
