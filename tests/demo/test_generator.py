"""The demo generator: every number it makes is valid and unique, and the services accept its records."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.conf import settings

from lojal.accounts.models import User
from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.nordic_ids import national_id_parse
from lojal.customers.creation import customers_create_batch
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion
from lojal.customers.services import contact_person_add
from lojal.demo.generator import contact_persons_for, generate_customers, misspell

COUNT = 2000


@pytest.fixture(scope="module")
def customers() -> list[dict[str, Any]]:
    return list(generate_customers(COUNT, seed=7))


def _region(record: dict[str, Any]) -> str:
    if record.get("national_id_country"):
        return str(record["national_id_country"])
    if record.get("addresses"):
        return str(record["addresses"][0]["country"])
    return str(settings.DEFAULT_COUNTRY)


def _value(entry: Any, key: str) -> str:
    return entry if isinstance(entry, str) else entry[key]


def test_every_national_id_validates(customers: list[dict[str, Any]]) -> None:
    with_numbers = [record for record in customers if record.get("national_id")]

    for record in with_numbers:
        parsed = national_id_parse(
            country=record["national_id_country"], holder=record["kind"], value=record["national_id"]
        )
        assert parsed.country == record["national_id_country"]
    assert len(with_numbers) > COUNT * 0.7


def test_national_ids_are_unique(customers: list[dict[str, Any]]) -> None:
    compact = [
        national_id_parse(country=r["national_id_country"], holder=r["kind"], value=r["national_id"]).compact
        for r in customers
        if r.get("national_id")
    ]

    assert len(compact) == len(set(compact))


def test_every_phone_normalises_in_the_customers_country(customers: list[dict[str, Any]]) -> None:
    numbers = [
        phone_normalise(_value(phone, "number"), region=_region(record))
        for record in customers
        for phone in record.get("phones", [])
    ]

    assert len(numbers) > COUNT * 0.7
    assert all(number.startswith(("+46", "+47", "+45", "+358")) for number in numbers)


def test_emails_are_valid_and_mostly_unique(customers: list[dict[str, Any]]) -> None:
    emails = [
        email_normalise(_value(email, "address"))
        for record in customers
        for email in record.get("emails", [])
    ]

    assert len(set(emails)) >= len(emails) * 0.98


def test_mix_of_kinds_and_countries(customers: list[dict[str, Any]]) -> None:
    organisations = sum(1 for record in customers if record["kind"] == "organisation")
    swedish = sum(1 for record in customers if _region(record) == "SE")

    assert 0.10 * COUNT < organisations < 0.20 * COUNT
    assert 0.42 * COUNT < swedish < 0.58 * COUNT


def test_same_seed_gives_same_customers() -> None:
    assert list(generate_customers(50, seed=3)) == list(generate_customers(50, seed=3))
    assert list(generate_customers(50, seed=3)) != list(generate_customers(50, seed=4))


def test_later_chunks_never_reuse_a_number_of_earlier_ones() -> None:
    first = {r["national_id"] for r in generate_customers(500, start_index=0) if r.get("national_id")}
    second = {r["national_id"] for r in generate_customers(500, start_index=500) if r.get("national_id")}

    assert first.isdisjoint(second)


def test_misspelling_changes_a_name_a_little() -> None:
    rng = random.Random(1)

    for name in ("Lindqvist", "Anna", "Jönsson", "Bjørn", "Ek"):
        wrong = misspell(name, rng)
        assert wrong != name
        assert abs(len(wrong) - len(name)) <= 1


@pytest.mark.django_db
def test_customers_create_batch_accepts_a_chunk(customers: list[dict[str, Any]], admin_user: User) -> None:
    chunk = customers[:200]

    created = customers_create_batch(actor=admin_user, items=chunk)

    assert len(created) == 200
    assert Customer.objects.count() == 200
    assert Customer.objects.exclude(national_id="").count() == sum(1 for r in chunk if r.get("national_id"))


@pytest.mark.django_db
def test_deliberate_duplicates_are_found(admin_user: User, django_capture_on_commit_callbacks: Any) -> None:
    records = list(generate_customers(400, seed=11, duplicate_rate=0.1))

    with django_capture_on_commit_callbacks(execute=True):
        customers_create_batch(actor=admin_user, items=records[:200])
        customers_create_batch(actor=admin_user, items=records[200:])

    assert DuplicateSuspicion.objects.count() >= 10


@pytest.mark.django_db
def test_contact_persons_are_accepted(customers: list[dict[str, Any]], admin_user: User) -> None:
    organisations = [(index, r) for index, r in enumerate(customers) if r["kind"] == "organisation"][:20]
    created = customers_create_batch(actor=admin_user, items=[record for _index, record in organisations])
    rng = random.Random(5)
    expected = 0

    for customer, (index, record) in zip(created, organisations, strict=True):
        for data in contact_persons_for(index, rng, organisation=record):
            contact_person_add(actor=admin_user, organisation_id=customer.pk, data=data)
            expected += 1

    assert ContactPerson.objects.count() == expected >= 20
