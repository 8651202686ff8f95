"""Writing the audit log; every service that changes a record calls this in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from lojal.core.bulk import Insert
from lojal.core.data_subject import ERASED, erased_changes
from lojal.core.models import AuditEntry

#: Columns of an entry written in bulk, in the order :meth:`AuditRow.row` gives them.
AUDIT_COLUMNS = ("occurred_at", "actor_id", "action", "object_type", "object_id", "object_label", "changes")


@dataclass(frozen=True, slots=True)
class AuditRow:
    """An audit entry not yet written, for services that write many records at once."""

    occurred_at: dt.datetime
    actor_id: int | None
    action: str
    obj: models.Model
    changes: dict[str, Any]

    def row(self) -> tuple[Any, ...]:
        """The values of :data:`AUDIT_COLUMNS`."""
        return (
            self.occurred_at,
            self.actor_id,
            self.action,
            self.obj._meta.label_lower,
            str(self.obj.pk),
            str(self.obj)[:200],
            self.changes,
        )


def audit_record(
    *, actor: Any, action: str, obj: models.Model, changes: dict[str, Any] | None = None, label: str = ""
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``; ``changes`` maps field -> [old, new]."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:200],
        changes=jsonable(changes or {}),
    )


def audit_entries_erase(*, object_type: str, object_ids: Iterable[int | str], label: str = "") -> int:
    """Blank what the audit entries about these objects copied of a person (labels, changed values),
    keeping who did what to which record and when, and which fields changed. Returns how many."""
    ids = [str(object_id) for object_id in object_ids]
    erased = 0
    for start in range(0, len(ids), 500):
        entries = AuditEntry.objects.filter(object_type=object_type, object_id__in=ids[start : start + 500])
        changed = []
        for entry in entries.only("pk", "object_id", "changes"):
            entry.object_label = label.format(id=entry.object_id) if label else ERASED
            entry.changes = erased_changes(entry.changes)
            changed.append(entry)
        AuditEntry.objects.bulk_update(changed, ["object_label", "changes"], batch_size=500)
        erased += len(changed)
    return erased


def jsonable(value: Any) -> Any:
    """``value`` as the audit log stores it: JSON types, records by their id, anything else as text."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def audit_insert(entries: Iterable[AuditRow]) -> Insert:
    """The insert of ``entries`` as one step of :func:`lojal.core.bulk.bulk_insert_many`, for a service
    that writes its records and their audit entries in one statement."""
    return (AuditEntry, AUDIT_COLUMNS, (entry.row() for entry in entries))


def audit_read(
    *, actor: Any, action: str, object_type: str, object_id: int | str, label: str, details: dict[str, Any]
) -> None:
    """Record that ``actor`` read personal data (a customer's 360 view, its national number): one
    INSERT of plain values through the bulk path (no model instance, no save machinery: half the cost
    of ``objects.create``), so the hottest reads stay cheap."""
    from django.utils import timezone

    from lojal.core.bulk import bulk_insert

    row = (
        timezone.now(),
        getattr(actor, "pk", None),
        action,
        object_type,
        str(object_id),
        label[:200],
        details,
    )
    bulk_insert(AuditEntry, AUDIT_COLUMNS, [row])


def audit_purge(*, before: dt.datetime) -> int:
    """Delete audit entries older than ``before`` (the retention rule for the audit log)."""
    from lojal.core.retention import delete_batched

    return delete_batched(AuditEntry.objects.filter(occurred_at__lt=before))


def audit_insert_values(
    model: type[models.Model],
    action: str,
    entries: Iterable[tuple[dt.datetime, int | None, Any, str, dict[str, Any]]],
) -> Insert:
    """:func:`audit_insert` for records of ``model`` written without model objects (set-based
    creates): each entry is (occurred_at, actor id, the record's id, its label, changes)."""
    object_type = model._meta.label_lower
    return (
        AuditEntry,
        AUDIT_COLUMNS,
        (
            (occurred_at, actor_id, action, object_type, str(pk), label[:200], changes)
            for occurred_at, actor_id, pk, label, changes in entries
        ),
    )
