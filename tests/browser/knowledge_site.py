"""The knowledge base's part of the site walk (``tests/browser/site.py``): a category with a
subcategory, an article in two versions with a Norwegian translation, and synonyms."""

from __future__ import annotations

from lojal.knowledge import services
from lojal.knowledge.models import Article, KnowledgeCategory

#: Knowledge addresses that are not pages: the editor's preview (POST, htmx) and POST-only actions.
KNOWLEDGE_NOT_PAGES = {"knowledge:preview"}


def knowledge_pages() -> dict[str, str]:
    """The knowledge pages that need an object, each with one (made once)."""
    category = KnowledgeCategory.objects.filter(slug="kort").first()
    if category is None:
        category = services.category_create(actor=None, name="Kort", slug="kort", names={"en": "Cards"})
        services.category_create(actor=None, name="Spärrat kort", parent_id=category.pk)
    article = Article.objects.filter(language="sv", slug="sparra-kortet").first()
    if article is None:
        article = services.article_create(
            actor=None,
            language="sv",
            title="Spärra kortet",
            body="Ring **020-123 456** direkt.\n\n- Dygnet runt\n- Även helger",
            category_id=category.pk,
            tags=["kort", "spärr"],
        )
        services.article_update(
            actor=None,
            article_id=article.pk,
            changes={
                "body": "Spärra kortet i appen eller ring **020-123 456**.\n\n- Dygnet runt\n- Även helger"
            },
        )
        services.article_create(
            actor=None, language="nb", title="Sperre kortet", body="Ring oss.", translation_of=article.pk
        )
        services.synonyms_set(actor=None, language="sv", text="kort, bankkort, betalkort\nspärra, blockera")
    return {
        "knowledge:article": f"/knowledge/{article.pk}/",
        "knowledge:versions": f"/knowledge/{article.pk}/versions/",
        "knowledge:category_edit": f"/knowledge/categories/{category.pk}/",
        "knowledge:status": "",
        "knowledge:restore": "",
        "knowledge:attachment_add": "",
        "knowledge:attachment_remove": "",
        "knowledge:file": "",
    }
