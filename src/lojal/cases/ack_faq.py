"""The FAQ articles an acknowledgement offers (up to three that match the question): an extension
point for the knowledge base, which a later issue builds. Until it exists no article matches, so
acknowledgements carry none and the ``{faq}`` field of the templates is empty; nothing here pretends
otherwise. The knowledge app replaces the body of :func:`faq_articles` with its search (a selector
over the case's subject and first message, in the case's language)."""

from __future__ import annotations

from lojal.cases.ack_wording import FaqLink


def faq_articles(*, case_id: int, language: str, limit: int = 3) -> list[FaqLink]:
    """Up to ``limit`` published FAQ articles in ``language`` that match case ``case_id``'s question,
    best first. None yet: there is no knowledge base (docs/cases.md, "Acknowledgements")."""
    return []
