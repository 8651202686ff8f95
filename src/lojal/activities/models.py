"""Follow-ups staff owe customers (calls, meetings, to-dos, emails to write), the call lists they work
through, and the reminders that tell them what falls due."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """Something a member of staff (or a team) is to do, usually for one customer, by a due date.

    Other apps create them through ``activities.services.activity_create`` (a call marked "follow-up
    needed", later a case or a lifecycle playbook); a done activity goes on the customer's timeline."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        TODO = "todo", _("To-do")
        EMAIL = "email", _("Email to write")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Created by hand")
        CALL_FOLLOW_UP = "call_follow_up", _("Follow-up of a call")
        APP = "app", _("Created by Lojal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TODO)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("customer"),
    )
    contact_person = models.ForeignKey(
        "customers.ContactPerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("contact person"),
    )
    # Owned by one member of staff, or by a team whose members may all take it (not both).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("owner"),
    )
    owner_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("team"),
    )
    due_date = models.DateField(_("due date"))
    due_time = models.TimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    #: Which app or flow created it when the origin is ``app`` or a call ("interactions.call:123").
    origin_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: When the owner was told it fell due (so a reminder is sent once).
    due_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "due_time", "id"]
        indexes = [
            # My day and the reminders: one owner's (or team's) open work by due date.
            models.Index(fields=["owner", "status", "due_date"], name="activity_owner_due"),
            models.Index(fields=["owner_team", "status", "due_date"], name="activity_team_due"),
            models.Index(fields=["customer", "status", "due_date"], name="activity_customer_due"),
            models.Index(fields=["status", "due_date"], name="activity_status_due"),
            # The reminders' scan every few minutes: only open follow-ups not yet reminded of.
            models.Index(
                fields=["due_date"],
                condition=Q(status="open", due_notified_at__isnull=True),
                name="activity_due_unnotified",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(owner__isnull=False) & Q(owner_team__isnull=False)),
                name="activity_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class CallList(models.Model):
    """A named list of customers to call, with a script, worked through one customer at a time."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    script = models.TextField(_("script"), blank=True)
    #: In words, where the customers came from ("Search: Göteborg", a filter, later a segment).
    source = models.CharField(_("source"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_lists",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("call list")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"], name="call_list_owner_status")]

    def __str__(self) -> str:
        return self.name


class CallListEntry(models.Model):
    """One customer on a call list, and how calling them went."""

    class Status(models.TextChoices):
        TO_CALL = "to_call", _("To call")
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")
        SKIPPED = "skipped", _("Skipped")

    call_list = models.ForeignKey(CallList, on_delete=models.CASCADE, related_name="entries")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="call_list_entries"
    )
    position = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TO_CALL)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The call logged on the timeline for this entry (an interactions id; no key across apps).
    interaction_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list entries")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call_list", "customer"], name="call_list_entry_once"),
        ]
        indexes = [models.Index(fields=["call_list", "status", "position"], name="call_list_entry_next")]

    def __str__(self) -> str:
        return f"{self.call_list_id}:{self.customer_id}"


class Notification(models.Model):
    """A line under a member of staff's bell: an activity fell due or was assigned to them. The text
    is rendered when read, in the reader's language, from ``kind`` and ``data``."""

    class Kind(models.TextChoices):
        ACTIVITY_DUE = "activity_due", _("Follow-up now due")
        ACTIVITY_ASSIGNED = "activity_assigned", _("Follow-up assigned to you")
        # Other apps' lines (``notification_notify``): the text comes from ``data``, the link from data["url"].
        CASE_ASSIGNED = "case_assigned", _("Case assigned to you")
        CASE_MENTION = "case_mention", _("Mentioned on a case")
        CASE_NEAR = "case_near", _("Case near its target")
        CASE_BREACHED = "case_breached", _("Case past its target")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class ReminderPreference(models.Model):
    """How one member of staff wants to hear about their activities besides the bell."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    email_digest = models.BooleanField(_("daily email digest"), default=False)
    #: The hour (in the user's time zone, 0-23) at which the digest is sent.
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=7)
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reminders of {self.user_id}"


class CalendarFeed(models.Model):
    """A secret address at which a member of staff's calendar program reads their meetings and timed
    activities (iCalendar). Only the token's SHA-256 digest is stored; revoking it ends the feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
