"""Automatic replies without loops: whether Lojal may answer a received message by itself (an
acknowledgement, later others), and the one service that sends such a reply.

Never to auto-replies, bounces, read receipts, mailing lists, no-reply and system senders, Lojal's own
addresses, other help desks or another Lojal's automatic replies (emails.loop_signals); at most
LOJAL_AUTO_REPLY_PER_SENDER per sender address within LOJAL_AUTO_REPLY_SENDER_WINDOW_MINUTES and
LOJAL_AUTO_REPLY_PER_HOUR in all, counted in AutoReplyRecord rows so the caps hold across worker
processes. Apps above interactions (cases) call ``auto_reply_verdict`` and ``email_auto_reply``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.core.errors import NotFound, ValidationError
from lojal.interactions.emails.ingest import own_domain
from lojal.interactions.emails.loop_signals import guard_headers, header_reasons, is_system_sender
from lojal.interactions.emails.outbound import email_compose_automatic
from lojal.interactions.models import AutoReplyRecord, Channel, Direction, EmailMessage, Interaction

# Any fixed number: the key of the PostgreSQL advisory lock that makes check-and-record one step.
_CAP_LOCK_KEY = 7_438_211
_KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,29}$")


class Reason(models.TextChoices):
    """Why an automatic reply may or may not go to a message; the label is the reason in words."""

    ALLOWED = "allowed", gettext_lazy("An automatic reply may be sent.")
    NOT_INBOUND = "not_inbound", gettext_lazy("Only received messages get automatic replies.")
    NO_SENDER = "no_sender", gettext_lazy("The sender is unknown.")
    NO_EMAIL_ADDRESS = "no_email_address", gettext_lazy("The sender left no email address to answer.")
    LOOP = "loop", gettext_lazy("The message is Lojal's own mail coming back.")
    OWN_ADDRESS = "own_address", gettext_lazy("The sender is one of Lojal's own addresses.")
    LOJAL_AUTO = "lojal_auto", gettext_lazy("The message is an automatic reply from a Lojal.")
    DELIVERY_REPORT = "delivery_report", gettext_lazy("The message is a delivery report (a bounce).")
    READ_RECEIPT = "read_receipt", gettext_lazy("The message is a read receipt.")
    HELP_DESK = "help_desk", gettext_lazy("The message comes from another help desk.")
    AUTO_SUBMITTED = "auto_submitted", gettext_lazy("The message says it was sent automatically.")
    AUTO_REPLY_HEADER = "auto_reply_header", gettext_lazy("The message is marked as an automatic reply.")
    SUPPRESS_REQUESTED = "suppress_requested", gettext_lazy("The sender asked for no automatic replies.")
    PRECEDENCE = "precedence", gettext_lazy("The message is bulk or list mail.")
    MAILING_LIST = "mailing_list", gettext_lazy("The message comes from a mailing list.")
    NULL_RETURN_PATH = (
        "null_return_path",
        gettext_lazy("The message has an empty return path, as bounces do."),
    )
    LOOP_HEADER = "loop_header", gettext_lazy("The message has passed through an automatic system.")
    AUTO_REPLY = "auto_reply", gettext_lazy("The message looks like an automatic reply (out of office).")
    SYSTEM_SENDER = "system_sender", gettext_lazy("The sender is an address that reads no mail.")
    SENDER_CAP = "sender_cap", gettext_lazy("This sender has had the most automatic replies allowed for now.")
    GLOBAL_CAP = "global_cap", gettext_lazy("Lojal has sent the most automatic replies allowed this hour.")
    ALREADY_SENT = "already_sent", gettext_lazy("This message has had this automatic reply already.")


@dataclass(frozen=True)
class Verdict:
    """May an automatic reply go to one received message; ``reason`` is a Reason code."""

    allowed: bool
    reason: str

    @property
    def text(self) -> str:
        """The reason in the reader's language (with the caps' numbers)."""
        if self.reason == Reason.SENDER_CAP:
            return _("This sender has had %(count)d automatic replies in the last %(minutes)d minutes.") % {
                "count": settings.LOJAL_AUTO_REPLY_PER_SENDER,
                "minutes": settings.LOJAL_AUTO_REPLY_SENDER_WINDOW_MINUTES,
            }
        if self.reason == Reason.GLOBAL_CAP:
            return _("Lojal has sent %(count)d automatic replies in the last hour, the most allowed.") % {
                "count": settings.LOJAL_AUTO_REPLY_PER_HOUR
            }
        return str(Reason(self.reason).label) if self.reason in Reason.values else self.reason


@dataclass(frozen=True)
class AutoReplyResult:
    """What ``email_auto_reply`` did: the outgoing interaction it queued (or had queued before), and why."""

    reply_id: int | None
    verdict: Verdict

    @property
    def is_sent(self) -> bool:
        return self.verdict.allowed and self.reply_id is not None


ALLOWED = Verdict(allowed=True, reason=Reason.ALLOWED)


def _refused(reason: str) -> Verdict:
    return Verdict(allowed=False, reason=reason)


def _own_address(address: str) -> bool:
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    return address == own or address.rsplit("@", 1)[-1] == own_domain()


def _stored_headers(email_id: int) -> dict[str, str]:
    """For a message stored before its guard headers were kept: read them from the raw message."""
    raw = EmailMessage.objects.filter(pk=email_id).values_list("raw", flat=True).first()
    if not raw:
        return {}
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(bytes(raw))
        return guard_headers(message)
    except Exception:  # unreadable headers: the flags stored at ingest still count
        return {}


def _cap_reason(address: str, now: dt.datetime) -> str:
    window = dt.timedelta(minutes=settings.LOJAL_AUTO_REPLY_SENDER_WINDOW_MINUTES)
    recent = AutoReplyRecord.objects.filter(address=address, sent_at__gt=now - window).count()
    if recent >= settings.LOJAL_AUTO_REPLY_PER_SENDER:
        return Reason.SENDER_CAP
    hour = AutoReplyRecord.objects.filter(sent_at__gt=now - dt.timedelta(hours=1)).count()
    if hour >= settings.LOJAL_AUTO_REPLY_PER_HOUR:
        return Reason.GLOBAL_CAP
    return ""


def _message_reason(row: Mapping[str, Any]) -> str:
    if row["direction"] != Direction.INBOUND:
        return Reason.NOT_INBOUND
    sender = (row["sender"] or "").strip().lower()
    if not sender:
        return Reason.NO_SENDER
    if row["is_loop"]:
        return Reason.LOOP
    if "@" in sender and _own_address(sender):
        return Reason.OWN_ADDRESS
    if row["channel"] == Channel.EMAIL:
        headers = row["email__guard_headers"] or {}
        if not headers and row["email__pk"] is not None:
            headers = _stored_headers(row["email__pk"])
        reasons = header_reasons(headers)
        if reasons:
            return reasons[0]
        if row["is_bounce"]:
            return Reason.DELIVERY_REPORT
        if row["is_auto_reply"]:
            return Reason.AUTO_REPLY
    if "@" in sender and is_system_sender(sender):
        return Reason.SYSTEM_SENDER
    return ""


def auto_reply_verdict(*, interaction_id: int, now: dt.datetime | None = None) -> Verdict:
    """Whether Lojal may answer received interaction ``interaction_id`` automatically now: the message's
    own signs first (one query), then the caps per sender and per hour as they stand."""
    row = (
        Interaction.objects.filter(pk=interaction_id)
        .values(
            "channel",
            "direction",
            "sender",
            "is_auto_reply",
            "is_bounce",
            "is_loop",
            "email__pk",
            "email__guard_headers",
        )
        .first()
    )
    if row is None:
        raise NotFound(_("No interaction with id %(id)s.") % {"id": interaction_id})
    reason = _message_reason(row)
    if not reason:
        reason = _cap_reason((row["sender"] or "").strip().lower(), now or timezone.now())
    return _refused(reason) if reason else ALLOWED


def _cap_lock() -> None:
    """Serialise check-and-record across processes: PostgreSQL's transaction-scoped advisory lock; SQLite
    already writes one transaction at a time (Lojal opens them IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CAP_LOCK_KEY])


