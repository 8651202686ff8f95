"""Date and time inputs in the page's language, not the browser's.

A native ``<input type="date">`` shows the browser's locale (``mm/dd/yyyy`` in an English Chromium),
whatever language the page is in. These are text inputs showing and reading the active language's
``DATE_INPUT_FORMATS`` / ``TIME_INPUT_FORMATS`` / ``DATETIME_INPUT_FORMATS`` (the format modules in
``lojal.formats``): Swedish ``2026-12-24``, Norwegian ``24.12.2026``, English ``2026-12-24``; the
placeholder names the format (``ÅÅÅÅ-MM-DD``, ``DD.MM.ÅÅÅÅ``) and a wrong value gets an error that
names it. Use the fields (``LocalDateField``, ``LocalTimeField``, ``LocalDateTimeField``) or put the
widgets on Django's own fields; docs/languages.md has an example."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def format_placeholder(python_format: str) -> str:
    """A strftime format as people read it, in the active language: ``%d.%m.%Y`` -> ``DD.MM.ÅÅÅÅ``."""
    parts = {
        "%Y": pgettext("date format placeholder", "YYYY"),
        "%y": pgettext("date format placeholder", "YY"),
        "%m": pgettext("date format placeholder", "MM"),
        "%d": pgettext("date format placeholder", "DD"),
        "%b": pgettext("date format placeholder", "Mon"),
        "%H": pgettext("date format placeholder", "hh"),
        "%M": pgettext("date format placeholder", "mm"),
        "%S": pgettext("date format placeholder", "ss"),
        "%%": "%",
    }
    out, index = [], 0
    while index < len(python_format):
        pair = python_format[index : index + 2]
        if pair in parts:
            out.append(parts[pair])
            index += 2
        else:
            out.append(python_format[index])
            index += 1
    return "".join(out)


def input_format(format_key: str) -> str:
    """The active language's first input format of ``format_key`` (``DATE_INPUT_FORMATS`` ...): the
    one inputs show."""
    return str(formats.get_format(format_key)[0])


class _LocalInput(forms.TextInput):
    format_key = ""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date | dt.time):
            return value.strftime(input_format(self.format_key))
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", format_placeholder(input_format(self.format_key)))
        widget_attrs.setdefault("data-format", input_format(self.format_key))
        return context


class LocalDateInput(_LocalInput):
    """A date as text in the active language's format (``DATE_INPUT_FORMATS[0]``), with a placeholder
    that names it; ``inputmode`` brings up a keyboard with digits on phones."""

    format_key = "DATE_INPUT_FORMATS"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "size": "12", "maxlength": "20", **(attrs or {})})


class LocalTimeInput(_LocalInput):
    """A time of day as text in the active language's format (``hh:mm``)."""

    format_key = "TIME_INPUT_FORMATS"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "size": "6", "maxlength": "8", **(attrs or {})})


class LocalDateTimeInput(_LocalInput):
    """A date and time as text in the active language's format (``DATETIME_INPUT_FORMATS[0]``)."""

    format_key = "DATETIME_INPUT_FORMATS"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": "18", "maxlength": "25", **(attrs or {})})


def _format_error(format_key: str, example: dt.datetime) -> str:
    python_format = input_format(format_key)
    return _("Write it as %(format)s, for example %(example)s.") % {
        "format": format_placeholder(python_format),
        "example": example.strftime(python_format),
    }


_EXAMPLE = dt.datetime(2026, 12, 24, 14, 30)


class _NamesItsFormat:
    """A form field whose wrong value is refused naming the language's format (``format_key``)."""

    format_key = ""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code != "invalid":
                raise
            raise forms.ValidationError(_format_error(self.format_key, _EXAMPLE), code="invalid") from error


class LocalDateField(_NamesItsFormat, forms.DateField):
    """A date read in the active language's formats; a wrong one is refused naming the format."""

    widget = LocalDateInput
    format_key = "DATE_INPUT_FORMATS"


class LocalTimeField(_NamesItsFormat, forms.TimeField):
    """A time read in the active language's formats; a wrong one is refused naming the format."""

    widget = LocalTimeInput
    format_key = "TIME_INPUT_FORMATS"


class LocalDateTimeField(_NamesItsFormat, forms.DateTimeField):
    """A date and time read in the active language's formats; a wrong one is refused naming the format."""

    widget = LocalDateTimeInput
    format_key = "DATETIME_INPUT_FORMATS"
