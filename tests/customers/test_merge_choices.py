"""Field-by-field merge: staff choose, for each field the two customers differ on, whose value the kept
customer gets; the service validates the choices, and the merge event and audit entry record them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.duplicates import customers_merge
from lojal.customers.models import Customer, DuplicateSuspicion
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def _pair(make_user: Callable[..., User]) -> tuple[Customer, Customer, User, User]:
    maria, sven = make_user(Role.SALES, "maria"), make_user(Role.SALES, "sven")
    keep = factories.person(
        first_name="Anna",
        last_name="Lindqvist",
        emails=["anna@example.se"],
        phones=["070-123 45 67"],
        addresses=[{"street": "Storgatan 1", "postal_code": "411 01", "city": "Göteborg"}],
        lifecycle_stage="lead",
        account_manager_id=maria.pk,
    )
    other = factories.person(
        first_name="Ana",
        last_name="Lindquist",
        birth_date=dt.date(1988, 3, 20),
        emails=["ana.l@example.se"],
        phones=["070-765 43 21"],
        addresses=[{"street": "Ringvägen 2", "postal_code": "118 60", "city": "Stockholm"}],
        lifecycle_stage="customer",
        account_manager_id=sven.pk,
    )
    return keep, other, maria, sven


def test_merge_keeps_the_chosen_values_of_the_other_customer(make_user: Callable[..., User]) -> None:
    keep, other, _maria, sven = _pair(make_user)

    kept = customers_merge(
        actor=None,
        keep_id=keep.pk,
        other_id=other.pk,
        choices={
            "last_name": other.pk,
            "email": other.pk,
            "phone": keep.pk,
            "address": other.pk,
            "lifecycle_stage": other.pk,
            "account_manager": other.pk,
        },
    )

    kept.refresh_from_db()
    assert (kept.first_name, kept.last_name, kept.display_name) == ("Anna", "Lindquist", "Anna Lindquist")
    assert kept.primary_email == "ana.l@example.se"
    assert list(kept.emails.values_list("address", "is_primary")) == [
        ("ana.l@example.se", True),
        ("anna@example.se", False),
    ]
    assert kept.primary_phone == "+46701234567"
    assert list(kept.addresses.values_list("street", "is_primary")) == [
        ("Ringvägen 2", True),
        ("Storgatan 1", False),
    ]
    assert (kept.city, kept.country) == ("Stockholm", "SE")
    assert kept.lifecycle_stage == "customer"
    assert kept.account_manager_id == sven.pk
    assert kept.birth_date == dt.date(1988, 3, 20)  # no choice: filled from the other, as always
    event = Event.objects.get(kind="customer.merged", customer_id=kept.pk)
    assert event.data["chosen"] == {
        "account_manager": "merged",
        "address": "merged",
        "birth_date": "merged",
        "email": "merged",
        "first_name": "kept",
        "last_name": "merged",
        "lifecycle_stage": "merged",
        "phone": "kept",
    }
    audit = AuditEntry.objects.get(action="merge", object_id=str(kept.pk))
    assert audit.changes["chosen"] == event.data["chosen"]
    assert audit.changes["filled"]["last_name"] == ["Lindqvist", "Lindquist"]
    assert audit.changes["filled"]["lifecycle_stage"] == ["lead", "customer"]


def test_merge_without_choices_keeps_todays_rule(make_user: Callable[..., User]) -> None:
    keep, other, maria, _sven = _pair(make_user)

    kept = customers_merge(actor=None, keep_id=keep.pk, other_id=other.pk)

    kept.refresh_from_db()
    assert (kept.last_name, kept.primary_email, kept.city) == ("Lindqvist", "anna@example.se", "Göteborg")
    assert (kept.lifecycle_stage, kept.account_manager_id) == ("lead", maria.pk)
    assert kept.birth_date == dt.date(1988, 3, 20)


@pytest.mark.parametrize(
    ("choices", "field", "reason"),
    [
        ({"shoe_size": 1}, "choices.shoe_size", "Not a field a merge can choose."),
        ({"organisation_name": 1}, "choices.organisation_name", "Not a field a merge can choose."),
        ({"email": 999_999}, "choices.email", "Must be the id of one of the two customers."),
        (
            {"birth_date": "keep"},
            "choices.birth_date",
            "That customer has no value here; choose the other one.",
        ),
    ],
)
def test_bad_choices_are_refused_and_nothing_is_merged(
    make_user: Callable[..., User], choices: dict[str, object], field: str, reason: str
) -> None:
    keep, other, _maria, _sven = _pair(make_user)
    resolved = {name: keep.pk if value == "keep" else value for name, value in choices.items()}

    with pytest.raises(ValidationError) as refused:
        customers_merge(actor=None, keep_id=keep.pk, other_id=other.pk, choices=resolved)  # type: ignore[arg-type]

    assert refused.value.errors == {field: [reason]}
    assert Customer.objects.filter(pk__in=[keep.pk, other.pk], deleted_at__isnull=True).count() == 2
    assert not Event.objects.filter(kind="customer.merged").exists()


def test_merge_screen_offers_a_choice_for_each_differing_field(
    staff_client: Client, make_user: Callable[..., User]
) -> None:
    keep, other, _maria, _sven = _pair(make_user)
    suspicion = DuplicateSuspicion.objects.create(
        first_id=min(keep.pk, other.pk), second_id=max(keep.pk, other.pk), reasons=["name_address"], score=40
    )

    body = staff_client.get(f"/customers/duplicates/{suspicion.pk}/").content.decode()

    for name in ("last_name", "email", "phone", "address", "lifecycle_stage", "account_manager"):
        assert f'name="choice-{name}" value="{keep.pk}"' in body
        assert f'name="choice-{name}" value="{other.pk}"' in body
    # the kept customer has no birth date: only the other's can be chosen, and it is
    assert f'name="choice-birth_date" value="{keep.pk}"' not in body
    assert (
        f'name="choice-birth_date" value="{other.pk}" data-default-when-kept="{keep.pk} {other.pk}"' in body
    )
    assert 'name="choice-first_name"' in body
    assert 'name="choice-preferred_language"' not in body  # the same for both


def test_merge_screen_sends_the_choices_to_the_service(
    staff_client: Client, make_user: Callable[..., User]
) -> None:
    keep, other, _maria, _sven = _pair(make_user)
    suspicion = DuplicateSuspicion.objects.create(
        first_id=min(keep.pk, other.pk), second_id=max(keep.pk, other.pk), reasons=["name_address"], score=40
    )

    response = staff_client.post(
        f"/customers/duplicates/{suspicion.pk}/",
        {
            "action": "merge",
            "keep": str(keep.pk),
            "choice-email": str(other.pk),
            "choice-last_name": str(keep.pk),
        },
    )

    assert (response.status_code, response["Location"]) == (302, f"/customers/{keep.pk}/")
    kept = Customer.objects.get(pk=keep.pk)
    assert (kept.primary_email, kept.last_name) == ("ana.l@example.se", "Lindqvist")


def test_merge_screen_shows_a_refused_choice_and_merges_nothing(
    staff_client: Client, make_user: Callable[..., User]
) -> None:
    keep, other, _maria, _sven = _pair(make_user)
    suspicion = DuplicateSuspicion.objects.create(
        first_id=min(keep.pk, other.pk), second_id=max(keep.pk, other.pk), reasons=["name_address"], score=40
    )

    response = staff_client.post(
        f"/customers/duplicates/{suspicion.pk}/",
        {"action": "merge", "keep": str(keep.pk), "choice-birth_date": str(keep.pk)},
    )

    assert response.status_code == 200
    assert "Birth date: That customer has no value here; choose the other one." in response.content.decode()
    assert Customer.objects.filter(pk__in=[keep.pk, other.pk], deleted_at__isnull=True).count() == 2


def test_api_merge_takes_the_choices_and_refuses_bad_ones(api: Any, make_user: Callable[..., User]) -> None:
    keep, other, _maria, _sven = _pair(make_user)

    refused = api.post(
        "customers/merge", {"keep_id": keep.pk, "other_id": other.pk, "choices": {"email": 999_999}}
    )
    merged = api.post(
        "customers/merge", {"keep_id": keep.pk, "other_id": other.pk, "choices": {"email": other.pk}}
    )

    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "choices.email", "reasons": ["Must be the id of one of the two customers."]}
    ]
    assert merged.status_code == 200
    assert merged.json()["primary_email"] == "ana.l@example.se"
