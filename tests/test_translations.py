"""The Swedish and Norwegian Bokmål catalogues: complete, placeholder-safe, and compiled from the current .po."""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "lojal" / "locale"
LANGUAGES = ["sv", "nb"]

# %(name)s, %(count)d, %s, %d, ...; {name} and {0}; {{ name }} as written in templates.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\{\s*[\w.|:]+\s*\}\}|\{\w*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """A tiny .po reader: returns the header entry and the message entries (obsolete #~ ones skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    key: str | None = None

    def finish() -> None:
        nonlocal entry, key
        if key is not None:
            entries.append(entry)
        entry, key = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text:
            finish()
        elif text.startswith("#~"):
            continue
        elif text.startswith("#,"):
            if key is not None and key.startswith("msgstr"):
                finish()
            entry.flags.update(flag.strip() for flag in text[2:].split(","))
        elif text.startswith("#"):
            if key is not None and key.startswith("msgstr"):
                finish()
        elif text.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation line without a keyword"
            _append(entry, key, ast.literal_eval(text))
        else:
            match = LINE.match(text)
            assert match, f"{path}:{number}: cannot parse {raw!r}"
            if match.group(1) in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
                finish()
            key = match.group(1)
            if key in ("msgctxt", "msgid") and not entry.line:
                entry.line = number
            _append(entry, key, ast.literal_eval(match.group(2)), start=True)
    finish()
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, f"{path}: expected exactly one header entry"
    return header[0], [e for e in entries if e is not header[0]]


def _append(entry: Entry, key: str, value: str, start: bool = False) -> None:
    if key.startswith("msgstr"):
        index = int(key[7:-1]) if "[" in key else 0
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + value
    else:
        current = "" if start else (getattr(entry, key) or "")
        setattr(entry, key, current + value)


def catalogue(language: str) -> tuple[Entry, list[Entry]]:
    return parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def header_fields(header: Entry) -> dict[str, str]:
    lines = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in lines}


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_header_declares_language_charset_and_plurals(language: str) -> None:
    header, _entries = catalogue(language)
    fields = header_fields(header)
    assert fields["Language"] == language
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "fuzzy" not in header.flags


def test_every_message_is_translated_and_not_fuzzy(language: str) -> None:
    _header, entries = catalogue(language)
    assert entries, "the catalogue has no messages: run makemessages"
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label} is fuzzy (compilemessages would drop it)")
        expected = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(expected)):
            problems.append(f"{entry.label} has msgstr forms {sorted(entry.msgstr)}")
        if any(not text.strip() for text in entry.msgstr.values()):
            problems.append(f"{entry.label} is not translated")
    assert not problems, "\n".join(problems)


def test_placeholders_and_markup_are_kept(language: str) -> None:
    _header, entries = catalogue(language)
    problems = []
    for entry in entries:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        wanted = Counter(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        wanted_set = {p for source in sources for p in PLACEHOLDER.findall(source)}
        wanted_tags = Counter(HTML_TAG.findall(entry.msgid))
        for index, text in entry.msgstr.items():
            found = Counter(PLACEHOLDER.findall(text))
            if entry.msgid_plural is None and found != wanted:
                problems.append(f"{entry.label}: placeholders {dict(wanted)} became {dict(found)}")
            elif entry.msgid_plural is not None and set(found) != wanted_set:
                problems.append(
                    f"{entry.label} msgstr[{index}]: placeholders {wanted_set} became {set(found)}"
                )
            if Counter(HTML_TAG.findall(text)) != wanted_tags:
                problems.append(f"{entry.label}: HTML tags {dict(wanted_tags)} not kept in {text!r}")
    assert not problems, "\n".join(problems)


def test_both_languages_have_the_same_messages() -> None:
    keys = {}
    for language in LANGUAGES:
        _header, entries = catalogue(language)
        keys[language] = {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries}
    first, *others = LANGUAGES
    for other in others:
        assert keys[first] == keys[other], (
            f"only in {first}: {sorted(map(str, keys[first] - keys[other]))}; "
            f"only in {other}: {sorted(map(str, keys[other] - keys[first]))} (run makemessages for both)"
        )


def test_compiled_catalogue_matches_the_po(language: str) -> None:
    """The committed .mo must be compiled from the current .po: every entry maps to the same translation."""
    mo_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `lojal compilemessages`"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    compiled.add_fallback(_Missing())
    _header, entries = catalogue(language)
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            got = {n: _plural(compiled, entry, n) for n in (1, 2)}
            want = {1: entry.msgstr[0], 2: entry.msgstr[1]}
        elif entry.msgctxt is not None:
            got, want = compiled.pgettext(entry.msgctxt, entry.msgid), entry.msgstr[0]
        else:
            got, want = compiled.gettext(entry.msgid), entry.msgstr[0]
        if got != want:
            stale.append(f"{entry.label}: .mo has {got!r}, .po has {want!r}")
    assert not stale, "the .mo is older than the .po: run `lojal compilemessages`\n" + "\n".join(stale)


def _plural(compiled: gettext.GNUTranslations, entry: Entry, n: int) -> str:
    assert entry.msgid_plural is not None
    if entry.msgctxt is not None:
        return compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
    return compiled.ngettext(entry.msgid, entry.msgid_plural, n)


class _Missing(gettext.NullTranslations):
    """Makes a message absent from the .mo visible instead of falling back to the English text."""

    def gettext(self, message: str) -> str:
        return f"<missing from .mo: {message}>"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"<missing from .mo: {msgid1}>"

    def pgettext(self, context: str, message: str) -> str:
        return f"<missing from .mo: {context}|{message}>"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return f"<missing from .mo: {context}|{msgid1}>"


@pytest.mark.parametrize(
    ("language", "english", "translated"),
    [("sv", "Customers", "Kunder"), ("nb", "Customers", "Kunder"), ("nb", "Log in", "Logg inn")],
)
def test_django_serves_the_translations(language: str, english: str, translated: str) -> None:
    with translation.override(language):
        assert translation.gettext(english) == translated
        assert translation.ngettext("%(shown)s customer", "%(shown)s customers", 1) != "%(shown)s customer"
