"""Which business calendar a case's clocks count in, and its arithmetic: the queue's calendar, else the
calendar Lojal ships for the company's country (setting ``DEFAULT_COUNTRY``, default SE). Everything
about calendars comes through :mod:`lojal.calendars.selectors`; calendars know nothing of cases."""

from __future__ import annotations

from django.conf import settings

from lojal.calendars import selectors as calendar_selectors
from lojal.calendars.arithmetic import BusinessHours

__all__ = ["BusinessHours", "calendar_revisions", "default_calendar_id", "hours_of"]


def default_calendar_id() -> int | None:
    """The shipped calendar of the company's country (None when it was never shipped)."""
    country = str(getattr(settings, "DEFAULT_COUNTRY", "SE") or "SE").upper()
    shipped = calendar_selectors.calendar_list(country=country).filter(is_shipped=True)
    found = shipped.values_list("pk", flat=True).first()
    if found is None:
        found = calendar_selectors.calendar_list(country=country).values_list("pk", flat=True).first()
    return found


def calendar_revisions() -> dict[int, int]:
    """Every calendar's current revision, by id."""
    return dict(calendar_selectors.calendar_list().values_list("pk", "revision"))


def hours_of(calendar_id: int) -> BusinessHours:
    """The arithmetic of calendar ``calendar_id`` (kept per revision by the calendars app)."""
    return calendar_selectors.business_hours(calendar_id)
