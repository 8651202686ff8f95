"""The test inbox: what the local mail sink (interactions.emails.sink) kept instead of sending, for
administrators to read as the recipient would have seen it (headers, text, sanitised HTML, attachments)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import NotFound
from lojal.interactions import selectors

PAGE_SIZE = 50
SINK_BACKEND = "lojal.interactions.emails.sink.EmailBackend"


def _mail_or_404(mail_id: int) -> selectors.SentMailView:
    try:
        return selectors.sent_mail_get(mail_id=mail_id)
    except NotFound as error:
        raise Http404(error.message) from None


@allowed_to(Action.STAFF_MANAGE)
def sent_mail_list(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    mails, next_before = selectors.sent_mail_list(
        limit=PAGE_SIZE, before_id=int(before) if before.isdigit() else None
    )
    return render(
        request,
        "interactions/sent_mail_list.html",
        {"mails": mails, "next_before": next_before, "sink_active": settings.EMAIL_BACKEND == SINK_BACKEND},
    )


@allowed_to(Action.STAFF_MANAGE)
def sent_mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    return render(request, "interactions/sent_mail_detail.html", {"view": _mail_or_404(mail_id)})


@allowed_to(Action.STAFF_MANAGE)
def sent_mail_attachment(request: HttpRequest, mail_id: int, index: int) -> HttpResponse:
    """One attachment, always as a download and sandboxed: it is what a customer would have received."""
    attachments = _mail_or_404(mail_id).attachments
    if not 0 <= index < len(attachments):
        raise Http404
    item = attachments[index]
    response = HttpResponse(item.content, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.filename, safe='')}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
