"""Customer pages: list with search and filters (htmx), the customer page, forms, duplicates, merge."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.accounts.selectors import staff_list
from lojal.core.errors import LojalError, NotFound
from lojal.core.htmx import wants_fragment
from lojal.core.lists import list_response, list_state
from lojal.core.nordic_ids import national_id_mask
from lojal.core.saved_views import saved_view_list
from lojal.customers import creation, lookalikes, merge_choices, read_audit, selectors, services
from lojal.customers import duplicates as duplicate_services
from lojal.customers.forms import ContactPersonForm, CustomerForm
from lojal.customers.listing import CUSTOMER_LIST, export_query
from lojal.customers.models import Country, Customer, Kind, Stage, Tag, VipTier
from lojal.timeline import selectors as timeline_selectors
from lojal.timeline import services as timeline_services

TIMELINE_PAGE_SIZE = 20


class MergedAway(Http404):
    """A customer merged into another: a page asked for with GET goes to the kept customer instead."""

    def __init__(self, message: str, *, kept_id: int) -> None:
        super().__init__(message)
        self.kept_id = kept_id


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return selectors.customer_get(customer_id=customer_id)
    except NotFound as error:
        kept_id = error.extra.get("merged_into")
        if kept_id:
            raise MergedAway(error.message, kept_id=kept_id) from None
        raise Http404(error.message) from None


ViewFunction = Callable[..., HttpResponse]


def follows_merges(view: ViewFunction) -> ViewFunction:
    """A customer page (``customer_id`` in its URL) asked for with GET for a customer merged away answers
    302 to the same page of the kept customer, query string included: old links and bookmarks still
    lead somewhere. Other methods get the 404, since a write must not land on another customer."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except MergedAway as merged:
            if request.method not in ("GET", "HEAD") or request.resolver_match is None:
                raise
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "customer_id": merged.kept_id})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{url}?{query}" if query else url)

    return wrapped


def _national_id_shown(request: HttpRequest, customer: Customer) -> str:
    """The number as the page shows it: in full to roles that may see it, unless a reason is required
    (then masked, with a form to reveal it and say why)."""
    if read_audit.reason_required():
        return national_id_mask(kind=customer.national_id_kind, formatted=customer.national_id_display)
    return selectors.national_id_shown(
        user=request.user, kind=customer.national_id_kind, formatted=customer.national_id_display
    )


def _detail_context(request: HttpRequest, customer: Customer, *, record: bool = True) -> dict[str, Any]:
    """The customer page's facts, and the read recorded in the audit log (full number shown or not)."""
    shown = _national_id_shown(request, customer)
    full_shown = bool(customer.national_id) and read_audit.national_id_needs_reveal(
        kind=customer.national_id_kind, formatted=shown
    )
    if record:
        read_audit.customer_read_record(
            actor=request.user,
            customer_id=customer.pk,
            label=customer.display_name,
            via="page",
            national_id_shown=full_shown,
        )
    return {
        "customer": customer,
        "national_id": shown,
        "national_id_revealable": read_audit.reason_required()
        and selectors.national_ids_visible_to(request.user)
        and read_audit.national_id_needs_reveal(
            kind=customer.national_id_kind, formatted=customer.national_id_display
        ),
    }


@allowed_to(Action.CUSTOMER_VIEW)
def customer_list(request: HttpRequest) -> HttpResponse:
    """The customer list: filters, sortable columns, a choice of columns, pages, saved views."""
    params = request.GET
    listing = list_state(CUSTOMER_LIST, params, path=request.path)
    filters = selectors.customer_filters_from_query(params, user=request.user)
    page = listing.paginate(selectors.customer_list_for_page(filters=filters, sort=listing.sort))
    listing.offer_saved_views(
        saved_view_list(user=request.user, list_key=CUSTOMER_LIST.key), user_id=request.user.pk
    )
    context: dict[str, Any] = {
        "page": page,
        "search_capped": bool(filters.q) and page.paginator.count >= selectors.SEARCH_PAGE_MAX,
        "cap": CUSTOMER_LIST.count_cap,
        "filters": filters,
        "manager": params.get("manager", ""),
        "count_template": "customers/_count.html",
        "form_id": "customer-filters",
        "saved_views_enabled": True,
        "query": listing.filter_query,
        "export_query": export_query(listing),
    }
    if not wants_fragment(request):
        context.update(
            stages=Stage.choices,
            tiers=VipTier.choices,
            countries=Country.choices,
            kinds=Kind.choices,
            tags=Tag.objects.all()[:200],
            managers=staff_list(),
        )
    return list_response(
        request,
        listing,
        page_template="customers/list.html",
        results_template="customers/_results.html",
        context=context,
    )


