"""Keeping the FAQ search index in step with the articles: ``article_reindex`` after every write to one
article (safe to call any time, for any id), ``index_rebuild`` for everything at once (after an import,
or to repair). Only published articles are indexed; each keeps its visibility so a search can leave out
portal-only or internal ones. How the text becomes terms is ``analysis``; the tables are in
``search_models``."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, Sum

from lojal.core.frames import frame_insert
from lojal.knowledge.analysis import LANGUAGES, terms
from lojal.knowledge.models import Article
from lojal.knowledge.search_models import SearchDocument, SearchPosting, SearchState, SearchTerm

_ARTICLE_FIELDS = ("id", "language", "status", "visibility", "title", "tags", "body")
_CHUNK = 2000
_POSTING_COLUMNS = (
    "article_id",
    "language",
    "term",
    "visibility",
    "title_tf",
    "tags_tf",
    "body_tf",
    "title_length",
    "body_length",
)
_SMALL = 32767  # a PositiveSmallIntegerField's largest value


@dataclass(frozen=True)
class _Analysed:
    document: dict[str, Any]
    postings: list[tuple[Any, ...]]


def _analyse(article: dict[str, Any]) -> _Analysed:
    """The index rows of one published article."""
    language = article["language"]
    title = terms(article["title"], language)
    tags = [found for tag in article["tags"] or [] for found in terms(str(tag), language)]
    body = terms(article["body"], language)
    title_counts, tags_counts, body_counts = Counter(title), Counter(tags), Counter(body)
    title_length = min(len(title), _SMALL)
    postings = [
        (
            article["id"],
            language,
            known,
            article["visibility"],
            min(title_counts[known], _SMALL),
            min(tags_counts[known], _SMALL),
            body_counts[known],
            title_length,
            len(body),
        )
        for known in sorted(set(title_counts) | set(tags_counts) | set(body_counts))
    ]
    document = {
        "article_id": article["id"],
        "language": language,
        "visibility": article["visibility"],
        "title_length": len(title),
        "tags_length": len(tags),
        "body_length": len(body),
    }
    return _Analysed(document, postings)


def _states_locked(languages: Iterable[str]) -> None:
    # One writer per language at a time, so document counts cannot be lost between two reindexes.
    for language in sorted(languages):
        SearchState.objects.get_or_create(language=language)
        SearchState.objects.select_for_update().filter(language=language).first()


def _terms_recount(language: str, changed: set[str]) -> None:
    if not changed:
        return
    counts = dict(
        SearchPosting.objects.filter(language=language, term__in=changed)
        .values_list("term")
        .annotate(articles=Count("article_id"))
        .values_list("term", "articles")
    )
    SearchTerm.objects.filter(language=language, term__in=changed).delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(language=language, term=known, document_count=count)
        for known, count in sorted(counts.items())
    )


def _state_refresh(language: str) -> None:
    totals = SearchDocument.objects.filter(language=language).aggregate(
        documents=Count("article_id"),
        title=Sum("title_length"),
        tags=Sum("tags_length"),
        body=Sum("body_length"),
    )
    SearchState.objects.filter(language=language).update(
        documents=totals["documents"],
        title_length_total=totals["title"] or 0,
        tags_length_total=totals["tags"] or 0,
        body_length_total=totals["body"] or 0,
        generation=secrets.randbits(62),
    )


def article_reindex(*, article_id: int) -> None:
    """Index the article if it is published, drop it from the index otherwise (a draft, archived,
    deleted or unknown id); the vocabulary and the language totals follow."""
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id).values(*_ARTICLE_FIELDS).first()
        is_indexed = article is not None and article["status"] == Article.Status.PUBLISHED
        old_language = (
            SearchDocument.objects.filter(article_id=article_id).values_list("language", flat=True).first()
        )
        new_language = article["language"] if article is not None and is_indexed else None
        languages = {language for language in (old_language, new_language) if language}
        if not languages:
            return
        _states_locked(languages)
        old_terms = set(SearchPosting.objects.filter(article_id=article_id).values_list("term", flat=True))
        SearchPosting.objects.filter(article_id=article_id).delete()
        SearchDocument.objects.filter(article_id=article_id).delete()
        new_terms: set[str] = set()
        if article is not None and is_indexed:
            analysed = _analyse(article)
            SearchDocument.objects.create(**analysed.document)
            SearchPosting.objects.bulk_create(
                SearchPosting(**dict(zip(_POSTING_COLUMNS, row, strict=True))) for row in analysed.postings
            )
            new_terms = {row[2] for row in analysed.postings}
        changed: dict[str, set[str]] = {}
        if old_language:
            changed.setdefault(old_language, set()).update(old_terms)
        if new_language:
            changed.setdefault(new_language, set()).update(new_terms)
        for language in sorted(languages):
            _terms_recount(language, changed.get(language, set()))
            _state_refresh(language)


def _postings_insert(rows: list[tuple[Any, ...]]) -> None:
    if rows:
        frame_insert(SearchPosting, pl.DataFrame(rows, schema=list(_POSTING_COLUMNS), orient="row"))


def index_rebuild() -> int:
    """Build the whole index again from the published articles; returns how many were indexed."""
    with transaction.atomic():
        languages = set(SearchState.objects.values_list("language", flat=True))
        SearchPosting.objects.all().delete()
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        documents: list[SearchDocument] = []
        document_counts: dict[str, Counter[str]] = {language: Counter() for language in LANGUAGES}
        pending: list[tuple[Any, ...]] = []
        published = (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .order_by("pk")
            .values(*_ARTICLE_FIELDS)
            .iterator(chunk_size=_CHUNK)
        )
        for article in published:
            analysed = _analyse(article)
            documents.append(SearchDocument(**analysed.document))
            document_counts.setdefault(article["language"], Counter()).update(
                row[2] for row in analysed.postings
            )
            pending.extend(analysed.postings)
            if len(pending) >= 50_000:
                _postings_insert(pending)
                pending = []
        _postings_insert(pending)
        SearchDocument.objects.bulk_create(documents, batch_size=_CHUNK)
        SearchTerm.objects.bulk_create(
            (
                SearchTerm(language=language, term=known, document_count=count)
                for language, counts in sorted(document_counts.items())
                for known, count in sorted(counts.items())
            ),
            batch_size=5000,
        )
        SearchState.objects.all().delete()
        for language in sorted(set(document_counts) | languages):
            SearchState.objects.create(language=language)
            _state_refresh(language)
    return len(documents)
