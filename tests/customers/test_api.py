"""The REST API (/api/v1): every customer and auth endpoint, its successes and each of its errors,
which are all RFC 9457 problem documents and never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import ApiToken, User
from lojal.accounts.roles import Role
from lojal.accounts.services import token_revoke
from lojal.core.models import AuditEntry
from lojal.core.problems import PROBLEM_CONTENT_TYPE
from lojal.customers.creation import customers_create_batch
from lojal.customers.models import ContactPerson, Customer, DuplicateSuspicion
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ANNA: dict[str, Any] = {
    "kind": "person",
    "first_name": "Anna",
    "last_name": "Lindqvist",
    "national_id": "880320-0016",
    "emails": ["Anna@Example.se"],
    "phones": [{"number": "070-123 45 67", "label": "work"}],
    "addresses": [{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
    "tags": ["Nyhetsbrev"],
}


def problem(response: Any, status: int, fields: list[str] | None = None) -> dict[str, Any]:
    """Assert ``response`` is a problem document with ``status`` (and exactly these bad fields)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    if fields is not None:
        assert [error["field"] for error in body.get("errors", [])] == fields
        assert all(error["reasons"] for error in body["errors"])
    return body


def body_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return json.loads(response.content)


# --- authentication -----------------------------------------------------------------------------


def test_request_without_a_token_is_401_with_www_authenticate(admin_user: User) -> None:
    response = Client().get("/api/v1/customers")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer lojal_not-a-real-token", "Basic YWRtaW46cGFzcw==", "Bearer", "lojal_x"],
)
def test_request_with_a_bad_token_is_401(admin_user: User, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/customers")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_401(api: ApiClient) -> None:
    # given a token that worked
    assert api.get("customers").status_code == 200
    token = ApiToken.objects.get(user=api.user)

    # when it is revoked
    token_revoke(user=api.user, token_id=token.pk)

    # then
    response = api.get("customers")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deactivated_user_is_401(api: ApiClient) -> None:
    User.objects.filter(pk=api.user.pk).update(is_active=False)
    problem(api.get("customers"), 401)


def test_signed_in_staff_session_can_use_the_api(staff_client: Client) -> None:
    factories.person(first_name="Anna")
    assert [c["display_name"] for c in body_of(staff_client.get("/api/v1/customers"))["items"]] == [
        "Anna Person"
    ]


def test_session_write_without_a_csrf_token_is_403_and_changes_nothing(admin_user: User) -> None:
    # given a signed-in browser whose request was forged by another site (no CSRF token)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    # when
    response = browser.post(
        "/api/v1/customers", json.dumps({"last_name": "Forged"}), content_type="application/json"
    )

    # then
    problem(response, 403)
    assert Customer.objects.count() == 0
    assert browser.get("/api/v1/customers").status_code == 200  # reading needs no token


def test_session_write_with_the_csrf_token_is_allowed(admin_user: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    browser.get("/customers/")
    response = browser.post(
        "/api/v1/customers",
        json.dumps({"last_name": "Real"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    assert response.status_code == 201
    assert Customer.objects.get().display_name == "Real"


def test_script_with_a_bad_token_gets_401_not_a_csrf_error(admin_user: User) -> None:
    script = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer lojal_revoked")
    response = script.post(
        "/api/v1/customers", json.dumps({"last_name": "X"}), content_type="application/json"
    )
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_records_when_it_was_last_used(api: ApiClient) -> None:
    assert ApiToken.objects.get(user=api.user).last_used_at is None
    api.get("customers")
    assert ApiToken.objects.get(user=api.user).last_used_at is not None


def test_inactive_user_gets_no_token(admin_user: User) -> None:
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "admin", "password": "not-a-real-password-1"}),
        content_type="application/json",
    )
    problem(response, 401)
    assert ApiToken.objects.count() == 0


def test_token_request_with_missing_or_unknown_fields_is_422(admin_user: User) -> None:
    response = Client().post(
        "/api/v1/auth/token", json.dumps({"username": "admin", "otp": "123"}), content_type="application/json"
    )
    problem(response, 422, ["password", "otp"])
    assert ApiToken.objects.count() == 0


# --- create -------------------------------------------------------------------------------------


def test_create_returns_201_with_the_customer(api: ApiClient) -> None:
    # when
    created = body_of(api.post("customers", ANNA), 201)

    # then
    customer = Customer.objects.get()
    assert created["id"] == customer.pk
    assert created["customer_number"] == customer.customer_number
    assert created["display_name"] == "Anna Lindqvist"
    assert created["national_id"] == "19880320-0016"  # an administrator sees it unmasked
    assert (created["national_id_country"], created["national_id_kind"]) == ("SE", "se_personnummer")
    assert created["birth_date"] == "1988-03-20"
    assert created["emails"] == [{"address": "anna@example.se", "label": "", "is_primary": True}]
    assert created["phones"] == [{"number": "+46701234567", "label": "work", "is_primary": True}]
    assert created["addresses"][0]["city"] == "Göteborg"
    assert (created["primary_email"], created["primary_phone"], created["city"]) == (
        "anna@example.se",
        "+46701234567",
        "Göteborg",
    )
    assert created["tags"] == ["Nyhetsbrev"]
    assert [event["kind"] for event in created["timeline"]] == ["customer.created"]
    assert created["timeline"][0]["actor"] == {"id": api.user.pk, "name": api.user.display_name}


def test_create_organisation(api: ApiClient) -> None:
    created = body_of(
        api.post(
            "customers",
            {"kind": "organisation", "organisation_name": "Volvo AB", "national_id": "5560360793"},
        ),
        201,
    )
    assert (created["kind"], created["display_name"], created["national_id"]) == (
        "organisation",
        "Volvo AB",
        "556036-0793",
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"last_name": "X", "emails": ["not-an-email"]}, ["emails[0].address"]),
        ({"last_name": "X", "emails": ["a@example.se", {"address": "b@"}]}, ["emails[1].address"]),
        (
            {"last_name": "X", "emails": [{"adress": "a@example.se"}]},
            ["emails[0].address", "emails[0].adress"],
        ),
        ({"last_name": "X", "phones": ["12"]}, ["phones[0].number"]),
        ({"last_name": "X", "phones": [{"number": "0701234567", "label": "pager"}]}, ["phones[0].label"]),
        ({"last_name": "X", "national_id": "880320-0017"}, ["national_id"]),
        ({"last_name": "X", "national_id_country": "IS"}, ["national_id_country"]),
        ({"last_name": "X", "shoe_size": 44}, ["shoe_size"]),
        ({"last_name": "X", "birth_date": "yesterday"}, ["birth_date"]),
        (
            {"last_name": "X", "addresses": [{"street": "Storgatan 1", "postal_code": "4113"}]},
            ["addresses[0].postal_code"],
        ),
        ({"last_name": "X", "addresses": [{"street": "", "city": ""}]}, ["addresses[0].street"]),
        ({"last_name": "X", "vip_tier": "diamond"}, ["vip_tier"]),
        ({"last_name": "X", "employee_count": 5}, ["employee_count"]),
        ({"first_name": ""}, ["last_name"]),
        ({"kind": "robot", "last_name": "X"}, ["kind"]),
        ({"last_name": "X", "account_manager_id": 987654}, ["account_manager_id"]),
        (
            {"last_name": "X", "national_id": "1", "emails": ["x"], "phones": ["1"]},
            ["national_id", "emails[0].address", "phones[0].number"],
        ),
    ],
)
def test_create_with_bad_fields_is_422_naming_each_field(
    api: ApiClient, payload: dict[str, Any], fields: list[str]
) -> None:
    body = problem(api.post("customers", payload), 422)
    assert sorted(error["field"] for error in body["errors"]) == sorted(fields)
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="customers.customer").count() == 0
    assert Event.objects.count() == 0


