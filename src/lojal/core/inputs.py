"""Rules every API and page input shares, in one place: text without NUL characters or lone
surrogates (text received from customers is cleaned instead), dates within 1900-2100, and free JSON
attributes of bounded depth and size. Each rule is a
plain function (for services, forms and imports) and an annotated pydantic type (for API schemas)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from lojal.core.errors import ValidationError

#: A lone surrogate (U+D800-U+DFFF) becomes U+FFFD, the replacement character.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
ATTRIBUTES_MAX_DEPTH = 10
ATTRIBUTES_MAX_KEYS = 200
ATTRIBUTES_MAX_BYTES = 16 * 1024


def text_fault(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (PostgreSQL refuses NUL, UTF-8 cannot hold a lone
    surrogate), or None when it can."""
    if "\x00" in value:
        return _("Contains a NUL character, which is never valid.")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("Contains a lone surrogate, which is not a character.")
    return None


def received_text(value: Any) -> Any:
    """Text received from outside (an SMS, a provider's id) as it can be stored: NULs dropped, a lone
    surrogate as U+FFFD. What customers send is kept, never refused for a stray character."""
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", "")
    if value.isascii():
        return value
    return value.translate(_SURROGATES)


def date_fault(value: dt.date) -> str | None:
    """Why ``value`` (a date, or a datetime's own calendar day) is out of range, or None."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return _("Must be between 1900-01-01 and 2100-12-31.")
    return None


def attributes_fault(value: Any) -> str | None:
    """Why free JSON ``value`` is too deep, too large or holds what cannot be stored, or None."""
    if not isinstance(value, dict):
        return _("Must be an object of names and values.")
    keys = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:  # a loop, not recursion: the depth is what is being checked
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > ATTRIBUTES_MAX_DEPTH:
                return _("At most %(max)d levels deep.") % {"max": ATTRIBUTES_MAX_DEPTH}
            if isinstance(item, dict):
                keys += len(item)
                if keys > ATTRIBUTES_MAX_KEYS:
                    return _("At most %(max)d names in all.") % {"max": ATTRIBUTES_MAX_KEYS}
                for key in item:
                    if not isinstance(key, str) or text_fault(key):
                        return text_fault(key) if isinstance(key, str) else _("Names must be text.")
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if reason := text_fault(item):
                return reason
        elif isinstance(item, float) and not math.isfinite(item):
            return _("Numbers must be finite.")
        elif item is not None and not isinstance(item, bool | int | float):
            return _("Must hold only text, numbers, true, false, null, lists and objects.")
    if len(json.dumps(value, ensure_ascii=False).encode()) > ATTRIBUTES_MAX_BYTES:
        return _("At most %(max)d bytes as JSON.") % {"max": ATTRIBUTES_MAX_BYTES}
    return None


def _checked(fault: Any) -> Any:
    def check(value: Any) -> Any:
        reason = fault(value)
        if reason:
            raise PydanticCustomError("lojal_input", reason.replace("{", "(").replace("}", ")"))
        return value

    return check


Text = Annotated[str, AfterValidator(_checked(text_fault))]
SaneDate = Annotated[dt.date, AfterValidator(_checked(date_fault))]
SaneDateTime = Annotated[dt.datetime, AfterValidator(_checked(date_fault))]
ReceivedText = Annotated[str, BeforeValidator(received_text)]
Attributes = Annotated[dict[str, Any], AfterValidator(_checked(attributes_fault))]


#: A decimal number as JSON carries it: a number, or a string of ASCII digits with an optional sign,
#: full stop and exponent. Pydantic alone would also read "1_000" or Arabic-Indic digits, which the
#: document could not describe; a client can send exactly what the pattern says.
DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DECIMAL_TEXT = re.compile(DECIMAL_PATTERN)


def decimal_text_fault(value: Any) -> str | None:
    """Why ``value``, a string sent for a decimal number, is not one as the document describes."""
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
        return _("Must be a number written with digits and a full stop, such as 1234.50.")
    return None


def _decimal_text(value: Any) -> Any:
    if reason := decimal_text_fault(value):
        raise PydanticCustomError("lojal_input", reason)
    return value


DecimalNumber = Annotated[
    Decimal,
    BeforeValidator(_decimal_text),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": DECIMAL_PATTERN}]}),
]


def _calendar_day(value: Any) -> Any:
    """A query's day as the document describes it (YYYY-MM-DD); pydantic alone would also read a
    number as seconds since 1970."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError("lojal_input", _("Must be a day written as YYYY-MM-DD."))


#: A day given in a query string: YYYY-MM-DD only, within 1900-2100.
QueryDate = Annotated[dt.date, BeforeValidator(_calendar_day), AfterValidator(_checked(date_fault))]


def text_checked(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """``value`` as stripped text a service may store, or ValidationError naming ``field``."""
    if not isinstance(value, str):
        raise ValidationError.for_field(field, _("Must be text."))
    text = value.strip()
    if reason := text_fault(text):
        raise ValidationError.for_field(field, reason)
    if required and not text:
        raise ValidationError.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationError.for_field(field, _("At most %(max)d characters.") % {"max": max_length})
    return text


def choice_checked(value: Any, field: str, choices: Iterable[str]) -> str:
    """``value`` when it is one of ``choices``, or ValidationError naming ``field`` and listing them."""
    allowed = list(choices)
    if value not in allowed:
        raise ValidationError.for_field(
            field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}
        )
    return str(value)
