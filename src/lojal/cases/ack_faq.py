"""The FAQ articles an acknowledgement offers: up to three published public articles that the knowledge
base suggests for the case's question (its subject and the first message's own text, quoted history
left out), in the case's language, each with its absolute address in the help centre (built on
LOJAL_PUBLIC_URL). The links carry a suggestion session (source "ack"), so opening one and answering
"Did this help?" count in the deflection figures; the session is marked as having its case already,
so an acknowledgement never counts as a question the FAQ answered."""

from __future__ import annotations

from urllib.parse import urlencode

from lojal.cases.ack_wording import FaqLink
from lojal.cases.models import Case, CaseInteraction
from lojal.interactions import selectors as interactions_selectors
from lojal.knowledge import deflection, reply_selectors
from lojal.knowledge.search import article_suggest

#: How much of the first message the question takes (the start says what it is about).
QUESTION_MAX_CHARS = 1000


def case_question(case: Case) -> str:
    """The words the suggestion looks at: the subject and the start of the first message's new text."""
    first = (
        CaseInteraction.objects.filter(case_id=case.pk)
        .order_by("id")
        .values_list("interaction_id", flat=True)
    ).first()
    text = ""
    if first is not None:
        interaction = interactions_selectors.interactions_in(interaction_ids=[first]).first()
        if interaction is not None:
            text, _quoted = interactions_selectors.message_parts(text=interaction.body_text or "")
    return f"{case.subject}\n{text[:QUESTION_MAX_CHARS]}".strip()


def faq_articles(*, case_id: int, language: str, limit: int = 3) -> list[FaqLink]:
    """Up to ``limit`` published public FAQ articles in ``language`` that match case ``case_id``'s
    question, best first, with their addresses in the help centre; none when nothing matches."""
    case = Case.objects.filter(pk=case_id).only("pk", "subject", "customer_id").first()
    if case is None:
        return []
    question = case_question(case)
    language = reply_selectors.article_language(language)
    if not question:
        return []
    suggestions = article_suggest(question=question, language=language, limit=limit, visibilities=("public",))
    if not suggestions:
        return []
    token = deflection.suggestion_session_start(source="ack", language=language, customer_id=case.customer_id)
    deflection.suggestion_shown(token=token, article_ids=[item.article_id for item in suggestions])
    deflection.suggestion_case_opened(token=token, case_id=case.pk)
    query = urlencode({"s": token})
    return [
        FaqLink(
            title=item.title,
            url=reply_selectors.article_url(language=item.language, slug=item.slug, visibility="public")
            + f"?{query}",
        )
        for item in suggestions
    ]
