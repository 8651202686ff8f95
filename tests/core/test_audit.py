"""The audit log records who changed what and is readable by the roles allowed to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.accounts.roles import Role
from lojal.customers.services import customer_update
from tests.factories import person

pytestmark = pytest.mark.django_db


def test_audit_api_lists_changes_of_one_customer_newest_first(api: Any) -> None:
    customer = person(actor=api.user, first_name="Eva", last_name="Berg")
    customer_update(actor=api.user, customer_id=customer.pk, data={"vip_tier": "gold"})

    response = api.get("audit", object_type="customers.customer", object_id=str(customer.pk))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["action"] for item in items] == ["update", "create"]
    assert items[0]["changes"] == {"vip_tier": ["none", "gold"]}
    assert items[0]["actor"] == api.user.username


def test_audit_api_is_refused_to_roles_without_audit_access(api_as: Any) -> None:
    response = api_as(Role.SALES).get("audit")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_audit_page_shows_the_history_of_a_customer(admin_user: Any) -> None:
    customer = person(actor=admin_user, first_name="Olle", last_name="Ek")
    customer_update(actor=admin_user, customer_id=customer.pk, data={"lifecycle_stage": "customer"})
    client = Client()
    client.force_login(admin_user)

    page = client.get("/audit/", {"type": "customers.customer", "id": str(customer.pk)})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Olle Ek" in text
    assert "Lifecycle stage changed from Lead to Customer" in text
    assert "lifecycle_stage" not in text.split('id="audit-rows"')[1]


def test_audit_page_is_refused_to_sales(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.SALES))
    assert client.get("/audit/").status_code == 403
