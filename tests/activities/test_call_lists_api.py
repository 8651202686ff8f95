"""The call-list API: list, create from ids or a query string, read with progress, entries in cursor
pages, record an outcome; problem documents for bad input, nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.accounts.roles import Role
from lojal.activities.models import CallList, CallListEntry
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_create_from_ids_then_read_it_with_its_progress(api: ApiClient) -> None:
    ids = [factories.person().pk for _ in range(3)]

    created = api.post("call-lists", {"name": "Renewals", "script": "Hello", "customer_ids": ids})
    read = api.get(f"call-lists/{created.json()['id']}")

    assert created.status_code == 201
    assert read.json()["progress"] == {
        "total": 3,
        "called": 0,
        "reached": 0,
        "not_reached": 0,
        "skipped": 0,
        "to_call": 3,
    }
    assert (read.json()["name"], read.json()["owner_id"]) == ("Renewals", api.user.pk)


def test_create_from_the_customer_lists_query_string(api: ApiClient) -> None:
    at_risk = factories.person(lifecycle_stage="at_risk")
    factories.person(lifecycle_stage="customer")

    created = api.post("call-lists", {"name": "At risk", "query": "?stage=at_risk"})
    entries = api.get(f"call-lists/{created.json()['id']}/entries")

    assert [item["customer_id"] for item in entries.json()["items"]] == [at_risk.pk]


def test_entries_come_in_cursor_pages_in_list_order(api: ApiClient) -> None:
    ids = [factories.person().pk for _ in range(5)]
    call_list_id = api.post("call-lists", {"name": "L", "customer_ids": ids}).json()["id"]

    first = api.get(f"call-lists/{call_list_id}/entries", limit=3).json()
    second = api.get(f"call-lists/{call_list_id}/entries", limit=3, cursor=first["next_cursor"]).json()

    assert [item["customer_id"] for item in first["items"] + second["items"]] == ids
    assert [item["position"] for item in first["items"]] == [1, 2, 3]
    assert second["next_cursor"] is None


def test_recording_an_outcome_updates_the_entry_and_the_progress(api: ApiClient) -> None:
    call_list_id = api.post("call-lists", {"name": "L", "customer_ids": [factories.person().pk]}).json()["id"]
    entry_id = api.get(f"call-lists/{call_list_id}/entries").json()["items"][0]["id"]

    answer = api.post(
        f"call-lists/{call_list_id}/entries/{entry_id}/outcome", {"status": "reached", "outcome": "Renewed"}
    )

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["outcome"]) == ("reached", "Renewed")
    assert api.get(f"call-lists/{call_list_id}").json()["progress"]["reached"] == 1


def test_a_bad_status_is_a_problem_document_and_changes_nothing(api: ApiClient) -> None:
    call_list_id = api.post("call-lists", {"name": "L", "customer_ids": [factories.person().pk]}).json()["id"]
    entry_id = api.get(f"call-lists/{call_list_id}/entries").json()["items"][0]["id"]

    answer = api.post(f"call-lists/{call_list_id}/entries/{entry_id}/outcome", {"status": "maybe"})
    missing = api.post(f"call-lists/{call_list_id}/entries/{entry_id + 99}/outcome", {"status": "reached"})

    assert (answer.status_code, answer["Content-Type"]) == (422, "application/problem+json")
    assert answer.json()["errors"] == [
        {"field": "status", "reasons": ["Must be one of: reached, not_reached, skipped."]}
    ]
    assert missing.status_code == 404
    assert CallListEntry.objects.get(pk=entry_id).status == "to_call"


def test_creating_with_neither_ids_nor_query_is_refused(api: ApiClient) -> None:
    answer = api.post("call-lists", {"name": "Empty"})

    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["customer_ids"]
    assert CallList.objects.count() == 0


def test_closing_twice_is_a_conflict(api: ApiClient) -> None:
    call_list_id = api.post("call-lists", {"name": "L", "customer_ids": []}).json()["id"]

    closed = api.post(f"call-lists/{call_list_id}/close")
    again = api.post(f"call-lists/{call_list_id}/close")

    assert (closed.status_code, closed.json()["status"], again.status_code) == (200, "closed", 409)


def test_read_only_staff_may_read_but_not_create(api_as: Callable[[str], ApiClient], api: ApiClient) -> None:
    call_list_id = api.post("call-lists", {"name": "L", "customer_ids": []}).json()["id"]
    reader = api_as(Role.READ_ONLY)

    listed = reader.get("call-lists")
    refused = reader.post("call-lists", {"name": "Mine", "customer_ids": []})

    assert [item["id"] for item in listed.json()["items"]] == [call_list_id]
    assert refused.status_code == 403
    assert CallList.objects.count() == 1