def _timeline_context(
    customer_id: int, before: str | None = None, kinds: list[str] | None = None, query: str = ""
) -> dict[str, Any]:
    cursor = timeline_selectors.cursor_decode(before) if before else None
    page = timeline_selectors.event_list(
        customer_id=customer_id, limit=TIMELINE_PAGE_SIZE, before=cursor, kinds=kinds, query=query
    )
    filters = {"kind": kinds or [], "q": query} if kinds or query else {}
    return {
        "events": page.events,
        "next_before": timeline_selectors.cursor_encode(page.next_before),
        "timeline_filters": urlencode(filters, doseq=True),
        "timeline_query": query,
    }


@allowed_to(Action.CUSTOMER_VIEW)
@follows_merges
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    return render(
        request,
        "customers/detail.html",
        {
            **_detail_context(request, customer),
            "customer_since": selectors.customer_since(customer=customer),
            "contact_form": ContactPersonForm(),
            **_timeline_context(customer.pk),
        },
    )


@allowed_to(Action.CUSTOMER_VIEW)
@follows_merges
def timeline(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    kinds = [kind for kind in request.GET.getlist("kind") if kind][:20]
    query = request.GET.get("q", "").strip()[:200]
    context = {
        "customer": customer,
        **_timeline_context(customer.pk, request.GET.get("before"), kinds, query),
    }
    return render(request, "customers/_timeline_items.html", context)


def _save_form(request: HttpRequest, form: CustomerForm, existing: Customer | None) -> Customer | None:
    if not form.is_valid():
        return None
    try:
        if existing is None:
            return creation.customer_create(actor=request.user, data=form.service_data())
        return services.customer_update(
            actor=request.user, customer_id=existing.pk, data=form.service_data(existing=existing)
        )
    except LojalError as error:
        form.add_lojal_error(error)
    return None


@allowed_to(Action.CUSTOMER_CREATE)
@require_http_methods(["GET", "POST"])
def customer_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "kind": request.GET.get("kind", Kind.PERSON),
        "country": "SE",
        "national_id_country": "SE",
        "preferred_language": "",  # from the country of the address or phone (customers.languages)
        "vip_tier": VipTier.NONE,
        "lifecycle_stage": Stage.LEAD,
    }
    form = CustomerForm(request.POST or None, initial=initial)
    holders: list[lookalikes.Holder] = []
    if request.method == "POST":
        holders = _holders_of(request)
        # An email or phone another customer has: saved only once staff confirm it is someone else.
        # (A national number another customer has cannot be saved at all; the form says so.)
        if request.POST.get("save_anyway") != "1" and any(h.field != "national_id" for h in holders):
            form.is_valid()  # the other fields' errors are shown at the same time
        else:
            customer = _save_form(request, form, None)
            if customer is not None:
                messages.success(
                    request, _("Customer %(number)s created.") % {"number": customer.customer_number}
                )
                return redirect("customers:detail", customer_id=customer.pk)
    context = {
        "form": form,
        "customer": None,
        "holders": holders,
        "confirm": any(h.field != "national_id" for h in holders),
    }
    return render(request, "customers/form.html", context)


def _holders_of(request: HttpRequest) -> list[lookalikes.Holder]:
    data = request.POST
    return lookalikes.contact_point_holders(
        user=request.user,
        emails=data.get("emails", ""),
        phones=data.get("phones", ""),
        phone_region=data.get("country", "SE")[:2],
        national_id=data.get("national_id", "")[:40],
        national_id_country=data.get("national_id_country", "SE")[:2],
        kind=data.get("kind", Kind.PERSON),
    )


