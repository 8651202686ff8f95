"""Files and images an article offers or shows. The type is read from the file's first bytes with the
``filetype`` library (magic numbers), never taken from its name or the browser's word; only images and
PDF documents are kept, up to a size limit. Reached through ``lojal.knowledge.services``."""

from __future__ import annotations

import posixpath
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import text_checked
from lojal.knowledge import indexing
from lojal.knowledge.models import Article, ArticleAttachment

#: Types an article may carry, by what the content is; images are shown in the article.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ALLOWED_TYPES = IMAGE_TYPES | {"application/pdf"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
NAME_MAX_LENGTH = 200


def attachment_max_bytes() -> int:
    """The size limit of one file (setting ``LOJAL_KB_ATTACHMENT_MAX_BYTES``, 5 MB by default)."""
    return int(getattr(settings, "LOJAL_KB_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def content_type_sniff(content: bytes) -> str | None:
    """The MIME type ``content`` really has, from its magic numbers, or None when it is not known."""
    kind = filetype.guess(content[:8192])
    return kind.mime if kind is not None else None


def _may_edit(actor: Any) -> None:
    if actor is not None and not actor.can(Action.KNOWLEDGE_EDIT):
        raise PermissionDenied(_("Your role does not allow this."))


def _name_checked(name: Any) -> str:
    text = text_checked(name, "name", max_length=1000, required=True)
    # Only the last part of a path a browser sent, and no character a header or a file system minds.
    base = posixpath.basename(text.replace("\\", "/"))
    base = "".join(char for char in base if char.isprintable() and char not in '"<>|:*?')
    if not base.strip(". "):
        raise ValidationError.for_field("name", _("Give the file a name."))
    return base[-NAME_MAX_LENGTH:]


def article_attachment_add(*, actor: Any, article_id: int, name: str, content: bytes) -> ArticleAttachment:
    """Keep a file for the article; refused (nothing stored) when too large or of a type not allowed."""
    _may_edit(actor)
    filename = _name_checked(name)
    limit = attachment_max_bytes()
    if not content:
        raise ValidationError.for_field("file", _("The file is empty."))
    if len(content) > limit:
        raise ValidationError.for_field(
            "file", _("The file is larger than %(max)d kB.") % {"max": limit // 1024}
        )
    content_type = content_type_sniff(content)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError.for_field(
            "file", _("Only images (PNG, JPEG, GIF, WebP) and PDF documents can be attached.")
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
        attachment = ArticleAttachment(
            article=article,
            name=filename,
            content_type=content_type,
            size=len(content),
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachment.file.save(filename, ContentFile(content), save=False)
        stored = str(attachment.file.name)
        # The file is written before the row: if writing the row fails, the file must not stay behind.
        try:
            attachment.save()
            audit_record(
                actor=actor,
                action="article.file_added",
                obj=article,
                changes={"file": filename, "size": len(content)},
            )
        except Exception:
            attachment.file.storage.delete(stored)
            raise
        article_pk = article.pk
        transaction.on_commit(lambda: indexing.article_reindex(article_id=article_pk))
    return attachment


def article_attachment_remove(*, actor: Any, attachment_id: int) -> None:
    """Delete a file of an article (and from the storage once the deletion is committed)."""
    _may_edit(actor)
    with transaction.atomic():
        attachment = ArticleAttachment.objects.select_related("article").filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
        storage, stored, article = attachment.file.storage, str(attachment.file.name), attachment.article
        attachment.delete()
        audit_record(
            actor=actor, action="article.file_removed", obj=article, changes={"file": attachment.name}
        )
        transaction.on_commit(lambda: storage.delete(stored))
        transaction.on_commit(lambda: indexing.article_reindex(article_id=article.pk))
