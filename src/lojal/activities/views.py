"""Follow-up pages: my follow-ups (filters, done in one click), the create and edit form, a customer's
open follow-ups (a card the customer page loads), the bell and its notifications, my reminder choices
and calendar feeds, and the calendar feed itself (by its secret address, no sign-in)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.activities import selectors, services
from lojal.activities.calendar import calendar_render
from lojal.activities.forms import ActivityForm, ReminderForm, owner_value
from lojal.activities.models import Activity
from lojal.activities.rendering import notification_text
from lojal.core.errors import LojalError, NotFound
from lojal.core.htmx import wants_fragment
from lojal.core.lists import Column, ListSpec, list_response, list_state
from lojal.core.saved_views import saved_view_list
from lojal.customers import selectors as customer_selectors

SCOPES = ("mine", "teams", "all")

ACTIVITY_LIST = ListSpec(
    key="activities",
    columns=(
        Column("due", gettext_lazy("Due"), order_by=("due_date", "due_time", "id")),
        Column("subject", gettext_lazy("Follow-up"), order_by=("subject", "id"), required=True),
        Column("customer", gettext_lazy("Customer"), order_by=("customer__sort_name", "id")),
        Column(
            "owner",
            gettext_lazy("Owner"),
            order_by=("owner__first_name", "owner__last_name", "owner_team__name", "id"),
            wide_only=True,
        ),
        Column("priority", gettext_lazy("Priority"), order_by=("priority_rank", "due_date", "id")),
        Column("status", gettext_lazy("Status"), required=True),
    ),
    default_sort="due",
    filters=("scope", "kind", "status", "due"),
)
#: The ``due`` filter: what My day's "all overdue" and "all due today" links open.
DUE_CHOICES = (("overdue", gettext_lazy("Overdue")), ("today", gettext_lazy("Due today")))


def _filters(request: HttpRequest) -> tuple[selectors.ActivityFilters, dict[str, str]]:
    scope = request.GET.get("scope", "mine")
    scope = scope if scope in SCOPES else "mine"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Activity.Kind.values else ""
    status = request.GET.get("status", "open")
    status = status if status in Activity.Status.values or status == "any" else "open"
    due = request.GET.get("due", "")
    due = due if due in dict(DUE_CHOICES) else ""
    chosen = {"scope": scope, "kind": kind, "status": status, "due": due}
    today = timezone.localdate()
    return (
        selectors.ActivityFilters(
            scope=scope,
            viewer_id=request.user.pk,
            kind=kind,
            status="" if status == "any" else status,
            due_before={"overdue": today - dt.timedelta(days=1), "today": today}.get(due),
            due_after=today if due == "today" else None,
        ),
        chosen,
    )


@allowed_to(Action.CUSTOMER_VIEW)
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """My follow-ups: open ones by default, overdue first (soonest due leads), on the shared list
    component (sortable columns, page size, numbered pages, saved views)."""
    filters, chosen = _filters(request)
    listing = list_state(ACTIVITY_LIST, request.GET, path=request.path)
    page = listing.paginate(selectors.activity_list(filters=filters, order_by=listing.order_by()))
    listing.offer_saved_views(
        saved_view_list(user=request.user, list_key=ACTIVITY_LIST.key), user_id=request.user.pk
    )
    context: dict[str, Any] = {
        "page": page,
        "activities": page.object_list,
        "chosen": chosen,
        "today": timezone.localdate(),
        "count_template": "activities/_count.html",
        "form_id": "activity-filters",
        "saved_views_enabled": True,
    }
    if not wants_fragment(request):
        context.update(kinds=Activity.Kind.choices, statuses=Activity.Status.choices, dues=DUE_CHOICES)
    return list_response(
        request,
        listing,
        page_template="activities/list.html",
        results_template="activities/_results.html",
        context=context,
    )


def _customer_context(customer_id: int | None) -> dict[str, Any]:
    if customer_id is None:
        return {"customer": None, "contacts": []}
    try:
        customer = customer_selectors.customer_get(customer_id=customer_id)
    except NotFound:
        return {"customer": None, "contacts": []}
    contacts = list(customer.contact_persons.all()) if customer.is_organisation else []
    return {"customer": customer, "contacts": contacts}


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@allowed_to(Action.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    """A new follow-up, for a customer when the customer page sent one (``?customer=``)."""
    source = request.POST if request.method == "POST" else request.GET
    context = _customer_context(_int(source.get("customer_id") or source.get("customer")))
    if request.method == "POST":
        form = ActivityForm(request.POST, contacts=context["contacts"])
        if form.is_valid():
            try:
                activity = services.activity_create(actor=request.user, **form.service_values())
            except LojalError as error:
                form.add_lojal_error(error)
            else:
                messages.success(request, _("Follow-up saved."))
                if activity.customer_id and request.POST.get("back") == "customer":
                    return redirect("customers:detail", customer_id=activity.customer_id)
                return redirect("activities:list")
    else:
        customer = context["customer"]
        form = ActivityForm(
            initial={
                "owner": f"u{request.user.pk}",
                "due_date": timezone.localdate() + dt.timedelta(days=1),
                "customer_id": customer.pk if customer else None,
            },
            contacts=context["contacts"],
        )
    return render(
        request,
        "activities/form.html",
        {**context, "form": form, "back": source.get("back", ""), "activity": None},
        status=422 if form.errors else 200,
    )


@allowed_to(Action.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity_or_404(activity_id)
    context = _customer_context(activity.customer_id)
    if request.method == "POST":
        form = ActivityForm(request.POST, contacts=context["contacts"])
        if form.is_valid():
            values = form.service_values()
            values.pop("customer_id", None)  # the customer of a follow-up stays; make a new one instead
            try:
                services.activity_update(actor=request.user, activity_id=activity.pk, data=values)
            except LojalError as error:
                form.add_lojal_error(error)
            else:
                messages.success(request, _("Follow-up saved."))
                return redirect("activities:list")
    else:
        form = ActivityForm(
            initial={
                "kind": activity.kind,
                "subject": activity.subject,
                "notes": activity.notes,
                "customer_id": activity.customer_id,
                "contact_person_id": activity.contact_person_id,
                "owner": owner_value(activity),
                "due_date": activity.due_date,
                "due_time": activity.due_time,
                "duration_minutes": activity.duration_minutes,
                "priority": activity.priority,
            },
            contacts=context["contacts"],
        )
    return render(
        request,
        "activities/form.html",
        {**context, "form": form, "activity": activity, "back": ""},
        status=422 if form.errors else 200,
    )


def _activity_or_404(activity_id: int) -> Activity:
    try:
        return selectors.activity_get(activity_id=activity_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _row(request: HttpRequest, activity_id: int, error: str = "") -> HttpResponse:
    activity = _activity_or_404(activity_id)
    # The row keeps the columns the list shows: htmx names the page's address, with its ``columns``.
    shown_on = urlsplit(request.headers.get("HX-Current-URL", ""))
    listing = list_state(ACTIVITY_LIST, QueryDict(shown_on.query), path=shown_on.path)
    return render(
        request,
        "activities/_row.html",
        {"activity": activity, "today": timezone.localdate(), "row_error": error, "listing": listing},
        status=409 if error else 200,
    )


@allowed_to(Action.ACTIVITY_MANAGE)
@require_POST
@vary_on_headers("HX-Request")
def activity_status(request: HttpRequest, activity_id: int, change: str) -> HttpResponse:
    """Done (with the outcome typed beside the button), cancel or reopen, from the list or the
    customer card: htmx swaps the row; without htmx, back to where the button was."""
    return _status_change(request, activity_id, change)


@allowed_to(Action.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def activity_complete(request: HttpRequest, activity_id: int) -> HttpResponse:
    """POST: done, as :func:`activity_status`. GET: the Done form, which My day fetches only when
    "Done" is pressed (htmx: the form alone, put in place of the link in the item; without htmx, a page
    with the form that goes back to ``?next=``, My day by default)."""
    if request.method == "POST":
        return _status_change(request, activity_id, "complete")
    activity = _activity_or_404(activity_id)
    target = request.GET.get("next", "/")
    context = {
        "activity": activity,
        "complete_next": target if target.startswith("/") and not target.startswith("//") else "/",
        "complete_autofocus": True,
    }
    if request.htmx:  # type: ignore[attr-defined]
        context |= {"complete_target": "closest li", "complete_shown_in": "item"}
        return render(request, "activities/_complete_form.html", context)
    return render(request, "activities/complete.html", context)


def _status_change(request: HttpRequest, activity_id: int, change: str) -> HttpResponse:
    outcome = request.POST.get("outcome", "")
    error = ""
    try:
        if change == "complete":
            services.activity_complete(actor=request.user, activity_id=activity_id, outcome=outcome)
        elif change == "cancel":
            services.activity_cancel(actor=request.user, activity_id=activity_id, reason=outcome)
        else:
            services.activity_reopen(actor=request.user, activity_id=activity_id)
    except NotFound as failure:
        raise Http404(failure.message) from failure
    except LojalError as failure:
        error = failure.message
    if request.htmx and request.POST.get("shown_in") == "item":  # type: ignore[attr-defined]
        # A list item (My day): a note in its place, or the error beside the form (200: htmx swaps it).
        return render(
            request,
            "activities/_item_done.html",
            {"activity": _activity_or_404(activity_id), "row_error": error},
        )
    if request.htmx:  # type: ignore[attr-defined]
        return _row(request, activity_id, error)
    if error:
        messages.error(request, error)
    elif change == "complete":
        messages.success(request, _("Marked done."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "activities:list")


@allowed_to(Action.CUSTOMER_VIEW)
@require_GET
def customer_card(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer page's "Open follow-ups" card, loaded by htmx (customers sit below activities)."""
    return render(
        request,
        "activities/_customer_card_body.html",
        {
            "customer_id": customer_id,
            "activities": selectors.customer_open_activities(customer_id=customer_id),
            "today": timezone.localdate(),
        },
    )


