"""Schemathesis over the portal API's own OpenAPI document, in process, as a signed-in customer with a
portal token (a fresh one per call: /logout and DELETE /sessions/{id} may end it). The same checks as
the staff API's fuzz test (tests/api/test_schema_fuzz.py): no 5xx, every answer as documented, invalid
data refused, schema-valid data refused only by a rule that names the field."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case

from lojal.portal.identity import portal_session_start
from lojal.portal.models import PortalSession
from lojal.wsgi import application
from tests import factories
from tests.api.test_schema_fuzz import (  # noqa: F401 - fixtures
    CONFIG,
    connection_kept_across_requests,
    limits_out_of_the_way,
    refusal_names_a_field,
)

schema = schemathesis.openapi.from_wsgi("/api/portal/v1/openapi.json", application, config=CONFIG)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def customer_id() -> int:
    return factories.person(emails=["anna@example.com"], phones=["0701234567"]).pk


@schema.parametrize()
@pytest.mark.usefixtures("connection_kept_across_requests", "limits_out_of_the_way")
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_portal_api_answers_as_documented(
    case: Case,
    customer_id: int,
) -> None:
    _session, token = portal_session_start(
        customer_id=customer_id, contact_person_id=None, kind=PortalSession.Kind.TOKEN
    )
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, additional_checks=[refusal_names_a_field]
    )
