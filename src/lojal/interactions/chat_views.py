"""The staff chat view's customer card: which customer the visitor is matched to while the chat goes on
(refreshed by htmx, so a match that happens meanwhile shows up), and a picker when there is none."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.customers import selectors as customer_selectors
from lojal.interactions import chat
from lojal.interactions.models import ChatSession


def _session_or_404(session_id: int) -> ChatSession:
    try:
        return chat.session_get(session_id=session_id)
    except NotFound as error:
        raise Http404(error.message) from None


def chat_customer_context(session: ChatSession) -> dict[str, object]:
    """What the card shows: the matched customer (None when unmatched or no longer live)."""
    session = chat.chat_customer_match(session=session)
    customer = None
    if session.customer_id is not None:
        try:
            customer = customer_selectors.customer_get(customer_id=session.customer_id)
        except NotFound:
            customer = None
    return {"current": session, "matched": customer}


@allowed_to(Action.INBOX_TRIAGE)
def chat_customer(request: HttpRequest, session_id: int) -> HttpResponse:
    """htmx: the customer card of one chat."""
    return render(
        request, "interactions/_chat_customer.html", chat_customer_context(_session_or_404(session_id))
    )


@allowed_to(Action.INBOX_TRIAGE)
def chat_customer_pick(request: HttpRequest, session_id: int) -> HttpResponse:
    """htmx: customers matching what staff typed, each with a button saying "this is the visitor"."""
    session = _session_or_404(session_id)
    query = request.GET.get("q", "").strip()[:200]
    hits = customer_selectors.customers_to_pick(query=query, user=request.user, limit=8)
    return render(
        request,
        "interactions/_chat_customer_pick.html",
        {"hits": hits, "current": session, "query": query},
    )


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def chat_customer_set(request: HttpRequest, session_id: int) -> HttpResponse:
    customer_id = request.POST.get("customer_id", "")
    try:
        if not customer_id.isdigit():
            raise NotFound(_("Choose a customer."))
        chat.chat_customer_set(actor=request.user, session_id=session_id, customer_id=int(customer_id))
    except LojalError as error:
        messages.error(request, error.message)
    return redirect("interactions:chat", session_id=session_id)
