"""Customer pages: list with search and filters (htmx), the customer page, forms, duplicates, merge."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.accounts.selectors import staff_list
from lojal.core.errors import LojalError, NotFound
from lojal.core.nordic_ids import national_id_mask
from lojal.customers import creation, read_audit, selectors, services
from lojal.customers import duplicates as duplicate_services
from lojal.customers.forms import ContactPersonForm, CustomerForm
from lojal.customers.models import Country, Customer, Kind, Stage, Tag, VipTier
from lojal.timeline import selectors as timeline_selectors
from lojal.timeline import services as timeline_services

LIST_PAGE_SIZE = 25
#: The list counts its customers up to here; an exact count of a million rows costs a quarter of a
#: second on every page view, and nobody pages through more than this without a filter.
LIST_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most :data:`LIST_COUNT_CAP` rows (pages beyond are not offered)."""

    @cached_property
    def count(self) -> int:
        customers: QuerySet[Customer] = self.object_list  # type: ignore[assignment]
        return min(customers.order_by()[: LIST_COUNT_CAP + 1].count(), LIST_COUNT_CAP + 1)

    @property
    def capped(self) -> bool:
        return self.count > LIST_COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, LIST_COUNT_CAP) // self.per_page))


TIMELINE_PAGE_SIZE = 20
SORT_CHOICES = [("name", "name"), ("-created", "newest"), ("number", "number")]


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return selectors.customer_get(customer_id=customer_id)
    except NotFound as error:
        raise Http404(error.message) from None


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
    params = request.GET
    manager = params.get("manager", "")
    filters = selectors.customer_filters_from_query(params, user=request.user)
    sort = params.get("sort", "name")
    if sort not in selectors.SORTS:
        sort = "name"
    paginator = CappedPaginator(selectors.customer_list_for_page(filters=filters, sort=sort), LIST_PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    search_capped = bool(filters.q) and paginator.count >= selectors.SEARCH_PAGE_MAX
    query = params.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "search_capped": search_capped,
        "cap": LIST_COUNT_CAP,
        "filters": filters,
        "sort": sort,
        "query": query.urlencode(),
        "stages": Stage.choices,
        "tiers": VipTier.choices,
        "countries": Country.choices,
        "kinds": Kind.choices,
        "tags": Tag.objects.all()[:200],
        "managers": staff_list(),
        "manager": manager,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "customers/_results.html" if htmx and not htmx.boosted else "customers/list.html"
    return render(request, template, context)


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
    }


@allowed_to(Action.CUSTOMER_VIEW)
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
    if request.method == "POST":
        customer = _save_form(request, form, None)
        if customer is not None:
            messages.success(
                request, _("Customer %(number)s created.") % {"number": customer.customer_number}
            )
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@allowed_to(Action.CUSTOMER_CHANGE)
@require_http_methods(["GET", "POST"])
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
                kept = duplicate_services.customers_merge(
                    actor=request.user, keep_id=keep_id, other_id=other_id
                )
                messages.success(request, _("Merged into %(name)s.") % {"name": kept.display_name})
                return redirect("customers:detail", customer_id=kept.pk)
        except (LojalError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
    first = _customer_or_404(suspicion.first_id)
    second = _customer_or_404(suspicion.second_id)
    return render(request, "customers/merge.html", {"suspicion": suspicion, "first": first, "second": second})


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
