"""Delivery of queued outgoing messages, run by the worker's tasks: email through Django's mail
connection, SMS through the configured adapter. Nothing here enqueues work, so the tasks can depend
on this module while the services that queue messages depend on the tasks."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Protocol, cast

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmail
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lojal.interactions.failures import Reason, failure_reason, mail_server
from lojal.interactions.models import Channel, EmailMessage, Interaction, OutboundEmail
from lojal.interactions.smtp_handover import RefusedAtEnd, UnconfirmedAtEnd, smtp_hand_over

logger = logging.getLogger(__name__)


def email_send(*, outbound_id: int) -> str:
    """Send one queued email exactly once, whoever runs this and however often.

    1. Claim: queued -> sending with a lease, numbered by ``attempts``, in its own committed transaction;
       the exact bytes to send are stored with it.
    2. Hand the message to the SMTP server up to, not including, the final dot.
    3. Mark it sent (only if this claim is still the newest: a claim whose lease ran out and was taken
       over must not send), committed; then write the dot.
    A worker killed before step 3 commits left nothing at the server, and the recovery
    (emails.recovery.outbox_recover) queues the row again once the lease runs out. A worker killed
    between the commit and the dot, a window of two system calls, loses that one email: the outbox says
    sent, the server never got it. Nothing is ever sent twice."""
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("interaction__email")
            .filter(pk=outbound_id)
            .first()
        )
        if outbound is None or outbound.state != OutboundEmail.State.QUEUED:
            return outbound.state if outbound is not None else "missing"
        message = _message_of(outbound)
        # As Django's SMTP backend renders it; its message class takes the line separator.
        raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        outbound.state = OutboundEmail.State.SENDING
        outbound.attempts += 1
        outbound.lease_expires_at = timezone.now() + dt.timedelta(seconds=settings.LOJAL_OUTBOX_LEASE_SECONDS)
        outbound.save(update_fields=["state", "attempts", "lease_expires_at"])
        EmailMessage.objects.filter(pk=outbound.interaction.email.pk).update(raw=raw)
    claim = OutboundEmail.objects.filter(
        pk=outbound.pk, state=OutboundEmail.State.SENDING, attempts=outbound.attempts
    )

    server = mail_server()

    def mark_sent() -> bool:
        return bool(
            claim.update(
                state=OutboundEmail.State.SENT,
                sent_at=timezone.now(),
                lease_expires_at=None,
                failure_reason="",
                failure_server="",
            )
        )

    try:
        handed_over = _hand_over(message, raw, mark_sent)
    except UnconfirmedAtEnd as error:
        # Already marked sent; the server may well have it, and sending again could deliver it twice.
        OutboundEmail.objects.filter(pk=outbound.pk).update(
            last_error=f"The server did not confirm the message: {error}"[:2000],
            failure_reason=Reason.UNCONFIRMED,
            failure_server=server,
        )
        _secret_drop(outbound.interaction)
        return OutboundEmail.State.SENT
    except RefusedAtEnd as error:
        OutboundEmail.objects.filter(pk=outbound.pk, attempts=outbound.attempts).update(
            state=OutboundEmail.State.FAILED,
            sent_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            failure_reason=Reason.MESSAGE_REFUSED,
            failure_server=server,
        )
        _secret_drop(outbound.interaction)
        return OutboundEmail.State.FAILED
    except Exception as error:  # SMTP refusals, timeouts, DNS before the dot: the row says why
        claim.update(
            state=OutboundEmail.State.FAILED,
            lease_expires_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            failure_reason=failure_reason(error),
            failure_server=server,
        )
        _secret_drop(outbound.interaction)
        return OutboundEmail.State.FAILED
    if not handed_over:
        logger.warning(
            "Outbound email %s was claimed again after its lease ran out; not sent here.", outbound.pk
        )
        return "superseded"
    _secret_drop(outbound.interaction)
    return OutboundEmail.State.SENT


#: Set by lojal.interactions.system_messages: the text a message keeps once sent (its secret replaced).
_AFTER_SEND = "after_send"


def _secret_drop(interaction: Interaction) -> None:
    """A system message carrying a secret (a sign-in link or code) keeps only its ``after_send`` text once
    the attempt to send it ended, and an email drops its raw copy: a sent secret is not left readable."""
    details = interaction.details if isinstance(interaction.details, dict) else {}
    if _AFTER_SEND not in details:
        return
    kept = {key: value for key, value in details.items() if key != _AFTER_SEND}
    with transaction.atomic():
        Interaction.objects.filter(pk=interaction.pk).update(
            body_text=str(details[_AFTER_SEND]), details=kept
        )
        EmailMessage.objects.filter(interaction_id=interaction.pk).update(raw=b"")


def _message_of(outbound: OutboundEmail) -> DjangoEmail:
    interaction = outbound.interaction
    stored = interaction.email
    # An automatic reply's own headers (Auto-Submitted: auto-replied ...) replace the default; the
    # Message-ID and the threading headers are always the stored ones.
    headers = {
        "Auto-Submitted": "no",
        **{str(name): str(value) for name, value in (outbound.headers or {}).items()},
        "Message-ID": stored.message_id,
    }
    if stored.in_reply_to:
        headers["In-Reply-To"] = stored.in_reply_to
    if stored.references:
        headers["References"] = stored.references
    return DjangoEmail(
        subject=interaction.subject,
        body=interaction.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbound.to_address],
        headers=headers,
    )


def _hand_over(message: DjangoEmail, raw: bytes, mark_sent: Callable[[], bool]) -> bool:
    """Through the configured mail backend: SMTP step by step (interactions.smtp_handover); any other backend (the
    console in development, the test suite's memory) after the mark, which keeps "never twice"."""
    backend = get_connection(fail_silently=False)
    if getattr(backend, "stores_in_database", False):
        # The local sink keeps the message in this database: the mark and the copy commit together,
        # so the email is in the test inbox exactly when the outbox says sent.
        message.connection = backend
        with transaction.atomic():
            if not mark_sent():
                return False
            message.send()
        return True
    if not isinstance(backend, SmtpBackend):
        if not mark_sent():
            return False
        message.connection = backend
        try:
            message.send()
        except Exception as error:  # marked sent already: whether it left is not known
            raise UnconfirmedAtEnd(f"{type(error).__name__}: {error}") from error
        return True
    backend.open()
    try:
        assert backend.connection is not None
        encoding = message.encoding or settings.DEFAULT_CHARSET
        return smtp_hand_over(
            connection=backend.connection,
            sender=sanitize_address(message.from_email, encoding),
            recipients=[sanitize_address(address, encoding) for address in message.recipients()],
            raw=raw,
            confirm=mark_sent,
        )
    finally:
        backend.close()


class SmsAdapter(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Hand the message to the provider; return the provider's id for it."""
        ...


class ConsoleAdapter:
    """For development: logs the message instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> str:
        ConsoleAdapter.sent.append((to, text))
        logger.warning("SMS to %s: %s", to, text)
        return f"console-{len(ConsoleAdapter.sent)}"


def adapter() -> SmsAdapter:
    name = settings.LOJAL_SMS_ADAPTER
    if name == "console":
        return ConsoleAdapter()
    return cast(SmsAdapter, import_string(name)())


def sms_deliver(*, interaction_id: int) -> str:
    """Send one queued SMS at most once."""
    with transaction.atomic():
        sms = Interaction.objects.select_for_update().filter(pk=interaction_id, channel=Channel.SMS).first()
        if sms is None or sms.details.get("state") != "queued":
            return sms.details.get("state", "missing") if sms is not None else "missing"
        sms.details = {**sms.details, "state": "sending"}
        sms.save(update_fields=["details"])
    try:
        provider_id = adapter().send(to=sms.recipients[0], text=sms.body_text)
    except Exception as error:
        sms.details = {**sms.details, "state": "failed", "error": f"{type(error).__name__}: {error}"[:500]}
        sms.save(update_fields=["details"])
        _secret_drop(sms)
        return "failed"
    sms.details = {**sms.details, "state": "sent", "sent_at": timezone.now().isoformat()}
    sms.external_id = str(provider_id)[:200]
    sms.save(update_fields=["details", "external_id"])
    _secret_drop(sms)
    return "sent"
