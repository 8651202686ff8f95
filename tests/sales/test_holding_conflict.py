"""Opening a holding whose (source, external id) is already stored is a 409 naming the field, like a
transaction's, and writes nothing: no holding, no event, no audit entry."""

from __future__ import annotations

import pytest

from lojal.core.models import AuditEntry
from lojal.sales.models import Holding
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_opening_a_holding_with_a_known_external_id_is_a_conflict_naming_the_field(api: ApiClient) -> None:
    # Given a holding known by its source system's id
    customer = factories.person()
    body = {"name": "Sparkonto", "opened_on": "2026-01-02", "source": "core", "external_id": "ACC-1"}
    assert api.post(f"sales/customers/{customer.pk}/holdings", body).status_code == 201
    events = Event.objects.count()
    audits = AuditEntry.objects.count()
    # When the same (source, external id) is opened again
    response = api.post(f"sales/customers/{customer.pk}/holdings", {**body, "name": "Another"})
    # Then it is a 409 naming external_id, and nothing more is written
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["external_id"]
    assert list(Holding.objects.values_list("name", flat=True)) == ["Sparkonto"]
    assert Event.objects.count() == events
    assert AuditEntry.objects.count() == audits


def test_the_same_external_id_from_another_source_is_another_holding(api: ApiClient) -> None:
    customer = factories.person()
    body = {"name": "Sparkonto", "opened_on": "2026-01-02", "source": "core", "external_id": "ACC-1"}
    assert api.post(f"sales/customers/{customer.pk}/holdings", body).status_code == 201
    other = api.post(f"sales/customers/{customer.pk}/holdings", {**body, "source": "cards"})
    assert other.status_code == 201, other.content
    assert Holding.objects.count() == 2
