"""Workspace pages: My day (the home page) and the call-list worker (one customer at a time)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.activities import call_lists
from lojal.core.errors import LojalError, NotFound
from lojal.customers import selectors as customer_selectors
from lojal.customers import services as customer_services
from lojal.interactions import services as interaction_services
from lojal.sales import selectors as sales_selectors
from lojal.timeline import selectors as timeline_selectors
from lojal.workspace import my_day  # noqa: F401  (registers My day's blocks)
from lojal.workspace.blocks import blocks_for
from lojal.workspace.forms import CallListFromViewForm, CallLogForm

#: Where a read of a customer's details happened, as the audit log records it.
READ_VIA = "call list"
#: Timeline events the worker shows of the customer being called.
RECENT_EVENTS = 5
#: The call's outcome on the timeline for each way an entry ends.
_CALL_OUTCOME = {
    call_lists.EntryStatus.REACHED: "answered",
    call_lists.EntryStatus.NOT_REACHED: "no_answer",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My day: the blocks the user may see, each linking to where the work is done."""
    now = timezone.localtime()
    blocks = blocks_for(user=request.user, today=now.date(), now=now)
    return render(request, "workspace/my_day.html", {"blocks": blocks, "today": now.date()})


def call_list_query(text: str) -> dict[str, str]:
    """The customer list's query string as the call list reads it."""
    return dict(parse_qsl(text.lstrip("?")))


def _call_list_or_404(call_list_id: int) -> Any:
    try:
        return call_lists.call_list_get(call_list_id=call_list_id)
    except NotFound as error:
        raise Http404(error.message) from None


@allowed_to(Action.INTERACTION_LOG)
def call_list_index(request: HttpRequest) -> HttpResponse:
    """Every call list with its progress, the user's own first in the menu of My day."""
    status = request.GET.get("status", call_lists.ListStatus.ACTIVE)
    if status not in call_lists.ListStatus.values:
        status = call_lists.ListStatus.ACTIVE
    rows = list(call_lists.call_lists_with_progress(status=status)[:200])
    return render(
        request,
        "workspace/call_lists.html",
        {
            "rows": [(row, call_lists.progress_of(row)) for row in rows],
            "status": status,
            "statuses": call_lists.ListStatus.choices,
        },
    )


def _worker_context(request: HttpRequest, call_list: Any, entry: Any, form: CallLogForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "call_list": call_list,
        "progress": call_lists.call_list_progress(call_list_id=call_list.pk),
        "entry": entry,
        "form": form,
    }
    if entry is not None:
        customer = customer_selectors.customer_get(customer_id=entry.customer_id)
        # The customer's details are shown as on the customer page: the read is audited the same way.
        customer_services.customer_read_record(
            actor=request.user, customer_id=customer.pk, label=customer.display_name, via=READ_VIA
        )
        context |= {
            "customer": customer,
            "events": timeline_selectors.event_list(customer_id=customer.pk, limit=RECENT_EVENTS).events,
            "revenue": sales_selectors.customer_revenue(customer_id=customer.pk),
        }
    return context


@allowed_to(Action.INTERACTION_LOG)
def call_list_work(request: HttpRequest, call_list_id: int) -> HttpResponse:
    """One customer of the list at a time: the next still to call after ``?after=<position>``, or the
    entry ``?entry=<id>``."""
    call_list = _call_list_or_404(call_list_id)
    entry = None
    if request.GET.get("entry", "").isdigit():
        try:
            entry = call_lists.call_list_entry_get(
                call_list_id=call_list.pk, entry_id=int(request.GET["entry"])
            )
        except NotFound as error:
            raise Http404(error.message) from None
    elif call_list.status == call_lists.ListStatus.ACTIVE:
        after = request.GET.get("after", "")
        entry = call_lists.call_list_next_entry(
            call_list_id=call_list.pk, after_position=int(after) if after.isdigit() else None
        )
    try:
        context = _worker_context(request, call_list, entry, CallLogForm())
    except NotFound as error:
        # The customer was deleted or merged since the list was made: pass over them on an active list.
        if entry is None or call_list.status != call_lists.ListStatus.ACTIVE:
            raise Http404(error.message) from None
        call_lists.call_list_entry_record(
            actor=request.user,
            call_list_id=call_list.pk,
            entry_id=entry.pk,
            status=call_lists.EntryStatus.SKIPPED,
        )
        return redirect(_next_url(call_list.pk, entry.position))
    return render(request, "workspace/call_list_work.html", context)


