from datetime import timedelta

import pytest
from django.utils import timezone

from lojal.core.errors import NotFound
from lojal.knowledge.deflection import (
    deflection_figures,
    suggestion_case_opened,
    suggestion_helped,
    suggestion_opened,
    suggestion_session_start,
    suggestion_shown,
)
from lojal.knowledge.models import SuggestionSession

pytestmark = pytest.mark.django_db


def _age(token: str, hours: int) -> None:
    SuggestionSession.objects.filter(token=token).update(started_at=timezone.now() - timedelta(hours=hours))


def test_a_settled_visit_with_suggestions_and_no_case_counts_as_deflected() -> None:
    deflected = suggestion_session_start(source="portal", language="sv")
    suggestion_shown(token=deflected, article_ids=[1, 2])
    suggestion_shown(token=deflected, article_ids=[2, 3])
    suggestion_opened(token=deflected, article_id=2)
    suggestion_opened(token=deflected, article_id=2)
    suggestion_helped(token=deflected, helped=True)
    _age(deflected, 2)
    opened_case = suggestion_session_start(source="portal", language="sv")
    suggestion_shown(token=opened_case, article_ids=[4])
    suggestion_case_opened(token=opened_case, case_id=77)
    _age(opened_case, 2)
    recent = suggestion_session_start(source="portal", language="nb")
    suggestion_shown(token=recent, article_ids=[5])
    nothing_shown = suggestion_session_start(source="help", language="en")
    _age(nothing_shown, 2)

    figures = deflection_figures(start=timezone.now() - timedelta(days=1), end=timezone.now())

    assert figures.sessions == 4
    assert figures.with_suggestions == 3
    assert figures.suggestions_shown == 4
    assert figures.opened == 1
    assert figures.helped == 1
    assert figures.not_helped == 0
    assert figures.cases_opened == 1
    assert figures.deflected == 1
    session = SuggestionSession.objects.get(token=deflected)
    assert session.shown_article_ids == [1, 2, 3]
    assert session.opened_article_ids == [2]
    assert session.opened_count == 1


def test_figures_of_one_source_leave_the_others_out() -> None:
    portal = suggestion_session_start(source="portal", language="sv")
    suggestion_session_start(source="help", language="sv")
    suggestion_shown(token=portal, article_ids=[1])

    figures = deflection_figures(start=timezone.now() - timedelta(days=1), end=timezone.now(), source="help")

    assert figures.sessions == 1
    assert figures.with_suggestions == 0


def test_an_unknown_token_is_refused_and_changes_nothing() -> None:
    token = suggestion_session_start(source="portal", language="sv")

    with pytest.raises(NotFound):
        suggestion_shown(token="forged", article_ids=[1])

    assert SuggestionSession.objects.get(token=token).shown_count == 0
