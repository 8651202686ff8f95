"""Business calendars: when a company answers its customers. A calendar has opening periods per
weekday (several a day: 08:00-12:00 and 13:00-17:00), a time zone, a country whose public holidays it
closes on, and days of its own (closed, or open for shorter periods). Service-level targets are counted
in the business minutes of a calendar; the arithmetic is in :mod:`lojal.calendars.arithmetic`."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class BusinessCalendar(models.Model):
    class Country(models.TextChoices):
        SE = "SE", _("Sweden")
        NO = "NO", _("Norway")
        DK = "DK", _("Denmark")
        FI = "FI", _("Finland")

    name = models.CharField(_("name"), max_length=100, unique=True)
    #: Whose public holidays close it (from the ``holidays`` package); empty: none.
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    #: An IANA zone ("Europe/Stockholm"); the periods are wall-clock times in it.
    time_zone = models.CharField(_("time zone"), max_length=64)
    #: One of the calendars Lojal ships (one per country); they can be edited but not deleted.
    is_shipped = models.BooleanField(default=False)
    #: Counts every change to the calendar, its periods and its days, so that whatever computed a
    #: time from it (a case's due times) can tell it is out of date and compute it again.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One period of the week the calendar is open: on ``weekday`` (0 Monday .. 6 Sunday) from
    ``starts`` to ``ends`` wall-clock time. A day may have several; they do not overlap."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_period_weekday"),
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="opening_period_forward"),
            models.UniqueConstraint(fields=["calendar", "weekday", "starts"], name="opening_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class SpecialDay(models.Model):
    """A date the company keeps otherwise than its weekly periods: closed (a bridge day, a company
    day off) or open for shorter periods (the half day before a holiday), or open on a day the
    country's holidays would close it."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        SHORTENED = "shortened", _("Shortened day")
        OPEN = "open", _("Open as usual")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    #: For a shortened day: its periods as ``[["08:00", "12:00"], ...]`` wall-clock times.
    periods = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="special_day_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
