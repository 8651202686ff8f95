"""Folding of names for search: lower case, diacritics removed, so "Göteborg" and "Goteborg" meet."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not split into base letter + mark.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
_NON_WORD = re.compile(r"[^\w@.+-]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics; keeps word characters, collapses whitespace."""
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped)).strip()


def words(text: str) -> list[str]:
    """The folded words of ``text``, each at least one character long."""
    return [word for word in re.split(r"[\s@.+-]+", fold(text)) if word]
