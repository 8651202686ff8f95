"""The service-level policies API: managers create, change, reorder and delete; readers list."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.accounts.roles import Role
from lojal.cases.models import Queue, SlaPolicy
from lojal.core.models import AuditEntry
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_a_manager_creates_changes_reorders_and_deletes_policies(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as(Role.MANAGER)
    queue = Queue.objects.create(name="Support")

    first = manager.post(
        "sla-policies", {"name": "Support", "queue_id": queue.pk, "first_response_minutes": 120}
    )
    second = manager.post(
        "sla-policies", {"name": "Gold", "vip_tier": "gold", "resolution_minutes": 480, "near_percent": 75}
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["position"], second.json()["position"]) == (0, 1)
    assert second.json()["near_percent"] == 75

    changed = manager.patch(
        f"sla-policies/{first.json()['id']}", {"priority": "urgent", "first_response_minutes": 60}
    )
    assert changed.status_code == 200
    assert (changed.json()["priority"], changed.json()["first_response_minutes"], changed.json()["name"]) == (
        "urgent",
        60,
        "Support",
    )

    order = manager.post("sla-policies/order", {"policy_ids": [second.json()["id"], first.json()["id"]]})
    assert [row["name"] for row in order.json()] == ["Gold", "Support"]
    assert [row["name"] for row in manager.get("sla-policies").json()] == ["Gold", "Support"]

    assert manager.delete(f"sla-policies/{second.json()['id']}").status_code == 204
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Support"]
    assert AuditEntry.objects.filter(action__startswith="sla_policy.").count() == 5


def test_a_bad_policy_names_the_field_and_stores_nothing(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as(Role.MANAGER)

    no_target = manager.post("sla-policies", {"name": "Empty"})
    bad_tier = manager.post("sla-policies", {"name": "Tier", "vip_tier": "diamond", "resolution_minutes": 60})
    bad_share = manager.post("sla-policies", {"name": "Share", "resolution_minutes": 60, "near_percent": 0})

    assert [r.status_code for r in (no_target, bad_tier, bad_share)] == [422, 422, 422]
    assert [e["field"] for e in no_target.json()["errors"]] == ["first_response_minutes"]
    assert [e["field"] for e in bad_tier.json()["errors"]] == ["vip_tier"]
    assert [e["field"] for e in bad_share.json()["errors"]] == ["near_percent"]
    assert SlaPolicy.objects.count() == 0


def test_a_queues_default_policy_cannot_be_deleted(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as(Role.MANAGER)
    created = manager.post("sla-policies", {"name": "Default", "resolution_minutes": 480}).json()
    Queue.objects.create(name="Support", sla_policy_id=created["id"])

    answer = manager.delete(f"sla-policies/{created['id']}")

    assert answer.status_code == 409
    assert SlaPolicy.objects.filter(pk=created["id"]).exists()


def test_readers_list_policies_but_may_not_change_them(api_as: Callable[[str], ApiClient]) -> None:
    reader = api_as(Role.READ_ONLY)
    agent = api_as(Role.SERVICE_AGENT)
    SlaPolicy.objects.create(name="Default", resolution_minutes=480)

    assert [row["name"] for row in reader.get("sla-policies").json()] == ["Default"]
    assert agent.post("sla-policies", {"name": "Mine", "resolution_minutes": 60}).status_code == 403
    assert reader.delete(f"sla-policies/{SlaPolicy.objects.get().pk}").status_code == 403
    assert SlaPolicy.objects.count() == 1
