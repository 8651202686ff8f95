"""Customer writes: create (one or a batch), change, delete and contact persons, with their audit
entries and timeline events, and the guarantee that bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection

from lojal.accounts.models import User
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.core.sequences import SEQUENCE_STARTS
from lojal.customers import selectors
from lojal.customers.creation import customer_create, customers_create_batch
from lojal.customers.models import Address, ContactPerson, Customer, EmailAddress, PhoneNumber, Tag
from lojal.customers.services import (
    contact_person_add,
    contact_person_remove,
    customer_delete,
    customer_update,
)
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

ANNA: dict[str, Any] = {
    "kind": "person",
    "first_name": "Anna",
    "last_name": "Lindqvist",
    "national_id": "880320-0016",
    "emails": ["Anna.Lindqvist@Example.SE", {"address": "anna@work.example", "label": "work"}],
    "phones": ["070-123 45 67"],
    "addresses": [{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
    "tags": ["Nyhetsbrev"],
}
VOLVO: dict[str, Any] = {
    "kind": "organisation",
    "organisation_name": "Volvo Personvagnar AB",
    "national_id": "556036-0793",
    "industry": "Fordonsindustri",
    "employee_count": 2500,
    "founded_year": 1927,
}


def customer_audit() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="customers.customer"))


# --- create -------------------------------------------------------------------------------------


def test_person_create_derives_names_birth_date_and_primary_contact_points(admin_user: User) -> None:
    # when
    anna = customer_create(actor=admin_user, data=ANNA)

    # then
    anna.refresh_from_db()
    assert anna.kind == "person"
    assert anna.display_name == "Anna Lindqvist"
    assert anna.sort_name == "lindqvist anna"
    assert anna.search_text == "anna lindqvist goteborg"
    assert anna.birth_date == dt.date(1988, 3, 20)
    assert (anna.national_id, anna.national_id_country, anna.national_id_kind, anna.national_id_display) == (
        "198803200016",
        "SE",
        "se_personnummer",
        "19880320-0016",
    )
    assert anna.primary_email == "anna.lindqvist@example.se"
    assert anna.primary_phone == "+46701234567"
    assert (anna.city, anna.country) == ("Göteborg", "SE")
    assert anna.lifecycle_stage == "lead"
    assert list(anna.emails.values_list("address", "label", "is_primary")) == [
        ("anna.lindqvist@example.se", "", True),
        ("anna@work.example", "work", False),
    ]
    assert list(anna.phones.values_list("number", "label", "is_primary")) == [
        ("+46701234567", "mobile", True)
    ]
    assert list(anna.addresses.values_list("street", "postal_code", "city", "match_key")) == [
        ("Storgatan 1", "411 38", "Göteborg", "41138|storgatan 1")
    ]
    assert list(anna.tags.values_list("name", flat=True)) == ["Nyhetsbrev"]


def test_person_create_writes_an_audit_entry_and_a_created_event(admin_user: User) -> None:
    # when
    anna = customer_create(actor=admin_user, data=ANNA)

    # then
    [entry] = customer_audit()
    assert (entry.actor, entry.action, entry.object_id) == (admin_user, "create", str(anna.pk))
    assert entry.object_label == f"Anna Lindqvist ({anna.customer_number})"
    assert entry.changes["first_name"] == [None, "Anna"]
    assert entry.changes["national_id"] == [None, "(set)"]  # the number itself stays out of the log
    assert entry.changes["emails"] == [None, ["anna.lindqvist@example.se", "anna@work.example"]]
    [event] = Event.objects.filter(customer=anna)
    assert (event.kind, event.summary, event.actor) == (
        "customer.created",
        "Anna Lindqvist was added. Stage: Lead",
        admin_user,
    )


def test_organisation_create_uses_the_organisation_name(admin_user: User) -> None:
    # when
    volvo = customer_create(actor=admin_user, data=VOLVO)

    # then
    volvo.refresh_from_db()
    assert volvo.display_name == "Volvo Personvagnar AB"
    assert volvo.sort_name == "volvo personvagnar ab"
    assert (volvo.national_id, volvo.national_id_kind, volvo.national_id_display) == (
        "5560360793",
        "se_orgnr",
        "556036-0793",
    )
    assert volvo.birth_date is None
    assert (volvo.industry, volvo.employee_count, volvo.founded_year) == ("Fordonsindustri", 2500, 1927)
    assert Event.objects.get(customer=volvo).summary == "Volvo Personvagnar AB was added. Stage: Lead"


def test_customer_numbers_are_unique_and_increasing(on_postgres: bool) -> None:
    # when
    first = factories.person()
    second = factories.organisation()
    third = factories.person()

    # then
    assert first.customer_number >= SEQUENCE_STARTS["customer_number"] == 100001
    assert [second.customer_number, third.customer_number] == [
        first.customer_number + 1,
        first.customer_number + 2,
    ]
    if not on_postgres:  # a PostgreSQL sequence does not roll back with the test's transaction
        assert first.customer_number == 100001


def test_birth_date_given_by_hand_wins_over_the_one_in_the_number() -> None:
    anna = factories.person(national_id="880320-0016", birth_date="1988-03-21")
    assert anna.birth_date == dt.date(1988, 3, 21)


@pytest.mark.parametrize(
    ("country", "number", "birth_date"),
    [
        ("NO", "15108695088", dt.date(1986, 10, 15)),
        ("DK", "070589-1234", dt.date(1989, 5, 7)),
        # digit 7 is 5 and the year 58-99: born in the 1800s, as the CPR century rules say
        ("DK", "211062-5629", dt.date(1862, 10, 21)),
        ("FI", "131052-308T", dt.date(1952, 10, 13)),
        ("FI", "010105A123P", dt.date(2005, 1, 1)),
        ("SE", "880380-0013", dt.date(1988, 3, 20)),
    ],
)
def test_birth_date_is_derived_from_every_nordic_personal_number(
    country: str, number: str, birth_date: dt.date
) -> None:
    customer = factories.person(national_id=number, national_id_country=country)
    assert customer.birth_date == birth_date
    assert customer.national_id_country == country


def test_address_country_decides_how_phones_are_read() -> None:
    # given an address in Norway, when a number is typed without a country code
    ola = factories.person(
        phones=["412 34 567"],
        addresses=[{"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}],
    )
    # then it is read as Norwegian
    assert ola.primary_phone == "+4741234567"


BAD_INPUT = [
    ({"kind": "person"}, "last_name"),
    ({"kind": "person", "first_name": "  "}, "last_name"),
    ({"kind": "organisation"}, "organisation_name"),
    ({"kind": "robot", "first_name": "R2"}, "kind"),
    ({"first_name": "A" * 101}, "first_name"),
    ({"first_name": 42, "last_name": "X"}, "first_name"),
    ({"last_name": "X", "organisation_name": "Acme"}, "organisation_name"),
    ({"last_name": "X", "employee_count": 3}, "employee_count"),
    ({"kind": "organisation", "organisation_name": "Acme", "birth_date": "1980-01-01"}, "birth_date"),
    ({"kind": "organisation", "organisation_name": "Acme", "employee_count": "many"}, "employee_count"),
    ({"kind": "organisation", "organisation_name": "Acme", "employee_count": -1}, "employee_count"),
    ({"kind": "organisation", "organisation_name": "Acme", "founded_year": 3000}, "founded_year"),
    ({"last_name": "X", "birth_date": "2999-01-01"}, "birth_date"),
    ({"last_name": "X", "birth_date": "20-01-1980"}, "birth_date"),
    ({"last_name": "X", "national_id": "880320-0017"}, "national_id"),
    ({"last_name": "X", "national_id": 8803200016}, "national_id"),
    ({"last_name": "X", "national_id": "880320-0016", "national_id_country": "IS"}, "national_id_country"),
    ({"kind": "organisation", "organisation_name": "Acme", "national_id": "880320-0017"}, "national_id"),
    ({"last_name": "X", "emails": ["not-an-email"]}, "emails[0].address"),
    ({"last_name": "X", "emails": ["ok@example.se", {"address": ""}]}, "emails[1].address"),
    ({"last_name": "X", "emails": "ok@example.se"}, "emails"),
    ({"last_name": "X", "emails": [f"a{i}@example.se" for i in range(21)]}, "emails"),
    ({"last_name": "X", "phones": ["070-123 45 67", "12"]}, "phones[1].number"),
    ({"last_name": "X", "phones": [{"number": "070-123 45 67", "label": "pager"}]}, "phones[0].label"),
    (
        {
            "last_name": "X",
            "addresses": [{"street": "Storgatan 1", "postal_code": "4113", "city": "Göteborg"}],
        },
        "addresses[0].postal_code",
    ),
    (
        {"last_name": "X", "addresses": [{"postal_code": "0154", "city": "Oslo", "country": "SE"}]},
        "addresses[0].postal_code",
    ),
    (
        {
            "last_name": "X",
            "addresses": [{"street": "S 1", "postal_code": "1", "city": "C", "country": "XX"}],
        },
        "addresses[0].country",
    ),
    ({"last_name": "X", "addresses": ["Storgatan 1"]}, "addresses"),
    ({"last_name": "X", "preferred_language": "xx"}, "preferred_language"),
    ({"last_name": "X", "vip_tier": "diamond"}, "vip_tier"),
    ({"last_name": "X", "lifecycle_stage": "prospect"}, "lifecycle_stage"),
    ({"last_name": "X", "account_manager_id": 987654}, "account_manager_id"),
    ({"last_name": "X", "account_manager_id": "me"}, "account_manager_id"),
    ({"last_name": "X", "tags": [""]}, "tags"),
    ({"last_name": "X", "tags": ["x" * 61]}, "tags"),
    ({"last_name": "X", "shoe_size": 42}, "shoe_size"),
]


@pytest.mark.parametrize(("data", "field"), BAD_INPUT)
def test_create_with_bad_input_names_the_field_and_creates_nothing(
    admin_user: User, data: dict[str, Any], field: str
) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=admin_user, data=data)

    # then
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field]
    assert Customer.objects.count() == 0
    assert EmailAddress.objects.count() == PhoneNumber.objects.count() == Address.objects.count() == 0
    assert Tag.objects.count() == 0
    assert customer_audit() == []
    assert Event.objects.count() == 0


def test_create_reports_every_bad_field_at_once() -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        customer_create(
            actor=None,
            data={
                "first_name": "Anna",
                "national_id": "880320-0017",
                "emails": ["ok@example.se", "nope"],
                "phones": ["1"],
                "vip_tier": "diamond",
            },
        )

    # then
    assert sorted(caught.value.errors) == ["emails[1].address", "national_id", "phones[0].number", "vip_tier"]
    assert Customer.objects.count() == 0


def test_duplicate_national_id_is_a_conflict_and_creates_nothing(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)

    # when the same number is typed another way
    with pytest.raises(Conflict) as caught:
        customer_create(actor=admin_user, data={"first_name": "Other", "national_id": "198803200016"})

    # then
    assert caught.value.errors == {
        "national_id": [f"Customer {anna.customer_number} already has this number."]
    }
    assert list(Customer.objects.values_list("pk", flat=True)) == [anna.pk]
    assert len(customer_audit()) == 1
    assert Event.objects.count() == 1


def test_same_number_is_allowed_in_another_country() -> None:
    # given 10000629 is a valid Danish CVR number and a valid Finnish Y-tunnus
    danish = factories.organisation(national_id="10000629", national_id_country="DK")

    # when
    finnish = factories.organisation(national_id="1000062-9", national_id_country="FI")

    # then
    assert (danish.national_id_country, danish.national_id) == ("DK", "10000629")
    assert (finnish.national_id_country, finnish.national_id) == ("FI", "10000629")


def test_number_of_a_deleted_customer_can_be_used_again(admin_user: User) -> None:
    # given
    first = customer_create(actor=admin_user, data=ANNA)
    customer_delete(actor=admin_user, customer_id=first.pk)

    # when
    second = customer_create(actor=admin_user, data={**ANNA, "emails": [], "phones": []})

    # then
    assert second.national_id == first.national_id == "198803200016"
    assert second.pk != first.pk


# --- update -------------------------------------------------------------------------------------


def test_update_changes_only_the_given_fields_and_records_old_and_new(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    AuditEntry.objects.all().delete()
    Event.objects.all().delete()

    # when
    updated = customer_update(
        actor=admin_user, customer_id=anna.pk, data={"first_name": "Annika", "vip_tier": "gold"}
    )

    # then
    updated.refresh_from_db()
    assert (updated.first_name, updated.last_name, updated.vip_tier) == ("Annika", "Lindqvist", "gold")
    assert (updated.display_name, updated.sort_name) == ("Annika Lindqvist", "lindqvist annika")
    assert updated.primary_email == "anna.lindqvist@example.se"
    assert updated.emails.count() == 2
    [entry] = customer_audit()
    assert (entry.action, entry.actor) == ("update", admin_user)
    assert entry.changes == {"first_name": ["Anna", "Annika"], "vip_tier": ["none", "gold"]}
    [event] = Event.objects.filter(customer=anna)
    assert event.kind == "customer.changed"
    assert event.data == {"fields": ["first_name", "vip_tier"]}
    assert event.summary == "Changed: first name, VIP tier"


def test_update_replaces_a_list_and_moves_the_primary_copy(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    AuditEntry.objects.all().delete()

    # when
    customer_update(
        actor=admin_user,
        customer_id=anna.pk,
        data={"emails": ["new@example.se"], "phones": ["+46 8 123 456 78", "0701234567"]},
    )

    # then
    anna.refresh_from_db()
    assert list(anna.emails.values_list("address", flat=True)) == ["new@example.se"]
    assert list(anna.phones.values_list("number", "is_primary")) == [
        ("+46812345678", True),
        ("+46701234567", False),
    ]
    assert (anna.primary_email, anna.primary_phone) == ("new@example.se", "+46812345678")
    [entry] = customer_audit()
    assert entry.changes == {
        "emails": [["anna.lindqvist@example.se", "anna@work.example"], ["new@example.se"]],
        "phones": [["+46701234567"], ["+46812345678", "+46701234567"]],
    }
    assert Event.objects.filter(customer=anna, kind="customer.changed").get().data == {
        "fields": ["emails", "phones"]
    }


def test_stage_change_records_a_stage_event_with_the_reason(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    Event.objects.all().delete()

    # when
    customer_update(
        actor=admin_user,
        customer_id=anna.pk,
        data={"lifecycle_stage": "customer", "stage_reason": "First order"},
    )

    # then
    [event] = Event.objects.filter(customer=anna)
    assert event.kind == "customer.stage_changed"
    assert event.summary == "Stage changed from Lead to Customer: First order"
    assert event.data == {"from": "lead", "to": "customer", "reason": "First order"}
    assert customer_audit()[0].changes == {"lifecycle_stage": ["lead", "customer"]}
    assert Customer.objects.get(pk=anna.pk).lifecycle_stage == "customer"


def test_update_that_changes_nothing_writes_nothing(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    before = Customer.objects.get(pk=anna.pk)
    audit_count, event_count = AuditEntry.objects.count(), Event.objects.count()

    # when the same values are sent again, some in another spelling
    customer_update(
        actor=admin_user,
        customer_id=anna.pk,
        data={
            "first_name": "Anna",
            "national_id": "8803200016",
            "emails": ["anna.lindqvist@example.se", "ANNA@work.example"],
            "phones": ["+46 70 123 45 67"],
            "tags": ["Nyhetsbrev"],
            "lifecycle_stage": "lead",
            "stage_reason": "no change",
        },
    )

    # then
    assert AuditEntry.objects.count() == audit_count
    assert Event.objects.count() == event_count
    assert Customer.objects.get(pk=anna.pk).updated_at == before.updated_at


def test_update_with_bad_input_names_the_field_and_changes_nothing(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    audit_count, event_count = AuditEntry.objects.count(), Event.objects.count()

    # when
    with pytest.raises(ValidationError) as caught:
        customer_update(
            actor=admin_user, customer_id=anna.pk, data={"first_name": "Annika", "emails": ["broken@"]}
        )

    # then
    assert list(caught.value.errors) == ["emails[0].address"]
    anna.refresh_from_db()
    assert anna.first_name == "Anna"
    assert anna.emails.count() == 2
    assert (AuditEntry.objects.count(), Event.objects.count()) == (audit_count, event_count)


def test_update_cannot_remove_both_names_of_a_person(admin_user: User) -> None:
    anna = customer_create(actor=admin_user, data=ANNA)
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=admin_user, customer_id=anna.pk, data={"first_name": "", "last_name": ""})
    assert list(caught.value.errors) == ["last_name"]
    assert Customer.objects.get(pk=anna.pk).display_name == "Anna Lindqvist"


def test_update_cannot_change_the_kind(admin_user: User) -> None:
    anna = customer_create(actor=admin_user, data=ANNA)
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=admin_user, customer_id=anna.pk, data={"kind": "organisation"})
    assert list(caught.value.errors) == ["kind"]
    assert Customer.objects.get(pk=anna.pk).kind == "person"


def test_update_to_a_number_someone_else_has_is_a_conflict(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    other = factories.person()
    audit_count = AuditEntry.objects.count()

    # when
    with pytest.raises(Conflict) as caught:
        customer_update(actor=admin_user, customer_id=other.pk, data={"national_id": "880320-0016"})

    # then
    assert caught.value.errors == {
        "national_id": [f"Customer {anna.customer_number} already has this number."]
    }
    other.refresh_from_db()
    assert other.national_id == ""
    assert AuditEntry.objects.count() == audit_count


def test_update_can_clear_the_national_id(admin_user: User) -> None:
    anna = customer_create(actor=admin_user, data=ANNA)
    customer_update(actor=admin_user, customer_id=anna.pk, data={"national_id": None})
    anna.refresh_from_db()
    assert (anna.national_id, anna.national_id_kind, anna.national_id_display) == ("", "", "")
    assert customer_audit()[0].changes == {"national_id": ["(set)", None]}


def test_update_of_an_unknown_or_deleted_customer_is_not_found(admin_user: User) -> None:
    gone = factories.person()
    customer_delete(actor=admin_user, customer_id=gone.pk)
    for customer_id in (gone.pk, 987654):
        with pytest.raises(NotFound):
            customer_update(actor=admin_user, customer_id=customer_id, data={"first_name": "X"})
    assert Customer.objects.get(pk=gone.pk).first_name != "X"


# --- delete -------------------------------------------------------------------------------------


def test_delete_hides_the_customer_from_every_read_but_keeps_the_row(admin_user: User) -> None:
    # given
    anna = customer_create(actor=admin_user, data=ANNA)
    keep = factories.person(last_name="Kvar")

    # when
    customer_delete(actor=admin_user, customer_id=anna.pk)

    # then
    row = Customer.objects.get(pk=anna.pk)
    assert row.deleted_at is not None
    assert row.emails.count() == 2  # history and contact points stay for the audit trail
    with pytest.raises(NotFound):
        selectors.customer_get(customer_id=anna.pk)
    rows = selectors.customer_rows(filters=selectors.CustomerFilters())
    assert [row["id"] for row in rows] == [keep.pk]
    assert selectors.customer_count() == 1
    assert selectors.customer_search(query="Lindqvist") == []
    assert selectors.customer_search(query="anna.lindqvist@example.se") == []
    assert customer_audit()[0].action == "delete"
    assert Event.objects.filter(customer=anna).order_by("-id").first().kind == "customer.deleted"  # type: ignore[union-attr]


def test_deleting_twice_is_not_found(admin_user: User) -> None:
    anna = factories.person()
    customer_delete(actor=admin_user, customer_id=anna.pk)
    events = Event.objects.count()
    with pytest.raises(NotFound):
        customer_delete(actor=admin_user, customer_id=anna.pk)
    assert Event.objects.count() == events


# --- batch --------------------------------------------------------------------------------------


def batch_item(n: int, **overrides: Any) -> dict[str, Any]:
    return {"first_name": f"Batch{n}", "last_name": "Kund", "emails": [f"batch{n}@example.se"], **overrides}


def test_batch_creates_every_customer_with_its_contact_points_audit_and_events(admin_user: User) -> None:
    # when
    created = customers_create_batch(
        actor=admin_user,
        items=[
            batch_item(0, tags=["Mässa 2026"], phones=["070-123 45 67"]),
            batch_item(1, tags=["mässa 2026"], national_id="880320-0016"),
            {"kind": "organisation", "organisation_name": "Batch AB", "national_id": "556036-0793"},
        ],
    )

    # then
    assert [c.display_name for c in created] == ["Batch0 Kund", "Batch1 Kund", "Batch AB"]
    numbers = [c.customer_number for c in created]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert Customer.objects.count() == 3
    assert sorted(EmailAddress.objects.values_list("address", flat=True)) == [
        "batch0@example.se",
        "batch1@example.se",
    ]
    assert list(PhoneNumber.objects.values_list("customer_id", "number")) == [(created[0].pk, "+46701234567")]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Mässa 2026"]  # one tag, whatever the case
    assert Customer.objects.get(pk=created[1].pk).birth_date == dt.date(1988, 3, 20)
    assert sorted(int(e.object_id) for e in customer_audit()) == sorted(c.pk for c in created)
    assert sorted(Event.objects.values_list("customer_id", "kind")) == sorted(
        (c.pk, "customer.created") for c in created
    )


def test_batch_with_one_bad_item_creates_nothing_and_names_the_item(admin_user: User) -> None:
    # when item 3 has a bad email
    items = [batch_item(n) for n in range(5)]
    items[3]["emails"] = ["ok@example.se", "broken@"]
    items[4]["phones"] = ["12"]
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(actor=admin_user, items=items)

    # then
    assert sorted(caught.value.errors) == ["items[3].emails[1].address", "items[4].phones[0].number"]
    assert caught.value.message == "2 customers have errors; none was created."
    assert Customer.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert customer_audit() == []
    assert Event.objects.count() == 0


def test_batch_of_many_gives_every_customer_its_own_id_contact_points_event_and_audit(
    admin_user: User,
) -> None:
    # given more customers than SQLite takes in one statement
    items = [batch_item(n) for n in range(70)]
    # when
    created = customers_create_batch(actor=admin_user, items=items)
    # then each answer is the stored customer, and what refers to it is its own
    assert [c.display_name for c in created] == [f"Batch{n} Kund" for n in range(70)]
    stored = dict(Customer.objects.values_list("pk", "display_name"))
    assert {c.pk: c.display_name for c in created} == stored
    assert dict(EmailAddress.objects.values_list("customer_id", "address")) == {
        c.pk: f"batch{n}@example.se" for n, c in enumerate(created)
    }
    assert sorted(Event.objects.values_list("customer_id", flat=True)) == sorted(stored)
    assert sorted(int(e.object_id) for e in customer_audit()) == sorted(stored)


def _refuse_email_at_the_database(address: str) -> None:
    """Make the database itself refuse one email address, as a clash found only on insert would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE customers_emailaddress ADD CONSTRAINT refused CHECK (address <> '{address}')"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refused BEFORE INSERT ON customers_emailaddress "
                f"WHEN NEW.address = '{address}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


