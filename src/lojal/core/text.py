"""Folding of names for search: lower case, diacritics removed, so "Göteborg" and "Goteborg" meet."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not split into base letter + mark.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
_NON_WORD = re.compile(r"[^\w@.+-]+")
_SPACES = re.compile(r"\s+")


class _CombiningMarks(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_MARKS = _CombiningMarks()


def _without_marks(text: str) -> str:
    """``text`` decomposed (NFKD) with its combining marks dropped; plain ASCII is already that."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_DROP_MARKS)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics; keeps word characters, collapses whitespace."""
    stripped = _without_marks(text.casefold().translate(_SPECIAL))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", stripped)).strip()


def fold_letters(text: str) -> str:
    """Lower-case ``text`` and strip diacritics, keeping every other character (spaces, punctuation):
    the Python side of the database's ``lojal_fold`` (lojal.core.folding), for a search both sides fold."""
    return _without_marks(text.casefold().translate(_SPECIAL))


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
    return _SPACES.sub(" ", _NON_SORT.sub(" ", _without_marks(lowered))).strip()
