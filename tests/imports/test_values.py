"""Numbers and dates as Nordic ERPs and spreadsheets write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from lojal.imports.values import cell_text, parse_bool, parse_date, parse_decimal, parse_moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1234.5", "1234.5"),
        ("29.33", "29.33"),
        ("-12,5", "-12.5"),
        ("12,50-", "-12.50"),
        ("(99,90)", "-99.90"),
        ("\u2212 7,25", "-7.25"),
        ("1 234 567", "1234567"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("12 500 kr", "12500"),
        ("SEK 99,00", "99.00"),
        ("+5", "5"),
        ("0,5", "0.5"),
    ],
)
def test_nordic_and_international_numbers_read_as_decimals(text: str, expected: str) -> None:
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12,3,4x", "1.2.3,4,5", "--5", "1e5", "NaN", "12 kr 50"])
def test_what_is_not_a_number_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,234,56", "Not a number: 1,234,56 (several decimal marks)."),
        (
            "1 23,5",
            "Not a number: 1 23,5 (a thousands separator stands only between groups of three digits).",
        ),
        ("1.234,567.8", "Not a number: 1.234,567.8 (decimal marks and thousands separators are mixed)."),
        ("-", "Not a number: - (no digits)."),
    ],
)
def test_a_malformed_amount_is_refused_with_the_value_and_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_decimal(text)
    assert str(refused.value) == reason


def test_spreadsheet_numbers_are_taken_as_they_are() -> None:
    assert parse_decimal(12) == Decimal(12)
    assert parse_decimal(0.1) == Decimal("0.1")
    with pytest.raises(ValueError):
        parse_decimal(True)


def test_numbers_too_large_for_the_database_are_refused() -> None:
    with pytest.raises(ValueError, match="Too large"):
        parse_decimal("123456789012345678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", dt.date(2026, 3, 14)),
        ("20260314", dt.date(2026, 3, 14)),
        ("14.3.2026", dt.date(2026, 3, 14)),
        ("14.03.2026", dt.date(2026, 3, 14)),
        ("14/3/2026", dt.date(2026, 3, 14)),
        ("14-03-2026", dt.date(2026, 3, 14)),
        ("2026/03/14", dt.date(2026, 3, 14)),
    ],
)
def test_iso_and_nordic_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "31.2.2026", "yesterday", "", "3/14/2026", "2026-3-14x"])
def test_impossible_or_unknown_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_moments_without_a_zone_are_read_in_the_configured_time_zone(settings: object) -> None:
    stockholm = ZoneInfo("Europe/Stockholm")
    assert parse_moment("2026-03-14") == dt.datetime(2026, 3, 14, tzinfo=stockholm)
    assert parse_moment("14.3.2026 13:45") == dt.datetime(2026, 3, 14, 13, 45, tzinfo=stockholm)
    assert parse_moment("2026-07-01T10:00:00Z") == dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)
    assert parse_moment("2026-07-01 10:00:00+02:00").utcoffset() == dt.timedelta(hours=2)
    assert parse_moment(dt.datetime(2026, 1, 2, 3, 4)) == dt.datetime(2026, 1, 2, 3, 4, tzinfo=stockholm)
    with pytest.raises(ValueError):
        parse_moment("2026-03-14 25:99")


def test_yes_and_no_in_nordic_languages() -> None:
    assert parse_bool("Ja") is True
    assert parse_bool("nei") is False
    assert parse_bool("aktiv") is True
    with pytest.raises(ValueError):
        parse_bool("kanske")


def test_spreadsheet_cells_as_text() -> None:
    assert cell_text(12.0) == "12"
    assert cell_text(12.5) == "12.5"
    assert cell_text(dt.datetime(2026, 3, 14)) == "2026-03-14"
    assert cell_text(dt.datetime(2026, 3, 14, 8, 30)) == "2026-03-14 08:30:00"
    assert cell_text(None) == ""
