"""A new customer's row built from cleaned data holds what a Customer object built and saved by the
services holds: plain fields, stage, national number and birth date, primary contact points, names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lojal.customers.derived import refresh_derived
from lojal.customers.languages import preferred_language_derived
from lojal.customers.models import Customer, Kind, Stage
from lojal.customers.rows import CUSTOMER_COLUMNS, customer_values, customers_from_rows
from lojal.customers.services import PLAIN_FIELDS, apply_national_id, primary_copies
from lojal.customers.validation import customer_clean

INPUTS = [
    (Kind.PERSON, {"first_name": "Per", "last_name": "Åström", "national_id": "19880320-0016"}),
    (
        Kind.PERSON,
        {
            "first_name": "Anna-Karin",
            "last_name": "de la Motte",
            "birth_date": "1970-01-02",
            "emails": ["Anna@Example.se", "b@example.se"],
            "phones": ["070-123 45 67"],
            "addresses": [{"street": "Storgatan 1", "postal_code": "111 22", "city": "Göteborg"}],
            "attributes": {"Kundnr": "K1"},
            "lifecycle_stage": "customer",
            "customer_since": "2020-05-01",
            "vip_tier": "gold",
            "preferred_language": "nb",
        },
    ),
    (
        Kind.ORGANISATION,
        {
            "organisation_name": "Fjällräven AB",
            "industry": "Friluftsliv",
            "national_id": "556036-0793",
            "national_id_country": "SE",
            "employee_count": 120,
            "founded_year": 1960,
            "addresses": [{"postal_code": "0150", "city": "Oslo", "country": "NO"}],
        },
    ),
    (Kind.PERSON, {"last_name": "Öberg", "national_id": "8803200016", "national_id_country": "SE"}),
]


def object_values(kind: str, cleaned: dict[str, Any], number: int) -> dict[str, Any]:
    """What the services' Customer object held before it was saved (the reference)."""
    customer = Customer(
        kind=kind,
        customer_number=number,
        **{field: cleaned[field] for field in PLAIN_FIELDS if field in cleaned},
    )
    customer.lifecycle_stage = cleaned.get("lifecycle_stage") or Stage.LEAD
    customer.preferred_language = preferred_language_derived(cleaned)
    apply_national_id(customer, cleaned.get("national_id"))
    primary_copies(customer, cleaned)
    refresh_derived(customer)
    return {
        name: getattr(customer, name) for name in CUSTOMER_COLUMNS if name not in ("created_at", "updated_at")
    }


@pytest.mark.parametrize(("kind", "data"), INPUTS)
def test_a_customers_row_holds_what_the_customer_object_held(kind: str, data: dict[str, Any]) -> None:
    # given valid input, cleaned as every create cleans it
    cleaned = customer_clean(data=data, kind=kind, partial=False)
    now = timezone.now()

    # when its row is built
    values = customer_values(kind, cleaned, number=100_123, now=now)

    # then every column holds what the Customer object built from the same data held, with plain texts
    expected = object_values(kind, cleaned, 100_123)
    assert {name: values[name] for name in expected} == expected
    assert values["created_at"] == values["updated_at"] == now
    assert all(
        type(values[name]) is str for name in ("kind", "lifecycle_stage", "vip_tier", "preferred_language")
    )


def test_a_persons_birth_date_comes_from_the_national_number_only_when_not_given() -> None:
    # given two persons with the same number, one with a birth date of its own
    number = {"last_name": "Öberg", "national_id": "19880320-0016"}
    without = customer_clean(data=number, kind=Kind.PERSON, partial=False)
    given = customer_clean(data={**number, "birth_date": "1988-03-21"}, kind=Kind.PERSON, partial=False)

    # when their rows are built, then the number fills only the missing birth date
    now = timezone.now()
    assert customer_values(Kind.PERSON, without, number=1, now=now)["birth_date"] == dt.date(1988, 3, 20)
    assert customer_values(Kind.PERSON, given, number=2, now=now)["birth_date"] == dt.date(1988, 3, 21)


@pytest.mark.django_db
def test_customers_from_rows_are_loaded_objects_that_need_no_query() -> None:
    # given a row just written with an id
    cleaned = customer_clean(data=INPUTS[1][1], kind=Kind.PERSON, partial=False)
    values = customer_values(Kind.PERSON, cleaned, number=100_200, now=timezone.now())

    # when the object is made from it
    (customer,) = customers_from_rows([42], [values])

    # then it is a stored customer with every field set, deleted and merged into nothing
    assert customer.pk == 42
    assert customer._state.adding is False
    assert customer.display_name == "Anna-Karin de la Motte"
    assert customer.primary_email == "anna@example.se"
    assert customer.deleted_at is None
    assert customer.merged_into_id is None