@pytest.mark.parametrize("size", [3, 30])
def test_batch_refused_by_the_database_in_the_middle_leaves_nothing_behind(
    admin_user: User, size: int
) -> None:
    # given the database refuses the middle item's email, written after every customer of the batch
    _refuse_email_at_the_database(f"batch{size // 2}@example.se")
    items = [batch_item(n, tags=["Mässa"]) for n in range(size)]
    # when
    with pytest.raises(IntegrityError):
        customers_create_batch(actor=admin_user, items=items)
    # then no customer, contact point, tag link, audit entry or event is left
    assert Customer.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert Customer.tags.through.objects.count() == 0
    assert customer_audit() == []
    assert Event.objects.count() == 0


def test_batch_with_the_same_national_id_twice_names_the_later_item() -> None:
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(
            actor=None,
            items=[
                batch_item(0, national_id="880320-0016"),
                batch_item(1),
                batch_item(2, national_id="198803200016"),
            ],
        )
    assert caught.value.errors == {"items[2].national_id": ["The same number is on item 0."]}
    assert Customer.objects.count() == 0


def test_batch_duplicate_national_id_is_reported_at_its_own_index_after_an_invalid_item() -> None:
    # given item 0 is invalid, and items 1 and 2 share a number
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(
            actor=None,
            items=[
                {"first_name": ""},
                batch_item(1, national_id="880320-0016"),
                batch_item(2, national_id="8803200016"),
            ],
        )

    # then each error is on the item that has it, counted in the list as sent
    assert caught.value.errors == {
        "items[0].last_name": ["A person needs a first or last name."],
        "items[2].national_id": ["The same number is on item 1."],
    }
    assert Customer.objects.count() == 0


