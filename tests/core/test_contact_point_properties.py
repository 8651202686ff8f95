"""Property tests of the contact point parsers: a phone number in E.164 and an email address in its
normalised form are fixed points (normalising them again changes nothing), and any text at all is
either normalised or refused with a ValidationError naming the field, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lojal.core.contact_points import NORDIC_REGIONS, email_normalise, phone_display, phone_normalise
from lojal.core.errors import ValidationError

REGIONS = (*NORDIC_REGIONS, "DE", "GB", "US")
PROPERTY = settings(max_examples=400, deadline=None, database=None)

phone_like = st.builds(
    lambda prefix, groups: prefix + "".join(groups),
    st.sampled_from(["", "0", "00", "+", "+46", "+47 ", "+45", "+358 ", "0046 ", "(0)"]),
    st.lists(
        st.tuples(
            st.text("0123456789", min_size=1, max_size=4), st.sampled_from(["", " ", "-", ".", "/"])
        ).map("".join),
        min_size=1,
        max_size=6,
    ),
)


def _normalised_phone(text: str, region: str) -> str | None:
    try:
        return phone_normalise(text, region=region)
    except ValidationError as error:
        assert list(error.errors) == ["phone"]
        return None


@PROPERTY
@given(text=st.one_of(phone_like, st.text(max_size=30)), region=st.sampled_from(REGIONS))
def test_a_phone_number_in_e164_normalises_to_itself_in_any_region(text: str, region: str) -> None:
    number = _normalised_phone(text, region)
    if number is None:
        return
    assert number.startswith("+") and number[1:].isdigit()
    for other in REGIONS:
        assert phone_normalise(number, region=other) == number
    # The readable form shown in pages reads back as the same number.
    assert phone_normalise(phone_display(number), region=region) == number


@PROPERTY
@given(text=st.text(max_size=40), region=st.sampled_from(REGIONS))
def test_any_text_is_a_phone_number_or_a_refusal_naming_the_field(text: str, region: str) -> None:
    _normalised_phone(text, region)


def _normalised_email(text: str) -> str | None:
    try:
        return email_normalise(text)
    except ValidationError as error:
        assert list(error.errors) == ["email"]
        return None


def _spellings(address: str) -> st.SearchStrategy[str]:
    return st.sampled_from([address, address.upper(), f"  {address}\t", address.title()])


emails = st.emails().flatmap(_spellings)
international_emails = st.builds(
    "{}@{}.{}".format,
    st.text(st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=12),
    st.text(st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=12),
    st.sampled_from(["se", "no", "dk", "fi", "com"]),
)


@PROPERTY
@given(text=st.one_of(emails, international_emails, st.text(max_size=60)))
def test_a_normalised_email_address_normalises_to_itself(text: str) -> None:
    address = _normalised_email(text)
    if address is None:
        return
    assert email_normalise(address) == address
    assert address == address.strip()


@pytest.mark.parametrize("text", ["Anna@Example.SE", " anna@example.se ", "ANNA@EXAMPLE.SE"])
def test_spellings_of_one_address_normalise_alike(text: str) -> None:
    assert email_normalise(text) == "anna@example.se"
