"""Take next's own assign path: it records exactly what the generic ``case_change`` records for the
same change (the case's fields, the CaseChange rows, the timeline event, the audit entry), in fewer
statements, and an inactive queue gives nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojal.accounts.models import Team, User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.assignment import case_take_next
from lojal.cases.models import Case, CaseChange, Queue
from lojal.core.models import AuditEntry
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
OPENED = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
TAKEN = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
#: Case fields that name the case itself, not what happened to it.
OWN = {"id", "number"}


def _agent_and_queue(make_user: Callable[..., User]) -> tuple[User, Queue]:
    agent = make_user(Role.SERVICE_AGENT, "anna")
    team = Team.objects.create(name="Kundtjänst")
    team.members.add(agent)
    return agent, Queue.objects.create(name="Kundtjänst", team=team)


def _history(case: Case) -> dict[str, Any]:
    """Everything recorded about ``case``, with its own id and number taken out."""
    fields = {
        field.attname: getattr(case, field.attname)
        for field in Case._meta.concrete_fields
        if field.attname not in OWN
    }
    changes = list(
        CaseChange.objects.filter(case=case).order_by("id").values("field", "old", "new", "actor_id", "at")
    )
    timeline = [
        {
            **row,
            "summary": row["summary"].replace(case.number, "NUMBER"),
            "data": {key: value for key, value in row["data"].items() if key not in {"case_id", "number"}},
        }
        for row in Event.objects.filter(kind="case.changed", data__case_id=case.pk)
        .order_by("id")
        .values("customer_id", "occurred_at", "kind", "summary", "body", "data", "actor_id")
    ]
    audit = list(
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action="case.changed")
        .order_by("id")
        .values("occurred_at", "actor_id", "action", "changes")
    )
    return {"case": fields, "changes": changes, "timeline": timeline, "audit": audit}


@pytest.mark.parametrize("status", ["new", "open"])
def test_take_next_records_exactly_what_the_generic_change_records(
    make_user: Callable[..., User], status: str
) -> None:
    agent, queue = _agent_and_queue(make_user)
    customer = factories.person(vip_tier="gold")
    twins = [
        services.case_open(
            actor=None,
            subject="Fel belopp",
            channel="email",
            customer_id=customer.pk,
            queue_id=queue.pk,
            opened_at=OPENED,
        )
        for _twin in range(2)
    ]
    Case.objects.filter(pk__in=[twin.pk for twin in twins]).update(status=status)
    taken_by_hand, taken_next = twins  # the first taken by hand, so take next gets the second

    with mock.patch("django.utils.timezone.now", return_value=TAKEN):
        generic_changes = {"assignee_id": agent.pk, **({"status": "open"} if status == "new" else {})}
        services.case_change(actor=agent, case_id=taken_by_hand.pk, changes=generic_changes)
        taken = case_take_next(actor=agent, queue_ids=[queue.pk])

    assert taken is not None and taken.pk == taken_next.pk
    by_hand = _history(Case.objects.get(pk=taken_by_hand.pk))
    dedicated = _history(Case.objects.get(pk=taken_next.pk))
    assert dedicated == by_hand
    assert [row["field"] for row in dedicated["changes"]] == (
        ["assignee_id", "status"] if status == "new" else ["assignee_id"]
    )
    assert dedicated["timeline"][0]["data"]["changes"]["assignee_id"] == [None, agent.pk]
    assert dedicated["audit"][0]["changes"]["assignee_id"] == [None, agent.pk]
    # What take next answers is the case as it is now stored.
    stored = Case.objects.get(pk=taken.pk)
    assert {
        f.attname: getattr(taken, f.attname) for f in Case._meta.concrete_fields if f.attname != "updated_at"
    } == {
        f.attname: getattr(stored, f.attname) for f in Case._meta.concrete_fields if f.attname != "updated_at"
    }


def test_take_next_of_a_case_without_customer_writes_no_timeline_event(
    make_user: Callable[..., User],
) -> None:
    agent, queue = _agent_and_queue(make_user)
    case = services.case_open(actor=None, subject="Okänd", channel="email", queue_id=queue.pk)
    events_before = Event.objects.count()

    taken = case_take_next(actor=agent, queue_ids=[queue.pk])

    assert taken is not None and (taken.pk, taken.assignee_id, taken.status) == (case.pk, agent.pk, "open")
    assert Event.objects.count() == events_before
    assert list(CaseChange.objects.filter(case=case).values_list("field", "old", "new")) == [
        ("assignee_id", "", str(agent.pk)),
        ("status", "new", "open"),
    ]
    assert AuditEntry.objects.filter(action="case.changed", object_id=str(case.pk)).count() == 1


def test_take_next_writes_with_fewer_statements_than_the_generic_change(
    make_user: Callable[..., User],
) -> None:
    agent, queue = _agent_and_queue(make_user)
    customer = factories.person()
    first, second = (
        services.case_open(
            actor=None, subject=subject, channel="email", customer_id=customer.pk, queue_id=queue.pk
        )
        for subject in ("A", "B")
    )

    with CaptureQueriesContext(connection) as generic:
        services.case_change(
            actor=agent, case_id=first.pk, changes={"assignee_id": agent.pk, "status": "open"}
        )
    with CaptureQueriesContext(connection) as dedicated:
        taken = case_take_next(actor=agent, queue_ids=[queue.pk])

    assert taken is not None and taken.pk == second.pk
    writes = [query["sql"] for query in dedicated.captured_queries if not query["sql"].startswith("SELECT")]
    assert not any("SAVEPOINT" in sql for sql in writes)
    # One UPDATE of the case; on PostgreSQL the history's three inserts are one statement.
    assert sum(sql.startswith("UPDATE") for sql in writes) == 1
    expected_inserts = 1 if connection.vendor == "postgresql" else 3
    assert sum("INSERT" in sql for sql in writes) == expected_inserts
    assert len(dedicated.captured_queries) < len(generic.captured_queries)


def test_take_next_skips_an_inactive_queue_and_changes_nothing(make_user: Callable[..., User]) -> None:
    agent, queue = _agent_and_queue(make_user)
    case = services.case_open(actor=None, subject="A", channel="email", queue_id=queue.pk)
    Queue.objects.filter(pk=queue.pk).update(is_active=False)

    assert case_take_next(actor=agent, queue_ids=[queue.pk]) is None

    assert Case.objects.filter(pk=case.pk, assignee__isnull=True, status="new").exists()
    assert not CaseChange.objects.filter(case=case).exists()
