"""Changing many customers at once gives exactly what changing each one with customer_update gives:
the same fields, contact points, tags, audit entry and timeline event; and fails the same way."""

from __future__ import annotations

from typing import Any

import pytest

from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer, Kind
from lojal.customers.services import customer_update
from lojal.customers.updating import ItemError, customers_update_batch
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

START: dict[str, Any] = {
    "emails": [{"address": "anna@example.se", "label": "work"}, "anna.private@example.se"],
    "phones": [{"number": "070-123 45 67", "label": "work"}],
    "addresses": [{"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "SE"}],
    "tags": ["Nyhetsbrev"],
    "preferred_language": "sv",
}
CHANGES: list[dict[str, Any]] = [
    {"first_name": "Annika"},
    {"last_name": "Öberg", "vip_tier": "gold"},
    {"emails": ["ny@example.se", "anna@example.se"]},
    {"phones": ["+46 8 123 456 78"]},
    {"addresses": [{"street": "Kungsgatan 9", "postal_code": "411 19", "city": "Mölndal", "country": "SE"}]},
    {"tags": ["VIP", "Nyhetsbrev"]},
    {"tags": []},
    {"national_id": "811228-9874", "national_id_country": "SE"},
    {"birth_date": "1980-02-03", "preferred_language": "en"},
    {"first_name": "Anna"},  # no change at all
    {"industry": "Bygg"},  # a person has no industry: refused the same way
    {"phones": ["123"]},  # not a phone number
    {"first_name": "", "last_name": ""},  # a person needs a name
]


def _customer(n: int) -> Customer:
    return factories.person(first_name="Anna", last_name="Andersson", **START)


def _state(customer: Customer) -> dict[str, Any]:
    customer.refresh_from_db()
    fields = {
        f.attname: getattr(customer, f.attname)
        for f in Customer._meta.concrete_fields
        if f.attname not in ("id", "customer_number", "created_at", "updated_at")
    }
    audit = list(
        AuditEntry.objects.filter(
            object_type="customers.customer", object_id=str(customer.pk), action="update"
        )
        .order_by("id")
        .values_list("actor_id", "changes", "object_label")
    )
    audit = [
        (actor, changes, label.replace(str(customer.customer_number), "<n>"))
        for actor, changes, label in audit
    ]
    events = list(
        Event.objects.filter(customer=customer, kind="customer.changed")
        .order_by("id")
        .values_list("summary", "data", "actor_id")
    )
    return {
        "fields": fields,
        "emails": list(customer.emails.values_list("address", "label", "is_primary")),
        "phones": list(customer.phones.values_list("number", "label", "is_primary")),
        "addresses": list(
            customer.addresses.values_list("street", "postal_code", "city", "country", "label", "is_primary")
        ),
        "tags": sorted(customer.tags.values_list("name", flat=True)),
        "audit": audit,
        "events": events,
    }


def _outcome_single(customer: Customer, data: dict[str, Any], actor: Any) -> Any:
    try:
        customer_update(actor=actor, customer_id=customer.pk, data=data, check_duplicates=False)
    except (ValidationError, Conflict) as error:
        return type(error).__name__, error.errors
    return _state(customer)


def _outcome_batch(customer: Customer, data: dict[str, Any], actor: Any) -> Any:
    try:
        customers_update_batch(actor=actor, items=[(customer.pk, data)])
    except ItemError as failed:
        assert failed.index == 0
        return type(failed.error).__name__, failed.error.errors
    return _state(customer)


@pytest.mark.parametrize("data", CHANGES, ids=lambda d: ",".join(d) or "nothing")
def test_a_batch_update_leaves_what_customer_update_leaves(data: dict[str, Any], admin_user: Any) -> None:
    one, other = _customer(1), _customer(2)
    single = _outcome_single(one, data, admin_user)
    Customer.objects.filter(pk=one.pk).update(national_id="")  # so that the number is free again
    batch = _outcome_batch(other, data, admin_user)
    assert batch == single


def test_many_customers_change_in_one_batch_with_a_bounded_number_of_queries(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    customers = [_customer(n) for n in range(30)]
    items = [
        (c.pk, {"first_name": f"Ny{n}", "emails": [f"ny{n}@example.se"], "tags": ["VIP"]})
        for n, c in enumerate(customers)
    ]
    with django_assert_max_num_queries(30):
        changed = customers_update_batch(actor=admin_user, items=items, keep_others=True)
    assert changed == [c.pk for c in customers]
    for n, customer in enumerate(customers):
        customer.refresh_from_db()
        assert customer.first_name == f"Ny{n}"
        assert customer.primary_email == f"ny{n}@example.se"
        # The other addresses stay, with their labels; the new one is the primary one.
        assert list(customer.emails.values_list("address", "label", "is_primary")) == [
            (f"ny{n}@example.se", "", True),
            ("anna@example.se", "work", False),
            ("anna.private@example.se", "", False),
        ]
        assert sorted(customer.tags.values_list("name", flat=True)) == ["VIP"]
        assert Event.objects.filter(customer=customer, kind="customer.changed").count() == 1


def test_keep_others_keeps_the_other_phones_and_addresses_with_their_labels(admin_user: Any) -> None:
    customer = _customer(1)
    new_address = {"street": "Kungsgatan 9", "postal_code": "411 19", "city": "Mölndal", "country": "SE"}
    customers_update_batch(
        actor=admin_user,
        items=[(customer.pk, {"phones": ["08-123 456 78"], "addresses": [new_address]})],
        keep_others=True,
    )
    customer.refresh_from_db()
    assert (customer.primary_phone, customer.city) == ("+46812345678", "Mölndal")
    assert list(customer.phones.values_list("number", "label", "is_primary")) == [
        ("+46812345678", "mobile", True),
        ("+46701234567", "work", False),
    ]
    assert list(customer.addresses.values_list("street", "is_primary")) == [
        ("Kungsgatan 9", True),
        ("Storgatan 1", False),
    ]


def test_a_number_another_customer_has_is_a_conflict_naming_the_item(admin_user: Any) -> None:
    factories.person(national_id="811228-9874")
    first, second = _customer(1), _customer(2)
    with pytest.raises(ItemError) as caught:
        customers_update_batch(
            actor=admin_user,
            items=[(first.pk, {"first_name": "Ok"}), (second.pk, {"national_id": "811228-9874"})],
        )
    assert caught.value.index == 1
    assert isinstance(caught.value.error, Conflict)
    assert list(caught.value.errors) == ["national_id"]


def test_a_missing_customer_or_a_stage_change_is_refused(admin_user: Any) -> None:
    customer = _customer(1)
    with pytest.raises(ItemError) as caught:
        customers_update_batch(actor=admin_user, items=[(customer.pk, {}), (customer.pk + 1000, {})])
    assert (caught.value.index, type(caught.value.error)) == (1, NotFound)
    with pytest.raises(ItemError) as caught:
        customers_update_batch(actor=admin_user, items=[(customer.pk, {"lifecycle_stage": "customer"})])
    assert list(caught.value.errors) == ["lifecycle_stage"]


def test_an_organisation_changes_like_a_person(admin_user: Any) -> None:
    one = factories.organisation(organisation_name="Bygg AB", industry="Bygg")
    other = factories.organisation(organisation_name="Bygg AB", industry="Bygg")
    data = {"organisation_name": "Bygg & Anläggning AB", "founded_year": 1990, "employee_count": 12}
    single = _outcome_single(one, data, admin_user)
    batch = _outcome_batch(other, data, admin_user)
    assert batch == single
    assert Customer.objects.get(pk=other.pk).kind == Kind.ORGANISATION
