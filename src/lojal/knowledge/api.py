"""Staff API of the knowledge base (/api/v1/kb): articles (list, create, read, change, publish,
unpublish, archive), their versions (list, compare, restore), categories and synonym lists. Everyone
who sees customers reads; ``knowledge.edit`` writes articles, ``knowledge.manage`` categories and
synonyms. The suggestion endpoint (/kb/suggest) is a router of its own. See docs/knowledge.md."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict
from lojal.core.inputs import Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate
from lojal.knowledge import selectors, services
from lojal.knowledge.models import Article, ArticleVersion, KnowledgeCategory

router = Router(tags=["knowledge"])

LanguageCode = Literal["sv", "nb", "da", "fi", "en"]
VisibilityName = Literal["public", "portal", "internal"]
StatusName = Literal["draft", "published", "archived"]


class ArticleTranslationOut(Schema):
    id: int
    language: str
    title: str
    status: str


class ArticleOut(Schema):
    id: int
    group: uuid.UUID = Field(description="shared by an article's translations")
    language: str
    title: str
    slug: str
    category_id: int | None
    tags: list[str]
    visibility: str
    status: str
    version: int = Field(description="the number of the latest version")
    published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ArticleDetail(ArticleOut):
    body: str = Field(description="Markdown as written")
    body_html: str = Field(description="the body rendered and sanitised, as readers get it")
    translations: list[ArticleTranslationOut]


class ArticleIn(Schema):
    language: LanguageCode
    title: Text = Field(..., max_length=200)
    body: Text = Field("", max_length=100_000)
    slug: Text = Field("", max_length=220, description="made from the title when left out")
    category_id: int | None = None
    tags: list[Text] = Field(default_factory=list, max_length=20)
    visibility: VisibilityName = "public"
    translation_of: int | None = Field(
        None, description="an article this one translates: it joins that article's group"
    )


class ArticlePatch(Schema):
    title: Text | None = Field(None, max_length=200)
    body: Text | None = Field(None, max_length=100_000)
    slug: Text | None = Field(None, max_length=220)
    category_id: int | None = None
    tags: list[Text] | None = Field(None, max_length=20)
    visibility: VisibilityName | None = None


class ArticleVersionOut(Schema):
    number: int
    title: str
    body: str
    tags: list[str]
    category_id: int | None
    visibility: str
    status: str
    author_id: int | None
    author_name: str | None
    created_at: dt.datetime


class ArticleDiffOut(Schema):
    old: int
    new: int
    fields: dict[str, list[Any]] = Field(description="changed fields: [old value, new value]")
    unified: str = Field(description="the text's changes as a unified diff")


class KnowledgeCategoryOut(Schema):
    id: int
    slug: str
    name: str
    names: dict[str, str]
    parent_id: int | None
    position: int
    is_active: bool


class KnowledgeCategoryIn(Schema):
    name: Text = Field(..., max_length=100)
    slug: Text = Field("", max_length=80)
    names: dict[LanguageCode, Text] = Field(default_factory=dict)
    parent_id: int | None = None
    position: int = Field(0, ge=0, le=10_000)


class KnowledgeCategoryPatch(Schema):
    name: Text | None = Field(None, max_length=100)
    slug: Text | None = Field(None, max_length=80)
    names: dict[LanguageCode, Text] | None = None
    parent_id: int | None = None
    position: int | None = Field(None, ge=0, le=10_000)
    is_active: bool | None = None


class SynonymsOut(Schema):
    language: str
    lines: list[str] = Field(description="each a comma-separated group of words search treats as one")


class SynonymsIn(Schema):
    text: str = Field(..., max_length=200_000, description="one comma-separated group of words per line")


class ArticleListFilters(Schema):
    q: str = Field("", max_length=200, description="text in the title, address or body")
    language: LanguageCode | None = None
    status: StatusName | None = None
    visibility: VisibilityName | None = None
    category: str = Field(
        "", pattern=r"^(none|\d{1,18})?$", description="a category id (its subcategories too), or 'none'"
    )
    tag: str = Field("", max_length=50)


def _article_out(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "group": article.group,
        "language": article.language,
        "title": article.title,
        "slug": article.slug,
        "category_id": article.category_id,
        "tags": list(article.tags),
        "visibility": article.visibility,
        "status": article.status,
        "version": article.version,
        "published_at": article.published_at,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
    }


def _article_detail(article_id: int) -> dict[str, Any]:
    article = selectors.article_get(article_id=article_id)
    translations = selectors.article_translations(article=article)
    return _article_out(article) | {
        "body": article.body,
        "body_html": article.body_html,
        "translations": [
            {"id": other.pk, "language": other.language, "title": other.title, "status": other.status}
            for other in translations
        ],
    }


def _version_out(version: ArticleVersion) -> dict[str, Any]:
    author = version.author
    return {
        "number": version.number,
        "title": version.title,
        "body": version.body,
        "tags": list(version.tags),
        "category_id": version.category_id_at_save,
        "visibility": version.visibility,
        "status": version.status,
        "author_id": version.author_id,
        "author_name": author.display_name if author is not None else None,
        "created_at": version.created_at,
    }


def _category_out(category: KnowledgeCategory) -> dict[str, Any]:
    return {
        "id": category.pk,
        "slug": category.slug,
        "name": category.name,
        "names": dict(category.names),
        "parent_id": category.parent_id,
        "position": category.position,
        "is_active": category.is_active,
    }


@router.get(
    "/articles",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[ArticleOut],
    summary="Articles, newest first: filter by language, status, visibility, category, tag and text",
)
@keyset_paginate()
def article_list(request: HttpRequest, filters: Query[ArticleListFilters]) -> Keyset:
    chosen = selectors.ArticleFilters(
        q=filters.q.strip(),
        language=filters.language or "",
        status=filters.status or "",
        visibility=filters.visibility or "",
        category=filters.category,
        tag=filters.tag.strip().lower(),
    )
    rows = selectors.article_list(filters=chosen, order_by=("-id",))
    return Keyset(rows, show=lambda page: [_article_out(article) for article in page])


@router.post(
    "/articles",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response={201: ArticleDetail},
    summary="Write an article (a draft), or a translation of another (translation_of)",
)
@raises(Conflict)
def article_create(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    article = services.article_create(actor=staff_user(request), **payload.model_dump())
    return Status(201, _article_detail(article.pk))


@router.get(
    "/articles/{article_id}",
    auth=staff(Action.CUSTOMER_VIEW),
    response=ArticleDetail,
    summary="One article with its text and translations",
)
def article_read(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return _article_detail(article_id)


@router.patch(
    "/articles/{article_id}",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response=ArticleDetail,
    summary="Change an article (fields given only); a change keeps a new version",
)
@raises(Conflict)
def article_change(request: HttpRequest, article_id: int, payload: ArticlePatch) -> dict[str, Any]:
    services.article_update(
        actor=staff_user(request), article_id=article_id, changes=payload.model_dump(exclude_unset=True)
    )
    return _article_detail(article_id)


@router.post(
    "/articles/{article_id}/publish",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response=ArticleDetail,
    summary="Publish an article: readers and search get it",
)
def article_publish(request: HttpRequest, article_id: int) -> dict[str, Any]:
    services.article_publish(actor=staff_user(request), article_id=article_id)
    return _article_detail(article_id)


@router.post(
    "/articles/{article_id}/unpublish",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response=ArticleDetail,
    summary="Unpublish an article (back to a draft)",
)
def article_unpublish(request: HttpRequest, article_id: int) -> dict[str, Any]:
    services.article_unpublish(actor=staff_user(request), article_id=article_id)
    return _article_detail(article_id)


@router.post(
    "/articles/{article_id}/archive",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response=ArticleDetail,
    summary="Archive an article (kept with its versions, no longer shown)",
)
def article_archive(request: HttpRequest, article_id: int) -> dict[str, Any]:
    services.article_archive(actor=staff_user(request), article_id=article_id)
    return _article_detail(article_id)


@router.get(
    "/articles/{article_id}/versions",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[ArticleVersionOut],
    summary="The versions of an article, newest first, with author and time",
)
@keyset_paginate()
def article_versions(request: HttpRequest, article_id: int) -> Keyset:
    rows = selectors.article_versions(article_id=article_id).order_by("-number", "-id")
    return Keyset(rows, show=lambda page: [_version_out(version) for version in page])


@router.get(
    "/articles/{article_id}/diff",
    auth=staff(Action.CUSTOMER_VIEW),
    response=ArticleDiffOut,
    summary="What changed between two versions (old, new): fields and a unified diff of the text",
)
def article_diff(request: HttpRequest, article_id: int, old: int, new: int) -> dict[str, Any]:
    selectors.article_get(article_id=article_id)
    diff = selectors.version_diff(article_id=article_id, old=old, new=new)
    fields = {
        ("category_id" if name == "category_id_at_save" else name): list(pair)
        for name, pair in diff.fields.items()
    }
    return {"old": old, "new": new, "fields": fields, "unified": diff.unified}


@router.post(
    "/articles/{article_id}/versions/{number}/restore",
    auth=staff(Action.KNOWLEDGE_EDIT),
    response=ArticleDetail,
    summary="Bring back the content of an old version, as a new version",
)
def article_restore(request: HttpRequest, article_id: int, number: int) -> dict[str, Any]:
    selectors.article_get(article_id=article_id)
    services.article_restore(actor=staff_user(request), article_id=article_id, number=number)
    return _article_detail(article_id)


@router.get(
    "/categories",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[KnowledgeCategoryOut],
    summary="The categories in tree order (each top category followed by its subcategories)",
)
def category_list(request: HttpRequest) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in selectors.category_tree():
        out.append(_category_out(node.category))
        out.extend(_category_out(child) for child in node.children)
    return out


@router.post(
    "/categories",
    auth=staff(Action.KNOWLEDGE_MANAGE),
    response={201: KnowledgeCategoryOut},
    summary="Add a category",
)
@raises(Conflict)
def category_create(request: HttpRequest, payload: KnowledgeCategoryIn) -> Status[dict[str, Any]]:
    category = services.category_create(actor=staff_user(request), **payload.model_dump())
    return Status(201, _category_out(category))


@router.patch(
    "/categories/{category_id}",
    auth=staff(Action.KNOWLEDGE_MANAGE),
    response=KnowledgeCategoryOut,
    summary="Change a category (fields given only)",
)
@raises(Conflict)
def category_change(
    request: HttpRequest, category_id: int, payload: KnowledgeCategoryPatch
) -> dict[str, Any]:
    category = services.category_update(
        actor=staff_user(request), category_id=category_id, changes=payload.model_dump(exclude_unset=True)
    )
    return _category_out(category)


@router.get(
    "/synonyms/{language}",
    auth=staff(Action.CUSTOMER_VIEW),
    response=SynonymsOut,
    summary="The synonym list of a language",
)
def synonyms_read(request: HttpRequest, language: LanguageCode) -> dict[str, Any]:
    return {"language": language, "lines": selectors.synonyms_of(language=language)}


@router.put(
    "/synonyms/{language}",
    auth=staff(Action.KNOWLEDGE_MANAGE),
    response=SynonymsOut,
    summary="Replace the synonym list of a language (all lines checked; a bad line saves nothing)",
)
def synonyms_replace(request: HttpRequest, language: LanguageCode, payload: SynonymsIn) -> dict[str, Any]:
    services.synonyms_set(actor=staff_user(request), language=language, text=payload.text)
    return {"language": language, "lines": selectors.synonyms_of(language=language)}
