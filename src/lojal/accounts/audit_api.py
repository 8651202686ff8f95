"""API: the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lojal.accounts.api_auth import staff
from lojal.accounts.roles import Action
from lojal.core.models import AuditEntry
from lojal.core.pagination import Keyset, keyset_paginate
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


@router.get(
    "",
    auth=staff(Action.AUDIT_VIEW),
    response=list[AuditOut],
    summary="Audit entries newest first (who changed what, when)",
)
@keyset_paginate(max_limit=500)
def audit(
    request: HttpRequest,
    object_type: str = Query("", max_length=60),
    object_id: str = Query("", max_length=40),
) -> Keyset:
    return Keyset(audit_list(object_type=object_type, object_id=object_id), show=_audit_out)


def _audit_out(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [
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
    ]
