"""The customer event log: one narrow, append-only table every app writes to and the 360 view reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something that happened with one customer, at one moment; never edited after it is written."""

    class Kind(models.TextChoices):
        CUSTOMER_CREATED = "customer.created", _("Customer created")
        CUSTOMER_CHANGED = "customer.changed", _("Details changed")
        CUSTOMER_MERGED = "customer.merged", _("Merged with a duplicate")
        CUSTOMER_DELETED = "customer.deleted", _("Customer deleted")
        CUSTOMER_ERASED = "customer.erased", _("Personal data erased")
        STAGE_CHANGED = "customer.stage_changed", _("Lifecycle stage changed")
        NOTE_ADDED = "note.added", _("Note")
        INTERACTION_EMAIL = "interaction.email", _("Email")
        INTERACTION_CALL = "interaction.call", _("Phone call")
        INTERACTION_CHAT = "interaction.chat", _("Chat")
        INTERACTION_WEB_FORM = "interaction.web_form", _("Web form")
        INTERACTION_SMS = "interaction.sms", _("SMS")
        INTERACTION_MEETING = "interaction.meeting", _("Meeting")
        INTERACTION_LETTER = "interaction.letter", _("Letter")
        INTERACTION_PORTAL = "interaction.portal", _("Portal message")
        TRANSACTION_RECORDED = "sales.transaction", _("Transaction")
        HOLDING_OPENED = "sales.holding_opened", _("Holding opened")
        HOLDING_CHANGED = "sales.holding_changed", _("Holding changed")
        ACTIVITY_DONE = "activity.done", _("Follow-up done")
        CASE_OPENED = "case.opened", _("Case opened")
        CASE_CHANGED = "case.changed", _("Case changed")
        CASE_MERGED = "case.merged", _("Case merged")

    # The (customer, newest first) index serves every lookup by customer; no separate one. No foreign
    # key in the database, as for transactions: an import writes an event per row, and the key check
    # per row (a lock on the customer's row) cost a third of the commit. Customers are only
    # soft-deleted; merges and Django's CASCADE move or remove events through the ORM.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="timeline_customer_newest"),
            # Only events a person did: imports and the system write millions with no actor.
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="timeline_event_actor"
            ),
            # My day's customers moved to a stage this week: stage changes are few among millions of events.
            models.Index(
                fields=["-occurred_at", "-id"],
                condition=models.Q(kind="customer.stage_changed"),
                name="timeline_stage_changes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def display_summary(self) -> str:
        from lojal.timeline.rendering import event_summary

        return event_summary(kind=self.kind, data=self.data, summary=self.summary)

    @property
    def kind_label(self) -> str:
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind
