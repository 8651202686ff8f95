"""Macros: canned replies per language with the case's and customer's fields filled in, which may also
set the case's status, priority, category and tags when the reply goes out. Managers write them
(:func:`macro_save`); agents pick one in the reply box (:func:`macro_text`) and its field changes
are applied with the reply (:func:`macro_apply`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.accounts.roles import Action
from lojal.cases.desk_setup import desk_setup_changed
from lojal.cases.models import Case, Category, Macro
from lojal.cases.services import _text, case_change, case_tags_set
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError

NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 20_000
#: The languages a macro is written in: the customers' languages the acknowledgements know too.
MACRO_LANGUAGES = ("sv", "nb", "da", "fi", "en")
#: The fields a macro's text may hold, and what each means (shown to the managers who write them).
FIELDS: dict[str, Any] = {
    "customer_name": gettext_lazy("the customer's name"),
    "case_number": gettext_lazy("the case number, #26-000123"),
    "case_subject": gettext_lazy("the case's subject"),
    "agent_name": gettext_lazy("your name"),
    "queue_name": gettext_lazy("the case's queue"),
}
_FIELD = re.compile(r"\{([a-z_]+)\}")


def macro_list(*, active_only: bool = True) -> QuerySet[Macro]:
    macros = Macro.objects.select_related("category")
    return macros.filter(is_active=True) if active_only else macros


def macro_get(*, macro_id: int) -> Macro:
    macro = Macro.objects.select_related("category").filter(pk=macro_id).first()
    if macro is None:
        raise NotFound(_("No macro with id %(id)s.") % {"id": macro_id})
    return macro


def macro_save(
    *,
    actor: Any,
    name: str,
    texts: Mapping[str, str],
    macro_id: int | None = None,
    status: str = "",
    priority: str = "",
    category_id: int | None = None,
    tags: Iterable[str] = (),
    is_active: bool = True,
) -> Macro:
    """Create a macro, or change the one ``macro_id`` names. Texts in :data:`MACRO_LANGUAGES` (at least
    one); a field in braces that Lojal does not know is refused, so a typo is not sent to a customer."""
    if not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))
    name = _text(name, "name", max_length=NAME_MAX_LENGTH, required=True)
    cleaned: dict[str, str] = {}
    for language, value in texts.items():
        if language not in MACRO_LANGUAGES:
            raise ValidationError.for_field("texts", _("Not a language macros are written in."))
        text = _text(value, f"text_{language}", max_length=TEXT_MAX_LENGTH)
        unknown = sorted({found for found in _FIELD.findall(text) if found not in FIELDS})
        if unknown:
            raise ValidationError.for_field(
                f"text_{language}",
                _("Unknown field: {%(field)s}. Known fields: %(known)s.")
                % {"field": unknown[0], "known": ", ".join(f"{{{key}}}" for key in FIELDS)},
            )
        if text:
            cleaned[language] = text
    if not cleaned:
        raise ValidationError.for_field("text_en", _("Write the reply in at least one language."))
    if status and status not in Case.Status.values:
        raise ValidationError.for_field("status", _("Not a case status."))
    if priority and priority not in Case.Priority.values:
        raise ValidationError.for_field("priority", _("Not a case priority."))
    if category_id is not None and not Category.objects.filter(pk=category_id, is_active=True).exists():
        raise ValidationError.for_field("category_id", _("No category with this id."))
    tag_names = [_text(tag, "tags", max_length=50, required=True) for tag in tags]
    if Macro.objects.filter(name=name).exclude(pk=macro_id or 0).exists():
        raise ValidationError.for_field("name", _("Another macro has this name."))
    values = {
        "name": name,
        "texts": cleaned,
        "status": status,
        "priority": priority,
        "category_id": category_id,
        "tags": list(dict.fromkeys(tag_names)),
        "is_active": is_active,
    }
    with transaction.atomic():
        if macro_id is None:
            macro = Macro.objects.create(**values)
            action = "macro.created"
        else:
            macro = Macro.objects.select_for_update().filter(pk=macro_id).first()  # type: ignore[assignment]
            if macro is None:
                raise NotFound(_("No macro with id %(id)s.") % {"id": macro_id})
            for field, new in values.items():
                setattr(macro, field, new)
            macro.save()
            action = "macro.changed"
        audit_record(actor=actor, action=action, obj=macro, label=macro.name)
        desk_setup_changed()
    return macro


def macro_language(macro: Macro, language: str) -> str:
    """The language of the macro's text for a case in ``language``: that one, else English, else the
    site's language, else the first written."""
    for candidate in (language, "en", settings.LANGUAGE_CODE[:2]):
        if candidate and candidate in macro.texts:
            return candidate
    return next(iter(macro.texts), "")


def macro_text(*, macro: Macro, case: Case, agent: Any) -> str:
    """The macro's text in the case's language with the fields filled in."""
    text = macro.texts.get(macro_language(macro, case.language), "")
    values = {
        "customer_name": case.customer.display_name if case.customer_id and case.customer else "",
        "case_number": f"#{case.number}",
        "case_subject": case.subject,
        "agent_name": agent.display_name if agent is not None else "",
        "queue_name": case.queue.name if case.queue_id and case.queue else "",
    }
    return _FIELD.sub(lambda found: str(values.get(found.group(1), found.group(0))), text)


def macro_apply(*, actor: Any, case_id: int, macro: Macro, skip_status: bool = False) -> Case:
    """The macro's field changes on a case: status (unless the reply already set it), priority and
    category through :func:`~lojal.cases.services.case_change`, its tags added to the case's."""
    changes: dict[str, Any] = {}
    if macro.status and not skip_status:
        changes["status"] = macro.status
    if macro.priority:
        changes["priority"] = macro.priority
    if macro.category_id:
        changes["category_id"] = macro.category_id
    case = case_change(actor=actor, case_id=case_id, changes=changes) if changes else None
    if macro.tags:
        current = list(Case.objects.get(pk=case_id).tags.values_list("name", flat=True))
        case_tags_set(actor=actor, case_id=case_id, tags=[*current, *macro.tags])
    return case or Case.objects.get(pk=case_id)