def test_create_with_a_number_already_in_use_is_409(api: ApiClient) -> None:
    first = factories.person(national_id="880320-0016")
    body = problem(
        api.post("customers", {"last_name": "X", "national_id": "19880320-0016"}), 409, ["national_id"]
    )
    assert body["detail"] == f"Customer {first.customer_number} already has this number."
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("raw", ["{bad json", '{"last_name": "X",}', "\x00", "{'last_name': 'X'}"])
def test_malformed_json_is_400(api: ApiClient, raw: str) -> None:
    problem(api.client.post("/api/v1/customers", raw, content_type="application/json"), 400)
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("raw", ["[]", '"text"', "null", "42"])
def test_json_that_is_not_an_object_is_422(api: ApiClient, raw: str) -> None:
    problem(api.client.post("/api/v1/customers", raw, content_type="application/json"), 422)
    assert Customer.objects.count() == 0


def test_batch_creates_all_and_answers_201(api: ApiClient) -> None:
    response = api.post(
        "customers/batch",
        {"items": [{"last_name": "A"}, {"kind": "organisation", "organisation_name": "B AB"}]},
    )
    created = body_of(response, 201)
    assert created["created"] == 2
    ids = [item["id"] for item in created["items"]]
    assert [Customer.objects.get(pk=pk).display_name for pk in ids] == ["A", "B AB"]
    assert [item["customer_number"] for item in created["items"]] == [
        Customer.objects.get(pk=pk).customer_number for pk in ids
    ]


def test_batch_with_one_bad_item_is_422_and_creates_nothing(api: ApiClient) -> None:
    items = [{"last_name": f"K{n}", "emails": [f"k{n}@example.se"]} for n in range(5)]
    items[3]["emails"] = ["broken@"]
    problem(api.post("customers/batch", {"items": items}), 422, ["items[3].emails[0].address"])
    assert Customer.objects.count() == 0


def test_batch_with_a_schema_error_names_the_item(api: ApiClient) -> None:
    problem(
        api.post("customers/batch", {"items": [{"last_name": "A"}, {"kind": "robot"}]}),
        422,
        ["items[1].kind"],
    )
    problem(api.post("customers/batch", {"items": []}), 422, ["items"])
    assert Customer.objects.count() == 0


