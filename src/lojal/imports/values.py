"""Reading values as ERPs write them: Nordic numbers ("1 234,50", "1.234,50", "-12,5"; the rules are
in :mod:`lojal.imports.rules.numbers`), dates in ISO
and common Nordic forms ("2026-03-14", "14.3.2026", "14/3/2026", "20260314"), spreadsheet cells.

Each reader returns the value or raises ValueError with a reason fit to show the user."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from lojal.imports.rules import numbers

_NORDIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_SLASHED_ISO = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
#: A time of day as files write it: HH:MM, HH:MM:SS or HH:MM:SS.ffffff (or ",ffffff"), then an optional
#: offset (Z, +01, +0100, +01:00). The columnar reader uses the same pattern; Python's fromisoformat
#: alone would also read "13", "1345" and cut a seventh decimal of a second.
TIME_PATTERN = r"^([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,6}))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
_TIME = re.compile(TIME_PATTERN)
MAX_DIGITS = numbers.MAX_DIGITS


def number_locale(chosen: str = "") -> str:
    """The locale a file's numbers are read in first: the one chosen for the import, else the one
    of LOJAL_DEFAULT_COUNTRY."""
    if chosen in numbers.SUPPORTED_LOCALES:
        return chosen
    return numbers.COUNTRY_LOCALE.get(settings.DEFAULT_COUNTRY.upper(), "en_GB")


def _reasons() -> dict[str, str]:
    return {
        numbers.NumberError.EMPTY: _("Empty."),
        numbers.NumberError.NO_DIGITS: _("Not a number: %(value)s (no digits)."),
        numbers.NumberError.NOT_A_NUMBER: _("Not a number: %(value)s"),
        numbers.NumberError.SEVERAL_DECIMAL_MARKS: _("Not a number: %(value)s (several decimal marks)."),
        numbers.NumberError.MIXED_SEPARATORS: _(
            "Not a number: %(value)s (decimal marks and thousands separators are mixed)."
        ),
        numbers.NumberError.MISPLACED_GROUP: _(
            "Not a number: %(value)s (a thousands separator stands only between groups of three digits)."
        ),
        numbers.NumberError.TOO_LARGE: _("Too large: %(value)s"),
    }


def number_error_text(error: numbers.NumberError) -> str:
    """The translated reason for a number refused by :func:`numbers.number_parse`."""
    return _reasons()[error.reason] % {"value": str(error.value)[:40]}


def parse_decimal(value: Any, locale: str = "") -> Decimal:
    """A number as the file's locale (default :func:`number_locale`) or another Nordic or English
    convention writes it, read strictly (:func:`lojal.imports.rules.numbers.number_parse`); a
    spreadsheet's numeric cell as it is."""
    if isinstance(value, bool):
        raise ValueError(_("Not a number."))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return numbers.number_parse(str(value), locale or number_locale())
    except numbers.NumberError as error:
        raise ValueError(number_error_text(error)) from None


def parse_date(value: Any) -> dt.date:
    """A calendar date: ISO (2026-03-14), compact (20260314), Nordic (14.3.2026, 14/3/2026, 14-03-2026)
    or a spreadsheet date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return dt.date.fromisoformat(text)
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if match := _NORDIC_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _SLASHED_ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    if not text:
        raise ValueError(_("Empty."))
    raise ValueError(_("Not a date: %(value)s") % {"value": text[:40]})


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=8192)
def _local_midnight(day: dt.date, zone_name: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone(zone_name))


def parse_moment(value: Any, zone_name: str = "") -> dt.datetime:
    """A point in time: a date (midnight in LOJAL_TIME_ZONE), a date and time with or without seconds
    ("2026-03-14 13:45", "14.3.2026 13:45"), ISO 8601 with an offset, or a spreadsheet cell.
    ``zone_name`` saves a bulk caller the settings lookup per row."""
    zone_name = zone_name or settings.TIME_ZONE
    if (
        isinstance(value, str)
        and len(value) in (16, 19)
        and value[4] == "-"
        and value[10] in " T"
        and value[13] == ":"
        and (len(value) == 16 or value[16] == ":")
    ):
        try:  # the common ERP form, "2026-03-14 13:45[:00]"
            return dt.datetime.fromisoformat(value).replace(tzinfo=_zone(zone_name))
        except ValueError:
            pass
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_zone(zone_name))
    if isinstance(value, dt.date):
        return _local_midnight(value, zone_name)
    text = str(value).strip()
    if len(text) <= 10:
        return _local_midnight(parse_date(text), zone_name)
    date_part, _sep, time_part = text.replace("T", " ", 1).partition(" ")
    day = parse_date(date_part)
    time_part = time_part.strip()
    if not _TIME.fullmatch(time_part):
        raise ValueError(_("Not a time: %(value)s") % {"value": text[:40]})
    if time_part.endswith("Z"):
        time_part = time_part[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(f"{day.isoformat()}T{time_part}")
    except ValueError:
        raise ValueError(_("Not a time: %(value)s") % {"value": text[:40]}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=_zone(zone_name))


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in {"1", "true", "yes", "y", "ja", "j", "x", "aktiv", "active", "kyllä"}:
        return True
    if text in {"0", "false", "no", "n", "nej", "nei", "", "inaktiv", "inactive", "ei"}:
        return False
    raise ValueError(_("Not yes or no: %(value)s") % {"value": text[:40]})


def cell_text(value: Any) -> str:
    """A cell as text: numbers from spreadsheets without a trailing ".0", dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time.min else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
