"""Every contact with a customer, whatever the channel: one interaction model, the conversations
that group them, and the email-specific parts (raw message, outbox, bounces, mailbox positions)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lojal.core.phrases import phrase_render
from lojal.interactions.failures import failure_words


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CALL = "call", _("Phone call")
    CHAT = "chat", _("Chat")
    WEB_FORM = "web_form", _("Web form")
    SMS = "sms", _("SMS")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter")
    PORTAL = "portal", _("Portal message")


class Direction(models.TextChoices):
    INBOUND = "in", _("Incoming")
    OUTBOUND = "out", _("Outgoing")


class Outcome(models.TextChoices):
    NONE = "", _("—")
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Left voicemail")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    RESOLVED = "resolved", _("Resolved")
    HELD = "held", _("Held")


#: The key of an interaction's ``details`` that holds the phrase of a subject Lojal wrote
#: (:mod:`lojal.core.phrases`), so it is shown in the reader's language.
SUBJECT_PHRASE = "subject_phrase"

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def reference_token_new() -> str:
    """A short token for subjects ("L-7KQ3PX"): no 0/O or 1/I, so people can read it back on the phone."""
    return "L-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Conversation(models.Model):
    """A thread: an email exchange, a chat session or a call with its follow-ups."""

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="conversations"
    )
    subject = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=12, unique=True, default=reference_token_new)
    created_at = models.DateTimeField(auto_now_add=True)
    last_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class Interaction(models.Model):
    """One contact: an email, a call, a chat, a form post, an SMS, a meeting, a letter or a portal message.

    ``customer`` is empty while the sender is not yet matched; the unmatched inbox lists those."""

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    occurred_at = models.DateTimeField(_("when"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(max_length=200, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    is_malformed = models.BooleanField(default=False)
    is_auto_reply = models.BooleanField(default=False)
    is_bounce = models.BooleanField(default=False)
    is_loop = models.BooleanField(default=False)
    defects = models.JSONField(default=list, blank=True)
    # Staff put an unmatched auto-reply or spam out of the way: kept, not counted, shown under "Dismissed".
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Channel-specific facts: when a call was answered, an SMS's delivery state and provider id ...
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="interaction_customer_newest"),
            models.Index(
                fields=["-occurred_at"],
                name="interaction_unmatched",
                condition=models.Q(customer__isnull=True),
            ),
            models.Index(fields=["channel", "external_id"], name="interaction_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M} {self.subject}"

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language when Lojal wrote it ("Chat with ..."), else as written."""
        found = (self.details or {}).get(SUBJECT_PHRASE) if isinstance(self.details, dict) else None
        if not isinstance(found, dict):
            return self.subject
        return phrase_render(code=found.get("code"), params=found.get("params"), fallback=self.subject)

    @property
    def is_email(self) -> bool:
        return self.channel == Channel.EMAIL