# --- read, list, filters, pagination ------------------------------------------------------------


def test_unknown_customer_is_404_problem(api: ApiClient) -> None:
    body = problem(api.get("customers/987654"), 404)
    assert body["detail"] == "No customer with id 987654."


def test_merged_customer_is_404_naming_the_one_it_was_merged_into(api: ApiClient) -> None:
    keep, other = factories.person(), factories.person()
    body_of(api.post("customers/merge", {"keep_id": keep.pk, "other_id": other.pk}))
    body = problem(api.get(f"customers/{other.pk}"), 404)
    assert body["detail"] == f"Customer {other.pk} was merged into customer {keep.pk}."


def test_read_includes_the_newest_fifty_timeline_entries(api: ApiClient) -> None:
    # given
    anna = factories.person()
    base = timezone.now() - dt.timedelta(days=1)
    Event.objects.bulk_create(
        Event(
            customer=anna,
            kind="note.added",
            summary=f"note {n}",
            body=f"note {n}",
            occurred_at=base + dt.timedelta(minutes=n),
        )
        for n in range(120)
    )

    # when
    customer = body_of(api.get(f"customers/{anna.pk}"))

    # then
    assert [event["summary"] for event in customer["timeline"]] == [
        f"{anna.display_name} was added. Stage: Lead",
        *[f"note {n}" for n in range(119, 70, -1)],
    ]
    rest = body_of(api.get(f"customers/{anna.pk}/timeline", cursor=customer["timeline_next"], limit=200))
    assert [event["summary"] for event in rest["items"]] == [f"note {n}" for n in range(70, -1, -1)]
    assert rest["next_cursor"] is None
    assert len(body_of(api.get(f"customers/{anna.pk}", timeline_limit=0))["timeline"]) == 0


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.ADMINISTRATOR, "19880320-0016"),
        (Role.MANAGER, "19880320-0016"),
        (Role.SERVICE_AGENT, "19880320-0016"),
        (Role.SALES, "19880320-****"),
        (Role.MARKETING, "19880320-****"),
        (Role.READ_ONLY, "19880320-****"),
    ],
)
def test_national_id_is_masked_unless_the_role_may_see_it(
    api_as: Callable[[str], ApiClient], role: str, shown: str
) -> None:
    anna = factories.person(national_id="880320-0016")
    volvo = factories.organisation(national_id="556036-0793")
    client = api_as(role)
    assert body_of(client.get(f"customers/{anna.pk}"))["national_id"] == shown
    assert body_of(client.get(f"customers/{volvo.pk}"))["national_id"] == "556036-0793"


def walk(api: ApiClient, limit: int, **params: Any) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _page in range(100):
        page = body_of(api.get("customers", limit=limit, **params, **({"cursor": cursor} if cursor else {})))
        assert len(page["items"]) <= limit
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("name", lambda c: (c.sort_name, c.pk)),
        ("-name", lambda c: (c.sort_name, c.pk)),
        ("number", lambda c: (c.customer_number,)),
        ("-number", lambda c: (c.customer_number,)),
        ("created", lambda c: (c.created_at, c.pk)),
        ("-created", lambda c: (c.created_at, c.pk)),
    ],
)
def test_cursor_pagination_walks_every_customer_exactly_once(api: ApiClient, sort: str, key: Any) -> None:
    # given customers with shared names (ties broken by id) created in one batch and one by one
    customers_create_batch(actor=None, items=[{"first_name": "Anna", "last_name": "Berg"} for _ in range(9)])
    customers_create_batch(
        actor=None, items=[{"first_name": f"P{n:02}", "last_name": "Ek"} for n in range(9)]
    )
    for n in range(5):
        factories.person(first_name="Anna", last_name="Berg" if n % 2 else "Åberg")
    expected = [c.pk for c in sorted(Customer.objects.all(), key=key, reverse=sort.startswith("-"))]

    # when
    seen = walk(api, limit=4, sort=sort)

    # then
    assert seen == expected
    assert len(seen) == len(set(seen)) == 23


def test_pagination_with_a_filter_walks_only_matching_customers(api: ApiClient) -> None:
    customers_create_batch(
        actor=None,
        items=[{"last_name": f"K{n}", "lifecycle_stage": "customer" if n % 3 else "lead"} for n in range(20)],
    )
    expected = list(
        Customer.objects.filter(lifecycle_stage="customer")
        .order_by("customer_number")
        .values_list("pk", flat=True)
    )
    assert walk(api, limit=5, sort="number", stage="customer") == expected


def forged_cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("name", "junk!"),
        ("name", "bm90IGpzb24"),
        ("name", forged_cursor({"a": 1})),
        ("name", forged_cursor(["x"])),
        ("name", forged_cursor(["x", "y"])),
        ("name", forged_cursor([1, 2])),
        ("number", forged_cursor(["x"])),
        ("number", forged_cursor([True])),
        ("number", forged_cursor([1.5])),
        ("created", forged_cursor(["yesterday", 1])),
        ("created", forged_cursor([17, 1])),
        ("-created", forged_cursor([None, None])),
    ],
)
def test_invalid_cursor_is_422(api: ApiClient, sort: str, cursor: str) -> None:
    factories.person()
    problem(api.get("customers", sort=sort, cursor=cursor), 422, ["cursor"])


