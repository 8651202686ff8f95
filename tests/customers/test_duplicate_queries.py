"""The duplicates list (API and page) reads a fixed number of queries, however many pairs it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.customers.duplicates import duplicates_check
from tests import factories
from tests.conftest import ApiClient


def _pairs(count: int, manager: User, first: int = 0) -> None:
    """``count`` pairs sharing an email, each customer with tags and an account manager."""
    ids = []
    for n in range(first, first + count):
        for spelling in (f"pair{n}@example.se", f"PAIR{n}@example.se"):
            customer = factories.person(
                emails=[spelling], tags=[f"Tag {n}", "Golf"], account_manager_id=manager.pk
            )
            ids.append(customer.pk)
    duplicates_check(customer_ids=ids)


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_duplicates_api_reads_the_same_number_of_queries_for_2_and_12_pairs(
    make_user: Callable[..., User],
) -> None:
    # given
    manager = make_user(Role.SALES, "kari")
    api = ApiClient(make_user(Role.ADMINISTRATOR, "admin"))
    _pairs(2, manager)
    api.get("customers/duplicates")  # the token's first use of the day is recorded once
    few = _queries(lambda: api.get("customers/duplicates"))
    assert len(api.get("customers/duplicates").json()["items"]) == 2
    # when ten more pairs are listed
    _pairs(12, manager, first=100)
    many = _queries(lambda: api.get("customers/duplicates"))
    # then
    listed = api.get("customers/duplicates").json()["items"]
    assert len(listed) == 14
    assert listed[0]["first"]["account_manager"] == {"id": manager.pk, "name": manager.display_name}
    assert "Golf" in listed[0]["first"]["tags"]
    assert many == few


@pytest.mark.django_db
def test_duplicates_page_reads_the_same_number_of_queries_for_2_and_12_pairs(
    make_user: Callable[..., User],
) -> None:
    # given
    manager = make_user(Role.SALES, "kari")
    client = Client()
    client.force_login(make_user(Role.ADMINISTRATOR, "admin"))
    _pairs(2, manager)
    few = _queries(lambda: client.get("/customers/duplicates/"))
    # when
    _pairs(12, manager, first=100)
    many = _queries(lambda: client.get("/customers/duplicates/"))
    # then
    assert many == few
