"""Addresses as registers write them: the country as a code or a name in any Nordic language, and the
postal code checks (from :mod:`lojal.core.postal_codes`, which the customer validation shares)."""

from __future__ import annotations

from lojal.core.postal_codes import postal_code_example, postal_code_valid

__all__ = ["COUNTRY_NAMES", "country_code", "postal_code_example", "postal_code_valid"]

COUNTRY_NAMES = {
    "sverige": "SE", "sweden": "SE", "ruotsi": "SE", "swe": "SE",
    "norge": "NO", "norway": "NO", "norja": "NO", "nor": "NO", "noreg": "NO",
    "danmark": "DK", "denmark": "DK", "tanska": "DK", "dnk": "DK",
    "finland": "FI", "suomi": "FI", "fin": "FI",
    "island": "IS", "iceland": "IS", "islanti": "IS",
    "tyskland": "DE", "germany": "DE", "deutschland": "DE", "saksa": "DE",
    "storbritannien": "GB", "storbritannia": "GB", "united kingdom": "GB", "england": "GB", "uk": "GB",
}  # fmt: skip


def country_code(text: str) -> str:
    """The two-letter code of a country written as a code ("se") or a name ("Sverige", "Norge",
    "Suomi"); the text upper-cased when it is neither (the customer validation then names it)."""
    text = " ".join(text.split())
    return COUNTRY_NAMES.get(text.casefold(), text.upper())
