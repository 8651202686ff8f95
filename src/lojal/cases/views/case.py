"""The case page: the conversation with internal notes between the messages, the customer's 360 panel,
the reply box with macros, notes with @mentions, time spent, fields and tags, a follow-up, the
history, and the warning when another agent has the case open. Also the new-case form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import desk, macros, selectors, services
from lojal.cases import desk_selectors as reads
from lojal.cases.desk_setup import desk_setup
from lojal.cases.models import Case
from lojal.cases.replies import REPLY_CHANNELS
from lojal.core.errors import LojalError, NotFound
from lojal.customers import selectors as customers_selectors


def _case_or_404(case_id: int) -> Case:
    try:
        return selectors.case_get(case_id=case_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _first_error(error: LojalError) -> str:
    for reasons in error.errors.values():
        if reasons:
            return reasons[0]
    return error.message


def _int_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _page(
    request: HttpRequest, case: Case, *, status: int = 200, errors: dict[str, str] | None = None
) -> HttpResponse:
    user: Any = request.user
    may_work = user.can(Action.CASE_WORK)
    if may_work:
        desk.presence_touch(user=user, case_id=case.pk)
    setup = desk_setup(version=getattr(case, "desk_setup_version", None))
    context: dict[str, Any] = {
        "case": case,
        "entries": reads.conversation(case=case),
        "panel": reads.customer_panel(case=case),
        "tags": reads.case_tags(case=case),
        "time_entries": reads.time_entries(case=case),
        "others": desk.presence_others(case_id=case.pk, user_id=user.pk),
        "may_work": may_work,
        "macros": setup.macros,
        "channels": REPLY_CHANNELS,
        "errors": errors or {},
        "posted": request.POST if status != 200 else {},
        "due_state": reads.due_state(case, now=timezone.now()),
        "tomorrow": timezone.localdate() + dt.timedelta(days=1),
        **reads.desk_choices(setup),
    }
    return render(request, "cases/case.html", context, status=status)


def _page_case_or_404(case_id: int) -> Case:
    case = reads.case_for_page(case_id=case_id)
    if case is None:
        raise Http404(_("No case with id %(id)s.") % {"id": case_id})
    return case


@require_GET
@allowed_to(Action.CUSTOMER_VIEW)
def history(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx, once the case page is shown: the case's changes in words (the page's last block)."""
    case = _page_case_or_404(case_id)
    return render(request, "cases/_history.html", {"history": reads.history(case=case)})


@allowed_to(Action.CUSTOMER_VIEW)
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return _page(request, _page_case_or_404(case_id))


