"""Folding and sort keys drop combining marks through a cached translation table and skip plain
ASCII; they give exactly what decomposing and filtering every character gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from lojal.core import text as text_module
from lojal.core.text import fold, sort_key

_NON_WORD = re.compile(r"[^\w@.+-]+")
_NON_SORT = re.compile(r"[^\w{|}]+")
_SPACES = re.compile(r"\s+")


def _reference_strip(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _reference_fold(value: str) -> str:
    stripped = _reference_strip(value.casefold().translate(text_module._SPECIAL))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped)).strip()


def _reference_sort_key(value: str, country: str) -> str:
    table = text_module._AFTER_Z.get(country.upper(), text_module._AFTER_Z_SV)
    stripped = _reference_strip(value.casefold().translate(table).translate(text_module._SPECIAL))
    return _SPACES.sub(" ", _NON_SORT.sub(" ", stripped)).strip()


NORDIC = st.text(alphabet="aåäöæøéüAÅÄÖÆØÉÜ zZ-.'ßłœðþ\u0301\u0308\u00a0ﬁ①", max_size=30)


@settings(max_examples=2000, deadline=None)
@given(value=st.one_of(st.text(max_size=30), NORDIC), country=st.sampled_from(["SE", "NO", "DK", "FI", "DE"]))
def test_fold_and_sort_key_agree_with_the_character_by_character_reference(value: str, country: str) -> None:
    assert fold(value) == _reference_fold(value)
    assert sort_key(value, country) == _reference_sort_key(value, country)


def test_every_basic_plane_character_folds_as_the_reference() -> None:
    everything = "".join(chr(code) for code in range(0x20, 0x10000) if not 0xD800 <= code < 0xE000)
    for start in range(0, len(everything), 64):
        chunk = everything[start : start + 64]
        assert fold(chunk) == _reference_fold(chunk), chunk
