import re

import pytest
from django.test import Client
from django.urls import reverse

from lojal.knowledge.models import ArticleFeedback
from lojal.knowledge.reply_selectors import article_url
from tests.factories import person
from tests.knowledge.help_support import article, category
from tests.portal.helpers import portal_client

pytestmark = pytest.mark.django_db


def test_my_pages_mount_shows_portal_articles_to_signed_in_customers_and_keeps_its_addresses() -> None:
    topic = category("fakturor", "Invoices", sv="Fakturor")
    article("Se dina fakturor", slug="se-fakturor", category=topic, visibility="portal")
    article("Betala en faktura", slug="betala-faktura", category=topic)
    article("Intern rutin", slug="intern-rutin", category=topic, visibility="internal")
    customer = portal_client(person().pk)

    page = customer.get("/portal/help/sv/se-fakturor/")
    category_page = customer.get("/portal/help/sv/c/fakturor/").content.decode()
    vote = customer.post("/portal/help/sv/se-fakturor/feedback/", {"helped": "yes"})

    assert page.status_code == 200
    links = re.findall(r'(?:href|action)="(/[^"]*)"', page.content.decode())
    assert links and all(link.startswith(("/portal/help/sv/", "/static/")) for link in links), links
    assert "Betala en faktura" in category_page and "Intern rutin" not in category_page
    assert customer.get("/portal/help/sv/intern-rutin/").status_code == 404
    assert vote["Location"] == "/portal/help/sv/se-fakturor/?voted=yes#feedback"
    assert list(ArticleFeedback.objects.values_list("source", "helped")) == [("portal", True)]


def test_the_portal_mount_refuses_anonymous_readers_and_the_public_one_hides_portal_articles() -> None:
    article("Se dina fakturor", slug="se-fakturor", visibility="portal")

    anonymous = Client().get("/portal/help/sv/se-fakturor/")

    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/portal/login/?next=/portal/help/sv/se-fakturor/"
    assert Client().get("/help/sv/se-fakturor/").status_code == 404


def test_other_code_reaches_the_public_help_centre_and_portal_articles_the_portal_mount(
    settings: object,
) -> None:
    settings.LOJAL_PUBLIC_URL = "https://kund.example.se"  # type: ignore[attr-defined]

    assert reverse("knowledge-help:article", kwargs={"language": "sv", "slug": "a"}) == "/help/sv/a/"
    assert article_url(language="sv", slug="a", visibility="public") == "https://kund.example.se/help/sv/a/"
    assert (
        article_url(language="sv", slug="a", visibility="portal")
        == "https://kund.example.se/portal/help/sv/a/"
    )
    assert article_url(language="sv", slug="a", visibility="internal") == ""
