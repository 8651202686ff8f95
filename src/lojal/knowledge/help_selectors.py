"""Reads of the public help centre (/help/) and of any page that shows it (My pages): the published
articles a reader may see, in the language of the address they browse, with the default language's
version when an article has no translation in it.

Which articles a reader may see is a parameter, never read from the request here: the help centre
passes :data:`PUBLIC` (anyone), a page for signed-in portal customers passes :data:`PORTAL_CUSTOMER`.
Internal articles and drafts are never in either."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from lojal.knowledge.models import Article, ArticleLanguage, KnowledgeCategory

#: What anyone may read.
PUBLIC: tuple[str, ...] = (Article.Visibility.PUBLIC,)
#: What a customer signed in to My pages may read.
PORTAL_CUSTOMER: tuple[str, ...] = (Article.Visibility.PUBLIC, Article.Visibility.PORTAL)
#: Every article language, in the order the help centre offers them.
LANGUAGES: tuple[str, ...] = tuple(ArticleLanguage.values)
_READER_VISIBILITIES = frozenset(PORTAL_CUSTOMER)


def reader_visibilities(visibilities: Iterable[str]) -> tuple[str, ...]:
    """``visibilities`` without anything a reader outside the staff may never see (internal)."""
    return tuple(value for value in visibilities if value in _READER_VISIBILITIES)


def default_language() -> str:
    """The language an article is shown in when the reader's has none: the site's LANGUAGE_CODE when
    articles are written in it, else the first article language."""
    code = str(settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in LANGUAGES else LANGUAGES[0]


def language_name(language: str) -> str:
    """The language's own name ("Svenska", "Norsk bokmål")."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(language)["name_local"]).capitalize()
    except KeyError:
        return language


def readable(visibilities: Iterable[str]) -> QuerySet[Article]:
    """The published articles of ``visibilities`` (internal ones dropped whatever is asked)."""
    return Article.objects.filter(
        status=Article.Status.PUBLISHED, visibility__in=reader_visibilities(visibilities)
    )


def help_languages(*, visibilities: Sequence[str] = PUBLIC) -> list[str]:
    """The languages that have at least one readable article, in the help centre's order."""
    present = set(readable(visibilities).values_list("language", flat=True).distinct())
    return [language for language in LANGUAGES if language in present]


@dataclass(frozen=True)
class HelpArticle:
    """An article in a list: shown in ``language``, which is the reader's unless ``is_fallback``."""

    article_id: int
    title: str
    slug: str
    language: str
    is_fallback: bool
    category_id: int | None = None
    excerpt: str = ""


def _in_language(rows: Iterable[Article], language: str) -> list[HelpArticle]:
    """One item per translation group: the reader's language, else the default's, else the first."""
    by_group: dict[object, dict[str, Article]] = {}
    for article in rows:
        by_group.setdefault(article.group, {})[article.language] = article
    fallback = default_language()
    items = []
    for versions in by_group.values():
        chosen = (
            versions.get(language)
            or versions.get(fallback)
            or next(versions[code] for code in LANGUAGES if code in versions)
        )
        items.append(
            HelpArticle(
                article_id=chosen.pk,
                title=chosen.title,
                slug=chosen.slug,
                language=chosen.language,
                is_fallback=chosen.language != language,
                category_id=chosen.category_id,
                excerpt=excerpt(chosen.body),
            )
        )
    return items


def excerpt(body: str, length: int = 160) -> str:
    """The start of an article's Markdown as plain words, cut at a word."""
    words = " ".join(line.lstrip("#>*-+ 0123456789.").strip() for line in body.splitlines() if line.strip())
    words = words.replace("**", "").replace("__", "").replace("`", "")
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class HelpCategory:
    """A category card: its name in the reader's language and how many articles it holds."""

    category_id: int
    slug: str
    name: str
    article_count: int
    parent_id: int | None


def category_name(category: KnowledgeCategory, language: str) -> str:
    names = category.names or {}
    return str(names.get(language) or names.get(default_language()) or category.name)


def help_categories(*, language: str, visibilities: Sequence[str] = PUBLIC) -> list[HelpCategory]:
    """The active top-level categories with readable articles (in any language: a missing translation
    falls back), each counting its sub-categories' articles too (translation groups), in order."""
    counts = dict(
        readable(visibilities)
        .filter(category__is_active=True)
        .values_list("category_id")
        .annotate(groups=Count("group", distinct=True))
        .values_list("category_id", "groups")
    )
    categories = {category.pk: category for category in KnowledgeCategory.objects.filter(is_active=True)}
    totals: dict[int, int] = {}
    for category_id, groups in counts.items():
        category = categories.get(category_id)
        if category is None:
            continue
        top = category.parent_id if category.parent_id in categories else category_id
        totals[top] = totals.get(top, 0) + groups
    return [
        HelpCategory(
            category_id=category.pk,
            slug=category.slug,
            name=category_name(category, language),
            article_count=totals[category.pk],
            parent_id=category.parent_id,
        )
        for category in categories.values()
        if category.pk in totals
    ]


