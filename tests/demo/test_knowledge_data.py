"""The demo knowledge bases and the labelled questions are valid data: every label names an article that
exists in the question's language, the sizes the quality benchmark promises hold, and the languages the
help centre serves are there."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from lojal.demo.knowledge import KNOWLEDGE_BASES, KNOWLEDGE_DIR, knowledge_base_read, questions_read
from lojal.knowledge.models import Article, ArticleLanguage

LANGUAGES = set(ArticleLanguage.values)
VISIBILITIES = set(Article.Visibility.values)


def _articles() -> dict[str, dict]:
    return {
        article["key"]: {**article, "company": name}
        for name in KNOWLEDGE_BASES
        for article in knowledge_base_read(name)["articles"]
    }


def test_article_keys_are_unique_across_both_knowledge_bases_and_name_their_company() -> None:
    keys = [
        (name, article["key"])
        for name in KNOWLEDGE_BASES
        for article in knowledge_base_read(name)["articles"]
    ]

    assert [key for key, count in Counter(key for _name, key in keys).items() if count > 1] == []
    assert [key for name, key in keys if not key.startswith(f"{name}-")] == []


def test_there_are_at_least_40_articles_every_one_in_swedish() -> None:
    articles = _articles()

    assert len(articles) >= 40
    assert [key for key, article in articles.items() if "sv" not in article["versions"]] == []


@pytest.mark.parametrize("name", KNOWLEDGE_BASES)
def test_every_article_is_complete_in_a_known_language_category_and_visibility(name: str) -> None:
    data = knowledge_base_read(name)
    categories = {category["slug"] for category in data["categories"]}

    for article in data["articles"]:
        assert article["category"] in categories, article["key"]
        assert article["visibility"] in VISIBILITIES, article["key"]
        assert set(article["versions"]) <= LANGUAGES, article["key"]
        for language, version in article["versions"].items():
            assert version["title"].strip(), (article["key"], language)
            assert len(version["body"].split()) >= 20, (article["key"], language)
            assert version["tags"] and all(tag == tag.lower() for tag in version["tags"]), (
                article["key"],
                language,
            )


def test_the_knowledge_bases_cover_every_help_centre_language_and_all_visibilities() -> None:
    articles = _articles().values()
    per_language = Counter(language for article in articles for language in article["versions"])
    visibilities = Counter(article["visibility"] for article in articles)

    assert per_language["nb"] >= 30 and per_language["en"] >= 30
    assert per_language["da"] >= 3 and per_language["fi"] >= 3
    assert visibilities["public"] > visibilities["portal"] > 0
    assert visibilities["internal"] >= 1


def test_every_label_names_a_visible_article_of_its_company_in_the_questions_language() -> None:
    articles = _articles()
    wrong = [
        (question.question, key)
        for question in questions_read()
        for key in question.expected
        if key not in articles
        or question.language not in articles[key]["versions"]
        or articles[key]["company"] != question.company
        or articles[key]["visibility"] == "internal"
    ]

    assert wrong == []


def test_there_are_at_least_100_distinct_questions_in_swedish_norwegian_and_english() -> None:
    questions = questions_read()
    per_language = Counter(question.language for question in questions)

    assert len(questions) >= 100
    assert len({(question.language, question.question.lower()) for question in questions}) == len(questions)
    assert per_language["sv"] >= 40 and per_language["nb"] >= 20 and per_language["en"] >= 20
    assert all(question.expected for question in questions)


def test_every_trait_is_a_declared_one_and_each_declared_trait_is_used() -> None:
    declared = set(json.loads((KNOWLEDGE_DIR / "questions.json").read_text(encoding="utf-8"))["traits"])
    used = Counter(trait for question in questions_read() for trait in question.traits)

    assert set(used) == declared
    assert used["typo"] >= 5 and used["no-diacritics"] >= 5 and used["compound"] >= 10


def test_an_unknown_knowledge_base_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown knowledge base 'school'"):
        knowledge_base_read("school")