@require_GET
@allowed_to(Action.CUSTOMER_VIEW)
def customer_more(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx, once the case page is shown: the lower part of its customer panel (lifetime revenue, last
    contacts, holdings), read after the page so the page itself answers sooner."""
    more = reads.customer_more(case_id=case_id)
    if more is None:
        raise Http404(_("No case with id %(id)s.") % {"id": case_id})
    return render(request, "cases/_panel_more.html", {"more": more})


def _refused(request: HttpRequest, case_id: int, form: str, error: LojalError) -> HttpResponse:
    """The page again with the error at the form that was sent; nothing was changed."""
    return _page(request, _page_case_or_404(case_id), status=422, errors={form: _first_error(error)})


@require_POST
@allowed_to(Action.CASE_WORK)
def reply(request: HttpRequest, case_id: int) -> HttpResponse:
    """A public reply by email or SMS, with the chosen macro's field changes."""
    post = request.POST
    try:
        desk.case_answer(
            actor=request.user,
            case_id=case_id,
            # A browser sends a text area's lines with CRLF; the stored text keeps plain newlines.
            text=post.get("text", "").replace("\r\n", "\n"),
            channel=post.get("channel", "email"),
            to=post.get("to", "").strip(),
            status=post.get("status") or None,
            minutes=_int_or_none(post.get("minutes")),
            macro_id=_int_or_none(post.get("macro")),
        )
    except LojalError as error:
        return _refused(request, case_id, "reply", error)
    desk.presence_touch(user=request.user, case_id=case_id, replying=False)
    messages.success(request, _("Reply sent."))
    return redirect("cases:case", case_id)


@require_GET
@allowed_to(Action.CASE_WORK)
def macro_fill(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: the reply box's text with the chosen macro filled in, in the case's language."""
    case = _case_or_404(case_id)
    macro_id = _int_or_none(request.GET.get("macro"))
    text = request.GET.get("text", "")
    chosen = None
    if macro_id is not None:
        try:
            chosen = macros.macro_get(macro_id=macro_id)
        except NotFound:
            chosen = None
    if chosen is not None:
        text = macros.macro_text(macro=chosen, case=case, agent=request.user)
    return render(request, "cases/_reply_text.html", {"case": case, "text": text, "macro": chosen})


@require_POST
@allowed_to(Action.CASE_WORK)
def note(request: HttpRequest, case_id: int) -> HttpResponse:
    """An internal note; @mentioned staff are notified."""
    try:
        written = desk.case_note_post(actor=request.user, case_id=case_id, body=request.POST.get("body", ""))
    except LojalError as error:
        return _refused(request, case_id, "note", error)
    if written.mentioned:
        messages.success(request, _("Note added; the staff you mentioned are notified."))
    else:
        messages.success(request, _("Note added."))
    return redirect("cases:case", case_id)


@require_POST
@allowed_to(Action.CASE_WORK)
def change(request: HttpRequest, case_id: int) -> HttpResponse:
    """Status, priority, queue, assignee, category and subject as the form sends them."""
    post = request.POST
    changes: dict[str, Any] = {}
    for field in ("status", "priority", "subject"):
        if field in post:
            changes[field] = post[field]
    for field in ("queue_id", "assignee_id", "category_id"):
        if field in post:
            value = post[field].strip()
            changes[field] = int(value) if value.isdigit() and len(value) < 10 else (value or None)
    try:
        services.case_change(actor=request.user, case_id=case_id, changes=changes)
    except LojalError as error:
        return _refused(request, case_id, "change", error)
    messages.success(request, _("Case saved."))
    return redirect("cases:case", case_id)


@require_POST
@allowed_to(Action.CASE_WORK)
def tags(request: HttpRequest, case_id: int) -> HttpResponse:
    names = [name.strip() for name in request.POST.get("tags", "").split(",") if name.strip()]
    try:
        services.case_tags_set(actor=request.user, case_id=case_id, tags=names)
    except LojalError as error:
        return _refused(request, case_id, "tags", error)
    messages.success(request, _("Tags saved."))
    return redirect("cases:case", case_id)


@require_POST
@allowed_to(Action.CASE_WORK)
def time_add(request: HttpRequest, case_id: int) -> HttpResponse:
    minutes = _int_or_none(request.POST.get("minutes"))
    try:
        services.case_time_add(
            actor=request.user, case_id=case_id, minutes=minutes or 0, note=request.POST.get("note", "")
        )
    except LojalError as error:
        return _refused(request, case_id, "time", error)
    messages.success(request, _("Time recorded."))
    return redirect("cases:case", case_id)


class FollowUpForm(forms.Form):
    subject = forms.CharField(max_length=200)
    due_date = forms.DateField(required=False)
    notes = forms.CharField(required=False, max_length=5000)


@require_POST
@allowed_to(Action.CASE_WORK)
def follow_up(request: HttpRequest, case_id: int) -> HttpResponse:
    """A follow-up for the case's customer, leading back to the case."""
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        label = {"subject": _("Subject"), "due_date": _("Due date"), "notes": _("Notes")}
        field, reasons = next(iter(form.errors.items()))
        words = f"{label.get(field, field)}: {reasons[0]}"
        return _page(request, _page_case_or_404(case_id), status=422, errors={"follow_up": words})
    try:
        desk.case_follow_up(
            actor=request.user,
            case_id=case_id,
            subject=form.cleaned_data["subject"],
            due_date=form.cleaned_data["due_date"],
            notes=form.cleaned_data["notes"],
        )
    except LojalError as error:
        return _refused(request, case_id, "follow_up", error)
    messages.success(request, _("Follow-up created; it is on your follow-ups list."))
    return redirect("cases:case", case_id)


@allowed_to(Action.CUSTOMER_VIEW)
def presence(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx, every 10 seconds: record that this agent still has the case open (writing a reply when
    the reply box has text), and say who else does."""
    user: Any = request.user
    if request.method == "POST" and user.can(Action.CASE_WORK):
        desk.presence_touch(user=user, case_id=case_id, replying=bool(request.POST.get("text", "").strip()))
    others = desk.presence_others(case_id=case_id, user_id=user.pk)
    return render(request, "cases/_presence.html", {"others": others, "case_id": case_id})


@allowed_to(Action.CASE_WORK)
def case_new(request: HttpRequest) -> HttpResponse:
    """A case opened by hand (a letter, a visit, a colleague's request), for a customer picked here."""
    choices = reads.desk_choices()
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            case = services.case_open(
                actor=request.user,
                subject=post.get("subject", ""),
                channel="staff",
                customer_id=_int_or_none(post.get("customer_id")),
                queue_id=_int_or_none(post.get("queue_id")),
                category_id=_int_or_none(post.get("category_id")),
                priority=post.get("priority", "normal"),
                assignee_id=request.user.pk if post.get("assign_me") else None,
            )
            if post.get("note", "").strip():
                desk.case_note_post(actor=request.user, case_id=case.pk, body=post["note"])
        except LojalError as err:
            error = _first_error(err)
        else:
            messages.success(request, _("Case #%(number)s opened.") % {"number": case.number})
            return redirect("cases:case", case.pk)
    return render(
        request,
        "cases/new.html",
        {**choices, "error": error, "posted": request.POST},
        status=422 if error else 200,
    )


@allowed_to(Action.CASE_WORK)
def customer_pick(request: HttpRequest) -> HttpResponse:
    """htmx: customers matching what staff typed, to pick one for a new case."""
    query = request.GET.get("q", "").strip()[:100]
    hits = customers_selectors.customers_to_pick(query=query, user=request.user, limit=8)
    return render(request, "activities/_customer_pick.html", {"hits": hits, "query": query})
