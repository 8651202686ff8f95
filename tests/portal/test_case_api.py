"""The portal API's case and details operations (/api/portal/v1, a portal token): the customer's own
cases only, forged choices refused with a problem document, and the same rules as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lojal.cases.models import Case, Category
from lojal.customers.models import Customer
from lojal.interactions.models import Interaction
from tests import factories
from tests.portal.conftest import token_client

pytestmark = pytest.mark.django_db
BASE = "/api/portal/v1"


def _customer(**overrides: Any) -> Customer:
    overrides.setdefault("emails", [{"address": "kund@example.se"}])
    return factories.person(**overrides)


def _send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(f"{BASE}{path}", json.dumps(body or {}), content_type="application/json")


def _open(client: Client, **overrides: Any) -> Any:
    return _send(
        client, "post", "/cases", {"subject": "Fel belopp", "description": "Fakturan är fel.", **overrides}
    )


def test_a_customer_opens_lists_and_reads_their_case() -> None:
    category = Category.objects.create(name="Fakturor", is_customer_visible=True)
    client = token_client(_customer().pk)

    opened = _open(client, category_id=category.pk, priority="high")
    listed = client.get(f"{BASE}/cases").json()
    read = client.get(f"{BASE}/cases/{opened.json()['id']}").json()

    assert opened.status_code == 201
    assert (read["subject"], read["priority"], read["category"], read["status"]) == (
        "Fel belopp",
        "high",
        "Fakturor",
        "new",
    )
    assert [item["id"] for item in listed["items"]] == [read["id"]]
    assert [(m["direction"], m["text"]) for m in read["messages"]] == [("in", "Fakturan är fel.")]
    assert read["expected_answer"]["kind"] == "asap"
    assert Case.objects.get().channel == "portal"


@pytest.mark.parametrize(
    ("body", "field"), [({"priority": "urgent"}, "priority"), ({"category_id": 424242}, "category_id")]
)
def test_a_forged_choice_is_a_422_problem_and_opens_nothing(body: dict[str, Any], field: str) -> None:
    client = token_client(_customer(vip_tier="silver").pk)

    response = _open(client, **body)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in json.dumps(response.json())
    assert Case.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_reply_close_reopen_and_rate_through_the_api() -> None:
    client = token_client(_customer().pk)
    case_id = _open(client).json()["id"]

    replied = _send(client, "post", f"/cases/{case_id}/replies", {"text": "Kvittot kommer."})
    closed = _send(client, "post", f"/cases/{case_id}/close")
    rated = _send(client, "post", f"/cases/{case_id}/rating", {"rating": 4, "comment": "Bra"})
    reopened = _send(client, "post", f"/cases/{case_id}/reopen")

    assert replied.status_code == 201 and len(replied.json()["messages"]) == 2
    assert closed.json()["status"] == "solved" and closed.json()["may_reopen"] is True
    assert rated.json()["rating"] == 4
    assert reopened.json()["status"] == "open"


def test_every_case_operation_on_another_customers_case_is_404_and_changes_nothing() -> None:
    owner = token_client(_customer().pk)
    case_id = _open(owner).json()["id"]
    stranger = token_client(_customer().pk)

    answers = [
        stranger.get(f"{BASE}/cases/{case_id}").status_code,
        _send(stranger, "post", f"/cases/{case_id}/replies", {"text": "Hej"}).status_code,
        _send(stranger, "post", f"/cases/{case_id}/close").status_code,
        _send(stranger, "post", f"/cases/{case_id}/reopen").status_code,
        _send(stranger, "post", f"/cases/{case_id}/rating", {"rating": 1}).status_code,
    ]

    assert answers == [404] * 5
    assert Case.objects.get(pk=case_id).status == "new"
    assert Interaction.objects.count() == 1
    assert stranger.get(f"{BASE}/cases").json()["items"] == []


def test_my_details_are_read_and_changed_with_the_customers_checks() -> None:
    customer = _customer(first_name="Anna", last_name="Berg")
    client = token_client(customer.pk)

    changed = _send(
        client, "patch", "/me/details", {"last_name": "Lind", "emails": [{"address": "anna@lind.se"}]}
    )
    refused = _send(client, "patch", "/me/details", {"emails": [{"address": "fel"}]})
    forbidden = _send(client, "patch", "/me/details", {"vip_tier": "platinum"})

    assert changed.status_code == 200
    assert (changed.json()["last_name"], changed.json()["emails"]) == ("Lind", [{"address": "anna@lind.se"}])
    assert refused.status_code == 422 and forbidden.status_code == 422
    customer.refresh_from_db()
    assert (customer.last_name, customer.primary_email, customer.vip_tier) == ("Lind", "anna@lind.se", "none")
    assert client.get(f"{BASE}/me/details").json()["last_name"] == "Lind"
