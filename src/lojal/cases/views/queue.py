"""The queue view: open cases in queue order (VIP first, then the next due time) with filters, "take
next", bulk changes and the agent's out-of-office switch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import assignment, desk
from lojal.cases import desk_selectors as reads
from lojal.cases.models import AgentStatus
from lojal.core.errors import LojalError
from lojal.core.htmx import wants_fragment
from lojal.core.lists import Column, ListSpec, list_response, list_state

QUEUE_LIST = ListSpec(
    key="cases",
    columns=(
        Column("tier", gettext_lazy("VIP"), order_by=("-vip_rank", "next_due", "id")),
        Column("number", gettext_lazy("Case"), order_by=("number",), required=True),
        Column("customer", gettext_lazy("Customer"), order_by=("customer__sort_name", "id"), wide_only=True),
        Column("status", gettext_lazy("Status"), order_by=("status", "id"), wide_only=True),
        Column("assignee", gettext_lazy("Assignee"), wide_only=True),
        Column("due", gettext_lazy("Due"), order_by=("next_due", "id"), wide_only=True),
        Column("age", gettext_lazy("Age"), order_by=("-opened_at", "-id"), wide_only=True),
        Column("queue", gettext_lazy("Queue"), default=False, wide_only=True),
        Column("priority", gettext_lazy("Priority"), default=False, wide_only=True),
    ),
    default_sort="tier",
    count_cap=10_000,
    filters=("queue", "status", "assignee", "tag", "breached"),
)


def _first_error(error: LojalError) -> str:
    for reasons in error.errors.values():
        if reasons:
            return reasons[0]
    return error.message


def _away(user: Any) -> bool:
    return AgentStatus.objects.filter(user_id=user.pk, out_of_office=True).exists()


@allowed_to(Action.CUSTOMER_VIEW)
def queue_view(request: HttpRequest, queue_id: int | None = None) -> HttpResponse:
    """Open cases in the order they are worked, filtered; agents take the next one from here."""
    user: Any = request.user
    params = request.GET.copy()
    if queue_id is not None:
        params["queue"] = str(queue_id)
    listing = list_state(QUEUE_LIST, params, path=request.path)
    filters = reads.queue_filters_from_query(params)
    cases = reads.desk_order(
        reads.desk_cases(filters=filters, user_id=user.pk),
        sort=listing.sort,
        order_by=listing.order_by(),
    )
    page = listing.paginate(cases)
    now = timezone.now()
    rows = [(case, reads.due_state(case, now=now)) for case in page]
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "now": now,
        "filters": filters,
        "count_template": "cases/_count.html",
        "form_id": "case-filters",
        "may_work": request.user.can(Action.CASE_WORK),  # type: ignore[union-attr]
    }
    if not wants_fragment(request):
        context.update(reads.desk_choices(), away=_away(request.user))
    return list_response(
        request,
        listing,
        page_template="cases/queue.html",
        results_template="cases/_queue_results.html",
        context=context,
    )


@require_POST
@allowed_to(Action.CASE_WORK)
def take_next(request: HttpRequest) -> HttpResponse:
    """Give the agent the first unassigned case of their queues (or of the chosen one) and open it."""
    queue = reads.queue_filters_from_query(request.POST).queue_id
    try:
        case = assignment.case_take_next(actor=request.user, queue_ids=[queue] if queue else None)
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("cases:queue")
    if case is None:
        messages.info(request, _("No case is waiting in your queues."))
        return redirect("cases:queue")
    messages.success(request, _("Case #%(number)s is yours now.") % {"number": case.number})
    return redirect("cases:case", case.pk)


@require_POST
@allowed_to(Action.CASE_WORK)
def bulk(request: HttpRequest) -> HttpResponse:
    """One change to the chosen cases (assign, status, tag); all or nothing."""
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit() and len(value) < 10]
    action = request.POST.get("action", "")
    assignee = request.POST.get("assignee", "")
    if assignee == "me":
        assignee = str(request.user.pk)
    try:
        count = desk.cases_bulk_change(
            actor=request.user,
            case_ids=ids,
            action=action,
            assignee_id=int(assignee) if assignee.isdigit() else None,
            status=request.POST.get("status", ""),
            tag=request.POST.get("tag", ""),
            into_number=request.POST.get("into", ""),
            tell_customers=request.POST.get("tell_customers") == "1",
        )
    except LojalError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("%(count)d cases changed.") % {"count": count})
    back = request.POST.get("query", "")
    return redirect(f"{reverse('cases:queue')}?{back}" if back else reverse("cases:queue"))


@require_POST
@allowed_to(Action.CASE_WORK)
def away(request: HttpRequest) -> HttpResponse:
    """The agent's own out-of-office switch: away agents get no cases handed out."""
    is_away = request.POST.get("away") == "1"
    user: Any = request.user
    assignment.agent_away_set(actor=user, user_id=user.pk, away=is_away)
    if is_away:
        messages.info(request, _("You are out of office: no cases are handed out to you."))
    else:
        messages.success(request, _("Welcome back: cases are handed out to you again."))
    return redirect("cases:queue")
