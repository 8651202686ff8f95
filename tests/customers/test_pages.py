"""The customer pages through Django's test client: sign-in, the list with search, filters and htmx,
the customer page, the forms, notes, duplicates and merge, language, and pinned query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.customers.creation import customers_create_batch
from lojal.customers.forms import CustomerForm
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion
from lojal.customers.services import contact_person_add, customer_delete
from lojal.timeline.models import Event
from lojal.timeline.services import note_add
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
#: Whom the edit form data is filled in as: a role that sees every field in full.
ADMINISTRATOR = User(role=Role.ADMINISTRATOR)


def client_as(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def new_person_form(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "national_id_country": "SE",
        "country": "SE",
        "preferred_language": "sv",
        "vip_tier": "none",
        "lifecycle_stage": "lead",
        **fields,
    }


def edit_form(customer: Customer, **changes: Any) -> dict[str, Any]:
    data = CustomerForm.initial_for(Customer.objects.get(pk=customer.pk), user=ADMINISTRATOR)
    data.update(changes)
    return {key: "" if value is None else value for key, value in data.items()}


# --- signing in ---------------------------------------------------------------------------------


def test_login_page_renders(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page
    assert 'name="password"' in page
    assert "csrfmiddlewaretoken" in page


def test_right_password_signs_in_and_goes_to_my_day(admin_user: User) -> None:
    client = Client()
    response = client.post("/login/", {"username": "admin", "password": "not-a-real-password-1"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


def test_wrong_password_shows_an_error_and_signs_nobody_in(admin_user: User) -> None:
    client = Client()
    response = client.post("/login/", {"username": "admin", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()
    assert client.get("/customers/").status_code == 302


def test_unauthenticated_list_redirects_to_login(client: Client) -> None:
    response = client.get("/customers/?q=anna")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/customers/%3Fq%3Danna"
    assert client.get("/").status_code == 302


# --- the list -----------------------------------------------------------------------------------


@pytest.fixture
def some_customers(make_user: Callable[..., User]) -> dict[str, Customer]:
    seller = make_user(Role.SALES, "saljare")
    return {
        "anna": factories.person(
            first_name="Anna",
            last_name="Åström",
            emails=["anna@example.se"],
            phones=["070-123 45 67"],
            lifecycle_stage="customer",
            vip_tier="gold",
            tags=["VIP"],
            account_manager_id=seller.pk,
            addresses=[{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
        ),
        "bertil": factories.person(
            first_name="Bertil",
            last_name="Berg",
            addresses=[
                {"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}
            ],
        ),
        "volvo": factories.organisation(organisation_name="Volvo AB", lifecycle_stage="customer"),
    }


def names_in(response: Any) -> list[str]:
    return [customer.display_name for customer in response.context["page"]]


def test_list_shows_every_customer_sorted_by_name(
    staff_client: Client, some_customers: dict[str, Customer]
) -> None:
    response = staff_client.get("/customers/")
    assert response.status_code == 200
    # Å comes after Z in the Swedish alphabet.
    assert names_in(response) == ["Bertil Berg", "Volvo AB", "Anna Åström"]
    page = response.content.decode()
    assert "<html" in page
    assert "3 customers" in page
    assert "+46 70 123 45 67" in page


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=astrom", ["Anna Åström"]),
        ("q=070-123+45+67", ["Anna Åström"]),
        ("q=nobody+at+all", []),
        ("stage=customer", ["Volvo AB", "Anna Åström"]),
        ("tier=gold", ["Anna Åström"]),
        ("tag=VIP", ["Anna Åström"]),
        ("country=NO", ["Bertil Berg"]),
        ("kind=organisation", ["Volvo AB"]),
        ("stage=customer&kind=person", ["Anna Åström"]),
        ("sort=-created", ["Volvo AB", "Bertil Berg", "Anna Åström"]),
        ("sort=number", ["Anna Åström", "Bertil Berg", "Volvo AB"]),
        ("sort=nonsense", ["Bertil Berg", "Volvo AB", "Anna Åström"]),
        ("page=99", ["Bertil Berg", "Volvo AB", "Anna Åström"]),
        ("page=x", ["Bertil Berg", "Volvo AB", "Anna Åström"]),
        ("manager=x", ["Bertil Berg", "Volvo AB", "Anna Åström"]),
        ("manager=99999999999999999999", []),
    ],
)
def test_list_filters_and_sorts(
    staff_client: Client, some_customers: dict[str, Customer], query: str, names: list[str]
) -> None:
    response = staff_client.get(f"/customers/?{query}")
    assert response.status_code == 200
    assert names_in(response) == names


def test_list_filters_by_account_manager(staff_client: Client, some_customers: dict[str, Customer]) -> None:
    seller = User.objects.get(username="saljare")
    assert names_in(staff_client.get(f"/customers/?manager={seller.pk}")) == ["Anna Åström"]


def test_list_says_so_when_nothing_matches(staff_client: Client, some_customers: dict[str, Customer]) -> None:
    page = staff_client.get("/customers/?q=zzzzzz").content.decode()
    assert "No customers match. Try fewer filters or another spelling." in page


def test_htmx_request_gets_only_the_results(
    staff_client: Client, some_customers: dict[str, Customer]
) -> None:
    response = staff_client.get("/customers/?q=astrom", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "<table" in page
    assert "Anna Åström" in page
    assert "Bertil Berg" not in page
    assert response.templates[0].name == "customers/_results.html"


def test_list_pages_through_many_customers(staff_client: Client) -> None:
    customers_create_batch(actor=None, items=[{"last_name": f"Kund {n:02}"} for n in range(30)])
    first = staff_client.get("/customers/")
    second = staff_client.get("/customers/?page=2", **HTMX)
    assert names_in(first) == [f"Kund {n:02}" for n in range(25)]
    assert names_in(second) == [f"Kund {n:02}" for n in range(25, 30)]
    assert "Page 1 of 2" in first.content.decode()


# --- the customer page --------------------------------------------------------------------------


def test_customer_page_shows_details_timeline_and_masked_number_for_sales(
    make_user: Callable[..., User],
) -> None:
    # given
    anna = factories.person(
        first_name="Anna",
        last_name="Lindqvist",
        national_id="880320-0016",
        emails=["anna@example.se"],
        phones=["070-123 45 67"],
        addresses=[{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
        tags=["VIP"],
    )
    note_add(customer_id=anna.pk, text="Prefers email", actor=None)

    # when
    response = client_as(make_user, Role.SALES).get(f"/customers/{anna.pk}/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Anna Lindqvist" in page
    assert str(anna.customer_number) in page
    assert 'data-testid="national-id">19880320-****<' in page
    assert "19880320-0016" not in page
    assert "anna@example.se" in page
    assert "+46 70 123 45 67" in page
    assert "Storgatan 1" in page
    assert "VIP" in page
    assert "Prefers email" in page
    assert "Anna Lindqvist was added. Stage: Lead" in page


def test_unknown_or_deleted_customer_page_is_404(staff_client: Client) -> None:
    anna = factories.person()
    customer_delete(actor=None, customer_id=anna.pk)
    assert staff_client.get(f"/customers/{anna.pk}/").status_code == 404
    assert staff_client.get("/customers/987654/").status_code == 404
    assert staff_client.get("/customers/987654/edit/").status_code == 404


def test_older_timeline_entries_load_in_pages(staff_client: Client) -> None:
    anna = factories.person()
    for n in range(25):
        note_add(customer_id=anna.pk, text=f"Note number {n}", actor=None)
    page = staff_client.get(f"/customers/{anna.pk}/")
    assert len(page.context["events"]) == 20
    older = staff_client.get(f"/customers/{anna.pk}/timeline/?before={page.context['next_before']}", **HTMX)
    assert older.status_code == 200
    assert [event.body or event.kind for event in older.context["events"]] == [
        *[f"Note number {n}" for n in range(4, -1, -1)],
        "customer.created",
    ]
    assert "<html" not in older.content.decode()
    assert staff_client.get(f"/customers/{anna.pk}/timeline/?before=garbage").status_code == 200


# --- create and edit ----------------------------------------------------------------------------


def test_create_form_renders(staff_client: Client) -> None:
    response = staff_client.get("/customers/new/?kind=organisation")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="organisation_name"' in page
    assert 'name="national_id"' in page


def test_valid_create_form_redirects_to_the_new_customer(staff_client: Client, admin_user: User) -> None:
    # when
    response = staff_client.post(
        "/customers/new/",
        new_person_form(
            first_name="Anna",
            last_name="Lindqvist",
            national_id="880320-0016",
            emails="Anna@Example.se\nanna@work.example",
            phones="070-123 45 67",
            street="Storgatan 1",
            postal_code="411 38",
            city="Göteborg",
            tags="VIP, Nyhetsbrev",
        ),
    )

    # then
    anna = Customer.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/customers/{anna.pk}/")
    assert anna.display_name == "Anna Lindqvist"
    assert anna.national_id == "198803200016"
    assert list(anna.emails.values_list("address", flat=True)) == ["anna@example.se", "anna@work.example"]
    assert anna.primary_phone == "+46701234567"
    assert anna.city == "Göteborg"
    assert sorted(anna.tags.values_list("name", flat=True)) == ["Nyhetsbrev", "VIP"]
    assert AuditEntry.objects.get(object_type="customers.customer").actor == admin_user
    followed = staff_client.get(response["Location"])
    assert f"Customer {anna.customer_number} created." in followed.content.decode()


def test_valid_organisation_form_creates_an_organisation(staff_client: Client) -> None:
    response = staff_client.post(
        "/customers/new/",
        new_person_form(
            kind="organisation", organisation_name="Volvo AB", national_id="556036-0793", employee_count="12"
        ),
    )
    volvo = Customer.objects.get()
    assert response.status_code == 302
    assert (volvo.kind, volvo.display_name, volvo.national_id, volvo.employee_count) == (
        "organisation",
        "Volvo AB",
        "5560360793",
        12,
    )


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"last_name": "X", "emails": "not-an-email"}, {"emails"}),
        ({"last_name": "X", "national_id": "880320-0017"}, {"national_id"}),
        (
            {"last_name": "X", "emails": "ok@example.se\nbroken@", "national_id": "880320-0017"},
            {"emails", "national_id"},
        ),
        ({"last_name": "X", "phones": "12"}, {"phones"}),
        (
            {"last_name": "X", "street": "Storgatan 1", "postal_code": "4113", "city": "Göteborg"},
            {"postal_code"},
        ),
        ({"first_name": ""}, {"last_name"}),
        ({"last_name": "X", "birth_date": "not a date"}, {"birth_date"}),
        ({"last_name": "X", "preferred_language": "xx"}, {"preferred_language"}),
    ],
)
def test_invalid_create_form_shows_the_field_errors_and_creates_nothing(
    staff_client: Client, fields: dict[str, str], errors: set[str]
) -> None:
    # when
    response = staff_client.post("/customers/new/", new_person_form(**fields))

    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == errors
    page = response.content.decode()
    assert "Please correct the fields marked below. Nothing was saved." in page
    assert 'class="error" role="alert"' in page
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="customers.customer").count() == 0


def test_create_form_with_a_number_in_use_names_the_holder(staff_client: Client) -> None:
    anna = factories.person(national_id="880320-0016")
    response = staff_client.post("/customers/new/", new_person_form(last_name="X", national_id="8803200016"))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [
        f"Customer {anna.customer_number} already has this number."
    ]
    assert Customer.objects.count() == 1


def test_edit_form_shows_the_current_values(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", national_id="880320-0016", phones=["0701234567"])
    response = staff_client.get(f"/customers/{anna.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Anna"' in page
    assert 'value="19880320-0016"' in page
    assert "+46 70 123 45 67" in page


def test_edit_form_saves_changes_and_the_stage_reason(staff_client: Client) -> None:
    # given
    anna = factories.person(
        first_name="Anna", last_name="Lindqvist", national_id="880320-0016", emails=["anna@example.se"]
    )
    events_before = Event.objects.filter(customer=anna).count()

    # when
    response = staff_client.post(
        f"/customers/{anna.pk}/edit/",
        edit_form(anna, first_name="Annika", lifecycle_stage="customer", stage_reason="First order"),
    )

    # then
    assert (response.status_code, response["Location"]) == (302, f"/customers/{anna.pk}/")
    anna.refresh_from_db()
    assert (anna.first_name, anna.lifecycle_stage, anna.national_id, anna.primary_email) == (
        "Annika",
        "customer",
        "198803200016",
        "anna@example.se",
    )
    new_events = Event.objects.filter(customer=anna).order_by("id")[events_before:]
    assert [(e.kind, e.data.get("fields"), e.data.get("reason")) for e in new_events] == [
        ("customer.changed", ["first_name"], None),
        ("customer.stage_changed", None, "First order"),
    ]


def test_edit_form_without_changes_writes_nothing(staff_client: Client) -> None:
    anna = factories.person(
        first_name="Anna",
        national_id="880320-0016",
        emails=["anna@example.se"],
        phones=["0701234567"],
        addresses=[{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
        tags=["VIP"],
    )
    audit, events = AuditEntry.objects.count(), Event.objects.count()
    response = staff_client.post(f"/customers/{anna.pk}/edit/", edit_form(anna))
    assert response.status_code == 302
    assert (AuditEntry.objects.count(), Event.objects.count()) == (audit, events)


def test_invalid_edit_form_changes_nothing(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", emails=["anna@example.se"])
    response = staff_client.post(
        f"/customers/{anna.pk}/edit/", edit_form(anna, first_name="Annika", emails="broken@")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"emails"}
    anna.refresh_from_db()
    assert (anna.first_name, anna.primary_email) == ("Anna", "anna@example.se")


def test_delete_button_removes_the_customer_from_the_list(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna")
    response = staff_client.post(f"/customers/{anna.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/customers/")
    assert names_in(staff_client.get("/customers/")) == []
    assert staff_client.get(f"/customers/{anna.pk}/delete/").status_code == 405


# --- notes and contact persons ------------------------------------------------------------------


def test_note_added_with_htmx_returns_the_new_timeline(staff_client: Client) -> None:
    anna = factories.person()
    response = staff_client.post(f"/customers/{anna.pk}/notes/", {"text": "Called\nShe will pay"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "Called<br>She will pay" in page
    assert Event.objects.filter(customer=anna, kind="note.added").get().body == "Called\nShe will pay"


def test_empty_note_with_htmx_is_422_with_the_error(staff_client: Client) -> None:
    anna = factories.person()
    response = staff_client.post(f"/customers/{anna.pk}/notes/", {"text": "   "}, **HTMX)
    assert response.status_code == 422
    assert "Write something before saving the note." in response.content.decode()
    assert Event.objects.filter(kind="note.added").count() == 0


def test_note_added_without_htmx_redirects_to_the_customer(staff_client: Client) -> None:
    anna = factories.person()
    response = staff_client.post(f"/customers/{anna.pk}/notes/", {"text": "Plain note"})
    assert (response.status_code, response["Location"]) == (302, f"/customers/{anna.pk}/")
    assert "Plain note" in staff_client.get(response["Location"]).content.decode()
    empty = staff_client.post(f"/customers/{anna.pk}/notes/", {"text": ""}, follow=True)
    assert "Write something before saving the note." in empty.content.decode()
    assert Event.objects.filter(kind="note.added").count() == 1


def test_contact_person_is_added_and_removed_on_the_organisation_page(staff_client: Client) -> None:
    volvo = factories.organisation()
    response = staff_client.post(
        f"/customers/{volvo.pk}/contacts/",
        {"first_name": "Karin", "last_name": "Berg", "email": "Karin@Volvo.example"},
    )
    assert response.status_code == 302
    contact = ContactPerson.objects.get()
    assert (contact.first_name, contact.email) == ("Karin", "karin@volvo.example")
    assert "karin@volvo.example" in staff_client.get(f"/customers/{volvo.pk}/").content.decode()
    removed = staff_client.post(f"/customers/{volvo.pk}/contacts/{contact.pk}/delete/")
    assert removed.status_code == 302
    assert ContactPerson.objects.count() == 0
    assert staff_client.post(f"/customers/{volvo.pk}/contacts/{contact.pk}/delete/").status_code == 404


def test_invalid_contact_person_re_renders_the_page_with_the_error(staff_client: Client) -> None:
    volvo = factories.organisation(national_id="556036-0793")
    response = staff_client.post(f"/customers/{volvo.pk}/contacts/", {"first_name": "Karin", "email": "nope"})
    assert response.status_code == 422
    assert response.context["contact_form"].errors["email"][0].startswith("This is not a valid email address")
    assert ContactPerson.objects.count() == 0


# --- duplicates and merge -----------------------------------------------------------------------


def test_duplicates_page_lists_the_suspected_pairs(staff_client: Client) -> None:
    factories.person(first_name="Anna", emails=["anna@example.se"])
    factories.person(first_name="Ana", emails=["anna@example.se"])
    response = staff_client.get("/customers/duplicates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "same email" in page
    suspicion = DuplicateSuspicion.objects.get()
    assert f'href="/customers/duplicates/{suspicion.pk}/"' in page


def test_merge_flow_keeps_the_chosen_customer(staff_client: Client) -> None:
    # given
    anna = factories.person(first_name="Anna", emails=["anna@example.se"])
    ana = factories.person(first_name="Ana", emails=["anna@example.se"], phones=["0701234567"])
    suspicion = DuplicateSuspicion.objects.get()

    # when the merge screen is opened
    screen = staff_client.get(f"/customers/duplicates/{suspicion.pk}/")

    # then it shows both sides
    assert screen.status_code == 200
    assert (screen.context["first"].pk, screen.context["second"].pk) == (anna.pk, ana.pk)

    # when the second one is kept
    response = staff_client.post(
        f"/customers/duplicates/{suspicion.pk}/", {"action": "merge", "keep": str(ana.pk)}
    )

    # then
    assert (response.status_code, response["Location"]) == (302, f"/customers/{ana.pk}/")
    anna.refresh_from_db()
    assert anna.merged_into_id == ana.pk
    assert Customer.objects.get(pk=ana.pk).deleted_at is None
    assert "Merged into Ana Person." in staff_client.get(response["Location"]).content.decode()
    assert (
        "No suspected duplicates. Well kept!" in staff_client.get("/customers/duplicates/").content.decode()
    )


def test_merge_without_a_valid_choice_changes_nothing(staff_client: Client) -> None:
    factories.person(emails=["anna@example.se"])
    factories.person(emails=["anna@example.se"])
    third = factories.person()
    suspicion = DuplicateSuspicion.objects.get()
    for keep in ("", "abc", str(third.pk)):
        response = staff_client.post(
            f"/customers/duplicates/{suspicion.pk}/", {"action": "merge", "keep": keep}
        )
        assert response.status_code == 200
    assert Customer.objects.filter(deleted_at__isnull=True).count() == 3
    assert DuplicateSuspicion.objects.get().status == "open"


def test_dismiss_flow_hides_the_pair(staff_client: Client) -> None:
    factories.person(emails=["anna@example.se"])
    factories.person(emails=["anna@example.se"])
    suspicion = DuplicateSuspicion.objects.get()
    response = staff_client.post(f"/customers/duplicates/{suspicion.pk}/", {"action": "dismiss"})
    assert (response.status_code, response["Location"]) == (302, "/customers/duplicates/")
    assert DuplicateSuspicion.objects.get().status == "dismissed"
    assert staff_client.get("/customers/duplicates/").context["pairs"] == []


def test_unknown_merge_screen_is_404(staff_client: Client) -> None:
    assert staff_client.get("/customers/duplicates/987654/").status_code == 404


# --- language -----------------------------------------------------------------------------------


def test_language_switch_changes_the_page_language(staff_client: Client) -> None:
    # given
    assert 'lang="en"' in staff_client.get("/customers/").content.decode()

    # when
    response = staff_client.post("/i18n/setlang/", {"language": "sv", "next": "/customers/"})

    # then
    assert (response.status_code, response["Location"]) == (302, "/customers/")
    page = staff_client.get("/customers/")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.content.decode()
    staff_client.post("/i18n/setlang/", {"language": "nb", "next": "/customers/"})
    assert '<html lang="nb">' in staff_client.get("/customers/").content.decode()


def test_unknown_language_keeps_the_current_one(staff_client: Client) -> None:
    staff_client.post("/i18n/setlang/", {"language": "xx", "next": "/customers/"})
    assert '<html lang="en">' in staff_client.get("/customers/").content.decode()


# --- junk input ---------------------------------------------------------------------------------


@pytest.fixture
def tolerant_client(admin_user: User) -> Client:
    """A signed-in client that returns a 500 page instead of raising, so tests can check the status."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/customers/?q=%00", None),
        ("get", "/customers/?manager=99999999999999999999", None),
        ("get", "/customers/?page=-1&sort=%00", None),
        ("get", "/customers/{anna}/timeline/?before=%00", None),
        ("get", "/audit/?before=99999999999999999999", None),
        ("post", "/customers/new/", new_person_form(last_name="A\x00")),
        ("post", "/customers/{volvo}/contacts/", {"first_name": "K\x00"}),
        ("post", "/customers/duplicates/987654/", {"action": "merge", "keep": "99999999999999999999"}),
        ("post", "/i18n/setlang/", {"language": "\x00"}),
    ],
)
def test_junk_page_input_is_never_a_server_error(
    tolerant_client: Client, method: str, url: str, data: dict[str, str] | None
) -> None:
    anna, volvo = factories.person(), factories.organisation()
    response = getattr(tolerant_client, method)(url.format(anna=anna.pk, volvo=volvo.pk), data)
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/customers/?tag=%00", None),
        ("get", "/customers/?stage=%00", None),
        ("get", "/customers/?country=%00", None),
        ("get", "/customers/?kind=%00", None),
        ("get", "/audit/?type=%00", None),
        ("post", "/customers/{anna}/notes/", {"text": "a\x00b"}),
        ("post", "/account/tokens/", {"name": "a\x00b"}),
    ],
)
def test_nul_character_in_page_input_is_not_a_server_error(
    tolerant_client: Client, method: str, url: str, data: dict[str, str] | None
) -> None:
    anna = factories.person()
    response = getattr(tolerant_client, method)(url.format(anna=anna.pk), data)
    assert response.status_code < 500


