"""My pages through the browser's requests (Django's test client with a real portal session cookie):
every page, its forms, bad input changing nothing, another customer's case answering 404 on every
address, and the query counts of the case list and the case page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojal.accounts.models import User
from lojal.cases import services as case_services
from lojal.cases.models import Case, Category
from lojal.cases.replies import case_reply
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer
from lojal.interactions.models import Attachment, Interaction
from lojal.knowledge.models import SuggestionSession
from lojal.portal import services
from lojal.portal.language import COOKIE_NAME as LANGUAGE_COOKIE
from lojal.timeline.models import Event
from tests import factories
from tests.portal.helpers import EXE, PNG, identity_of, portal_client, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _theme_not_cached() -> None:
    """Each test reads the theme it wrote (the cache outlives a test's transaction)."""
    from lojal.portal.selectors import theme_forget

    theme_forget()


def _customer(**overrides: Any) -> Customer:
    overrides.setdefault("emails", [{"address": "kund@example.se"}])
    overrides.setdefault("preferred_language", "en")
    return factories.person(**overrides)


def _case(customer: Customer, subject: str = "Fel belopp") -> Case:
    return services.my_case_open(
        identity_of(customer.pk),
        subject=subject,
        description="Fakturan är för hög.",
        category_id=None,
        priority="normal",
        language="sv",
        uploads=[upload("bild.png", PNG)],
    )


def test_the_case_list_shows_the_customers_own_cases_with_status_and_expected_answer() -> None:
    customer = _customer()
    _case(customer, "Min fråga")
    _case(_customer(), "Någon annans fråga")

    response = portal_client(customer.pk).get("/portal/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Min fråga" in page
    assert "Någon annans fråga" not in page
    assert "Received" in page
    assert "We answer as soon as we can." in page
    assert response["Content-Language"] == "en"


def test_a_signed_out_visitor_is_sent_to_sign_in() -> None:
    from django.test import Client

    response = Client().get("/portal/")

    assert response.status_code == 302
    assert response["Location"].endswith("?next=/portal/")


def test_the_case_page_shows_the_public_conversation_with_its_files(admin_user: User) -> None:
    customer = _customer()
    case = _case(customer)
    case_services.case_note_add(actor=admin_user, case_id=case.pk, body="Internt: ring kunden")
    case_reply(actor=admin_user, case_id=case.pk, text="Vi har rättat fakturan.")

    response = portal_client(customer.pk).get(f"/portal/cases/{case.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fakturan är för hög." in page
    assert "Vi har rättat fakturan." in page
    assert "Internt" not in page
    attachment = Attachment.objects.get(interaction__case_link__case=case)
    assert f"/portal/cases/{case.pk}/files/{attachment.pk}/" in page


def test_a_file_of_ones_case_downloads_as_an_attachment() -> None:
    customer = _customer()
    case = _case(customer)
    attachment = Attachment.objects.get(interaction__case_link__case=case)

    response = portal_client(customer.pk).get(f"/portal/cases/{case.pk}/files/{attachment.pk}/")

    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="bild.png"'


def test_every_page_of_another_customers_case_is_not_found_and_changes_nothing() -> None:
    owner = _customer()
    case = _case(owner)
    attachment = Attachment.objects.get(interaction__case_link__case=case)
    stranger = portal_client(_customer().pk)
    before = (Interaction.objects.count(), Case.objects.get(pk=case.pk).status)

    answers = [
        stranger.get(f"/portal/cases/{case.pk}/").status_code,
        stranger.get(f"/portal/cases/{case.pk}/files/{attachment.pk}/").status_code,
        stranger.post(f"/portal/cases/{case.pk}/reply/", {"text": "Hej"}).status_code,
        stranger.post(f"/portal/cases/{case.pk}/close/").status_code,
        stranger.post(f"/portal/cases/{case.pk}/reopen/").status_code,
        stranger.post(f"/portal/cases/{case.pk}/rate/", {"rating": "1"}).status_code,
    ]

    assert answers == [404] * 6
    assert (Interaction.objects.count(), Case.objects.get(pk=case.pk).status) == before


def test_an_attachment_of_another_case_is_not_found_through_ones_own_case() -> None:
    customer = _customer()
    mine = _case(customer)
    theirs = _case(_customer())
    foreign = Attachment.objects.get(interaction__case_link__case=theirs)

    response = portal_client(customer.pk).get(f"/portal/cases/{mine.pk}/files/{foreign.pk}/")

    assert response.status_code == 404


def test_the_new_case_form_offers_visible_categories_and_allowed_priorities_and_starts_a_suggestion_session() -> (
    None
):
    customer = _customer(vip_tier="none")
    Category.objects.create(name="Fakturor", is_customer_visible=True)
    Category.objects.create(name="Internt", is_customer_visible=False)

    response = portal_client(customer.pk).get("/portal/cases/new/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fakturor" in page and "Internt" not in page
    assert [value for value, _label in response.context["priorities"]] == ["low", "normal", "high"]
    session = SuggestionSession.objects.get()
    assert (session.source, session.customer_id, session.token) == (
        "portal",
        customer.pk,
        response.context["suggestion_token"],
    )


def test_opening_a_case_from_the_form_records_it_in_the_suggestion_session() -> None:
    customer = _customer()
    client = portal_client(customer.pk)
    token = client.get("/portal/cases/new/").context["suggestion_token"]

    response = client.post(
        "/portal/cases/new/",
        {
            "subject": "Kortet fungerar inte",
            "description": "Det nekas i butik.",
            "priority": "high",
            "suggestion_token": token,
            "files": [upload("kort.png", PNG)],
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{case.pk}/"
    assert (case.subject, case.priority, case.channel) == ("Kortet fungerar inte", "high", "portal")
    assert SuggestionSession.objects.get(token=token).case_id == case.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"priority": "urgent"}, "priority"),
        ({"category_id": "999999"}, "category_id"),
        ({"subject": ""}, "subject"),
    ],
)
def test_a_forged_or_missing_choice_answers_422_with_the_fields_error_and_opens_nothing(
    changes: dict[str, str], field: str
) -> None:
    client = portal_client(_customer().pk)
    data = {"subject": "Hej", "description": "Text", "priority": "normal", **changes}

    response = client.post("/portal/cases/new/", data)

    assert response.status_code == 422
    assert field in response.context["errors"]
    assert Case.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_a_program_disguised_as_a_pdf_answers_422_and_opens_nothing() -> None:
    client = portal_client(_customer().pk)

    response = client.post(
        "/portal/cases/new/",
        {
            "subject": "Hej",
            "description": "Text",
            "priority": "normal",
            "files": [upload("faktura.pdf", EXE, "application/pdf")],
        },
    )

    assert response.status_code == 422
    assert "files" in response.context["errors"]
    assert Case.objects.count() == 0


def test_the_suggestion_panel_shows_the_empty_state_when_nothing_matches() -> None:
    client = portal_client(_customer().pk)
    token = client.get("/portal/cases/new/").context["suggestion_token"]

    response = client.post(
        "/portal/cases/new/suggestions/", {"subject": "zzqx", "description": "", "suggestion_token": token}
    )

    assert response.status_code == 200
    assert "No article matches yet" in response.content.decode()
    assert SuggestionSession.objects.get(token=token).shown_count == 0


def test_replying_with_a_file_adds_it_to_the_conversation() -> None:
    customer = _customer()
    case = _case(customer)
    client = portal_client(customer.pk)

    response = client.post(
        f"/portal/cases/{case.pk}/reply/", {"text": "Här är kvittot.", "files": [upload("kvitto.png", PNG)]}
    )

    assert response.status_code == 302
    reply = Interaction.objects.filter(case_link__case=case).order_by("-id").first()
    assert reply is not None and reply.body_text == "Här är kvittot."
    assert list(reply.attachments.values_list("filename", flat=True)) == ["kvitto.png"]


def test_an_empty_reply_answers_422_and_adds_nothing() -> None:
    customer = _customer()
    case = _case(customer)

    response = portal_client(customer.pk).post(f"/portal/cases/{case.pk}/reply/", {"text": "  "})

    assert response.status_code == 422
    assert "text" in response.context["errors"]
    assert Interaction.objects.filter(case_link__case=case).count() == 1


def test_close_reopen_and_rate_from_the_case_page() -> None:
    customer = _customer()
    case = _case(customer)
    client = portal_client(customer.pk)

    assert client.post(f"/portal/cases/{case.pk}/close/").status_code == 302
    case.refresh_from_db()
    assert case.status == "solved"
    page = client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "Reopen the case" in page and "How was our answer?" in page
    assert (
        client.post(f"/portal/cases/{case.pk}/rate/", {"rating": "5", "comment": "Tack!"}).status_code == 302
    )
    assert client.post(f"/portal/cases/{case.pk}/rate/", {"rating": "9"}).status_code == 422
    case.refresh_from_db()
    assert (case.customer_rating, case.customer_rating_comment) == (5, "Tack!")
    assert client.post(f"/portal/cases/{case.pk}/reopen/").status_code == 302
    case.refresh_from_db()
    assert case.status == "open"


def test_my_details_are_corrected_through_the_customers_checks_audited_and_on_the_timeline() -> None:
    customer = _customer(first_name="Anna", last_name="Berg")
    client = portal_client(customer.pk)

    response = client.post(
        "/portal/details/",
        {
            "first_name": "Anna",
            "last_name": "Lind",
            "email": ["anna.lind@example.se", ""],
            "phone": ["070-123 45 67"],
            "street": ["Storgatan 1"],
            "postal_code": ["111 22"],
            "city": ["Stockholm"],
            "country": ["SE"],
            "preferred_language": "fi",
        },
    )

    assert response.status_code == 302
    assert response.cookies[LANGUAGE_COOKIE].value == "fi"
    customer.refresh_from_db()
    assert (
        customer.last_name,
        customer.primary_email,
        customer.primary_phone,
        customer.city,
        customer.preferred_language,
    ) == ("Lind", "anna.lind@example.se", "+46701234567", "Stockholm", "fi")
    assert AuditEntry.objects.filter(action="portal.details", object_id=str(customer.pk)).count() == 1
    assert Event.objects.filter(customer_id=customer.pk, kind="customer.changed").count() == 1


def test_a_bad_email_answers_422_naming_the_field_and_changes_nothing() -> None:
    customer = _customer(first_name="Anna", last_name="Berg")

    response = portal_client(customer.pk).post(
        "/portal/details/",
        {"first_name": "Anna", "last_name": "Lind", "email": ["inte-en-adress"], "preferred_language": "sv"},
    )

    assert response.status_code == 422
    assert "emails[0].address" in response.context["errors"]
    customer.refresh_from_db()
    assert (customer.last_name, customer.primary_email) == ("Berg", "kund@example.se")


def test_the_page_speaks_the_customers_preferred_language_or_the_one_chosen_on_the_page() -> None:
    customer = _customer(preferred_language="nb")
    client = portal_client(customer.pk)

    assert client.get("/portal/")["Content-Language"] == "nb"
    chosen = client.post("/portal/language/", {"language": "da", "next": "/portal/details/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/portal/details/"
    danish = client.get("/portal/")
    assert danish["Content-Language"] == "da"
    assert "Mine sager" in danish.content.decode() and "Opret en ny sag" in danish.content.decode()
    client.post("/portal/language/", {"language": "fi"})
    assert "Omat asiat" in client.get("/portal/").content.decode()
    client.post("/portal/language/", {"language": "da"})
    refused = client.post("/portal/language/", {"language": "de", "next": "https://evil.example/"})
    assert refused["Location"] == "/portal/"
    assert client.get("/portal/")["Content-Language"] == "da"


def test_the_theme_colours_come_as_a_stylesheet_and_a_colour_too_light_is_replaced() -> None:
    from django.test import Client

    from lojal.portal.models import PortalTheme

    PortalTheme.objects.create(company_name="Banken", primary_colour="#ffff00", accent_colour="#0f766e")

    css = Client().get("/portal/theme.css").content.decode()

    assert css == ":root{--portal-primary:#1d4ed8;--portal-accent:#0f766e;}\n"


def _count_queries(client: Any, path: str) -> int:
    client.get(path)  # the session's last-seen write and first-use caches out of the way
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_case_list_and_case_page_run_a_fixed_number_of_queries(admin_user: User) -> None:
    customer = _customer()
    cases = [_case(customer, f"Fråga {n}") for n in range(3)]
    client = portal_client(customer.pk)
    list_few = _count_queries(client, "/portal/")
    page_few = _count_queries(client, f"/portal/cases/{cases[0].pk}/")
    for n in range(10):
        _case(customer, f"Fler {n}")
        case_reply(actor=admin_user, case_id=cases[0].pk, text=f"Svar {n}")

    assert _count_queries(client, "/portal/") == list_few
    assert _count_queries(client, f"/portal/cases/{cases[0].pk}/") == page_few
    # session, profile, cases; the case page: session, profile, case, messages, files (the theme is cached)
    assert (list_few, page_few) == (3, 5)