class EmailMessage(models.Model):
    """The email behind an email interaction: its threading headers and the message exactly as received."""

    interaction = models.OneToOneField(Interaction, on_delete=models.CASCADE, related_name="email")
    message_id = models.CharField(max_length=500, db_index=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    raw = models.BinaryField(blank=True)
    source = models.CharField(max_length=20, blank=True)
    # The few headers the loop guard reads (emails.loop_signals.GUARD_HEADERS), kept at ingest so deciding
    # whether to answer automatically needs no parse of ``raw``.
    guard_headers = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.message_id


class Attachment(models.Model):
    """A file that came with (or went out with) an interaction; kept in the database up to a size limit."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField(blank=True)
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)
    is_stored = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.filename


class SenderIdentity(models.Model):
    """An address or phone number staff tied to a customer from the unmatched inbox: used next time."""

    address = models.CharField(max_length=254, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="sender_identities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.address


class OutboundEmail(models.Model):
    """The outbox: one row per email staff sent; the worker moves it queued -> sending -> sent once.

    A claim ("sending") holds a lease; ``attempts`` numbers the claims, so only the worker holding the
    newest claim may mark the row sent (lojal.interactions.delivery explains the order of steps)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    interaction = models.OneToOneField(Interaction, on_delete=models.CASCADE, related_name="outbound")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    to_address = models.CharField(max_length=254)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The server's own words, for operators (the admin); pages show ``failure_reason`` in words instead.
    last_error = models.TextField(blank=True)
    # Why the last attempt failed, one of lojal.interactions.failures.Reason, and the server it talked to
    # ("localhost:25"): the sentence is written when shown, in the reader's language.
    failure_reason = models.CharField(max_length=30, blank=True)
    failure_server = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Until when the worker that claimed the row ("sending") is trusted to finish; past it, the outbox
    # recovery queues the row again (the message was then never handed over, see delivery.email_send).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Headers sent besides the standard ones ({"Auto-Submitted": "auto-replied", ...}): automatic replies.
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["state"],
                name="outbound_unfinished",
                condition=models.Q(state__in=["queued", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_address} {self.state}"

    @property
    def failure_text(self) -> str:
        """Why the last attempt failed, in the reader's language; "" when nothing went wrong."""
        if not self.failure_reason:
            return ""
        return failure_words(reason=self.failure_reason, server=self.failure_server)


class AutoReplyRecord(models.Model):
    """One automatic reply Lojal sent (an acknowledgement ...): the caps per sender and per hour count
    these rows, so they hold across worker processes; one per received message and kind."""

    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField()
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="auto_replies", db_index=False
    )
    reply = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="auto_reply_of"
    )
    kind = models.CharField(max_length=30)

    class Meta:
        indexes = [
            models.Index(fields=["address", "sent_at"], name="auto_reply_sender_recent"),
            models.Index(fields=["sent_at"], name="auto_reply_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["interaction", "kind"], name="auto_reply_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.address} {self.sent_at:%Y-%m-%d %H:%M}"


class EmailBounce(models.Model):
    """An address a delivery status report said cannot receive mail; the compose form warns about it."""

    address = models.CharField(max_length=254, unique=True)
    status = models.CharField(max_length=20, blank=True)
    diagnostic = models.TextField(blank=True)
    bounced_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.address


class MailboxPosition(models.Model):
    """How far an IMAP mailbox was read: its UIDVALIDITY and the highest UID stored."""

    mailbox = models.CharField(max_length=300, unique=True)
    uid_validity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uid_validity}:{self.last_uid}"


class MessageTemplate(models.Model):
    """A reusable email text in one language; ``{first_name}``-style fields are filled per customer."""

    key = models.SlugField(max_length=60)
    language = models.CharField(max_length=5)
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="template_once_per_language")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class WebForm(models.Model):
    """A contact form a company embeds on its website; ``fields`` lists which of the known fields it shows."""

    FIELD_CHOICES = ("name", "email", "phone", "company", "subject", "message")

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    fields = models.JSONField(default=list, help_text='e.g. [{"name": "email", "required": true}]')
    confirmation = models.TextField(blank=True)
    language = models.CharField(max_length=5, default="sv")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class ChatSession(models.Model):
    """One visitor's chat from the website widget; its transcript becomes a chat interaction when closed."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        OFFLINE = "offline", _("Left as a message")

    token = models.CharField(max_length=64, unique=True)
    visitor_name = models.CharField(max_length=200, blank=True)
    visitor_email = models.CharField(max_length=254, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_sessions"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    interaction = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_session"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "-last_message_at"], name="chat_state_recent")]

    def __str__(self) -> str:
        return f"{self.visitor_name or self.visitor_email} {self.state}"


class ChatMessage(models.Model):
    """One line of a chat, by the visitor or by staff."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    from_visitor = models.BooleanField(default=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class ChatAgentPresence(models.Model):
    """When each staff member last had the chat inbox open: someone seen in the last minutes is online."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} {self.seen_at}"


class SentMail(models.Model):
    """A message the local mail sink took instead of a mail server (the demo, development): kept
    whole, so staff can read what customers would have received in the test inbox."""

    message_id = models.CharField(max_length=500, blank=True)
    sender = models.CharField(max_length=254, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"