# --- query counts -------------------------------------------------------------------------------

# Observed 7 on SQLite and PostgreSQL (session, user, count, tag choices, staff choices, the rows, their
# tags; the htmx partial skips the choices), plus 2 of slack. It must not grow with the rows on the page.
LIST_PAGE_QUERIES = 9
# Observed 9 (session, user, customer, emails, phones, addresses, tags, contact persons with their
# person customers, one timeline page with actors), plus 2 of slack.
CUSTOMER_PAGE_QUERIES = 11


def test_list_page_query_count_does_not_grow_with_the_rows(
    staff_client: Client, make_user: Callable[..., User], django_assert_max_num_queries: Any
) -> None:
    # given 25 customers with tags and account managers
    managers = [make_user(Role.SALES) for _ in range(3)]
    customers_create_batch(
        actor=None,
        items=[
            {
                "last_name": f"Kund {n:02}",
                "tags": [f"tag{n % 4}", "VIP"],
                "account_manager_id": managers[n % 3].pk,
                "emails": [f"k{n}@example.se"],
                "phones": ["0701234567"],
            }
            for n in range(25)
        ],
    )

    # then
    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        response = staff_client.get("/customers/")
    assert len(names_in(response)) == 25
    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        assert staff_client.get("/customers/?q=kund&stage=lead", **HTMX).status_code == 200


