"""Writes for the knowledge base's articles: create one (or a translation of another), change it (each
save keeps an :class:`~lojal.knowledge.models.ArticleVersion`), publish, unpublish, archive, and restore
an old version. Every write is checked first (bad input changes nothing), audited, and followed by the
search index (``indexing.article_reindex`` after the commit). Categories, synonyms and attachments have
their own modules (``taxonomy``, ``attachments``) and are re-exported here, the app's one door."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from slugify import slugify

from lojal.accounts.roles import Action
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import choice_checked, text_checked
from lojal.knowledge import indexing
from lojal.knowledge.attachments import (
    article_attachment_add,
    article_attachment_remove,
    attachment_max_bytes,
)
from lojal.knowledge.markdown import markdown_render
from lojal.knowledge.models import Article, ArticleLanguage, ArticleVersion, KnowledgeCategory
from lojal.knowledge.taxonomy import category_create, category_update, synonyms_set

__all__ = [
    "article_archive",
    "article_attachment_add",
    "article_attachment_remove",
    "article_create",
    "article_publish",
    "article_restore",
    "article_unpublish",
    "article_update",
    "attachment_max_bytes",
    "category_create",
    "category_update",
    "slug_make",
    "synonyms_set",
]

TITLE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 220
BODY_MAX_LENGTH = 100_000
TAG_MAX_LENGTH = 50
TAGS_MAX = 20
#: What :func:`article_update` changes; the status has its own services (publish, unpublish, archive).
CHANGEABLE = ("title", "slug", "body", "category_id", "tags", "visibility")
#: The content a version keeps and a restore brings back.
VERSIONED = ("title", "body", "tags", "category_id", "visibility")
#: Nordic letters as readers type them in an address: "Byta lösenord" -> "byta-losenord".
SLUG_REPLACEMENTS = [
    ["Å", "A"], ["Ä", "A"], ["Ö", "O"], ["Ø", "O"], ["Æ", "AE"],
    ["å", "a"], ["ä", "a"], ["ö", "o"], ["ø", "o"], ["æ", "ae"],
]  # fmt: skip
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _may_edit(actor: Any) -> None:
    if actor is not None and not actor.can(Action.KNOWLEDGE_EDIT):
        raise PermissionDenied(_("Your role does not allow this."))


def _reindex_after_commit(article_id: int) -> None:
    transaction.on_commit(lambda: indexing.article_reindex(article_id=article_id))


def slug_make(text: str) -> str:
    """``text`` as an address part: lower case ASCII words joined by hyphens, Nordic letters folded
    (å, ä -> a; ö, ø -> o; æ -> ae)."""
    return slugify(text, max_length=SLUG_MAX_LENGTH - 4, word_boundary=True, replacements=SLUG_REPLACEMENTS)


def _slug_free(*, language: str, base: str, exclude_id: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3`` ... the first not used by another article in ``language``."""
    rows = Article.objects.filter(language=language, slug__startswith=base)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    taken = set(rows.values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _slug_checked(value: Any, *, language: str, exclude_id: int | None) -> str:
    slug = text_checked(value, "slug", max_length=SLUG_MAX_LENGTH, required=True)
    if not _SLUG.match(slug):
        raise ValidationError.for_field(
            "slug", _("Use lower-case letters a-z, digits and hyphens only, such as byta-losenord.")
        )
    others = Article.objects.filter(language=language, slug=slug)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.exists():
        raise Conflict(
            _("Another article in this language already has the address %(slug)s.") % {"slug": slug},
            errors={"slug": [_("Already used by another article in this language.")]},
        )
    return slug


def _tags_checked(values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError.for_field("tags", _("Must be a list of words."))
    tags: list[str] = []
    for value in values:
        tag = text_checked(value, "tags", max_length=TAG_MAX_LENGTH, required=True).lower()
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError.for_field("tags", _("At most %(max)d tags.") % {"max": TAGS_MAX})
    return tags


def _category_checked(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError.for_field("category_id", _("Must be an id."))
    if not KnowledgeCategory.objects.filter(pk=value, is_active=True).exists():
        raise ValidationError.for_field("category_id", _("No category in use with this id."))
    return value


def _checked(field: str, value: Any, *, language: str, article_id: int | None) -> Any:
    if field == "title":
        return text_checked(value, "title", max_length=TITLE_MAX_LENGTH, required=True)
    if field == "slug":
        return _slug_checked(value, language=language, exclude_id=article_id)
    if field == "body":
        return text_checked(value, "body", max_length=BODY_MAX_LENGTH)
    if field == "category_id":
        return _category_checked(value)
    if field == "tags":
        return _tags_checked(value)
    return choice_checked(value, "visibility", Article.Visibility.values)


def _version_write(article: Article, *, actor: Any) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        tags=list(article.tags),
        category_id_at_save=article.category_id,
        visibility=article.visibility,
        status=article.status,
        author=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
    )


def _locked(article_id: int) -> Article:
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
    return article


def article_create(
    *,
    actor: Any,
    language: str,
    title: str,
    body: str = "",
    slug: str = "",
    category_id: int | None = None,
    tags: Iterable[str] = (),
    visibility: str = Article.Visibility.PUBLIC,
    translation_of: int | None = None,
) -> Article:
    """A draft article (version 1). With ``translation_of`` it joins that article's group of
    translations, in a language the group does not have yet. Without ``slug`` the address is made from
    the title (made unique in the language with -2, -3 ...)."""
    _may_edit(actor)
    language = choice_checked(language, "language", ArticleLanguage.values)
    values = {
        field: _checked(field, value, language=language, article_id=None)
        for field, value in (
            ("title", title),
            ("body", body),
            ("category_id", category_id),
            ("tags", tags),
            ("visibility", visibility),
        )
    }
    with transaction.atomic():
        group = None
        if translation_of is not None:
            source = Article.objects.filter(pk=translation_of).first()
            if source is None:
                raise ValidationError.for_field("translation_of", _("No article with this id."))
            if Article.objects.filter(group=source.group, language=language).exists():
                raise Conflict(
                    _("This article already has a translation in that language."),
                    errors={"language": [_("A translation in this language exists already.")]},
                )
            group = source.group
        if slug:
            values["slug"] = _slug_checked(slug, language=language, exclude_id=None)
        else:
            base = slug_make(values["title"]) or "article"
            values["slug"] = _slug_free(language=language, base=base)
        article = Article(
            language=language,
            body_html=markdown_render(values["body"]),
            created_by=actor if getattr(actor, "pk", None) else None,
            updated_by=actor if getattr(actor, "pk", None) else None,
            **values,
        )
        if group is not None:
            article.group = group
        article.save()
        _version_write(article, actor=actor)
        audit_record(
            actor=actor,
            action="article.created",
            obj=article,
            changes={
                "title": [None, article.title],
                "slug": [None, article.slug],
                "language": [None, language],
                "visibility": [None, article.visibility],
            },
        )
        _reindex_after_commit(article.pk)
    return article


def _apply(
    article: Article, *, actor: Any, changes: Mapping[str, Any], action: str, extra: Mapping[str, Any]
) -> tuple[Article, dict[str, list[Any]]]:
    """Check ``changes`` against ``article`` (locked), save what differs as a new version."""
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    checked = {
        field: _checked(field, value, language=article.language, article_id=article.pk)
        for field, value in changes.items()
    }
    diffs = {
        field: [getattr(article, field), value]
        for field, value in checked.items()
        if getattr(article, field) != value
    }
    if not diffs:
        return article, {}
    for field, (_old, new) in diffs.items():
        setattr(article, field, new)
    if "body" in diffs:
        article.body_html = markdown_render(article.body)
    article.version += 1
    article.updated_by = actor if getattr(actor, "pk", None) else None
    article.save()
    _version_write(article, actor=actor)
    audited = {field: pair for field, pair in diffs.items() if field != "body"}
    if "body" in diffs:
        audited["body"] = [len(diffs["body"][0]), len(diffs["body"][1])]  # lengths: the text is in versions
    if action == "article.restored":
        audit_record(actor=actor, action="article.restored", obj=article, changes=audited | dict(extra))
    else:
        audit_record(actor=actor, action="article.changed", obj=article, changes=audited | dict(extra))
    _reindex_after_commit(article.pk)
    return article, diffs


def article_update(*, actor: Any, article_id: int, changes: Mapping[str, Any]) -> Article:
    """Change an article's title, address, text, category, tags or visibility. A save that changes
    something keeps a new version (author, time) and raises ``Article.version``; one that changes
    nothing writes nothing."""
    _may_edit(actor)
    with transaction.atomic():
        article, _diffs = _apply(
            _locked(article_id), actor=actor, changes=changes, action="article.changed", extra={}
        )
    return article


def article_restore(*, actor: Any, article_id: int, number: int) -> Article:
    """Bring back the content of version ``number`` as a new version (the versions in between stay).
    A category deleted or no longer in use since is left out (the article keeps its current one)."""
    _may_edit(actor)
    with transaction.atomic():
        article = _locked(article_id)
        version = ArticleVersion.objects.filter(article=article, number=number).first()
        if version is None:
            raise NotFound(_("This article has no version %(number)s.") % {"number": number})
        changes: dict[str, Any] = {
            "title": version.title,
            "body": version.body,
            "tags": list(version.tags),
            "visibility": version.visibility,
        }
        category = version.category_id_at_save
        if category is None or KnowledgeCategory.objects.filter(pk=category, is_active=True).exists():
            changes["category_id"] = category
        article, _diffs = _apply(
            article, actor=actor, changes=changes, action="article.restored", extra={"version": number}
        )
    return article


def _status_set(*, actor: Any, article_id: int, status: str, action: str) -> Article:
    _may_edit(actor)
    with transaction.atomic():
        article = _locked(article_id)
        if article.status == status:
            return article
        if status == Article.Status.PUBLISHED and not article.body.strip():
            raise ValidationError.for_field("body", _("An article needs a text before it is published."))
        before = article.status
        article.status = status
        if status == Article.Status.PUBLISHED:
            article.published_at = timezone.now()
        article.updated_by = actor if getattr(actor, "pk", None) else None
        article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
        changes = {"status": [before, status]}
        if action == "article.published":
            audit_record(actor=actor, action="article.published", obj=article, changes=changes)
        elif action == "article.unpublished":
            audit_record(actor=actor, action="article.unpublished", obj=article, changes=changes)
        else:
            audit_record(actor=actor, action="article.archived", obj=article, changes=changes)
        _reindex_after_commit(article.pk)
    return article


def article_publish(*, actor: Any, article_id: int) -> Article:
    """Readers (and search) get the article from now on; publishing a published one changes nothing."""
    return _status_set(
        actor=actor, article_id=article_id, status=Article.Status.PUBLISHED, action="article.published"
    )


def article_unpublish(*, actor: Any, article_id: int) -> Article:
    """Back to a draft: readers no longer get it, editors keep working on it."""
    return _status_set(
        actor=actor, article_id=article_id, status=Article.Status.DRAFT, action="article.unpublished"
    )


def article_archive(*, actor: Any, article_id: int) -> Article:
    """Out of use, kept with its versions (publishing it again brings it back)."""
    return _status_set(
        actor=actor, article_id=article_id, status=Article.Status.ARCHIVED, action="article.archived"
    )
