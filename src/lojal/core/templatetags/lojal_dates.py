"""Date inputs written by hand in templates, in the page's language (see lojal.core.widgets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from lojal.core.widgets import format_placeholder, input_format

register = template.Library()

_KEYS = {"date": "DATE_INPUT_FORMATS", "time": "TIME_INPUT_FORMATS", "datetime": "DATETIME_INPUT_FORMATS"}


@register.simple_tag
def input_placeholder(kind: str = "date") -> str:
    """``{% input_placeholder "date" %}``: the active language's date (time, datetime) input format
    as people read it (``ÅÅÅÅ-MM-DD``)."""
    return format_placeholder(input_format(_KEYS[kind]))


@register.filter
def input_value(value: Any, kind: str = "date") -> str:
    """``{{ day|input_value }}``: a date (time, datetime) as the active language's inputs show it; text
    (what was typed) as it is; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.strftime(input_format(_KEYS[kind]))
    return str(value)