@allowed_to(Action.CUSTOMER_CREATE)
@require_POST
def customer_new_check(request: HttpRequest) -> HttpResponse:
    """htmx, as staff leave the email, phone or national number field of the new-customer form: which
    other customers already have what was typed, with links to them."""
    return render(request, "customers/_duplicate_warning.html", {"holders": _holders_of(request)})


@allowed_to(Action.CUSTOMER_CHANGE)
@require_http_methods(["GET", "POST"])
@follows_merges
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["kind"] = customer.kind
    # With a reason required for the full number, the form shows it masked to everyone (left untouched
    # it is kept); otherwise opening the form with the full number in it is a recorded read.
    shown_to = None if read_audit.reason_required() else request.user
    form = CustomerForm(data, initial=CustomerForm.initial_for(customer, user=shown_to))
    full_in_form = (
        shown_to is not None
        and selectors.national_ids_visible_to(request.user)
        and read_audit.national_id_needs_reveal(
            kind=customer.national_id_kind, formatted=customer.national_id_display
        )
    )
    if request.method == "GET" and full_in_form:
        read_audit.customer_read_record(
            actor=request.user,
            customer_id=customer.pk,
            label=customer.display_name,
            via="edit form",
            national_id_shown=True,
        )
    if request.method == "POST":
        saved = _save_form(request, form, customer)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@allowed_to(Action.CUSTOMER_DELETE)
@require_POST
def customer_delete(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    services.customer_delete(actor=request.user, customer_id=customer.pk)
    messages.success(request, _("%(name)s was deleted.") % {"name": customer.display_name})
    return redirect("customers:list")


@allowed_to(Action.NOTE_ADD)
@require_POST
def note_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    error = None
    try:
        timeline_services.note_add(
            customer_id=customer.pk, text=request.POST.get("text", ""), actor=request.user
        )
    except LojalError as problem:
        error = problem.errors.get("text", [problem.message])[0]
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "customer": customer,
            "note_error": error,
            "note_text": request.POST.get("text", "") if error else "",
            **_timeline_context(customer.pk),
        }
        return render(request, "customers/_timeline.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("customers:detail", customer_id=customer.pk)


@allowed_to(Action.CUSTOMER_CHANGE)
@require_POST
def contact_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    form = ContactPersonForm(request.POST)
    if form.is_valid():
        try:
            services.contact_person_add(
                actor=request.user, organisation_id=customer.pk, data=form.cleaned_data
            )
            messages.success(request, _("Contact person added."))
            return redirect("customers:detail", customer_id=customer.pk)
        except LojalError as error:
            form.add_lojal_error(error)
    return render(
        request,
        "customers/detail.html",
        {
            **_detail_context(request, customer),
            "contact_form": form,
            "open_contact_form": True,
            **_timeline_context(customer.pk),
        },
        status=422,
    )


@allowed_to(Action.CUSTOMER_CHANGE)
@require_POST
def contact_remove(request: HttpRequest, customer_id: int, contact_id: int) -> HttpResponse:
    try:
        services.contact_person_remove(actor=request.user, organisation_id=customer_id, contact_id=contact_id)
    except NotFound as error:
        raise Http404(error.message) from None
    messages.success(request, _("Contact person removed."))
    return redirect("customers:detail", customer_id=customer_id)


#: Suggestions the header's search box shows as staff type.
GLOBAL_SEARCH_LIMIT = 8


@allowed_to(Action.CUSTOMER_VIEW)
def global_search(request: HttpRequest) -> HttpResponse:
    """htmx, as staff type into the header's search box: the best matching customers as listbox options
    (anything the customer search understands); the box's form without JavaScript goes to the list."""
    query = request.GET.get("q", "").strip()[:200]
    if not wants_fragment(request):
        url = reverse("customers:list")
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    hits = selectors.customers_to_pick(query=query, user=request.user, limit=GLOBAL_SEARCH_LIMIT)
    context = {"hits": hits, "query": query}
    return render(request, "customers/_global_search_results.html", context)


@allowed_to(Action.CUSTOMER_VIEW)
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/duplicates.html", {"pairs": selectors.duplicate_list(limit=200)})


@allowed_to(Action.CUSTOMER_MERGE)
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, suspicion_id: int) -> HttpResponse:
    try:
        suspicion = selectors.duplicate_get(suspicion_id=suspicion_id)
    except NotFound as error:
        raise Http404(error.message) from None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dismiss":
                duplicate_services.duplicate_dismiss(actor=request.user, suspicion_id=suspicion.pk)
                messages.success(request, _("Marked as not a duplicate."))
                return redirect("customers:duplicates")
            keep_id = int(request.POST.get("keep", "0"))
            pair = {suspicion.first_id, suspicion.second_id}
            if keep_id not in pair:
                messages.error(request, _("Choose which customer to keep."))
            else:
                other_id = (pair - {keep_id}).pop()
                choices = {
                    key.removeprefix("choice-"): int(value)
                    for key in request.POST
                    if key.startswith("choice-") and (value := request.POST.get(key, "")).isdigit()
                }
                kept = duplicate_services.customers_merge(
                    actor=request.user, keep_id=keep_id, other_id=other_id, choices=choices
                )
                messages.success(request, _("Merged into %(name)s.") % {"name": kept.display_name})
                return redirect("customers:detail", customer_id=kept.pk)
        except LojalError as error:
            messages.error(request, merge_choices.choice_error_text(error))
        except ValueError as error:
            messages.error(request, str(error))
    first = _customer_or_404(suspicion.first_id)
    second = _customer_or_404(suspicion.second_id)
    # Masked on this page for every role: showing a number in full is a read the audit log records,
    # and telling two numbers apart needs no more than the masked form shows.
    rows = merge_choices.merge_rows(
        first,
        second,
        keep=first,
        national_id_shown=lambda customer: national_id_mask(
            kind=customer.national_id_kind, formatted=customer.national_id_display
        ),
    )
    posted = {key: request.POST.get(key, "") for key in request.POST if key.startswith("choice-")}
    for row in rows:  # after a refused merge, the choices made are shown again
        if f"choice-{row['name']}" in posted:
            for side in row["sides"]:
                side["checked"] = str(side["customer"].pk) == posted[f"choice-{row['name']}"]
    context = {"suspicion": suspicion, "first": first, "second": second, "rows": rows}
    return render(request, "customers/merge.html", context)


