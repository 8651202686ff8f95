"""Words of a message compared by their stems, in the five languages Lojal serves: a routing rule on
"faktura" matches "fakturan", "fakturor" and "fakturaen". Stems come from the Snowball stemmers
(`snowballstemmer`, the same algorithms as PostgreSQL's full-text configurations) and are folded as
Lojal's search folds names (lojal.core.text.fold: lower case, no diacritics).

Snowball's Swedish stemmer keeps the definite "-n" of words ending in "-a" ("fakturan"), so a word
matches a stem it starts with when at most :data:`EXTRA_LETTERS` letters are left over."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from lojal.core.text import fold

#: Stemmers of Swedish, Norwegian (Bokmål), Danish, Finnish and English, tried in turn.
LANGUAGES = ("swedish", "norwegian", "danish", "finnish", "english")
EXTRA_LETTERS = 2
#: Only the start of a long text is read: the words that say what a message is about come first.
TEXT_LIMIT = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=4096)
def stems(word: str) -> frozenset[str]:
    """The folded stems of ``word`` in each language, and the folded word itself."""
    lowered = word.casefold()
    found = {fold(_stemmer(language).stemWord(lowered)) for language in LANGUAGES}
    found.add(fold(lowered))
    return frozenset(stem for stem in found if stem)


def text_stems(text: str) -> frozenset[str]:
    """Every stem of every word of ``text`` (its first :data:`TEXT_LIMIT` characters)."""
    found: set[str] = set()
    for word in {match.group(0) for match in _WORD.finditer(text[:TEXT_LIMIT])}:
        found |= stems(word)
    return frozenset(found)


def word_found(word: str, in_stems: frozenset[str]) -> bool:
    """Whether ``word`` (a rule's word or phrase of one word) is among ``in_stems`` by its stem: equal,
    or a text stem that starts with it and has at most :data:`EXTRA_LETTERS` more letters."""
    wanted = stems(word)
    for stem in in_stems:
        for root in wanted:
            if stem == root or (
                len(root) >= 3 and stem.startswith(root) and len(stem) - len(root) <= EXTRA_LETTERS
            ):
                return True
    return False
