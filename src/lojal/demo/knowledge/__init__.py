"""Two realistic knowledge bases as data (``bank.json``: a Nordic retail bank's help centre;
``shop.json``: a Nordic web shop's customer service pages) and the labelled customer questions that
measure the FAQ suggestions against them (``questions.json``, used by ``python -m bench kb-quality``).

Each knowledge base file holds its categories (names per language) and its articles: a stable ``key``,
the category, the visibility, and one version per language (title, tags, Markdown body). Every article
has a Swedish version. :func:`demo_knowledge_load` writes one of them through the knowledge services,
exactly as an editor would: categories, the first language, the translations, then publishing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KNOWLEDGE_DIR = Path(__file__).resolve().parent
#: The knowledge bases shipped, by name (the file stem).
KNOWLEDGE_BASES = ("bank", "shop")
#: The one ``lojal demo load`` puts in the help centre: the demo company is a shop (coffee makers,
#: textiles, skis, subscriptions and gift cards; see lojal.demo.sales).
DEMO_KNOWLEDGE_BASE = "shop"
#: The language written first (the one every article has); the others are added as its translations.
FIRST_LANGUAGE = "sv"


@dataclass(frozen=True)
class Question:
    """One labelled question: a hit is any ``expected`` article key among the suggestions."""

    question: str
    language: str
    company: str
    expected: tuple[str, ...]
    traits: tuple[str, ...]


@dataclass(frozen=True)
class LoadedArticle:
    """One language version written by :func:`demo_knowledge_load`."""

    key: str
    language: str
    article_id: int
    visibility: str


@cache
def knowledge_base_read(name: str) -> dict[str, Any]:
    """The parsed file of knowledge base ``name`` (one of KNOWLEDGE_BASES)."""
    if name not in KNOWLEDGE_BASES:
        raise ValueError(f"Unknown knowledge base {name!r}; choose one of {', '.join(KNOWLEDGE_BASES)}.")
    data: dict[str, Any] = json.loads((KNOWLEDGE_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def questions_read() -> list[Question]:
    """Every labelled question, in file order."""
    data = json.loads((KNOWLEDGE_DIR / "questions.json").read_text(encoding="utf-8"))
    return [
        Question(
            question=item["question"],
            language=item["language"],
            company=item["company"],
            expected=tuple(item["expected"]),
            traits=tuple(item["traits"]),
        )
        for item in data["questions"]
    ]


def demo_knowledge_load(*, name: str, actor: Any) -> list[LoadedArticle]:
    """Knowledge base ``name`` written through the knowledge services and published: its categories,
    each article in Swedish, its translations, then publishing every language version. Returns what was
    written, in file order; an empty list when the base's categories exist already (loaded before)."""
    from django.db import transaction

    from lojal.knowledge import selectors, services

    data = knowledge_base_read(name)
    existing = {node.category.slug for node in selectors.category_tree()}
    if any(category["slug"] in existing for category in data["categories"]):
        return []
    loaded: list[LoadedArticle] = []
    with transaction.atomic():
        category_ids: dict[str, int] = {}
        for position, category in enumerate(data["categories"]):
            category_ids[category["slug"]] = services.category_create(
                actor=actor,
                name=category["names"][FIRST_LANGUAGE],
                slug=category["slug"],
                names=category["names"],
                position=position,
            ).pk
        for article in data["articles"]:
            versions = article["versions"]
            first_id: int | None = None
            for language in sorted(versions, key=lambda language: language != FIRST_LANGUAGE):
                version = versions[language]
                written = services.article_create(
                    actor=actor,
                    language=language,
                    title=version["title"],
                    body=version["body"],
                    category_id=category_ids[article["category"]],
                    tags=version["tags"],
                    visibility=article["visibility"],
                    translation_of=first_id,
                )
                first_id = first_id or written.pk
                services.article_publish(actor=actor, article_id=written.pk)
                loaded.append(
                    LoadedArticle(
                        key=article["key"],
                        language=language,
                        article_id=written.pk,
                        visibility=article["visibility"],
                    )
                )
    return loaded
