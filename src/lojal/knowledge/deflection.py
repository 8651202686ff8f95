"""Deflection: what readers were suggested while writing a question, what they opened, whether it
helped, and whether they opened a case anyway. A form visit starts a session (a random token the page
carries); each step is one small UPDATE. A session with suggestions shown, no case and older than
:data:`SETTLED_AFTER` counts as a question the FAQ answered (deflected)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from lojal.core.errors import NotFound
from lojal.knowledge.models import SuggestionSession

#: How long after a form visit without a case the question counts as given up (deflected).
SETTLED_AFTER = timedelta(hours=1)


def suggestion_session_start(*, source: str, language: str, customer_id: int | None = None) -> str:
    """A new suggestion session for one form visit; returns its token for the page to carry."""
    token = secrets.token_urlsafe(24)
    SuggestionSession.objects.create(
        token=token,
        source=source,
        language=language[:5],
        customer_id=customer_id,
        started_at=timezone.now(),
    )
    return token


def _session(token: str) -> SuggestionSession:
    session = SuggestionSession.objects.filter(token=token).first() if token else None
    if session is None:
        raise NotFound("No such suggestion session.")
    return session


def suggestion_shown(*, token: str, article_ids: list[int]) -> None:
    """A list of suggestions was shown; remembers which articles were among them."""
    with transaction.atomic():
        session = _session(token)
        known = list(session.shown_article_ids)
        known.extend(article_id for article_id in article_ids if article_id not in known)
        SuggestionSession.objects.filter(pk=session.pk).update(
            shown_count=session.shown_count + 1, shown_article_ids=known[:100]
        )


def suggestion_opened(*, token: str, article_id: int) -> None:
    """The reader opened a suggested article."""
    with transaction.atomic():
        session = _session(token)
        if article_id not in session.opened_article_ids:
            SuggestionSession.objects.filter(pk=session.pk).update(
                opened_article_ids=[*session.opened_article_ids, article_id][:100],
                opened_count=session.opened_count + 1,
            )


def suggestion_helped(*, token: str, helped: bool) -> None:
    """The reader answered "Did this help?" on an article opened from the suggestions."""
    session = _session(token)
    SuggestionSession.objects.filter(pk=session.pk).update(helped=helped)


def suggestion_case_opened(*, token: str, case_id: int) -> None:
    """The reader opened case ``case_id`` from the form anyway (not deflected)."""
    session = _session(token)
    SuggestionSession.objects.filter(pk=session.pk).update(case_id=case_id, abandoned_at=None)


@dataclass(frozen=True)
class DeflectionFigures:
    """Suggestion and deflection counts over a period (form visits started in it)."""

    sessions: int
    with_suggestions: int
    suggestions_shown: int
    opened: int
    helped: int
    not_helped: int
    cases_opened: int
    #: Sessions with suggestions shown, settled, and no case: questions the FAQ answered.
    deflected: int


def deflection_figures(*, start: datetime, end: datetime, source: str | None = None) -> DeflectionFigures:
    """The deflection figures of sessions started in [start, end), optionally of one source."""
    settled_before = timezone.now() - SETTLED_AFTER
    rows = SuggestionSession.objects.filter(started_at__gte=start, started_at__lt=end)
    if source:
        rows = rows.filter(source=source)
    shown = Q(shown_count__gt=0)
    counts = {
        "sessions": Count("id"),
        "with_suggestions": Count("id", filter=shown),
        "suggestions_shown": Sum("shown_count"),
        "opened": Count("id", filter=Q(opened_count__gt=0)),
        "helped": Count("id", filter=Q(helped=True)),
        "not_helped": Count("id", filter=Q(helped=False)),
        "cases_opened": Count("id", filter=Q(case_id__isnull=False)),
        "deflected": Count("id", filter=shown & Q(case_id__isnull=True, started_at__lt=settled_before)),
    }
    # Aliases apart from the field names (an aggregate named "helped" would shadow the field).
    figures = rows.aggregate(**{f"n_{name}": value for name, value in counts.items()})
    return DeflectionFigures(**{name: int(figures[f"n_{name}"] or 0) for name in counts})
