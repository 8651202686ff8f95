"""Setting up queues: create one and change it (managers). Every change is in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.roles import Action
from lojal.cases.desk_setup import desk_setup_changed
from lojal.cases.models import Queue, SlaPolicy
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import text_fault

#: The fields :func:`queue_update` changes.
QUEUE_FIELDS = ("name", "team_id", "calendar_id", "sla_policy_id", "assignment", "manager_id", "is_active")


def _may_configure(actor: Any) -> None:
    if actor is not None and not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def _exists(field: str, value: int) -> bool:
    if field == "team_id":
        return accounts_selectors.team_exists(team_id=value)
    if field == "manager_id":
        return accounts_selectors.staff_get(user_id=value, active_only=True) is not None
    if field == "sla_policy_id":
        return SlaPolicy.objects.filter(pk=value).exists()
    # The calendars app's model, reached through the relation (the app exposes no selector for it yet).
    calendar_model = Queue._meta.get_field("calendar").related_model
    return calendar_model._default_manager.filter(pk=value).exists()


def _cleaned(data: Mapping[str, Any], *, queue_id: int | None) -> dict[str, Any]:
    unknown = sorted(set(data) - set(QUEUE_FIELDS))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    cleaned: dict[str, Any] = {}
    for field, value in data.items():
        if field == "name":
            name = value.strip() if isinstance(value, str) else ""
            if not name or len(name) > 100 or text_fault(name):
                raise ValidationError.for_field("name", _("A name of 1 to 100 characters."))
            others = Queue.objects.filter(name=name)
            if queue_id is not None:
                others = others.exclude(pk=queue_id)
            if others.exists():
                raise Conflict(_("Another queue is called %(name)s.") % {"name": name})
            cleaned[field] = name
        elif field == "assignment":
            if value not in Queue.Assignment.values:
                raise ValidationError.for_field(
                    field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(Queue.Assignment.values)}
                )
            cleaned[field] = value
        elif field == "is_active":
            if not isinstance(value, bool):
                raise ValidationError.for_field(field, _("Must be true or false."))
            cleaned[field] = value
        else:
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not _exists(field, value)
            ):
                raise ValidationError.for_field(field, _("Nothing with this id."))
            cleaned[field] = value
    return cleaned


@transaction.atomic
def queue_create(*, actor: Any, data: Mapping[str, Any]) -> Queue:
    """A new queue (``data``: of :data:`QUEUE_FIELDS`; a name is required)."""
    _may_configure(actor)
    if "name" not in data:
        raise ValidationError.for_field("name", _("This field is required."))
    queue = Queue.objects.create(**_cleaned(data, queue_id=None))
    audit_record(actor=actor, action="queue.created", obj=queue, label=queue.name)
    desk_setup_changed()
    return queue


@transaction.atomic
def queue_update(*, actor: Any, queue_id: int, data: Mapping[str, Any]) -> Queue:
    """Change the fields of ``data`` of a queue; unchanged values record nothing."""
    _may_configure(actor)
    cleaned = _cleaned(data, queue_id=queue_id)
    queue = Queue.objects.select_for_update().filter(pk=queue_id).first()
    if queue is None:
        raise NotFound(_("No queue with id %(id)s.") % {"id": queue_id})
    changes = {field: [getattr(queue, field), value] for field, value in cleaned.items()}
    changes = {field: pair for field, pair in changes.items() if pair[0] != pair[1]}
    if changes:
        for field, (_old, new) in changes.items():
            setattr(queue, field, new)
        queue.save()
        audit_record(actor=actor, action="queue.changed", obj=queue, changes=changes, label=queue.name)
        desk_setup_changed()
    return queue
