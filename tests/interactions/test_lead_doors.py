"""Every door a stranger can write in through (web form, chat, an email or a text in the unmatched
inbox) makes the same shape of lead, and none makes a second customer of someone already known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from lojal.accounts.models import User
from lojal.customers.leads import lead_from_contact
from lojal.customers.models import Customer
from lojal.customers.services import customer_delete
from lojal.interactions import chat
from lojal.interactions.models import Interaction, WebForm
from lojal.interactions.services import interaction_create_customer
from lojal.interactions.webforms import webform_submit
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_user")]

NAME = "Maja Berg"
EMAIL = "maja.berg@example.se"
PHONE = "+46701112233"


def _web_form(email: str, phone: str) -> Customer | None:
    form = WebForm.objects.create(
        key="kontakt",
        name="Kontakta oss",
        language="sv",
        fields=[
            {"name": "name"},
            {"name": "email"},
            {"name": "phone"},
            {"name": "message", "required": True},
        ],
    )
    started = signing.dumps((timezone.now() - dt.timedelta(seconds=10)).timestamp(), salt="lojal.webform")
    data = {
        "name": NAME,
        "email": email,
        "phone": phone,
        "message": "Hej!",
        "website": "",
        "started": started,
    }
    submitted = webform_submit(form=form, data=data)
    return submitted.interaction.customer if submitted.interaction else None


def _chat(email: str, phone: str) -> Customer | None:
    chat.chat_start(name=NAME, email=email, text="Hej!")  # no one online: kept as a message at once
    return Interaction.objects.get(channel="chat").customer


def _in_the_inbox(channel: str, sender: str, sender_name: str) -> Customer | None:
    # Waiting in the inbox since before the customer (if any) was added, so nothing matched it then.
    interaction = Interaction.objects.create(
        channel=channel, direction="in", occurred_at=timezone.now(), sender=sender, sender_name=sender_name
    )
    staff = User.objects.get(username="admin")
    return interaction_create_customer(actor=staff, interaction_id=interaction.pk)


def _inbox_email(email: str, phone: str) -> Customer | None:
    return _in_the_inbox("email", email, f'"{NAME}"')


def _inbox_sms(email: str, phone: str) -> Customer | None:
    return _in_the_inbox("sms", phone, NAME)


def _service(email: str, phone: str) -> Customer | None:
    return lead_from_contact(actor=None, name=NAME, email=email, phone=phone)


# Each door with the contact points it carries (the chat and email know no phone, a text no email).
DOORS: dict[str, tuple[Callable[[str, str], Customer | None], str, str]] = {
    "web form": (_web_form, EMAIL, PHONE),
    "chat": (_chat, EMAIL, ""),
    "email in the unmatched inbox": (_inbox_email, EMAIL, ""),
    "text in the unmatched inbox": (_inbox_sms, "", PHONE),
    "lead_from_contact": (_service, EMAIL, PHONE),
}


def _shape(customer: Customer) -> dict[str, Any]:
    return {
        "kind": customer.kind,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "lifecycle_stage": customer.lifecycle_stage,
        "emails": list(customer.emails.values_list("address", flat=True)),
        "phones": list(customer.phones.values_list("number", flat=True)),
    }


@pytest.mark.parametrize(("door", "email", "phone"), DOORS.values(), ids=DOORS.keys())
def test_every_door_makes_the_same_shape_of_lead(
    door: Callable[[str, str], Customer | None], email: str, phone: str
) -> None:
    # when someone unknown writes in
    lead = door(email, phone)

    # then
    assert lead is not None
    assert Customer.objects.count() == 1
    assert _shape(lead) == {
        "kind": "person",
        "first_name": "Maja",
        "last_name": "Berg",
        "lifecycle_stage": "lead",
        "emails": [EMAIL] if email else [],
        "phones": [PHONE] if phone else [],
    }


@pytest.mark.parametrize(("door", "email", "phone"), DOORS.values(), ids=DOORS.keys())
def test_every_door_reuses_the_customer_who_has_the_address_or_number(
    door: Callable[[str, str], Customer | None], email: str, phone: str
) -> None:
    # given a customer who already has the address and the number
    known = factories.person(first_name="Maja", last_name="Lind", emails=[EMAIL], phones=[PHONE])

    # when they write in
    found = door(email, phone)

    # then no second customer is made
    assert found is not None and found.pk == known.pk
    assert list(Customer.objects.values_list("pk", flat=True)) == [known.pk]


def test_a_deleted_customer_is_not_reused() -> None:
    # given
    gone = factories.person(emails=[EMAIL])
    customer_delete(actor=None, customer_id=gone.pk)

    # when
    lead = lead_from_contact(actor=None, name=NAME, email=EMAIL)

    # then
    assert lead.pk != gone.pk
    assert lead.lifecycle_stage == "lead"


@pytest.mark.parametrize(
    ("name", "email", "phone", "first", "last"),
    [
        ("", "kim@example.se", "", "", "kim"),
        ("Prince", "p@example.se", "", "", "Prince"),
        ("  Anna  Maria Ek ", "", "+46701112234", "Anna", "Maria Ek"),
        ("", "", "+46701112235", "", "+46701112235"),
    ],
)
def test_a_lead_without_a_full_name_is_named_from_what_is_known(
    name: str, email: str, phone: str, first: str, last: str
) -> None:
    lead = lead_from_contact(actor=None, name=name, email=email, phone=phone)

    assert (lead.first_name, lead.last_name) == (first, last)
