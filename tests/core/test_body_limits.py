"""Request body limits: each endpoint's limit answered with 413 (a problem document for the API, a page for
people), whether the size is declared up front or the body grows past it; uploads keep their own path."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from tests.conftest import ApiClient
from tests.imports.helpers import FIXTURES

pytestmark = pytest.mark.django_db

DJANGO_DEFAULT = 2_621_440


def post_json(api: ApiClient, path: str, text: str, **extra: Any) -> Any:
    return api.client.post(f"/api/v1/{path}", text.encode(), content_type="application/json", **extra)


def post_json_chunked(api: ApiClient, path: str, text: str) -> Any:
    """As gunicorn hands on a body sent with Transfer-Encoding: chunked: no Content-Length, and a stream
    that may be read to its end."""
    return api.client.generic(
        "POST",
        f"/api/v1/{path}",
        b"",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(text.encode()), "wsgi.input_terminated": True},
    )


def padded(payload: dict[str, Any], size: int) -> str:
    """A valid JSON body of ``size`` bytes: the payload followed by whitespace."""
    text = json.dumps(payload)
    return text + " " * (size - len(text))


def test_default_limit_is_djangos_and_a_json_body_over_it_is_413_and_creates_nothing(
    api: ApiClient, settings: Any
) -> None:
    response = post_json(api, "customers", padded({"last_name": "Lindqvist"}, 3_000_000))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Content too large",
        "status": 413,
        "detail": "The request body is larger than the 2621440 bytes (2.5 MiB) this address accepts.",
        "max_bytes": DJANGO_DEFAULT,
    }
    assert not Customer.objects.exists()
    assert settings.LOJAL_MAX_BODY_BYTES == DJANGO_DEFAULT


def test_json_body_over_a_configured_limit_is_413_and_one_under_it_is_taken(
    api: ApiClient, settings: Any
) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 2000

    refused = post_json(api, "customers", padded({"last_name": "Lindqvist"}, 2001))
    taken = post_json(api, "customers", padded({"last_name": "Lindqvist"}, 2000))

    assert refused.status_code == 413
    assert refused.json()["detail"] == "The request body is larger than the 2000 bytes this address accepts."
    assert taken.status_code == 201
    assert list(Customer.objects.values_list("last_name", flat=True)) == ["Lindqvist"]


def test_chunked_json_body_growing_past_the_limit_is_413_and_creates_nothing(
    api: ApiClient, settings: Any
) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 2000

    response = post_json_chunked(api, "customers", padded({"last_name": "Lindqvist"}, 2001))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["max_bytes"] == 2000
    assert not Customer.objects.exists()


def test_chunked_json_body_under_the_limit_is_read_whole(api: ApiClient) -> None:
    response = post_json_chunked(api, "customers", json.dumps({"last_name": "Lindqvist"}))

    assert response.status_code == 201, response.content
    assert list(Customer.objects.values_list("last_name", flat=True)) == ["Lindqvist"]


def test_customer_batch_takes_a_body_larger_than_the_default_limit(api: ApiClient, settings: Any) -> None:
    body = padded({"items": [{"last_name": "A"}, {"last_name": "B"}]}, 3_000_000)

    response = post_json(api, "customers/batch", body)

    assert response.status_code == 201, response.content[:300]
    assert sorted(Customer.objects.values_list("last_name", flat=True)) == ["A", "B"]
    assert settings.LOJAL_BATCH_MAX_BODY_BYTES == 16 * 1024 * 1024


def test_customer_batch_over_its_own_limit_is_413(api: ApiClient, settings: Any) -> None:
    settings.LOJAL_BATCH_MAX_BODY_BYTES = 5000

    response = post_json(api, "customers/batch", padded({"items": [{"last_name": "A"}]}, 5001))

    assert response.status_code == 413
    assert response.json()["max_bytes"] == 5000
    assert not Customer.objects.exists()


def test_limit_is_checked_before_the_token_so_nothing_is_read(settings: Any) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 2000

    response = Client().post(
        "/api/v1/customers", padded({"last_name": "A"}, 5000), content_type="application/json"
    )

    assert response.status_code == 413
    assert not Customer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_uploads_are_not_held_to_the_json_limit(api: ApiClient, settings: Any) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 100
    with (FIXTURES / "customers_semicolon_cp1252.csv").open("rb") as handle:
        response = api.client.post("/api/v1/imports", {"file": handle, "kind": "customers", "source": "erp"})

    assert response.status_code == 202, response.content
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_import_upload_with_form_fields_over_djangos_limit_is_413_not_500(
    api: ApiClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    with (FIXTURES / "customers_semicolon_cp1252.csv").open("rb") as handle:
        response = api.client.post(
            "/api/v1/imports", {"file": handle, "kind": "customers", "mapping": "{" + " " * 2000 + "}"}
        )

    assert response.status_code == 413
    assert response.json()["max_bytes"] == 1000
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_import_upload_with_too_many_form_fields_is_a_400_problem_not_500(
    api: ApiClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    fields: dict[str, Any] = {f"extra{n}": "x" for n in range(30)}
    with (FIXTURES / "customers_semicolon_cp1252.csv").open("rb") as handle:
        response = api.client.post("/api/v1/imports", {"file": handle, "kind": "customers", **fields})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Too many form fields"
    assert ImportJob.objects.count() == 0


def test_form_post_over_the_limit_gets_a_413_page_and_creates_nothing(
    staff_client: Client, settings: Any
) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 2000

    response = staff_client.post(
        "/customers/new/",
        {"kind": "person", "last_name": "Lindqvist", "notes": "x" * 3000},
        HTTP_ACCEPT_LANGUAGE="sv",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>För stort</h1>" in page
    assert "2000 byte" in page
    assert not Customer.objects.exists()


def test_chunked_form_post_growing_past_the_limit_gets_a_413_page(
    staff_client: Client, settings: Any
) -> None:
    settings.LOJAL_MAX_BODY_BYTES = 2000
    body = b"kind=person&last_name=Lindqvist&notes=" + b"x" * 3000

    response = staff_client.generic(
        "POST",
        "/customers/new/",
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
    )

    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.content.decode()
    assert not Customer.objects.exists()
