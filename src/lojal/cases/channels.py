"""Which inbound addresses, web forms and numbers are service channels (their messages open cases),
and what the phone menu's choices mean. Managers set both in the pages (Action.SERVICE_CONFIGURE).
Every address opens cases unless listed with "opens cases" off."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.cases.models import Category, IvrChoice, Queue, ServiceChannel
from lojal.core.audit import audit_record
from lojal.core.contact_points import email_normalise, phone_candidates
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import text_fault


def may_configure(actor: Any) -> None:
    if actor is None or not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Only managers may change the service settings."))


def address_normalise(*, kind: str, address: str) -> str:
    """An address as stored: email in lower case, a number in E.164, a form key as written."""
    value = (address or "").strip()
    if kind == ServiceChannel.Kind.EMAIL:
        return email_normalise(value, field="address").lower() if value else ""
    if kind in {ServiceChannel.Kind.SMS, ServiceChannel.Kind.PHONE}:
        candidates = phone_candidates(value)
        return candidates[0] if candidates else value
    return value


def opens_cases(*, kind: str, addresses: Iterable[str]) -> bool:
    """Whether a message to ``addresses`` opens a case: it does unless one of them is listed as
    staying a plain interaction and none of them is listed as opening cases."""
    normalised = []
    for address in addresses:
        try:
            value = address_normalise(kind=kind, address=address)
        except ValidationError:
            value = (address or "").strip().lower()
        if value:
            normalised.append(value)
    if not normalised:
        return True
    listed = dict(
        ServiceChannel.objects.filter(kind=kind, address__in=normalised).values_list("address", "opens_cases")
    )
    if not listed:
        return True
    return any(listed.values())


def service_channels() -> list[ServiceChannel]:
    return list(ServiceChannel.objects.order_by("kind", "address"))


def service_channel_save(
    *, actor: Any, kind: str, address: str, opens_cases: bool, note: str = "", channel_id: int | None = None
) -> ServiceChannel:
    """List an address, form or number (or change one listed) and whether it opens cases."""
    may_configure(actor)
    if kind not in ServiceChannel.Kind.values:
        raise ValidationError.for_field(
            "kind", _("Choose email address, web form, SMS number or phone number.")
        )
    value = address_normalise(kind=kind, address=address)
    if not value:
        raise ValidationError.for_field("address", _("This field is required."))
    if kind in {ServiceChannel.Kind.SMS, ServiceChannel.Kind.PHONE} and not value.startswith("+"):
        raise ValidationError.for_field("address", _("This is not a phone number."))
    note = (note or "").strip()
    if reason := text_fault(note):
        raise ValidationError.for_field("note", reason)
    if len(note) > 200:
        raise ValidationError.for_field("note", _("At most %(max)d characters.") % {"max": 200})
    try:
        with transaction.atomic():
            if channel_id is None:
                row = ServiceChannel.objects.create(
                    kind=kind, address=value, opens_cases=opens_cases, note=note
                )
            else:
                found = ServiceChannel.objects.select_for_update().filter(pk=channel_id).first()
                if found is None:
                    raise NotFound(_("No such service channel."))
                row = found
                row.kind, row.address, row.opens_cases, row.note = kind, value, opens_cases, note
                row.save()
    except IntegrityError as error:
        raise ValidationError.for_field("address", _("This address is listed already.")) from error
    audit_record(
        actor=actor,
        action="service_channel.saved",
        obj=row,
        changes={"opens_cases": [None, opens_cases]},
        label=f"{kind}:{value}",
    )
    return row


def service_channel_delete(*, actor: Any, channel_id: int) -> None:
    """Take an address off the list: it opens cases again, as every unlisted address does."""
    may_configure(actor)
    row = ServiceChannel.objects.filter(pk=channel_id).first()
    if row is None:
        raise NotFound(_("No such service channel."))
    audit_record(actor=actor, action="service_channel.deleted", obj=row, label=str(row))
    row.delete()


def ivr_choice_for(code: str) -> IvrChoice | None:
    """What the phone menu's ``code`` means, when a manager set it up."""
    return IvrChoice.objects.filter(code=(code or "").strip()).first() if code else None


def ivr_choices() -> list[IvrChoice]:
    return list(IvrChoice.objects.select_related("category", "queue").order_by("code"))


def ivr_choice_save(
    *,
    actor: Any,
    code: str,
    label: str,
    category_id: int | None = None,
    queue_id: int | None = None,
    opens_case: bool = True,
    choice_id: int | None = None,
) -> IvrChoice:
    """Say what the phone menu's choice ``code`` means: the category and queue of the case its call
    opens (or that it opens none)."""
    may_configure(actor)
    code, label = (code or "").strip(), (label or "").strip()
    errors: dict[str, list[str]] = {}
    if not code or len(code) > 40 or text_fault(code):
        errors["code"] = [_("Give the code the phone system sends, at most 40 characters.")]
    if not label or len(label) > 100 or text_fault(label):
        errors["label"] = [_("Give a name, at most 100 characters.")]
    if category_id is not None and not Category.objects.filter(pk=category_id, is_active=True).exists():
        errors["category_id"] = [_("No category with this id.")]
    if queue_id is not None and not Queue.objects.filter(pk=queue_id, is_active=True).exists():
        errors["queue_id"] = [_("No queue with this id.")]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors=errors)
    fields = {
        "code": code,
        "label": label,
        "category_id": category_id,
        "queue_id": queue_id,
        "opens_case": opens_case,
    }
    try:
        with transaction.atomic():
            if choice_id is None:
                row = IvrChoice.objects.create(**fields)
            else:
                found = IvrChoice.objects.select_for_update().filter(pk=choice_id).first()
                if found is None:
                    raise NotFound(_("No such phone menu choice."))
                row = found
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save()
    except IntegrityError as error:
        raise ValidationError.for_field("code", _("This code is set up already.")) from error
    audit_record(actor=actor, action="ivr_choice.saved", obj=row, label=f"{code} {label}")
    return row


def ivr_choice_delete(*, actor: Any, choice_id: int) -> None:
    may_configure(actor)
    row = IvrChoice.objects.filter(pk=choice_id).first()
    if row is None:
        raise NotFound(_("No such phone menu choice."))
    audit_record(actor=actor, action="ivr_choice.deleted", obj=row, label=str(row))
    row.delete()
