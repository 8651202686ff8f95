"""The telephone system's caller look-up: any way a number is written finds the customer; several
customers on one number come VIP first; an unknown number is an answer, not an error; two queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.models import Queue
from lojal.cases.telephony import caller_lookup
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "dialled"),
    [
        ("+46701234567", "+46701234567"),
        ("+46701234567", "0046701234567"),
        ("+46701234567", "070-123 45 67"),
        ("+46701234567", "070 123 45 67"),
        ("+46701234567", "0701234567"),
        ("+46701234567", "+46 70 123 45 67"),
        ("+46701234567", "+46-70-123 45 67"),
        ("+4741234567", "412 34 567"),
        ("+4741234567", "41234567"),
        ("+4741234567", "0047 412 34 567"),
        ("+4541234567", "+45 41 23 45 67"),
        ("+4541234567", "0045-41-23-45-67"),
        ("+358401234567", "040 123 4567"),
        ("+358401234567", "040-1234567"),
        ("+358401234567", "00358 40 123 4567"),
    ],
)
def test_every_way_of_writing_the_number_finds_the_caller(
    api_as: Callable[[str], ApiClient], stored: str, dialled: str
) -> None:
    customer = factories.person(phones=[stored], vip_tier="silver")

    response = api_as(Role.READ_ONLY).get("telephony/caller", number=dialled)

    assert response.status_code == 200
    body = response.json()
    assert (body["matched"], body["number"], body["queue_priority"]) == (True, stored, 20)
    assert [(match["customer_id"], match["number"]) for match in body["matches"]] == [(customer.pk, stored)]
    assert body["matches"][0]["name"] == customer.display_name


def test_the_answer_names_tier_priority_account_manager_and_only_open_cases(
    api: ApiClient, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.SALES, "kari")
    customer = factories.person(phones=["+46701234567"], vip_tier="platinum", account_manager_id=manager.pk)
    queue = Queue.objects.create(name="Privat")
    open_case = services.case_open(
        actor=None, subject="Kortet", channel="call", customer_id=customer.pk, queue_id=queue.pk
    )
    closed = services.case_open(actor=None, subject="Gammal", channel="email", customer_id=customer.pk)
    services.case_change(actor=None, case_id=closed.pk, changes={"status": "closed"})

    body = api.get("telephony/caller", number="070-123 45 67").json()

    match = body["matches"][0]
    assert (match["vip_tier"], match["queue_priority"], body["queue_priority"]) == ("platinum", 40, 40)
    assert match["account_manager"] == {"id": manager.pk, "name": "Kari", "email": manager.email}
    assert match["number_display"] == "+46 70 123 45 67"
    assert match["open_cases"] == [
        {
            "id": open_case.pk,
            "number": open_case.number,
            "subject": "Kortet",
            "status": "new",
            "priority": "normal",
            "queue_id": queue.pk,
            "queue_name": "Privat",
            "assignee_id": None,
        }
    ]


def test_two_customers_on_one_number_come_vip_first_whatever_their_order(api: ApiClient) -> None:
    plain = factories.person(phones=["+46701234567"], vip_tier="none")
    vip = factories.person(phones=["+46701234567"], vip_tier="gold")
    older_plain = factories.person(phones=["+46701234567"], vip_tier="none")

    body = api.get("telephony/caller", number="0701234567").json()

    assert [match["customer_id"] for match in body["matches"]] == [vip.pk, plain.pk, older_plain.pk]
    assert [match["queue_priority"] for match in body["matches"]] == [30, 10, 10]
    assert body["queue_priority"] == 30


def test_a_customer_whose_main_number_it_is_comes_before_one_who_has_it_as_a_second(api: ApiClient) -> None:
    second = factories.person(phones=["+46709999999", "+46701234567"])
    main = factories.person(phones=["+46701234567"])

    body = api.get("telephony/caller", number="+46701234567").json()

    assert [match["customer_id"] for match in body["matches"]] == [main.pk, second.pk]


@pytest.mark.parametrize(("dialled", "read_as"), [("+46701111111", "+46701111111"), ("not a number", "")])
def test_an_unknown_or_unreadable_number_is_a_200_with_matched_false(
    api: ApiClient, dialled: str, read_as: str
) -> None:
    factories.person(phones=["+46701234567"])

    response = api.get("telephony/caller", number=dialled)

    assert response.status_code == 200
    assert response.json() == {"number": read_as, "matched": False, "queue_priority": 0, "matches": []}


def test_a_deleted_customer_is_not_matched(api: ApiClient, admin_user: User) -> None:
    from lojal.customers.services import customer_delete

    customer = factories.person(phones=["+46701234567"])
    customer_delete(actor=admin_user, customer_id=customer.pk)

    assert api.get("telephony/caller", number="+46701234567").json()["matched"] is False


def test_the_look_up_is_two_queries_however_many_matches(django_assert_num_queries: Any) -> None:
    for tier in ("gold", "none", "silver"):
        customer = factories.person(phones=["+46701234567"], vip_tier=tier)
        services.case_open(actor=None, subject="x", channel="call", customer_id=customer.pk)

    with django_assert_num_queries(2):
        answer = caller_lookup(number="070-123 45 67")

    assert [match.vip_tier for match in answer.matches] == ["gold", "silver", "none"]
    assert all(len(match.open_cases) == 1 for match in answer.matches)


def test_the_look_up_needs_a_token_and_a_number() -> None:
    assert Client().get("/api/v1/telephony/caller", {"number": "+46701234567"}).status_code == 401


def test_the_number_is_required(api: ApiClient) -> None:
    response = api.get("telephony/caller")

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["number"]
