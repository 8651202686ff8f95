"""Phone numbers to E.164, email addresses to one lower-case form, names folded for search."""

from __future__ import annotations

import pytest

from lojal.core.contact_points import email_normalise, phone_candidates, phone_display, phone_normalise
from lojal.core.errors import ValidationError
from lojal.core.text import fold, words


@pytest.mark.parametrize("typed", ["070-123 45 67", "+46 70 123 45 67", "0046701234567", "0701234567"])
def test_swedish_mobile_in_any_spelling_becomes_one_e164_number(typed: str) -> None:
    assert phone_normalise(typed) == "+46701234567"


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("412 34 567", "NO", "+4741234567"),
        ("412 34 567", "no", "+4741234567"),
        ("+47 412 34 567", None, "+4741234567"),
        ("0047 412 34 567", None, "+4741234567"),
        ("20 12 34 56", "DK", "+4520123456"),
        ("+45 20 12 34 56", None, "+4520123456"),
        ("040 123 4567", "FI", "+358401234567"),
        ("+358 40 123 4567", "SE", "+358401234567"),
        ("08-123 456 78", None, "+46812345678"),
    ],
)
def test_nordic_numbers_are_read_in_their_region(typed: str, region: str | None, e164: str) -> None:
    assert phone_normalise(typed, region=region) == e164


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("123", "This phone number is not valid."),
        ("+46 70 123", "This phone number is not valid."),
        ("abc", "This is not a phone number."),
        ("", "This is not a phone number."),
        ("   ", "This is not a phone number."),
    ],
)
def test_invalid_phone_is_refused_naming_the_field(typed: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        phone_normalise(typed, field="phones[2].number")
    assert caught.value.errors == {"phones[2].number": [reason]}


def test_swedish_mobile_is_not_a_valid_norwegian_number() -> None:
    with pytest.raises(ValidationError) as caught:
        phone_normalise("0701234567", region="NO")
    assert list(caught.value.errors) == ["phone"]


def test_phone_candidates_read_the_default_country_first_and_nothing_for_text() -> None:
    assert phone_candidates("070-123 45 67")[0] == "+46701234567"
    assert phone_candidates("Anna") == []


def test_a_local_number_of_another_nordic_country_is_a_candidate_too() -> None:
    # A Norwegian mobile number typed without +47 on a Swedish install.
    assert "+4741234567" in phone_candidates("412 34 567")
    assert phone_candidates("+47 412 34 567") == ["+4741234567"]


def test_phone_display_is_the_readable_international_form() -> None:
    assert phone_display("+46701234567") == "+46 70 123 45 67"
    assert phone_display("not a number") == "not a number"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Anna.Svensson@Example.SE", "anna.svensson@example.se"),
        ("  ANNA@EXAMPLE.COM ", "anna@example.com"),
        ("anna@exämple.se", "anna@exämple.se"),
    ],
)
def test_email_is_stored_lower_case(typed: str, stored: str) -> None:
    assert email_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["bad", "a@b", "a@@b.se", "", "anna svensson@example.se", "@example.se"])
def test_invalid_email_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        email_normalise(typed, field="emails[0].address")
    assert list(caught.value.errors) == ["emails[0].address"]
    assert caught.value.errors["emails[0].address"][0].startswith("This is not a valid email address: ")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Göteborg", "goteborg"),
        ("Ærø", "aero"),
        ("Øst", "ost"),
        ("Åström", "astrom"),
        ("Jyväskylä", "jyvaskyla"),
        ("Þórshöfn", "thorshofn"),
        ("  Straße   1 ", "strasse 1"),
        ("Lindqvist, Anna!", "lindqvist anna"),
    ],
)
def test_fold_lowers_and_strips_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_split_email_like_text_into_folded_words() -> None:
    assert words("Åsa.Öberg@Exempel.se") == ["asa", "oberg", "exempel", "se"]
    assert words("  ") == []
