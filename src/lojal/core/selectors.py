"""Reads of the audit log."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from lojal.core.models import AuditEntry

#: The actions that are reads of personal data: the 360 view, a revealed national number, an export.
READ_ACTIONS = ("read", "reveal", "customer.exported")
#: The ``action`` filter value that stands for every read action.
READS = "reads"


def audit_list(
    *,
    object_type: str = "",
    object_id: str = "",
    actor_id: int | None = None,
    before_id: int | None = None,
    action: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries newest first, filtered by object, actor, action (``"reads"``: every read of
    personal data) and time (``since`` inclusive, ``until`` exclusive); ``before_id`` pages back."""
    entries = AuditEntry.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if action == READS:
        entries = entries.filter(action__in=READ_ACTIONS)
    elif action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lt=until)
    if before_id:
        entries = entries.filter(id__lt=before_id)
    return entries.order_by("-id")
