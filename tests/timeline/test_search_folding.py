"""Timeline search folds case and diacritics on both sides, on SQLite and PostgreSQL alike, and an
empty search result says that nothing matched (with a way back), not that nothing ever happened."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.interactions.services import interaction_log
from lojal.timeline.selectors import event_list
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(admin_user: Any) -> Any:
    kari = factories.person(first_name="Kari", last_name="Nordmann")
    for subject in ("Fakturafråga", "Årsmöte i Östersund", "Æbleskiver og smørrebrød", "Rabatt 50%"):
        interaction_log(actor=admin_user, customer_id=kari.pk, channel="call", subject=subject)
    return kari


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("fakturafraga", ["Fakturafråga"]),
        ("FAKTURAFRÅGA", ["Fakturafråga"]),
        ("årsmöte", ["Årsmöte i Östersund"]),
        ("ARSMOTE I OSTERSUND", ["Årsmöte i Östersund"]),
        ("aebleskiver", ["Æbleskiver og smørrebrød"]),
        ("smorrebrod", ["Æbleskiver og smørrebrød"]),
        ("50%", ["Rabatt 50%"]),
        ("5_%", []),
        ("faktura fråga", []),
    ],
)
def test_timeline_search_ignores_case_and_diacritics_on_both_sides(
    customer: Any, query: str, found: list[str]
) -> None:
    page = event_list(customer_id=customer.pk, query=query, kinds=["interaction.call"])

    assert [event.summary for event in page.events] == found


def test_empty_search_says_no_events_match_with_a_way_to_clear_it(customer: Any, admin_user: Any) -> None:
    client = Client()
    client.force_login(admin_user)

    empty = client.get(f"/customers/{customer.pk}/timeline/", {"q": "reklamation"}).content.decode()
    none_of_kind = client.get(
        f"/customers/{customer.pk}/timeline/", {"kind": "interaction.sms"}
    ).content.decode()
    found = client.get(f"/customers/{customer.pk}/timeline/", {"q": "fakturafraga"}).content.decode()

    assert "No events match “reklamation”." in empty
    assert f'href="/customers/{customer.pk}/#timeline-list">Clear the filter</a>' in empty
    assert "Nothing has happened yet" not in empty
    assert "No events of the chosen kind." in none_of_kind
    assert "Fakturafråga" in found and "No events match" not in found


def test_timeline_without_events_still_says_nothing_has_happened(admin_user: Any) -> None:
    lone = factories.person(first_name="Ola", last_name="Tom")
    lone.events.all().delete()
    client = Client()
    client.force_login(admin_user)

    page = client.get(f"/customers/{lone.pk}/timeline/").content.decode()

    assert "Nothing has happened yet." in page and "No events match" not in page
