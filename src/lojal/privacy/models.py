"""What the retention rules did: one row per rule per run, shown on the register page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One run of one retention rule: when, the limit in force, what it removed and what it left due."""

    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=40)
    limit = models.IntegerField(_("limit"))
    unit = models.CharField(max_length=10)
    cutoff = models.DateTimeField(_("older than"), null=True, blank=True)
    rows_affected = models.IntegerField(_("rows"), default=0)
    rows_pending = models.IntegerField(_("pending"), default=0)
    pending_ids = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["rule", "-started_at"], name="retention_run_rule_newest")]

    def __str__(self) -> str:
        return f"{self.rule} {self.started_at:%Y-%m-%d %H:%M} {self.rows_affected}"
