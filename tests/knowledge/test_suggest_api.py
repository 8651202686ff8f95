"""GET /api/v1/kb/suggest: shape, addresses, audiences, and problem documents for bad input."""

from typing import Any

import pytest
from django.test import Client

from lojal.knowledge.indexing import article_reindex
from lojal.knowledge.models import Article

pytestmark = pytest.mark.django_db


def _article(title: str, body: str, slug: str, visibility: str = "public", language: str = "sv") -> Article:
    article = Article.objects.create(
        language=language, title=title, slug=slug, body=body, visibility=visibility, status="published"
    )
    article_reindex(article_id=article.pk)
    return article


@pytest.fixture
def articles() -> dict[str, Article]:
    return {
        "password": _article("Byta lösenord", "Byt lösenord i appen under Säkerhet.", "byta-losenord"),
        "card": _article("Spärra kortet", "Spärra kortet i appen om det är borta.", "sparra-kortet"),
        "internal": _article(
            "Lösenord: rutin för återställning", "Kontrollera legitimation.", "losenord-rutin", "internal"
        ),
    }


def test_suggest_answers_items_with_id_title_url_and_score(api: Any, articles: dict[str, Article]) -> None:
    response = api.get(
        "/api/v1/kb/suggest", q="Hej, jag vill byta mitt lösenord. Hur gör jag?", language="sv"
    )

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["id"], item["title"], item["url"]) for item in items] == [
        (articles["password"].pk, "Byta lösenord", "/help/sv/byta-losenord/")
    ]
    assert set(items[0]) == {"id", "title", "url", "score"}
    assert items[0]["score"] > 0


def test_suggest_keeps_to_the_limit_and_the_audience(api: Any, articles: dict[str, Article]) -> None:
    public = api.get("/api/v1/kb/suggest", q="lösenord kortet appen", language="sv", limit=1).json()["items"]
    staff = api.get("/api/v1/kb/suggest", q="lösenord rutin", language="sv", audience="staff").json()["items"]
    everyone = api.get("/api/v1/kb/suggest", q="lösenord rutin", language="sv").json()["items"]

    assert len(public) == 1
    assert [item["id"] for item in staff] == [articles["internal"].pk, articles["password"].pk]
    assert [item["id"] for item in everyone] == [articles["password"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "kort", "language": "de"}, "language"),
        ({"q": "kort", "language": "sv", "limit": 0}, "limit"),
        ({"q": "kort", "language": "sv", "limit": 11}, "limit"),
        ({"q": "kort", "language": "sv", "limit": "three"}, "limit"),
        ({"language": "sv"}, "q"),
        ({"q": "kort", "language": "sv", "audience": "everyone"}, "audience"),
    ],
)
def test_bad_input_gets_a_problem_document_naming_the_field(
    api: Any, articles: dict[str, Article], params: dict[str, Any], field: str
) -> None:
    response = api.get("/api/v1/kb/suggest", **params)

    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_suggest_needs_a_staff_token(articles: dict[str, Article]) -> None:
    response = Client().get("/api/v1/kb/suggest", {"q": "kort", "language": "sv"})

    assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")
