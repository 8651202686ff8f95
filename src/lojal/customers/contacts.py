"""Validation of an organisation's contact persons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.errors import ValidationError
from lojal.customers.models import Customer, Kind

_TEXT_FIELDS = {"first_name": 100, "last_name": 100, "role": 100}
_ALLOWED = {*_TEXT_FIELDS, "email", "phone", "is_primary", "person_id"}


def contact_person_clean(*, data: Mapping[str, Any], region: str | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field in sorted(set(data) - _ALLOWED):
        errors.setdefault(field, []).append(_("Unknown field."))
    for field, limit in _TEXT_FIELDS.items():
        value = data.get(field) or ""
        if not isinstance(value, str):
            errors.setdefault(field, []).append(_("Must be text."))
            continue
        value = " ".join(value.split())
        if len(value) > limit:
            errors.setdefault(field, []).append(_("At most %(max)d characters.") % {"max": limit})
        cleaned[field] = value[:limit]
    if not cleaned.get("first_name"):
        errors.setdefault("first_name", []).append(_("This field is required."))
    for field, normalise in (("email", email_normalise), ("phone", None)):
        raw = data.get(field)
        if not raw:
            cleaned[field] = ""
            continue
        try:
            if normalise is not None:
                cleaned[field] = normalise(str(raw), field=field)
            else:
                cleaned[field] = phone_normalise(str(raw), region=region, field=field)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.errors.get(field, [error.message]))
    cleaned["is_primary"] = bool(data.get("is_primary"))
    person_id = data.get("person_id")
    if person_id not in (None, ""):
        person = (
            Customer.objects.live().filter(pk=person_id, kind=Kind.PERSON).first()
            if str(person_id).isdigit()
            else None
        )
        if person is None:
            errors.setdefault("person_id", []).append(_("No person customer has this id."))
        cleaned["person"] = person
    if errors:
        raise ValidationError(_("The contact person has errors."), errors=errors)
    return cleaned
