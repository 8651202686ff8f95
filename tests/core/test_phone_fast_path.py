"""The fast path for plainly written Nordic phone numbers gives exactly what phonenumbers gives: the
same E.164 number, or the same rejection, for every spelling and region tried here."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lojal.core import contact_points
from lojal.core.contact_points import NORDIC_REGIONS, phone_normalise
from lojal.core.errors import ValidationError

REGIONS = (*NORDIC_REGIONS, "DE", "GB")


def _outcome(function, text: str, region: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    try:
        return "ok", function(text, region)
    except ValidationError as error:
        return "error", str(error.errors)


def _library(text: str, region: str) -> str:
    stripped = text.strip()
    if stripped.startswith("00"):
        stripped = "+" + stripped[2:]
    return contact_points._library_normalise(stripped, region.upper(), "phone")


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


def test_fast_path_takes_the_common_forms() -> None:
    """The common forms do not reach the library at all (so the fast path is really used)."""
    assert contact_points._nordic_fast("070-123 45 67", "SE") == "+46701234567"
    assert contact_points._nordic_fast("+46 70 123 45 67", "SE") == "+46701234567"
    assert contact_points._nordic_fast("412 34 567", "NO") == "+4741234567"
    assert contact_points._nordic_fast("20 12 34 56", "DK") == "+4520123456"
    assert contact_points._nordic_fast("040 123 4567", "FI") == "+358401234567"
    assert contact_points._nordic_fast("08-123 456 78", "SE") == "+46812345678"
    assert contact_points._nordic_fast("070 123", "SE") is None
    assert contact_points._nordic_fast("070-123 45 67", "DE") is None