def test_batch_with_a_number_already_stored_names_the_item_and_the_holder(admin_user: User) -> None:
    # given
    anna = factories.person(national_id="880320-0016")

    # when
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(
            actor=admin_user, items=[batch_item(0), batch_item(1, national_id="8803200016")]
        )

    # then
    assert caught.value.errors == {
        "items[1].national_id": [f"Customer {anna.customer_number} already has this number."]
    }
    assert Customer.objects.count() == 1


def test_batch_must_have_between_one_and_a_thousand_items() -> None:
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(actor=None, items=[])
    assert list(caught.value.errors) == ["items"]
    with pytest.raises(ValidationError) as caught:
        customers_create_batch(actor=None, items=[batch_item(0)] * 1001)
    assert caught.value.errors == {"items": ["At most 1000 customers per batch."]}
    assert Customer.objects.count() == 0


# --- contact persons ----------------------------------------------------------------------------


def test_contact_person_is_added_to_an_organisation_and_linked_to_a_person_customer(admin_user: User) -> None:
    # given
    volvo = factories.organisation(
        addresses=[{"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}]
    )
    karin = factories.person(first_name="Karin", last_name="Berg")
    Event.objects.all().delete()

    # when
    contact = contact_person_add(
        actor=admin_user,
        organisation_id=volvo.pk,
        data={
            "first_name": " Karin ",
            "last_name": "Berg",
            "role": "Inköpschef",
            "email": "Karin.Berg@Volvo.example",
            "phone": "412 34 567",
            "is_primary": True,
            "person_id": karin.pk,
        },
    )

    # then
    contact.refresh_from_db()
    assert (contact.organisation_id, contact.person_id) == (volvo.pk, karin.pk)
    assert (contact.first_name, contact.role, contact.email, contact.phone) == (
        "Karin",
        "Inköpschef",
        "karin.berg@volvo.example",
        "+4741234567",  # read in the organisation's country
    )
    assert contact.is_primary
    [event] = Event.objects.filter(customer=volvo)
    assert (event.kind, event.summary) == ("customer.changed", "Contact person added: Karin Berg")
    assert AuditEntry.objects.filter(object_type="customers.contactperson", action="create").count() == 1
    assert list(karin.contact_roles.all()) == [contact]


def test_a_new_primary_contact_person_replaces_the_old_primary(admin_user: User) -> None:
    volvo = factories.organisation()
    first = contact_person_add(
        actor=admin_user, organisation_id=volvo.pk, data={"first_name": "A", "is_primary": True}
    )
    second = contact_person_add(
        actor=admin_user, organisation_id=volvo.pk, data={"first_name": "B", "is_primary": True}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_only_organisations_have_contact_persons(admin_user: User) -> None:
    # given
    anna = factories.person()
    events = Event.objects.count()

    # when
    with pytest.raises(ValidationError) as caught:
        contact_person_add(actor=admin_user, organisation_id=anna.pk, data={"first_name": "Karin"})

    # then
    assert list(caught.value.errors) == ["organisation_id"]
    assert ContactPerson.objects.count() == 0
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, ["first_name"]),
        ({"first_name": "K", "email": "nope"}, ["email"]),
        ({"first_name": "K", "phone": "12"}, ["phone"]),
        ({"first_name": "K", "person_id": "abc"}, ["person_id"]),
        ({"first_name": "K", "person_id": 987654}, ["person_id"]),
        ({"first_name": "K", "shoe_size": 42}, ["shoe_size"]),
        ({"first_name": "K" * 101}, ["first_name"]),
    ],
)
def test_contact_person_with_bad_input_names_the_field_and_adds_nothing(
    admin_user: User, data: dict[str, Any], fields: list[str]
) -> None:
    volvo = factories.organisation()
    with pytest.raises(ValidationError) as caught:
        contact_person_add(actor=admin_user, organisation_id=volvo.pk, data=data)
    assert sorted(caught.value.errors) == fields
    assert ContactPerson.objects.count() == 0


