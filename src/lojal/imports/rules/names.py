"""Names as a customer register holds them in one column: an organisation's name (told by its legal
form, "Fjällräven AB", "Oy Karl Fazer Ab") or a person's full name, split into first and last name
("Per Åström", "Åström, Per", "Hilma af Klint", "Anna-Karin de la Motte")."""

from __future__ import annotations

import re

# Legal forms as the Nordic and a few international registers write them, compared case-folded with
# dots taken off: Swedish, Norwegian, Danish, Finnish (in Finnish and Swedish), British, German, US.
_SE = ["ab", "ab publ", "aktiebolag", "hb", "handelsbolag", "kb", "kommanditbolag", "ek för"]
_NO = ["as", "asa", "ans", "nuf"]
_DK = ["aps", "a/s", "i/s", "k/s", "p/s", "ivs", "amba", "smba"]
_FI = ["oy", "oyj", "ky", "tmi", "ay", "osk", "oy ab", "ab oy"]
_ELSEWHERE = ["ltd", "limited", "plc", "llp", "gmbh", "ag", "kg", "inc", "llc", "corp", "bv", "nv"]
LEGAL_FORMS_LAST = frozenset([*_SE, "ekonomisk förening", *_NO, *_DK, *_FI, *_ELSEWHERE])
LEGAL_FORMS_FIRST = frozenset({"ab", "aktiebolaget", "oy", "oyj", "as", "a/s", "kommandiittiyhtiö"})
# Particles that begin a family name ("af Klint", "de la Motte", "von der Lancken"), longest first.
PARTICLES = (
    ("von", "der"), ("van", "der"), ("van", "den"), ("de", "la"), ("de", "los"), ("van", "de"),
    ("af",), ("av",), ("von",), ("van",), ("de",), ("di",), ("da",), ("du",), ("le",), ("la",), ("zu",),
    ("del",), ("della",), ("dos",), ("das",), ("ter",), ("ten",), ("zur",),
)  # fmt: skip
_PARTICLE_WORDS = frozenset(word for particle in PARTICLES for word in particle)
_FORM_TOKEN = re.compile(r"[.,()]")


def _form_key(words: list[str]) -> str:
    return " ".join(word for word in (_FORM_TOKEN.sub("", w).casefold() for w in words) if word)


def has_legal_form(name: str) -> bool:
    """Whether ``name`` ends (or, as Finnish and Swedish registers also write it, begins) with a legal
    form: "Fjällräven Handel AB", "Volvo AB (publ)", "Oy Karl Fazer Ab", "Mærsk A/S"."""
    words = name.split()
    if len(words) < 2:
        return False
    last_two, last = _form_key(words[-2:]), _form_key(words[-1:])
    return (
        last in LEGAL_FORMS_LAST
        or last_two in LEGAL_FORMS_LAST
        or (last == "publ" and _form_key(words[-2:-1]) in LEGAL_FORMS_LAST)
        or _form_key(words[:1]) in LEGAL_FORMS_FIRST
    )


def split_full_name(name: str) -> tuple[str, str]:
    """(first name, last name) of a person's full name. "Last, First" is taken as written; otherwise
    the family name is the last word, or from the first particle on ("af Klint", "de la Motte").
    A single word is the last name."""
    name = " ".join(name.split())
    if "," in name:
        last, _comma, first = name.partition(",")
        return first.strip(), last.strip()
    words = name.split(" ")
    if len(words) < 2:
        return "", name
    for index in range(1, len(words) - 1):
        if words[index].casefold() in _PARTICLE_WORDS and _particle_at(words, index):
            return " ".join(words[:index]), " ".join(words[index:])
    return " ".join(words[:-1]), words[-1]


def _particle_at(words: list[str], index: int) -> bool:
    for particle in PARTICLES:
        end = index + len(particle)
        if end < len(words) and tuple(w.casefold() for w in words[index:end]) == particle:
            return True
    return False
