"""The audit log page on the list component: its filters (who, what, when, which record), its pages,
and a query count that does not grow with the page size or the kinds of entry on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.customers.services import customer_update
from lojal.sales import catalogue
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(make_user: Callable[..., User]) -> dict[str, Any]:
    eva, olle = make_user(Role.ADMINISTRATOR, "eva"), make_user(Role.SALES, "olle")
    people = [factories.person(actor=eva, first_name="Anna", last_name=f"Ek {n}") for n in range(40)]
    for n, person in enumerate(people):
        customer_update(
            actor=olle, customer_id=person.pk, data={"account_manager_id": (eva if n % 2 else olle).pk}
        )
    product = catalogue.product_create(actor=eva, data={"code": "SKI-1", "name": "Skidor"})
    return {"eva": eva, "olle": olle, "people": people, "product": product}


def entries(response: Any) -> list[tuple[str, str]]:
    return [(entry.action, entry.object_type) for entry in response.context["entries"]]


def test_the_log_filters_by_who_what_when_and_record(staff_client: Client, log: dict[str, Any]) -> None:
    by_olle = staff_client.get("/audit/", {"actor": log["olle"].pk, "per_page": 100})
    assert set(entries(by_olle)) == {("update", "customers.customer")} and len(entries(by_olle)) == 40
    products = staff_client.get("/audit/", {"type": "sales.product", "id": log["product"].pk})
    assert entries(products) == [("create", "sales.product")]
    created = staff_client.get("/audit/", {"action": "create", "type": "customers.customer"})
    assert created.context["listing"].count == 40
    today = timezone.localdate()
    assert staff_client.get("/audit/", {"since": today.isoformat()}).context["listing"].count == 84
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert staff_client.get("/audit/", {"since": tomorrow}).context["listing"].count == 0
    unknown = staff_client.get("/audit/", {"type": "nonsense.model", "action": "nonsense"})
    assert unknown.context["listing"].count == 84  # unknown filters are ignored, not an error


def test_the_oldest_first_and_numbered_pages(staff_client: Client, log: dict[str, Any]) -> None:
    oldest = staff_client.get("/audit/?sort=when")
    assert entries(oldest)[0] == ("create", "accounts.user")
    page = oldest.content.decode()
    assert 'href="/audit/?sort=when&amp;page=2"' in page
    assert '<a href="/audit/?sort=when" aria-current="page">1</a>' in page


# session, user, count, the page's entries with their actors, the account managers named in them,
# the staff choices.
AUDIT_PAGE_QUERIES = 6


@pytest.mark.parametrize("per_page", [25, 100])
def test_audit_page_queries_do_not_grow_with_the_page_size(
    staff_client: Client, log: dict[str, Any], per_page: int, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(AUDIT_PAGE_QUERIES):
        response = staff_client.get(f"/audit/?per_page={per_page}")
    assert len(response.context["entries"]) == min(per_page, AuditEntry.objects.count())
    page = response.content.decode()
    assert f"Account manager: {log['eva'].display_name}" in page
    assert f"Account manager: {log['olle'].display_name}" in page
