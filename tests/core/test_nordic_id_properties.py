"""Property tests of the Nordic identity and organisation numbers: a valid number, generated with its
check digits computed, reads back as itself in every spelling, and changing any one digit under its
check makes it refused. (The Danish CPR number has had no check digit since 2007, and the century of
a Swedish 12-digit personnummer lies outside its Luhn digit: a change there is another valid number.)"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.dk import cpr as dk_cpr
from stdnum.dk import cvr as dk_cvr
from stdnum.fi import ytunnus as fi_ytunnus
from stdnum.no import fodselsnummer as no_fnr
from stdnum.no import orgnr as no_orgnr

from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import NationalId, national_id_parse

TODAY = dt.date.today()
HETU_CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
PROPERTY = settings(max_examples=150, deadline=None, database=None)

born = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY - dt.timedelta(days=1))
digits = st.text("0123456789", min_size=1, max_size=1)


def _completed(base: str, is_valid) -> str:  # type: ignore[no-untyped-def]
    """``base`` and the check digit that makes it valid (examples with none are discarded)."""
    endings = [digit for digit in "0123456789" if is_valid(base + digit)]
    assume(endings)
    return base + endings[0]


@st.composite
def se_people(draw: st.DrawFn) -> tuple[str, str]:
    day = draw(born)
    coordination = draw(st.booleans())
    dd = day.day + (60 if coordination else 0)
    nine = f"{day:%y%m}{dd:02d}{draw(st.integers(0, 999)):03d}"
    ten = nine + luhn.calc_check_digit(nine)
    return f"{day:%Y}"[:2] + ten, ("se_samordningsnummer" if coordination else "se_personnummer")


@st.composite
def se_organisations(draw: st.DrawFn) -> str:
    base = f"{draw(st.integers(1, 9))}{draw(st.integers(0, 9))}{draw(st.integers(2, 9))}"
    base += f"{draw(st.integers(0, 999_999)):06d}"
    return base + luhn.calc_check_digit(base)


@st.composite
def no_people(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=min(TODAY, dt.date(2039, 12, 31))))
    individual = draw(st.integers(0, 499) if day.year < 2000 else st.integers(500, 999))
    nine = f"{day:%d%m%y}{individual:03d}"
    ten = nine + no_fnr.calc_check_digit1(nine)
    eleven = ten + no_fnr.calc_check_digit2(ten)
    assume(no_fnr.is_valid(eleven))
    return eleven


@st.composite
def no_organisations(draw: st.DrawFn) -> str:
    return _completed(
        f"{draw(st.sampled_from('89'))}{draw(st.integers(0, 9_999_999)):07d}", no_orgnr.is_valid
    )


@st.composite
def dk_people(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1937, 1, 1), max_value=min(TODAY, dt.date(2036, 12, 31))))
    # The seventh digit and the two-digit year give the century: 4 and 9 cover 1937-2036.
    number = f"{day:%d%m%y}{draw(st.sampled_from('49'))}{draw(st.integers(0, 999)):03d}"
    assume(dk_cpr.is_valid(number))
    return number


@st.composite
def dk_organisations(draw: st.DrawFn) -> str:
    return _completed(f"{draw(st.integers(1_000_000, 9_999_999))}", dk_cvr.is_valid)


@st.composite
def fi_people(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY - dt.timedelta(days=1)))
    sign = "-" if day.year < 2000 else "A"
    individual = f"{draw(st.integers(2, 899)):03d}"
    check = HETU_CHECKS[int(f"{day:%d%m%y}{individual}") % 31]
    return f"{day:%d%m%y}{sign}{individual}{check}"


@st.composite
def fi_organisations(draw: st.DrawFn) -> str:
    return _completed(f"{draw(st.integers(0, 9_999_999)):07d}", fi_ytunnus.is_valid)


def _refused(country: str, holder: str, value: str) -> bool:
    try:
        national_id_parse(country=country, holder=holder, value=value)  # type: ignore[arg-type]
    except ValidationError as error:
        return [field for field, _reasons in error.errors.items()] == ["national_id"]
    return False


def _one_digit_changed(value: str, positions: list[int], data: st.DataObject) -> str:
    position = data.draw(st.sampled_from(positions))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != value[position]]))
    return value[:position] + digit + value[position + 1 :]


def _round_trips(country: str, holder: str, spellings: list[str]) -> NationalId:
    parsed = [national_id_parse(country=country, holder=holder, value=v) for v in spellings]  # type: ignore[arg-type]
    first = parsed[0]
    assert all(item == first for item in parsed), parsed
    # The display form and the stored form each read back as the very same number.
    assert national_id_parse(country=country, holder=holder, value=first.formatted) == first  # type: ignore[arg-type]
    assert national_id_parse(country=country, holder=holder, value=first.compact) == first  # type: ignore[arg-type]
    return first


@PROPERTY
@given(person=se_people(), data=st.data())
def test_a_valid_swedish_personal_number_round_trips_and_a_changed_digit_is_refused(
    person: tuple[str, str], data: st.DataObject
) -> None:
    compact, kind = person
    spellings = [compact, f"{compact[:8]}-{compact[8:]}", f" {compact[:8]} {compact[8:]} "]
    parsed = _round_trips("SE", "person", spellings)
    assert (parsed.kind, parsed.compact, parsed.formatted) == (kind, compact, f"{compact[:8]}-{compact[8:]}")
    changed = _one_digit_changed(compact, list(range(2, 12)), data)
    assert _refused("SE", "person", changed)


@PROPERTY
@given(number=se_organisations(), data=st.data())
def test_a_valid_swedish_organisation_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips("SE", "organisation", [number, f"{number[:6]}-{number[6:]}", f"16{number}"])
    assert (parsed.kind, parsed.compact, parsed.formatted) == (
        "se_orgnr",
        number,
        f"{number[:6]}-{number[6:]}",
    )
    assert _refused("SE", "organisation", _one_digit_changed(number, list(range(10)), data))


@PROPERTY
@given(number=no_people(), data=st.data())
def test_a_valid_norwegian_personal_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips("NO", "person", [number, f"{number[:6]} {number[6:]}"])
    assert (parsed.kind, parsed.compact, parsed.formatted) == (
        "no_fodselsnummer",
        number,
        f"{number[:6]} {number[6:]}",
    )
    assert _refused("NO", "person", _one_digit_changed(number, list(range(11)), data))


@PROPERTY
@given(number=no_organisations(), data=st.data())
def test_a_valid_norwegian_organisation_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips("NO", "organisation", [number, f"{number[:3]} {number[3:6]} {number[6:]}"])
    assert (parsed.kind, parsed.compact) == ("no_orgnr", number)
    assert _refused("NO", "organisation", _one_digit_changed(number, list(range(9)), data))


@PROPERTY
@given(number=dk_people())
def test_a_valid_danish_personal_number_round_trips(number: str) -> None:
    # No check digit to break: the CPR number's modulus-11 rule was given up in 2007.
    parsed = _round_trips("DK", "person", [number, f"{number[:6]}-{number[6:]}"])
    assert (parsed.kind, parsed.compact, parsed.formatted) == ("dk_cpr", number, f"{number[:6]}-{number[6:]}")


@PROPERTY
@given(number=dk_organisations(), data=st.data())
def test_a_valid_danish_organisation_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips(
        "DK", "organisation", [number, f"DK {number[:2]} {number[2:4]} {number[4:6]} {number[6:]}"]
    )
    assert (parsed.kind, parsed.compact) == ("dk_cvr", number)
    assert _refused("DK", "organisation", _one_digit_changed(number, list(range(8)), data))


@PROPERTY
@given(number=fi_people(), data=st.data())
def test_a_valid_finnish_personal_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips("FI", "person", [number, number.lower(), f" {number} "])
    assert (parsed.kind, parsed.compact) == ("fi_hetu", number)
    positions = [i for i in range(10) if i != 6 and number[i].isdigit()]
    assert _refused("FI", "person", _one_digit_changed(number, positions, data))


@PROPERTY
@given(number=fi_organisations(), data=st.data())
def test_a_valid_finnish_organisation_number_round_trips_and_a_changed_digit_is_refused(
    number: str, data: st.DataObject
) -> None:
    parsed = _round_trips("FI", "organisation", [number, f"{number[:7]}-{number[7]}"])
    assert (parsed.kind, parsed.compact, parsed.formatted) == (
        "fi_ytunnus",
        number,
        f"{number[:7]}-{number[7]}",
    )
    assert _refused("FI", "organisation", _one_digit_changed(number, list(range(8)), data))


@pytest.mark.parametrize(
    ("country", "holder", "value"),
    [("SE", "person", "198803200016"), ("SE", "person", "188803200016")],
)
def test_the_century_of_a_swedish_personal_number_is_outside_its_check(
    country: str, holder: str, value: str
) -> None:
    # Why the property above leaves the first two digits alone: both centuries are valid numbers.
    assert national_id_parse(country=country, holder=holder, value=value).compact == value  # type: ignore[arg-type]
