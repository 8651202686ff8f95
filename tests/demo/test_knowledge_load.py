"""The demo loader writes a knowledge base through the knowledge services: every language version
becomes a published article, translations share their group, categories get their names per language,
and loading the same base again writes nothing."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lojal.accounts.models import User
from lojal.demo.knowledge import demo_knowledge_load, knowledge_base_read
from lojal.knowledge.models import Article, ArticleVersion, KnowledgeCategory

pytestmark = pytest.mark.django_db


def test_the_loader_publishes_every_language_version_of_the_bank(admin_user: User) -> None:
    data = knowledge_base_read("bank")
    versions = sum(len(article["versions"]) for article in data["articles"])

    loaded = demo_knowledge_load(name="bank", actor=admin_user)

    assert len(loaded) == versions
    assert Article.objects.count() == versions
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == versions
    assert Article.objects.values("group").distinct().count() == len(data["articles"])
    assert ArticleVersion.objects.filter(author=admin_user).count() >= versions


def test_translations_share_a_group_and_keep_title_tags_category_and_visibility(admin_user: User) -> None:
    loaded = demo_knowledge_load(name="bank", actor=admin_user)
    block = {
        item.language: Article.objects.get(pk=item.article_id)
        for item in loaded
        if item.key == "bank-card-block"
    }

    assert sorted(block) == ["da", "en", "fi", "nb", "sv"]
    assert len({article.group for article in block.values()}) == 1
    assert block["sv"].title == "Hur spärrar jag mitt kort?"
    assert block["sv"].slug == "hur-sparrar-jag-mitt-kort"
    assert block["nb"].tags == ["sperre kort", "kortsperre", "mistet kort", "stjålet kort"]
    assert block["en"].category is not None and block["en"].category.slug == "bank-cards"
    assert "<strong>Block card</strong>" in block["en"].body_html


def test_visibility_and_category_names_come_from_the_file(admin_user: User) -> None:
    loaded = demo_knowledge_load(name="shop", actor=admin_user)
    visibilities = Counter(item.visibility for item in loaded if item.language == "sv")
    delivery = KnowledgeCategory.objects.get(slug="shop-delivery")

    assert visibilities == {"public": 22, "portal": 2, "internal": 1}
    assert Article.objects.filter(visibility="internal").values_list("language", flat=True).count() == 2
    assert delivery.name == "Leverans"
    assert delivery.names["nb"] == "Levering"
    assert delivery.names["fi"] == "Toimitus"


def test_loading_a_base_twice_writes_nothing_the_second_time(admin_user: User) -> None:
    first = demo_knowledge_load(name="shop", actor=admin_user)
    count = Article.objects.count()

    second = demo_knowledge_load(name="shop", actor=admin_user)

    assert first and second == []
    assert Article.objects.count() == count
    assert KnowledgeCategory.objects.filter(slug__startswith="shop-").count() == 6


def test_both_bases_load_side_by_side_without_address_clashes(admin_user: User) -> None:
    demo_knowledge_load(name="bank", actor=admin_user)
    demo_knowledge_load(name="shop", actor=admin_user)

    slugs = list(Article.objects.values_list("language", "slug"))
    assert len(slugs) == len(set(slugs))
    assert not [slug for _language, slug in slugs if slug[-2:] in ("-2", "-3")]


def test_the_demo_command_puts_the_shops_faq_in_the_help_centre(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path
    shop = knowledge_base_read("shop")
    out = io.StringIO()

    call_command("demo", "load", "--customers", "0", "--force", stdout=out, stderr=io.StringIO())

    assert "The help centre (/help/) has the web shop's FAQ: 25 articles" in out.getvalue()
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == sum(
        len(article["versions"]) for article in shop["articles"]
    )
    assert not KnowledgeCategory.objects.filter(slug__startswith="bank-").exists()
