"""The OpenAPI document lists, for every operation, the problem documents it can answer with, and
the answers keep that promise: a rule a service enforces names the field it refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from lojal.interactions.models import Interaction
from lojal.sales.models import Holding, Product, ProductCategory, Transaction
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

PROBLEM_REF = "#/components/schemas/Problem"


def _document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, spec)
        for path, methods in _document()["paths"].items()
        for method, spec in methods.items()
    ]


def _needed(path: str, spec: dict[str, Any]) -> set[str]:
    """The problem statuses any operation of this shape can answer with."""
    needed: set[str] = set()
    if spec.get("security"):
        needed |= {"401", "403"}
    if "{" in path:
        needed.add("404")
    if "requestBody" in spec:
        needed |= {"400", "413", "422"}
    if spec.get("parameters") or "requestBody" in spec:
        needed.add("422")
    return needed


def test_the_problem_schema_has_every_member_a_problem_document_has() -> None:
    schemas = _document()["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "errors"}
    assert problem["properties"]["status"]["type"] == "integer"
    assert set(problem["required"]) == {"type", "title", "status"}
    item = problem["properties"]["errors"]["items"]
    field_error = schemas[item["$ref"].rsplit("/", 1)[-1]]
    assert field_error["properties"]["field"]["type"] == "string"
    assert field_error["properties"]["reasons"] == {
        "items": {"type": "string"},
        "title": "Reasons",
        "type": "array",
    }


def test_every_operation_documents_the_problems_it_can_answer_with() -> None:
    for method, path, spec in _operations():
        documented = {code for code in spec["responses"] if code.startswith("4")}
        assert _needed(path, spec) <= documented, (method, path, documented)
        for code in documented:
            answer = spec["responses"][code]
            assert answer["description"], (method, path, code)
            assert answer["content"] == {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}
        successes = [code for code in spec["responses"] if code.startswith("2")]
        assert successes, (method, path)


def test_an_open_operation_documents_no_authorisation_problems() -> None:
    spec = _document()["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in spec
    assert "403" not in spec["responses"]
    assert set(spec["responses"]) == {"201", "400", "401", "413", "422", "429", "503"}


def test_a_read_without_parameters_documents_no_input_problems() -> None:
    spec = _document()["paths"]["/api/v1/auth/tokens"]["get"]
    assert set(spec["responses"]) == {"200", "401", "403", "503"}


def test_every_operation_documents_the_database_being_out_of_reach() -> None:
    for method, path, spec in _operations():
        assert spec["responses"]["503"]["content"] == {
            "application/problem+json": {"schema": {"$ref": PROBLEM_REF}}
        }, (method, path)


def _documented(method: str, path: str) -> set[str]:
    return set(_document()["paths"][f"/api/v1/{path}"][method]["responses"])


# A conflict each service can raise, provoked through the API; the operation must document 409.
def _product_code_taken(api: ApiClient) -> tuple[Any, str, str]:
    api.post("sales/products", {"code": "GOLF-1", "name": "Golf"})
    return api.post("sales/products", {"code": "GOLF-1", "name": "Golf again"}), "post", "sales/products"


def _product_renamed_to_a_taken_code(api: ApiClient) -> tuple[Any, str, str]:
    api.post("sales/products", {"code": "A", "name": "A"})
    other = api.post("sales/products", {"code": "B", "name": "B"}).json()
    response = api.patch(f"sales/products/{other['id']}", {"code": "A"})
    return response, "patch", "sales/products/{product_id}"


def _category_name_taken(api: ApiClient) -> tuple[Any, str, str]:
    api.post("sales/product-categories", {"name": "Golf"})
    return api.post("sales/product-categories", {"name": "Golf"}), "post", "sales/product-categories"


def _category_renamed_to_a_taken_name(api: ApiClient) -> tuple[Any, str, str]:
    api.post("sales/product-categories", {"name": "Golf"})
    tennis = api.post("sales/product-categories", {"name": "Tennis"}).json()
    response = api.patch(f"sales/product-categories/{tennis['id']}", {"name": "Golf"})
    return response, "patch", "sales/product-categories/{category_id}"


def _transaction_recorded_twice(api: ApiClient) -> tuple[Any, str, str]:
    customer = factories.person()
    body = {
        "occurred_at": "2026-01-01T10:00:00Z",
        "kind": "purchase",
        "amount": "10",
        "currency": "SEK",
        "source": "erp",
        "external_id": "T-1",
    }
    api.post(f"sales/customers/{customer.pk}/transactions", body)
    response = api.post(f"sales/customers/{customer.pk}/transactions", body)
    return response, "post", "sales/customers/{customer_id}/transactions"


def _national_number_taken_on_create(api: ApiClient) -> tuple[Any, str, str]:
    factories.person(national_id="19811218-9876")
    response = api.post("customers", {"last_name": "Twin", "national_id": "19811218-9876"})
    return response, "post", "customers"


def _national_number_taken_on_change(api: ApiClient) -> tuple[Any, str, str]:
    factories.person(national_id="19811218-9876")
    other = factories.person()
    response = api.patch(f"customers/{other.pk}", {"national_id": "19811218-9876"})
    return response, "patch", "customers/{customer_id}"


def _finished_import(api: ApiClient) -> ImportJob:
    job = ImportJob.objects.create(
        kind="customers", file_name="x.csv", status=ImportJob.Status.DONE, finished_at=dt.datetime.now(dt.UTC)
    )
    return job


def _finished_import_cancelled(api: ApiClient) -> tuple[Any, str, str]:
    job = _finished_import(api)
    return api.post(f"imports/{job.pk}/cancel"), "post", "imports/{job_id}/cancel"


def _finished_import_committed(api: ApiClient) -> tuple[Any, str, str]:
    job = _finished_import(api)
    return api.post(f"imports/{job.pk}/commit"), "post", "imports/{job_id}/commit"


def _finished_import_remapped(api: ApiClient) -> tuple[Any, str, str]:
    job = _finished_import(api)
    response = api.client.put(
        f"/api/v1/imports/{job.pk}/mapping", '{"mapping": {}}', content_type="application/json"
    )
    return response, "put", "imports/{job_id}/mapping"


CONFLICTS: list[Callable[[ApiClient], tuple[Any, str, str]]] = [
    _product_code_taken,
    _product_renamed_to_a_taken_code,
    _category_name_taken,
    _category_renamed_to_a_taken_name,
    _transaction_recorded_twice,
    _national_number_taken_on_create,
    _national_number_taken_on_change,
    _finished_import_cancelled,
    _finished_import_committed,
    _finished_import_remapped,
]


@pytest.mark.parametrize("provoke", CONFLICTS, ids=lambda provoke: provoke.__name__.strip("_"))
def test_an_operation_whose_service_can_conflict_documents_409(
    api: ApiClient, provoke: Callable[[ApiClient], tuple[Any, str, str]]
) -> None:
    response, method, path = provoke(api)
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 409
    assert "409" in _documented(method, path)


def test_operations_that_cannot_conflict_do_not_document_409() -> None:
    assert "409" not in _documented("get", "customers/{customer_id}")
    assert "409" not in _documented("post", "customers/{customer_id}/notes")


# Schema-valid input that a rule in a service refuses: the problem names the field.
def _unknown_product_code(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    body = {"occurred_at": "2026-01-01T10:00:00Z", "kind": "purchase", "amount": "10", "currency": "SEK"}
    return lambda: api.post(
        f"sales/customers/{customer.pk}/transactions", {**body, "product_code": "NOPE"}
    ), "product_code"


def _currency_not_allowed(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    body = {"occurred_at": "2026-01-01T10:00:00Z", "kind": "purchase", "amount": "10", "currency": "XXX"}
    return lambda: api.post(f"sales/customers/{customer.pk}/transactions", body), "currency"


def _unknown_transaction_kind(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    body = {"occurred_at": "2026-01-01T10:00:00Z", "kind": "gift", "amount": "10", "currency": "SEK"}
    return lambda: api.post(f"sales/customers/{customer.pk}/transactions", body), "kind"


def _holding_with_unknown_product(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    body = {"product_code": "NOPE", "name": "Golf", "opened_on": "2026-01-01"}
    return lambda: api.post(f"sales/customers/{customer.pk}/holdings", body), "product_code"


def _product_in_a_currency_not_allowed(api: ApiClient) -> tuple[Callable[[], Any], str]:
    return lambda: api.post("sales/products", {"code": "X", "name": "X", "currency": "XXX"}), "currency"


def _product_in_an_unknown_category(api: ApiClient) -> tuple[Callable[[], Any], str]:
    return lambda: api.post(
        "sales/products", {"code": "X", "name": "X", "category_id": 999999}
    ), "category_id"


def _customer_merged_with_itself(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    return lambda: api.post("customers/merge", {"keep_id": customer.pk, "other_id": customer.pk}), "other_id"


def _stage_not_known(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    return lambda: api.post(
        f"sales/customers/{customer.pk}/stage", {"stage": "royalty", "reason": "x"}
    ), "stage"


def _call_with_an_unknown_outcome(api: ApiClient) -> tuple[Callable[[], Any], str]:
    customer = factories.person()
    body = {"customer_id": customer.pk, "channel": "call", "subject": "Hej", "outcome": "exploded"}
    return lambda: api.post("interactions", body), "outcome"


def _national_number_not_valid(api: ApiClient) -> tuple[Callable[[], Any], str]:
    return lambda: api.post("customers", {"last_name": "Ek", "national_id": "19811218-9875"}), "national_id"


def _duplicate_list_with_an_unknown_status(api: ApiClient) -> tuple[Callable[[], Any], str]:
    return lambda: api.get("customers/duplicates", status="maybe"), "status"


def _counts() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        Transaction.objects.count(),
        Holding.objects.count(),
        Product.objects.count(),
        ProductCategory.objects.count(),
        Interaction.objects.count(),
    )


REFUSED: list[Callable[[ApiClient], tuple[Callable[[], Any], str]]] = [
    _unknown_product_code,
    _currency_not_allowed,
    _unknown_transaction_kind,
    _holding_with_unknown_product,
    _product_in_a_currency_not_allowed,
    _product_in_an_unknown_category,
    _customer_merged_with_itself,
    _stage_not_known,
    _call_with_an_unknown_outcome,
    _national_number_not_valid,
    _duplicate_list_with_an_unknown_status,
]


@pytest.mark.parametrize("provoke", REFUSED, ids=lambda provoke: provoke.__name__.strip("_"))
def test_a_rule_a_service_enforces_names_the_refused_field(
    api: ApiClient, provoke: Callable[[ApiClient], tuple[Callable[[], Any], str]]
) -> None:
    # given the case's customer or product
    send, field = provoke(api)
    before = _counts()
    # when
    response = send()
    # then
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["reasons"]
    assert all(isinstance(reason, str) and reason for reason in body["errors"][0]["reasons"])
    assert _counts() == before
