"""Staff reads of the knowledge base: the article list with its filters, one article, its versions and
the difference between two of them, its translations, the category tree and the synonym lists. The
public help centre and search read through their own modules."""

from __future__ import annotations

import difflib
import html
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lojal.core.errors import NotFound, ValidationError
from lojal.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleLanguage,
    ArticleVersion,
    KnowledgeCategory,
    Synonyms,
)

#: The category filter's value for articles without a category.
NO_CATEGORY = "none"
QUERY_MAX_LENGTH = 200


@dataclass(frozen=True)
class ArticleFilters:
    """The filters of the staff article list (pages and API alike); empty means any."""

    q: str = ""
    language: str = ""
    status: str = ""
    visibility: str = ""
    category: str = ""
    tag: str = ""


def article_filters_from_query(params: Mapping[str, str]) -> ArticleFilters:
    """The filters in a page's query string; values that are not choices are ignored (a page never fails
    on an old bookmark)."""

    def value(name: str, allowed: list[str] | None = None) -> str:
        text = str(params.get(name, "") or "").strip()[:QUERY_MAX_LENGTH]
        return text if allowed is None or text in allowed else ""

    category = value("category")
    if category != NO_CATEGORY and not category.isdigit():
        category = ""
    return ArticleFilters(
        q=value("q"),
        language=value("language", ArticleLanguage.values),
        status=value("status", Article.Status.values),
        visibility=value("visibility", Article.Visibility.values),
        category=category[:18],
        tag=value("tag").lower(),
    )


def article_list(
    *, filters: ArticleFilters, order_by: tuple[str, ...] = ("title", "id")
) -> QuerySet[Article]:
    """Articles matching ``filters`` (text in the title, address or tags; not ranked: search ranks)."""
    rows = Article.objects.select_related("category", "updated_by")
    if filters.q:
        rows = rows.filter(
            Q(title__icontains=filters.q) | Q(slug__icontains=filters.q) | Q(body__icontains=filters.q)
        )
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.visibility:
        rows = rows.filter(visibility=filters.visibility)
    if filters.category == NO_CATEGORY:
        rows = rows.filter(category__isnull=True)
    elif filters.category:
        rows = rows.filter(
            Q(category_id=int(filters.category)) | Q(category__parent_id=int(filters.category))
        )
    if filters.tag:
        # Tags are a JSON list; a containment lookup is not on SQLite, so the list's text is matched.
        rows = rows.filter(tags__icontains=f'"{filters.tag}"')
    return rows.order_by(*order_by)


def article_get(*, article_id: int) -> Article:
    article = (
        Article.objects.select_related("category", "created_by", "updated_by").filter(pk=article_id).first()
    )
    if article is None:
        raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
    return article


def article_versions(*, article_id: int) -> QuerySet[ArticleVersion]:
    """The versions of an article, newest first, with their authors."""
    article_get(article_id=article_id)
    return ArticleVersion.objects.filter(article_id=article_id).select_related("author").order_by("-number")


def article_version_get(*, article_id: int, number: int) -> ArticleVersion:
    version = (
        ArticleVersion.objects.select_related("author").filter(article_id=article_id, number=number).first()
    )
    if version is None:
        raise NotFound(_("This article has no version %(number)s.") % {"number": number})
    return version


def article_translations(*, article: Article) -> list[Article]:
    """The other languages' articles of ``article``'s group, in the order of the languages."""
    order = {code: index for index, code in enumerate(ArticleLanguage.values)}
    others = (
        Article.objects.filter(group=article.group)
        .exclude(pk=article.pk)
        .only("pk", "group", "language", "title", "slug", "status")
    )
    return sorted(others, key=lambda other: order.get(other.language, len(order)))


def article_missing_languages(*, article: Article, translations: list[Article]) -> list[str]:
    """The languages the article has no translation in yet (what "add translation" offers)."""
    present = {article.language, *(other.language for other in translations)}
    return [code for code in ArticleLanguage.values if code not in present]


def article_attachments(*, article_id: int) -> QuerySet[ArticleAttachment]:
    return ArticleAttachment.objects.filter(article_id=article_id).order_by("created_at", "id")


def attachment_get(*, attachment_id: int) -> ArticleAttachment:
    attachment = ArticleAttachment.objects.select_related("article").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return attachment


