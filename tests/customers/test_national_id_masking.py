"""National identity numbers on every read path, for every role: in full only to roles allowed to see
them (lojal.accounts.roles: ``national_id.view``), masked or absent for everyone else, and the edit form
keeps a number the user could not see when it is saved untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Action, Role, role_allows
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer, DuplicateSuspicion
from lojal.customers.services import contact_person_add, customer_update
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ROLES = list(Role)
ANNA_FULL = "19880320-0016"
NEW_FULL = "19900101-0017"
#: Every spelling of the two numbers in play; none of them may reach a role that may not see them.
FULL_SPELLINGS = (
    ANNA_FULL,
    "198803200016",
    "880320-0016",
    "8803200016",
    NEW_FULL,
    "199001010017",
    "900101-0017",
)


def leaked(body: str) -> list[str]:
    return [spelling for spelling in FULL_SPELLINGS if spelling in body]


@dataclass
class World:
    anna: Customer
    twin: Customer
    organisation: Customer
    suspicion: DuplicateSuspicion


@pytest.fixture
def world(admin_user: User) -> World:
    """Anna, whose number was typed in on creation and changed once since (so the audit log and the
    timeline both have a national number change), a look-alike and an organisation with Anna as a
    contact person."""
    anna = factories.person(
        actor=admin_user,
        first_name="Anna",
        last_name="Lindqvist",
        national_id="640214-2316",
        emails=["anna@example.se"],
    )
    customer_update(actor=admin_user, customer_id=anna.pk, data={"national_id": "880320-0016"})
    twin = factories.person(first_name="Ana", last_name="Lindquist", emails=["ANNA@example.se"])
    organisation = factories.organisation(organisation_name="Volvo AB")
    contact_person_add(
        actor=admin_user,
        organisation_id=organisation.pk,
        data={"first_name": "Anna", "last_name": "Lindqvist", "person_id": anna.pk},
    )
    return World(
        anna=Customer.objects.get(pk=anna.pk),
        twin=twin,
        organisation=organisation,
        suspicion=DuplicateSuspicion.objects.get(first=anna, second=twin),
    )


def may_see(role: str) -> bool:
    return role_allows(role, Action.NATIONAL_ID_VIEW)


@dataclass(frozen=True)
class ReadCase:
    """A read path: the action it needs, the call, and the number it shows in full to roles that may
    see numbers (None where it shows no number to anyone)."""

    name: str
    action: str
    call: Callable[[Any, World], Any]
    full: str | None


API_CASES = [
    ReadCase("read one", Action.CUSTOMER_VIEW, lambda c, w: c.get(f"customers/{w.anna.pk}"), ANNA_FULL),
    ReadCase("list", Action.CUSTOMER_VIEW, lambda c, w: c.get("customers"), None),
    ReadCase("search", Action.CUSTOMER_VIEW, lambda c, w: c.get("customers/search", q="Lindqvist"), None),
    ReadCase("duplicates", Action.CUSTOMER_VIEW, lambda c, w: c.get("customers/duplicates"), None),
    ReadCase(
        "contact persons",
        Action.CUSTOMER_VIEW,
        lambda c, w: c.get(f"customers/{w.organisation.pk}/contacts"),
        None,
    ),
    ReadCase("timeline", Action.CUSTOMER_VIEW, lambda c, w: c.get(f"customers/{w.anna.pk}/timeline"), None),
    ReadCase(
        "create",
        Action.CUSTOMER_CREATE,
        lambda c, w: c.post("customers", {"last_name": "New", "national_id": "900101-0017"}),
        NEW_FULL,
    ),
    ReadCase(
        "create batch",
        Action.CUSTOMER_CREATE,
        lambda c, w: c.post(
            "customers/batch", {"items": [{"last_name": "New", "national_id": "900101-0017"}]}
        ),
        None,
    ),
    ReadCase(
        "change",
        Action.CUSTOMER_CHANGE,
        lambda c, w: c.patch(f"customers/{w.anna.pk}", {"first_name": "X"}),
        ANNA_FULL,
    ),
    ReadCase(
        "merge",
        Action.CUSTOMER_MERGE,
        lambda c, w: c.post("customers/merge", {"keep_id": w.anna.pk, "other_id": w.twin.pk}),
        ANNA_FULL,
    ),
    ReadCase("audit log", Action.AUDIT_VIEW, lambda c, w: c.get("/api/v1/audit", limit=200), None),
]


@pytest.mark.parametrize("case", API_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_shows_national_numbers_in_full_only_to_roles_that_may_see_them(
    api_as: Callable[[str], ApiClient], world: World, role: str, case: ReadCase
) -> None:
    # when
    response = case.call(api_as(role), world)

    # then
    body = response.content.decode()
    if not role_allows(role, case.action):
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 201), body
    if case.full is not None and role_allows(role, case.action) and may_see(role):
        assert case.full in body
    else:
        assert leaked(body) == []


def test_api_masks_the_number_it_shows_to_a_role_that_may_not_see_it(
    api_as: Callable[[str], ApiClient], world: World
) -> None:
    body = json.loads(api_as(Role.SALES).patch(f"customers/{world.anna.pk}", {"first_name": "X"}).content)
    assert body["national_id"] == "19880320-****"


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def form_as_shown(client: Client, customer: Customer) -> dict[str, Any]:
    """The edit form's fields as this client is shown them (a refused client gets the admin's view)."""
    response = client.get(f"/customers/{customer.pk}/edit/")
    initial = response.context["form"].initial if response.status_code == 200 else {}
    return {name: "" if value is None else value for name, value in initial.items()}


PAGE_CASES = [
    ReadCase(
        "customer page", Action.CUSTOMER_VIEW, lambda c, w: c.get(f"/customers/{w.anna.pk}/"), ANNA_FULL
    ),
    ReadCase(
        "edit form", Action.CUSTOMER_CHANGE, lambda c, w: c.get(f"/customers/{w.anna.pk}/edit/"), ANNA_FULL
    ),
    ReadCase(
        "edit form with errors",
        Action.CUSTOMER_CHANGE,
        lambda c, w: c.post(
            f"/customers/{w.anna.pk}/edit/", {**form_as_shown(c, w.anna), "emails": "broken@"}
        ),
        ANNA_FULL,
    ),
    ReadCase(
        # A contact person cannot be added to a person: the customer page is shown again with the error.
        "customer page after a refused contact person",
        Action.CUSTOMER_CHANGE,
        lambda c, w: c.post(f"/customers/{w.anna.pk}/contacts/", {"first_name": "Karin"}),
        ANNA_FULL,
    ),
    ReadCase(
        "customer list", Action.CUSTOMER_VIEW, lambda c, w: c.get("/customers/", {"q": "Lindqvist"}), None
    ),
    ReadCase("timeline", Action.CUSTOMER_VIEW, lambda c, w: c.get(f"/customers/{w.anna.pk}/timeline/"), None),
    ReadCase(
        "organisation page",
        Action.CUSTOMER_VIEW,
        lambda c, w: c.get(f"/customers/{w.organisation.pk}/"),
        None,
    ),
    ReadCase("duplicates page", Action.CUSTOMER_VIEW, lambda c, w: c.get("/customers/duplicates/"), None),
    ReadCase(
        "merge page",
        Action.CUSTOMER_MERGE,
        lambda c, w: c.get(f"/customers/duplicates/{w.suspicion.pk}/"),
        None,
    ),
    ReadCase("audit page", Action.AUDIT_VIEW, lambda c, w: c.get("/audit/"), None),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_pages_show_national_numbers_in_full_only_to_roles_that_may_see_them(
    make_user: Callable[..., User], world: World, role: str, case: ReadCase
) -> None:
    # when
    response = case.call(signed_in(make_user, role), world)

    # then
    body = response.content.decode()
    if not role_allows(role, case.action):
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 422), body
    if case.full is not None and role_allows(role, case.action) and may_see(role):
        assert case.full in body
    else:
        assert leaked(body) == []


def test_edit_form_shows_sales_the_masked_number(make_user: Callable[..., User], world: World) -> None:
    response = signed_in(make_user, Role.SALES).get(f"/customers/{world.anna.pk}/edit/")
    assert response.status_code == 200
    assert 'value="19880320-****"' in response.content.decode()


def test_edit_form_saved_untouched_by_sales_keeps_the_number(
    make_user: Callable[..., User], world: World
) -> None:
    # given the form as sales sees it, with the masked number
    client = signed_in(make_user, Role.SALES)
    data = form_as_shown(client, world.anna)
    assert data["national_id"] == "19880320-****"
    audit_before = AuditEntry.objects.count()

    # when saved with only the first name changed
    response = client.post(f"/customers/{world.anna.pk}/edit/", {**data, "first_name": "Annika"})

    # then
    assert (response.status_code, response["Location"]) == (302, f"/customers/{world.anna.pk}/")
    anna = Customer.objects.get(pk=world.anna.pk)
    assert (anna.first_name, anna.national_id, anna.national_id_display) == (
        "Annika",
        "198803200016",
        ANNA_FULL,
    )
    assert list(AuditEntry.objects.order_by("pk")[audit_before:].values_list("changes", flat=True)) == [
        {"first_name": ["Anna", "Annika"]}
    ]


def test_sales_may_replace_a_number_it_cannot_see(make_user: Callable[..., User], world: World) -> None:
    # given
    client = signed_in(make_user, Role.SALES)
    data = form_as_shown(client, world.anna)

    # when
    response = client.post(f"/customers/{world.anna.pk}/edit/", {**data, "national_id": "900101-0017"})

    # then
    assert response.status_code == 302
    anna = Customer.objects.get(pk=world.anna.pk)
    assert (anna.national_id, anna.first_name) == ("199001010017", "Anna")
    page = client.get(f"/customers/{world.anna.pk}/edit/").content.decode()
    assert 'value="19900101-****"' in page
    assert leaked(page) == []


def test_edit_form_shows_a_service_agent_the_full_number(
    make_user: Callable[..., User], world: World
) -> None:
    response = signed_in(make_user, Role.SERVICE_AGENT).get(f"/customers/{world.anna.pk}/edit/")
    assert f'value="{ANNA_FULL}"' in response.content.decode()


def test_audit_log_never_stores_a_national_number(admin_user: User, world: World) -> None:
    """The audit log is read by roles that may see numbers today; it stores none, so a role given the
    audit log later still sees none."""
    # given a merge that moves a number, on top of the create and change in the world
    other = factories.person(actor=admin_user, first_name="Bo", national_id="900101-0017")
    keep = factories.person(actor=admin_user, first_name="Bo")
    ApiClient(admin_user).post("customers/merge", {"keep_id": keep.pk, "other_id": other.pk})

    # then
    stored = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert '"(set)"' in stored
    assert leaked(stored) == []


# --- searching by a number: who has it is only told to roles that may see numbers ------------------


@dataclass(frozen=True)
class SearchCase:
    name: str
    action: str
    call: Callable[[Client, ApiClient, str], Any]


SEARCH_CASES = [
    SearchCase("api search", Action.CUSTOMER_VIEW, lambda page, api, q: api.get("customers/search", q=q)),
    SearchCase("api list", Action.CUSTOMER_VIEW, lambda page, api, q: api.get("customers", q=q)),
    SearchCase(
        "customer list page", Action.CUSTOMER_VIEW, lambda page, api, q: page.get("/customers/", {"q": q})
    ),
    SearchCase(
        "inbox customer picker",
        Action.INBOX_TRIAGE,
        lambda page, api, q: page.get("/interactions/1/pick/", {"q": q}),
    ),
]


@pytest.mark.parametrize("case", SEARCH_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_search_by_national_number_finds_the_holder_only_for_roles_that_may_see_numbers(
    make_user: Callable[..., User], world: World, role: str, case: SearchCase
) -> None:
    # given
    user = make_user(role)
    page = Client()
    page.force_login(user)

    # when
    response = case.call(page, ApiClient(user), "880320-0016")

    # then
    if not role_allows(role, case.action):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert ("Anna Lindqvist" in response.content.decode()) == may_see(role)


@pytest.mark.parametrize("role", [Role.SALES, Role.SERVICE_AGENT], ids=str)
def test_search_by_name_still_finds_the_customer_for_every_role(
    api_as: Callable[[str], ApiClient], world: World, role: str
) -> None:
    items = json.loads(api_as(role).get("customers/search", q="Lindqvist").content)["items"]
    assert [(item["id"], item["matched_on"]) for item in items] == [(world.anna.pk, "name")]
