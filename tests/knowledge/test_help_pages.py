import re
import uuid

import pytest
from django.test import Client

from lojal.knowledge.models import Article
from tests.knowledge.help_support import article, category

pytestmark = pytest.mark.django_db


def links(html: str) -> list[str]:
    return re.findall(r'href="(/help/[^"]*)"', html)


@pytest.fixture
def cards() -> dict[str, Article]:
    """Cards in Swedish and Norwegian; "Spärra kortet" has no Norwegian translation."""
    topic = category("kort", "Cards", sv="Kort", nb="Kort", en="Cards")
    pin = uuid.uuid4()
    block = uuid.uuid4()
    return {
        "pin_sv": article("Byta pinkod", slug="byta-pinkod", group=pin, category=topic),
        "pin_nb": article("Bytte PIN-kode", language="nb", slug="bytte-pin-kode", group=pin, category=topic),
        "block_sv": article("Spärra kortet", slug="sparra-kortet", group=block, category=topic),
    }


def test_help_redirects_to_the_first_accepted_language_with_articles(cards: dict[str, Article]) -> None:
    response = Client().get("/help/", HTTP_ACCEPT_LANGUAGE="de-DE,nb;q=0.8,sv;q=0.5")

    assert response.status_code == 302
    assert response["Location"] == "/help/nb/"


def test_help_takes_no_for_norwegian_and_falls_back_to_the_default_language(
    cards: dict[str, Article], settings: object
) -> None:
    assert Client().get("/help/", HTTP_ACCEPT_LANGUAGE="no")["Location"] == "/help/nb/"
    settings.LANGUAGE_CODE = "sv"  # type: ignore[attr-defined]
    assert Client().get("/help/", HTTP_ACCEPT_LANGUAGE="fi")["Location"] == "/help/sv/"


