"""Writing the audit log; every service that changes a record calls this in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from lojal.core.models import AuditEntry


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
