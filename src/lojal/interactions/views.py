"""Interaction pages: quick entry of calls and meetings on the customer page, one interaction (an email
with its thread, quoted history folded, reply form), email compose, SMS, attachments, unmatched inbox."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.core.forms import lojal_error_add
from lojal.customers import selectors as customer_selectors
from lojal.customers.models import Customer
from lojal.interactions import chat, selectors, services, sms
from lojal.interactions.chat_views import chat_customer_context
from lojal.interactions.emails import outbound
from lojal.interactions.emails.quoting import reply_split
from lojal.interactions.forms import EmailForm, LogForm, SmsForm
from lojal.interactions.models import Channel, Interaction, MessageTemplate
from lojal.timeline import selectors as timeline_selectors

TIMELINE_PAGE_SIZE = 20
INBOX_PAGE_SIZE = 30
_CID = re.compile(r'src="cid:([^"]+)"')


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return customer_selectors.customer_get(customer_id=customer_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _interaction_or_404(interaction_id: int) -> Interaction:
    try:
        return selectors.interaction_get(interaction_id=interaction_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _form_errors(form: Any, error: LojalError) -> None:
    lojal_error_add(form, error)


def _timeline_section(request: HttpRequest, customer: Customer, **extra: Any) -> HttpResponse:
    page = timeline_selectors.event_list(customer_id=customer.pk, limit=TIMELINE_PAGE_SIZE)
    context = {
        "customer": customer,
        "events": page.events,
        "next_before": timeline_selectors.cursor_encode(page.next_before),
        **extra,
    }
    return render(request, "customers/_timeline.html", context, status=422 if extra.get("log_form") else 200)


@allowed_to(Action.INTERACTION_LOG)
@require_POST
def log(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The quick-entry form: a call or meeting on the timeline in a few keystrokes."""
    customer = _customer_or_404(customer_id)
    form = LogForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.interaction_log(
                actor=request.user,
                customer_id=customer.pk,
                channel=data["channel"],
                direction=data["direction"],
                subject=data["subject"],
                notes=data["notes"],
                duration_minutes=data["duration_minutes"],
                outcome=data["outcome"] or "",
                occurred_at=data["occurred_at"],
                follow_up_due=data["follow_up_due"] if data["follow_up"] else None,
                follow_up_note=data["follow_up_note"] if data["follow_up"] else "",
            )
        except LojalError as error:
            _form_errors(form, error)
    ok = not form.errors
    if request.htmx:  # type: ignore[attr-defined]
        return _timeline_section(request, customer, **({} if ok else {"log_form": form}))
    if ok:
        messages.success(request, _("Logged."))
    else:
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("customers:detail", customer_id=customer.pk)


def _addresses(customer: Customer) -> list[str]:
    return [email.address for email in customer.emails.all()]


@allowed_to(Action.EMAIL_SEND)
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Write an email to the customer, from a template in the customer's language or from scratch."""
    customer = _customer_or_404(customer_id)
    addresses = _addresses(customer)
    initial: dict[str, Any] = {"to": addresses[0] if addresses else ""}
    template_key = request.GET.get("template", "")
    if template_key:
        try:
            initial["subject"], initial["body"] = outbound.template_render(
                key=template_key, customer=customer
            )
        except NotFound as error:
            messages.error(request, error.message)
    reply_to = request.GET.get("reply_to", "")
    if reply_to.isdigit():
        replied = Interaction.objects.filter(pk=int(reply_to), customer=customer).first()
        if replied is not None:
            initial["reply_to_id"] = replied.pk
            subject = replied.subject
            initial["subject"] = subject if subject.lower().startswith(("re:", "sv:")) else f"Re: {subject}"
            if replied.direction == "in" and replied.sender:
                initial["to"] = replied.sender
    form = EmailForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = outbound.email_compose(
                actor=request.user, customer_id=customer.pk, **form.cleaned_data
            )
        except LojalError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Email queued for sending to %(to)s.") % {"to": form.cleaned_data["to"]}
            )
            return redirect("interactions:detail", interaction_id=interaction.pk)
    templates = MessageTemplate.objects.values("key", "name").distinct().order_by("name")
    unique_templates = list({item["key"]: item for item in templates}.values())
    return render(
        request,
        "interactions/compose.html",
        {
            "customer": customer,
            "form": form,
            "addresses": addresses,
            "bounced": selectors.bounced_addresses(addresses=addresses),
            "templates": unique_templates,
        },
        status=422 if request.method == "POST" else 200,
    )


