"""The service-level policies pages: managers list, add, change, reorder and delete policies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.models import Queue, SlaPolicy

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_adds_changes_moves_and_deletes_a_policy(make_user: Callable[..., User]) -> None:
    client = _client(make_user(Role.MANAGER, "manager"))
    queue = Queue.objects.create(name="Support")
    SlaPolicy.objects.create(name="Default", position=0, resolution_minutes=960)

    added = client.post(
        "/service/sla/new/",
        {
            "name": "Urgent",
            "queue": queue.pk,
            "priority": "urgent",
            "vip_tier": "",
            "first_response_minutes": "30",
            "near_percent": "80",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    urgent = SlaPolicy.objects.get(name="Urgent")
    assert (urgent.queue_id, urgent.priority, urgent.first_response_minutes, urgent.position) == (
        queue.pk,
        "urgent",
        30,
        1,
    )

    client.post(f"/service/sla/{urgent.pk}/move/", {"direction": "up"})
    assert list(SlaPolicy.objects.order_by("position").values_list("name", flat=True)) == [
        "Urgent",
        "Default",
    ]

    page = client.get("/service/sla/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Urgent") < text.index("Default")
    assert "Move Urgent down" in text

    changed = client.post(
        f"/service/sla/{urgent.pk}/",
        {"name": "Urgent", "priority": "urgent", "first_response_minutes": "45", "near_percent": "90"},
    )
    assert changed.status_code == 302
    urgent.refresh_from_db()
    assert (urgent.first_response_minutes, urgent.near_percent, urgent.is_active, urgent.queue_id) == (
        45,
        90,
        False,
        None,
    )

    client.post(f"/service/sla/{urgent.pk}/delete/")
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Default"]


def test_a_policy_without_targets_is_refused_on_the_page(make_user: Callable[..., User]) -> None:
    client = _client(make_user(Role.MANAGER, "manager"))

    answer = client.post("/service/sla/new/", {"name": "Empty", "near_percent": "80"})

    assert answer.status_code == 422
    assert "Give at least one target." in answer.content.decode()
    assert SlaPolicy.objects.count() == 0


def test_an_agent_may_not_open_the_policies_pages(make_user: Callable[..., User]) -> None:
    client = _client(make_user(Role.SERVICE_AGENT, "agent"))

    assert client.get("/service/sla/").status_code == 403
    assert (
        client.post(
            "/service/sla/new/", {"name": "X", "resolution_minutes": "5", "near_percent": "80"}
        ).status_code
        == 403
    )
    assert SlaPolicy.objects.count() == 0
