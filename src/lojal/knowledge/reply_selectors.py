"""Reads for agents writing to a customer and for messages sent to customers: articles found for a
reply, an article's address in the help centre (absolute, for email and SMS) and its text as plain
words to quote in a reply."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from lojal.core.errors import NotFound
from lojal.knowledge.help_selectors import LANGUAGES, default_language
from lojal.knowledge.models import Article
from lojal.knowledge.search import article_search

#: What an agent may search and quote: every published article, internal ones too.
AGENT_VISIBILITIES: tuple[str, ...] = tuple(Article.Visibility.values)
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)


def article_language(language: str) -> str:
    """``language`` when articles are written in it, else the default article language."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else default_language()


def article_url(*, language: str, slug: str, visibility: str) -> str:
    """The absolute address of an article for a customer: the public help centre for public articles,
    My pages' help for portal ones (the public address when My pages mount none); "" for internal
    articles, which no customer can open."""
    if visibility == Article.Visibility.INTERNAL:
        return ""
    kwargs = {"language": language, "slug": slug}
    path = reverse("knowledge-help:article", kwargs=kwargs)
    if visibility == Article.Visibility.PORTAL:
        with contextlib.suppress(NoReverseMatch):
            path = reverse("portal-help:article", kwargs=kwargs)
    return f"{settings.LOJAL_PUBLIC_URL}{path}"


def plain_text(markdown: str) -> str:
    """An article's Markdown as plain text for an email or SMS: links as "text (address)", no
    heading marks or emphasis marks, at most one blank line in a row."""
    text = _LINK.sub(
        lambda found: f"{found.group(1)} ({found.group(2)})" if found.group(1) else found.group(2), markdown
    )
    text = _HEADING.sub("", text)
    text = _EMPHASIS.sub(lambda found: found.group(2), text)
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


@dataclass(frozen=True)
class ReplyArticle:
    article_id: int
    title: str
    language: str
    visibility: str
    url: str
    text: str


def _reply_article(article: Article) -> ReplyArticle:
    return ReplyArticle(
        article_id=article.pk,
        title=article.title,
        language=article.language,
        visibility=article.visibility,
        url=article_url(language=article.language, slug=article.slug, visibility=article.visibility),
        text=plain_text(article.body),
    )


def article_for_reply(*, article_id: int) -> ReplyArticle:
    """A published article (of any visibility) to link to or quote in a reply."""
    article = readable_by_agents().filter(pk=article_id).first()
    if article is None:
        raise NotFound("No such article.")
    return _reply_article(article)


def readable_by_agents() -> QuerySet[Article]:
    """Every published article, whatever its visibility."""
    return Article.objects.filter(status=Article.Status.PUBLISHED, visibility__in=AGENT_VISIBILITIES)


def reply_articles(*, query: str, language: str, limit: int = 8) -> list[ReplyArticle]:
    """The published articles matching ``query`` in ``language`` (public, portal and internal), best
    first, through the knowledge base's search."""
    query = " ".join(query.split())[:200]
    if not query:
        return []
    hits = article_search(
        query=query, language=article_language(language), visibilities=AGENT_VISIBILITIES, limit=limit
    )
    ids = [hit.article_id for hit in hits]
    rows = {article.pk: article for article in readable_by_agents().filter(pk__in=ids)}
    return [_reply_article(rows[article_id]) for article_id in ids if article_id in rows]
