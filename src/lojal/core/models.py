"""The shared kernel's tables: the audit log and named number sequences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who created, changed, merged or deleted what, when, and which fields changed (GDPR and trust)."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        MERGE = "merge", _("merged")
        READ_SENSITIVE = "read_sensitive", _("read sensitive data")
        LOGIN = "login", _("logged in")
        TOKEN = "token", _("token")

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class Sequence(models.Model):
    """A named counter for human-facing numbers (customer numbers) on databases without sequences."""

    name = models.CharField(max_length=40, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class RateCounter(models.Model):
    """One rate limit's hits in its current window, for one client (lojal.core.ratelimit). In the
    database so that every web process counts the same hits: Lojal runs without a cache server."""

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.IntegerField(default=0)
    # Seconds since the epoch: compared and computed in SQL the same way on SQLite and PostgreSQL.
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.hits}"


class ExportJob(models.Model):
    """A list export too large to stream while the user waits: written to a file under LOJAL_EXPORT_DIR
    by the worker, downloadable only by the user who asked for it, and deleted when it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    source = models.CharField(max_length=40)
    file_format = models.CharField(max_length=4)
    # The list's query string as the user saw it (filters, sort, columns), and the page language.
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"export {self.pk} {self.source}.{self.file_format}"


class SavedView(models.Model):
    """A named way to look at a list (its filters, sort and columns), kept by a staff member for
    themself or shared with every staff member, so a list worked every week opens in one click."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    list_key = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    #: The list's filters as a query string (``stage=customer&tag=VIP``).
    filters = models.CharField(_("filters"), max_length=2000, blank=True)
    sort = models.CharField(_("sort"), max_length=40, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    is_shared = models.BooleanField(_("shared with all staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["list_key", "owner"], name="saved_view_list_owner")]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