def test_help_without_a_match_goes_to_the_first_language_with_articles_when_the_default_has_none() -> None:
    article("Levering", language="nb", slug="levering")

    assert Client().get("/help/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/help/nb/"


def test_home_page_shows_category_cards_and_keeps_its_language_in_every_link(
    cards: dict[str, Article],
) -> None:
    response = Client().get("/help/nb/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "nb"
    assert '<html lang="nb">' in html
    assert 'href="/help/nb/c/kort/"' in html
    assert "2 artikler" in html
    assert "Hvordan kan vi hjelpe deg?" in html
    # Only the footer's language choice leads to another language.
    assert [link for link in links(html) if not link.startswith("/help/nb/")] == ["/help/sv/"]


def test_unknown_language_in_the_address_is_not_found(cards: dict[str, Article]) -> None:
    assert Client().get("/help/de/").status_code == 404


def test_category_page_lists_its_articles_in_the_readers_language_or_the_default(
    cards: dict[str, Article], settings: object
) -> None:
    settings.LANGUAGE_CODE = "sv"  # type: ignore[attr-defined]

    html = Client().get("/help/nb/c/kort/").content.decode()

    assert "Bytte PIN-kode" in html
    assert "Byta pinkod" not in html
    assert 'href="/help/nb/sparra-kortet/"' in html
    assert [link for link in links(html) if not link.startswith("/help/nb/")] == ["/help/sv/"]


def test_article_missing_in_the_language_shows_the_default_with_a_note_and_stays_in_the_language(
    cards: dict[str, Article], settings: object
) -> None:
    settings.LANGUAGE_CODE = "sv"  # type: ignore[attr-defined]

    response = Client().get("/help/nb/sparra-kortet/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Denne artikkelen finnes ikke på Norsk (bokmål); viser Svenska." in html
    assert '<article class="help-article" lang="sv"' in html
    assert "Spärra kortet" in html
    assert 'action="/help/nb/sparra-kortet/feedback/"' in html
    assert [link for link in links(html) if not link.startswith("/help/nb/")] == ["/help/sv/"]


def test_article_page_links_to_its_translations(cards: dict[str, Article]) -> None:
    html = Client().get("/help/sv/byta-pinkod/").content.decode()

    assert 'href="/help/nb/bytte-pin-kode/"' in html
    assert "help-fallback-note" not in html


def test_another_languages_slug_leads_to_the_translation_in_the_addresss_language(
    cards: dict[str, Article],
) -> None:
    response = Client().get("/help/nb/byta-pinkod/?s=abc")

    assert response.status_code == 302
    assert response["Location"] == "/help/nb/bytte-pin-kode/?s=abc"


def test_opening_an_article_counts_a_view(cards: dict[str, Article]) -> None:
    Client().get("/help/sv/byta-pinkod/")
    Client().get("/help/sv/byta-pinkod/")

    cards["pin_sv"].refresh_from_db()
    cards["pin_nb"].refresh_from_db()
    assert (cards["pin_sv"].view_count, cards["pin_nb"].view_count) == (2, 0)


@pytest.mark.parametrize(
    ("visibility", "status"),
    [("internal", "published"), ("public", "draft"), ("public", "archived"), ("portal", "published")],
)
def test_internal_draft_archived_and_portal_only_articles_are_not_shown_to_anonymous_readers(
    visibility: str, status: str
) -> None:
    topic = category("konto", "Account")
    hidden = article(
        "Intern rutin", slug="intern-rutin", category=topic, visibility=visibility, status=status
    )
    article("Öppna konto", slug="oppna-konto", category=topic)

    client = Client()
    assert client.get("/help/sv/intern-rutin/").status_code == 404
    assert "Intern rutin" not in client.get("/help/sv/c/konto/").content.decode()
    assert "Intern rutin" not in client.get("/help/sv/").content.decode()
    hidden.refresh_from_db()
    assert hidden.view_count == 0


def test_portal_visibility_is_a_parameter_of_the_views(rf: object) -> None:
    from lojal.knowledge import help_views
    from lojal.knowledge.help_selectors import PORTAL_CUSTOMER

    article("Se dina fakturor", slug="se-fakturor", visibility="portal")
    article("Intern rutin", slug="intern-rutin", visibility="internal")
    request = rf.get("/help/sv/se-fakturor/")  # type: ignore[attr-defined]
    request.resolver_match = None

    response = help_views.article(request, "sv", "se-fakturor", visibilities=PORTAL_CUSTOMER)
    assert response.status_code == 200
    with pytest.raises(Exception, match="No such article"):
        help_views.article(request, "sv", "intern-rutin", visibilities=(*PORTAL_CUSTOMER, "internal"))


def test_category_without_readable_articles_is_not_found() -> None:
    topic = category("tomt", "Empty")
    article("Utkast", slug="utkast", category=topic, status="draft")

    assert Client().get("/help/sv/c/tomt/").status_code == 404
    assert Client().get("/help/sv/c/finns-inte/").status_code == 404


def test_home_cards_are_the_top_categories_counting_their_sub_categories_articles() -> None:
    cards = category("kort", "Cards", sv="Kort")
    abroad = category("utomlands", "Abroad", sv="Utomlands")
    abroad.parent = cards
    abroad.save()
    article("Kort utomlands", slug="kort-utomlands", category=abroad)
    article("Byta pinkod", slug="byta-pinkod", category=cards)

    html = Client().get("/help/sv/").content.decode()

    assert 'href="/help/sv/c/kort/"' in html
    assert "2 artiklar" in html
    assert 'href="/help/sv/c/utomlands/"' not in html
    assert "Kort utomlands" in Client().get("/help/sv/c/kort/").content.decode()


@pytest.mark.parametrize("language", ["da", "fi", "en"])
def test_danish_finnish_and_english_addresses_work_with_the_default_languages_articles(
    cards: dict[str, Article], settings: object, language: str
) -> None:
    settings.LANGUAGE_CODE = "sv"  # type: ignore[attr-defined]

    home = Client().get(f"/help/{language}/")
    page = Client().get(f"/help/{language}/byta-pinkod/")

    assert home.status_code == page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()
    assert 'data-testid="help-fallback-note"' in page.content.decode()
    assert f'href="/help/{language}/c/kort/"' in home.content.decode()
