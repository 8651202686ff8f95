"""My day's "My cases" block: an agent finds their open cases and the queue from the home page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.models import Case
from lojal.cases.services import case_open
from tests import factories

pytestmark = pytest.mark.django_db


def _block(user: User) -> str:
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    match = re.search(r'data-testid="block-my_cases">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def _case(actor: User, subject: str, assignee: User | None, **facts: object) -> Case:
    case = case_open(
        actor=actor,
        subject=subject,
        channel="call",
        customer_id=factories.person(first_name="Greta", last_name="Garbo").pk,
        assignee_id=assignee.pk if assignee else None,
    )
    if facts:
        Case.objects.filter(pk=case.pk).update(**facts)
    return case


def test_my_cases_lists_my_open_cases_with_the_past_due_count_and_links_to_the_queue(
    make_user: Callable[..., User],
) -> None:
    me, colleague = make_user(Role.SERVICE_AGENT), make_user(Role.SERVICE_AGENT)
    past = timezone.now() - dt.timedelta(hours=2)
    late = _case(me, "Broken hinge", me, next_due=past)
    flagged = _case(me, "Wrong invoice", me, is_breached=True)
    calm = _case(me, "New address", me, next_due=timezone.now() + dt.timedelta(days=2))
    _case(me, "Solved already", me, status=Case.Status.SOLVED)
    _case(me, "Colleague's", colleague)
    _case(me, "Nobody's", None)

    block = _block(me)

    assert "3 open cases assigned to you" in block
    assert '<a href="/service/?assignee=me&amp;breached=1">2 past due</a>' in block
    found = re.findall(r'href="/service/cases/(\d+)/"', block)
    assert sorted(int(pk) for pk in found) == sorted([late.pk, flagged.pk, calm.pk])
    assert "Solved already" not in block and "Colleague&#x27;s" not in block and "Nobody&#x27;s" not in block
    assert "Greta Garbo" in block
    assert 'href="/service/?assignee=me"' in block
    assert 'href="/service/">' in block


def test_my_cases_says_so_in_words_when_nothing_is_assigned(make_user: Callable[..., User]) -> None:
    me = make_user(Role.SERVICE_AGENT)

    block = _block(me)

    assert "No open cases are assigned to you." in block
    assert "past due" not in block


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.SERVICE_AGENT, True), (Role.ADMINISTRATOR, True), (Role.READ_ONLY, False), (Role.SALES, False)],
)
def test_my_cases_is_shown_to_those_who_work_cases_only(
    make_user: Callable[..., User], role: str, shown: bool
) -> None:
    client = Client()
    client.force_login(make_user(role))

    html = client.get("/").content.decode()

    assert ('data-testid="block-my_cases"' in html) is shown
