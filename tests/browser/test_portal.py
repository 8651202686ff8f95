"""My pages in a real browser at phone width (390 px): the customer signs in by the link read from the
SMTP sink, opens a case and sees an FAQ suggestion while typing, an agent answers (the cases reply
service), and the customer reads the answer and closes the case; axe finds no violation on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.accounts.roles import Role
from lojal.accounts.services import user_create
from lojal.cases.models import Case, Category
from lojal.cases.replies import case_reply
from tests.browser.test_accessibility import axe_violations
from tests.factories import person
from tests.mail import Collector, smarthost_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://\S+/portal/login/link/\S+/")


@pytest.fixture
def smarthost(settings: Any) -> Iterator[Collector]:
    with smarthost_running(settings, from_address="kundservice@lojal.example") as collector:
        yield collector


def _published_article(actor: Any, title: str, body: str) -> None:
    """A published public FAQ article in English, indexed for suggestions (the knowledge services)."""
    from lojal.knowledge import services as knowledge_services

    article = knowledge_services.article_create(
        actor=actor, language="en", title=title, body=body, visibility="public"
    )
    knowledge_services.article_publish(actor=actor, article_id=article.pk)


def _sign_in(page: Any, live_server: Any, smarthost: Collector, address: str) -> None:
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("#address", address)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(re.compile("link", re.I))
    (message,) = [m for m in smarthost.parsed() if m["To"] == address]
    link = LINK.search(message.get_content())
    assert link is not None
    page.goto(link.group(0))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/")


def test_a_customer_opens_a_case_sees_a_suggestion_reads_the_answer_and_closes_it_on_a_phone(
    page: Any, live_server: Any, smarthost: Collector
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    customer = person(
        first_name="Anna", last_name="Berg", emails=["anna@example.se"], preferred_language="en"
    )
    Category.objects.create(name="Cards", is_customer_visible=True)
    editor = user_create(username="editor", password="not-a-real-password-1", role=Role.ADMINISTRATOR)
    _published_article(
        editor, "Blocked card", "If your card is blocked in a shop, unblock it in the app under Cards."
    )
    agent = user_create(username="agent", password="not-a-real-password-1", role=Role.SERVICE_AGENT)

    _sign_in(page, live_server, smarthost, "anna@example.se")
    assert axe_violations(page) == ""
    page.get_by_role("link", name="New case", exact=True).click()
    page.select_option("#case-category", label="Cards")
    page.fill("#case-subject", "My card is blocked")
    expect(page.locator("#suggestions")).to_contain_text("Blocked card")
    page.fill("#case-description", "The card was refused in a shop today.")
    assert axe_violations(page) == ""
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/portal/cases/\d+/$"))
    case = Case.objects.get(customer=customer)
    assert (case.channel, case.category.name if case.category else None) == ("portal", "Cards")

    case_reply(actor=agent, case_id=case.pk, text="We have unblocked your card. Try again!")
    page.reload()
    expect(page.locator(".thread")).to_contain_text("We have unblocked your card.")
    assert axe_violations(page) == ""
    page.get_by_role("button", name=re.compile("close the case")).click()
    expect(page.locator(".status")).to_have_text("Solved")
    case.refresh_from_db()
    assert case.status == "solved"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == ""


def test_my_details_with_an_error_and_the_list_in_danish_have_no_violation_on_a_phone(
    page: Any, live_server: Any
) -> None:
    from lojal.portal.identity import COOKIE_NAME, portal_session_start

    page.set_viewport_size({"width": 390, "height": 844})
    customer = person(
        first_name="Anna", last_name="Berg", emails=["anna@example.se"], preferred_language="da"
    )
    _session, key = portal_session_start(customer_id=customer.pk, contact_person_id=None)
    page.context.add_cookies([{"name": COOKIE_NAME, "value": key, "url": live_server.url}])

    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("h1")).to_have_text("Mine sager")
    assert axe_violations(page) == ""
    page.get_by_role("link", name="Mine oplysninger").click()
    page.fill("#email-1", "not-an-address")
    page.get_by_role("button", name="Gem mine oplysninger").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    customer.refresh_from_db()
    assert customer.primary_email == "anna@example.se"
