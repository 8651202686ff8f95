"""The OpenAPI document describes the service desk's operations as they behave: the rights each needs,
the list's filters and orders, take next as a POST that may answer 204, and the caller look-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def test_each_operation_names_the_right_it_needs() -> None:
    paths = _document()["paths"]

    rights = {
        (method.upper(), path): spec.get("x-lojal-rights")
        for path, methods in paths.items()
        if path.startswith(("/api/v1/cases", "/api/v1/queues", "/api/v1/telephony"))
        for method, spec in methods.items()
    }

    assert rights == {
        ("GET", "/api/v1/cases"): ["customer.view"],
        ("POST", "/api/v1/cases"): ["case.work"],
        ("POST", "/api/v1/cases/next"): ["case.work"],
        ("GET", "/api/v1/cases/{case_id}"): ["customer.view"],
        ("PATCH", "/api/v1/cases/{case_id}"): ["case.work"],
        ("POST", "/api/v1/cases/{case_id}/replies"): ["case.work"],
        ("POST", "/api/v1/cases/{case_id}/merge"): ["case.work"],
        ("POST", "/api/v1/cases/{case_id}/split"): ["case.work"],
        ("GET", "/api/v1/queues"): ["customer.view"],
        ("POST", "/api/v1/queues"): ["service.configure"],
        ("GET", "/api/v1/queues/{queue_id}"): ["customer.view"],
        ("PATCH", "/api/v1/queues/{queue_id}"): ["service.configure"],
        ("GET", "/api/v1/telephony/caller"): ["customer.view"],
    }


def test_the_case_list_documents_its_filters_and_both_orders() -> None:
    operation = _document()["paths"]["/api/v1/cases"]["get"]

    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert set(parameters) == {
        "status",
        "queue_id",
        "assignee_id",
        "unassigned",
        "customer_id",
        "breached",
        "sort",
        "cursor",
        "limit",
    }
    assert parameters["sort"]["schema"]["enum"] == ["newest", "queue"]
    assert parameters["status"]["schema"]["items"]["enum"] == [
        "new",
        "open",
        "pending_customer",
        "pending_third_party",
        "solved",
        "closed",
    ]


def test_take_next_is_a_post_that_may_answer_204() -> None:
    paths = _document()["paths"]

    assert set(paths["/api/v1/cases/next"]) == {"post"}
    assert {"200", "204"} <= set(paths["/api/v1/cases/next"]["post"]["responses"])


def test_the_caller_look_up_requires_the_number_and_documents_matched() -> None:
    document = _document()
    operation = document["paths"]["/api/v1/telephony/caller"]["get"]
    (number,) = operation["parameters"]
    schema_name = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/")[
        -1
    ]

    assert (number["name"], number["required"]) == ("number", True)
    assert set(document["components"]["schemas"][schema_name]["properties"]) == {
        "number",
        "matched",
        "queue_priority",
        "matches",
    }
