"""Forms of the calendar pages; the services check every rule again (zone, overlaps, kinds)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.calendars.models import BusinessCalendar, SpecialDay
from lojal.core.forms import ServiceForm

#: The zones offered first: the Nordic countries'; any IANA zone is accepted.
NORDIC_ZONES = ("Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki")
#: Django's own weekday names (0 Monday), translated in every language Django ships.
WEEKDAY_NAMES = tuple(WEEKDAYS[weekday] for weekday in range(7))
#: "Closed" as a business day is closed ("Stängt"), not as a case or list is closed ("Avslutad").
CLOSED = pgettext_lazy("business hours", "Closed")
KIND_LABELS: dict[str, Any] = {
    SpecialDay.Kind.CLOSED.value: CLOSED,
    SpecialDay.Kind.SHORTENED.value: SpecialDay.Kind.SHORTENED.label,
    SpecialDay.Kind.OPEN.value: SpecialDay.Kind.OPEN.label,
}
_PERIOD = re.compile(r"\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*")


def periods_parse(text: str) -> list[list[str]]:
    """``"08:00-12:00, 13:00-17:00"`` as ``[["08:00", "12:00"], ["13:00", "17:00"]]``; an empty text is
    no periods. Raises forms.ValidationError for text that is not periods."""
    periods: list[list[str]] = []
    for part in (piece for piece in re.split(r"[,;\n]", text) if piece.strip()):
        match = _PERIOD.fullmatch(part)
        if match is None:
            raise forms.ValidationError(_("Write the periods as 08:00-12:00, 13:00-17:00 (empty: closed)."))
        a, b, c, d = match.groups()
        periods.append([f"{int(a):02d}:{b}", f"{int(c):02d}:{d}"])
    return periods


def periods_show(periods: Any) -> str:
    return ", ".join(
        f"{starts:%H:%M}-{ends:%H:%M}" if isinstance(starts, dt.time) else f"{starts}-{ends}"
        for starts, ends in periods
    )


def _zone_choices() -> list[tuple[str, str]]:
    others = sorted(
        zone for zone in zoneinfo.available_timezones() if "/" in zone and zone not in NORDIC_ZONES
    )
    return [(zone, zone) for zone in (*NORDIC_ZONES, *others)]


class CalendarForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    country = forms.ChoiceField(
        label=_("Public holidays of"),
        required=False,
        choices=(),
        help_text=_("The calendar is closed on this country's public holidays."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country, zone = self.fields["country"], self.fields["time_zone"]
        assert isinstance(country, forms.ChoiceField) and isinstance(zone, forms.ChoiceField)
        country.choices = [("", _("None")), *BusinessCalendar.Country.choices]
        zone.choices = _zone_choices()


class WeekForm(ServiceForm):
    """The periods of each weekday as text, one field per day (``weekday_0`` .. ``weekday_6``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, label in enumerate(WEEKDAY_NAMES):
            self.fields[f"weekday_{weekday}"] = forms.CharField(
                label=capfirst(label),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": CLOSED}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for weekday in range(7):
            key = f"weekday_{weekday}"
            if key in cleaned:
                try:
                    cleaned[key] = periods_parse(cleaned[key])
                except forms.ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    def service_error_field(self, key: str) -> str | None:
        return key if key in self.fields else None


class SpecialDayForm(ServiceForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=list(KIND_LABELS.items()))
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    periods = forms.CharField(
        label=_("Open hours of a shortened day"),
        required=False,
        max_length=200,
        help_text=_("Only for a shortened day, such as 08:00-13:00."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_periods(self) -> list[list[str]]:
        return periods_parse(self.cleaned_data.get("periods") or "")

    def service_error_field(self, key: str) -> str | None:
        return "periods" if key.startswith("periods") else (key if key in self.fields else None)
