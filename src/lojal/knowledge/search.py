"""FAQ search and suggestions: the published articles that best answer a query or a whole question.

Ranking is BM25F: per concept of the question (``analysis.question_concepts``), an article scores
``idf(t) * tf' * (k1 + 1) / (tf' + k1)`` for its best term ``t`` of that concept (times the term's
weight: 1 as written, less for a synonym, a compound's part, a near spelling), where
``tf' = 3 * title_tf / (1 - 0.5 + 0.5 * title_len / avg_title) + 2 * tags_tf
+ body_tf / (1 - 0.75 + 0.75 * body_len / avg_body)`` and ``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))``
over the language's published articles. The concepts' scores add up.

Portable by construction: the databases only hand over postings (one indexed query, the same SQL on
SQLite and PostgreSQL); the arithmetic is done here in a fixed order, so both give the same scores.
Each process keeps the language's vocabulary in memory and reloads it when the index's generation or
the synonym list changes (one small query per call tells)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.knowledge.analysis import (
    LANGUAGES,
    Concept,
    Lexicon,
    question_concepts,
    synonym_line_terms,
)
from lojal.knowledge.models import Article, Synonyms
from lojal.knowledge.search_models import SearchPosting, SearchState, SearchTerm

K1 = 1.2
TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
TITLE_B, BODY_B = 0.5, 0.75
VISIBILITIES = tuple(Article.Visibility.values)
_MAX_QUESTION = 4000
_MAX_LIMIT = 100


@dataclass(frozen=True)
class Suggestion:
    """One article found for a query, with its score (higher is better; comparable within one call)."""

    article_id: int
    title: str
    slug: str
    language: str
    score: float


@dataclass(frozen=True)
class _Index:
    key: tuple[Any, ...]
    lexicon: Lexicon
    documents: int
    average_title: float
    average_body: float


_cache: dict[str, _Index] = {}


def _state(language: str) -> tuple[Any, ...] | None:
    """The language's totals and the key its cached vocabulary is valid for: the index's generation
    and the synonym list's size and last change (one small query)."""
    quote = connection.ops.quote_name
    synonyms = quote(Synonyms._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT documents, title_length_total, body_length_total, generation,"
            f" (SELECT COUNT(*) FROM {synonyms} WHERE language = %s),"
            f" (SELECT MAX(updated_at) FROM {synonyms} WHERE language = %s)"
            f" FROM {quote(SearchState._meta.db_table)} WHERE language = %s",
            [language, language, language],
        )
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _index(language: str) -> _Index | None:
    """The language's vocabulary and averages, from this process's cache while they are current."""
    state = _state(language)
    if state is None or not state[0]:
        return None
    documents, title_total, body_total = state[:3]
    key = state[3:]
    cached = _cache.get(language)
    if cached is not None and cached.key == key:
        return cached
    counts = dict(SearchTerm.objects.filter(language=language).values_list("term", "document_count"))
    lines = tuple(
        line
        for line in (
            synonym_line_terms(words, language)
            for words in Synonyms.objects.filter(language=language)
            .order_by("pk")
            .values_list("words", flat=True)
        )
        if len(line) > 1
    )
    built = _Index(
        key=key,
        lexicon=Lexicon(document_counts=counts, synonym_lines=lines),
        documents=documents,
        average_title=max(title_total / documents, 1.0),
        average_body=max(body_total / documents, 1.0),
    )
    _cache[language] = built
    return built


def _check(language: str, visibilities: tuple[str, ...], limit: int, offset: int) -> None:
    if language not in LANGUAGES:
        raise ValidationError.for_field(
            "language", _("Unknown language; use one of %(languages)s.") % {"languages": ", ".join(LANGUAGES)}
        )
    if not visibilities or any(visibility not in VISIBILITIES for visibility in visibilities):
        raise ValidationError.for_field(
            "visibilities", _("Use one or more of %(choices)s.") % {"choices": ", ".join(VISIBILITIES)}
        )
    if not 1 <= limit <= _MAX_LIMIT:
        raise ValidationError.for_field(
            "limit", _("Must be between 1 and %(largest)s.") % {"largest": _MAX_LIMIT}
        )
    if offset < 0:
        raise ValidationError.for_field("offset", _("Must not be negative."))


