"""API: the audit log, with the filters of the page (customer, staff member, action, dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lojal.accounts.api_auth import staff
from lojal.accounts.audit_filters import AuditFilters
from lojal.accounts.roles import Action
from lojal.core.models import AuditEntry
from lojal.core.pagination import Keyset, keyset_paginate

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: str | None
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict[str, Any]


@router.get(
    "",
    auth=staff(Action.AUDIT_VIEW),
    response=list[AuditOut],
    summary="Audit entries newest first: who changed or read what, when (and why, for a revealed number)",
)
@keyset_paginate(max_limit=500)
def audit(
    request: HttpRequest,
    object_type: str = Query("", max_length=60),
    object_id: str = Query("", max_length=40),
    customer_id: int | None = Query(None, ge=1, description="entries about this customer"),
    actor_id: int | None = Query(None, ge=1, description="entries by this staff member"),
    action: str = Query(
        "",
        max_length=40,
        description='e.g. "update", "read", "reveal", "customer.exported"; "reads" for every read of personal data',
    ),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Keyset:
    """``since`` and ``until`` are days, both inclusive, in LOJAL_TIME_ZONE."""
    filters = AuditFilters(
        object_type=object_type,
        object_id=object_id,
        customer_id=customer_id,
        actor_id=actor_id,
        action=action,
        since=since,
        until=until,
    )
    return Keyset(filters.entries(), show=_audit_out)


def _audit_out(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "occurred_at": e.occurred_at,
            "actor": e.actor.username if e.actor else None,
            "actor_id": e.actor_id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_label": e.object_label,
            "changes": e.changes,
        }
        for e in entries
    ]
