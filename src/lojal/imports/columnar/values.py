"""Cells to values as polars expressions: numbers in a locale's notation, dates and points in time, and
a row's content hash. Each parser gives two expressions over the same column: the value (null where
the cell is empty or rejected) and the reason (null where the cell is empty or fine; else the value
and why, fit to show the user), so a batch of a million cells is checked without a Python loop.

Numbers are strict (the issue "One clean way to write"): a group separator stands only between
groups of exactly three digits, the first group has one to three digits and no leading zero, and
one kind of separator is used throughout a number. Separators and the decimal mark come from Babel's
CLDR data for the locale; besides the locale's own group separator, a space (U+0020, U+00A0 or
U+202F) is always accepted, and so is the point in a comma-decimal locale and the comma in a
point-decimal one ("1.234,50" in Swedish, "1,234.50" in English), as ERPs write them. A leading
minus (``-`` or U+2212) or plus and a currency before or after the number ("12 500 kr", "€ 12,50")
are accepted, as the README's import section says."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo

import polars as pl
from babel.numbers import get_decimal_symbol, get_group_symbol
from django.utils.translation import gettext as _

from lojal.core.inputs import EARLIEST_DATE, LATEST_DATE, date_fault

#: Digits before the decimal mark at most, as in lojal.imports.values (a 14-digit amount is already
#: a hundred thousand billion).
MAX_DIGITS = 14
SPACE_GROUPS = (" ", "\u00a0", "\u202f")
_CURRENCY = r"(?:kr\.?|sek|nok|dkk|eur|usd|€|\$)"
_CURRENCY_PREFIX = rf"(?i)^{_CURRENCY}\s*"
_CURRENCY_SUFFIX = rf"(?i)\s*(?:{_CURRENCY}|:-)$"
_VALUE_SHOWN = 40


class Parsed(NamedTuple):
    """A parsed column: its values and, per cell, why it was rejected."""

    value: pl.Expr
    reason: pl.Expr


def _message(template: str, value: pl.Expr) -> pl.Expr:
    """``template`` (a translated text with one ``%(value)s``) with each cell put in its place."""
    before, _sep, after = template.partition("%(value)s")
    return pl.concat_str([pl.lit(before), value.str.slice(0, _VALUE_SHOWN), pl.lit(after)])


def number_symbols(locale: str) -> tuple[str, tuple[str, ...]]:
    """The locale's decimal mark and the group separators accepted with it, the locale's own first."""
    decimal = get_decimal_symbol(locale)
    groups = [get_group_symbol(locale), *SPACE_GROUPS]
    if decimal in ",.":
        groups.append("." if decimal == "," else ",")
    return decimal, tuple(dict.fromkeys(group for group in groups if group != decimal))


def decimal_expr(column: str | pl.Expr, locale: str, *, scale: int = 2) -> Parsed:
    """Numbers written in ``locale``'s notation as ``Decimal(MAX_DIGITS + scale, scale)``; more than
    ``scale`` decimals is rejected rather than rounded."""
    decimal, groups = number_symbols(locale)
    cell = (pl.col(column) if isinstance(column, str) else column).cast(pl.String).str.strip_chars()
    text = (
        cell.str.replace(_CURRENCY_PREFIX, "")
        .str.replace(_CURRENCY_SUFFIX, "")
        .str.replace("\u2212", "-", literal=True)
    )
    mark = re.escape(decimal)
    grouped = "|".join(rf"[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}})+" for group in groups)
    strict = rf"^[-+]?(?:[0-9]+|{grouped})(?:{mark}[0-9]+)?$"
    separators = "".join(re.escape(group) for group in groups)
    loose = rf"^[-+]?[0-9][0-9{separators}]*(?:{mark}[0-9]+)?$"
    plain = text.str.replace_many(list(groups), [""] * len(groups)).str.replace(decimal, ".", literal=True)
    whole = plain.str.replace(r"^[-+]?0*", "").str.replace(r"\..*$", "")
    places = plain.str.replace(r"^[^.]*\.?", "")
    well_formed = text.str.contains(strict)
    too_large = whole.str.len_chars() > MAX_DIGITS
    too_precise = places.str.len_chars() > scale
    reason = (
        pl.when(cell == "")
        .then(pl.lit(None, pl.String))
        .when(~well_formed & text.str.contains(loose))
        .then(
            _message(
                _(
                    "Not a number: %(value)s: separators between thousands go only between groups of three digits."
                ),
                cell,
            )
        )
        .when(~well_formed)
        .then(_message(_("Not a number: %(value)s"), cell))
        .when(too_large)
        .then(_message(_("Too large: %(value)s"), cell))
        .when(too_precise)
        .then(
            _message(
                _("More than %(places)d decimals: %(value)s") % {"places": scale, "value": "%(value)s"}, cell
            )
        )
    )
    value = (
        pl.when(cell.ne("") & well_formed & ~too_large & ~too_precise)
        .then(plain)
        .cast(pl.Decimal(MAX_DIGITS + scale, scale), strict=False)
    )
    return Parsed(value, reason)


# Today's accepted dates (lojal.imports.values.parse_date): ISO, compact, Nordic day first with
# point, slash or dash, and year first with slash or point. Each gives (year, month, day).
_DATE_FORMATS = (
    (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", (1, 2, 3)),
    (r"^([0-9]{4})([0-9]{2})([0-9]{2})$", (1, 2, 3)),
    (r"^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})$", (3, 2, 1)),
    (r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})$", (1, 2, 3)),
)
# The time of day after a date, as datetime.fromisoformat reads it in the forms ERPs write.
_TIME = r"^([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,6}))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$"


def _date_from_text(text: pl.Expr) -> pl.Expr:
    parts = []
    for position in range(3):
        candidates = [text.str.extract(pattern, groups[position]) for pattern, groups in _DATE_FORMATS]
        parts.append(pl.coalesce(candidates))
    year, month, day = parts
    iso = pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-")
    return iso.str.to_date("%Y-%m-%d", strict=False)


def _range_message() -> str:
    return date_fault(EARLIEST_DATE - dt.timedelta(days=1)) or ""


def _in_range(day: pl.Expr) -> pl.Expr:
    return day.is_between(pl.lit(EARLIEST_DATE), pl.lit(LATEST_DATE))


def date_expr(column: str | pl.Expr) -> Parsed:
    """Calendar dates in today's accepted forms (2026-03-14, 20260314, 14.3.2026, 14/3/2026,
    14-03-2026, 2026/3/14), within 1900-2100 (lojal.core.inputs.date_fault)."""
    cell = (pl.col(column) if isinstance(column, str) else column).cast(pl.String).str.strip_chars()
    day = _date_from_text(cell)
    reason = (
        pl.when(cell == "")
        .then(pl.lit(None, pl.String))
        .when(day.is_null())
        .then(_message(_("Not a date: %(value)s"), cell))
        .when(~_in_range(day))
        .then(pl.lit(_range_message()))
    )
    return Parsed(pl.when(_in_range(day)).then(day), reason)


def _localised(naive: pl.Expr, zone_name: str) -> pl.Expr:
    """Local wall-clock times in ``zone_name`` as UTC, the way ``datetime.replace(tzinfo=ZoneInfo)``
    reads them: an ambiguous time (the hour clocks go back) is the earlier, and a time that does not
    exist (the hour clocks skip) takes the offset in force before the skip. Polars' zone data
    (chrono-tz) holds no transitions after 2037 and, before 1970, may not be the system's copy that
    Python and the rest of Lojal use: times outside 1970-2037 are converted by zoneinfo, one by one
    (they are rare in a file)."""
    utc = naive.dt.replace_time_zone(zone_name, ambiguous="earliest", non_existent="null")
    shift = pl.duration(hours=3)  # longer than any daylight-saving skip
    skipped = (naive - shift).dt.replace_time_zone(
        zone_name, ambiguous="earliest", non_existent="null"
    ) + shift
    modern = pl.coalesce(utc, skipped).dt.convert_time_zone("UTC")
    outside = naive.map_batches(lambda series: _by_zoneinfo(series, zone_name), return_dtype=_UTC)
    return pl.coalesce(outside, modern)


_UTC = pl.Datetime("us", "UTC")


def _by_zoneinfo(naive: pl.Series, zone_name: str) -> pl.Series:
    """``naive`` in ``zone_name`` as UTC where the year is outside 1970-2037, else null."""
    years = naive.dt.year()
    outside = (years < 1970) | (years > 2037)
    result = pl.Series(naive.name, [None] * len(naive), dtype=_UTC)
    if not outside.any():
        return result
    zone = ZoneInfo(zone_name)
    positions = outside.arg_true()
    moments = [
        None if moment is None else moment.replace(tzinfo=zone).astimezone(dt.UTC)
        for moment in naive.gather(positions).to_list()
    ]
    return result.scatter(positions, pl.Series(moments, dtype=_UTC))


def moment_expr(column: str | pl.Expr, zone_name: str) -> Parsed:
    """Points in time as UTC: a date alone (local midnight), or a date, a space or "T", and a time
    ("13:45", "13:45:10", "13:45:10.5") with or without an offset ("Z", "+01:00"); a time without an
    offset is local to ``zone_name``. The date (as written) must be within 1900-2100."""
    cell = (pl.col(column) if isinstance(column, str) else column).cast(pl.String).str.strip_chars()
    dated = cell.str.len_chars() <= 10
    date_text = pl.when(dated).then(cell).otherwise(cell.str.extract(r"^([^ T]*)[ T]", 1))
    time_text = pl.when(dated).then(pl.lit("00:00")).otherwise(cell.str.extract(r"^[^ T]*[ T](.*)$", 1))
    time_text = time_text.str.strip_chars()
    day = _date_from_text(date_text)
    hour, minute, second, fraction, offset = (time_text.str.extract(_TIME, group) for group in range(1, 6))
    hours, minutes = hour.cast(pl.Int64), minute.cast(pl.Int64)
    seconds = second.fill_null("0").cast(pl.Int64)
    micros = fraction.fill_null("").str.pad_end(6, "0").cast(pl.Int64, strict=False)
    time_ok = hour.is_not_null() & (hours < 24) & (minutes < 60) & (seconds < 60)
    naive = day.cast(pl.Datetime("us")) + pl.duration(
        hours=hours, minutes=minutes, seconds=seconds, microseconds=micros.fill_null(0)
    )
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    offset_digits = offset.str.replace_all(r"[^0-9]", "")
    offset_hours = offset_digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset_minutes = offset_digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset_ok = offset.is_null() | (offset == "Z") | ((offset_hours < 24) & (offset_minutes < 60))
    from_offset = (
        (naive - pl.duration(minutes=sign * (offset_hours * 60 + offset_minutes)))
        .dt.replace_time_zone("UTC")
        .dt.cast_time_unit("us")
    )
    moment = (
        pl.when(offset.is_null())
        .then(_localised(naive, zone_name))
        .otherwise(from_offset)
        .dt.cast_time_unit("us")
    )
    reason = (
        pl.when(cell == "")
        .then(pl.lit(None, pl.String))
        .when(day.is_null())
        .then(_message(_("Not a date: %(value)s"), cell))
        .when(~time_ok | ~offset_ok)
        .then(_message(_("Not a time: %(value)s"), cell))
        .when(~_in_range(day))
        .then(pl.lit(_range_message()))
    )
    return Parsed(pl.when(reason.is_null() & (cell != "")).then(moment), reason)


def row_hash_expr(columns: list[str], *, optional: list[str] | None = None, suffix: str = "") -> pl.Expr:
    """The content hash the importer stores per row (lojal.imports.base.Importer.map): the MD5, in
    hex, of the cells of ``columns`` joined by U+001F, then the non-empty cells of ``optional``, then
    ``suffix``. MD5 is computed by hashlib on whole batches, so a hash stays the same across
    processes, polars versions and the rows already stored (polars' own ``hash()`` is only stable
    within one polars version)."""
    text = pl.concat_str([pl.col(name).fill_null("") for name in columns], separator="\x1f")
    if optional:
        extras = [pl.when(pl.col(name) != "").then(pl.col(name)) for name in optional]
        text = pl.concat_str([text, *extras], separator="\x1f", ignore_nulls=True)
    if suffix:
        text = pl.concat_str([text, pl.lit(suffix)])
    return text.map_batches(_md5_hex, return_dtype=pl.String)


def _md5_hex(texts: pl.Series) -> pl.Series:
    md5 = hashlib.md5
    return pl.Series(
        [md5(text.encode(), usedforsecurity=False).hexdigest() for text in texts], dtype=pl.String
    )
