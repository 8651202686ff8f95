"""The public help centre in a real browser at phone width, in Swedish and Norwegian: the reader's
language from the browser, search, an article, "Did this help?" by htmx, and an article missing in
Norwegian shown in Swedish with a note, the address staying Norwegian. axe-core on every page. And the
agent's side: the case page's article panel puts an article's link and text into the reply box."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.knowledge.models import ArticleFeedback, ArticleUse, SuggestionSession
from tests.browser.help_site import help_world
from tests.browser.test_accessibility import axe_violations
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def accessible(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == ""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


@pytest.mark.parametrize(
    ("locale", "language", "words", "title", "yes", "thanks"),
    [
        ("sv-SE", "sv", "byta pinkod", "Byta pinkod på kortet", "Ja", "Tack! Vad roligt att det hjälpte."),
        ("nb-NO", "nb", "bytte PIN-kode", "Bytte PIN-kode på kortet", "Ja", "Takk! Så fint at det hjalp."),
    ],
)
def test_a_reader_searches_opens_an_article_and_answers_did_this_help_at_phone_width(
    browser: Any, live_server: Any, locale: str, language: str, words: str, title: str, yes: str, thanks: str
) -> None:
    help_world()
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()

    page.goto(f"{live_server.url}/help/")
    expect(page).to_have_url(f"{live_server.url}/help/{language}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    accessible(page)

    page.locator("#help-q").fill(words)
    page.locator("#help-q").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/help/{language}/search/?q={words.replace(' ', '+')}")
    results = page.get_by_test_id("help-results")
    expect(results.get_by_role("link").first).to_have_text(title)
    accessible(page)

    results.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    assert page.url.startswith(f"{live_server.url}/help/{language}/")
    accessible(page)

    page.get_by_role("button", name=yes, exact=True).click()
    expect(page.get_by_test_id("help-feedback-thanks")).to_have_text(thanks)
    accessible(page)
    context.close()

    feedback = ArticleFeedback.objects.get()
    assert (feedback.article.title, feedback.helped) == (title, True)
    session = SuggestionSession.objects.get()
    assert (session.source, session.language, session.opened_article_ids, session.helped) == (
        "help",
        language,
        [feedback.article_id],
        True,
    )


def test_a_norwegian_reader_gets_a_swedish_only_article_with_a_note_and_stays_in_norwegian(
    browser: Any, live_server: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "sv"
    help_world()
    context = browser.new_context(viewport=PHONE, locale="nb-NO")
    page = context.new_page()

    page.goto(f"{live_server.url}/help/nb/")
    page.get_by_role("link", name="Kort og betaling").click()
    expect(page.locator("h1")).to_have_text("Kort og betaling")
    page.get_by_role("link", name="Spärra kortet om det kommit bort").click()

    expect(page).to_have_url(f"{live_server.url}/help/nb/sparra-kortet-om-det-kommit-bort/")
    expect(page.get_by_test_id("help-fallback-note")).to_have_text(
        "Denne artikkelen finnes ikke på Norsk (bokmål); viser Svenska."
    )
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    accessible(page)
    page.get_by_role("link", name="Hjelpesenter").first.click()
    expect(page).to_have_url(f"{live_server.url}/help/nb/")
    context.close()


def test_an_agent_finds_an_article_and_inserts_its_link_and_text_into_the_reply(
    logged_in: Callable[..., Any], settings: Any
) -> None:
    settings.LOJAL_PUBLIC_URL = "https://kund.example.se"
    help_world()
    customer = person(first_name="Eva", last_name="Lind", emails=["eva@example.se"], preferred_language="sv")
    case = services.case_open(
        actor=None, subject="Glömt pinkoden", channel="email", customer_id=customer.pk, language="sv"
    )
    page = logged_in(Role.SERVICE_AGENT, start=f"/service/cases/{case.pk}/")

    page.locator("#reply-text").fill("Hej Eva!\n\n")
    page.locator("#article-q").fill("pinkod")
    results = page.get_by_test_id("article-results")
    expect(results).to_contain_text("Byta pinkod på kortet")
    results.get_by_test_id("insert-link").first.click()
    expect(page.locator("#article-insert-status")).to_contain_text("Byta pinkod på kortet")
    expect(page.locator("#reply-text")).to_have_value(
        "Hej Eva!\n\nByta pinkod på kortet: https://kund.example.se/help/sv/byta-pinkod/"
    )
    results.get_by_test_id("insert-text").first.click()
    expect(page.locator("#reply-text")).to_have_value(re.compile(r"Logga in i appen och välj Kort"))
    assert page.evaluate("document.activeElement.id") == "reply-text"
    assert axe_violations(page) == ""

    use = ArticleUse.objects.get()
    assert (use.case_id, use.as_text, use.article.slug) == (case.pk, True, "byta-pinkod")
