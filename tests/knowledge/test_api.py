"""The staff API of the knowledge base: articles, versions, restore, categories and synonyms; roles,
problem documents and 404s."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from lojal.accounts.roles import Action, Role, role_allows
from lojal.core.models import AuditEntry
from lojal.knowledge import services
from lojal.knowledge.models import Article, ArticleVersion, KnowledgeCategory, Synonyms
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def body(response: Any) -> Any:
    return json.loads(response.content)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    document = body(response)
    assert document["status"] == status
    # The problem document lists its field errors as [{"field", "reasons"}]; as a mapping here.
    document["errors"] = {item["field"]: item["reasons"] for item in document.get("errors", [])}
    return document  # type: ignore[no-any-return]


def test_an_editor_writes_publishes_and_lists_an_article(api: ApiClient) -> None:
    created = api.post(
        "kb/articles",
        {
            "language": "sv",
            "title": "Spärra kortet",
            "body": "Ring **020-123** <script>alert(1)</script>",
            "tags": ["Kort"],
        },
    )
    assert created.status_code == 201, created.content
    article = body(created)
    assert (article["slug"], article["status"], article["version"], article["tags"]) == (
        "sparra-kortet",
        "draft",
        1,
        ["kort"],
    )
    assert (
        article["body_html"] == "<p>Ring <strong>020-123</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )
    published = body(api.post(f"kb/articles/{article['id']}/publish"))
    assert published["status"] == "published" and published["published_at"] is not None
    listed = body(api.get("kb/articles", status="published", language="sv"))
    assert [item["id"] for item in listed["items"]] == [article["id"]]
    assert listed["next_cursor"] is None
    assert body(api.get("kb/articles", status="draft"))["items"] == []
    unpublished = body(api.post(f"kb/articles/{article['id']}/unpublish"))
    assert unpublished["status"] == "draft"
    assert body(api.post(f"kb/articles/{article['id']}/archive"))["status"] == "archived"


def test_the_list_pages_with_a_cursor_and_filters_by_text_category_and_visibility(api: ApiClient) -> None:
    cards = KnowledgeCategory.objects.create(slug="cards", name="Cards")
    ids = [
        services.article_create(
            actor=None, language="en", title=f"Card {n}", category_id=cards.pk if n % 2 else None
        ).pk
        for n in range(5)
    ]
    services.article_create(actor=None, language="en", title="Staff only", visibility="internal")
    first = body(api.get("kb/articles", q="card", limit=2))
    second = body(api.get("kb/articles", q="card", limit=2, cursor=first["next_cursor"]))
    third = body(api.get("kb/articles", q="card", limit=2, cursor=second["next_cursor"]))
    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == sorted(ids, reverse=True) and third["next_cursor"] is None
    assert [item["title"] for item in body(api.get("kb/articles", category=str(cards.pk)))["items"]] == [
        "Card 3",
        "Card 1",
    ]
    assert [item["title"] for item in body(api.get("kb/articles", visibility="internal"))["items"]] == [
        "Staff only"
    ]
    problem(api.get("kb/articles", language="de"), 422)
    assert "cursor" in problem(api.get("kb/articles", cursor="forged"), 422)["errors"]


def test_patch_keeps_versions_and_an_old_one_is_restored(api: ApiClient) -> None:
    article = body(api.post("kb/articles", {"language": "en", "title": "Fees", "body": "10 kr"}))
    changed = body(api.patch(f"kb/articles/{article['id']}", {"body": "20 kr", "category_id": None}))
    assert (changed["version"], changed["body"]) == (2, "20 kr")
    versions = body(api.get(f"kb/articles/{article['id']}/versions"))
    assert [(v["number"], v["body"], v["author_id"]) for v in versions["items"]] == [
        (2, "20 kr", api.user.pk),
        (1, "10 kr", api.user.pk),
    ]
    diff = body(api.get(f"kb/articles/{article['id']}/diff", old=1, new=2))
    assert diff["fields"] == {} and "-10 kr\n+20 kr" in diff["unified"]
    restored = body(api.post(f"kb/articles/{article['id']}/versions/1/restore"))
    assert (restored["version"], restored["body"]) == (3, "10 kr")
    problem(api.post(f"kb/articles/{article['id']}/versions/9/restore"), 404)
    assert ArticleVersion.objects.filter(article_id=article["id"]).count() == 3


def test_a_translation_is_listed_with_its_original(api: ApiClient) -> None:
    swedish = body(api.post("kb/articles", {"language": "sv", "title": "Leverans"}))
    english = body(
        api.post("kb/articles", {"language": "en", "title": "Delivery", "translation_of": swedish["id"]})
    )
    assert english["group"] == swedish["group"]
    assert body(api.get(f"kb/articles/{swedish['id']}"))["translations"] == [
        {"id": english["id"], "language": "en", "title": "Delivery", "status": "draft"}
    ]
    duplicate = problem(
        api.post("kb/articles", {"language": "en", "title": "Shipping", "translation_of": swedish["id"]}), 409
    )
    assert duplicate["errors"] == {"language": ["A translation in this language exists already."]}
    assert Article.objects.count() == 2


def test_bad_input_answers_a_problem_document_and_changes_nothing(api: ApiClient) -> None:
    article = body(api.post("kb/articles", {"language": "en", "title": "Fees"}))
    entries = AuditEntry.objects.count()
    assert "title" in problem(api.post("kb/articles", {"language": "en", "title": ""}), 422)["errors"]
    assert (
        "visibility"
        in problem(api.post("kb/articles", {"language": "en", "title": "x", "visibility": "all"}), 422)[
            "errors"
        ]
    )
    assert problem(api.patch(f"kb/articles/{article['id']}", {"category_id": 404}), 422)["errors"] == {
        "category_id": ["No category in use with this id."]
    }
    assert problem(api.patch(f"kb/articles/{article['id']}", {"slug": "fees x"}), 422)["errors"]["slug"]
    assert problem(api.post(f"kb/articles/{article['id']}/publish"), 422)["errors"] == {
        "body": ["An article needs a text before it is published."]
    }
    assert AuditEntry.objects.count() == entries
    assert Article.objects.get(pk=article["id"]).version == 1


@pytest.mark.parametrize(
    "path", ["kb/articles/999", "kb/articles/999/versions", "kb/articles/999/diff?old=1&new=2"]
)
def test_an_unknown_article_is_a_404_problem(api: ApiClient, path: str) -> None:
    assert problem(api.get(path), 404)["title"] == "Not found"


@pytest.mark.parametrize("method", ["patch", "publish", "unpublish", "restore"])
def test_writing_an_unknown_article_is_a_404_problem(api: ApiClient, method: str) -> None:
    if method == "patch":
        response = api.patch("kb/articles/999", {"title": "x"})
    elif method == "restore":
        response = api.post("kb/articles/999/versions/1/restore")
    else:
        response = api.post(f"kb/articles/999/{method}")
    problem(response, 404)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_roles_read_and_write_as_the_role_table_says(api_as: Callable[[str], ApiClient], role: str) -> None:
    article = services.article_create(actor=None, language="en", title="Fees", body="Text")
    client = api_as(role)
    assert client.get(f"kb/articles/{article.pk}").status_code == 200
    assert client.get("kb/categories").status_code == 200
    created = client.post("kb/articles", {"language": "sv", "title": "Avgifter"})
    published = client.post(f"kb/articles/{article.pk}/publish")
    category = client.post("kb/categories", {"name": "Cards"})
    synonyms = client._call("put", "kb/synonyms/sv", {"text": "kort, bankkort"})
    if role_allows(role, Action.KNOWLEDGE_EDIT):
        assert (created.status_code, published.status_code) == (201, 200)
    else:
        problem(created, 403)
        problem(published, 403)
        assert Article.objects.get(pk=article.pk).status == "draft"
        assert not Article.objects.filter(language="sv").exists()
    if role_allows(role, Action.KNOWLEDGE_MANAGE):
        assert (category.status_code, synonyms.status_code) == (201, 200)
    else:
        problem(category, 403)
        problem(synonyms, 403)
        assert not KnowledgeCategory.objects.exists() and not Synonyms.objects.exists()
    assert role_allows(role, Action.KNOWLEDGE_EDIT) == (
        role in {Role.ADMINISTRATOR, Role.MANAGER, Role.SERVICE_AGENT}
    )
    assert role_allows(role, Action.KNOWLEDGE_MANAGE) == (role in {Role.ADMINISTRATOR, Role.MANAGER})


def test_without_a_token_the_api_answers_401() -> None:
    from django.test import Client

    problem(Client().get("/api/v1/kb/articles"), 401)


def test_categories_and_synonyms_through_the_api(api: ApiClient) -> None:
    top = body(api.post("kb/categories", {"name": "Kort", "names": {"en": "Cards"}}))
    child = body(api.post("kb/categories", {"name": "Spärr", "parent_id": top["id"]}))
    assert [c["name"] for c in body(api.get("kb/categories"))] == ["Kort", "Spärr"]
    assert problem(api.post("kb/categories", {"name": "Djup", "parent_id": child["id"]}), 422)["errors"] == {
        "parent_id": ["Categories go two levels deep at most."]
    }
    renamed = body(api.patch(f"kb/categories/{child['id']}", {"name": "Spärrat kort", "is_active": False}))
    assert (renamed["name"], renamed["is_active"]) == ("Spärrat kort", False)
    saved = body(api._call("put", "kb/synonyms/sv", {"text": "Lösen, lösenord\nkort, bankkort"}))
    assert saved == {"language": "sv", "lines": ["kort, bankkort", "lösen, lösenord"]}
    bad = problem(api._call("put", "kb/synonyms/sv", {"text": "ensam"}), 422)
    assert bad["errors"] == {"text": ["Line 1: give at least two different words, separated by commas."]}
    assert body(api.get("kb/synonyms/sv"))["lines"] == ["kort, bankkort", "lösen, lösenord"]
    problem(api.get("kb/synonyms/de"), 422)
