"""API: the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lojal.accounts.api_auth import staff
from lojal.accounts.roles import Action
from lojal.core.selectors import audit_list

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditOut]
    next_before_id: int | None


@router.get(
    "",
    auth=staff(Action.AUDIT_VIEW),
    response=AuditPage,
    summary="Audit entries newest first (who changed what, when)",
)
def audit(
    request: HttpRequest,
    object_type: str = Query("", max_length=60),
    object_id: str = Query("", max_length=40),
    before_id: int | None = Query(None, ge=1),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    entries = list(audit_list(object_type=object_type, object_id=object_id, before_id=before_id)[: limit + 1])
    more = len(entries) > limit
    entries = entries[:limit]
    return {
        "items": [
            {
                "id": e.pk,
                "occurred_at": e.occurred_at,
                "actor": e.actor.username if e.actor else None,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object_label": e.object_label,
                "changes": e.changes,
            }
            for e in entries
        ],
        "next_before_id": entries[-1].pk if more and entries else None,
    }