@allowed_to(Action.CUSTOMER_VIEW)
@require_GET
def customer_pick(request: HttpRequest) -> HttpResponse:
    """htmx: customers matching what staff typed, to pick one for a new follow-up."""
    query = request.GET.get("q", "").strip()[:200]
    hits = customer_selectors.customers_to_pick(query=query, user=request.user, limit=8)
    return render(request, "activities/_customer_pick.html", {"hits": hits, "query": query})


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The number beside the bell (one count on an index), loaded after the page and every minute."""
    return render(
        request,
        "activities/_bell_count.html",
        {"unread": selectors.notification_unread_count(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        one = _int(request.POST.get("notification", ""))
        services.notifications_mark_read(user=request.user, notification_ids=[one] if one else None)
        return redirect("activities:notifications")
    rows = selectors.notification_list(user=request.user)
    return render(
        request,
        "activities/notifications.html",
        {
            "notifications": [(row, notification_text(row)) for row in rows],
            "unread": sum(1 for row in rows if row.read_at is None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """My reminders: the daily digest and the calendar feeds (a new feed's address is shown once)."""
    user = request.user
    preference = selectors.reminder_preference_get(user=user)
    form = ReminderForm(
        initial={"email_digest": preference.email_digest, "digest_hour": preference.digest_hour}
    )
    new_feed_url = ""
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.calendar_feed_revoke(user=user, feed_id=_int(request.POST["revoke"]) or 0)
                messages.success(request, _("The calendar address no longer works."))
                return redirect("activities:settings")
            if "feed" in request.POST:
                issued = services.calendar_feed_create(user=user)
                new_feed_url = request.build_absolute_uri(f"/activities/calendar/{issued.token}.ics")
            else:
                form = ReminderForm(request.POST)
                if form.is_valid():
                    services.reminder_preference_set(
                        user=user,
                        email_digest=form.cleaned_data["email_digest"],
                        digest_hour=form.cleaned_data["digest_hour"],
                    )
                    messages.success(request, _("Saved."))
                    return redirect("activities:settings")
        except LojalError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "activities/settings.html",
        {"form": form, "feeds": selectors.calendar_feed_list(user=user), "new_feed_url": new_feed_url},
        status=422 if form.errors else 200,
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed by its secret address: 404 for an unknown or revoked one."""
    user = services.calendar_feed_authenticate(token=token)
    if user is None:
        raise Http404("No such calendar.")
    body = calendar_render(
        activities=selectors.calendar_activities(user=user),
        host=request.get_host().split(":")[0] or "lojal",
        name=_("Lojal follow-ups of %(name)s") % {"name": user.display_name},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="lojal.ics"'
    return response
