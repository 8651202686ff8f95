"""The fast path for plainly written Nordic phone numbers gives exactly what phonenumbers gives: the
same E.164 number, or the same rejection, for every spelling and region tried here."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lojal.core.contact_points import NORDIC_REGIONS, phone_normalise
from lojal.core.errors import ValidationError

REGIONS = (*NORDIC_REGIONS, "DE", "GB")


def _outcome(function, text: str, region: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    try:
        return "ok", function(text, region)
    except ValidationError as error:
        return "error", str(error.errors)


def _library(text: str, region: str) -> str:
    """What phonenumbers itself makes of ``text``: the reference the fast path must agree with."""
    stripped = text.strip()
    if stripped.startswith("00"):
        stripped = "+" + stripped[2:]
    try:
        parsed = phonenumbers.parse(stripped, region.upper())
    except phonenumbers.NumberParseException:
        raise ValidationError.for_field("phone", "This is not a phone number.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError.for_field("phone", "This phone number is not valid.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _fast(text: str, region: str) -> str:
    return phone_normalise(text, region=region)


def _assert_same(text: str, region: str) -> None:
    assert _outcome(_fast, text, region) == _outcome(_library, text, region), (text, region)


_separated = st.lists(
    st.tuples(st.text("0123456789", min_size=1, max_size=4), st.sampled_from(["", " ", "-", "  "])),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(digits + separator for digits, separator in parts))
_prefix = st.sampled_from(
    ["", "0", "00", "+", "+46", "+47", "+45", "+358", "0046", "0047", "+46 0", "46", "47"]
)


@settings(max_examples=3000, deadline=None)
@given(prefix=_prefix, body=_separated, region=st.sampled_from(REGIONS))
def test_fast_path_agrees_with_the_library_on_generated_numbers(prefix: str, body: str, region: str) -> None:
    _assert_same(prefix + body, region)


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=20), region=st.sampled_from(REGIONS))
def test_fast_path_agrees_with_the_library_on_any_text(text: str, region: str) -> None:
    _assert_same(text, region)


@pytest.mark.parametrize("region", NORDIC_REGIONS)
def test_fast_path_agrees_on_every_leading_three_digits_and_length(region: str) -> None:
    """Exhaustive over the first three digits of the national number and every length from 5 to 13,
    each with a seeded random tail, in the national, international and spaced forms."""
    rng = random.Random(region)
    codes = {"SE": "46", "NO": "47", "DK": "45", "FI": "358"}
    checked = 0
    for head in range(1000):
        for length in range(5, 14):
            national = f"{head:03d}" + "".join(rng.choice("0123456789") for _ in range(length - 3))
            for text in (
                national,
                "0" + national,
                f"+{codes[region]}{national}",
                f"+{codes[region]} {national[:2]} {national[2:5]}-{national[5:]}",
                f"0{national[:2]}-{national[2:]}",
            ):
                _assert_same(text, region)
                checked += 1
    assert checked == 1000 * 9 * 5


def test_fast_path_takes_the_common_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common forms do not reach the library at all (so the fast path is really used)."""

    def library_reached(*args: object, **kwargs: object) -> None:
        raise AssertionError("the library was reached")

    monkeypatch.setattr(phonenumbers, "parse", library_reached)
    assert phone_normalise("070-123 45 67", region="SE") == "+46701234567"
    assert phone_normalise("+46 70 123 45 67", region="SE") == "+46701234567"
    assert phone_normalise("412 34 567", region="NO") == "+4741234567"
    assert phone_normalise("20 12 34 56", region="DK") == "+4520123456"
    assert phone_normalise("040 123 4567", region="FI") == "+358401234567"
    assert phone_normalise("08-123 456 78", region="SE") == "+46812345678"
    with pytest.raises(AssertionError, match="library was reached"):
        phone_normalise("070 123", region="SE")
    with pytest.raises(AssertionError, match="library was reached"):
        phone_normalise("070-123 45 67", region="DE")
