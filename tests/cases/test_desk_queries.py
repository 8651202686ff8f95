"""The desk's pages run a fixed number of queries however many cases, messages and notes they show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import desk, services
from lojal.cases.models import Queue
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _cases(count: int, queue: Queue, agent: User) -> list[Any]:
    cases = []
    for n in range(count):
        customer = factories.person(vip_tier=("gold", "none")[n % 2], emails=[f"kund{n}@example.se"])
        case = services.case_open(
            actor=None, subject=f"Fråga {n}", channel="email", customer_id=customer.pk, queue_id=queue.pk
        )
        services.case_change(actor=agent, case_id=case.pk, changes={"assignee_id": agent.pk})
        cases.append(case)
    return cases


def test_the_queue_view_runs_as_many_queries_for_twelve_cases_as_for_two(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "sara")
    queue = Queue.objects.create(name="Kundtjänst")
    client = Client()
    client.force_login(agent)
    _cases(2, queue, agent)
    client.get("/service/")
    few = _queries(client, "/service/")

    _cases(10, queue, agent)
    many = _queries(client, "/service/")

    assert many == few


def test_the_case_page_runs_as_many_queries_with_many_notes_and_replies_as_with_one(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "sara")
    queue = Queue.objects.create(name="Kundtjänst")
    (case,) = _cases(1, queue, agent)
    client = Client()
    client.force_login(agent)
    desk.case_note_post(actor=agent, case_id=case.pk, body="Första anteckningen")
    desk.case_answer(actor=agent, case_id=case.pk, text="Hej! Vi tittar på det.")
    client.get(f"/service/cases/{case.pk}/")  # the agent's presence is recorded once, then refreshed
    few = _queries(client, f"/service/cases/{case.pk}/")

    for n in range(5):
        desk.case_note_post(actor=agent, case_id=case.pk, body=f"Anteckning {n}")
        desk.case_answer(actor=agent, case_id=case.pk, text=f"Svar {n}")
    many = _queries(client, f"/service/cases/{case.pk}/")

    assert many == few