@allowed_to(Action.NATIONAL_ID_VIEW)
@require_POST
def national_id_reveal(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show a customer's full national number (with the reason, when one is required), recorded in the
    audit log. htmx swaps the number into the page; without JavaScript the customer page is shown again."""
    reason = request.POST.get("reason", "")
    error = ""
    try:
        revealed = read_audit.national_id_reveal(
            actor=request.user, customer_id=customer_id, reason=reason, via="page"
        )
    except NotFound as missing:
        raise Http404(missing.message) from None
    except LojalError as refused:
        error = " ".join(refused.errors.get("reason", [])) or refused.message
        revealed = None
    context = {"customer_id": customer_id, "revealed": revealed, "error": error, "reason": reason}
    if request.htmx:  # type: ignore[attr-defined]
        found = selectors.customer_national_id_get(customer_id=customer_id) if revealed is None else {}
        context["masked"] = national_id_mask(
            kind=found.get("national_id_kind", ""), formatted=found.get("national_id_display", "")
        )
        # 200 either way: htmx swaps only successful answers, and the fragment carries the error.
        return render(request, "customers/_national_id.html", context)
    customer = _customer_or_404(customer_id)
    page = {
        **_detail_context(request, customer, record=False),  # the reveal above is the read recorded
        "customer_since": selectors.customer_since(customer=customer),
    }
    if revealed is not None:
        page["national_id"], page["national_id_revealable"] = revealed.national_id, False
    else:
        page["reveal_error"] = error
    return render(
        request,
        "customers/detail.html",
        {**page, "contact_form": ContactPersonForm(), **_timeline_context(customer.pk)},
        status=200 if revealed else 422,
    )
