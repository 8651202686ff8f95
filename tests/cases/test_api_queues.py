"""The queues API: everyone who sees customers lists them, managers create and change them, agents and
read-only staff may not (and change nothing)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.accounts.models import Team
from lojal.accounts.roles import Role
from lojal.cases.models import Queue
from lojal.core.models import AuditEntry
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_every_role_that_sees_customers_lists_the_queues(api_as: Callable[[str], ApiClient]) -> None:
    Queue.objects.create(name="Privat")
    Queue.objects.create(name="Företag", is_active=False)

    listed = api_as(Role.READ_ONLY).get("queues")
    active = api_as(Role.SERVICE_AGENT).get("queues", is_active="true")

    assert [queue["name"] for queue in listed.json()] == ["Företag", "Privat"]
    assert [queue["name"] for queue in active.json()] == ["Privat"]


def test_a_manager_creates_and_changes_a_queue(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as(Role.MANAGER)
    team = Team.objects.create(name="Kundtjänst")

    created = manager.post(
        "queues",
        {"name": "Privat", "team_id": team.pk, "assignment": "round_robin", "manager_id": manager.user.pk},
    )
    changed = manager.patch(
        f"queues/{created.json()['id']}", {"assignment": "least_open", "name": "Privatkunder"}
    )

    assert created.status_code == 201
    assert changed.status_code == 200
    queue = Queue.objects.get()
    assert (queue.name, queue.team_id, queue.assignment, queue.manager_id) == (
        "Privatkunder",
        team.pk,
        "least_open",
        manager.user.pk,
    )
    assert list(
        AuditEntry.objects.filter(object_type="cases.queue").order_by("pk").values_list("action", flat=True)
    ) == [
        "queue.created",
        "queue.changed",
    ]


@pytest.mark.parametrize("role", [Role.SERVICE_AGENT, Role.READ_ONLY, Role.SALES])
def test_only_managers_set_up_queues(api_as: Callable[[str], ApiClient], role: str) -> None:
    queue = Queue.objects.create(name="Privat")
    client = api_as(role)

    created = client.post("queues", {"name": "Ny"})
    changed = client.patch(f"queues/{queue.pk}", {"name": "Annat"})

    assert (created.status_code, changed.status_code) == (403, 403)
    assert list(Queue.objects.values_list("name", flat=True)) == ["Privat"]


def test_a_second_queue_of_the_same_name_is_a_conflict(api_as: Callable[[str], ApiClient]) -> None:
    Queue.objects.create(name="Privat")

    response = api_as(Role.MANAGER).post("queues", {"name": "Privat"})

    assert response.status_code == 409
    assert Queue.objects.count() == 1


def test_an_unknown_team_names_its_field_and_creates_nothing(api_as: Callable[[str], ApiClient]) -> None:
    response = api_as(Role.ADMINISTRATOR).post("queues", {"name": "Privat", "team_id": 999})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["team_id"]
    assert not Queue.objects.exists()


def test_an_unknown_queue_is_a_404(api: ApiClient) -> None:
    assert api.get("queues/999").status_code == 404
    assert api.patch("queues/999", {"name": "x"}).status_code == 404