def test_contact_person_cannot_link_to_an_organisation(admin_user: User) -> None:
    volvo = factories.organisation()
    other = factories.organisation()
    with pytest.raises(ValidationError) as caught:
        contact_person_add(
            actor=admin_user, organisation_id=volvo.pk, data={"first_name": "K", "person_id": other.pk}
        )
    assert caught.value.errors == {"person_id": ["No person customer has this id."]}
    assert ContactPerson.objects.count() == 0


def test_contact_person_remove_deletes_it_with_audit_and_event(admin_user: User) -> None:
    # given
    volvo = factories.organisation()
    contact = contact_person_add(
        actor=admin_user, organisation_id=volvo.pk, data={"first_name": "Karin", "last_name": "Berg"}
    )

    # when
    contact_person_remove(actor=admin_user, organisation_id=volvo.pk, contact_id=contact.pk)

    # then
    assert ContactPerson.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="customers.contactperson", action="delete").count() == 1
    assert (
        Event.objects.filter(customer=volvo).order_by("-id").first().summary
        == "Contact person removed: Karin Berg"
    )  # type: ignore[union-attr]


def test_contact_person_of_another_organisation_cannot_be_removed(admin_user: User) -> None:
    volvo = factories.organisation()
    other = factories.organisation()
    contact = contact_person_add(actor=admin_user, organisation_id=volvo.pk, data={"first_name": "Karin"})
    with pytest.raises(NotFound):
        contact_person_remove(actor=admin_user, organisation_id=other.pk, contact_id=contact.pk)
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


