"""Nasty text and dates through the customer API and pages: lone surrogates and NUL characters are
refused with 422 naming the field on SQLite and PostgreSQL alike, never a 500 or a silent store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lojal.customers.models import Customer
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _fields(response: Any) -> set[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"] for error in response.json().get("errors", [])}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"last_name": "Berg", "tags": ["\ud800"]}, "tags[0]"),
        ({"last_name": "Berg\udc00"}, "last_name"),
        (
            {"last_name": "Berg", "emails": [{"address": "a@example.se", "label": "\ud800"}]},
            "emails[0].label",
        ),
        (
            {"last_name": "Berg", "addresses": [{"street": "\ud83d", "postal_code": "1", "city": "X"}]},
            "addresses[0].street",
        ),
        ({"last_name": "Berg", "stage_reason": "\x00"}, "stage_reason"),
        ({"last_name": "Berg", "birth_date": "0001-01-01"}, "birth_date"),
        ({"last_name": "Berg", "birth_date": "1899-12-31"}, "birth_date"),
        (
            {"last_name": "Berg", "birth_date": (dt.date.today() + dt.timedelta(days=1)).isoformat()},
            "birth_date",
        ),
    ],
)
def test_bad_text_and_dates_in_a_new_customer_are_refused_naming_the_field(
    api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = api.post("customers", body)
    assert response.status_code == 422, response.content
    assert _fields(response) == {field}
    assert Customer.objects.count() == 0


def test_founding_year_in_the_future_is_refused(api: ApiClient) -> None:
    body = {"kind": "organisation", "organisation_name": "AB", "founded_year": dt.date.today().year + 1}
    response = api.post("customers", body)
    assert response.status_code == 422, response.content
    assert _fields(response) == {"founded_year"}
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("text", ["Ringde\x00 kunden", "\ud800"])
def test_a_note_with_nul_or_a_lone_surrogate_is_refused_by_the_api(api: ApiClient, text: str) -> None:
    customer = factories.person()
    before = Event.objects.filter(customer_id=customer.pk).count()
    response = api.post(f"customers/{customer.pk}/notes", {"text": text})
    assert response.status_code == 422, response.content
    assert _fields(response) == {"text"}
    assert Event.objects.filter(customer_id=customer.pk).count() == before
