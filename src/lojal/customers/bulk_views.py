"""The customer list's bulk actions as a page endpoint: POST /customers/bulk/. The list's selection bar
posts ``action``, ``scope`` (``selected`` with repeated ``ids``, or ``all`` with ``query``, the list's
query string) and the action's value; an action on all matches is first shown for confirmation with
the number of customers it will change."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.accounts.selectors import staff_get
from lojal.core.errors import LojalError, ValidationError
from lojal.customers import bulk
from lojal.customers.models import Stage

#: The fields the confirmation page carries over to the confirmed request.
CARRIED = ("action", "scope", "query", "tag", "account_manager", "stage", "reason")


def _list_url(query: str) -> str:
    url = reverse("customers:list")
    return f"{url}?{query}" if query else url


def _manager_id(text: str) -> int | None:
    """The account manager field: empty for nobody, else a staff user's id (checked by the service)."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise ValidationError.for_field("account_manager", _("Choose a staff user."))
    return int(text)


@allowed_to(Action.CUSTOMER_BULK_CHANGE)
@require_POST
def customers_bulk(request: HttpRequest) -> HttpResponse:
    data = request.POST
    query = data.get("query", "")
    scope = data.get("scope", "")
    action = data.get("action", "")
    try:
        selection = bulk.selection_resolve(
            scope=scope, ids=data.getlist("ids"), query=QueryDict(query), user=request.user
        )
        manager_id = _manager_id(data.get("account_manager", ""))
        if action not in bulk.BulkAction.values:
            raise ValidationError.for_field(
                "action", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(bulk.BulkAction.values)}
            )
        if scope == bulk.Scope.ALL and data.get("confirmed") != "1":
            context = {
                "count": selection.count(),
                "action_label": bulk.BulkAction(action).label,
                "fields": [(name, data.get(name, "")) for name in CARRIED],
                "list_url": _list_url(query),
                "tag": data.get("tag", "") if action.startswith("tag_") else "",
                "stage": dict(Stage.choices).get(data.get("stage", ""), "") if action == "stage_set" else "",
                "reason": data.get("reason", ""),
                "show_manager": action == bulk.BulkAction.ACCOUNT_MANAGER_SET,
                "manager": staff_get(user_id=manager_id, active_only=True) if manager_id else None,
            }
            return render(request, "customers/bulk_confirm.html", context)
        outcome = bulk.customers_bulk_apply(
            actor=request.user,
            action=action,
            selection=selection,
            tag=data.get("tag", ""),
            account_manager_id=manager_id,
            stage=data.get("stage", ""),
            reason=data.get("reason", ""),
        )
    except LojalError as error:
        messages.error(request, error.message)
        return redirect(_list_url(query))
    messages.success(request, bulk.outcome_message(outcome))
    return redirect(_list_url(query))
