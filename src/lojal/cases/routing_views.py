"""Pages for managers: the routing rules (list, create, edit, reorder, switch off, test a message),
the service channels and the phone menu's choices; and for agents, opening a case from a call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import channels, rules
from lojal.cases.ingest import case_from_call
from lojal.cases.models import Case, CaseInteraction, RoutingRule
from lojal.cases.routing import Message, route_explain
from lojal.cases.routing_forms import (
    LANGUAGE_LABELS,
    TIER_LABELS,
    CallCaseForm,
    ChannelForm,
    IvrForm,
    RuleForm,
    TryForm,
    rule_initial,
)
from lojal.core.errors import LojalError
from lojal.interactions import selectors as interactions_selectors


def _user(request: HttpRequest) -> Any:
    return request.user


@allowed_to(Action.SERVICE_CONFIGURE)
def rule_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        RoutingRule.objects.select_related("category", "set_queue", "set_category", "set_assignee").order_by(
            "position", "id"
        )
    )
    channel_labels = dict(Case.Channel.choices)
    for rule in rows:
        rule.labels = {  # type: ignore[attr-defined]
            "channels": ", ".join(str(channel_labels.get(code, code)) for code in rule.channels),
            "vip_tiers": ", ".join(str(TIER_LABELS.get(code, code)) for code in rule.vip_tiers),
            "languages": ", ".join(str(LANGUAGE_LABELS.get(code, code)) for code in rule.languages),
        }
    try_form = TryForm(request.GET if "subject" in request.GET else None)
    verdicts = None
    if try_form.is_bound and try_form.is_valid():
        data = try_form.cleaned_data
        verdicts = route_explain(
            Message(
                channel=data["channel"],
                address=data["address"],
                subject=data["subject"],
                text=data["text"],
                category_id=int(data["category"]) if data["category"] else None,
                vip_tier=data["vip_tier"],
                language=data["language"],
            )
        )
    winner = next((verdict.rule.pk for verdict in verdicts or [] if verdict.matched), None)
    context = {"rules": rows, "try_form": try_form, "verdicts": verdicts, "winner": winner}
    return render(request, "cases/routing_rules.html", context)


@allowed_to(Action.SERVICE_CONFIGURE)
def rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    rule = None
    if rule_id is not None:
        rule = RoutingRule.objects.filter(pk=rule_id).first()
        if rule is None:
            raise Http404
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                rules.routing_rule_save(actor=_user(request), rule_id=rule_id, **form.service_data())
            except LojalError as error:
                form.add_lojal_error(error)
            else:
                messages.success(request, _("Routing rule saved."))
                return redirect("service_routing:rules")
        status = 422
    else:
        form = RuleForm(initial=rule_initial(rule) if rule else {"is_active": True})
        status = 200
    return render(request, "cases/routing_rule_form.html", {"form": form, "rule": rule}, status=status)


@require_POST
@allowed_to(Action.SERVICE_CONFIGURE)
def rule_action(request: HttpRequest, rule_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action in {"up", "down"}:
            rules.routing_rule_move(actor=_user(request), rule_id=rule_id, up=action == "up")
        elif action in {"on", "off"}:
            rules.routing_rule_active_set(actor=_user(request), rule_id=rule_id, active=action == "on")
    except LojalError as error:
        messages.error(request, error.message)
    return redirect("service_routing:rules")


@allowed_to(Action.SERVICE_CONFIGURE)
def channel_list(request: HttpRequest) -> HttpResponse:
    channel_form = ChannelForm(initial={"kind": "email", "opens_cases": False})
    ivr_form = IvrForm(initial={"opens_case": True})
    status = 200
    if request.method == "POST":
        user = _user(request)
        try:
            if "delete_channel" in request.POST:
                channels.service_channel_delete(actor=user, channel_id=int(request.POST["delete_channel"]))
                return redirect("service_routing:channels")
            if "delete_choice" in request.POST:
                channels.ivr_choice_delete(actor=user, choice_id=int(request.POST["delete_choice"]))
                return redirect("service_routing:channels")
        except (LojalError, ValueError):
            messages.error(request, _("It could not be removed."))
            return redirect("service_routing:channels")
        if request.POST.get("form") == "choice":
            ivr_form = IvrForm(request.POST)
            if ivr_form.is_valid():
                data = ivr_form.cleaned_data
                try:
                    channels.ivr_choice_save(
                        actor=user,
                        code=data["code"],
                        label=data["label"],
                        category_id=int(data["category"]) if data["category"] else None,
                        queue_id=int(data["queue"]) if data["queue"] else None,
                        opens_case=data["opens_case"],
                    )
                    return redirect("service_routing:channels")
                except LojalError as error:
                    ivr_form.add_lojal_error(error)
        else:
            channel_form = ChannelForm(request.POST)
            if channel_form.is_valid():
                try:
                    channels.service_channel_save(actor=user, **channel_form.cleaned_data)
                    return redirect("service_routing:channels")
                except LojalError as error:
                    channel_form.add_lojal_error(error)
        status = 422
    context = {
        "channels": channels.service_channels(),
        "choices": channels.ivr_choices(),
        "channel_form": channel_form,
        "ivr_form": ivr_form,
    }
    return render(request, "cases/service_channels.html", context, status=status)


@allowed_to(Action.CASE_WORK)
def call_case(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Open a case from a call (logged by staff or received from the phone system)."""
    call = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).first()
    if call is None or call.channel != "call":
        raise Http404
    form = CallCaseForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_from_call(
                actor=_user(request),
                interaction_id=call.pk,
                category_id=int(data["category"]) if data["category"] else None,
                queue_id=int(data["queue"]) if data["queue"] else None,
            )
        except LojalError as error:
            form.add_lojal_error(error)
            status = 422
        else:
            messages.success(request, _("Case #%(number)s opened.") % {"number": case.number})
            return redirect("service_routing:call_case", interaction_id=call.pk)
    link = CaseInteraction.objects.filter(interaction_id=call.pk).select_related("case").first()
    context = {"call": call, "form": form, "case": link.case if link else None}
    return render(request, "cases/call_case.html", context, status=status)
