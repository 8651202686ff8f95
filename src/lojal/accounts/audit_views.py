"""The audit log page: who did what to which record, newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.selectors import audit_list

PAGE_SIZE = 50


@allowed_to(Action.AUDIT_VIEW)
def audit(request: HttpRequest) -> HttpResponse:
    object_type = request.GET.get("type", "")[:60]
    object_id = request.GET.get("id", "")[:40]
    before = request.GET.get("before", "")
    entries = list(
        audit_list(
            object_type=object_type, object_id=object_id, before_id=int(before) if before.isdigit() else None
        )[: PAGE_SIZE + 1]
    )
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    return render(
        request,
        "core/audit.html",
        {
            "entries": entries,
            "object_type": object_type,
            "object_id": object_id,
            "next_before": entries[-1].pk if more and entries else None,
        },
    )