def help_category(*, slug: str) -> KnowledgeCategory | None:
    return KnowledgeCategory.objects.filter(slug=slug, is_active=True).first()


def category_articles(
    *, category_id: int, language: str, visibilities: Sequence[str] = PUBLIC
) -> list[HelpArticle]:
    """The readable articles of a category (and of its sub-categories), one per translation group in
    the reader's language or the default's, by title."""
    rows = readable(visibilities).filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    items = _in_language(
        rows.only("pk", "group", "language", "title", "slug", "body", "category_id"), language
    )
    return sorted(items, key=lambda item: item.title.casefold())


def popular_articles(
    *, language: str, visibilities: Sequence[str] = PUBLIC, limit: int = 6
) -> list[HelpArticle]:
    """The most read articles in the reader's language (helpful votes break ties). Only articles in
    that language: a list of another language's favourites helps nobody (Chatwoot #11745)."""
    rows = (
        readable(visibilities)
        .filter(language=language)
        .order_by("-view_count", "-helpful_count", "title")
        .only("pk", "group", "language", "title", "slug", "body", "category_id")[:limit]
    )
    return _in_language(rows, language)


def articles_in_language(
    *, article_ids: Sequence[int], language: str, visibilities: Sequence[str] = PUBLIC
) -> list[HelpArticle]:
    """The readable articles ``article_ids`` (search hits), in that order."""
    rows = {
        article.pk: article
        for article in readable(visibilities)
        .filter(pk__in=list(article_ids))
        .only("pk", "group", "language", "title", "slug", "body", "category_id")
    }
    return [
        HelpArticle(
            article_id=row.pk,
            title=row.title,
            slug=row.slug,
            language=row.language,
            is_fallback=row.language != language,
            category_id=row.category_id,
            excerpt=excerpt(row.body),
        )
        for article_id in article_ids
        if (row := rows.get(article_id)) is not None
    ]


@dataclass(frozen=True)
class Translation:
    language: str
    name: str
    slug: str
    title: str


@dataclass(frozen=True)
class ArticleForReader:
    """What an article page shows: ``article`` in ``article.language``, which differs from the
    ``requested`` language of the address when the article has no translation in it (``is_fallback``);
    ``translations`` are the readable versions in the other languages."""

    article: Article
    requested: str
    is_fallback: bool
    translations: list[Translation]
    category: KnowledgeCategory | None
    #: Set when the address named another language's version of an article that does exist in the
    #: requested language: the page to send the reader to instead (the reader's language is kept).
    redirect_slug: str = ""


def article_for_reader(
    *, language: str, slug: str, visibilities: Sequence[str] = PUBLIC
) -> ArticleForReader | None:
    """The article at ``/help/<language>/<slug>/`` for a reader of ``visibilities``, or None.

    The slug is looked up in the address's language first; a slug of another language's version
    leads to the translation in the address's language when there is one (``redirect_slug``), else
    to the default language's version, shown with a note (``is_fallback``)."""
    rows = readable(visibilities)
    article = rows.select_related("category").filter(language=language, slug=slug).first()
    if article is None:
        others = list(rows.filter(slug=slug))
        if not others:
            return None
        group = others[0].group
        versions = {row.language: row for row in rows.select_related("category").filter(group=group)}
        if language in versions:
            own = versions[language]
            return ArticleForReader(
                article=own,
                requested=language,
                is_fallback=False,
                translations=[],
                category=own.category,
                redirect_slug=own.slug,
            )
        fallback = default_language()
        article = versions.get(fallback) or next(versions[code] for code in LANGUAGES if code in versions)
    translations = [
        Translation(language=row.language, name=language_name(row.language), slug=row.slug, title=row.title)
        for row in rows.filter(group=article.group).exclude(pk=article.pk).only("language", "slug", "title")
    ]
    translations.sort(key=lambda item: LANGUAGES.index(item.language) if item.language in LANGUAGES else 99)
    return ArticleForReader(
        article=article,
        requested=language,
        is_fallback=article.language != language,
        translations=translations,
        category=article.category,
    )
