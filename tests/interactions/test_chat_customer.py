"""While a chat goes on, staff see which customer the visitor is: matched at once, matched as soon as it
becomes possible, or picked by staff; the transcript then goes on that customer's timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.core.models import AuditEntry
from lojal.customers.models import EmailAddress
from lojal.interactions.models import ChatSession, Interaction
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("service_agent"))
    client.get("/interactions/chats/")  # online
    return client


def start(name: str, email: str) -> ChatSession:
    Client().post("/chat/", {"name": name, "email": email, "text": "Hej!"})
    return ChatSession.objects.get(visitor_email=email)


def test_staff_see_the_matched_customer_while_chatting(agent: Client) -> None:
    kari = factories.person(first_name="Kari", last_name="Nordmann", emails=["kari@example.no"])

    session = start("Kari", "kari@example.no")
    page = agent.get(f"/interactions/chats/{session.pk}/").content.decode()

    assert session.customer_id == kari.pk and session.state == "open"
    card = page.split('data-testid="chat-customer"')[1].split("</div>")[0]
    assert f'href="/customers/{kari.pk}/"><strong>Kari Nordmann</strong>' in card
    assert "hx-trigger" not in page.split('data-testid="chat-customer"')[0].rsplit("<div", 1)[1]
    assert 'id="chat-customer-q"' not in page


def test_card_updates_when_the_match_becomes_possible_during_the_chat(agent: Client) -> None:
    session = start("Nils", "nils@example.se")
    page = agent.get(f"/interactions/chats/{session.pk}/").content.decode()
    assert "Not matched to a customer yet." in page and 'id="chat-customer-q"' in page
    nils = factories.person(first_name="Nils", last_name="Ek")
    EmailAddress.objects.create(customer=nils, address="nils@example.se", is_primary=True)

    card = agent.get(f"/interactions/chats/{session.pk}/customer/", HTTP_HX_REQUEST="true").content.decode()

    assert "Nils Ek" in card
    assert '<div id="chat-customer-pick" hx-swap-oob="true"></div>' in card
    assert ChatSession.objects.get(pk=session.pk).customer_id == nils.pk


def test_staff_pick_the_customer_and_the_transcript_goes_to_them(agent: Client) -> None:
    eva = factories.person(first_name="Eva", last_name="Lund", emails=["eva.lund@example.se"])
    session = start("Eva", "eva.privat@example.com")

    hits = agent.get(f"/interactions/chats/{session.pk}/customer/pick/", {"q": "Eva Lund"}).content.decode()
    assert "The visitor is Eva Lund" in hits
    agent.post(f"/interactions/chats/{session.pk}/customer/set/", {"customer_id": eva.pk})
    agent.post(f"/interactions/chats/{session.pk}/close/")

    assert Interaction.objects.get(channel="chat").customer_id == eva.pk
    assert AuditEntry.objects.filter(action="chat.customer_set", object_id=str(session.pk)).count() == 1
    assert not Interaction.objects.filter(channel="chat").exclude(customer=eva).exists()


def test_picking_an_unknown_customer_changes_nothing(agent: Client) -> None:
    session = start("Eva", "eva.privat@example.com")

    agent.post(f"/interactions/chats/{session.pk}/customer/set/", {"customer_id": 999999})

    assert ChatSession.objects.get(pk=session.pk).customer_id is None
    assert not AuditEntry.objects.filter(action="chat.customer_set").exists()
