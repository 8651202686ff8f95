"""The website contact form (fields, honeypot, time trap, rate limit, lead creation, confirmation,
embedding) and the chat widget (visitor and staff lines, transcript to the timeline, offline message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.customers.models import Customer
from lojal.interactions import chat
from lojal.interactions.models import ChatAgentPresence, ChatSession, Interaction, WebForm
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def form() -> WebForm:
    return WebForm.objects.create(
        key="kontakt",
        name="Kontakta oss",
        language="sv",
        confirmation="Tack! Vi hör av oss inom en arbetsdag.",
        fields=[
            {"name": "name", "required": True},
            {"name": "email", "required": True},
            {"name": "phone"},
            {"name": "message", "required": True},
            {"name": "shoe_size"},
        ],
    )


def started(seconds_ago: int = 10) -> str:
    return signing.dumps(
        (timezone.now() - dt.timedelta(seconds=seconds_ago)).timestamp(), salt="lojal.webform"
    )


def submission(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Lars Holm",
        "email": "Lars.Holm@example.se",
        "phone": "070-111 22 33",
        "message": "Hej! Jag vill ha en offert på 20 stolar.",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def test_form_page_can_be_framed_and_shows_the_configured_fields(form: WebForm) -> None:
    response = Client().get("/forms/kontakt/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert 'name="email"' in page and 'name="phone"' in page and "shoe_size" not in page
    assert 'name="website"' in page and 'name="started"' in page
    assert "Ditt namn" in page  # the form's language, Swedish


def test_embed_script_inserts_an_iframe_to_the_form(form: WebForm) -> None:
    script = Client().get("/forms/kontakt/embed.js")

    assert script["Content-Type"].startswith("text/javascript")
    assert '"http://testserver/forms/kontakt/"' in script.content.decode()


def test_submission_from_a_new_person_creates_a_lead_and_a_web_form_interaction(form: WebForm) -> None:
    response = Client().post("/forms/kontakt/", submission())

    assert response.status_code == 200
    assert "Tack! Vi hör av oss inom en arbetsdag." in response.content.decode()
    lead = Customer.objects.get()
    assert (lead.first_name, lead.last_name, lead.lifecycle_stage) == ("Lars", "Holm", "lead")
    assert lead.primary_email == "lars.holm@example.se" and lead.primary_phone == "+46701112233"
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.customer_id, interaction.subject) == (
        "web_form",
        lead.pk,
        "Kontakta oss",
    )
    assert "offert på 20 stolar" in interaction.body_text
    assert Event.objects.filter(customer=lead, kind="interaction.web_form").count() == 1


def test_submission_from_a_known_customer_lands_on_their_timeline(form: WebForm) -> None:
    lars = factories.person(first_name="Lars", last_name="Holm", emails=["lars.holm@example.se"])

    Client().post("/forms/kontakt/", submission())

    assert Customer.objects.count() == 1
    assert Interaction.objects.get().customer_id == lars.pk


def test_honeypot_looks_like_success_and_stores_nothing(form: WebForm) -> None:
    response = Client().post("/forms/kontakt/", submission(website="http://spam.example"))

    assert response.status_code == 200 and "Tack!" in response.content.decode()
    assert not Interaction.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize("token", ["just now", "forged", ""])
def test_time_trap_refuses_a_form_sent_too_fast_or_forged(form: WebForm, token: str) -> None:
    response = Client().post(
        "/forms/kontakt/", submission(started=started(0) if token == "just now" else token)
    )

    assert response.status_code == 422
    assert "Hej! Jag vill ha en offert på 20 stolar." in response.content.decode()  # nothing typed is lost
    assert not Interaction.objects.exists()


def test_rate_limit_per_address(form: WebForm) -> None:
    client = Client()
    statuses = [client.post("/forms/kontakt/", submission()).status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]
    assert Interaction.objects.count() == 5


@pytest.mark.parametrize(
    ("overrides", "field_text"),
    [
        ({"email": "inte-en-adress"}, "not a valid email address"),
        ({"message": ""}, "This field is required"),
        ({"phone": "12"}, "phone"),
        ({"message": "x" * 10_001}, "At most 10000 characters"),
    ],
)
def test_bad_submission_shows_errors_and_keeps_what_was_typed(
    form: WebForm, overrides: dict[str, str], field_text: str
) -> None:
    response = Client().post("/forms/kontakt/", submission(**overrides))

    assert response.status_code == 422
    assert 'value="Lars Holm"' in response.content.decode()
    assert not Interaction.objects.exists() and not Customer.objects.exists()


def test_unknown_or_inactive_form_is_404(form: WebForm) -> None:
    WebForm.objects.filter(pk=form.pk).update(is_active=False)

    assert Client().get("/forms/kontakt/").status_code == 404
    assert Client().get("/forms/nope/").status_code == 404


@pytest.fixture
def staff(make_user: Callable[..., User]) -> tuple[User, Client]:
    user = make_user(Role.SERVICE_AGENT)
    client = Client()
    client.force_login(user)
    client.get("/interactions/chats/")  # opening the chat inbox puts the agent online
    return user, client


def test_chat_from_the_widget_answered_by_staff_ends_on_the_timeline(staff: tuple[User, Client]) -> None:
    user, agent = staff
    visitor = Client()
    customer = factories.person(first_name="Kari", last_name="Nordmann", emails=["kari@example.no"])

    start = visitor.post(
        "/chat/", {"name": "Kari", "email": "kari@example.no", "text": "Har dere lampen på lager?"}
    )
    session = ChatSession.objects.get()
    assert start.status_code == 302 and start["Location"] == f"/chat/s/{session.token}/"
    inbox = agent.get(
        f"/interactions/chats/{session.pk}/?part=messages", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Har dere lampen på lager?" in inbox
    agent.post(f"/interactions/chats/{session.pk}/reply/", {"text": "Ja, 4 stk."}, HTTP_HX_REQUEST="true")
    seen = visitor.get(f"/chat/s/{session.token}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Ja, 4 stk." in seen
    visitor.post(f"/chat/s/{session.token}/send/", {"text": "Takk!"}, HTTP_HX_REQUEST="true")
    closed = agent.post(f"/interactions/chats/{session.pk}/close/")

    interaction = Interaction.objects.get(channel="chat")
    assert closed["Location"] == f"/interactions/{interaction.pk}/"
    assert interaction.customer_id == customer.pk
    assert interaction.staff_id == user.pk
    lines = interaction.body_text.splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "Kari: Har dere lampen på lager?",
        f"{user.display_name}: Ja, 4 stk.",
        "Kari: Takk!",
    ]
    assert Event.objects.filter(customer=customer, kind="interaction.chat").count() == 1
    assert (
        visitor.get(f"/chat/s/{session.token}/", HTTP_HX_REQUEST="true").status_code == 286
    )  # polling stops
    assert (
        visitor.post(f"/chat/s/{session.token}/send/", {"text": "Hallo?"}, HTTP_HX_REQUEST="true").status_code
        == 422
    )
    chat.chat_close(session_id=session.pk)  # twice is harmless
    assert Interaction.objects.filter(channel="chat").count() == 1


def test_with_no_one_online_the_chat_becomes_a_message_answered_by_email() -> None:
    ChatAgentPresence.objects.all().delete()
    visitor = Client()

    page = visitor.get("/chat/").content.decode()
    visitor.post("/chat/", {"name": "Nils Ek", "email": "nils@example.se", "text": "Ring mig gärna."})

    assert "answer by email" in page
    session = ChatSession.objects.get()
    assert session.state == "offline"
    interaction = Interaction.objects.get(channel="chat")
    assert interaction.details["answer_by_email"] is True
    assert interaction.customer.primary_email == "nils@example.se"
    assert "answer by email" in visitor.get(f"/chat/s/{session.token}/").content.decode()


def test_chat_needs_an_email_and_a_message() -> None:
    response = Client().post("/chat/", {"name": "X", "email": "nope", "text": ""})

    assert response.status_code == 422
    assert not ChatSession.objects.exists()


def test_unknown_chat_token_is_404() -> None:
    assert Client().get("/chat/s/not-a-token/").status_code == 404
    assert Client().post("/chat/s/not-a-token/send/", {"text": "x"}).status_code == 404


def test_chat_widget_script(client: Any) -> None:
    script = Client().get("/chat/widget.js").content.decode()

    assert '"http://testserver/chat/"' in script


def test_starting_chats_is_rate_limited_per_address() -> None:
    visitor = Client()
    data = {"name": "Bot", "email": "bot@example.net", "text": "Köp billiga klockor"}

    statuses = [visitor.post("/chat/", data).status_code for _ in range(6)]

    assert statuses == [302, 302, 302, 302, 302, 429]
    assert ChatSession.objects.count() == 5
    assert "Too many messages" in visitor.post("/chat/", data).content.decode()
