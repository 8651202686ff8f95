"""The audit log page: who did what to which record, and who read which customer's personal data,
newest first, in words in the reader's language, with filters (who, what, when, which record or
customer) for the data protection officer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from lojal.accounts.audit_filters import ACTION_LABELS, AuditFilters, parse_day, parse_id
from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.accounts.selectors import staff_list
from lojal.core.audit_words import AUDITED_TYPES, entries_in_words, type_name
from lojal.core.lists import Column, ListSpec, list_response, list_state
from lojal.core.selectors import READ_ACTIONS, READS

AUDIT_LIST = ListSpec(
    key="audit",
    columns=(
        Column("when", _("When"), order_by=("id",), required=True),
        Column("who", _("Who"), wide_only=True),
        Column("what", _("What"), wide_only=True),
        Column("record", _("Record")),
        Column("details", _("Details"), wide_only=True),
    ),
    default_sort="-when",
    # Counting a long log exactly costs more than the page; nobody pages this far without a filter.
    count_cap=10_000,
    filters=("type", "id", "customer", "actor", "action", "since", "until"),
)


@allowed_to(Action.AUDIT_VIEW)
def audit(request: HttpRequest) -> HttpResponse:
    params = request.GET
    listing = list_state(AUDIT_LIST, params, path=request.path)
    action = params.get("action", "")[:40]
    object_type = params.get("type", "")[:60]
    filters = AuditFilters(
        object_type=object_type if object_type in AUDITED_TYPES else "",
        object_id=params.get("id", "").strip()[:40],
        customer_id=parse_id(params.get("customer", "")),
        actor_id=parse_id(params.get("actor", "")),
        action=action if action in ACTION_LABELS else "",
        since=parse_day(params.get("since", "")),
        until=parse_day(params.get("until", "")),
    )
    page = listing.paginate(filters.entries().order_by(*listing.order_by()))
    rows = entries_in_words(page.object_list)
    return list_response(
        request,
        listing,
        page_template="core/audit.html",
        results_template="core/_audit_results.html",
        context={
            "page": page,
            "entries": [entry for entry, _words in rows],
            "rows": rows,
            "actions": [
                (READS, str(ACTION_LABELS[READS])),
                *sorted(
                    ((key, str(label)) for key, label in ACTION_LABELS.items() if key != READS),
                    key=lambda pair: pair[1],
                ),
            ],
            "types": sorted(((key, type_name(key)) for key in AUDITED_TYPES), key=lambda pair: pair[1]),
            "staff": staff_list(active_only=False),
            "filters": filters,
            "customer": params.get("customer", "").strip()[:20],
            "object_type": filters.object_type,
            "object_id": filters.object_id,
            "filtered": bool(listing.filters),
            "read_actions": READ_ACTIONS,
            "count_template": "core/_audit_count.html",
            "form_id": "audit-filters",
        },
    )