def test_customer_page_query_count_does_not_grow_with_its_records(
    staff_client: Client, make_user: Callable[..., User], django_assert_max_num_queries: Any
) -> None:
    # given an organisation with many of everything
    seller = make_user(Role.SALES)
    people = customers_create_batch(actor=None, items=[{"last_name": f"Person {n}"} for n in range(5)])
    volvo = factories.organisation(
        national_id="556036-0793",
        emails=[f"info{n}@volvo.example" for n in range(5)],
        phones=["0701234567", "08-123 456 78"],
        addresses=[{"street": f"Gatan {n}", "postal_code": "411 38", "city": "Göteborg"} for n in range(3)],
        tags=["VIP", "Mässa", "Export"],
        account_manager_id=seller.pk,
    )
    for person in people:
        contact_person_add(
            actor=seller, organisation_id=volvo.pk, data={"first_name": "K", "person_id": person.pk}
        )
    for n in range(30):
        note_add(customer_id=volvo.pk, text=f"Note {n}", actor=seller if n % 2 else None)

    # then
    with django_assert_max_num_queries(CUSTOMER_PAGE_QUERIES):
        response = staff_client.get(f"/customers/{volvo.pk}/")
    assert response.status_code == 200
    assert len(response.context["events"]) == 20


def test_a_long_list_is_counted_only_up_to_the_cap(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from lojal.customers import views

    monkeypatch.setattr(
        views, "CUSTOMER_LIST", dataclasses.replace(views.CUSTOMER_LIST, count_cap=5, page_sizes=(2, 4))
    )
    customers_create_batch(actor=None, items=[{"last_name": f"Kund {n:02}"} for n in range(12)])
    page = staff_client.get("/customers/").content.decode()
    assert "More than 5 customers: search or filter to narrow the list." in page
    assert "Page 1 of 3+" in page
    narrowed = staff_client.get("/customers/?q=Kund+03").content.decode()
    assert "1 customer" in narrowed and "More than" not in narrowed


def test_customer_since_is_the_sources_date_then_the_first_transaction_then_the_record(
    staff_client: Client,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from lojal.sales.services import transaction_record

    # given one customer of each kind of history
    told = factories.person(customer_since="2009-11-15")
    bought = factories.person()
    for day in ("2021-05-04", "2019-03-02"):
        transaction_record(
            actor=None,
            customer_id=bought.pk,
            data={
                "occurred_at": dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"),
                "amount": "100.00",
                "kind": "purchase",
                "currency": "SEK",
            },
        )
    new = factories.person()

    # when / then
    def shown(customer: Customer) -> str:
        page = staff_client.get(f"/customers/{customer.pk}/").content.decode()
        return page.split('data-testid="customer-since">')[1].split("<")[0]

    assert shown(told) == "2009-11-15"
    assert shown(bought) == "2019-03-02"
    assert shown(new) == timezone.localdate(new.created_at).isoformat()
    assert dt.date.fromisoformat(shown(new)) <= timezone.localdate()


def test_edit_form_shows_and_saves_the_customer_since_date(staff_client: Client) -> None:
    # given a customer whose source system gave a start date
    anna = factories.person(first_name="Anna", customer_since=dt.date(2014, 3, 1))
    assert 'value="2014-03-01"' in staff_client.get(f"/customers/{anna.pk}/edit/").content.decode()

    # when it is corrected on the page
    response = staff_client.post(f"/customers/{anna.pk}/edit/", edit_form(anna, customer_since="2012-05-30"))

    # then
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.customer_since == dt.date(2012, 5, 30)
    assert staff_client.get(f"/customers/{anna.pk}/").context["customer_since"] == dt.date(2012, 5, 30)


def test_a_customer_since_date_outside_the_sane_range_is_refused_on_the_page(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", customer_since=dt.date(2014, 3, 1))
    response = staff_client.post(f"/customers/{anna.pk}/edit/", edit_form(anna, customer_since="1850-01-01"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"customer_since"}
    anna.refresh_from_db()
    assert anna.customer_since == dt.date(2014, 3, 1)