def test_cursor_of_one_sort_is_refused_for_another(api: ApiClient) -> None:
    customers_create_batch(actor=None, items=[{"last_name": f"K{n}"} for n in range(3)])
    cursor = body_of(api.get("customers", sort="name", limit=1))["next_cursor"]
    problem(api.get("customers", sort="number", cursor=cursor), 422, ["cursor"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "shoe_size"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_bad_list_parameters_are_422(api: ApiClient, params: dict[str, Any], field: str) -> None:
    problem(api.get("customers", **params), 422, [field])


def test_list_filters(api: ApiClient, make_user: Callable[..., User]) -> None:
    # given
    seller = make_user(Role.SALES)
    oslo = {"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}
    gold = factories.person(first_name="Gold", vip_tier="gold", lifecycle_stage="customer", tags=["VIP"])
    norwegian = factories.person(first_name="Ola", addresses=[oslo], account_manager_id=seller.pk)
    company = factories.organisation(
        lifecycle_stage="customer", tags=["VIP", "Mässa"], account_manager_id=seller.pk
    )
    lead = factories.person(first_name="Lead")

    def ids(**params: Any) -> set[int]:
        return {item["id"] for item in body_of(api.get("customers", **params))["items"]}

    # then
    assert ids() == {gold.pk, norwegian.pk, company.pk, lead.pk}
    assert ids(stage="customer") == {gold.pk, company.pk}
    assert ids(stage="lead") == {norwegian.pk, lead.pk}
    assert ids(vip_tier="gold") == {gold.pk}
    assert ids(tag="VIP") == {gold.pk, company.pk}
    assert ids(tag="Mässa") == {company.pk}
    assert ids(country="NO") == {norwegian.pk}
    assert ids(country="no") == {norwegian.pk}
    assert ids(account_manager_id=seller.pk) == {norwegian.pk, company.pk}
    assert ids(kind="organisation") == {company.pk}
    assert ids(stage="customer", kind="person") == {gold.pk}
    assert ids(q="Ola") == {norwegian.pk}
    assert ids(stage="nonsense") == set()


def test_list_items_carry_tags_and_account_manager(api: ApiClient, make_user: Callable[..., User]) -> None:
    seller = make_user(Role.SALES)
    factories.person(first_name="Anna", tags=["VIP"], account_manager_id=seller.pk)
    [item] = body_of(api.get("customers"))["items"]
    assert item["tags"] == ["VIP"]
    assert item["account_manager"] == {"id": seller.pk, "name": seller.display_name}


# --- change and delete ----------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(api: ApiClient) -> None:
    # given
    anna = factories.person(first_name="Anna", last_name="Lindqvist", emails=["anna@example.se"])

    # when
    changed = body_of(
        api.patch(f"customers/{anna.pk}", {"first_name": "Annika", "lifecycle_stage": "customer"})
    )

    # then
    assert (changed["display_name"], changed["lifecycle_stage"], changed["primary_email"]) == (
        "Annika Lindqvist",
        "customer",
        "anna@example.se",
    )
    assert [event["kind"] for event in changed["timeline"][:2]] == [
        "customer.stage_changed",
        "customer.changed",
    ]
    assert AuditEntry.objects.filter(object_type="customers.customer", action="update").get().changes == {
        "first_name": ["Anna", "Annika"],
        "lifecycle_stage": ["lead", "customer"],
    }


def test_patch_with_null_clears_the_national_id(api: ApiClient) -> None:
    anna = factories.person(national_id="880320-0016")
    changed = body_of(api.patch(f"customers/{anna.pk}", {"national_id": None}))
    assert (changed["national_id"], changed["national_id_kind"]) == ("", "")


def test_patch_with_bad_fields_is_422_and_changes_nothing(api: ApiClient) -> None:
    anna = factories.person(first_name="Anna", emails=["anna@example.se"])
    problem(
        api.patch(f"customers/{anna.pk}", {"first_name": "Annika", "emails": ["nope"]}),
        422,
        ["emails[0].address"],
    )
    problem(api.patch(f"customers/{anna.pk}", {"kind": "organisation"}), 422, ["kind"])
    anna.refresh_from_db()
    assert (anna.first_name, anna.primary_email) == ("Anna", "anna@example.se")


def test_patch_to_a_number_in_use_is_409(api: ApiClient) -> None:
    factories.person(national_id="880320-0016")
    other = factories.person()
    problem(api.patch(f"customers/{other.pk}", {"national_id": "8803200016"}), 409, ["national_id"])
    assert Customer.objects.get(pk=other.pk).national_id == ""


def test_patch_of_an_unknown_customer_is_404(api: ApiClient) -> None:
    problem(api.patch("customers/987654", {"first_name": "X"}), 404)


def test_delete_is_204_and_then_404(api: ApiClient) -> None:
    anna = factories.person()
    response = api.delete(f"customers/{anna.pk}")
    assert (response.status_code, response.content) == (204, b"")
    problem(api.get(f"customers/{anna.pk}"), 404)
    problem(api.delete(f"customers/{anna.pk}"), 404)
    problem(api.patch(f"customers/{anna.pk}", {"first_name": "X"}), 404)
    assert Customer.objects.get(pk=anna.pk).deleted_at is not None
    assert body_of(api.get("customers"))["items"] == []


# --- contacts, timeline, notes ------------------------------------------------------------------


def test_contact_persons_can_be_added_listed_and_removed(api: ApiClient) -> None:
    # given
    volvo = factories.organisation()
    karin = factories.person(first_name="Karin", last_name="Berg")

    # when
    added = body_of(
        api.post(
            f"customers/{volvo.pk}/contacts",
            {
                "first_name": "Karin",
                "last_name": "Berg",
                "email": "Karin@Volvo.example",
                "phone": "070-123 45 67",
                "person_id": karin.pk,
            },
        ),
        201,
    )

    # then
    assert added == {
        "id": added["id"],
        "first_name": "Karin",
        "last_name": "Berg",
        "role": "",
        "email": "karin@volvo.example",
        "phone": "+46701234567",
        "is_primary": False,
        "person_id": karin.pk,
    }
    assert body_of(api.get(f"customers/{volvo.pk}/contacts")) == [added]
    assert body_of(api.get(f"customers/{volvo.pk}"))["contact_persons"] == [added]

    # when
    assert api.delete(f"customers/{volvo.pk}/contacts/{added['id']}").status_code == 204

    # then
    assert body_of(api.get(f"customers/{volvo.pk}/contacts")) == []
    problem(api.delete(f"customers/{volvo.pk}/contacts/{added['id']}"), 404)


def test_contact_person_errors(api: ApiClient) -> None:
    volvo = factories.organisation()
    anna = factories.person()
    problem(api.post(f"customers/{anna.pk}/contacts", {"first_name": "K"}), 422, ["organisation_id"])
    problem(api.post(f"customers/{volvo.pk}/contacts", {"last_name": "K"}), 422, ["first_name"])
    problem(api.post(f"customers/{volvo.pk}/contacts", {"first_name": "K", "email": "no"}), 422, ["email"])
    problem(
        api.post(f"customers/{volvo.pk}/contacts", {"first_name": "K", "person_id": volvo.pk}),
        422,
        ["person_id"],
    )
    problem(api.post("customers/987654/contacts", {"first_name": "K"}), 404)
    problem(api.get("customers/987654/contacts"), 404)
    assert ContactPerson.objects.count() == 0


def test_timeline_pages_through_every_event_with_the_cursor(api: ApiClient) -> None:
    # given 120 notes, several at the same moment, after the created event
    anna = factories.person()
    base = timezone.now() - dt.timedelta(days=1)
    Event.objects.bulk_create(
        Event(
            customer=anna,
            kind="note.added",
            summary=f"note {n}",
            body=f"note {n}",
            occurred_at=base + dt.timedelta(seconds=n // 4),
        )
        for n in range(120)
    )
    expected = list(
        Event.objects.filter(customer=anna).order_by("-occurred_at", "-id").values_list("pk", flat=True)
    )

    # when
    seen: list[int] = []
    pages: list[int] = []
    cursor = None
    while True:
        page = body_of(
            api.get(f"customers/{anna.pk}/timeline", limit=50, **({"cursor": cursor} if cursor else {}))
        )
        seen += [event["id"] for event in page["items"]]
        pages.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break

    # then
    assert pages == [50, 50, 21]
    assert seen == expected


def test_timeline_can_be_filtered_by_kind(api: ApiClient) -> None:
    anna = factories.person()
    body_of(api.post(f"customers/{anna.pk}/notes", {"text": "Hello"}), 201)
    items = body_of(api.get(f"customers/{anna.pk}/timeline", kind="note.added"))["items"]
    assert [(item["kind"], item["body"]) for item in items] == [("note.added", "Hello")]
    both = body_of(api.get(f"/api/v1/customers/{anna.pk}/timeline?kind=note.added&kind=customer.created"))[
        "items"
    ]
    assert [item["kind"] for item in both] == ["note.added", "customer.created"]


@pytest.mark.parametrize("cursor", ["zzz", "bm9waXBl", base64.urlsafe_b64encode(b"2020-01-01|x").decode()])
def test_invalid_timeline_cursor_is_422(api: ApiClient, cursor: str) -> None:
    anna = factories.person()
    problem(api.get(f"customers/{anna.pk}/timeline", cursor=cursor), 422, ["cursor"])


def test_timeline_of_an_unknown_customer_is_404(api: ApiClient) -> None:
    problem(api.get("customers/987654/timeline"), 404)


def test_note_is_added_to_the_timeline(api: ApiClient) -> None:
    anna = factories.person()
    note = body_of(
        api.post(f"customers/{anna.pk}/notes", {"text": "  Called about the invoice\nShe will pay Friday  "}),
        201,
    )
    assert (note["kind"], note["summary"], note["body"]) == (
        "note.added",
        "Called about the invoice",
        "Called about the invoice\nShe will pay Friday",
    )
    assert note["actor"] == {"id": api.user.pk, "name": api.user.display_name}
    assert Event.objects.filter(customer=anna, kind="note.added").count() == 1


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"text": ""}, ["text"]),
        ({"text": "   "}, ["text"]),
        ({}, ["text"]),
        ({"text": "x", "pin": True}, ["pin"]),
    ],
)
def test_bad_note_is_422_and_adds_nothing(api: ApiClient, payload: dict[str, Any], fields: list[str]) -> None:
    anna = factories.person()
    problem(api.post(f"customers/{anna.pk}/notes", payload), 422, fields)
    assert Event.objects.filter(kind="note.added").count() == 0