OSLO = {"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}


def test_update_reads_a_new_phone_in_the_customers_own_country() -> None:
    ola = factories.person(first_name="Ola", addresses=[OSLO])
    customer_update(actor=None, customer_id=ola.pk, data={"phones": ["412 34 567"]})
    assert Customer.objects.get(pk=ola.pk).primary_phone == "+4741234567"


def test_update_reads_a_new_national_id_in_the_customers_own_country() -> None:
    ola = factories.person(first_name="Ola", national_id="55108695071", national_id_country="NO")
    customer_update(actor=None, customer_id=ola.pk, data={"national_id": "15108695088"})
    assert Customer.objects.get(pk=ola.pk).national_id == "15108695088"


def test_update_with_the_country_given_reads_the_national_id_in_it() -> None:
    ola = factories.person(first_name="Ola", national_id="55108695071", national_id_country="NO")
    customer_update(
        actor=None, customer_id=ola.pk, data={"national_id": "15108695088", "national_id_country": "NO"}
    )
    ola.refresh_from_db()
    assert (ola.national_id, ola.national_id_country, ola.national_id_display) == (
        "15108695088",
        "NO",
        "151086 95088",
    )


def test_customer_exists_only_for_a_live_customer() -> None:
    # given a live customer and a deleted one
    live = factories.person(first_name="Ida", last_name="Ek")
    gone = factories.person(first_name="Bo", last_name="Ek")
    customer_delete(actor=None, customer_id=gone.pk)

    # then only the live one exists for other apps
    assert selectors.customer_exists(customer_id=live.pk) is True
    assert selectors.customer_exists(customer_id=gone.pk) is False
    assert selectors.customer_exists(customer_id=987654) is False