def _next_url(call_list_id: int, position: int) -> str:
    return f"{reverse('workspace:call_list_work', args=[call_list_id])}?{urlencode({'after': position})}"


@allowed_to(Action.INTERACTION_LOG)
@require_POST
def call_list_log(request: HttpRequest, call_list_id: int, entry_id: int) -> HttpResponse:
    """Log the call on the customer's timeline (as any call is logged) and record the entry's outcome,
    both or neither; then on to the next customer."""
    call_list = _call_list_or_404(call_list_id)
    try:
        entry = call_lists.call_list_entry_get(call_list_id=call_list.pk, entry_id=entry_id)
    except NotFound as error:
        raise Http404(error.message) from None
    form = CallLogForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                call = interaction_services.interaction_log(
                    actor=request.user,
                    customer_id=entry.customer_id,
                    channel="call",
                    subject=call_list.name,
                    notes=data["notes"],
                    duration_minutes=data["duration_minutes"],
                    outcome=_CALL_OUTCOME[data["result"]],
                )
                call_lists.call_list_entry_record(
                    actor=request.user,
                    call_list_id=call_list.pk,
                    entry_id=entry.pk,
                    status=data["result"],
                    outcome=data["outcome"],
                    interaction_id=call.pk,
                )
        except LojalError as error:
            form.add_error(None, error.message)
    if form.errors:
        context = _worker_context(request, call_list, entry, form)
        return render(request, "workspace/call_list_work.html", context, status=422)
    messages.success(request, _("Call logged: %(name)s.") % {"name": entry.customer.display_name})
    return redirect(_next_url(call_list.pk, entry.position))


@allowed_to(Action.INTERACTION_LOG)
@require_POST
def call_list_skip(request: HttpRequest, call_list_id: int, entry_id: int) -> HttpResponse:
    """Pass over a customer without calling (the entry counts as skipped)."""
    call_list = _call_list_or_404(call_list_id)
    try:
        entry = call_lists.call_list_entry_record(
            actor=request.user,
            call_list_id=call_list.pk,
            entry_id=entry_id,
            status=call_lists.EntryStatus.SKIPPED,
            outcome=request.POST.get("outcome", "")[: call_lists.OUTCOME_MAX],
        )
    except NotFound as error:
        raise Http404(error.message) from None
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("workspace:call_list_work", call_list_id=call_list.pk)
    return redirect(_next_url(call_list.pk, entry.position))


@allowed_to(Action.INTERACTION_LOG)
@require_POST
def call_list_close(request: HttpRequest, call_list_id: int) -> HttpResponse:
    call_list = _call_list_or_404(call_list_id)
    try:
        call_lists.call_list_close(actor=request.user, call_list_id=call_list.pk)
        messages.success(request, _("Call list closed: %(name)s.") % {"name": call_list.name})
    except LojalError as error:
        messages.error(request, error.message)
    return redirect("workspace:call_lists")


@allowed_to(Action.INTERACTION_LOG)
@require_POST
def call_list_from_view(request: HttpRequest) -> HttpResponse:
    """A call list of the customers the customer list shows for the posted query string."""
    form = CallListFromViewForm(request.POST)
    query = request.POST.get("query", "")
    back = f"{reverse('customers:list')}?{query}" if query else reverse("customers:list")
    if not form.is_valid():
        messages.error(request, _("Give the call list a name."))
        return redirect(back)
    data = form.cleaned_data
    try:
        call_list = call_lists.call_list_create(
            actor=request.user,
            name=data["name"],
            script=data["script"],
            query=call_list_query(data["query"]),
        )
    except LojalError as error:
        messages.error(request, error.message)
        return redirect(back)
    count = call_lists.call_list_progress(call_list_id=call_list.pk).total
    messages.success(
        request,
        _("Call list %(name)s created with %(count)s customers.") % {"name": call_list.name, "count": count},
    )
    left_out = call_lists.search_left_out_message(query=call_list_query(data["query"]), count=count)
    if left_out:
        messages.warning(request, left_out)
    return redirect("workspace:call_list_work", call_list_id=call_list.pk)
