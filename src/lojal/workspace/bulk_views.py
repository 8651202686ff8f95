"""The bulk bar's "Add to a call list": the customer list posts its selection here (the button's
``formaction``); the first step shows how many customers are chosen and offers the active call lists or
a new one by name, the second adds them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.activities import call_lists
from lojal.core.errors import LojalError, ValidationError
from lojal.workspace import bulk

#: What the chooser carries over from the bulk bar to the confirmed request.
CARRIED = ("scope", "query")


def _list_url(query: str) -> str:
    url = reverse("customers:list")
    return f"{url}?{query}" if query else url


def _call_list_id(text: str) -> int | None:
    text = text.strip()
    if text in {"", "new"}:
        return None
    if not text.isdigit() or len(text) > 18:
        raise ValidationError.for_field("call_list", _("Choose a call list or name a new one."))
    return int(text)


@allowed_to(Action.CUSTOMER_BULK_CHANGE)
@require_POST
def customers_call_list_page(request: HttpRequest) -> HttpResponse:
    data = request.POST
    query = data.get("query", "")
    if not request.user.can(Action.INTERACTION_LOG):  # type: ignore[union-attr]
        return render(request, "403.html", {"action": Action.INTERACTION_LOG}, status=403)
    try:
        ids = bulk.customer_ids_chosen(
            scope=data.get("scope", ""), ids=data.getlist("ids"), query=QueryDict(query), user=request.user
        )
        if "call_list" not in data:
            context = {
                "count": len(ids),
                "left_out": call_lists.search_left_out_message(query=QueryDict(query), count=len(ids))
                if data.get("scope") == "all"
                else "",
                "fields": [(name, data.get(name, "")) for name in CARRIED],
                "ids": data.getlist("ids") if data.get("scope") == "selected" else [],
                "call_lists": list(
                    call_lists.call_lists_with_progress(status=call_lists.ListStatus.ACTIVE)[:200]
                ),
                "list_url": _list_url(query),
                "name_max": call_lists.NAME_MAX,
            }
            return render(request, "workspace/bulk_call_list.html", context)
        outcome = bulk.customers_call_list_add(
            actor=request.user,
            customer_ids=ids,
            call_list_id=_call_list_id(data.get("call_list", "")),
            new_name=data.get("name", "") if data.get("call_list", "") == "new" else "",
        )
    except LojalError as error:
        messages.error(request, error.message)
        return redirect(_list_url(query))
    messages.success(request, bulk.call_list_outcome_message(outcome))
    if data.get("scope") == "all":
        left_out = call_lists.search_left_out_message(query=QueryDict(query), count=len(ids))
        if left_out:
            messages.warning(request, left_out)
    return redirect(_list_url(query))
