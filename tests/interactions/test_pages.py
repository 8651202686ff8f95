"""Interaction pages through Django's test client: the customer page's timeline with interactions,
channel filter and search, quick entry of calls, compose and reply, the email view, attachments,
the unmatched inbox, and pinned query counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import Interaction, MessageTemplate, OutboundEmail, SenderIdentity
from lojal.interactions.services import interaction_log
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


def client_as(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


@pytest.fixture
def agent(make_user: Callable[..., User]) -> Client:
    return client_as(make_user, Role.SERVICE_AGENT)


def test_customer_page_shows_interactions_with_quick_entry_and_filter(agent: Client) -> None:
    jorgen = factories.person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])
    email = email_ingest(raw=(FIXTURES / "sv-utf8-quoted-printable.eml").read_bytes(), source="smtp")

    page = agent.get(f"/customers/{jorgen.pk}/").content.decode()

    assert f'href="/interactions/{email.pk}/"' in page
    assert "Byte av jacka – fel storlek" in page
    assert 'data-log-open="call"' in page and 'id="compose-email"' in page
    assert 'name="kind" value="interaction.email"' in page


def test_timeline_filters_by_channel_and_searches(agent: Client, admin_user: User) -> None:
    customer = factories.person(first_name="Kari", last_name="Nordmann")
    interaction_log(actor=admin_user, customer_id=customer.pk, channel="call", subject="Om fakturan")
    interaction_log(actor=admin_user, customer_id=customer.pk, channel="meeting", subject="Årsmöte")

    calls = agent.get(f"/customers/{customer.pk}/timeline/", {"kind": "interaction.call"}).content.decode()
    found = agent.get(f"/customers/{customer.pk}/timeline/", {"q": "årsmöte"}).content.decode()
    everything = agent.get(f"/customers/{customer.pk}/timeline/", {"kind": ""}).content.decode()

    assert "Om fakturan" in calls and "Årsmöte" not in calls
    assert "Årsmöte" in found and "Om fakturan" not in found
    assert "Om fakturan" in everything and "Årsmöte" in everything and "was added" in everything


def test_log_a_call_from_the_quick_entry_form(agent: Client) -> None:
    customer = factories.person(first_name="Kari", last_name="Nordmann")

    response = agent.post(
        f"/interactions/customers/{customer.pk}/log/",
        {
            "channel": "call",
            "direction": "out",
            "subject": "Ringde om leveransen",
            "duration_minutes": "4",
            "outcome": "answered",
            "notes": "Kommer på fredag.",
        },
        **HTMX,
    )

    assert response.status_code == 200
    call = Interaction.objects.get(customer=customer)
    assert (call.channel, call.duration_seconds, call.outcome, call.body_text) == (
        "call",
        240,
        "answered",
        "Kommer på fredag.",
    )
    assert "Ringde om leveransen" in response.content.decode()
    assert Event.objects.filter(customer=customer, kind="interaction.call").count() == 1
    assert AuditEntry.objects.filter(action="interaction.logged").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "call", "direction": "out"}, "Write a subject or some notes."),
        ({"channel": "fax", "direction": "out", "subject": "x"}, "Select a valid choice"),
        (
            {"channel": "call", "direction": "out", "subject": "x", "duration_minutes": "-3"},
            "greater than or equal to 0",
        ),
        (
            {"channel": "call", "direction": "out", "subject": "x", "occurred_at": "igår"},
            "Write it as YYYY-MM-DD hh:mm, for example 2026-12-24 14:30.",
        ),
    ],
)
def test_bad_quick_entry_shows_the_error_and_logs_nothing(
    agent: Client, data: dict[str, str], message: str
) -> None:
    customer = factories.person()

    response = agent.post(f"/interactions/customers/{customer.pk}/log/", data, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Interaction.objects.exists()


def test_read_only_staff_cannot_log_or_send(make_user: Callable[..., User]) -> None:
    reader = client_as(make_user, Role.READ_ONLY)
    customer = factories.person(emails=["a@example.se"])

    assert (
        reader.post(
            f"/interactions/customers/{customer.pk}/log/", {"channel": "call", "subject": "x"}
        ).status_code
        == 403
    )
    assert (
        reader.post(
            f"/interactions/customers/{customer.pk}/email/",
            {"to": "a@example.se", "subject": "x", "body": "y"},
        ).status_code
        == 403
    )
    assert 'data-log-open="call"' not in reader.get(f"/customers/{customer.pk}/").content.decode()
    assert not Interaction.objects.exists()


def test_compose_fills_a_template_in_the_customers_language(agent: Client) -> None:
    customer = factories.person(
        first_name="Øystein", last_name="Bråten", preferred_language="nb", emails=["o@example.no"]
    )
    MessageTemplate.objects.create(
        key="thanks", language="sv", name="Tack", subject="Tack {first_name}", body="Hej {first_name}!"
    )
    MessageTemplate.objects.create(
        key="thanks",
        language="nb",
        name="Takk",
        subject="Takk {first_name}",
        body="Hei {first_name} {last_name}!",
    )

    page = agent.get(f"/interactions/customers/{customer.pk}/email/", {"template": "thanks"}).content.decode()

    assert 'value="Takk Øystein"' in page
    assert "Hei Øystein Bråten!" in page
    assert 'value="o@example.no"' in page


def test_compose_queues_the_email_and_shows_it(
    agent: Client, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.person(first_name="Anna", emails=["anna@example.se"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = agent.post(
            f"/interactions/customers/{customer.pk}/email/",
            {"to": "anna@example.se", "subject": "Offert", "body": "Hej Anna, här kommer offerten."},
        )

    email = Interaction.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/interactions/{email.pk}/"
    assert OutboundEmail.objects.get(interaction=email).state == "queued"
    assert len(callbacks) == 1
    assert email.subject.startswith("Offert [#L-")


def test_compose_with_bad_input_keeps_what_was_written(agent: Client) -> None:
    customer = factories.person(emails=["anna@example.se"])

    response = agent.post(
        f"/interactions/customers/{customer.pk}/email/",
        {"to": "not-an-address", "subject": "Offert", "body": "Lång text som inte får försvinna."},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "not a valid email address" in page
    assert "Lång text som inte får försvinna." in page
    assert not Interaction.objects.exists()


def test_email_view_folds_quoted_history_sanitises_html_and_serves_the_inline_image(agent: Client) -> None:
    factories.person(emails=["jorgen.astrom@example.se"])
    factories.person(emails=["kari.nordmann@example.no"])
    reply = email_ingest(raw=(FIXTURES / "outlook-reply-sv.eml").read_bytes(), source="smtp")
    html_mail = email_ingest(raw=(FIXTURES / "nb-utf8-html-inline-image.eml").read_bytes(), source="smtp")

    page = agent.get(f"/interactions/{reply.pk}/").content.decode()
    html_page = agent.get(f"/interactions/{html_mail.pk}/").content.decode()
    image = html_mail.attachments.get()
    served = agent.get(f"/interactions/attachments/{image.pk}/")

    assert "Då skickar jag tillbaka jackan i morgon." in page
    assert '<details class="quoted-history">' in page and "Självklart kan du byta" in page
    assert 'id="reply-form"' in page
    assert f'src="/interactions/attachments/{image.pk}/"' in html_page
    assert "<script" not in html_page.split('class="mail-html"')[1].split("</div>")[0]
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content.startswith(b"\x89PNG")


def test_attachment_that_is_not_an_image_is_downloaded_not_shown(agent: Client) -> None:
    factories.person(emails=["skanner@kontoret.example.se"])
    scan = email_ingest(raw=(FIXTURES / "attachment-only.eml").read_bytes(), source="smtp")

    served = agent.get(f"/interactions/attachments/{scan.attachments.get().pk}/")

    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith(
        "attachment; filename*=UTF-8''kvitto%20f%C3%B6r%20retur.pdf"
    )


def test_unmatched_inbox_links_to_a_customer_and_remembers_the_sender(agent: Client) -> None:
    kari = factories.person(first_name="Kari", last_name="Nordmann")
    unmatched = email_ingest(
        raw=(FIXTURES / "nb-utf8-html-inline-image.eml").read_bytes().replace(b"kari.nordmann@", b"kn@"),
        source="smtp",
    )

    inbox = agent.get("/interactions/inbox/").content.decode()
    picked = agent.get(f"/interactions/{unmatched.pk}/pick/", {"q": "Nordmann"}, **HTMX).content.decode()
    response = agent.post(f"/interactions/{unmatched.pk}/link/", {"customer_id": str(kari.pk)})

    assert "Ødelagt lampe" in inbox
    assert "Link to Kari Nordmann" in picked
    assert response.status_code == 302
    unmatched.refresh_from_db()
    assert unmatched.customer_id == kari.pk
    assert SenderIdentity.objects.get().address == "kn@example.no"
    assert "Ødelagt lampe" not in agent.get("/interactions/inbox/").content.decode()


def test_unmatched_inbox_creates_the_customer_in_one_click(agent: Client) -> None:
    unmatched = email_ingest(raw=(FIXTURES / "nb-iso-8859-1.eml").read_bytes(), source="smtp")

    response = agent.post(f"/interactions/{unmatched.pk}/create-customer/")

    unmatched.refresh_from_db()
    assert unmatched.customer is not None
    assert response["Location"] == f"/customers/{unmatched.customer_id}/"
    assert unmatched.customer.display_name == "Øystein Bråten"


def test_link_to_an_unknown_customer_changes_nothing(agent: Client) -> None:
    unmatched = email_ingest(raw=(FIXTURES / "nb-iso-8859-1.eml").read_bytes(), source="smtp")

    agent.post(f"/interactions/{unmatched.pk}/link/", {"customer_id": "999999"})
    agent.post(f"/interactions/{unmatched.pk}/link/", {"customer_id": "abc"})

    unmatched.refresh_from_db()
    assert unmatched.customer_id is None
    assert not SenderIdentity.objects.exists()


def test_customer_page_with_many_interactions_runs_a_fixed_number_of_queries(
    agent: Client, admin_user: User, django_assert_max_num_queries: Any
) -> None:
    customer = factories.person(emails=["jorgen.astrom@example.se"])
    for number in range(30):
        interaction_log(actor=admin_user, customer_id=customer.pk, channel="call", subject=f"Samtal {number}")
    email_ingest(raw=(FIXTURES / "sv-utf8-quoted-printable.eml").read_bytes(), source="smtp")

    with django_assert_max_num_queries(16):
        response = agent.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200


def test_inbox_page_runs_a_fixed_number_of_queries(agent: Client, django_assert_max_num_queries: Any) -> None:
    for name in ("nb-iso-8859-1.eml", "malformed.eml", "forwarded-sv.eml", "attachment-only.eml"):
        email_ingest(raw=(FIXTURES / name).read_bytes(), source="smtp")

    with django_assert_max_num_queries(8):
        response = agent.get("/interactions/inbox/")
    assert response.status_code == 200


def test_administrators_configure_templates_and_web_forms_in_the_admin(admin_user: User) -> None:
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)

    for url in ("/admin/interactions/messagetemplate/", "/admin/interactions/webform/add/"):
        assert client.get(url).status_code == 200
