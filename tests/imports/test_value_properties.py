"""Property tests of the scalar value parsers (lojal.imports.values, rules.numbers) and their
agreement with the columnar ones: any text is a value or a refusal with a reason, never a crash; a
value written in an accepted form reads back as itself; and the columnar moment parser accepts
exactly what the scalar one accepts, as the same instant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lojal.imports import values
from lojal.imports.columnar.values import moment_expr
from lojal.imports.rules.numbers import SUPPORTED_LOCALES, NumberError, number_parse

ZONE = "Europe/Stockholm"
PROPERTY = settings(max_examples=300, deadline=None, database=None)
numberish = st.text(alphabet="0123456789 .,'-+()−\u00a0\u202fkr€$e", max_size=16)


@PROPERTY
@given(text=st.one_of(numberish, st.text(max_size=20)), locale=st.sampled_from(SUPPORTED_LOCALES))
def test_any_text_is_a_finite_number_or_a_number_error(text: str, locale: str) -> None:
    try:
        number = number_parse(text, locale)
    except NumberError as error:
        assert error.reason
        assert values.number_error_text(error)  # every reason has its sentence
    else:
        assert number.is_finite()
        # Written plainly, the number reads back as itself in every locale with a full stop or comma.
        plain = format(number, "f")
        assert number_parse(plain, "en_GB") == number
        assert number_parse(plain.replace(".", ","), "sv_SE") == number


@PROPERTY
@given(text=st.one_of(numberish, st.text(max_size=20)))
def test_parse_decimal_gives_a_decimal_or_a_value_error_with_a_reason(text: str) -> None:
    try:
        number = values.parse_decimal(text, "sv_SE")
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(number, Decimal)


days = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


@PROPERTY
@given(day=days)
def test_a_date_in_each_accepted_form_reads_back_as_itself(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day:%d/%m/%Y}",
        f"{day:%d-%m-%Y}",
        f" {day.isoformat()} ",
    ]
    assert [values.parse_date(form) for form in forms] == [day] * len(forms)


@PROPERTY
@given(text=st.one_of(st.text(alphabet="0123456789-./ ", max_size=12), st.text(max_size=12)))
def test_any_text_is_a_date_or_a_value_error_with_a_reason(text: str) -> None:
    try:
        values.parse_date(text)
    except ValueError as error:
        assert str(error)


moments = st.datetimes(
    dt.datetime(1900, 1, 2),
    dt.datetime(2100, 12, 30),
    timezones=st.sampled_from(
        [dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
    ),
)


@PROPERTY
@given(moment=moments)
def test_a_moment_with_its_offset_reads_back_as_the_same_instant(moment: dt.datetime) -> None:
    for text in (
        moment.isoformat(),
        moment.isoformat(sep=" "),
        moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    ):
        assert values.parse_moment(text, ZONE) == moment, text


moment_like = st.builds(
    "{}{}{}".format,
    st.sampled_from(
        ["2026-03-14", "2026-3-14", "14.3.2026", "20260314", "1899-12-31", "2026-02-30", "2101-01-01"]
    ),
    st.sampled_from([" ", "T", "  ", ""]),
    st.text(alphabet="0123456789:.+-Z ", max_size=14),
)


def _scalar(text: str) -> dt.datetime | None:
    try:
        moment = values.parse_moment(text, ZONE)
    except ValueError:
        return None
    if not dt.date(1900, 1, 1) <= moment.date() <= dt.date(2100, 12, 31):
        return None
    return moment.astimezone(dt.UTC)


@settings(max_examples=300, deadline=None, database=None)
@given(texts=st.lists(moment_like, min_size=1, max_size=20))
@example(texts=["2026-03-14 13:45", "2026-03-14 24:00", "2026-03-14 13:45+01", "2026-03-14T13:45:00.5Z"])
@example(texts=["2026-03-14 00", "2026-03-14 1345", "2026-03-14 13+01", "2026-03-14 13:45:00.1234567"])
def test_the_columnar_moment_parser_accepts_exactly_what_the_scalar_one_accepts(texts: list[str]) -> None:
    parsed = moment_expr("cell", ZONE)
    frame = pl.DataFrame({"cell": texts}, schema={"cell": pl.String}).select(
        value=parsed.value, reason=parsed.reason
    )
    for text, (value, reason) in zip(texts, frame.iter_rows(), strict=True):
        wanted = _scalar(text)
        if wanted is None:
            assert (value, reason is not None) == (None, True), text
        else:
            assert (value, reason) == (wanted, None), text


@pytest.mark.parametrize(
    "text",
    ["2026-03-14 00", "2026-03-14 1345", "2026-03-14 13+01", "2026-03-14T13", "2026-03-14 13:45:00.1234567"],
)
def test_a_time_outside_hh_mm_is_refused_as_the_columnar_reader_refuses_it(text: str) -> None:
    # Python's fromisoformat reads "13" and "1345" and cuts a seventh decimal; the documented forms
    # are HH:MM[:SS[.ffffff]] with an optional offset, and the columnar reader holds to them.
    with pytest.raises(ValueError, match="Not a time"):
        values.parse_moment(text, ZONE)


def test_an_offset_after_hours_only_is_not_read_as_local_time() -> None:
    # The quick path for "YYYY-MM-DD HH:MM" once took "2026-03-14 13+01" (16 characters) and put the
    # local zone in place of its offset.
    with pytest.raises(ValueError):
        values.parse_moment("2026-03-14 13+01", ZONE)
    assert values.parse_moment("2026-03-14 13:45+01", ZONE) == dt.datetime(2026, 3, 14, 12, 45, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_cell_is_refused_as_empty(text: str) -> None:
    with pytest.raises(ValueError, match="Empty"):
        values.parse_date(text)
