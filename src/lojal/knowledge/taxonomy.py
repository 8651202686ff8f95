"""Writes for how the knowledge base is arranged and searched: its categories (one or two levels, a name
per language) and the synonym list of each language. Reached through ``lojal.knowledge.services``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from slugify import slugify

from lojal.accounts.roles import Action
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import choice_checked, text_checked
from lojal.knowledge import indexing
from lojal.knowledge.models import ArticleLanguage, KnowledgeCategory, Synonyms

CATEGORY_NAME_MAX_LENGTH = 100
CATEGORY_SLUG_MAX_LENGTH = 80
CATEGORY_CHANGEABLE = ("name", "slug", "names", "parent_id", "position", "is_active")
#: One line of synonyms: at least two words, each at most this long, the line at most 500 characters.
SYNONYM_WORD_MAX_LENGTH = 60
SYNONYM_LINE_MAX_LENGTH = 500
SYNONYM_LINES_MAX = 2000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NORDIC = [["å", "a"], ["ä", "a"], ["ö", "o"], ["ø", "o"], ["æ", "ae"]]


def _may_manage(actor: Any) -> None:
    if actor is not None and not actor.can(Action.KNOWLEDGE_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))


def _names_checked(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError.for_field("names", _("Must map languages to names."))
    names: dict[str, str] = {}
    for language, name in value.items():
        choice_checked(language, "names", ArticleLanguage.values)
        text = text_checked(name, "names", max_length=CATEGORY_NAME_MAX_LENGTH)
        if text:
            names[str(language)] = text
    return names


def _parent_checked(value: Any, *, category_id: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError.for_field("parent_id", _("Must be an id."))
    parent = KnowledgeCategory.objects.filter(pk=value).first()
    if parent is None:
        raise ValidationError.for_field("parent_id", _("No category with this id."))
    if parent.pk == category_id:
        raise ValidationError.for_field("parent_id", _("A category cannot be its own parent."))
    if parent.parent_id is not None:
        raise ValidationError.for_field("parent_id", _("Categories go two levels deep at most."))
    if category_id is not None and KnowledgeCategory.objects.filter(parent_id=category_id).exists():
        raise ValidationError.for_field(
            "parent_id", _("A category with subcategories cannot itself become a subcategory.")
        )
    return parent.pk


def _slug_checked(value: Any, *, category_id: int | None) -> str:
    slug = text_checked(value, "slug", max_length=CATEGORY_SLUG_MAX_LENGTH, required=True)
    if not _SLUG.match(slug):
        raise ValidationError.for_field("slug", _("Use lower-case letters a-z, digits and hyphens only."))
    others = KnowledgeCategory.objects.filter(slug=slug)
    if category_id is not None:
        others = others.exclude(pk=category_id)
    if others.exists():
        raise Conflict(
            _("Another category already has the address %(slug)s.") % {"slug": slug},
            errors={"slug": [_("Already used by another category.")]},
        )
    return slug


def _position_checked(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
        raise ValidationError.for_field("position", _("Must be a whole number from 0 to 10000."))
    return value


def _category_checked(field: str, value: Any, *, category_id: int | None) -> Any:
    if field == "name":
        return text_checked(value, "name", max_length=CATEGORY_NAME_MAX_LENGTH, required=True)
    if field == "slug":
        return _slug_checked(value, category_id=category_id)
    if field == "names":
        return _names_checked(value)
    if field == "parent_id":
        return _parent_checked(value, category_id=category_id)
    if field == "position":
        return _position_checked(value)
    if not isinstance(value, bool):
        raise ValidationError.for_field("is_active", _("Must be true or false."))
    return value


def category_create(
    *,
    actor: Any,
    name: str,
    slug: str = "",
    names: Mapping[str, str] | None = None,
    parent_id: int | None = None,
    position: int = 0,
) -> KnowledgeCategory:
    """A help centre section; without ``slug`` its address is made from the name."""
    _may_manage(actor)
    values = {
        field: _category_checked(field, value, category_id=None)
        for field, value in (
            ("name", name),
            ("names", names or {}),
            ("parent_id", parent_id),
            ("position", position),
        )
    }
    if slug:
        values["slug"] = _category_checked("slug", slug, category_id=None)
    else:
        base = (
            slugify(values["name"], max_length=CATEGORY_SLUG_MAX_LENGTH - 4, replacements=_NORDIC)
            or "category"
        )
        taken = set(KnowledgeCategory.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        values["slug"] = base
        number = 2
        while values["slug"] in taken:
            values["slug"] = f"{base}-{number}"
            number += 1
    with transaction.atomic():
        category = KnowledgeCategory.objects.create(**values)
        audit_record(
            actor=actor,
            action="kb_category.created",
            obj=category,
            changes={"name": [None, category.name], "slug": [None, category.slug]},
        )
    return category


def category_update(*, actor: Any, category_id: int, changes: Mapping[str, Any]) -> KnowledgeCategory:
    """Rename, move, reorder, or take out of use (``is_active``) a category; its articles stay."""
    _may_manage(actor)
    unknown = sorted(set(changes) - set(CATEGORY_CHANGEABLE))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    with transaction.atomic():
        category = KnowledgeCategory.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound(_("No category with id %(id)s.") % {"id": category_id})
        checked = {
            field: _category_checked(field, value, category_id=category.pk)
            for field, value in changes.items()
        }
        diffs = {
            field: [getattr(category, field), value]
            for field, value in checked.items()
            if getattr(category, field) != value
        }
        if not diffs:
            return category
        for field, (_old, new) in diffs.items():
            setattr(category, field, new)
        category.save()
        audit_record(actor=actor, action="kb_category.changed", obj=category, changes=diffs)
    return category


def synonym_lines_parse(text: str) -> list[str]:
    """The lines of a synonym list as stored (``lösen, lösenord, pinkod``): words trimmed and
    lower-cased, duplicates dropped, empty lines skipped. A ValidationError on ``text`` names every bad
    line by its number."""
    if not isinstance(text, str):
        raise ValidationError.for_field("text", _("Must be text."))
    lines: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            text_checked(raw, "text", max_length=SYNONYM_LINE_MAX_LENGTH)
        except ValidationError as error:
            problems.append(
                _("Line %(line)d: %(reason)s") % {"line": number, "reason": error.errors["text"][0]}
            )
            continue
        words: list[str] = []
        for word in (" ".join(part.split()).lower() for part in raw.split(",")):
            if word and word not in words:
                words.append(word)
        if len(words) < 2:
            problems.append(
                _("Line %(line)d: give at least two different words, separated by commas.") % {"line": number}
            )
        elif any(len(word) > SYNONYM_WORD_MAX_LENGTH for word in words):
            problems.append(
                _("Line %(line)d: a word is longer than %(max)d characters.")
                % {"line": number, "max": SYNONYM_WORD_MAX_LENGTH}
            )
        else:
            lines.append(", ".join(words))
    if len(lines) > SYNONYM_LINES_MAX:
        problems.append(_("At most %(max)d lines.") % {"max": SYNONYM_LINES_MAX})
    if problems:
        raise ValidationError(
            _("The synonym list has mistakes; nothing was saved."), errors={"text": problems}
        )
    return lines


def synonyms_set(*, actor: Any, language: str, text: str) -> list[Synonyms]:
    """Replace the synonym list of ``language`` with the lines of ``text`` (each a comma-separated group
    of words search treats as one); the search index is rebuilt after the commit."""
    _may_manage(actor)
    language = choice_checked(language, "language", ArticleLanguage.values)
    lines = synonym_lines_parse(text)
    with transaction.atomic():
        before = sorted(Synonyms.objects.filter(language=language).values_list("words", flat=True))
        if before == sorted(lines):
            return list(Synonyms.objects.filter(language=language))
        Synonyms.objects.filter(language=language).delete()
        rows = Synonyms.objects.bulk_create([Synonyms(language=language, words=line) for line in lines])
        # The audit log names the language's list; a list has no row of its own, so the first line stands in.
        anchor = rows[0] if rows else Synonyms(pk=0, language=language, words="")
        audit_record(
            actor=actor,
            action="synonyms.set",
            obj=anchor,
            changes={"language": language, "lines": [len(before), len(lines)]},
            label=language,
        )
        transaction.on_commit(indexing.index_rebuild)
    return rows
