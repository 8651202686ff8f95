"""Numbers as ERPs write them, read strictly with Babel's locale data.

A thin pre-step takes off what Babel does not read (a currency before or after the number, a sign
written "-", "+", "\u2212", trailing "-" or as parentheses) and turns every kind of space into the
no-break space the Nordic locales group with. The rest goes to ``babel.numbers.parse_decimal(...,
strict=True)``: first in the file's locale, then in the other Nordic and English conventions, so a
Swedish file may still hold "1.234,50" or "1,234.50". Strict means a thousands separator stands only
between groups of exactly three digits; anything else is refused with a reason, never guessed."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from babel import Locale
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol
from babel.numbers import parse_decimal as babel_parse_decimal

SUPPORTED_LOCALES = ("sv_SE", "nb_NO", "da_DK", "fi_FI", "en_GB", "en_US")
COUNTRY_LOCALE = {"SE": "sv_SE", "NO": "nb_NO", "DK": "da_DK", "FI": "fi_FI", "GB": "en_GB", "US": "en_US"}
MAX_DIGITS = 14  # the database's amounts hold 14 digits before the decimal mark

# The three conventions tried, by their representative locale: a decimal comma grouped by spaces,
# a decimal comma grouped by points, a decimal point grouped by commas.
_SPACE_COMMA, _POINT_COMMA, _COMMA_POINT = "sv_SE", "da_DK", "en_US"

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_CURRENCY = re.compile(
    r"^(?:kr\.?|sek|nok|dkk|eur|usd|€|\$)\s*|\s*(?:kr\.?|:-|sek|nok|dkk|eur|usd|€|\$)$", re.IGNORECASE
)
# What may remain once the sign and currency are off: digits and separators, ending in a digit.
_MAGNITUDE = re.compile(r"[0-9.,\u00a0]*[0-9]")


class NumberError(ValueError):
    """A value that is no number; ``reason`` is one of the codes below, ``value`` the text."""

    EMPTY = "empty"
    NO_DIGITS = "no_digits"
    NOT_A_NUMBER = "not_a_number"  # letters or other characters
    SEVERAL_DECIMAL_MARKS = "several_decimal_marks"
    MIXED_SEPARATORS = "mixed_separators"
    MISPLACED_GROUP = "misplaced_group"  # a thousands separator not between groups of three digits
    TOO_LARGE = "too_large"

    def __init__(self, reason: str, value: str) -> None:
        super().__init__(f"{reason}: {value!r}")
        self.reason = reason
        self.value = value


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=16)
def _order(name: str) -> tuple[Locale, ...]:
    """The locales tried for a file in ``name``: its own first, then the other conventions. A point
    in a Swedish, Norwegian or Finnish file is read as a decimal point before a thousands point
    ("29.33"); a Danish file reads it as the Danes write it."""
    if name not in SUPPORTED_LOCALES:
        raise ValueError(f"Unsupported number locale: {name}")
    if name.startswith("en"):
        rest = [_SPACE_COMMA, _POINT_COMMA]
    elif name == "da_DK":
        rest = [_SPACE_COMMA, _COMMA_POINT]
    else:
        rest = [_COMMA_POINT, _POINT_COMMA]
    return tuple(_locale(each) for each in [name, *rest])


@lru_cache(maxsize=16)
def _plain(name: str) -> tuple[re.Pattern[str], str]:
    """Digits with at most the locale's decimal mark, and that mark: the common case, read without
    Babel (the tests prove it gives Babel's answer)."""
    mark = get_decimal_symbol(_locale(name))
    return re.compile(r"-?[0-9]{1,14}(?:" + re.escape(mark) + r"[0-9]+)?"), mark


@lru_cache(maxsize=16)
def _grouped(name: str) -> re.Pattern[str]:
    """Digits in the locale's own groups of three ("1 234 567,50" in Swedish): the next most common
    case, also read without Babel (proven equal by the tests)."""
    locale = _locale(name)
    group, mark = get_group_symbol(locale), get_decimal_symbol(locale)
    separator = "[ \u00a0\u202f]" if group == "\u00a0" else re.escape(group)
    return re.compile(
        r"-?[1-9][0-9]{0,2}(?:" + separator + r"[0-9]{3}){1,3}(?:" + re.escape(mark) + r"[0-9]+)?"
    )


def number_parse(text: str, locale: str = "sv_SE") -> Decimal:
    """``text`` as a Decimal, read in ``locale`` (one of SUPPORTED_LOCALES) or, failing that, in the
    other Nordic and English conventions; raises NumberError naming why it is no number."""
    original = text
    text = text.strip()
    plain, mark = _plain(locale)
    if plain.fullmatch(text):
        return Decimal(text.replace(mark, "."))
    if _grouped(locale).fullmatch(text):
        group = get_group_symbol(_locale(locale))
        return Decimal(_SPACES.sub("", text).replace(group, "").replace(mark, "."))
    negative = False
    if not text:
        raise NumberError(NumberError.EMPTY, original)
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = _CURRENCY.sub("", text.replace("\u2212", "-")).strip()
    if text.endswith("-"):
        negative, text = not negative, text[:-1].rstrip()
    elif text.startswith("-"):
        negative, text = not negative, text[1:].lstrip()
    elif text.startswith("+"):
        text = text[1:].lstrip()
    text = _SPACES.sub("\u00a0", text)
    if not _MAGNITUDE.fullmatch(text) or text.startswith("\u00a0"):
        raise NumberError(_diagnosis(text), original)
    number = _babel(text, locale)
    if number is None:
        raise NumberError(_diagnosis(text), original)
    if number.adjusted() >= MAX_DIGITS:
        raise NumberError(NumberError.TOO_LARGE, original)
    return -number if negative else number


def _babel(text: str, locale: str) -> Decimal | None:
    for each in _order(locale):
        group = get_group_symbol(each)
        if text.count(get_decimal_symbol(each)) > 1 or ("\u00a0" in text and group != "\u00a0"):
            continue
        try:
            return babel_parse_decimal(text, locale=each, strict=True)
        except NumberFormatError:
            continue
    return None


def _diagnosis(text: str) -> str:
    """Why ``text`` (sign and currency off) is no number in any convention."""
    if not _MAGNITUDE.fullmatch(text):
        has_digits = any(ch.isdigit() for ch in text)
        only_marks = all(ch in ".,\u00a0-+" for ch in text)
        return NumberError.NO_DIGITS if not has_digits and only_marks else NumberError.NOT_A_NUMBER
    marks = [ch for ch in text if ch in ".,\u00a0"]
    kinds = list(dict.fromkeys(marks))
    runs = sum(1 for before, after in pairwise(marks) if before != after)
    if len(kinds) > 2 or (len(kinds) == 2 and runs > 1):
        return NumberError.MIXED_SEPARATORS
    last = marks[-1]
    if marks.count(last) > 1 and last != "\u00a0" and len(text) - text.rfind(last) - 1 != 3:
        return NumberError.SEVERAL_DECIMAL_MARKS
    return NumberError.MISPLACED_GROUP