def _in(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _top(
    index: _Index, concepts: list[Concept], language: str, visibilities: tuple[str, ...], count: int
) -> list[tuple[Any, ...]]:
    """The ``count`` best articles as (id, score, title, slug, language, status, visibility), best
    first and then by id.

    One query. Over the covering index: per posting its saturated field frequency, per article
    each concept's best term (MAX over a CASE on the term), the concepts added in their order; then the
    best ``count`` joined to their articles by primary key. Every
    operand is a double-precision number and the statement is the same on both databases, so SQLite
    and PostgreSQL compute the same scores. The text is made of fixed fragments and placeholders only;
    every value is a parameter."""
    counts, documents = index.lexicon.document_counts, index.documents
    wanted = sorted({known for concept in concepts for known in concept.terms})
    quote = connection.ops.quote_name
    number = "CAST(%s AS DOUBLE PRECISION)"
    parameters: list[Any] = [K1 + 1.0, K1]
    parameters += [TITLE_WEIGHT, 1.0 - TITLE_B, TITLE_B / index.average_title, TAGS_WEIGHT]
    parameters += [BODY_WEIGHT, 1.0 - BODY_B, BODY_B / index.average_body]
    parameters += [language, *wanted, *visibilities]
    columns = []
    for concept in concepts:
        branches = []
        for known, weight in concept.alternatives:
            frequency = counts.get(known, 0)
            branches.append(f"WHEN %s THEN {number} * saturated")
            parameters += [known, weight * math.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5))]
        columns.append(f"COALESCE(MAX(CASE term {' '.join(branches)} END), 0.0)")
    parameters.append(count)
    # MATERIALIZED: each posting's saturation is computed once, not once per concept that reads it.
    statement = (
        "WITH postings AS MATERIALIZED ("
        f"SELECT article_id, term, frequency * {number} / (frequency + {number}) AS saturated FROM ("
        f"SELECT article_id, term, "
        f"{number} * title_tf / ({number} + {number} * title_length) + {number} * tags_tf"
        f" + {number} * body_tf / ({number} + {number} * body_length) AS frequency"
        f" FROM {quote(SearchPosting._meta.db_table)}"
        f" WHERE language = %s AND term IN ({_in(wanted)}) AND visibility IN ({_in(list(visibilities))})"
        ") AS frequencies),"
        f" best AS (SELECT article_id, {' + '.join(columns)} AS score FROM postings"
        " GROUP BY article_id ORDER BY score DESC, article_id LIMIT %s)"
        " SELECT best.article_id, best.score, article.title, article.slug, article.language,"
        " article.status, article.visibility"
        f" FROM best JOIN {quote(Article._meta.db_table)} AS article ON article.id = best.article_id"
        " ORDER BY best.score DESC, best.article_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        return cursor.fetchall()


def _ranked(
    *, text: str, language: str, visibilities: tuple[str, ...], limit: int, offset: int
) -> list[Suggestion]:
    _check(language, visibilities, limit, offset)
    index = _index(language)
    if index is None:
        return []
    concepts = question_concepts(text[:_MAX_QUESTION], language, index.lexicon)
    if not concepts:
        return []
    # A few more than asked for: an article unpublished without a reindex is left out, not shown.
    top = _top(index, concepts, language, visibilities, offset + limit + 10)
    found = [
        Suggestion(
            article_id=int(article_id),
            title=title,
            slug=slug,
            language=language,
            score=round(float(score), 4),
        )
        for article_id, score, title, slug, article_language, status, visibility in top
        if status == Article.Status.PUBLISHED and visibility in visibilities and article_language == language
    ]
    return found[offset : offset + limit]


def article_search(
    *,
    query: str,
    language: str,
    visibilities: tuple[str, ...] = ("public",),
    limit: int = 20,
    offset: int = 0,
) -> list[Suggestion]:
    """The published articles of ``language`` (with one of ``visibilities``) that match ``query``,
    best first. No fallback to another language: the caller decides."""
    return _ranked(
        text=query, language=language, visibilities=tuple(visibilities), limit=limit, offset=offset
    )


def article_suggest(
    *, question: str, language: str, limit: int = 3, visibilities: tuple[str, ...] = ("public",)
) -> list[Suggestion]:
    """The articles that may answer ``question``, a customer's question in free text (greetings and
    chatter are ignored), best first."""
    return _ranked(text=question, language=language, visibilities=tuple(visibilities), limit=limit, offset=0)
