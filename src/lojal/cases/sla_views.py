"""Pages for service-level policies (/service/sla/): the list in the order policies are tried, a form
to add or change one, and buttons to move a policy up or down or delete it. Managers only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases.models import VIP_RANK, Case, Category, Queue
from lojal.cases.sla import policies
from lojal.core.errors import LojalError, NotFound

TIER_LABELS = {
    "platinum": gettext_lazy("Platinum"),
    "gold": gettext_lazy("Gold"),
    "silver": gettext_lazy("Silver"),
    "none": gettext_lazy("No tier"),
}


class SlaPolicyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=policies.NAME_MAX_LENGTH)
    queue = forms.ModelChoiceField(
        label=gettext_lazy("Queue"),
        queryset=Queue.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Any"),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.order_by("position", "name"),
        required=False,
        empty_label=gettext_lazy("Any"),
    )
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)
    vip_tier = forms.ChoiceField(label=gettext_lazy("VIP tier"), required=False)
    first_response_minutes = forms.IntegerField(
        label=gettext_lazy("First response (business minutes)"), required=False, min_value=1
    )
    next_response_minutes = forms.IntegerField(
        label=gettext_lazy("Next response (business minutes)"), required=False, min_value=1
    )
    resolution_minutes = forms.IntegerField(
        label=gettext_lazy("Resolution (business minutes)"), required=False, min_value=1
    )
    near_percent = forms.IntegerField(
        label=gettext_lazy("Warn when used (%)"), min_value=1, max_value=100, initial=80
    )
    is_active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        priority, tier = self.fields["priority"], self.fields["vip_tier"]
        assert isinstance(priority, forms.ChoiceField) and isinstance(tier, forms.ChoiceField)
        priority.choices = [("", _("Any")), *Case.Priority.choices]
        tier.choices = [("", _("Any")), *((tier, TIER_LABELS[tier]) for tier in VIP_RANK)]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        queue, category = data.pop("queue"), data.pop("category")
        return {
            **data,
            "queue_id": queue.pk if queue else None,
            "category_id": category.pk if category else None,
        }


def _errors_onto(form: forms.Form, error: LojalError) -> None:
    names = {"queue_id": "queue", "category_id": "category"}
    if not error.errors:
        form.add_error(None, error.message)
    for field, reasons in error.errors.items():
        name = names.get(field, field)
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)


@allowed_to(Action.SERVICE_CONFIGURE)
def sla_policies(request: HttpRequest) -> HttpResponse:
    priorities = dict(Case.Priority.choices)
    rows = [
        {
            "policy": policy,
            "priority": priorities.get(policy.priority, policy.priority) if policy.priority else "",
            "tier": TIER_LABELS.get(policy.vip_tier, policy.vip_tier) if policy.vip_tier else "",
        }
        for policy in policies.sla_policy_list()
    ]
    return render(request, "cases/sla_list.html", {"rows": rows})


@allowed_to(Action.SERVICE_CONFIGURE)
@require_http_methods(["GET", "POST"])
def sla_policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    try:
        policy = policies.sla_policy_get(policy_id=policy_id) if policy_id is not None else None
    except NotFound as error:
        raise Http404(error.message) from error
    if request.method == "POST":
        form = SlaPolicyForm(request.POST)
        if form.is_valid():
            try:
                if policy is None:
                    policies.sla_policy_create(actor=request.user, values=form.values())
                else:
                    policies.sla_policy_change(actor=request.user, policy_id=policy.pk, values=form.values())
            except LojalError as error:
                _errors_onto(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("cases_sla:list")
    elif policy is not None:
        form = SlaPolicyForm(
            initial={
                "name": policy.name,
                "queue": policy.queue_id,
                "category": policy.category_id,
                "priority": policy.priority,
                "vip_tier": policy.vip_tier,
                "first_response_minutes": policy.first_response_minutes,
                "next_response_minutes": policy.next_response_minutes,
                "resolution_minutes": policy.resolution_minutes,
                "near_percent": policy.near_percent,
                "is_active": policy.is_active,
            }
        )
    else:
        form = SlaPolicyForm()
    return render(
        request, "cases/sla_form.html", {"form": form, "policy": policy}, status=422 if form.errors else 200
    )


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def sla_policy_move(request: HttpRequest, policy_id: int) -> HttpResponse:
    order = [policy.pk for policy in policies.sla_policy_list()]
    if policy_id not in order:
        raise Http404(_("No service-level policy with id %(id)s.") % {"id": policy_id})
    index = order.index(policy_id)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        policies.sla_policies_reorder(actor=request.user, policy_ids=order)
    return redirect("cases_sla:list")


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def sla_policy_remove(request: HttpRequest, policy_id: int) -> HttpResponse:
    try:
        policies.sla_policy_delete(actor=request.user, policy_id=policy_id)
        messages.success(request, _("The policy is deleted."))
    except LojalError as error:
        messages.error(request, error.message)
    return redirect("cases_sla:list")
