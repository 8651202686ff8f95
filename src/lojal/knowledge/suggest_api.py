"""``GET /api/v1/kb/suggest``: the FAQ articles that may answer a question in free text (a chat widget,
a contact form, an integration asking before it opens a case)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Query, Router, Schema
from pydantic import Field

from lojal.accounts.api_auth import staff
from lojal.accounts.roles import Action
from lojal.core.inputs import Text
from lojal.knowledge.search import article_suggest

router = Router(tags=["knowledge"])

#: Who the answer is for: the help centre's readers, customers signed in to My pages, or staff.
_AUDIENCES: dict[str, tuple[str, ...]] = {
    "public": ("public",),
    "portal": ("public", "portal"),
    "staff": ("public", "portal", "internal"),
}


class SuggestQuery(Schema):
    q: Text = Field(min_length=1, max_length=4000, description="the question as the customer wrote it")
    language: Literal["sv", "nb", "da", "fi", "en"] = Field(description="the question's language")
    limit: int = Field(default=3, ge=1, le=10, description="how many articles at most")
    audience: Literal["public", "portal", "staff"] = Field(
        default="public",
        description="public: help-centre articles only; portal: also those for signed-in customers; "
        "staff: also internal ones",
    )


class SuggestionOut(Schema):
    id: int
    title: str
    url: str = Field(description="the article's page in the help centre")
    score: float = Field(description="relevance, higher is better; comparable within one answer")


class SuggestionsOut(Schema):
    items: list[SuggestionOut]


def article_url(*, language: str, slug: str) -> str:
    """The reader's page of an article: ``/help/<language>/<slug>/``."""
    try:
        return reverse("knowledge-help:article", kwargs={"language": language, "slug": slug})
    except NoReverseMatch:  # the help centre's pages are not mounted in this installation
        return f"/help/{language}/{slug}/"


@router.get(
    "/suggest",
    auth=staff(Action.CUSTOMER_VIEW),
    response=SuggestionsOut,
    summary="Suggest FAQ articles for a question in free text (best first)",
)
def kb_suggest(request: HttpRequest, filters: Query[SuggestQuery]) -> dict[str, Any]:
    found = article_suggest(
        question=filters.q,
        language=filters.language,
        limit=filters.limit,
        visibilities=_AUDIENCES[filters.audience],
    )
    return {
        "items": [
            {
                "id": item.article_id,
                "title": item.title,
                "url": article_url(language=item.language, slug=item.slug),
                "score": item.score,
            }
            for item in found
        ]
    }
