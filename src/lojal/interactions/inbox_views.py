"""The unmatched inbox's dismissal: one message at a time (htmx swaps the row for an undo button), every
detected auto-reply at once, and putting dismissed messages back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError
from lojal.interactions import dismissal, selectors


def _back(request: HttpRequest) -> HttpResponse:
    inbox = reverse("interactions:inbox")
    return redirect(f"{inbox}?show=dismissed" if request.POST.get("show") == "dismissed" else inbox)


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def dismiss(request: HttpRequest, interaction_id: int) -> HttpResponse:
    count = dismissal.interactions_dismiss(actor=request.user, interaction_ids=[interaction_id])
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "interactions/_inbox_dismissed.html",
            {"interaction_id": interaction_id, "done": count, "counts": selectors.inbox_counts()},
        )
    if count:
        messages.success(
            request,
            ngettext("%(count)d message dismissed.", "%(count)d messages dismissed.", count)
            % {"count": count},
        )
    return _back(request)


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def dismiss_auto_replies(request: HttpRequest) -> HttpResponse:
    count = dismissal.auto_replies_dismiss(actor=request.user)
    messages.success(
        request,
        ngettext("%(count)d auto-reply dismissed.", "%(count)d auto-replies dismissed.", count)
        % {"count": count},
    )
    return _back(request)


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def restore(request: HttpRequest, interaction_id: int) -> HttpResponse:
    try:
        count = dismissal.interactions_restore(actor=request.user, interaction_ids=[interaction_id])
    except LojalError as error:
        messages.error(request, error.message)
        return _back(request)
    if request.htmx:  # type: ignore[attr-defined]
        item = selectors.interaction_get(interaction_id=interaction_id)
        return render(
            request,
            "interactions/_inbox_item.html",
            {"item": item, "showing_dismissed": False, "counts": selectors.inbox_counts(), "restored": True},
        )
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d message put back in the inbox.", "%(count)d messages put back in the inbox.", count
            )
            % {"count": count},
        )
    return _back(request)
