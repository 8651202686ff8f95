"""Numbers read strictly: Babel's locale data decides what a thousands separator and a decimal mark
are, so a malformed amount is refused with its reason instead of being read as another number."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from babel.numbers import parse_decimal as babel_parse_decimal
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lojal.imports.rules.numbers import SUPPORTED_LOCALES, NumberError, number_parse

amounts = st.decimals(
    min_value=Decimal("-99999999999999.99"),
    max_value=Decimal("99999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
quantities = st.decimals(
    min_value=Decimal(0), max_value=Decimal("9999999"), places=4, allow_nan=False, allow_infinity=False
)


@settings(max_examples=300, deadline=None)
@given(
    number=st.one_of(amounts, quantities), locale=st.sampled_from(SUPPORTED_LOCALES), grouped=st.booleans()
)
@example(number=Decimal("1234567.50"), locale="sv_SE", grouped=True)
@example(number=Decimal("-1234567.50"), locale="da_DK", grouped=True)
def test_every_number_formatted_in_a_supported_locale_reads_back_as_itself(
    number: Decimal, locale: str, grouped: bool
) -> None:
    text = format_decimal(number, locale=locale, group_separator=grouped, decimal_quantization=False)
    assert number_parse(text, locale) == number


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1 234 567,50", "sv_SE", "1234567.50"),
        ("1\u00a0234\u00a0567,50", "nb_NO", "1234567.50"),
        ("1\u202f234\u202f567,50", "fi_FI", "1234567.50"),
        ("1.234.567,50", "sv_SE", "1234567.50"),
        ("1.234.567,50", "da_DK", "1234567.50"),
        ("1,234,567.50", "sv_SE", "1234567.50"),
        ("1,234,567.50", "en_GB", "1234567.50"),
        ("1,234", "sv_SE", "1.234"),
        ("1,234", "en_US", "1234"),
        ("1.234", "sv_SE", "1.234"),
        ("1.234", "da_DK", "1234"),
        ("29.33", "fi_FI", "29.33"),
        ("1,5", "en_GB", "1.5"),
    ],
)
def test_the_files_locale_decides_first_then_the_other_conventions_strictly(
    text: str, locale: str, expected: str
) -> None:
    assert number_parse(text, locale) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,234,56", NumberError.SEVERAL_DECIMAL_MARKS),
        ("12,50,00", NumberError.SEVERAL_DECIMAL_MARKS),
        ("1.2.3", NumberError.SEVERAL_DECIMAL_MARKS),
        ("1 23,5", NumberError.MISPLACED_GROUP),
        ("12 34 567", NumberError.MISPLACED_GROUP),
        ("1,2345.5", NumberError.MISPLACED_GROUP),
        ("1.234,567.8", NumberError.MIXED_SEPARATORS),
        ("1,234.567,8", NumberError.MIXED_SEPARATORS),
        ("12a", NumberError.NOT_A_NUMBER),
        ("1e5", NumberError.NOT_A_NUMBER),
        ("1_000", NumberError.NOT_A_NUMBER),
        ("NaN", NumberError.NOT_A_NUMBER),
        ("12 kr 50", NumberError.NOT_A_NUMBER),
        ("--5", NumberError.NOT_A_NUMBER),
        ("-", NumberError.NO_DIGITS),
        ("\u2212", NumberError.NO_DIGITS),
        ("", NumberError.EMPTY),
        ("123456789012345678", NumberError.TOO_LARGE),
    ],
)
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_malformed_numbers_are_refused_with_their_reason(text: str, reason: str, locale: str) -> None:
    with pytest.raises(NumberError) as refused:
        number_parse(text, locale)
    assert (refused.value.reason, refused.value.value) == (reason, text)


digit_groups = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=4), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    groups=digit_groups,
    separators=st.lists(st.sampled_from([" ", "\u00a0", "\u202f", ".", ","]), min_size=3, max_size=3),
    decimals=st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=3)),
    mark=st.sampled_from([",", "."]),
    negative=st.booleans(),
    locale=st.sampled_from(SUPPORTED_LOCALES),
)
def test_a_misplaced_separator_is_never_read_as_another_number(
    groups: list[str],
    separators: list[str],
    decimals: str | None,
    mark: str,
    negative: bool,
    locale: str,
) -> None:
    """Whatever digits and separators are put together, the reading is either refused or one that
    Babel's strict parser gives in one of the conventions (never a guess of its own)."""
    text = groups[0] + "".join(sep + group for sep, group in zip(separators, groups[1:], strict=False))
    if decimals is not None:
        text += mark + decimals
    try:
        number = number_parse(("-" if negative else "") + text, locale)
    except NumberError:
        return
    unsigned = -number if negative else number
    spaced = text.replace(" ", "\u00a0").replace("\u202f", "\u00a0")
    readings = set()
    for each in ("sv_SE", "da_DK", "en_US", locale):
        try:
            readings.add(babel_parse_decimal(spaced, locale=each, strict=True))
        except ValueError:
            continue
    assert unsigned in readings
    if any(sep in text for sep in " \u00a0\u202f"):
        # With spaces as the thousands separator, a comma or a point can only be the decimal mark.
        whole = re.split(r"[.,]", spaced)[0]
        assert all(len(group) == 3 for group in whole.split("\u00a0")[1:])


@settings(max_examples=400, deadline=None)
@given(
    text=st.from_regex(
        r"-?[0-9]{1,14}([.,][0-9]{1,4})?|-?[0-9]{1,3}([ \u00a0.,][0-9]{3}){1,3}([.,][0-9]{1,3})?",
        fullmatch=True,
    ),
    locale=st.sampled_from(SUPPORTED_LOCALES),
)
def test_the_fast_paths_give_what_babel_gives(text: str, locale: str) -> None:
    from lojal.imports.rules import numbers

    numbers._plain.cache_clear()
    fast = number_parse(text, locale) if _reads(text, locale) else None
    original_plain, original_grouped = numbers._plain, numbers._grouped
    try:
        numbers._plain = lambda name: (numbers.re.compile(r"(?!)"), ",")  # type: ignore[assignment]
        numbers._grouped = lambda name: numbers.re.compile(r"(?!)")  # type: ignore[assignment]
        slow = number_parse(text, locale) if _reads(text, locale) else None
    finally:
        numbers._plain, numbers._grouped = original_plain, original_grouped
    assert fast == slow


def _reads(text: str, locale: str) -> bool:
    try:
        number_parse(text, locale)
    except NumberError:
        return False
    return True
