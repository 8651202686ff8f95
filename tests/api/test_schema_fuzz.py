"""Schemathesis over the whole OpenAPI document, in process against the WSGI app, as an administrator.

Every operation is called with schema-valid data and with data that breaks the schema (the examples,
coverage and fuzzing phases, a bounded number of examples each, a fixed seed), and every check runs:
no 5xx, every status, content type, header and body as documented, invalid data refused, valid data
accepted. Valid data may still break a rule the schema cannot express (an organisation needs a name,
a national number its checksum); the answer is then a documented 400/422 whose problem document names
the field (`refusal_names_a_field`), never a bare refusal. Half of the generated ids are swapped for
stored rows, so the calls reach past 404 into the services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, Response
from schemathesis.config import SchemathesisConfig

from lojal.wsgi import application
from tests import factories
from tests.conftest import ApiClient

# Examples per operation in the fuzzing phase; the coverage phase adds its own bounded set on top.
MAX_EXAMPLES = int(os.environ.get("LOJAL_FUZZ_EXAMPLES", "15"))

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 11,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
        },
        "checks": {
            "enabled": True,
            # A rule the schema cannot state refuses valid data with 400/422; refusal_names_a_field
            # holds that answer to naming the field.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "422"]
            },
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@schemathesis.check
def refusal_names_a_field(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Schema-valid data refused with 400/422 is refused by a rule that names the field."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in {400, 422}:
        return None
    body = response.json()
    fields = [error.get("field") for error in body.get("errors", [])] if isinstance(body, dict) else []
    if not fields or not all(fields):
        raise AssertionError(
            f"Schema-valid data refused ({response.status_code}) without naming a field: {body}"
        )
    return None


pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def limits_out_of_the_way() -> Iterator[None]:
    """Thousands of calls from one address would reach the rate limits and the login lockout, whose
    429 is documented and tested on its own (tests/core/test_rate_limits.py); here a schema-valid call
    must get its real answer."""
    rates = {name: "" for name in dir(django_settings) if name.startswith("LOJAL_RATE_")}
    with override_settings(**rates, AXES_FAILURE_LIMIT=10**9):
        yield


@pytest.fixture
def connection_kept_across_requests() -> Iterator[None]:
    """The WSGI app closes the database connection after each request, as it should when served; the
    test's transaction lives on that connection, so keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def stored_ids(api: ApiClient) -> dict[str, int]:
    """One stored row of each kind an operation's path names, made through the API."""
    person = factories.person(emails=["anna@example.com"], phones=["0701234567"])
    organisation = factories.organisation()

    def created(path: str, body: dict[str, Any]) -> int:
        response = api.post(path, body)
        assert response.status_code in {200, 201, 202}, response.content
        return int(response.json()["id"])

    contact = created(f"customers/{organisation.pk}/contacts", {"first_name": "Kim", "last_name": "Lund"})
    return {
        "customer_id": person.pk,
        "contact_id": contact,
        "product_id": created("sales/products", {"code": "P-1", "name": "Sparkonto"}),
        "category_id": created("sales/product-categories", {"name": "Konton"}),
        "holding_id": created(
            f"sales/customers/{person.pk}/holdings", {"name": "Sparkonto", "opened_on": "2026-01-02"}
        ),
        "interaction_id": created(
            "inbound/sms", {"from_number": "0709876543", "text": "Hej", "message_id": "sms-1"}
        ),
        "article_id": created("kb/articles", {"language": "sv", "title": "Spärra kort", "body": "Ring oss."}),
    }


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_answers_as_documented(
    case: Case,
    api: ApiClient,
    stored_ids: dict[str, int],
    connection_kept_across_requests: None,
    limits_out_of_the_way: None,
) -> None:
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and case.path_parameters:
        for name, value in case.path_parameters.items():
            if name in stored_ids and isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = stored_ids[name]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api.token}"}, additional_checks=[refusal_names_a_field]
    )
