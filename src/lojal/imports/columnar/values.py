"""Cells to values as polars expressions: numbers in a locale's notation, dates and points in time, and
a row's content hash. Each parser gives one struct expression over the column with two fields: the
value (null where the cell is empty or rejected) and the reason (null where the cell is empty or
fine; else the value and why, fit to show the user), so a batch is checked without a Python loop.

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
from lojal.imports.values import TIME_PATTERN

#: Digits before the decimal mark at most, as in lojal.imports.values (a 14-digit amount is already
#: a hundred thousand billion).
MAX_DIGITS = 14
SPACE_GROUPS = (" ", "\u00a0", "\u202f")
_CURRENCY = r"(?:kr\.?|sek|nok|dkk|eur|usd|€|\$)"
_CURRENCY_PREFIX = rf"(?i)^{_CURRENCY}\s*"
_CURRENCY_SUFFIX = rf"(?i)\s*(?:{_CURRENCY}|:-)$"
_VALUE_SHOWN = 40


class Parsed(NamedTuple):
    """A parsed column as one struct expression with the fields ``value`` and ``reason``. ``value``
    and ``reason`` are each that struct's field: selecting both runs the parse twice (polars does not
    share a Python batch function between expressions), so a hot path selects :func:`parsed_columns`
    instead."""

    both: pl.Expr

    @property
    def value(self) -> pl.Expr:
        return self.both.struct.field("value")

    @property
    def reason(self) -> pl.Expr:
        return self.both.struct.field("reason")


def parsed_columns(frame: pl.DataFrame | pl.LazyFrame, parsed: dict[str, Parsed], *keep: str) -> pl.DataFrame:
    """``frame``'s ``keep`` columns and, per name in ``parsed``, the columns ``name`` (the values) and
    ``name_reason`` (why a cell was rejected, or null), each parse run once."""
    selected = frame.lazy().select(*keep, *(item.both.alias(name) for name, item in parsed.items()))
    fields = [
        expression
        for name in parsed
        for expression in (
            pl.col(name).struct.field("value").alias(name),
            pl.col(name).struct.field("reason").alias(f"{name}_reason"),
        )
    ]
    return selected.select(*keep, *fields).collect()


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


Stage = dict[str, pl.Expr]


def _staged(
    column: str | pl.Expr, stages: list[Stage], dtype: pl.DataType, fast: pl.Expr | None = None
) -> Parsed:
    """Run ``stages`` (each a set of named expressions over the columns before it, starting from the
    stripped text ``cell``) on every batch of ``column``, down to ``value`` and ``reason``. Staging
    materialises each intermediate column once: one nested expression would repeat its shared parts
    in every branch that uses them. ``fast`` gives the value of the cells written in the common form
    (null for the others); only the rest go through the stages."""
    source = pl.col(column) if isinstance(column, str) else column

    def run(cells: pl.Series) -> pl.Series:
        frame = pl.DataFrame({"cell": cells.cast(pl.String).str.strip_chars()})
        if fast is None:
            return _through(frame, stages).select(pl.struct("value", "reason")).to_series()
        value = frame.select(fast.cast(dtype).alias("value")).to_series()
        reason = pl.Series("reason", [None] * len(value), dtype=pl.String)
        rest = value.is_null().arg_true()
        if len(rest):
            slow = _through(frame[rest], stages)
            value = value.scatter(rest, slow["value"].cast(dtype))
            reason = reason.scatter(rest, slow["reason"])
        return pl.DataFrame([value, reason]).select(pl.struct("value", "reason")).to_series()

    both = source.map_batches(run, return_dtype=pl.Struct({"value": dtype, "reason": pl.String}))
    return Parsed(both)


def _through(frame: pl.DataFrame, stages: list[Stage]) -> pl.DataFrame:
    for stage in stages:
        frame = frame.with_columns(**stage)
    return frame


def decimal_expr(column: str | pl.Expr, locale: str, *, scale: int = 2) -> Parsed:
    """Numbers written in ``locale``'s notation as ``Decimal(MAX_DIGITS + scale, scale)``; more than
    ``scale`` decimals is rejected rather than rounded."""
    decimal, groups = number_symbols(locale)
    mark = re.escape(decimal)
    grouped = "|".join(rf"[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}})+" for group in groups)
    strict = rf"^[-+]?(?:[0-9]+|{grouped})(?:{mark}[0-9]+)?$"
    separators = "".join(re.escape(group) for group in groups)
    loose = rf"^[-+]?[0-9][0-9{separators}]*(?:{mark}[0-9]+)?$"
    cell, text, plain = pl.col("cell"), pl.col("text"), pl.col("plain")
    dtype = pl.Decimal(MAX_DIGITS + scale, scale)
    grouping = _(
        "Not a number: %(value)s: separators between thousands go only between groups of three digits."
    )
    precision = _("More than %(places)d decimals: %(value)s") % {"places": scale, "value": "%(value)s"}
    stages: list[Stage] = [
        {
            "text": cell.str.replace(_CURRENCY_PREFIX, "")
            .str.replace(_CURRENCY_SUFFIX, "")
            .str.replace("\u2212", "-", literal=True)
        },
        {
            "well_formed": text.str.contains(strict),
            "plain": text.str.replace_many(list(groups), [""] * len(groups)).str.replace(
                decimal, ".", literal=True
            ),
        },
        {
            "too_large": plain.str.replace(r"^[-+]?0*", "").str.replace(r"\..*$", "").str.len_chars()
            > MAX_DIGITS,
            "too_precise": plain.str.replace(r"^[^.]*\.?", "").str.len_chars() > scale,
        },
        {
            "reason": pl.when(cell == "")
            .then(pl.lit(None, pl.String))
            .when(~pl.col("well_formed") & text.str.contains(loose))
            .then(_message(grouping, cell))
            .when(~pl.col("well_formed"))
            .then(_message(_("Not a number: %(value)s"), cell))
            .when(pl.col("too_large"))
            .then(_message(_("Too large: %(value)s"), cell))
            .when(pl.col("too_precise"))
            .then(_message(precision, cell)),
        },
        {"value": pl.when((cell != "") & pl.col("reason").is_null()).then(plain).cast(dtype, strict=False)},
    ]
    # The forms most cells take ("1 234,50", "-99,90"): checked by one pattern, read without the stages.
    common = "|".join(
        [
            rf"[0-9]{{1,{MAX_DIGITS}}}",
            *(rf"[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}}){{1,3}}" for group in groups[:2]),
        ]
    )
    fraction = rf"(?:{mark}[0-9]{{1,{scale}}})?" if scale else ""
    quick = pl.when(cell.str.contains(rf"^-?(?:{common}){fraction}$")).then(
        cell.str.replace_many(list(groups[:2]), ["", ""]).str.replace(decimal, ".", literal=True)
    )
    return _staged(column, stages, dtype, fast=quick.cast(dtype, strict=False))


# Today's accepted dates (lojal.imports.values.parse_date): ISO, compact, Nordic day first with
# point, slash or dash, and year first with slash or point. Each gives (year, month, day).
_DATE_FORMATS = (
    (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", (1, 2, 3)),
    (r"^([0-9]{4})([0-9]{2})([0-9]{2})$", (1, 2, 3)),
    (r"^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})$", (3, 2, 1)),
    (r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})$", (1, 2, 3)),
)
# The time of day after a date, as datetime.fromisoformat reads it in the forms ERPs write.
_TIME = TIME_PATTERN


def _date_from_text(text: pl.Expr) -> pl.Expr:
    """One pattern match per accepted form, the parts gathered into ISO text and read strictly (a
    31 February is null)."""
    found = [text.str.extract_groups(pattern) for pattern, _order in _DATE_FORMATS]
    parts = [
        pl.coalesce(
            [
                match.struct.field(str(order[position]))
                for match, (_p, order) in zip(found, _DATE_FORMATS, strict=True)
            ]
        )
        for position in range(3)
    ]
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
    cell, day = pl.col("cell"), pl.col("day")
    stages: list[Stage] = [
        {"day": _date_from_text(cell)},
        {
            "reason": pl.when(cell == "")
            .then(pl.lit(None, pl.String))
            .when(day.is_null())
            .then(_message(_("Not a date: %(value)s"), cell))
            .when(~_in_range(day))
            .then(pl.lit(_range_message()))
        },
        {"value": pl.when(pl.col("reason").is_null()).then(day)},
    ]
    common = cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    quick = pl.when(common).then(cell).str.to_date("%Y-%m-%d", strict=False)
    return _staged(column, stages, pl.Date(), fast=pl.when(_in_range(quick)).then(quick))


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
    cell, day, offset = pl.col("cell"), pl.col("day"), pl.col("offset")
    hours, minutes, seconds = pl.col("hours"), pl.col("minutes"), pl.col("seconds")
    dated = cell.str.len_chars() <= 10
    time = pl.col("time").str.extract_groups(_TIME)
    digits = offset.str.replace_all(r"[^0-9]", "")
    offset_minutes = digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0) * 60 + digits.str.slice(
        2, 2
    ).cast(pl.Int64, strict=False).fill_null(0)
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    stages: list[Stage] = [
        {
            "date": pl.when(dated).then(cell).otherwise(cell.str.extract(r"^([^ T]*)[ T]", 1)),
            "time": pl.when(dated)
            .then(pl.lit("00:00"))
            .otherwise(cell.str.extract(r"^[^ T]*[ T](.*)$", 1))
            .str.strip_chars(),
        },
        {
            "day": _date_from_text(pl.col("date")),
            "hours": time.struct.field("1").cast(pl.Int64),
            "minutes": time.struct.field("2").cast(pl.Int64),
            "seconds": time.struct.field("3").fill_null("0").cast(pl.Int64),
            "micros": time.struct.field("4").fill_null("").str.pad_end(6, "0").cast(pl.Int64, strict=False),
            "offset": time.struct.field("5"),
        },
        {
            "time_ok": hours.is_not_null() & (hours < 24) & (minutes < 60) & (seconds < 60),
            "offset_ok": offset.is_null()
            | (offset == "Z")
            | (digits.str.slice(2, 2).fill_null("0").cast(pl.Int64, strict=False) < 60),
            "naive": day.cast(pl.Datetime("us"))
            + pl.duration(
                hours=hours, minutes=minutes, seconds=seconds, microseconds=pl.col("micros").fill_null(0)
            ),
        },
        {
            "reason": pl.when(cell == "")
            .then(pl.lit(None, pl.String))
            .when(day.is_null())
            .then(_message(_("Not a date: %(value)s"), cell))
            .when(~pl.col("time_ok") | ~pl.col("offset_ok"))
            .then(_message(_("Not a time: %(value)s"), cell))
            .when(~_in_range(day))
            .then(pl.lit(_range_message()))
        },
        {
            "naive": pl.when(pl.col("reason").is_null() & (cell != "")).then(pl.col("naive")),
        },
        {
            "value": pl.when(offset.is_null())
            .then(_localised(pl.col("naive"), zone_name))
            .otherwise(
                (pl.col("naive") - pl.duration(minutes=sign * offset_minutes))
                .dt.replace_time_zone("UTC")
                .dt.cast_time_unit("us")
            )
        },
    ]
    # The form most ERPs write, "2026-03-14 13:45", in years polars' zone data covers.
    common = cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$")
    quick = pl.when(common).then(cell).str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False)
    local = pl.when(quick.dt.year().is_between(1970, 2037)).then(quick)
    fast = local.dt.replace_time_zone(
        zone_name, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")
    return _staged(column, stages, _UTC, fast=fast)


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
    # polars hands the UTF-8 bytes over as they are: no str object and no encode per row.
    digests = [md5(text, usedforsecurity=False).hexdigest() for text in texts.cast(pl.Binary).to_list()]
    return pl.Series(texts.name, digests, dtype=pl.String)
