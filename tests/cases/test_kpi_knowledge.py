"""The knowledge base's figures on the service KPI dashboard: suggestions shown, opened, helped, cases
opened or not after a suggestion, articles used on solved cases and the top articles by helpful votes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.kpi_knowledge import knowledge_kpis
from lojal.cases.kpis import KpiFilters
from lojal.cases.models import Case, Queue
from lojal.knowledge import deflection
from lojal.knowledge.feedback import article_feedback_record, article_use_record
from lojal.knowledge.models import ArticleFeedback, SuggestionSession
from tests.knowledge.help_support import article

pytestmark = pytest.mark.django_db


def _case(number: str, *, solved_at: dt.datetime | None, queue: Queue | None = None) -> Case:
    return Case.objects.create(
        number=number,
        subject="Fråga",
        channel="email",
        status="solved" if solved_at else "open",
        queue=queue,
        opened_at=(solved_at or timezone.now()) - dt.timedelta(hours=5),
        solved_at=solved_at,
    )


def _session(
    source: str,
    *,
    shown: list[int],
    opened: int | None = None,
    helped: bool | None = None,
    case_id: int | None = None,
    hours_ago: int = 2,
) -> str:
    token = deflection.suggestion_session_start(source=source, language="sv")
    if shown:
        deflection.suggestion_shown(token=token, article_ids=shown)
    if opened is not None:
        deflection.suggestion_opened(token=token, article_id=opened)
    if helped is not None:
        deflection.suggestion_helped(token=token, helped=helped)
    if case_id is not None:
        deflection.suggestion_case_opened(token=token, case_id=case_id)
    SuggestionSession.objects.filter(token=token).update(
        started_at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    return token


@pytest.fixture
def world(make_user: Callable[..., User]) -> dict[str, object]:
    agent = make_user(Role.SERVICE_AGENT, "agnes")
    pin = article("Byta pinkod", slug="byta-pinkod")
    block = article("Spärra kortet", slug="sparra-kortet")
    routine = article("Intern rutin", slug="intern-rutin", visibility="internal")
    now = timezone.now()
    office = Queue.objects.create(name="Kontor")
    solved = [_case(f"26-00000{n}", solved_at=now - dt.timedelta(hours=n)) for n in range(1, 4)]
    solved_elsewhere = _case("26-000009", solved_at=now - dt.timedelta(hours=1), queue=office)
    still_open = _case("26-000010", solved_at=None)
    long_ago = _case("26-000011", solved_at=now - dt.timedelta(days=400))
    for case, item, as_text in [
        (solved[0], pin, False),
        (solved[0], pin, True),  # the same article again on the same case: one use
        (solved[0], routine, True),
        (solved[1], pin, False),
        (solved_elsewhere, block, False),
        (still_open, block, False),
        (long_ago, block, False),
    ]:
        article_use_record(actor=agent, article_id=item.pk, case_id=case.pk, as_text=as_text)
    for helped in [True, True, False]:
        article_feedback_record(article_id=pin.pk, helped=helped)
    article_feedback_record(article_id=block.pk, helped=True)
    article_feedback_record(article_id=block.pk, helped=False)
    old = article_feedback_record(article_id=block.pk, helped=True)
    ArticleFeedback.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=400))
    # Two portal visits (one deflected after opening an article that helped, one that opened a case),
    # a help-centre search, and an acknowledgement's links, which always have their case.
    _session("portal", shown=[pin.pk, block.pk], opened=pin.pk, helped=True)
    _session("portal", shown=[block.pk], opened=block.pk, helped=False, case_id=solved[2].pk)
    _session("help", shown=[pin.pk])
    _session("ack", shown=[pin.pk], case_id=solved[1].pk)
    _session("portal", shown=[])  # nothing suggested: not a visit shown suggestions
    return {"pin": pin, "block": block, "routine": routine, "office": office, "solved": solved}


def _filters(**extra: object) -> KpiFilters:
    today = timezone.localdate()
    return KpiFilters(start=today - dt.timedelta(days=30), end=today, **extra)  # type: ignore[arg-type]


def test_the_deflection_figures_per_source_and_in_all(world: dict[str, object]) -> None:
    figures = knowledge_kpis(filters=_filters(), solved=4)

    total = figures.total
    assert (total.with_suggestions, total.suggestions_shown, total.opened) == (4, 4, 2)
    assert (total.helped, total.not_helped, total.cases_opened, total.deflected) == (1, 1, 2, 2)
    by_source = {row.source: row.figures for row in figures.by_source}
    assert set(by_source) == {"portal", "help", "ack"}
    assert (by_source["portal"].with_suggestions, by_source["portal"].deflected) == (2, 1)
    assert (by_source["ack"].cases_opened, by_source["ack"].deflected) == (1, 0)


def test_articles_used_count_once_per_article_and_solved_case_in_the_period(world: dict[str, object]) -> None:
    used = knowledge_kpis(filters=_filters(), solved=4).used

    assert (used.uses, used.cases) == (4, 3)
    assert [(row.title, row.count) for row in used.top] == [
        ("Byta pinkod", 2),
        ("Intern rutin", 1),
        ("Spärra kortet", 1),
    ]


def test_articles_used_follow_the_dashboards_queue(world: dict[str, object]) -> None:
    office = world["office"]
    used = knowledge_kpis(filters=_filters(queue_id=office.pk), solved=1).used  # type: ignore[attr-defined]

    assert (used.uses, used.cases, [row.title for row in used.top]) == (1, 1, ["Spärra kortet"])


def test_top_articles_by_helpful_votes_in_the_period(world: dict[str, object]) -> None:
    helpful = knowledge_kpis(filters=_filters(), solved=4).helpful

    assert [(row.title, row.helpful, row.unhelpful) for row in helpful] == [
        ("Byta pinkod", 2, 1),
        ("Spärra kortet", 1, 1),
    ]


def test_the_dashboard_and_its_csv_show_the_knowledge_figures(
    client: Client, make_user: Callable[..., User], world: dict[str, object]
) -> None:
    client.force_login(make_user(Role.MANAGER, "maja"))
    today = timezone.localdate()
    query = {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat()}

    html = client.get("/service/kpis/", query).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get("/service/kpis/kpis.csv", query).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )

    assert (
        'data-testid="kpi-deflection-total"><th scope="row">All</th><td class="num">4</td><td class="num">2</td>'
        in html
    )
    assert "4 article uses on 3 of 4 solved cases." in html
    assert (
        '<th scope="row">Byta pinkod <span class="badge">sv</span></th><td class="num">2</td><td class="num">1</td>'
        in html
    )
    assert ["FAQ suggestions", "No case opened (deflected)", "2"] in rows
    assert ["Articles used on solved cases", "Uses", "4"] in rows
    assert ["Helpful votes", "Byta pinkod", "2"] in rows
