"""The knowledge base's staff pages: list (filters, query count), editor and preview, translations,
versions with their differences and restore, files, categories and synonyms."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.knowledge import services
from lojal.knowledge.models import Article, ArticleAttachment, KnowledgeCategory, Synonyms

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


@pytest.fixture
def articles() -> list[Article]:
    cards = KnowledgeCategory.objects.create(slug="kort", name="Kort")
    made = []
    for n in range(60):
        made.append(
            services.article_create(
                actor=None,
                language=("sv", "nb", "en")[n % 3],
                title=f"Artikel {n:02d}",
                body="Text",
                category_id=cards.pk if n % 2 else None,
                tags=["kort"] if n % 5 == 0 else [],
            )
        )
    return made


def titles(response: Any) -> list[str]:
    return [article.title for article in response.context["page"]]


def test_the_list_filters_by_language_status_category_and_text(
    staff_client: Client, articles: list[Article]
) -> None:
    services.article_publish(actor=None, article_id=articles[3].pk)
    response = staff_client.get("/knowledge/?language=sv&status=published")
    assert titles(response) == ["Artikel 03"]
    assert "Knowledge base" in response.content.decode()
    assert len(titles(staff_client.get("/knowledge/?language=nb&per_page=100"))) == 20
    assert titles(staff_client.get("/knowledge/?q=artikel 1&sort=title&per_page=25"))[:2] == [
        "Artikel 10",
        "Artikel 11",
    ]
    category = KnowledgeCategory.objects.get()
    assert len(titles(staff_client.get(f"/knowledge/?category={category.pk}&per_page=100"))) == 30
    assert len(titles(staff_client.get("/knowledge/?category=none&per_page=100"))) == 30
    assert len(titles(staff_client.get("/knowledge/?tag=kort&per_page=100"))) == 12
    # A value that is not a choice is ignored rather than failing the page (an old bookmark).
    assert staff_client.get("/knowledge/?language=xx&status=gone").status_code == 200


# session, user, count, the page's articles with category and editor, category choices.
ARTICLE_LIST_QUERIES = 5


@pytest.mark.parametrize("per_page", [25, 50])
def test_the_article_list_queries_do_not_grow_with_the_page_size(
    staff_client: Client, articles: list[Article], per_page: int, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(ARTICLE_LIST_QUERIES):
        response = staff_client.get(f"/knowledge/?per_page={per_page}")
    assert len(titles(response)) == per_page
    with django_assert_num_queries(ARTICLE_LIST_QUERIES - 1):
        staff_client.get(f"/knowledge/?per_page={per_page}&q=artikel", HTTP_HX_REQUEST="true")


def test_an_agent_writes_an_article_and_saves_a_change(make_user: Callable[..., User]) -> None:
    client = signed_in(make_user, Role.SERVICE_AGENT)
    assert client.get("/knowledge/new/").status_code == 200
    response = client.post(
        "/knowledge/new/",
        {
            "title": "Byta lösenord",
            "language": "sv",
            "slug": "",
            "visibility": "public",
            "tags": "Lösen, konto",
            "body": "Steg 1",
        },
    )
    article = Article.objects.get()
    assert response["Location"] == f"/knowledge/{article.pk}/"
    assert (article.slug, article.tags, article.version) == ("byta-losenord", ["lösen", "konto"], 1)
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "Add translation:" in page and 'href="/knowledge/new/?translation_of=' in page
    client.post(
        f"/knowledge/{article.pk}/",
        {
            "title": "Byta lösenord",
            "slug": "byta-losenord",
            "visibility": "portal",
            "tags": "lösen",
            "body": "Steg 2",
        },
    )
    article.refresh_from_db()
    assert (article.version, article.visibility, article.body) == (2, "portal", "Steg 2")


def test_a_taken_address_is_shown_on_the_field_and_nothing_is_saved(staff_client: Client) -> None:
    services.article_create(actor=None, language="sv", title="Kort", slug="kort")
    response = staff_client.post(
        "/knowledge/new/",
        {"title": "Annat", "language": "sv", "slug": "kort", "visibility": "public", "body": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": ["Already used by another article in this language."]}
    assert Article.objects.count() == 1


def test_add_translation_starts_from_the_original(staff_client: Client) -> None:
    swedish = services.article_create(
        actor=None, language="sv", title="Leverans", body="Två dagar", tags=["post"]
    )
    form = staff_client.get(f"/knowledge/new/?translation_of={swedish.pk}&language=nb").context["form"]
    assert (form.initial["language"], form.initial["body"], form.initial["slug"]) == ("nb", "Två dagar", "")
    staff_client.post(
        "/knowledge/new/",
        {
            "translation_of": swedish.pk,
            "title": "Levering",
            "language": "nb",
            "visibility": "public",
            "body": "To dager",
        },
    )
    norwegian = Article.objects.get(language="nb")
    assert norwegian.group == swedish.group
    assert (
        f'href="/knowledge/{norwegian.pk}/" lang="nb"'
        in staff_client.get(f"/knowledge/{swedish.pk}/").content.decode()
    )


def test_the_preview_renders_sanitised_markdown(staff_client: Client) -> None:
    response = staff_client.post(
        "/knowledge/preview/",
        {"body": "**Hej** [x](javascript:alert(1)) <img src=x onerror=alert(1)>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().strip() == (
        "<p><strong>Hej</strong> [x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;</p>"
    )


def test_read_only_staff_read_the_article_but_cannot_change_it(make_user: Callable[..., User]) -> None:
    article = services.article_create(actor=None, language="en", title="Fees", body="**Low**")
    reader = signed_in(make_user, Role.READ_ONLY)
    page = reader.get(f"/knowledge/{article.pk}/").content.decode()
    assert "<strong>Low</strong>" in page and "<textarea" not in page
    assert (
        reader.post(f"/knowledge/{article.pk}/", {"title": "Mine", "visibility": "public"}).status_code == 403
    )
    assert reader.post(f"/knowledge/{article.pk}/status/", {"to": "publish"}).status_code == 403
    assert reader.get("/knowledge/new/").status_code == 403
    assert reader.post("/knowledge/synonyms/", {"language": "sv", "text": "a, b"}).status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Fees", "draft")
    assert not Synonyms.objects.exists()
    assert 'href="/knowledge/"' in reader.get("/").content.decode()  # the menu shows the knowledge base


def test_publish_from_the_page_and_an_empty_article_is_refused(staff_client: Client) -> None:
    empty = services.article_create(actor=None, language="en", title="Empty")
    response = staff_client.post(f"/knowledge/{empty.pk}/status/", {"to": "publish"}, follow=True)
    assert "An article needs a text before it is published." in response.content.decode()
    assert Article.objects.get(pk=empty.pk).status == "draft"
    services.article_update(actor=None, article_id=empty.pk, changes={"body": "Now"})
    staff_client.post(f"/knowledge/{empty.pk}/status/", {"to": "publish"})
    assert Article.objects.get(pk=empty.pk).status == "published"


def test_the_versions_page_shows_the_changes_side_by_side_and_restores(staff_client: Client) -> None:
    article = services.article_create(actor=None, language="en", title="Fees", body="Cards cost 10 kr.")
    services.article_update(
        actor=None, article_id=article.pk, changes={"title": "Our fees", "body": "Cards cost 20 kr."}
    )
    page = staff_client.get(f"/knowledge/{article.pk}/versions/").content.decode()
    assert "Cards cost <del>10</del> kr." in page and "Cards cost <ins>20</ins> kr." in page
    assert "<dt>Title</dt><dd><del>Fees</del> → <ins>Our fees</ins></dd>" in page
    response = staff_client.post(f"/knowledge/{article.pk}/versions/1/restore/")
    assert response["Location"] == f"/knowledge/{article.pk}/"
    article.refresh_from_db()
    assert (article.version, article.title, article.body) == (3, "Fees", "Cards cost 10 kr.")
    assert staff_client.get("/knowledge/999/versions/").status_code == 404


def test_an_image_is_attached_served_and_removed(staff_client: Client, tmp_path: Path) -> None:
    article = services.article_create(actor=None, language="en", title="Screens", body="x")
    with override_settings(MEDIA_ROOT=tmp_path):
        staff_client.post(
            f"/knowledge/{article.pk}/attachments/",
            {"file": SimpleUploadedFile("shot.png", PNG, "text/html")},
        )
        attachment = ArticleAttachment.objects.get()
        assert attachment.content_type == "image/png"
        page = staff_client.get(f"/knowledge/{article.pk}/").content.decode()
        assert f"![shot.png](/knowledge/files/{attachment.pk}/shot.png)" in page
        served = staff_client.get(f"/knowledge/files/{attachment.pk}/shot.png")
        assert (served["Content-Type"], b"".join(served.streaming_content)) == ("image/png", PNG)
        assert Client().get(f"/knowledge/files/{attachment.pk}/shot.png").status_code == 404  # a draft
        services.article_publish(actor=None, article_id=article.pk)
        assert Client().get(f"/knowledge/files/{attachment.pk}/shot.png").status_code == 200  # public now
        refused = staff_client.post(
            f"/knowledge/{article.pk}/attachments/",
            {"file": SimpleUploadedFile("evil.png", b"<html><script>x</script>", "image/png")},
            follow=True,
        )
        assert (
            "Only images (PNG, JPEG, GIF, WebP) and PDF documents can be attached."
            in refused.content.decode()
        )
        assert ArticleAttachment.objects.count() == 1
        staff_client.post(f"/knowledge/attachments/{attachment.pk}/remove/")
    assert not ArticleAttachment.objects.exists()


def test_categories_and_synonyms_pages(staff_client: Client, make_user: Callable[..., User]) -> None:
    response = staff_client.post(
        "/knowledge/categories/", {"name": "Kort", "slug": "", "position": "0", "name_en": "Cards"}
    )
    assert response.status_code == 302
    category = KnowledgeCategory.objects.get()
    assert (category.slug, category.names) == ("kort", {"en": "Cards"})
    staff_client.post(
        f"/knowledge/categories/{category.pk}/",
        {"name": "Kort och betalning", "slug": "kort", "position": "1", "is_active": "on", "name_en": ""},
    )
    category.refresh_from_db()
    assert (category.name, category.names, category.position) == ("Kort och betalning", {}, 1)
    assert "Kort och betalning" in staff_client.get("/knowledge/categories/").content.decode()
    saved = staff_client.post("/knowledge/synonyms/", {"language": "nb", "text": "passord, kode"})
    assert saved["Location"] == "/knowledge/synonyms/?language=nb"
    bad = staff_client.post("/knowledge/synonyms/", {"language": "nb", "text": "passord"})
    assert bad.context["form"].errors == {
        "text": ["Line 1: give at least two different words, separated by commas."]
    }
    assert list(Synonyms.objects.values_list("language", "words")) == [("nb", "passord, kode")]
    agent = signed_in(make_user, Role.SERVICE_AGENT)
    assert agent.get(f"/knowledge/categories/{category.pk}/").status_code == 403
    assert "passord, kode" in agent.get("/knowledge/synonyms/?language=nb").content.decode()