def test_note_on_an_unknown_customer_is_404(api: ApiClient) -> None:
    problem(api.post("customers/987654/notes", {"text": "x"}), 404)
    assert Event.objects.count() == 0


# --- search, duplicates, merge ------------------------------------------------------------------


def test_search_returns_what_matched(api: ApiClient) -> None:
    anna = factories.person(
        first_name="Anna", last_name="Åström", phones=["070-123 45 67"], national_id="880320-0016"
    )

    def search(q: str) -> list[tuple[int, str]]:
        return [
            (item["id"], item["matched_on"]) for item in body_of(api.get("customers/search", q=q))["items"]
        ]

    assert search("astrom") == [(anna.pk, "name")]
    assert search("Åsström") == [(anna.pk, "name_fuzzy")]
    assert search("+46 70 123 45 67") == [(anna.pk, "phone")]
    assert search("8803200016") == [(anna.pk, "national_id")]
    assert search(str(anna.customer_number)) == [(anna.pk, "customer_number")]
    assert search("nobody") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 201}, "q"), ({"q": "a", "limit": 101}, "limit")],
)
def test_bad_search_parameters_are_422(api: ApiClient, params: dict[str, Any], field: str) -> None:
    problem(api.get("customers/search", **params), 422, [field])


def test_duplicates_are_listed_dismissed_and_merged(api: ApiClient) -> None:
    # given
    anna = factories.person(first_name="Anna", emails=["anna@example.se"])
    other = factories.person(first_name="Ana", emails=["ANNA@example.se"], phones=["0701234567"])
    third = factories.person(first_name="Third", phones=["070-123 45 67"])

    # when listed
    pairs = body_of(api.get("customers/duplicates"))["items"]

    # then strongest evidence first
    assert [(p["first"]["id"], p["second"]["id"], p["reasons"], p["score"], p["status"]) for p in pairs] == [
        (anna.pk, other.pk, ["email"], 60, "open"),
        (other.pk, third.pk, ["phone"], 50, "open"),
    ]

    # when one is dismissed
    assert api.post(f"customers/duplicates/{pairs[1]['id']}/dismiss").status_code == 204

    # then
    assert [p["id"] for p in body_of(api.get("customers/duplicates"))["items"]] == [pairs[0]["id"]]
    dismissed = body_of(api.get("customers/duplicates", status="dismissed"))["items"]
    assert [p["id"] for p in dismissed] == [pairs[1]["id"]]

    # when the other is merged
    kept = body_of(api.post("customers/merge", {"keep_id": anna.pk, "other_id": other.pk}))

    # then
    assert kept["id"] == anna.pk
    assert [e["address"] for e in kept["emails"]] == ["anna@example.se"]
    assert [p["number"] for p in kept["phones"]] == ["+46701234567"]
    assert kept["timeline"][0]["kind"] == "customer.merged"
    assert DuplicateSuspicion.objects.get(pk=pairs[0]["id"]).status == "merged"
    problem(api.get(f"customers/{other.pk}"), 404)


