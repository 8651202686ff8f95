"""What readers and agents do with articles: a page view, "Did this help? yes / no", and an agent
putting an article's link or text into a reply on a case. Each keeps the article's counter in step
(one UPDATE with an F expression, so concurrent votes are not lost) besides its own row.

Deflection (the steps of a suggestion session) is recorded only through
:mod:`lojal.knowledge.deflection`; a vote on an article opened from suggestions passes its token on."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.knowledge import deflection
from lojal.knowledge.help_selectors import PUBLIC, readable
from lojal.knowledge.models import Article, ArticleFeedback, ArticleUse, SuggestionSession
from lojal.knowledge.reply_selectors import readable_by_agents

logger = logging.getLogger(__name__)

#: Where a vote was given (ArticleFeedback.source).
FEEDBACK_SOURCES = ("help", "portal")
_ANSWERS = {"yes": True, "no": False}


def _readable_article(article_id: Any, articles: QuerySet[Article]) -> Article:
    if not isinstance(article_id, int) or isinstance(article_id, bool) or article_id <= 0:
        raise ValidationError.for_field("article", _("Must be an article's number."))
    article = articles.filter(pk=article_id).only("pk", "group", "language").first()
    if article is None:
        raise NotFound(_("No such article."))
    return article


def article_view_record(*, article_id: int, token: str = "", visibilities: Sequence[str] = PUBLIC) -> None:
    """A reader opened an article page: one more view; opened from suggestions when ``token`` is a
    suggestion session's (an unknown token is ignored, as a reader may keep an old link)."""
    article = _readable_article(article_id, readable(visibilities))
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    if token:
        try:
            deflection.suggestion_opened(token=token, article_id=article.pk)
        except NotFound:
            logger.debug("article %s opened with an unknown suggestion token", article.pk)


def answer_of(value: Any) -> bool:
    """The "Did this help?" answer a form sent ("yes" or "no"); anything else is refused."""
    if isinstance(value, bool):
        return value
    answer = _ANSWERS.get(str(value).strip().lower()) if isinstance(value, str) else None
    if answer is None:
        raise ValidationError.for_field("helped", _('Answer "yes" or "no".'))
    return answer


def article_feedback_record(
    *,
    article_id: int,
    helped: Any,
    source: str = "help",
    token: str = "",
    visibilities: Sequence[str] = PUBLIC,
) -> ArticleFeedback:
    """A reader's "Did this help?" on an article they may read: the answer, the article's helpful or
    unhelpful counter, and, when the article was opened from suggestions (``token``), the session's
    answer. A bad answer, an unknown or unreadable article or an unknown source changes nothing."""
    answer = answer_of(helped)
    if source not in FEEDBACK_SOURCES:
        raise ValidationError.for_field("source", _("Unknown source."))
    article = _readable_article(article_id, readable(visibilities))
    session = SuggestionSession.objects.filter(token=token).only("pk").first() if token else None
    with transaction.atomic():
        feedback = ArticleFeedback.objects.create(
            article=article, helped=answer, source=source, session=session, at=timezone.now()
        )
        counter = "helpful_count" if answer else "unhelpful_count"
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        if session is not None:
            deflection.suggestion_helped(token=token, helped=answer)
    return feedback


def article_use_record(*, actor: Any, article_id: int, case_id: int, as_text: bool) -> ArticleUse:
    """An agent put article ``article_id``'s link (or its text, ``as_text``) into a reply on case
    ``case_id``. One use per article and case however often it is inserted; inserting the text after
    the link marks the use as text. The caller (the case page) has checked the case exists."""
    if actor is None or not actor.can(Action.CASE_WORK):
        raise PermissionDenied(_("Your role does not allow this."))
    if not isinstance(case_id, int) or isinstance(case_id, bool) or case_id <= 0:
        raise ValidationError.for_field("case", _("Must be a case's number."))
    article = _readable_article(article_id, readable_by_agents())
    with transaction.atomic():
        use, created = ArticleUse.objects.get_or_create(
            article=article,
            case_id=case_id,
            defaults={
                "used_by": actor if getattr(actor, "pk", None) else None,
                "as_text": as_text,
                "at": timezone.now(),
            },
        )
        if not created and as_text and not use.as_text:
            use.as_text = True
            use.save(update_fields=["as_text"])
    return use
