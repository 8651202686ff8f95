"""The acknowledgement pages: a manager rewrites the wording of a language, sees a preview, is told
which field is unknown, and goes back to the shipped text; agents may not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases.ack_wording import DEFAULT_TEMPLATES
from lojal.cases.acknowledgement import acknowledgement_render, template_text
from lojal.cases.models import AcknowledgementTemplate
from lojal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_user(Role.MANAGER, "chef"))
    return client


def test_the_list_shows_every_language_as_shipped_and_no_promise_yet(manager: Client) -> None:
    response = manager.get("/service/acknowledgements/")

    page = response.content.decode()
    assert response.status_code == 200
    for language in ("sv", "nb", "da", "fi", "en"):
        assert f'href="/service/acknowledgements/{language}/"' in page
    assert DEFAULT_TEMPLATES["fi"].subject in page
    assert "No solved case in the last 30 days was promised a time." in page


def test_a_manager_saves_a_wording_that_the_next_acknowledgement_uses(manager: Client) -> None:
    response = manager.post(
        "/service/acknowledgements/da/",
        {
            "subject": "Tak for din besked",
            "body": "Hej {customer_name}\n\nSag {case_number}: svar {expected_time}.",
        },
    )

    assert response.status_code == 302
    assert template_text("da").subject == "Tak for din besked"
    subject, body = acknowledgement_render(
        language="da",
        number="26-000042",
        customer_name="Mette",
        subject="x",
        expected_time="i dag inden kl. 15.00",
    )
    assert subject == "Tak for din besked [#26-000042]"
    assert body == "Hej Mette\n\nSag #26-000042: svar i dag inden kl. 15.00."
    assert AuditEntry.objects.filter(action="ack_template.saved").count() == 1
    page = manager.get("/service/acknowledgements/da/").content.decode()
    assert 'data-testid="preview-subject">Tak for din besked [#26-001234]</span>' in page
    assert "Hej Mette Hansen\n\nSag #26-001234: svar senest i morgen, " in page


def test_an_unknown_field_is_named_and_nothing_is_saved(manager: Client) -> None:
    response = manager.post(
        "/service/acknowledgements/sv/", {"subject": "Hej {förnamn}", "body": "Ärende {case_number}"}
    )

    assert response.status_code == 422
    assert "Unknown field {förnamn}." in response.content.decode()
    assert not AcknowledgementTemplate.objects.exists()


def test_the_shipped_wording_comes_back_on_reset(manager: Client) -> None:
    manager.post("/service/acknowledgements/nb/", {"subject": "Takk", "body": "Sak {case_number}"})

    response = manager.post("/service/acknowledgements/nb/", {"reset": "1"})

    assert response.status_code == 302
    assert not AcknowledgementTemplate.objects.exists()
    assert template_text("nb") == DEFAULT_TEMPLATES["nb"]


def test_an_agent_may_not_change_the_wording(make_user: Callable[..., User]) -> None:
    client = Client()
    client.force_login(make_user(Role.SERVICE_AGENT, "agent"))

    response = client.post("/service/acknowledgements/sv/", {"subject": "Hej", "body": "Hej"})

    assert response.status_code == 403
    assert not AcknowledgementTemplate.objects.exists()


def test_a_language_without_acknowledgements_is_not_found(manager: Client) -> None:
    assert manager.get("/service/acknowledgements/de/").status_code == 404