@allowed_to(Action.EMAIL_SEND)
@require_http_methods(["GET", "POST"])
def sms_compose(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    phones = [phone.number for phone in customer.phones.all()]
    form = SmsForm(request.POST or None, initial={"to": phones[0] if phones else ""})
    if request.method == "POST" and form.is_valid():
        try:
            sms.sms_send(actor=request.user, customer_id=customer.pk, **form.cleaned_data)
        except LojalError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("SMS queued for sending."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "interactions/sms.html",
        {"customer": customer, "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _html_with_images(interaction: Interaction) -> SafeString:
    """The sanitised HTML with cid: images pointing at their stored attachments (others removed)."""
    by_cid = {item.content_id: item.pk for item in interaction.attachments.all() if item.content_id}

    def image(found: re.Match[str]) -> str:
        attachment_id = by_cid.get(found.group(1))
        if attachment_id is None:
            return 'src=""'
        return f'src="{escape(reverse("interactions:attachment", args=[attachment_id]))}"'

    # body_html was cleaned by nh3 when stored; only src="cid:..." is rewritten, to URLs of our own.
    return mark_safe(_CID.sub(image, interaction.body_html))


@allowed_to(Action.CUSTOMER_VIEW)
def detail(request: HttpRequest, interaction_id: int) -> HttpResponse:
    interaction = _interaction_or_404(interaction_id)
    if interaction.customer_id is None and not request.user.can(Action.INBOX_TRIAGE):  # type: ignore[union-attr]
        raise Http404
    new_text, folded = reply_split(interaction.body_text)
    thread = (
        selectors.conversation_thread(conversation_id=interaction.conversation_id)
        if interaction.conversation_id
        else []
    )
    reply_form = None
    if interaction.channel == Channel.EMAIL and interaction.customer_id:
        subject = interaction.subject
        reply_form = EmailForm(
            initial={
                "to": interaction.sender
                if interaction.direction == "in"
                else (interaction.recipients or [""])[0],
                "subject": subject if subject.lower().startswith(("re:", "sv:")) else f"Re: {subject}",
                "reply_to_id": interaction.pk,
            }
        )
    return render(
        request,
        "interactions/detail.html",
        {
            "interaction": interaction,
            "new_text": new_text,
            "folded": folded,
            "html": _html_with_images(interaction) if interaction.body_html else "",
            "thread": thread if len(thread) > 1 else [],
            "reply_form": reply_form,
            "sent_mail_id": _sent_mail_id(request, interaction),
        },
    )


def _sent_mail_id(request: HttpRequest, interaction: Interaction) -> int | None:
    """The test inbox's copy of an email Lojal sent, for those who may read the test inbox."""
    stored = getattr(interaction, "email", None)
    if getattr(interaction, "outbound", None) is None or stored is None:
        return None
    if not request.user.can(Action.STAFF_MANAGE):  # type: ignore[union-attr]
        return None
    return selectors.sent_mail_of(message_id=stored.message_id)


@allowed_to(Action.CUSTOMER_VIEW)
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        item = selectors.attachment_get(attachment_id=attachment_id)
    except NotFound as error:
        raise Http404(error.message) from None
    interaction = item.interaction
    if interaction.customer_id is None and not request.user.can(Action.INBOX_TRIAGE):  # type: ignore[union-attr]
        raise Http404
    safe_image = item.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}
    response = HttpResponse(
        bytes(item.content), content_type=item.content_type if safe_image else "application/octet-stream"
    )
    disposition = "inline" if safe_image else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(item.filename, safe='')}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@allowed_to(Action.INBOX_TRIAGE)
def inbox(request: HttpRequest) -> HttpResponse:
    """Messages no customer was found for; staff link each to a customer, create one, or dismiss it
    (``?show=dismissed`` lists those put out of the way, to put back)."""
    before = request.GET.get("before")
    cursor = timeline_selectors.cursor_decode(before) if before else None
    dismissed = request.GET.get("show") == "dismissed"
    page = selectors.unmatched_list(limit=INBOX_PAGE_SIZE, before=cursor, dismissed=dismissed)
    return render(
        request,
        "interactions/inbox.html",
        {
            "items": page.items,
            "next_before": timeline_selectors.cursor_encode(page.next_before),
            "counts": selectors.inbox_counts(),
            "showing_dismissed": dismissed,
        },
    )


@allowed_to(Action.INBOX_TRIAGE)
def customer_pick(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """htmx: customers matching what staff typed, each with a "link" button for this interaction."""
    query = request.GET.get("q", "").strip()[:200]
    hits = customer_selectors.customers_to_pick(query=query, user=request.user, limit=8)
    return render(
        request,
        "interactions/_customer_pick.html",
        {"hits": hits, "interaction_id": interaction_id, "query": query},
    )


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def link(request: HttpRequest, interaction_id: int) -> HttpResponse:
    customer_id = request.POST.get("customer_id", "")
    try:
        if not customer_id.isdigit():
            raise NotFound(_("Choose a customer."))
        count = services.interaction_link(
            actor=request.user,
            interaction_id=interaction_id,
            customer_id=int(customer_id),
            remember=request.POST.get("remember", "1") == "1",
        )
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("interactions:inbox")
    messages.success(request, _("%(count)d message(s) moved to the customer's timeline.") % {"count": count})
    return redirect("interactions:inbox")


@allowed_to(Action.INBOX_TRIAGE)
@require_POST
def create_customer(request: HttpRequest, interaction_id: int) -> HttpResponse:
    if not request.user.can(Action.CUSTOMER_CREATE):  # type: ignore[union-attr]
        return render(request, "403.html", {"action": Action.CUSTOMER_CREATE}, status=403)
    try:
        customer = services.interaction_create_customer(actor=request.user, interaction_id=interaction_id)
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("interactions:inbox")
    messages.success(request, _("%(name)s was added as a lead.") % {"name": customer.display_name})
    return redirect("customers:detail", customer_id=customer.pk)


def part_only(request: HttpRequest) -> bool:
    """An htmx refresh of one part of the chat page (its list or its messages)."""
    return bool(request.htmx and request.GET.get("part"))  # type: ignore[attr-defined]


def _chat_or_404(session_id: int) -> chat.ChatSession:
    try:
        return chat.session_get(session_id=session_id)
    except NotFound as error:
        raise Http404(error.message) from None


@allowed_to(Action.INBOX_TRIAGE)
def chat_inbox(request: HttpRequest, session_id: int | None = None) -> HttpResponse:
    """Open chats from the website; having this page open is what makes staff "online" for visitors."""
    chat.presence_touch(user=request.user)
    sessions = list(chat.open_sessions()[:50])
    shown = request.GET.get("current", "")
    if session_id is None and shown.isdigit():
        session_id = int(shown)
    current = _chat_or_404(session_id) if session_id else (sessions[0] if sessions else None)
    context: dict[str, Any] = {
        "sessions": sessions,
        "current": current,
        "chat_lines": chat.messages_after(session=current) if current is not None else [],
    }
    if current is not None and not part_only(request):
        context.update(chat_customer_context(current))
    part = request.GET.get("part", "")
    if request.htmx and part == "messages":  # type: ignore[attr-defined]
        return render(request, "interactions/_chat_staff_messages.html", context)
    if request.htmx and part == "list":  # type: ignore[attr-defined]
        return render(request, "interactions/_chat_list.html", context)
    return render(request, "interactions/chats.html", context)


@allowed_to(Action.EMAIL_SEND)
@require_POST
def chat_reply(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _chat_or_404(session_id)
    error = ""
    try:
        chat.chat_say(session=session, text=request.POST.get("text", ""), actor=request.user)
    except LojalError as problem:
        error = problem.message
    context = {"current": session, "chat_lines": chat.messages_after(session=session), "error": error}
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "interactions/_chat_staff_messages.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    return redirect("interactions:chat", session_id=session.pk)


@allowed_to(Action.EMAIL_SEND)
@require_POST
def chat_close(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _chat_or_404(session_id)
    interaction = chat.chat_close(session_id=session.pk, actor=request.user)
    messages.success(request, _("The chat is on the customer's timeline."))
    return redirect("interactions:detail", interaction_id=interaction.pk)


@allowed_to(Action.EMAIL_SEND)
@require_POST
def email_retry(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """Send a failed email again (the outbox never resends one by itself)."""
    interaction = _interaction_or_404(interaction_id)
    sent = getattr(interaction, "outbound", None)
    try:
        if sent is None:
            raise NotFound(_("This is not an email Lojal sent."))
        outbound.email_retry(actor=request.user, outbound_id=sent.pk)
    except LojalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The email is queued again."))
    return redirect("interactions:detail", interaction_id=interaction.pk)
