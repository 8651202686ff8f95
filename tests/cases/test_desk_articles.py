"""The case page's article panel: insert an article's link or text into the reply, counted as a use of
the article on the case (once per article and case)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.models import Case
from lojal.core.errors import NotFound, PermissionDenied
from lojal.knowledge.feedback import article_use_record
from lojal.knowledge.models import Article, ArticleUse
from lojal.knowledge.reply_selectors import plain_text
from tests.factories import person
from tests.knowledge.help_support import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    customer = person(first_name="Eva", last_name="Lind", preferred_language="sv")
    return services.case_open(
        actor=None, subject="Hur byter jag pinkod?", channel="email", customer_id=customer.pk, language="sv"
    )


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_AGENT, "agnes")


def insert(client: Client, case: Case, item: Article, *, as_text: bool) -> object:
    return client.post(
        f"/service/cases/{case.pk}/articles/insert/",
        {"article": str(item.pk), "as_text": "1" if as_text else "0"},
        HTTP_HX_REQUEST="true",
    )


def inserted_text(response: object) -> str:
    return json.loads(response["HX-Trigger"])["lojal:articleInsert"]["text"]  # type: ignore[index]


def test_insert_link_hands_the_absolute_address_to_the_reply_box_and_counts_a_use(
    client: Client, agent: User, case: Case, settings: object
) -> None:
    settings.LOJAL_PUBLIC_URL = "https://kund.example.se"  # type: ignore[attr-defined]
    pin = article("Byta pinkod", slug="byta-pinkod")
    client.force_login(agent)

    response = insert(client, case, pin, as_text=False)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert inserted_text(response) == "Byta pinkod: https://kund.example.se/help/sv/byta-pinkod/"
    assert list(ArticleUse.objects.values_list("article_id", "case_id", "used_by", "as_text")) == [
        (pin.pk, case.pk, agent.pk, False)
    ]


def test_insert_text_quotes_the_article_as_plain_text_and_marks_the_use_as_text(
    client: Client, agent: User, case: Case
) -> None:
    pin = article(
        "Byta pinkod",
        slug="byta-pinkod",
        body="## Så byter du\n\nLogga in i **appen** och välj [Kort](https://bank.example/kort).\n\n\n\nKlart.",
    )
    client.force_login(agent)

    insert(client, case, pin, as_text=False)
    response = insert(client, case, pin, as_text=True)
    insert(client, case, pin, as_text=False)

    assert inserted_text(response) == (
        "Så byter du\n\nLogga in i appen och välj Kort (https://bank.example/kort).\n\nKlart."
    )
    assert list(ArticleUse.objects.values_list("article_id", "case_id", "as_text")) == [
        (pin.pk, case.pk, True)
    ]


def test_an_internal_article_can_be_quoted_but_not_linked(client: Client, agent: User, case: Case) -> None:
    routine = article("Spärrutin", slug="sparrutin", visibility="internal", body="Ring kortcentralen.")
    client.force_login(agent)

    refused = insert(client, case, routine, as_text=False)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert ArticleUse.objects.count() == 0

    quoted = insert(client, case, routine, as_text=True)
    assert inserted_text(quoted) == "Ring kortcentralen."
    assert ArticleUse.objects.count() == 1


@pytest.mark.parametrize("article_value", ["", "abc", "999999", "-1"])
def test_an_unknown_article_is_refused_and_nothing_is_counted(
    client: Client, agent: User, case: Case, article_value: str
) -> None:
    client.force_login(agent)

    response = client.post(
        f"/service/cases/{case.pk}/articles/insert/", {"article": article_value}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert "HX-Trigger" not in response
    assert ArticleUse.objects.count() == 0


def test_a_draft_article_is_not_inserted(client: Client, agent: User, case: Case) -> None:
    draft = article("Utkast", slug="utkast", status="draft")
    client.force_login(agent)

    assert insert(client, case, draft, as_text=True).status_code == 422  # type: ignore[attr-defined]
    assert ArticleUse.objects.count() == 0


def test_a_role_that_may_not_work_cases_inserts_nothing(
    client: Client, make_user: Callable[..., User], case: Case
) -> None:
    pin = article("Byta pinkod", slug="byta-pinkod")
    client.force_login(make_user(Role.READ_ONLY, "rita"))

    assert insert(client, case, pin, as_text=False).status_code == 403  # type: ignore[attr-defined]
    assert ArticleUse.objects.count() == 0
    with pytest.raises(PermissionDenied):
        article_use_record(actor=None, article_id=pin.pk, case_id=case.pk, as_text=False)


def test_insert_into_an_unknown_case_is_not_found(client: Client, agent: User) -> None:
    pin = article("Byta pinkod", slug="byta-pinkod")
    client.force_login(agent)

    response = client.post("/service/cases/987654/articles/insert/", {"article": str(pin.pk)})

    assert response.status_code == 404
    assert ArticleUse.objects.count() == 0


def test_the_use_service_refuses_an_unknown_article(agent: User, case: Case) -> None:
    with pytest.raises(NotFound):
        article_use_record(actor=agent, article_id=424242, case_id=case.pk, as_text=False)
    assert ArticleUse.objects.count() == 0


def test_the_case_page_has_the_article_panel(client: Client, agent: User, case: Case) -> None:
    client.force_login(agent)

    html = client.get(f"/service/cases/{case.pk}/").content.decode()

    assert 'data-testid="article-panel"' in html
    assert f'hx-get="/service/cases/{case.pk}/articles/"' in html
    assert "Sök i kunskapsbanken" in html or "Search the knowledge base" in html


def test_plain_text_keeps_bare_links_and_list_items() -> None:
    assert plain_text("- [](https://a.example)\n- *ett* __två__") == "- https://a.example\n- ett två"


def test_the_panel_searches_published_articles_of_every_visibility_in_the_cases_language(
    client: Client, agent: User, case: Case
) -> None:
    article("Byta pinkod", slug="byta-pinkod", body="Så byter du pinkoden i appen.")
    article("Pinkod på Mina sidor", slug="pinkod-portal", body="Pinkoden på Mina sidor.", visibility="portal")
    article(
        "Pinkod, intern rutin",
        slug="pinkod-intern",
        body="Pinkoden nollställs av kortcentralen.",
        visibility="internal",
    )
    article("Pinkod, utkast", slug="pinkod-utkast", body="Pinkoden.", status="draft")
    article("Bytte PIN-kode", language="nb", slug="bytte-pin-kode", body="Pinkod på norsk.")
    client.force_login(agent)

    html = client.get(
        f"/service/cases/{case.pk}/articles/", {"q": "pinkod"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    titles = re.findall(r'<p class="article-result-title"><strong>([^<]+)</strong>', html)
    assert sorted(titles) == ["Byta pinkod", "Pinkod på Mina sidor", "Pinkod, intern rutin"]
    assert html.count('data-testid="insert-link"') == 2  # not for the internal article
    assert html.count('data-testid="insert-text"') == 3
    assert ArticleUse.objects.count() == 0  # searching is no use


def test_the_panel_without_words_lists_nothing(client: Client, agent: User, case: Case) -> None:
    article("Byta pinkod", slug="byta-pinkod")
    client.force_login(agent)

    response = client.get(f"/service/cases/{case.pk}/articles/", {"q": " "}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "article-result" not in response.content.decode()
