"""The customer list's bulk action "add to a call list": the page (the bulk bar's button, the chooser,
the add) and ``POST /api/v1/customers/bulk`` with ``call_list_add``; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import call_lists
from lojal.activities.models import CallList, CallListEntry
from lojal.core.models import AuditEntry
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

URL = "/work/call-lists/from-customers/"


def _entries(call_list: CallList) -> list[int]:
    return list(
        CallListEntry.objects.filter(call_list=call_list)
        .order_by("position")
        .values_list("customer_id", flat=True)
    )


def _state() -> tuple[Any, ...]:
    return (
        list(CallList.objects.order_by("pk").values_list("pk", "name", "status")),
        list(CallListEntry.objects.order_by("pk").values_list("call_list_id", "customer_id", "position")),
        AuditEntry.objects.count(),
    )


def test_customer_list_bar_posts_the_selection_to_the_call_list_chooser(staff_client: Client) -> None:
    factories.person()
    page = staff_client.get("/customers/").content.decode()
    assert f'formaction="{URL}"' in page


def test_chooser_offers_the_active_call_lists_and_counts_the_selection(
    staff_client: Client, admin_user: User
) -> None:
    anna, bo = factories.person(), factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk])
    closed = call_lists.call_list_create(actor=admin_user, name="Old", customer_ids=[anna.pk])
    call_lists.call_list_close(actor=admin_user, call_list_id=closed.pk)
    before = _state()
    response = staff_client.post(URL, {"scope": "selected", "ids": [anna.pk, bo.pk], "query": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{spring.pk}">Spring</option>' in page
    assert "Old</option>" not in page
    assert "2 customers are chosen." in page
    assert _state() == before


def test_selected_customers_are_added_to_an_existing_call_list(
    staff_client: Client, admin_user: User
) -> None:
    anna, bo, cecilia = factories.person(), factories.person(), factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk])
    response = staff_client.post(
        URL, {"scope": "selected", "ids": [bo.pk, anna.pk, cecilia.pk], "query": "", "call_list": spring.pk}
    )
    assert response.status_code == 302
    assert _entries(spring) == [anna.pk, bo.pk, cecilia.pk]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 customers added to call list Spring."]
    assert AuditEntry.objects.filter(action="call_list.added", object_id=str(spring.pk)).count() == 1


def test_all_matching_customers_go_to_a_new_call_list_in_the_list_order(staff_client: Client) -> None:
    leads = [factories.person(lifecycle_stage="lead") for _ in range(3)]
    factories.person(lifecycle_stage="customer")
    response = staff_client.post(
        URL, {"scope": "all", "query": "stage=lead", "call_list": "new", "name": "Leads to call"}
    )
    assert response.status_code == 302
    made = CallList.objects.get(name="Leads to call")
    expected = call_lists.customer_ids_from_query(query={"stage": "lead"}, user=None)
    assert sorted(_entries(made)) == sorted(c.pk for c in leads)
    assert _entries(made) == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"scope": "selected", "ids": ["999999"], "call_list": "new", "name": "X"},  # unknown customer
        {"scope": "selected", "ids": [], "call_list": "new", "name": "X"},  # nothing selected
        {"scope": "some", "call_list": "new", "name": "X"},  # unknown scope
        {"scope": "selected", "call_list": "new", "name": "  "},  # no name for the new list
        {"scope": "selected", "call_list": "abc"},  # not a list id
        {"scope": "selected", "call_list": "424242"},  # no such list
    ],
)
def test_bad_input_adds_nobody(staff_client: Client, admin_user: User, fields: dict[str, Any]) -> None:
    anna = factories.person()
    if "ids" not in fields:
        fields = {**fields, "ids": [anna.pk]}
    call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk])
    before = _state()
    response = staff_client.post(URL, {"query": "", **fields})
    assert response.status_code == 302
    assert len(list(get_messages(response.wsgi_request))) == 1
    assert _state() == before


def test_a_closed_call_list_gets_nobody(staff_client: Client, admin_user: User) -> None:
    anna, bo = factories.person(), factories.person()
    old = call_lists.call_list_create(actor=admin_user, name="Old", customer_ids=[anna.pk])
    call_lists.call_list_close(actor=admin_user, call_list_id=old.pk)
    before = _state()
    response = staff_client.post(URL, {"scope": "selected", "ids": [bo.pk], "query": "", "call_list": old.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This call list is closed."]
    assert _state() == before


def test_roles_without_bulk_change_are_refused(make_user: Callable[..., User], admin_user: User) -> None:
    anna = factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[])
    client = Client()
    client.force_login(make_user(Role.SALES))
    response = client.post(URL, {"scope": "selected", "ids": [anna.pk], "call_list": spring.pk})
    assert response.status_code == 403
    assert _entries(spring) == []


def test_api_adds_the_selected_customers_to_a_call_list(api: ApiClient, admin_user: User) -> None:
    anna, bo = factories.person(), factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk])
    response = api.post(
        "customers/bulk",
        {"action": "call_list_add", "scope": "selected", "ids": [anna.pk, bo.pk], "call_list_id": spring.pk},
    )
    assert response.status_code == 200
    assert response.json() == {
        "action": "call_list_add",
        "matched": 2,
        "changed": 1,
        "message": "1 customer added to call list Spring.",
        "call_list_id": spring.pk,
    }
    assert _entries(spring) == [anna.pk, bo.pk]


def test_api_makes_a_new_call_list_of_all_matches(api: ApiClient) -> None:
    leads = [factories.person(lifecycle_stage="lead") for _ in range(2)]
    factories.person(lifecycle_stage="former")
    response = api.post(
        "customers/bulk",
        {"action": "call_list_add", "scope": "all", "query": "stage=lead", "call_list_name": "L"},
    )
    assert response.status_code == 200
    made = CallList.objects.get(pk=response.json()["call_list_id"])
    assert made.name == "L"
    assert sorted(_entries(made)) == sorted(c.pk for c in leads)


def test_api_refuses_a_call_list_id_and_a_name_together_and_changes_nothing(
    api: ApiClient, admin_user: User
) -> None:
    anna = factories.person()
    spring = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[])
    before = _state()
    response = api.post(
        "customers/bulk",
        {
            "action": "call_list_add",
            "scope": "selected",
            "ids": [anna.pk],
            "call_list_id": spring.pk,
            "call_list_name": "Other",
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["call_list_id"]
    response = api.post(
        "customers/bulk",
        {"action": "call_list_add", "scope": "selected", "ids": [anna.pk], "call_list_id": 9999},
    )
    assert response.status_code == 404
    assert _state() == before


def test_all_matches_of_a_capped_search_are_named_as_incomplete_before_and_after_adding(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lojal.customers import selectors as customer_selectors

    monkeypatch.setattr(customer_selectors, "SEARCH_PAGE_MAX", 2)
    for first_name in ("Alva", "Bo", "Cia"):
        factories.person(first_name=first_name, last_name="Lindqvist")
    words = (
        "The search gives at most its 2 best matches, so customers who also match beyond them were left out"
    )

    chooser = staff_client.post(URL, {"scope": "all", "query": "q=lindqvist"})
    added = staff_client.post(URL, {"scope": "all", "query": "q=lindqvist", "call_list": "new", "name": "L"})

    assert f'<p class="notice-warning">{words}' in chooser.content.decode()
    texts = [str(message) for message in get_messages(added.wsgi_request)]
    assert texts[0] == "2 customers added to call list L." and texts[1].startswith(words)
    assert len(_entries(CallList.objects.get())) == 2
