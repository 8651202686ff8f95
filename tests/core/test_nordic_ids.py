"""Nordic identity and organisation numbers: every country and kind, valid and invalid spellings.

Every valid number below was checked with python-stdnum (``stdnum.<cc>.<kind>.is_valid``) before
being used here; the Swedish samordningsnummer, which stdnum does not know, was checked with
``stdnum.luhn`` and a real date once 60 is taken off the day.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.dk import cpr as dk_cpr
from stdnum.dk import cvr as dk_cvr
from stdnum.fi import hetu as fi_hetu
from stdnum.fi import ytunnus as fi_ytunnus
from stdnum.no import fodselsnummer as no_fnr
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer as se_pnr

from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import (
    NationalId,
    national_id_candidates,
    national_id_mask,
    national_id_parse,
)

VALID = [
    # (country, holder, typed value, kind, compact, formatted)
    ("SE", "person", "880320-0016", "se_personnummer", "198803200016", "19880320-0016"),
    ("SE", "person", "8803200016", "se_personnummer", "198803200016", "19880320-0016"),
    ("SE", "person", "19880320-0016", "se_personnummer", "198803200016", "19880320-0016"),
    ("SE", "person", "198803200016", "se_personnummer", "198803200016", "19880320-0016"),
    ("SE", "person", " 811228 9874 ", "se_personnummer", "198112289874", "19811228-9874"),
    ("SE", "person", "811228-9874", "se_personnummer", "198112289874", "19811228-9874"),
    # "+" marks someone aged 100 or more: the same digits, one century earlier.
    ("SE", "person", "811228+9874", "se_personnummer", "188112289874", "18811228-9874"),
    ("SE", "person", "121212+1212", "se_personnummer", "191212121212", "19121212-1212"),
    ("SE", "person", "121212-1212", "se_personnummer", "201212121212", "20121212-1212"),
    ("SE", "person", "880380-0013", "se_samordningsnummer", "198803800013", "19880380-0013"),
    ("SE", "person", "19880380-0013", "se_samordningsnummer", "198803800013", "19880380-0013"),
    ("SE", "organisation", "556036-0793", "se_orgnr", "5560360793", "556036-0793"),
    ("SE", "organisation", "5560360793", "se_orgnr", "5560360793", "556036-0793"),
    ("SE", "organisation", "16556036-0793", "se_orgnr", "5560360793", "556036-0793"),
    ("SE", "organisation", "165560360793", "se_orgnr", "5560360793", "556036-0793"),
    ("NO", "person", "15108695088", "no_fodselsnummer", "15108695088", "151086 95088"),
    ("NO", "person", "151086 95088", "no_fodselsnummer", "15108695088", "151086 95088"),
    # A D-number: the day has 4 added to its first digit.
    ("NO", "person", "55108695071", "no_fodselsnummer", "55108695071", "551086 95071"),
    ("NO", "organisation", "988077917", "no_orgnr", "988077917", "988 077 917"),
    ("NO", "organisation", "988 077 917", "no_orgnr", "988077917", "988 077 917"),
    ("DK", "person", "211062-5629", "dk_cpr", "2110625629", "211062-5629"),
    ("DK", "person", "2110625629", "dk_cpr", "2110625629", "211062-5629"),
    ("DK", "organisation", "13585628", "dk_cvr", "13585628", "13585628"),
    ("DK", "organisation", "DK 13 58 56 28", "dk_cvr", "13585628", "13585628"),
    ("FI", "person", "131052-308T", "fi_hetu", "131052-308T", "131052-308T"),
    ("FI", "person", "131052-308t", "fi_hetu", "131052-308T", "131052-308T"),
    ("FI", "person", "010190+123M", "fi_hetu", "010190+123M", "010190+123M"),
    ("FI", "person", "010105A123P", "fi_hetu", "010105A123P", "010105A123P"),
    ("FI", "organisation", "2077474-0", "fi_ytunnus", "20774740", "2077474-0"),
    ("FI", "organisation", "20774740", "fi_ytunnus", "20774740", "2077474-0"),
]


def test_the_valid_numbers_used_here_are_valid_according_to_python_stdnum() -> None:
    # given the numbers the other tests rely on, when stdnum checks them, then it accepts each
    assert se_pnr.is_valid("880320-0016")
    assert se_pnr.is_valid("811228-9874")
    assert se_pnr.is_valid("811228+9874")
    assert se_pnr.is_valid("121212+1212")
    assert luhn.is_valid("8803800013")  # samordningsnummer: 880320 with 60 added to the day
    assert se_orgnr.is_valid("556036-0793")
    assert no_fnr.is_valid("15108695088")
    assert no_fnr.is_valid("55108695071")
    assert no_orgnr.is_valid("988077917")
    assert dk_cpr.is_valid("211062-5629")
    assert dk_cvr.is_valid("13585628")
    assert fi_hetu.is_valid("131052-308T")
    assert fi_hetu.is_valid("010190+123M")
    assert fi_hetu.is_valid("010105A123P")
    assert fi_ytunnus.is_valid("2077474-0")


@pytest.mark.parametrize(("country", "holder", "value", "kind", "compact", "formatted"), VALID)
def test_valid_number_is_stored_compact_and_shown_formatted(
    country: str, holder: str, value: str, kind: str, compact: str, formatted: str
) -> None:
    # when
    parsed = national_id_parse(country=country, holder=holder, value=value)  # type: ignore[arg-type]

    # then
    assert parsed == NationalId(country=country, kind=kind, compact=compact, formatted=formatted)
    assert parsed.holder == holder


def test_country_is_read_case_insensitively() -> None:
    assert national_id_parse(country="se", holder="person", value="880320-0016").country == "SE"


INVALID = [
    # wrong check digit
    ("SE", "person", "880320-0017"),
    ("SE", "person", "19880320-0017"),
    ("SE", "person", "880380-0014"),
    ("SE", "organisation", "556036-0794"),
    ("NO", "person", "15108695089"),
    ("NO", "organisation", "988077918"),
    ("DK", "organisation", "13585627"),
    ("FI", "person", "131052-308U"),
    ("FI", "organisation", "2077474-1"),
    # impossible date
    ("SE", "person", "880230-0016"),
    ("SE", "person", "881320-0016"),
    ("SE", "person", "17880320-0016"),
    ("NO", "person", "32108695088"),
    ("DK", "person", "321062-5629"),
    ("DK", "person", "211362-5629"),
    ("FI", "person", "311352-308T"),
    # wrong length
    ("SE", "person", "88032000"),
    ("SE", "person", "1988032000160"),
    ("SE", "organisation", "55603607"),
    ("NO", "person", "1510869508"),
    ("NO", "organisation", "98807791"),
    ("DK", "person", "211062562"),
    ("DK", "organisation", "1358562"),
    ("FI", "person", "131052-308"),
    ("FI", "organisation", "207747"),
    # letters, empty
    ("SE", "person", "88O320-0016"),
    ("SE", "person", "abcdefghij"),
    ("SE", "person", ""),
    ("SE", "organisation", "556O36-0793"),
    ("NO", "person", "1510869508X"),
    ("DK", "person", "211062-562X"),
    ("FI", "person", "131052-3O8T"),
    ("FI", "organisation", "2O77474-0"),
    # the right number for the wrong holder (a Swedish sole trader's organisation number is their
    # personnummer, so that pair is valid and not listed)
    ("NO", "organisation", "15108695088"),
    ("FI", "person", "2077474-0"),
]


@pytest.mark.parametrize(("country", "holder", "value"), INVALID)
def test_invalid_number_is_refused_naming_the_field(country: str, holder: str, value: str) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        national_id_parse(country=country, holder=holder, value=value, field="customer_id_number")  # type: ignore[arg-type]

    # then the error names the field and says what kind of number was expected
    assert list(caught.value.errors) == ["customer_id_number"]
    expected = "personal identity number" if holder == "person" else "organisation number"
    assert caught.value.errors["customer_id_number"] == [f"This is not a valid {expected} for {country}."]


def test_invalid_number_names_national_id_by_default() -> None:
    with pytest.raises(ValidationError) as caught:
        national_id_parse(country="SE", holder="person", value="880320-0017")
    assert list(caught.value.errors) == ["national_id"]


@pytest.mark.parametrize("country", ["IS", "DE", "", "XX"])
def test_unsupported_country_is_refused_naming_the_country_field(country: str) -> None:
    with pytest.raises(ValidationError) as caught:
        national_id_parse(country=country, holder="person", value="880320-0016")
    assert caught.value.errors == {
        "national_id_country": ["National numbers are supported for SE, NO, DK and FI only."]
    }


@pytest.mark.parametrize("typed", ["8803200016", "19880320-0016", "880320-0016", "198803200016"])
def test_candidates_find_the_swedish_personnummer_in_any_spelling(typed: str) -> None:
    assert ("SE", "198803200016") in national_id_candidates(typed)


def test_candidates_of_an_organisation_number_include_its_compact_form() -> None:
    assert ("SE", "5560360793") in national_id_candidates("556036-0793")
    assert ("NO", "988077917") in national_id_candidates("988 077 917")


def test_candidates_of_text_that_is_no_number_are_empty() -> None:
    assert national_id_candidates("Anna Svensson") == []
    assert national_id_candidates("") == []


def test_candidates_list_each_pair_once() -> None:
    found = national_id_candidates("880320-0016")
    assert len(found) == len(set(found))


@pytest.mark.parametrize(
    ("kind", "formatted", "shown"),
    [
        ("se_personnummer", "19880320-0016", "19880320-****"),
        ("se_samordningsnummer", "19880380-0013", "19880380-****"),
        ("no_fodselsnummer", "151086 95088", "151086 9****"),
        ("dk_cpr", "211062-5629", "211062-****"),
        ("fi_hetu", "131052-308T", "131052-****"),
        ("se_orgnr", "556036-0793", "556036-0793"),
        ("no_orgnr", "988 077 917", "988 077 917"),
        ("dk_cvr", "13585628", "13585628"),
        ("fi_ytunnus", "2077474-0", "2077474-0"),
        ("", "", ""),
        ("se_personnummer", "", ""),
    ],
)
def test_mask_hides_the_last_four_of_a_person_and_nothing_of_an_organisation(
    kind: str, formatted: str, shown: str
) -> None:
    assert national_id_mask(kind=kind, formatted=formatted) == shown


_NUMBERISH = st.text(alphabet="0123456789-+ AaTt", max_size=16)


@settings(max_examples=300, deadline=None, database=None)
@given(
    country=st.sampled_from(["SE", "NO", "DK", "FI", "se", "IS", ""]),
    holder=st.sampled_from(["person", "organisation"]),
    value=st.one_of(st.text(max_size=40), _NUMBERISH, st.text(alphabet="0123456789٠١٢３４-+A", max_size=14)),
)
def test_parse_never_raises_anything_but_a_validation_error(country: str, holder: str, value: str) -> None:
    # when any text is parsed, then it is either a number of the asked country or a ValidationError
    try:
        parsed = national_id_parse(country=country, holder=holder, value=value)  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.errors
    else:
        assert parsed.country == country.upper()
        assert parsed.holder == holder
        assert parsed.compact
    national_id_candidates(value)  # and the search helper never raises either


def _se_outcome(parser, value: str) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        return "ok", parser(value)
    except (StdnumError, ValueError):
        return "error", None


_SE_DIGITS = st.text("0123456789", min_size=4, max_size=4)


@settings(max_examples=3000, deadline=None)
@given(
    century=st.sampled_from(["", "18", "19", "20", "21", "00"]),
    date=st.dates(min_value=__import__("datetime").date(1850, 1, 1)).map(lambda d: d.strftime("%y%m%d")),
    day_shift=st.sampled_from([0, 0, 60, 30, 70]),
    separator=st.sampled_from(["", "-", "+", " ", "--", "- "]),
    tail=_SE_DIGITS,
    padding=st.sampled_from(["", " ", "\t"]),
)
def test_swedish_personal_number_fast_path_agrees_with_the_library_path(
    century: str, date: str, day_shift: int, separator: str, tail: str, padding: str
) -> None:
    from lojal.core import nordic_ids

    body = f"{date[:4]}{int(date[4:]) + day_shift:02d}"
    ten = body + tail
    # Half of the numbers get a correct check digit, so that the valid branch is well covered.
    if int(tail[0]) % 2:
        check = next(d for d in "0123456789" if luhn.is_valid(ten[:9] + d))
        tail = tail[:3] + check
    value = f"{padding}{century}{body}{separator}{tail}{padding}"
    assert _se_outcome(nordic_ids._se_person, value) == _se_outcome(nordic_ids._se_person_library, value)


@settings(max_examples=1000, deadline=None)
@given(value=st.text(alphabet="0123456789-+ ٠١", max_size=14))
def test_swedish_personal_number_fast_path_agrees_on_any_digits(value: str) -> None:
    from lojal.core import nordic_ids

    assert _se_outcome(nordic_ids._se_person, value) == _se_outcome(nordic_ids._se_person_library, value)


def test_swedish_personal_numbers_agree_with_stdnum_on_a_seeded_sample() -> None:
    """Every valid personnummer the fast path accepts is one stdnum accepts, with the same digits."""
    import random

    from lojal.core import nordic_ids

    rng = random.Random(7)
    accepted = 0
    start = __import__("datetime").date(1900, 1, 1)
    for _ in range(20000):
        born = start + __import__("datetime").timedelta(days=rng.randrange(45000))
        nine = f"{born:%y%m%d}{rng.randrange(1000):03d}"
        check = rng.choice([d for d in "0123456789" if luhn.is_valid(nine + d)] + list("0123456789"))
        value = (
            f"{born:%Y}{nine[2:]}{check}" if rng.random() < 0.5 else f"{born:%C}{nine[:6]}-{nine[6:]}{check}"
        )
        ours = _se_outcome(nordic_ids._se_person, value)
        assert ours == _se_outcome(nordic_ids._se_person_library, value)
        if ours[0] == "ok" and ours[1].kind == "se_personnummer":  # type: ignore[union-attr]
            accepted += 1
            assert se_pnr.compact(se_pnr.validate(value)) == se_pnr.compact(ours[1].formatted)  # type: ignore[union-attr]
    assert accepted > 3000