def email_auto_reply(
    *,
    interaction_id: int,
    subject: str,
    body_text: str,
    kind: str,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> AutoReplyResult:
    """Answer received interaction ``interaction_id`` automatically by email, if the loop guard and the caps
    allow: queued in the outbox on the message's conversation, threaded to it, marked ``Auto-Submitted:
    auto-replied``, ``X-Auto-Response-Suppress: All``, ``Precedence: auto_reply`` and ``X-Lojal-Auto:
    <kind>``. At most once per message and ``kind`` (a retried task gets the first reply back)."""
    if not _KIND.match(kind or ""):
        raise ValidationError.for_field("kind", _("A short lowercase name, such as ack."))
    verdict = auto_reply_verdict(interaction_id=interaction_id, now=now)
    if not verdict.allowed and verdict.reason not in {Reason.SENDER_CAP, Reason.GLOBAL_CAP}:
        return AutoReplyResult(reply_id=None, verdict=verdict)
    inbound = Interaction.objects.select_related("conversation").get(pk=interaction_id)
    address = inbound.sender.strip().lower()
    if "@" not in address:
        return AutoReplyResult(reply_id=None, verdict=_refused(Reason.NO_EMAIL_ADDRESS))
    headers = {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "auto_reply",
        "X-Lojal-Auto": kind,
    }
    with transaction.atomic():
        _cap_lock()
        earlier = AutoReplyRecord.objects.filter(interaction_id=interaction_id, kind=kind).first()
        if earlier is not None:
            return AutoReplyResult(reply_id=earlier.reply_id, verdict=_refused(Reason.ALREADY_SENT))
        at = now or timezone.now()
        capped = _cap_reason(address, at)
        if capped:
            return AutoReplyResult(reply_id=None, verdict=_refused(capped))
        try:
            reply = email_compose_automatic(
                actor=actor, inbound=inbound, to=address, subject=subject, body=body_text, headers=headers
            )
        except ValidationError as error:
            if "to" not in error.errors:
                raise
            return AutoReplyResult(reply_id=None, verdict=_refused(Reason.NO_EMAIL_ADDRESS))
        AutoReplyRecord.objects.create(
            address=address, sent_at=at, interaction_id=interaction_id, reply=reply, kind=kind
        )
    return AutoReplyResult(reply_id=reply.pk, verdict=ALLOWED)
