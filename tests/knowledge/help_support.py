"""Articles and categories for the help centre's tests. Rows are made directly and indexed for search
(the article services of the kbcore branch do the same); the help centre reads the same rows."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from lojal.knowledge.indexing import article_reindex
from lojal.knowledge.models import Article, KnowledgeCategory

_counter = itertools.count(1)


def category(slug: str, name: str, **names: str) -> KnowledgeCategory:
    return KnowledgeCategory.objects.create(slug=slug, name=name, names=names, position=next(_counter))


def article(
    title: str,
    *,
    language: str = "sv",
    slug: str | None = None,
    body: str = "",
    group: uuid.UUID | None = None,
    category: KnowledgeCategory | None = None,
    visibility: str = "public",
    status: str = "published",
    **fields: Any,
) -> Article:
    body = body or f"{title}. Så här gör du, steg för steg."
    made = Article.objects.create(
        group=group or uuid.uuid4(),
        language=language,
        title=title,
        slug=slug or f"article-{next(_counter)}",
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        category=category,
        visibility=visibility,
        status=status,
        published_at=timezone.now() if status == "published" else None,
        **fields,
    )
    article_reindex(article_id=made.pk)  # as the article services do after every write
    return made
