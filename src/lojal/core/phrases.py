"""Sentences Lojal itself writes into stored data (a stage change's reason, a chat's subject, a
retention run's note): kept as a code and its parameters, and said in the reader's language when
shown. What people write (a note, an email, a reason typed by staff) is stored and shown as written.

A stored record keeps the English text beside the code, as the fallback for readers that do not know
the code and as what a text search finds. :func:`phrase_match` recognises the English, Swedish and
Norwegian texts that were stored before the codes existed (data migrations use it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

#: code -> the English text (a msgid: the catalogues hold the translations).
PHRASES: dict[str, str] = {
    "stage.first_qualifying_transaction": gettext_noop("first qualifying transaction"),
    "stage.inactive_for_days": gettext_noop("no open holding and no transaction for %(days)d days"),
    "call.incoming": gettext_noop("Incoming call"),
    "call.outgoing": gettext_noop("Outgoing call"),
    "chat.closed": gettext_noop("Chat with %(name)s"),
    "chat.offline": gettext_noop("Chat message (no one online) from %(name)s"),
    "retention.abandoned_imports_cancelled": gettext_noop("abandoned imports cancelled: %(count)d"),
}
#: The languages a phrase may have been stored in before it had a code.
_STORED_LANGUAGES = ("en", "sv", "nb")
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


@dataclass(frozen=True)
class Phrase:
    """A sentence Lojal writes: ``code`` from :data:`PHRASES` and its ``params``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in PHRASES:
            raise ValueError(f"Unknown phrase code {self.code!r}")

    @property
    def english(self) -> str:
        """The text as stored beside the code: always English, whoever's request wrote it."""
        with translation.override("en"):
            return self.text()

    def text(self) -> str:
        """The text in the active language."""
        return phrase_render(code=self.code, params=self.params)

    def as_data(self) -> dict[str, Any]:
        """The code and parameters as JSON-ready values (``code``, ``params``)."""
        return {"code": self.code, "params": dict(self.params)}


def phrase_render(*, code: str | None, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    """The phrase ``code`` with ``params`` in the active language; ``fallback`` (the stored text)
    when the code is missing or unknown or the parameters do not fit."""
    template = PHRASES.get(code or "")
    if template is None:
        return fallback
    try:
        return gettext(template) % dict(params or {})
    except (KeyError, TypeError, ValueError):
        return fallback


@cache
def _patterns(language: str) -> tuple[tuple[str, re.Pattern[str], tuple[tuple[str, str], ...]], ...]:
    """Each phrase's text in ``language`` as a regular expression that captures its parameters."""
    found = []
    with translation.override(language):
        for code, template in PHRASES.items():
            translated = gettext(template)
            names = tuple(_PLACEHOLDER.findall(translated))
            pieces = _PLACEHOLDER.split(translated)
            # split() yields text, name, kind, text, name, kind, ..., text
            regex = "".join(
                re.escape(piece) if index % 3 == 0 else ("(-?\\d+)" if piece == "d" else "(.+?)")
                for index, piece in enumerate(pieces)
                if index % 3 != 1
            )
            found.append((code, re.compile(f"^{regex}$"), names))
    return tuple(found)


def phrase_match(text: str) -> Phrase | None:
    """The phrase whose English, Swedish or Norwegian text ``text`` is, with its parameters read
    back from it; None when it is no known phrase (a person's own words)."""
    stripped = (text or "").strip()
    if not stripped:
        return None
    for language in _STORED_LANGUAGES:
        for code, pattern, names in _patterns(language):
            matched = pattern.match(stripped)
            if matched is None:
                continue
            params: dict[str, Any] = {
                name: int(value) if kind == "d" else value
                for (name, kind), value in zip(names, matched.groups(), strict=True)
            }
            return Phrase(code, params)
    return None


def phrase_translate(text: str) -> str:
    """``text`` in the active language when it is a known phrase stored as text (an audit entry's
    reason, a row written before the codes existed); otherwise ``text`` as it is."""
    found = phrase_match(text)
    return found.text() if found is not None else text