def test_duplicate_errors(api: ApiClient) -> None:
    anna = factories.person()
    organisation = factories.organisation()
    problem(api.get("customers/duplicates", status="maybe"), 422, ["status"])
    problem(api.get("customers/duplicates", limit=501), 422, ["limit"])
    problem(api.post("customers/duplicates/987654/dismiss"), 404)
    problem(api.post("customers/merge", {"keep_id": anna.pk, "other_id": anna.pk}), 422, ["other_id"])
    problem(api.post("customers/merge", {"keep_id": anna.pk, "other_id": organisation.pk}), 422, ["other_id"])
    problem(api.post("customers/merge", {"keep_id": anna.pk, "other_id": 987654}), 404)
    problem(api.post("customers/merge", {"keep_id": anna.pk}), 422, ["other_id"])
    assert Customer.objects.filter(deleted_at__isnull=True).count() == 2


# --- roles --------------------------------------------------------------------------------------


def test_refused_role_gets_403_problem_and_nothing_changes(api_as: Callable[[str], ApiClient]) -> None:
    anna = factories.person(first_name="Anna")
    reader = api_as(Role.READ_ONLY)
    assert (
        problem(reader.post("customers", {"last_name": "X"}), 403)["detail"]
        == "Your role does not allow this."
    )
    problem(reader.patch(f"customers/{anna.pk}", {"first_name": "X"}), 403)
    problem(reader.delete(f"customers/{anna.pk}"), 403)
    problem(reader.post(f"customers/{anna.pk}/notes", {"text": "x"}), 403)
    assert Customer.objects.get().first_name == "Anna"
    assert Event.objects.filter(kind="note.added").count() == 0


