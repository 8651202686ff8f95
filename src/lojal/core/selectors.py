"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from lojal.core.models import AuditEntry


def audit_list(
    *, object_type: str = "", object_id: str = "", actor_id: int | None = None, before_id: int | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries newest first, optionally for one object or one actor; ``before_id`` pages back."""
    entries = AuditEntry.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if before_id:
        entries = entries.filter(id__lt=before_id)
    return entries.order_by("-id")
