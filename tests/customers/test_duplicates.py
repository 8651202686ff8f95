"""Suspected duplicates (same email, phone or number, or nearly the same name at one address), dismissing
them, and merging two customers without losing anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers import selectors
from lojal.customers.creation import customers_create_batch
from lojal.customers.duplicates import customers_merge, duplicate_dismiss, duplicates_check
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion, EmailAddress, PhoneNumber
from lojal.customers.services import contact_person_add, customer_delete, customer_update
from lojal.timeline.models import Event
from lojal.timeline.services import note_add
from tests import factories

pytestmark = pytest.mark.django_db

STORGATAN = {"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}


def pairs() -> list[tuple[int, int, list[str], int, str]]:
    return list(
        DuplicateSuspicion.objects.order_by("first_id", "second_id").values_list(
            "first_id", "second_id", "reasons", "score", "status"
        )
    )


def test_same_email_in_any_case_is_a_suspected_duplicate() -> None:
    # given
    anna = factories.person(first_name="Anna", last_name="Lindqvist", emails=["anna@example.se"])

    # when a second customer is created with the same address in other letters
    other = factories.person(first_name="A", last_name="L", emails=["work@example.se", "ANNA@Example.SE"])

    # then
    assert pairs() == [(anna.pk, other.pk, ["email"], 60, "open")]


def test_same_phone_in_different_spellings_is_a_suspected_duplicate() -> None:
    anna = factories.person(phones=["070-123 45 67"])
    other = factories.person(phones=["+46 70 123 45 67"])
    third = factories.person(phones=["0046701234567"])
    assert pairs() == [
        (anna.pk, other.pk, ["phone"], 50, "open"),
        (anna.pk, third.pk, ["phone"], 50, "open"),
        (other.pk, third.pk, ["phone"], 50, "open"),
    ]


def test_evidence_adds_up_to_at_most_one_hundred() -> None:
    anna = factories.person(emails=["anna@example.se"], phones=["070-123 45 67"])
    other = factories.person(emails=["anna@example.se"], phones=["0701234567"])
    assert pairs() == [(anna.pk, other.pk, ["email", "phone"], 100, "open")]


def test_near_identical_name_at_the_same_address_is_a_suspected_duplicate() -> None:
    anna = factories.person(first_name="Anna", last_name="Lindqvist", addresses=[STORGATAN])
    ana = factories.person(
        first_name="Ana",
        last_name="Lindquist",
        addresses=[{"street": "STORGATAN  1", "postal_code": "41138", "city": "Gothenburg"}],
    )
    assert pairs() == [(anna.pk, ana.pk, ["name_address"], 40, "open")]


def test_different_people_are_not_suspected() -> None:
    # given people who share a surname and an address, or a name but nothing else
    factories.person(
        first_name="Anna", last_name="Lindqvist", addresses=[STORGATAN], emails=["anna@example.se"]
    )
    factories.person(
        first_name="Per", last_name="Lindqvist", addresses=[STORGATAN], emails=["per@example.se"]
    )
    factories.person(first_name="Anna", last_name="Lindqvist", phones=["0701234567"])
    factories.person(first_name="Anna", last_name="Lindqvist", phones=["0701234568"])

    # then
    assert pairs() == []
    assert duplicates_check(customer_ids=None) == 0


def test_deleted_customers_are_not_suspected() -> None:
    anna = factories.person(emails=["anna@example.se"])
    customer_delete(actor=None, customer_id=anna.pk)
    factories.person(emails=["anna@example.se"])
    assert pairs() == []


def test_new_evidence_updates_the_reasons_of_an_open_suspicion() -> None:
    # given
    anna = factories.person(emails=["anna@example.se"])
    other = factories.person(emails=["anna@example.se"])

    # when
    customer_update(actor=None, customer_id=other.pk, data={"phones": ["0701234567"]})
    customer_update(actor=None, customer_id=anna.pk, data={"phones": ["070-123 45 67"]})

    # then
    assert pairs() == [(anna.pk, other.pk, ["email", "phone"], 100, "open")]


def test_dismissed_suspicion_stays_dismissed_on_every_recheck(make_user: Any) -> None:
    # given
    manager = make_user(Role.MANAGER)
    anna = factories.person(emails=["anna@example.se"])
    other = factories.person(emails=["anna@example.se"])
    suspicion = DuplicateSuspicion.objects.get()

    # when
    duplicate_dismiss(actor=manager, suspicion_id=suspicion.pk)
    new_by_pair = duplicates_check(customer_ids=[anna.pk, other.pk])
    new_by_scan = duplicates_check(customer_ids=None)
    customer_update(actor=None, customer_id=other.pk, data={"phones": ["0701234567"]})
    customer_update(actor=None, customer_id=anna.pk, data={"phones": ["0701234567"]})

    # then
    assert (new_by_pair, new_by_scan) == (0, 0)
    assert pairs() == [(anna.pk, other.pk, ["email"], 60, "dismissed")]
    suspicion.refresh_from_db()
    assert suspicion.resolved_by == manager
    assert suspicion.resolved_at is not None
    [entry] = AuditEntry.objects.filter(object_type="customers.duplicatesuspicion")
    assert (entry.action, entry.actor, entry.changes) == (
        "update",
        manager,
        {"status": ["open", "dismissed"]},
    )
    assert selectors.duplicate_list() == []
    assert [s.pk for s in selectors.duplicate_list(status="dismissed")] == [suspicion.pk]


def test_dismissing_an_unknown_suspicion_is_not_found() -> None:
    with pytest.raises(NotFound):
        duplicate_dismiss(actor=None, suspicion_id=987654)
    assert AuditEntry.objects.filter(object_type="customers.duplicatesuspicion").count() == 0


def test_full_scan_finds_the_same_pairs_as_the_checks_on_create() -> None:
    # given pairs found one by one as the customers were created
    anna = factories.person(
        first_name="Anna", last_name="Lindqvist", emails=["anna@example.se"], addresses=[STORGATAN]
    )
    factories.person(first_name="Ana", last_name="Lindquist", addresses=[STORGATAN])
    factories.person(emails=["Anna@example.se"], phones=["0701234567"])
    factories.person(phones=["+46701234567"])
    factories.person(first_name="Solo", last_name="Person", emails=["solo@example.se"])
    factories.organisation(emails=["info@example.se"])
    deleted = factories.person(emails=["info@example.se"])
    customer_delete(actor=None, customer_id=deleted.pk)
    found_on_create = [pair for pair in pairs() if deleted.pk not in pair[:2]]
    assert [reasons for _first, _second, reasons, _score, _status in found_on_create] == [
        ["name_address"],
        ["email"],
        ["phone"],
    ]
    assert found_on_create[0][0] == anna.pk

    # when they are forgotten and a full scan runs
    DuplicateSuspicion.objects.all().delete()
    new = duplicates_check(customer_ids=None)

    # then
    assert new == 3
    assert pairs() == found_on_create


def customer_with_everything(actor: Any, **overrides: Any) -> Customer:
    return factories.person(actor=actor, **overrides)


def test_merge_keeps_everything_of_both_on_the_kept_customer(make_user: Any) -> None:
    # given
    manager = make_user(Role.MANAGER)
    seller = make_user(Role.SALES)
    keep = factories.person(
        actor=manager,
        first_name="Anna",
        last_name="Lindqvist",
        emails=["anna@example.se"],
        phones=["070-123 45 67"],
        addresses=[STORGATAN],
        tags=["VIP"],
        lifecycle_stage="customer",
    )
    other = factories.person(
        actor=manager,
        first_name="Ana",
        last_name="Lindquist",
        national_id="880320-0016",
        emails=["ANNA@example.se", "ana.work@example.se"],
        phones=["08-123 456 78"],
        addresses=[{"street": "Ringvägen 2", "postal_code": "118 60", "city": "Stockholm"}],
        tags=["Nyhetsbrev", "VIP"],
        account_manager_id=seller.pk,
    )
    organisation = factories.organisation(actor=manager)
    role = contact_person_add(
        actor=manager, organisation_id=organisation.pk, data={"first_name": "Ana", "person_id": other.pk}
    )
    note = note_add(customer_id=other.pk, text="Called about her order", actor=manager)
    keep_events = set(Event.objects.filter(customer=keep).values_list("pk", flat=True))
    other_events = set(Event.objects.filter(customer=other).values_list("pk", flat=True))
    suspicion = DuplicateSuspicion.objects.get(first=keep, second=other)

    # when
    kept = customers_merge(actor=manager, keep_id=keep.pk, other_id=other.pk)

    # then the kept customer has every contact point once, the first ones still primary
    kept.refresh_from_db()
    assert list(kept.emails.values_list("address", "is_primary")) == [
        ("anna@example.se", True),
        ("ana.work@example.se", False),
    ]
    assert list(kept.phones.values_list("number", "is_primary")) == [
        ("+46701234567", True),
        ("+46812345678", False),
    ]
    assert list(kept.addresses.values_list("street", "is_primary")) == [
        ("Storgatan 1", True),
        ("Ringvägen 2", False),
    ]
    assert sorted(kept.tags.values_list("name", flat=True)) == ["Nyhetsbrev", "VIP"]
    role.refresh_from_db()
    assert role.person_id == kept.pk
    # its own fields win; empty ones are filled from the other
    assert (kept.first_name, kept.last_name, kept.display_name) == ("Anna", "Lindqvist", "Anna Lindqvist")
    assert (kept.primary_email, kept.primary_phone, kept.city) == (
        "anna@example.se",
        "+46701234567",
        "Göteborg",
    )
    assert kept.lifecycle_stage == "customer"
    assert (kept.national_id, kept.national_id_display) == ("198803200016", "19880320-0016")
    assert kept.birth_date == dt.date(1988, 3, 20)
    assert kept.account_manager == seller
    # the other is a deleted row pointing at the kept one
    other.refresh_from_db()
    assert other.deleted_at is not None
    assert other.merged_into_id == kept.pk
    assert other.emails.count() == other.phones.count() == other.addresses.count() == 0
    with pytest.raises(NotFound) as caught:
        selectors.customer_get(customer_id=other.pk)
    assert caught.value.message == f"Customer {other.pk} was merged into customer {kept.pk}."
    # both timelines are on the kept customer, with a merge event
    merged_event = Event.objects.get(kind="customer.merged")
    assert set(Event.objects.filter(customer=kept).values_list("pk", flat=True)) == (
        keep_events | other_events | {merged_event.pk}
    )
    assert note.pk in other_events
    assert merged_event.customer_id == kept.pk
    assert merged_event.summary == (
        f"Merged with Ana Lindquist ({other.customer_number}); "
        "kept from it: account manager, birth date, national id"
    )
    expected_data = {
        "merged_customer_id": other.pk,
        "merged_customer_number": other.customer_number,
        "filled": ["account_manager_id", "birth_date", "national_id"],
        # no choice made: the kept customer's values, the other's where it had none
        "chosen": {
            "account_manager": "merged",
            "address": "kept",
            "birth_date": "merged",
            "first_name": "kept",
            "last_name": "kept",
            "lifecycle_stage": "kept",
            "national_id": "merged",
            "phone": "kept",
        },
    }
    assert {key: merged_event.data.get(key) for key in expected_data} == expected_data
    assert merged_event.actor == manager
    # the audit log has one entry for each side
    keep_entry = AuditEntry.objects.get(action="merge", object_id=str(kept.pk))
    assert keep_entry.changes["merged"] == [None, other.customer_number]
    assert keep_entry.changes["filled"]["national_id"] == [None, "(set)"]
    assert keep_entry.changes["moved"] == {"customers.contactperson": 1}
    other_entry = AuditEntry.objects.get(action="merge", object_id=str(other.pk))
    assert other_entry.changes == {"merged_into": [None, kept.customer_number]}
    # and the suspicion is resolved
    suspicion.refresh_from_db()
    assert (suspicion.status, suspicion.resolved_by) == ("merged", manager)
    assert selectors.duplicate_list() == []


def test_merge_into_a_customer_without_contact_points_keeps_the_others_primary() -> None:
    # given
    keep = factories.person(first_name="Anna", last_name="Lindqvist")
    other = factories.person(
        first_name="Anna",
        last_name="Lindqvist",
        emails=["anna@example.se", "anna@work.example"],
        phones=["0701234567"],
        addresses=[STORGATAN],
    )

    # when
    customers_merge(actor=None, keep_id=keep.pk, other_id=other.pk)

    # then the filled-in primary copies point at a primary record
    keep.refresh_from_db()
    assert (keep.primary_email, keep.primary_phone, keep.city) == (
        "anna@example.se",
        "+46701234567",
        "Göteborg",
    )
    assert list(keep.emails.values_list("address", "is_primary")) == [
        ("anna@example.se", True),
        ("anna@work.example", False),
    ]
    assert list(keep.phones.values_list("number", "is_primary")) == [("+46701234567", True)]
    assert list(keep.addresses.values_list("street", "is_primary")) == [("Storgatan 1", True)]


def test_merging_organisations_moves_their_contact_persons(admin_user: User) -> None:
    keep = factories.organisation(organisation_name="Volvo AB")
    other = factories.organisation(organisation_name="AB Volvo")
    contact_person_add(actor=admin_user, organisation_id=keep.pk, data={"first_name": "Karin"})
    contact_person_add(actor=admin_user, organisation_id=other.pk, data={"first_name": "Lars"})

    customers_merge(actor=admin_user, keep_id=keep.pk, other_id=other.pk)

    assert sorted(ContactPerson.objects.filter(organisation=keep).values_list("first_name", flat=True)) == [
        "Karin",
        "Lars",
    ]
    assert ContactPerson.objects.filter(organisation=other).count() == 0


def test_merge_removes_the_others_open_suspicions_with_third_customers() -> None:
    keep = factories.person(emails=["a@example.se"])
    other = factories.person(emails=["a@example.se"], phones=["0701234567"])
    third = factories.person(phones=["0701234567"])
    assert len(pairs()) == 2

    customers_merge(actor=None, keep_id=keep.pk, other_id=other.pk)

    # the phone moved to the kept customer, so the third one is now suspected against it
    assert pairs() == [
        (keep.pk, other.pk, ["email"], 60, "merged"),
        (keep.pk, third.pk, ["phone"], 50, "open"),
    ]


def snapshot() -> tuple[Any, ...]:
    return (
        list(
            Customer.objects.order_by("pk").values_list("pk", "deleted_at", "merged_into_id", "national_id")
        ),
        list(EmailAddress.objects.order_by("pk").values_list("pk", "customer_id", "is_primary")),
        list(PhoneNumber.objects.order_by("pk").values_list("pk", "customer_id")),
        list(Event.objects.order_by("pk").values_list("pk", "customer_id")),
        AuditEntry.objects.count(),
        pairs(),
    )


def test_merging_a_person_with_an_organisation_is_refused_and_changes_nothing() -> None:
    # given
    person = factories.person(emails=["info@example.se"])
    organisation = factories.organisation(emails=["info@example.se"])
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as caught:
        customers_merge(actor=None, keep_id=person.pk, other_id=organisation.pk)

    # then
    assert caught.value.errors == {"other_id": ["A person and an organisation cannot be merged."]}
    assert snapshot() == before


def test_merging_a_customer_with_itself_is_refused_and_changes_nothing() -> None:
    anna = factories.person(emails=["a@example.se"])
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        customers_merge(actor=None, keep_id=anna.pk, other_id=anna.pk)
    assert caught.value.errors == {"other_id": ["A customer cannot be merged with itself."]}
    assert snapshot() == before


def test_merging_with_a_deleted_or_unknown_customer_is_not_found() -> None:
    anna = factories.person()
    gone = factories.person()
    customer_delete(actor=None, customer_id=gone.pk)
    before = snapshot()
    for keep_id, other_id in ((anna.pk, gone.pk), (gone.pk, anna.pk), (anna.pk, 987654)):
        with pytest.raises(NotFound):
            customers_merge(actor=None, keep_id=keep_id, other_id=other_id)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_batch_looks_for_duplicates_after_commit_in_the_worker(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a customer already known by email
    known = factories.person(first_name="Lena", last_name="Holm", emails=["lena.holm@example.se"])

    # when a batch brings the same address again
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [again, _other] = customers_create_batch(
            actor=None,
            items=[
                {"first_name": "Lena", "last_name": "Holmström", "emails": ["LENA.HOLM@example.se"]},
                {"first_name": "Per", "last_name": "Ek"},
            ],
        )

    # then nothing is suspected until the task queued on commit has run
    assert DuplicateSuspicion.objects.count() == 0
    assert len(callbacks) == 1
    callbacks[0]()
    suspicion = DuplicateSuspicion.objects.get()
    assert (suspicion.first_id, suspicion.second_id, suspicion.reasons) == (known.pk, again.pk, ["email"])


def test_merge_keeps_the_earlier_customer_since_and_both_customers_attributes() -> None:
    keep = factories.person(
        first_name="Per", last_name="Åström", customer_since="2018-05-01", attributes={"Säljare": "Karin"}
    )
    other = factories.person(
        first_name="Per",
        last_name="Åström",
        customer_since="2014-03-01",
        attributes={"Säljare": "Erik", "Kreditgräns": "10 000"},
    )
    customers_merge(actor=None, keep_id=keep.pk, other_id=other.pk)
    keep.refresh_from_db()
    assert keep.customer_since == dt.date(2014, 3, 1)
    assert keep.attributes == {"Säljare": "Karin", "Kreditgräns": "10 000"}
    filled = AuditEntry.objects.get(action="merge", object_id=str(keep.pk)).changes["filled"]
    assert filled["customer_since"] == ["2018-05-01", "2014-03-01"]
    assert filled["attributes"] == [None, {"Kreditgräns": "10 000"}]