# --- documents ----------------------------------------------------------------------------------


def test_openapi_document_lists_the_customer_paths(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    document = body_of(response)
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/customers",
        "/api/v1/customers/batch",
        "/api/v1/customers/search",
        "/api/v1/customers/duplicates",
        "/api/v1/customers/duplicates/{suspicion_id}/dismiss",
        "/api/v1/customers/merge",
        "/api/v1/customers/{customer_id}",
        "/api/v1/customers/{customer_id}/contacts",
        "/api/v1/customers/{customer_id}/contacts/{contact_id}",
        "/api/v1/customers/{customer_id}/timeline",
        "/api/v1/customers/{customer_id}/notes",
        "/api/v1/auth/token",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{token_id}",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/customers/{customer_id}"]) == {"get", "patch", "delete"}
    emails = document["components"]["schemas"]["CustomerCreate"]["properties"]["emails"]
    assert emails["description"] == "Objects, or plain addresses."


def test_api_docs_page_renders(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"Lojal API" in response.content


# --- no 500s, ever ------------------------------------------------------------------------------

JUNK_REQUESTS: list[tuple[str, str, Any]] = [
    ("get", "customers/abc", None),
    ("get", "customers/-1", None),
    ("get", "customers/0", None),
    ("get", "customers/99999999999999999999999", None),
    ("get", "customers/9223372036854775808", None),
    ("get", "customers/1.5", None),
    ("get", "customers/%F0%9F%92%A5", None),
    ("get", "customers?limit=abc", None),
    ("get", "customers?limit=-5", None),
    ("get", "customers?limit=99999999999999999999999", None),
    ("get", "customers?account_manager_id=abc", None),
    ("get", "customers?account_manager_id=-1", None),
    ("get", "customers?account_manager_id=99999999999999999999", None),
    ("get", "customers?q=%00", None),
    ("get", "customers?q=%E2%80%AE%F0%9F%92%A5%27%22;--", None),
    ("get", "customers?country=%F0%9F%92%A5", None),
    ("get", "customers?tag=%00", None),
    ("get", "customers?stage=%00", None),
    ("get", "customers?sort=-", None),
    ("get", "customers?cursor=%00", None),
    ("get", "customers/search?q=%00", None),
    ("get", "customers/search?q=%25%5F%5C", None),
    ("get", "customers/search?q=%27%3A*%20%26%20!", None),
    ("get", "customers/search?q=a&limit=99999999999999999999", None),
    ("get", "customers/search?q=12345678901234567890123", None),
    ("get", "customers/search?q=%2B%2B%2B%2B", None),
    ("get", "customers/duplicates?limit=-1", None),
    ("get", "customers/duplicates?status=%00", None),
    ("get", "customers/{person}/timeline?limit=99999999999999999999", None),
    ("get", "customers/{person}/timeline?cursor=%00", None),
    ("get", "customers/{person}?timeline_limit=-1", None),
    ("post", "customers", {"first_name": "\x00"}),
    ("post", "customers", {"last_name": "\x00X", "tags": ["\x00"]}),
    ("post", "customers", {"last_name": "X", "emails": ["\x00@example.se"], "phones": ["\x00"]}),
    ("post", "customers", {"last_name": "X", "national_id": "\x00"}),
    ("post", "customers", {"last_name": "X", "account_manager_id": 99999999999999999999}),
    ("post", "customers", {"last_name": "X", "account_manager_id": -1}),
    (
        "post",
        "customers",
        {"kind": "organisation", "organisation_name": "X", "employee_count": 99999999999999999999},
    ),
    ("post", "customers", {"kind": "organisation", "organisation_name": "X", "founded_year": -1}),
    ("post", "customers", {"last_name": "X", "birth_date": "0001-01-01"}),
    ("post", "customers", {"last_name": "X", "birth_date": "9999-12-31"}),
    ("post", "customers", {"last_name": "💥" * 100}),
    (
        "post",
        "customers",
        {
            "last_name": "X",
            "addresses": [{"street": "\x00", "postal_code": "1", "city": "C", "country": "ZZ"}],
        },
    ),
    ("post", "customers", {"last_name": ["X"]}),
    ("post", "customers", {"last_name": {"a": 1}}),
    ("post", "customers", {"last_name": "X", "emails": [{"address": ["a"]}]}),
    ("post", "customers", {"last_name": "X", "tags": "VIP"}),
    ("post", "customers/batch", {"items": "x"}),
    ("post", "customers/batch", {"items": [None]}),
    ("post", "customers/merge", {"keep_id": "a", "other_id": "b"}),
    ("post", "customers/merge", {"keep_id": -1, "other_id": -2}),
    ("post", "customers/merge", {"keep_id": 99999999999999999999, "other_id": 1}),
    ("post", "customers/merge", {"keep_id": "{person}", "other_id": 9223372036854775808}),
    ("post", "customers/duplicates/99999999999999999999/dismiss", {}),
    ("post", "customers/duplicates/-1/dismiss", {}),
    ("post", "customers/{person}/notes", {"text": "\x00"}),
    ("post", "customers/{person}/notes", {"text": 5}),
    ("post", "customers/{person}/contacts", {"first_name": "\x00"}),
    ("post", "customers/{person}/contacts", {"first_name": "K", "person_id": 99999999999999999999}),
    ("post", "customers/{org}/contacts", {"first_name": "K", "person_id": 99999999999999999999}),
    (
        "post",
        "customers/{org}/contacts",
        {"first_name": "K\x00", "role": "\x00", "email": "\x00", "phone": "\x00"},
    ),
    ("delete", "customers/{org}/contacts/99999999999999999999", None),
    ("delete", "customers/99999999999999999999/contacts/{contact}", None),
    ("delete", "customers/-1", None),
    ("delete", "auth/tokens/99999999999999999999", None),
    ("delete", "auth/tokens/abc", None),
    ("patch", "customers/{person}", {"national_id": "\x00"}),
    ("patch", "customers/{person}", {"first_name": "\x00"}),
    ("patch", "customers/{person}", {"account_manager_id": 99999999999999999999}),
    ("post", "auth/token", {"username": "\x00", "password": "\x00"}),
    ("post", "auth/token", {"username": "admin", "password": "not-a-real-password-1", "name": "\x00"}),
    ("get", "nonexistent", None),
    ("get", "customers/{person}/nonexistent", None),
]


@pytest.mark.parametrize(("method", "path", "payload"), JUNK_REQUESTS)
def test_junk_input_never_gives_a_500(api: ApiClient, method: str, path: str, payload: Any) -> None:
    # given a person and an organisation with a contact person, so the ids in the paths exist
    person = factories.person(emails=["a@example.se"])
    organisation = factories.organisation()
    contact = ContactPerson.objects.create(organisation=organisation, first_name="K")
    ids = {"person": person.pk, "org": organisation.pk, "contact": contact.pk}
    url = f"/api/v1/{path.format(**ids)}"
    body = json.dumps(payload).replace('"{person}"', str(person.pk)) if payload is not None else None

    # when
    handler = getattr(api.client, method)
    response = handler(url) if body is None else handler(url, body, content_type="application/json")

    # then
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        problem(response, response.status_code)


def test_wrong_method_is_a_problem_document(api: ApiClient) -> None:
    response = api.client.put("/api/v1/customers")
    problem(response, 405)


def test_customer_since_is_taken_on_create_changed_by_patch_and_read_back(api: ApiClient) -> None:
    created = body_of(api.post("customers", {"last_name": "Åström", "customer_since": "2014-03-01"}), 201)
    assert created["customer_since"] == "2014-03-01"
    changed = body_of(api.patch(f"customers/{created['id']}", {"customer_since": "2013-01-31"}))
    assert changed["customer_since"] == "2013-01-31"
    assert api.get(f"customers/{created['id']}").json()["customer_since"] == "2013-01-31"
    cleared = body_of(api.patch(f"customers/{created['id']}", {"customer_since": None}))
    assert cleared["customer_since"] is None


@pytest.mark.parametrize("value", ["2020-02-30", "3000-01-01", "gestern"])
def test_an_impossible_customer_since_is_422_and_changes_nothing(api: ApiClient, value: str) -> None:
    anna = factories.person(customer_since="2014-03-01")
    problem(api.patch(f"customers/{anna.pk}", {"customer_since": value}), 422, ["customer_since"])
    problem(api.post("customers", {"last_name": "X", "customer_since": value}), 422, ["customer_since"])
    anna.refresh_from_db()
    assert anna.customer_since.isoformat() == "2014-03-01"
    assert Customer.objects.count() == 1


def test_free_attributes_are_taken_replaced_and_checked(api: ApiClient) -> None:
    created = body_of(api.post("customers", {"last_name": "Ek", "attributes": {"Säljare": "Karin"}}), 201)
    assert created["attributes"] == {"Säljare": "Karin"}
    changed = body_of(api.patch(f"customers/{created['id']}", {"attributes": {"Kreditgräns": "5 000"}}))
    assert changed["attributes"] == {"Kreditgräns": "5 000"}
    problem(api.patch(f"customers/{created['id']}", {"attributes": {"x" * 101: "y"}}), 422, ["attributes"])
    problem(
        api.patch(f"customers/{created['id']}", {"attributes": {"Note": "y" * 1001}}),
        422,
        ["attributes.Note"],
    )
    assert Customer.objects.get().attributes == {"Kreditgräns": "5 000"}
