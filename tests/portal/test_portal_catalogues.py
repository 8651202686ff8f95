"""The Danish and Finnish catalogues of My pages (and the help centre): the same checks as the staff
languages' (tests/test_translations.py) — header, every entry translated, placeholders and markup
kept, the .mo compiled from the current .po — and that the portal's own strings are all there."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.test_translations import (  # noqa: F401  (collected here for da and fi)
    catalogue,
    test_compiled_catalogue_matches_the_po,
    test_every_message_is_translated_and_not_fuzzy,
    test_header_declares_language_charset_and_plurals,
    test_placeholders_and_markup_are_kept,
)


@pytest.fixture(params=["da", "fi"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_portal_pages_strings_are_all_in_danish_and_finnish(language: str) -> None:
    """Every string the portal's templates (pages, sign-in, the link email) translate is in the catalogue."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "src" / "lojal" / "templates" / "portal"
    wanted: set[str] = set()
    for path in [*templates.rglob("*.html"), *templates.rglob("*.txt")]:
        if path.name == "settings.html":  # the staff page: en, sv and nb only
            continue
        text = path.read_text(encoding="utf-8")
        wanted |= set(re.findall(r'{% translate "([^"]+)" %}', text))
    _header, entries = catalogue(language)
    here = {entry.msgid for entry in entries}

    assert len(wanted) > 40
    assert sorted(wanted - here) == []


@pytest.mark.parametrize(
    ("language", "english", "translated"),
    [("da", "My cases", "Mine sager"), ("fi", "My cases", "Omat asiat"), ("fi", "Received", "Vastaanotettu")],
)
def test_django_serves_danish_and_finnish(language: str, english: str, translated: str) -> None:
    with translation.override(language):
        assert translation.gettext(english) == translated
