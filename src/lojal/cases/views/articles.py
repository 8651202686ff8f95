"""The case page's article panel: an agent searches the knowledge base in the case's language (public,
portal and internal articles) and puts an article's link or text into the reply box. Each insert is
recorded as a use of the article on the case, so the articles used on solved cases can be counted."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import selectors
from lojal.cases.models import Case
from lojal.core.errors import LojalError, NotFound
from lojal.knowledge import feedback as knowledge_feedback
from lojal.knowledge import reply_selectors

#: The browser event (htmx's HX-Trigger) that carries the text for the reply box.
INSERT_EVENT = "lojal:articleInsert"


def _case_or_404(case_id: int) -> Case:
    try:
        return selectors.case_get(case_id=case_id)
    except NotFound as error:
        raise Http404(error.message) from None


@require_GET
@allowed_to(Action.CASE_WORK)
def article_search(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: the articles matching what the agent typed, in the case's language."""
    case = _case_or_404(case_id)
    query = " ".join(request.GET.get("q", "").split())[:200]
    language = reply_selectors.article_language(case.language)
    articles = reply_selectors.reply_articles(query=query, language=language) if query else []
    return render(
        request,
        "cases/_article_results.html",
        {"case": case, "query": query, "articles": articles, "language": language},
    )


@require_POST
@allowed_to(Action.CASE_WORK)
def article_insert(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: records the use and hands the link or text to the page's script (HX-Trigger), which puts
    it into the reply box at the cursor; the answer's body is the status line for screen readers."""
    case = _case_or_404(case_id)
    text = request.POST.get("article", "").strip()
    article_id = int(text) if text.isdigit() and len(text) < 10 else 0
    as_text = request.POST.get("as_text") == "1"
    try:
        article = reply_selectors.article_for_reply(article_id=article_id)
        if not as_text and not article.url:
            raise NotFound(_("An internal article has no address a customer can open; insert its text."))
        knowledge_feedback.article_use_record(
            actor=request.user, article_id=article.article_id, case_id=case.pk, as_text=as_text
        )
    except LojalError as error:
        return HttpResponse(error.message, status=422, content_type="text/plain; charset=utf-8")
    inserted = article.text if as_text else f"{article.title}: {article.url}"
    message = (
        _("The text of “%(title)s” is in the reply.")
        if as_text
        else _("The link to “%(title)s” is in the reply.")
    ) % {"title": article.title}
    response = HttpResponse(message, content_type="text/plain; charset=utf-8")
    # ASCII-only JSON: a header carries no other characters safely.
    response["HX-Trigger"] = json.dumps({INSERT_EVENT: {"text": inserted}}, ensure_ascii=True)
    return response