@dataclass(frozen=True)
class DiffRow:
    """One line of a side-by-side comparison: the old and the new text as HTML (changed words marked
    with ``<del>``/``<ins>``) and what happened to the line."""

    kind: str  # "same", "changed", "added", "removed"
    old_number: int | None
    old_html: str
    new_number: int | None
    new_html: str


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``old`` to version ``new``: the fields and the text."""

    old: ArticleVersion
    new: ArticleVersion
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)
    rows: list[DiffRow] = field(default_factory=list)
    unified: str = ""


def _marked(old: str, new: str) -> tuple[str, str]:
    """The two lines as HTML with the changed words marked."""
    old_words, new_words = old.split(" "), new.split(" ")
    old_parts: list[str] = []
    new_parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = html.escape(" ".join(old_words[a1:a2])), html.escape(" ".join(new_words[b1:b2]))
        if tag == "equal":
            old_parts.append(before)
            new_parts.append(after)
            continue
        if before:
            old_parts.append(f"<del>{before}</del>")
        if after:
            new_parts.append(f"<ins>{after}</ins>")
    return " ".join(old_parts), " ".join(new_parts)


def _rows(old_lines: list[str], new_lines: list[str]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow(
                    "same",
                    a1 + i + 1,
                    html.escape(old_lines[a1 + i]),
                    b1 + i + 1,
                    html.escape(new_lines[b1 + i]),
                )
                for i in range(a2 - a1)
            )
            continue
        pairs = max(a2 - a1, b2 - b1)
        for i in range(pairs):
            old = old_lines[a1 + i] if a1 + i < a2 else None
            new = new_lines[b1 + i] if b1 + i < b2 else None
            if old is not None and new is not None:
                old_html, new_html = _marked(old, new)
                rows.append(DiffRow("changed", a1 + i + 1, old_html, b1 + i + 1, new_html))
            elif old is not None:
                rows.append(DiffRow("removed", a1 + i + 1, f"<del>{html.escape(old)}</del>", None, ""))
            elif new is not None:
                rows.append(DiffRow("added", None, "", b1 + i + 1, f"<ins>{html.escape(new)}</ins>"))
    return rows


def version_diff(*, article_id: int, old: int, new: int) -> VersionDiff:
    """The difference between two versions of an article (difflib): the changed fields, the text line
    by line side by side with the changed words marked, and a unified diff of the text."""
    if old == new:
        raise ValidationError.for_field("new", _("Choose two different versions."))
    older = article_version_get(article_id=article_id, number=old)
    newer = article_version_get(article_id=article_id, number=new)
    fields: dict[str, tuple[object, object]] = {}
    for name in ("title", "tags", "visibility", "category_id_at_save"):
        before, after = getattr(older, name), getattr(newer, name)
        if before != after:
            fields[name] = (before, after)
    old_lines, new_lines = older.body.splitlines(), newer.body.splitlines()
    unified = "\n".join(
        difflib.unified_diff(
            old_lines, new_lines, fromfile=f"v{older.number}", tofile=f"v{newer.number}", lineterm=""
        )
    )
    return VersionDiff(old=older, new=newer, fields=fields, rows=_rows(old_lines, new_lines), unified=unified)


@dataclass(frozen=True)
class CategoryNode:
    category: KnowledgeCategory
    children: list[KnowledgeCategory]
    article_count: int


def category_tree(*, active_only: bool = False) -> list[CategoryNode]:
    """The top categories in their order, each with its subcategories and its own article count (two
    queries, however many categories)."""
    from django.db.models import Count

    rows = KnowledgeCategory.objects.annotate(article_count=Count("articles")).order_by(
        "position", "name", "id"
    )
    if active_only:
        rows = rows.filter(is_active=True)
    categories = list(rows)
    children: dict[int, list[KnowledgeCategory]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    return [
        CategoryNode(category, children.get(category.pk, []), category.article_count)
        for category in categories
        if category.parent_id is None
    ]


def category_choices(*, include_id: int | None = None) -> list[tuple[int, str]]:
    """Categories in use as (id, "Parent / Child") for a select, in tree order; ``include_id`` is kept
    even when out of use (an article's current category)."""
    choices: list[tuple[int, str]] = []
    for node in category_tree():
        if node.category.is_active or node.category.pk == include_id:
            choices.append((node.category.pk, node.category.name))
        for child in node.children:
            if child.is_active or child.pk == include_id:
                choices.append((child.pk, f"{node.category.name} / {child.name}"))
    return choices


def category_get(*, category_id: int) -> KnowledgeCategory:
    category = KnowledgeCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("No category with id %(id)s.") % {"id": category_id})
    return category


def synonyms_of(*, language: str) -> list[str]:
    """The synonym lines of one language, as stored (``lösen, lösenord, pinkod``)."""
    return list(Synonyms.objects.filter(language=language).order_by("words").values_list("words", flat=True))


def synonyms_text(*, language: str) -> str:
    """The synonym list of a language as the page's text box shows it: one line per group."""
    return "\n".join(synonyms_of(language=language))


def synonym_counts() -> dict[str, int]:
    """How many synonym lines each language has."""
    from django.db.models import Count

    counts = dict(
        Synonyms.objects.values_list("language").annotate(n=Count("id")).values_list("language", "n")
    )
    return {code: counts.get(code, 0) for code in ArticleLanguage.values}
