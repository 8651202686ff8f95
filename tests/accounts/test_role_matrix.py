"""What each role may do, through the API and through the pages, derived from the one role table
(lojal.accounts.roles.PERMISSIONS); and the API tokens and passwords staff sign in with."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from lojal.accounts.models import ApiToken, User
from lojal.accounts.roles import PERMISSIONS, Action, Role, role_allows
from lojal.accounts.services import token_create, user_create
from lojal.core.models import AuditEntry
from lojal.customers.forms import CustomerForm
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion, EmailAddress
from lojal.interactions.models import Interaction
from lojal.sales.models import Product, ProductCategory
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ROLES = list(Role)
#: Whom the edit form data is filled in as: a role that sees every field in full.
ADMINISTRATOR = User(role=Role.ADMINISTRATOR)


@dataclass
class World:
    """The customers every matrix case acts on."""

    anna: Customer
    organisation: Customer
    suspicion: DuplicateSuspicion


@pytest.fixture
def world() -> World:
    anna = factories.person(
        first_name="Anna", last_name="Lindqvist", national_id="880320-0016", emails=["anna@example.se"]
    )
    twin = factories.person(first_name="Ana", last_name="Lindquist", emails=["ANNA@example.se"])
    organisation = factories.organisation(organisation_name="Volvo AB")
    return World(
        anna=anna,
        organisation=organisation,
        suspicion=DuplicateSuspicion.objects.get(first=anna, second=twin),
    )


def state() -> tuple[Any, ...]:
    """Everything a refused write might have touched."""
    return (
        list(
            Customer.objects.order_by("pk").values_list(
                "pk", "first_name", "last_name", "deleted_at", "merged_into_id", "updated_at"
            )
        ),
        list(EmailAddress.objects.order_by("pk").values_list("pk", "customer_id", "address")),
        list(Event.objects.order_by("pk").values_list("pk", "customer_id", "kind")),
        list(ContactPerson.objects.values_list("pk", flat=True)),
        list(DuplicateSuspicion.objects.order_by("pk").values_list("pk", "status")),
        AuditEntry.objects.exclude(action="token").count(),
        list(Interaction.objects.order_by("pk").values_list("pk", "customer_id")),
        list(Product.objects.order_by("pk").values_list("pk", "code", "name", "is_active")),
        list(ProductCategory.objects.order_by("pk").values_list("pk", "name")),
    )


# --- the API ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCase:
    name: str
    action: str
    allowed_status: int
    call: Callable[[ApiClient, World], Any]
    writes: bool


API_CASES = [
    ApiCase("list", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("customers"), False),
    ApiCase("search", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("customers/search", q="anna"), False),
    ApiCase("read one", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get(f"customers/{w.anna.pk}"), False),
    ApiCase(
        "timeline", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get(f"customers/{w.anna.pk}/timeline"), False
    ),
    ApiCase("duplicates", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("customers/duplicates"), False),
    ApiCase(
        "create", Action.CUSTOMER_CREATE, 201, lambda c, w: c.post("customers", {"last_name": "New"}), True
    ),
    ApiCase(
        "create batch",
        Action.CUSTOMER_CREATE,
        201,
        lambda c, w: c.post("customers/batch", {"items": [{"last_name": "New"}]}),
        True,
    ),
    ApiCase(
        "change",
        Action.CUSTOMER_CHANGE,
        200,
        lambda c, w: c.patch(f"customers/{w.anna.pk}", {"first_name": "X"}),
        True,
    ),
    ApiCase(
        "add contact",
        Action.CUSTOMER_CHANGE,
        201,
        lambda c, w: c.post(f"customers/{w.organisation.pk}/contacts", {"first_name": "Karin"}),
        True,
    ),
    ApiCase("delete", Action.CUSTOMER_DELETE, 204, lambda c, w: c.delete(f"customers/{w.anna.pk}"), True),
    ApiCase(
        "merge",
        Action.CUSTOMER_MERGE,
        200,
        lambda c, w: c.post(
            "customers/merge", {"keep_id": w.suspicion.first_id, "other_id": w.suspicion.second_id}
        ),
        True,
    ),
    ApiCase(
        "dismiss duplicate",
        Action.CUSTOMER_MERGE,
        204,
        lambda c, w: c.post(f"customers/duplicates/{w.suspicion.pk}/dismiss"),
        True,
    ),
    ApiCase(
        "add note",
        Action.NOTE_ADD,
        201,
        lambda c, w: c.post(f"customers/{w.anna.pk}/notes", {"text": "Hello"}),
        True,
    ),
    ApiCase("audit log", Action.AUDIT_VIEW, 200, lambda c, w: c.get("audit"), False),
    ApiCase(
        "log a call",
        Action.INTERACTION_LOG,
        201,
        lambda c, w: c.post("interactions", {"customer_id": w.anna.pk, "channel": "call", "subject": "Hej"}),
        True,
    ),
    ApiCase(
        "send email",
        Action.EMAIL_SEND,
        202,
        lambda c, w: c.post(
            "interactions/emails",
            {"customer_id": w.anna.pk, "to": "anna@example.se", "subject": "Hej", "body": "Text"},
        ),
        True,
    ),
    ApiCase("unmatched inbox", Action.INBOX_TRIAGE, 200, lambda c, w: c.get("interactions/unmatched"), False),
    ApiCase(
        "inbound email",
        Action.INBOUND_POST,
        201,
        lambda c, w: c.client.post(
            "/api/v1/inbound/email", b"From: a@b.se\r\nSubject: x\r\n\r\nhej", content_type="message/rfc822"
        ),
        True,
    ),
    ApiCase(
        "inbound call",
        Action.INBOUND_POST,
        200,
        lambda c, w: c.post(
            "inbound/calls", {"call_id": "c1", "event": "missed", "from_number": "0701234567"}
        ),
        True,
    ),
    ApiCase(
        "revenue",
        Action.CUSTOMER_VIEW,
        200,
        lambda c, w: c.get(f"sales/customers/{w.anna.pk}/revenue"),
        False,
    ),
    ApiCase(
        "record transaction",
        Action.SALES_RECORD,
        201,
        lambda c, w: c.post(
            f"sales/customers/{w.anna.pk}/transactions",
            {"occurred_at": "2026-01-01T10:00:00Z", "kind": "purchase", "amount": "10", "currency": "SEK"},
        ),
        True,
    ),
    ApiCase(
        "open holding",
        Action.SALES_RECORD,
        201,
        lambda c, w: c.post(
            f"sales/customers/{w.anna.pk}/holdings", {"name": "Konto", "opened_on": "2026-01-01"}
        ),
        True,
    ),
    ApiCase("imports", Action.IMPORT_RUN, 200, lambda c, w: c.get("imports"), False),
    ApiCase("products", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("sales/products"), False),
    ApiCase(
        "create product",
        Action.CATALOGUE_MANAGE,
        201,
        lambda c, w: c.post("sales/products", {"code": "NEW-1", "name": "Nytt"}),
        True,
    ),
    ApiCase(
        "create product category",
        Action.CATALOGUE_MANAGE,
        201,
        lambda c, w: c.post("sales/product-categories", {"name": "Nytt"}),
        True,
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_allows_exactly_what_the_role_table_says(
    api_as: Callable[[str], ApiClient], world: World, role: str, case: ApiCase
) -> None:
    # given
    client = api_as(role)
    before = state()

    # when
    response = case.call(client, world)

    # then
    if role_allows(role, case.action):
        assert response.status_code == case.allowed_status, response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert json.loads(response.content)["status"] == 403
        assert state() == before


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_shows_the_national_id_unmasked_only_to_roles_allowed_to_see_it(
    api_as: Callable[[str], ApiClient], world: World, role: str
) -> None:
    shown = json.loads(api_as(role).get(f"customers/{world.anna.pk}").content)["national_id"]
    assert shown == ("19880320-0016" if role_allows(role, Action.NATIONAL_ID_VIEW) else "19880320-****")


def test_role_table_covers_every_role_and_administrators_may_do_everything() -> None:
    assert set(PERMISSIONS) == set(Role.values)
    assert PERMISSIONS[Role.ADMINISTRATOR] == frozenset(Action.values)
    # Read-only staff read: customers, and the service desk's figures (issue 13: "read-only reads").
    assert PERMISSIONS[Role.READ_ONLY] == frozenset({Action.CUSTOMER_VIEW, Action.SERVICE_REPORTS})
    assert all(Action.CUSTOMER_VIEW in allowed for allowed in PERMISSIONS.values())


def test_inactive_user_may_do_nothing_and_a_superuser_everything(make_user: Callable[..., User]) -> None:
    manager = make_user(Role.MANAGER)
    manager.is_active = False
    assert not any(manager.can(action) for action in Action.values)
    reader = make_user(Role.READ_ONLY)
    reader.is_superuser = True
    assert all(reader.can(action) for action in Action.values)
    assert not role_allows("no-such-role", Action.CUSTOMER_VIEW)


# --- the pages ----------------------------------------------------------------------------------


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def edit_form_data(customer: Customer, **changes: Any) -> dict[str, Any]:
    data = CustomerForm.initial_for(Customer.objects.get(pk=customer.pk), user=ADMINISTRATOR)
    data.update(changes)
    return {key: "" if value is None else value for key, value in data.items()}


NEW_PERSON = {
    "kind": "person",
    "last_name": "New",
    "national_id_country": "SE",
    "country": "SE",
    "preferred_language": "sv",
    "vip_tier": "none",
    "lifecycle_stage": "lead",
}


@dataclass(frozen=True)
class PageCase:
    name: str
    action: str
    allowed_status: int
    call: Callable[[Client, World], Any]
    writes: bool


PAGE_CASES = [
    PageCase("list", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("/customers/"), False),
    PageCase("read one", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get(f"/customers/{w.anna.pk}/"), False),
    PageCase(
        "timeline", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get(f"/customers/{w.anna.pk}/timeline/"), False
    ),
    PageCase(
        "duplicates page", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("/customers/duplicates/"), False
    ),
    PageCase("create form", Action.CUSTOMER_CREATE, 200, lambda c, w: c.get("/customers/new/"), False),
    PageCase("create", Action.CUSTOMER_CREATE, 302, lambda c, w: c.post("/customers/new/", NEW_PERSON), True),
    PageCase(
        "edit form", Action.CUSTOMER_CHANGE, 200, lambda c, w: c.get(f"/customers/{w.anna.pk}/edit/"), False
    ),
    PageCase(
        "change",
        Action.CUSTOMER_CHANGE,
        302,
        lambda c, w: c.post(f"/customers/{w.anna.pk}/edit/", edit_form_data(w.anna, first_name="Annika")),
        True,
    ),
    PageCase(
        "add contact",
        Action.CUSTOMER_CHANGE,
        302,
        lambda c, w: c.post(f"/customers/{w.organisation.pk}/contacts/", {"first_name": "Karin"}),
        True,
    ),
    PageCase(
        "delete", Action.CUSTOMER_DELETE, 302, lambda c, w: c.post(f"/customers/{w.anna.pk}/delete/"), True
    ),
    PageCase(
        "merge screen",
        Action.CUSTOMER_MERGE,
        200,
        lambda c, w: c.get(f"/customers/duplicates/{w.suspicion.pk}/"),
        False,
    ),
    PageCase(
        "merge",
        Action.CUSTOMER_MERGE,
        302,
        lambda c, w: c.post(
            f"/customers/duplicates/{w.suspicion.pk}/", {"action": "merge", "keep": w.suspicion.first_id}
        ),
        True,
    ),
    PageCase(
        "dismiss duplicate",
        Action.CUSTOMER_MERGE,
        302,
        lambda c, w: c.post(f"/customers/duplicates/{w.suspicion.pk}/", {"action": "dismiss"}),
        True,
    ),
    PageCase(
        "add note",
        Action.NOTE_ADD,
        302,
        lambda c, w: c.post(f"/customers/{w.anna.pk}/notes/", {"text": "Hello"}),
        True,
    ),
    PageCase("audit log", Action.AUDIT_VIEW, 200, lambda c, w: c.get("/audit/"), False),
    PageCase(
        "log a call",
        Action.INTERACTION_LOG,
        302,
        lambda c, w: c.post(
            f"/interactions/customers/{w.anna.pk}/log/",
            {"channel": "call", "direction": "out", "subject": "Hej"},
        ),
        True,
    ),
    PageCase(
        "compose email",
        Action.EMAIL_SEND,
        200,
        lambda c, w: c.get(f"/interactions/customers/{w.anna.pk}/email/"),
        False,
    ),
    PageCase("unmatched inbox", Action.INBOX_TRIAGE, 200, lambda c, w: c.get("/interactions/inbox/"), False),
    PageCase(
        "sales panel",
        Action.CUSTOMER_VIEW,
        200,
        lambda c, w: c.get(f"/sales/customers/{w.anna.pk}/panel/"),
        False,
    ),
    PageCase("imports", Action.IMPORT_RUN, 200, lambda c, w: c.get("/imports/"), False),
    PageCase("products", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("/sales/products/"), False),
    PageCase(
        "product categories", Action.CUSTOMER_VIEW, 200, lambda c, w: c.get("/sales/categories/"), False
    ),
    PageCase(
        "new product form", Action.CATALOGUE_MANAGE, 200, lambda c, w: c.get("/sales/products/new/"), False
    ),
    PageCase(
        "create product",
        Action.CATALOGUE_MANAGE,
        302,
        lambda c, w: c.post("/sales/products/new/", {"code": "NEW-1", "name": "Nytt", "currency": "SEK"}),
        True,
    ),
    PageCase(
        "create product category",
        Action.CATALOGUE_MANAGE,
        302,
        lambda c, w: c.post("/sales/categories/", {"name": "Nytt"}),
        True,
    ),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_pages_allow_exactly_what_the_role_table_says(
    make_user: Callable[..., User], world: World, role: str, case: PageCase
) -> None:
    # given
    client = signed_in(make_user, role)
    before = state()

    # when
    response = case.call(client, world)

    # then
    if role_allows(role, case.action):
        assert response.status_code == case.allowed_status, response.content[:2000]
        if case.writes:
            assert state() != before
    else:
        assert response.status_code == 403
        assert b"Your role does not allow this." in response.content
        assert state() == before


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_customer_page_shows_the_national_id_unmasked_only_to_roles_allowed_to_see_it(
    make_user: Callable[..., User], world: World, role: str
) -> None:
    page = signed_in(make_user, role).get(f"/customers/{world.anna.pk}/").content.decode()
    if role_allows(role, Action.NATIONAL_ID_VIEW):
        assert 'data-testid="national-id">19880320-0016<' in page
    else:
        assert 'data-testid="national-id">19880320-****<' in page
        assert "19880320-0016" not in page


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_pages_only_offer_the_buttons_the_role_may_use(
    make_user: Callable[..., User], world: World, role: str
) -> None:
    page = signed_in(make_user, role).get(f"/customers/{world.anna.pk}/").content.decode()
    assert (f'href="/customers/{world.anna.pk}/edit/"' in page) == role_allows(role, Action.CUSTOMER_CHANGE)
    assert (f'action="/customers/{world.anna.pk}/delete/"' in page) == role_allows(
        role, Action.CUSTOMER_DELETE
    )
    assert (f'action="/customers/{world.anna.pk}/notes/"' in page) == role_allows(role, Action.NOTE_ADD)
    listing = signed_in(make_user, role).get("/customers/").content.decode()
    assert ('href="/customers/new/"' in listing) == role_allows(role, Action.CUSTOMER_CREATE)


def test_pages_require_sign_in(world: World) -> None:
    for url in (
        "/customers/",
        f"/customers/{world.anna.pk}/",
        "/customers/new/",
        "/customers/duplicates/",
        "/account/tokens/",
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"
    state_before = state()
    assert Client().post(f"/customers/{world.anna.pk}/delete/").status_code == 302
    assert state() == state_before


# --- tokens and passwords -----------------------------------------------------------------------


def test_password_gives_a_token_that_authenticates(admin_user: User) -> None:
    # when
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "admin", "password": "not-a-real-password-1", "name": "laptop"}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 201
    created = json.loads(response.content)
    assert created["name"] == "laptop"
    assert created["token"].startswith("lojal_")
    token = ApiToken.objects.get(pk=created["id"])
    assert (token.user, token.name, token.prefix) == (admin_user, "laptop", created["token"][:12])
    me = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert me.get("/api/v1/customers").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "wrong-password-1"), ("nobody", "not-a-real-password-1"), ("ADMIN", "not-a-real-password-1")],
)
def test_wrong_password_gives_401_and_no_token(admin_user: User, username: str, password: str) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"] == "Wrong username or password."
    assert ApiToken.objects.count() == 0


def test_token_is_stored_only_as_its_digest(admin_user: User) -> None:
    # when
    issued = token_create(user=admin_user, name="script")

    # then
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert stored.digest != issued.secret
    assert issued.secret not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == issued.secret[:12]
    assert AuditEntry.objects.filter(action="token", object_id=str(stored.pk)).count() == 1


def test_every_token_is_different(admin_user: User) -> None:
    secrets = {token_create(user=admin_user, name="t").secret for _ in range(5)}
    assert len(secrets) == 5


def test_tokens_list_shows_only_ones_own_tokens(api: ApiClient, api_as: Callable[[str], ApiClient]) -> None:
    # given
    other = api_as(Role.SALES)
    extra = token_create(user=api.user, name="second").token

    # when
    response = api.get("auth/tokens")

    # then
    mine = ApiToken.objects.get(user=api.user, name="tests")
    assert [(t["id"], t["name"], t["prefix"], t["revoked_at"]) for t in json.loads(response.content)] == [
        (extra.pk, "second", extra.prefix, None),
        (mine.pk, "tests", mine.prefix, None),
    ]
    assert "digest" not in response.content.decode()
    assert ApiToken.objects.filter(user=other.user).count() == 1


def test_revoking_ones_own_token_ends_its_access(api: ApiClient) -> None:
    # given
    token = ApiToken.objects.get(user=api.user)

    # when
    response = api.delete(f"auth/tokens/{token.pk}")

    # then
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("auth/tokens").status_code == 401


def test_another_users_token_cannot_be_revoked(api: ApiClient, api_as: Callable[[str], ApiClient]) -> None:
    other = api_as(Role.SALES)
    other_token = ApiToken.objects.get(user=other.user)
    response = api.delete(f"auth/tokens/{other_token.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    other_token.refresh_from_db()
    assert other_token.revoked_at is None
    assert other.get("customers").status_code == 200


def test_cli_prints_a_token_that_authenticates(make_user: Callable[..., User]) -> None:
    # given
    seller = make_user(Role.SALES, "saljare")

    # when
    out = io.StringIO()
    call_command("token", "create", "--user", "saljare", "--name", "nightly import", stdout=out)

    # then
    secret = out.getvalue().strip()
    assert secret.startswith("lojal_")
    token = ApiToken.objects.get(user=seller)
    assert (token.name, token.digest) == ("nightly import", hashlib.sha256(secret.encode()).hexdigest())
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/customers")
    assert response.status_code == 200


def test_cli_lists_and_revokes_tokens(make_user: Callable[..., User]) -> None:
    seller = make_user(Role.SALES, "saljare")
    issued = token_create(user=seller, name="cron")
    listing = io.StringIO()
    call_command("token", "list", "--user", "saljare", stdout=listing)
    assert listing.getvalue().startswith(f"{issued.token.pk}\t{issued.token.prefix}…\tcron\tactive\t")
    call_command("token", "revoke", "--user", "saljare", str(issued.token.pk), stdout=io.StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get("/api/v1/customers").status_code == 401


def test_cli_refuses_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("token", "create", "--user", "ghost", stdout=io.StringIO())
    assert ApiToken.objects.count() == 0


def test_tokens_page_creates_and_revokes_a_token(make_user: Callable[..., User]) -> None:
    # given
    user = make_user(Role.MARKETING)
    client = Client()
    client.force_login(user)

    # when
    page = client.post("/account/tokens/", {"name": "Excel"})

    # then the secret is shown once
    token = ApiToken.objects.get(user=user)
    secret = page.context["new_secret"]
    assert secret in page.content.decode()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get("/account/tokens/").content.decode()

    # when
    response = client.post("/account/tokens/", {"revoke": str(token.pk)})

    # then
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_passwords_are_hashed_with_argon2(db: None) -> None:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user = user_create(username="karin", password="a-long-secret-phrase", role=Role.SALES)
        stored = User.objects.get(pk=user.pk).password
        assert stored.startswith("argon2$argon2id$")
        assert "a-long-secret-phrase" not in stored
        assert check_password("a-long-secret-phrase", stored)
        assert not check_password("a-wrong-secret-phrase", stored)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "x", "password": "short", "role": Role.SALES}, "password"),
        ({"username": "x", "password": "password123", "role": Role.SALES}, "password"),
        ({"username": " ", "password": "a-long-secret-phrase", "role": Role.SALES}, "username"),
        ({"username": "x", "password": "a-long-secret-phrase", "role": "emperor"}, "role"),
    ],
)
def test_user_create_refuses_bad_input(db: None, kwargs: dict[str, Any], field: str) -> None:
    from lojal.core.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        user_create(**kwargs)
    assert list(caught.value.errors) == [field]
    assert User.objects.count() == 0
