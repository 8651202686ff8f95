"""Usefulness figures of the knowledge base for the service dashboards: the articles agents used on
solved cases and the articles readers found helpful. The cases are the caller's (the knowledge base
knows case ids, not cases): the service KPIs pass the ids of the cases solved in their period as a
subquery, so each figure stays one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from lojal.knowledge.models import ArticleFeedback, ArticleUse, SuggestionSession

#: Where suggestion sessions come from, (value, label), for figures per source.
SUGGESTION_SOURCES = SuggestionSession.Source.choices


@dataclass(frozen=True)
class ArticleCount:
    article_id: int
    title: str
    language: str
    count: int


@dataclass(frozen=True)
class ArticlesUsed:
    """Article uses on a set of cases: how many uses (an article once per case), on how many cases,
    and the most used articles."""

    uses: int
    cases: int
    top: list[ArticleCount]


def articles_used_on_cases(*, case_ids: Iterable[int] | Any, limit: int = 10) -> ArticlesUsed:
    """The articles agents put into replies on the cases ``case_ids`` (a list, or a queryset of ids
    such as the cases solved in a period)."""
    uses = ArticleUse.objects.filter(case_id__in=case_ids)
    totals = uses.aggregate(uses=Count("id"), cases=Count("case_id", distinct=True))
    top = (
        uses.values("article_id", "article__title", "article__language")
        .annotate(n=Count("id"))
        .order_by("-n", "article__title")[:limit]
    )
    return ArticlesUsed(
        uses=totals["uses"] or 0,
        cases=totals["cases"] or 0,
        top=[
            ArticleCount(
                article_id=row["article_id"],
                title=row["article__title"],
                language=row["article__language"],
                count=row["n"],
            )
            for row in top
        ],
    )


@dataclass(frozen=True)
class HelpfulArticle:
    article_id: int
    title: str
    language: str
    helpful: int
    unhelpful: int


def top_helpful_articles(*, start: datetime, end: datetime, limit: int = 10) -> list[HelpfulArticle]:
    """The articles with the most "yes, this helped" answered in [start, end), with their "no" count."""
    rows = (
        ArticleFeedback.objects.filter(at__gte=start, at__lt=end)
        .values("article_id", "article__title", "article__language")
        .annotate(yes=Count("id", filter=Q(helped=True)), no=Count("id", filter=Q(helped=False)))
        .filter(yes__gt=0)
        .order_by("-yes", "no", "article__title")[:limit]
    )
    return [
        HelpfulArticle(
            article_id=row["article_id"],
            title=row["article__title"],
            language=row["article__language"],
            helpful=row["yes"],
            unhelpful=row["no"],
        )
        for row in rows
    ]
