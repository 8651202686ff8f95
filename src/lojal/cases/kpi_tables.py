"""The service KPI dashboard's daily roll-up (written by :mod:`lojal.cases.kpi_rollup`, read by
:mod:`lojal.cases.kpis`): for every closed local day, the counts per queue, channel and VIP rank,
and the exact business minutes as a histogram (minutes -> cases), so medians and 90th percentiles
stay exact (nearest rank). No foreign keys: a row outlives a deleted queue or user like the figures
of the raw cases would (they count the queue's cases as "no queue" then; the next recompute does too)."""

from __future__ import annotations

from django.db import models

HOURS = range(24)


class KpiDay(models.Model):
    """A local day that has been rolled up, and when (the cases read were as of ``computed_at``)."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()

    class Meta:
        app_label = "cases"

    def __str__(self) -> str:
        return str(self.day)


class KpiOpened(models.Model):
    """Cases opened on ``day`` (local), per key: how many, by local hour, and the service-level outcomes
    known for good (answered or solved: met on time, or late). Unanswered past the due time depends on
    now and is counted live by the dashboard."""

    day = models.DateField()
    queue_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=10)
    vip_rank = models.PositiveSmallIntegerField()
    opened = models.PositiveIntegerField(default=0)
    first_response_met = models.PositiveIntegerField(default=0)
    first_response_late = models.PositiveIntegerField(default=0)
    resolution_met = models.PositiveIntegerField(default=0)
    resolution_late = models.PositiveIntegerField(default=0)
    for _hour in HOURS:
        locals()[f"hour{_hour}"] = models.PositiveIntegerField(default=0)
    del _hour

    class Meta:
        app_label = "cases"
        indexes = [models.Index(fields=["day"], name="kpi_opened_day")]

    def __str__(self) -> str:
        return str(self.day)


class KpiSolved(models.Model):
    """Cases solved on ``day`` (local), per key and assignee: how many, how many of them were reopened
    at least once, and of those solved or closed now, how many were promised a time and kept it."""

    day = models.DateField()
    queue_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=10)
    vip_rank = models.PositiveSmallIntegerField()
    assignee_id = models.IntegerField(null=True)
    solved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    promised = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "cases"
        indexes = [models.Index(fields=["day"], name="kpi_solved_day")]

    def __str__(self) -> str:
        return str(self.day)


class KpiMinutes(models.Model):
    """How many cases took exactly ``minutes`` business minutes: to the first answer (``kind`` 1, by
    the day the case opened) or to solving (``kind`` 2, by the day it was solved)."""

    FIRST_RESPONSE = 1
    RESOLUTION = 2

    day = models.DateField()
    kind = models.PositiveSmallIntegerField()
    queue_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=10)
    vip_rank = models.PositiveSmallIntegerField()
    minutes = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()

    class Meta:
        app_label = "cases"
        indexes = [models.Index(fields=["kind", "day"], name="kpi_minutes_kind_day")]

    def __str__(self) -> str:
        return str(self.day)
