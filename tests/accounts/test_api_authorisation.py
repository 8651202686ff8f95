"""The role check comes before validation, for every operation in the OpenAPI document: a caller
without the right gets 403 and never a 422 describing the body, a caller with no credentials gets
401, and a caller with the right gets the 422. Derived from the document and the one role table, so
a new operation is covered without being listed here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Action, Role, role_allows
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]
    schemas: dict[str, Any]

    @property
    def rights(self) -> list[str]:
        return list(self.spec.get("x-lojal-rights", []))

    @property
    def url(self) -> str:
        # Existing or not, the id does not matter: neither the role check nor validation reads it.
        return re.sub(r"\{[^}]+\}", "1", self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _operations() -> Iterator[Operation]:
    document = _document()
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            yield Operation(method, path, spec, document["components"]["schemas"])


def _invalid_body(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """An object whose every field has a type no field accepts (a list of lists)."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return {name: [[1]] for name in schema["properties"]}


def _invalid_request(operation: Operation) -> dict[str, Any] | None:
    """Arguments for Client.generic that break the operation's input, or None when it has none to break."""
    content = operation.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _invalid_body(content["application/json"]["schema"], operation.schemas)
        return {"data": json.dumps(body), "content_type": "application/json"}
    if "multipart/form-data" in content:
        return {"data": b"", "content_type": "multipart/form-data; boundary=nothing"}
    for parameter in operation.spec.get("parameters", []):
        if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
            return {"query": f"{parameter['name']}=not-a-number"}
        if parameter["in"] == "query" and parameter.get("required"):
            return {"query": ""}
    return None


def _send(client: Client, operation: Operation, request: dict[str, Any] | None) -> Any:
    request = request or {}
    url = operation.url + (f"?{request['query']}" if request.get("query") else "")
    return client.generic(
        operation.method.upper(),
        url,
        request.get("data", b""),
        content_type=request.get("content_type", "application/octet-stream"),
    )


def _staff_operations() -> list[Operation]:
    return [operation for operation in _operations() if operation.spec.get("security")]


def test_every_staff_operation_names_the_rights_it_needs() -> None:
    # Only one's own tokens are open to every signed-in role.
    unguarded = [str(op) for op in _staff_operations() if not op.rights]
    assert unguarded == ["GET /api/v1/auth/tokens", "DELETE /api/v1/auth/tokens/{token_id}"]
    named = {right for op in _staff_operations() for right in op.rights}
    assert named <= set(Action.values)


def test_every_write_operation_is_refused_to_a_read_only_token_before_its_body_is_read(
    api_as: Callable[[str], ApiClient],
) -> None:
    # given a read-only member of staff
    client = api_as(Role.READ_ONLY).client
    writes = [op for op in _staff_operations() if op.method in WRITE_METHODS and op.rights]
    assert len(writes) >= 25
    for operation in writes:
        # when it sends an invalid body
        response = _send(client, operation, _invalid_request(operation))
        # then it learns only that it may not
        assert response.status_code == 403, (str(operation), response.content)
        body = response.json()
        assert response["Content-Type"] == "application/problem+json"
        assert body["status"] == 403
        assert "errors" not in body


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_403_without_the_right_and_422_with_it(
    role: str, make_user: Callable[..., User]
) -> None:
    client = ApiClient(make_user(role)).client
    for operation in _staff_operations():
        invalid = _invalid_request(operation)
        allowed = all(role_allows(role, right) for right in operation.rights)
        if allowed and invalid is None:
            continue
        response = _send(client, operation, invalid)
        assert response.status_code == (422 if allowed else 403), (role, str(operation), response.content)


def test_every_staff_operation_answers_401_without_credentials() -> None:
    client = Client()
    for operation in _staff_operations():
        response = _send(client, operation, _invalid_request(operation))
        assert response.status_code == 401, (str(operation), response.content)
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_read_only_session_is_refused_before_validation_too(make_user: Callable[..., User]) -> None:
    # given a read-only member of staff signed in to the pages, calling the API with the CSRF token
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.READ_ONLY))
    client.get("/customers/")
    token = client.cookies["csrftoken"].value
    # when it posts an invalid customer
    response = client.post(
        "/api/v1/customers", "[1]", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    # then
    assert response.status_code == 403
    assert "errors" not in response.json()
