"""The audit log page: who did what to which record, and who read which customer's personal data,
newest first, with filters (customer, staff member, action, dates) for the data protection officer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lojal.accounts.audit_filters import ACTION_LABELS, VIA_LABELS, AuditFilters, parse_day, parse_id
from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.accounts.selectors import staff_list
from lojal.core.errors import ValidationError
from lojal.core.pagination import keyset_page
from lojal.core.phrases import phrase_translate
from lojal.core.selectors import READ_ACTIONS, READS

PAGE_SIZE = 50


@allowed_to(Action.AUDIT_VIEW)
def audit(request: HttpRequest) -> HttpResponse:
    params = request.GET
    action = params.get("action", "")[:40]
    filters = AuditFilters(
        object_type=params.get("type", "")[:60],
        object_id=params.get("id", "")[:40],
        customer_id=parse_id(params.get("customer", "")),
        actor_id=parse_id(params.get("actor", "")),
        action=action if action in ACTION_LABELS else "",
        since=parse_day(params.get("since", "")),
        until=parse_day(params.get("until", "")),
    )
    try:
        entries, next_cursor = keyset_page(
            filters.entries(), cursor=params.get("cursor") or None, limit=PAGE_SIZE
        )
    except ValidationError:  # a cursor from another list or a hand-edited address: the first page
        entries, next_cursor = keyset_page(filters.entries(), cursor=None, limit=PAGE_SIZE)
    for entry in entries:  # the words for the page, in the reader's language
        via = entry.changes.get("via", "") if isinstance(entry.changes, dict) else ""
        setattr(entry, "action_label", str(ACTION_LABELS.get(entry.action, entry.action)))  # noqa: B010
        setattr(entry, "via_label", str(VIA_LABELS.get(via, via)))  # noqa: B010
        if isinstance(entry.changes, dict) and isinstance(entry.changes.get("reason"), str):
            # A reason Lojal wrote (a stage change's) in the reader's language; typed ones stay.
            entry.changes["reason"] = phrase_translate(entry.changes["reason"])
    kept = {key: value for key, value in params.items() if key != "cursor" and value}
    return render(
        request,
        "core/audit.html",
        {
            "entries": entries,
            "actions": [
                (READS, str(ACTION_LABELS[READS])),
                *sorted(
                    ((key, str(label)) for key, label in ACTION_LABELS.items() if key != READS),
                    key=lambda pair: pair[1],
                ),
            ],
            "staff": staff_list(active_only=False),
            "filters": filters,
            "customer": params.get("customer", ""),
            "object_type": filters.object_type,
            "object_id": filters.object_id,
            "next_query": urlencode({**kept, "cursor": next_cursor}) if next_cursor else "",
            "filtered": bool(kept),
            "read_actions": READ_ACTIONS,
        },
    )
