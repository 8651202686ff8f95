import re

import pytest
from django.test import Client

from lojal.knowledge.models import SuggestionSession
from tests.knowledge.help_support import article

pytestmark = pytest.mark.django_db


def result_links(html: str) -> list[str]:
    block = re.search(r'data-testid="help-results">(.*?)</ul>', html, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else []


def test_search_finds_articles_in_the_addresss_language_and_links_carry_the_session() -> None:
    pin = article("Byta pinkod", slug="byta-pinkod", body="Så byter du pinkoden till ditt kort i appen.")
    article("Bytte PIN-kode", language="nb", slug="bytte-pin-kode", body="Slik bytter du PIN-koden.")
    article("Beställa nytt kort", slug="bestalla-kort", body="Beställ ett nytt kort i appen.")

    html = Client().get("/help/sv/search/", {"q": "pinkod"}).content.decode()

    session = SuggestionSession.objects.get()
    assert (session.source, session.language, session.shown_count, session.shown_article_ids) == (
        "help",
        "sv",
        1,
        [pin.pk],
    )
    assert result_links(html) == [f"/help/sv/byta-pinkod/?s={session.token}"]
    assert "help-fallback-note" not in html


def test_a_search_without_results_in_the_language_shows_the_default_languages_with_a_note(
    settings: object,
) -> None:
    settings.LANGUAGE_CODE = "sv"  # type: ignore[attr-defined]
    article("Spärra kortet", slug="sparra-kortet", body="Spärra kortet i appen om det har kommit bort.")
    article("Levering", language="nb", slug="levering", body="Pakken kommer innen tre dager.")

    html = Client().get("/help/nb/search/", {"q": "spärra kortet"}).content.decode()

    assert "Ingenting funnet på Norsk (bokmål); viser resultater på Svenska." in html
    token = SuggestionSession.objects.get().token
    assert result_links(html) == [f"/help/nb/sparra-kortet/?s={token}"]


def test_search_never_shows_internal_drafts_or_portal_only_articles_to_anonymous_readers() -> None:
    article(
        "Kort intern rutin", slug="kort-intern", body="Kort spärras av kortcentralen.", visibility="internal"
    )
    article("Kort på mina sidor", slug="kort-portal", body="Kort visas på mina sidor.", visibility="portal")
    article("Kort utkast", slug="kort-utkast", body="Kort i utkast.", status="draft")
    article("Kort", slug="kort", body="Om ditt kort.")

    html = Client().get("/help/sv/search/", {"q": "kort"}).content.decode()

    assert [link.split("?")[0] for link in result_links(html)] == ["/help/sv/kort/"]


def test_a_search_without_results_or_words_starts_no_session() -> None:
    article("Byta pinkod", slug="byta-pinkod")

    empty = Client().get("/help/sv/search/", {"q": "  "})
    nothing = Client().get("/help/sv/search/", {"q": "xyzzy"})

    assert empty.status_code == nothing.status_code == 200
    assert 'data-testid="help-no-results"' in nothing.content.decode()
    assert SuggestionSession.objects.count() == 0
