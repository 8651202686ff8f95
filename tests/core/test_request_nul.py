"""NUL characters in form posts: a staff page refuses them with 422 naming the field and stores
nothing; what a customer sends through the public web form or chat is kept, NULs dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.interactions.models import ChatSession, Interaction, WebForm
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_note_with_nul_is_refused_by_the_page_naming_the_field(make_user: Callable[..., User]) -> None:
    client = Client()
    client.force_login(make_user("administrator"))
    customer = factories.person()
    before = Event.objects.filter(customer_id=customer.pk).count()
    response = client.post(
        f"/customers/{customer.pk}/notes/", {"text": "Ringde\x00 kunden"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "text" in response.content.decode()
    assert Event.objects.filter(customer_id=customer.pk).count() == before


def test_an_api_form_post_with_nul_is_a_problem_naming_the_field(make_user: Callable[..., User]) -> None:
    response = Client().post("/api/v1/auth/token", {"username": "a\x00", "password": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "username", "reasons": ["Contains a NUL character, which is never valid."]}
    ]


def test_a_web_form_sent_with_nul_characters_is_kept_without_them() -> None:
    WebForm.objects.create(
        key="kontakt",
        name="Kontakta oss",
        language="sv",
        fields=[
            {"name": "name", "required": True},
            {"name": "email", "required": True},
            {"name": "message", "required": True},
        ],
    )
    started = signing.dumps((timezone.now() - dt.timedelta(seconds=10)).timestamp(), salt="lojal.webform")
    response = Client().post(
        "/forms/kontakt/",
        {
            "name": "Lars\x00 Holm",
            "email": "lars@example.se",
            "message": "Hej\x00 då",
            "website": "",
            "started": started,
        },
    )
    assert response.status_code == 200
    assert "Hej då" in Interaction.objects.get(channel="web_form").body_text


def test_a_chat_started_with_nul_characters_is_kept_without_them() -> None:
    response = Client().post(
        "/chat/", {"name": "Nils\x00 Ek", "email": "nils@example.se", "text": "Ring\x00 mig."}
    )
    assert response.status_code in (200, 302)
    assert ChatSession.objects.count() == 1
