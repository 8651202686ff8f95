"""How FAQ search reads text, for articles and questions alike (no Django here, so it is testable alone).

A text becomes *terms*: Unicode words, lower-cased, stop words dropped, stemmed with the language's
Snowball stemmer (``snowballstemmer``) and then folded without diacritics, so "Lösenordet", "lösenord"
and "losenord" are one term. A question becomes *concepts*: each content word with the terms that
count for it (its own, its synonyms, the parts of a compound, the index's nearest spellings), each with
a weight. Matching against the index's vocabulary (a :class:`Lexicon`) is what makes compounds and
typos work: "lösenordsbyte" splits into "lösenord" + "byte" only because both are known words.
Near spellings come from ``rapidfuzz`` (optimal string alignment distance, so a swap of two letters is
one edit).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from lojal.knowledge.stopwords import STOP_WORDS_TEXT

LANGUAGES = ("sv", "nb", "da", "fi", "en")
_STEMMER_NAMES = {"sv": "swedish", "nb": "norwegian", "da": "danish", "fi": "finnish", "en": "english"}
#: Languages that write compounds as one word and join their parts with these linking letters.
_COMPOUND_LINKS = {"sv": ("", "s"), "nb": ("", "s", "e"), "da": ("", "s", "e")}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_URL = re.compile(r"\]\([^)]*\)|https?://\S+|www\.\S+")
#: Letters that do not decompose in Unicode but have a plain spelling customers type instead.
_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "œ": "oe"})
_MAX_TERM = 40
_MIN_PART = 3
_MAX_PARTS = 4

#: Weights of the terms a concept stands for, against 1.0 for the word as written.
SYNONYM_WEIGHT = 0.9
COMPOUND_PART_WEIGHT = 0.8
#: The parts of a compound that is itself a known word count less: the whole word says it better.
KNOWN_COMPOUND_PART_WEIGHT = 0.5
TYPO_WEIGHTS = {1: 0.8, 2: 0.6}
PREFIX_WEIGHT = 0.7
_TYPO_CANDIDATES = 3
_PREFIX_CANDIDATES = 5


def fold(text: str) -> str:
    """``text`` without diacritics ("lösenord" -> "losenord", "brød" -> "brod", "kærlig" -> "kaerlig")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters and digits; links left out), two characters or more."""
    cleaned = _URL.sub(" ", text)
    return [word for word in _WORD.findall(cleaned.lower()) if 2 <= len(word) <= _MAX_TERM]


@lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(fold(word) for word in STOP_WORDS_TEXT[language].split())


def is_stop_word(word: str, language: str) -> bool:
    return fold(word) in _stop_words(language)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMER_NAMES[language])


def _swedish_definite(stem: str) -> str:
    """Swedish Snowball leaves most definite forms ("kontot", "kortet", "fakturan") as they are; strip
    their ending so they meet the indefinite form. Applied to every Swedish stem, so both sides agree."""
    if len(stem) >= 6 and stem.endswith("et"):
        return stem[:-2]
    if len(stem) >= 5 and stem[-1] in "tn" and stem[-2] in "aeiouyåäö":
        return stem[:-1]
    return stem


@lru_cache(maxsize=65536)
def term(word: str, language: str) -> str:
    """The index term of one lower-case word: stemmed in its language, then folded."""
    stemmer = _stemmer(language)
    stem = stemmer.stemWord(word)
    if language == "sv":
        # To a fixed point ("fakturan" -> "faktura" -> "faktur"), as Snowball itself is not idempotent
        # ("leveransen" -> "leverans" -> "leveran"): every form of a word then ends at the same term.
        for _ in range(4):
            shorter = stemmer.stemWord(_swedish_definite(stem))
            if shorter == stem:
                break
            stem = shorter
    return fold(stem)


def terms(text: str, language: str) -> list[str]:
    """The index terms of ``text`` in order, stop words left out (what an article's field is made of)."""
    return [term(word, language) for word in words(text) if not is_stop_word(word, language)]


@dataclass(frozen=True)
class Lexicon:
    """What the index knows of one language: each term with the number of articles that have it, and
    the synonym lines (each a set of equivalent terms)."""

    document_counts: Mapping[str, int]
    synonym_lines: tuple[frozenset[str], ...] = ()
    _by_length: dict[int, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _sorted: list[str] = field(default_factory=list, init=False, repr=False, compare=False)
    _synonyms: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for known in sorted(self.document_counts):
            self._by_length.setdefault(len(known), []).append(known)
            self._sorted.append(known)
        merged: dict[str, set[str]] = {}
        for line in self.synonym_lines:
            for member in line:
                merged.setdefault(member, set()).update(line)
        for member, equivalents in merged.items():
            self._synonyms[member] = frozenset(equivalents - {member})

    def knows(self, known: str) -> bool:
        return known in self.document_counts

    def synonyms(self, known: str) -> frozenset[str]:
        return self._synonyms.get(known, frozenset())

    def near(self, misspelt: str, distance: int) -> list[tuple[str, int]]:
        """Known terms at most ``distance`` edits from ``misspelt``, nearest and most common first."""
        choices = [
            known
            for length in range(len(misspelt) - distance, len(misspelt) + distance + 1)
            for known in self._by_length.get(length, ())
        ]
        found = process.extract(misspelt, choices, scorer=OSA.distance, score_cutoff=distance, limit=None)
        ranked = sorted(
            ((known, int(edits)) for known, edits, _ in found),
            key=lambda pair: (pair[1], -self.document_counts[pair[0]], pair[0]),
        )
        return ranked[:_TYPO_CANDIDATES]

    def starting_with(self, prefix: str) -> list[str]:
        """Known terms that begin with ``prefix`` (a word still being typed), most common first."""
        start = bisect.bisect_left(self._sorted, prefix)
        found: list[str] = []
        for known in self._sorted[start:]:
            if not known.startswith(prefix):
                break
            found.append(known)
        found.sort(key=lambda known: (-self.document_counts[known], known))
        return found[:_PREFIX_CANDIDATES]


@dataclass(frozen=True)
class Concept:
    """One content word of a question and the terms that count for it, with their weights; an article
    scores for a concept by its best term only, so a synonym or a near spelling never counts twice."""

    word: str
    alternatives: tuple[tuple[str, float], ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(alternative for alternative, _ in self.alternatives)


def _typo_distance(known: str) -> int:
    """Edits allowed for a term of this length: none below four letters, one from four, two from eight
    (counted on the stemmed term, the form that is compared)."""
    return 2 if len(known) >= 8 else 1 if len(known) >= 4 else 0


def compound_parts(word: str, language: str, lexicon: Lexicon) -> list[str]:
    """The terms of the known words ``word`` is made of ("lösenordsbyte" -> ["losenord", "byt"]), the
    fewest and then the longest parts, joined directly or by a linking letter; [] when it is no
    compound of known words. Only for the languages that write compounds as one word."""
    links = _COMPOUND_LINKS.get(language)
    if not links or len(word) < 2 * _MIN_PART + 1:
        return []

    def known_part(part: str) -> str | None:
        if len(part) < _MIN_PART or is_stop_word(part, language):
            return None
        found = term(part, language)
        return found if lexicon.knows(found) or lexicon.synonyms(found) else None

    @cache
    def split(start: int) -> tuple[str, ...] | None:
        # The best split of word[start:]: fewest parts, then the longest shortest part.
        rest = word[start:]
        whole = known_part(rest) if start else None
        best: tuple[str, ...] | None = (whole,) if whole else None
        for end in range(start + _MIN_PART, len(word) - _MIN_PART + 1):
            head = known_part(word[start:end])
            if head is None:
                continue
            for link in links:
                if link and word[end : end + len(link)] != link:
                    continue
                tail = split(end + len(link))
                if tail is None or len(tail) + 1 > _MAX_PARTS:
                    continue
                candidate = (head, *tail)
                if best is None or len(candidate) < len(best):
                    best = candidate
        return best

    parts = split(0)
    return list(parts) if parts else []


def _alternatives(pairs: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    best: dict[str, float] = {}
    for known, weight in pairs:
        if weight > best.get(known, 0.0):
            best[known] = weight
    return tuple(best.items())


def _with_synonyms(known: str, weight: float, lexicon: Lexicon) -> list[tuple[str, float]]:
    return [(known, weight)] + [(other, weight * SYNONYM_WEIGHT) for other in sorted(lexicon.synonyms(known))]


def question_concepts(text: str, language: str, lexicon: Lexicon, *, max_concepts: int = 32) -> list[Concept]:
    """The concepts of a question in free text, in the order written, each word once.

    A word known to the index (or to the synonym list) stands for itself and its synonyms; a compound
    also stands for its parts; an unknown word for the index's nearest spellings (edit distance 1 from
    four letters of its term, 2 from eight); an unknown last word, if the text does not end after it, also for the
    known words it begins (the reader is still typing).
    """
    written = words(text)
    still_typing = bool(text) and not text[-1].isspace() and _WORD.match(text[-1]) is not None
    concepts: list[Concept] = []
    seen: set[str] = set()
    for position, word in enumerate(written):
        if is_stop_word(word, language):
            continue
        own = term(word, language)
        if own in seen:
            continue
        seen.add(own)
        pairs: list[tuple[str, float]] = []
        is_known = lexicon.knows(own) or bool(lexicon.synonyms(own))
        if is_known:
            pairs += _with_synonyms(own, 1.0, lexicon)
        parts = compound_parts(word, language, lexicon)
        if not is_known and not parts:
            distance = _typo_distance(own)
            if distance:
                for near, edits in lexicon.near(own, distance):
                    pairs += _with_synonyms(near, TYPO_WEIGHTS[edits], lexicon)
        if not is_known and still_typing and position == len(written) - 1 and len(word) >= 3:
            for longer in lexicon.starting_with(fold(word)):
                pairs.append((longer, PREFIX_WEIGHT))
        if pairs:
            concepts.append(Concept(word, _alternatives(pairs)))
        part_weight = KNOWN_COMPOUND_PART_WEIGHT if is_known else COMPOUND_PART_WEIGHT
        for part in parts:
            if part in seen or part == own:
                continue
            seen.add(part)
            concepts.append(Concept(word, _alternatives(_with_synonyms(part, part_weight, lexicon))))
    return concepts[:max_concepts]


def synonym_line_terms(words_text: str, language: str) -> frozenset[str]:
    """The terms of one synonym line ("lösen, lösenord, pinkod"): every word of every entry (a
    multi-word entry adds each of its content words)."""
    found: set[str] = set()
    for entry in words_text.split(","):
        found.update(terms(entry, language))
    return frozenset(found)
