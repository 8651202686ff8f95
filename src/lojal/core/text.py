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


# In a Nordic list the extra letters come after z: å ä ö in Swedish and Finnish, æ ø å in Norwegian
# and Danish. They map to the three characters after "z" in code point order, so a plain binary
# comparison (SQLite's default, PostgreSQL's "C" collation) sorts them where a Nordic reader expects.
_AFTER_Z_SV = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})
_AFTER_Z_NO = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})
_AFTER_Z = {"SE": _AFTER_Z_SV, "FI": _AFTER_Z_SV, "NO": _AFTER_Z_NO, "DK": _AFTER_Z_NO}
_NON_SORT = re.compile(r"[^\w{|}]+")


def sort_key(text: str, country: str) -> str:
    """The key names sort by: lower case, other diacritics removed ("é" as "e"), and the Nordic
    letters after z in the order of ``country``'s alphabet (Swedish order unless Norwegian or Danish)."""
    lowered = text.casefold().translate(_AFTER_Z.get(country.upper(), _AFTER_Z_SV)).translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_SORT.sub(" ", stripped)).strip()
