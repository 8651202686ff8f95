"""Bulk actions on the customer list: the services (tag, manager, stage), the page endpoint with its
confirmation for all matches, and the API, each with bad input that must change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import ValidationError
from lojal.core.models import AuditEntry
from lojal.customers import bulk
from lojal.customers.models import Customer, Tag
from lojal.customers.services import customer_update
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _tags(customer: Customer) -> list[str]:
    return sorted(customer.tags.values_list("name", flat=True))


def _selected(*customers: Customer) -> Any:
    return bulk.selection_resolve(scope="selected", ids=[c.pk for c in customers], user=None)


def _state() -> tuple[Any, ...]:
    """Everything a bulk action could change, to assert that a refused one changed nothing."""
    return (
        list(
            Customer.objects.order_by("pk").values_list(
                "pk", "lifecycle_stage", "account_manager_id", "updated_at"
            )
        ),
        sorted(Customer.tags.through.objects.values_list("customer_id", "tag_id")),
        Event.objects.count(),
        AuditEntry.objects.count(),
        Tag.objects.count(),
    )


def test_tag_add_tags_only_those_without_it_and_records_one_event_each(admin_user: User) -> None:
    anna = factories.person(first_name="Anna", tags=["VIP"])
    bo = factories.person(first_name="Bo", tags=["newsletter"])
    cy = factories.person(first_name="Cy")
    events_before = Event.objects.filter(kind="customer.changed").count()

    outcome = bulk.customers_tag_add(actor=admin_user, selection=_selected(anna, bo, cy), tag=" vip ")

    assert (outcome.matched, outcome.changed, outcome.value) == (3, 2, "VIP")
    assert [_tags(c) for c in (anna, bo, cy)] == [["VIP"], ["VIP", "newsletter"], ["VIP"]]
    changed = Event.objects.filter(kind="customer.changed").order_by("customer_id")
    assert changed.count() == events_before + 2
    assert [(e.customer_id, e.data, e.actor_id) for e in changed if e.customer_id != anna.pk][-2:] == [
        (bo.pk, {"fields": ["tags"]}, admin_user.pk),
        (cy.pk, {"fields": ["tags"]}, admin_user.pk),
    ]
    entry = AuditEntry.objects.get(object_id=str(bo.pk), action="update", changes__has_key="tags")
    assert entry.changes == {"tags": [["newsletter"], ["VIP", "newsletter"]]}
    assert entry.actor_id == admin_user.pk
    assert entry.object_label == str(bo)
    assert not AuditEntry.objects.filter(
        object_id=str(anna.pk), action="update", changes__has_key="tags"
    ).exists()
    assert bulk.outcome_message(outcome) == "Tag 'VIP' added to 2 customers."


def test_tag_add_creates_a_missing_tag(admin_user: User) -> None:
    anna = factories.person()
    outcome = bulk.customers_tag_add(actor=admin_user, selection=_selected(anna), tag="trade fair 2026")
    assert outcome.changed == 1
    assert _tags(anna) == ["trade fair 2026"]


def test_tag_remove_untags_those_with_it(admin_user: User) -> None:
    anna = factories.person(tags=["vip", "newsletter"])
    bo = factories.person(tags=["newsletter"])

    outcome = bulk.customers_tag_remove(actor=admin_user, selection=_selected(anna, bo), tag="VIP")

    assert (outcome.matched, outcome.changed) == (2, 1)
    assert _tags(anna) == ["newsletter"]
    assert _tags(bo) == ["newsletter"]
    entry = AuditEntry.objects.get(object_id=str(anna.pk), action="update", changes__has_key="tags")
    assert entry.changes == {"tags": [["newsletter", "vip"], ["newsletter"]]}
    assert (
        Event.objects.filter(customer_id=anna.pk, kind="customer.changed", data__fields=["tags"]).count() == 1
    )
    assert not Event.objects.filter(customer_id=bo.pk, kind="customer.changed").exists()


@pytest.mark.parametrize(
    ("tag", "field"),
    [("", "tag"), ("x" * 61, "tag"), ("no\x00pe", "tag")],
)
def test_tag_add_refuses_a_bad_name_and_changes_nothing(admin_user: User, tag: str, field: str) -> None:
    anna = factories.person()
    before = _state()
    with pytest.raises(ValidationError) as refused:
        bulk.customers_tag_add(actor=admin_user, selection=_selected(anna), tag=tag)
    assert list(refused.value.errors) == [field]
    assert _state() == before


def test_tag_remove_of_an_unknown_tag_is_refused_and_changes_nothing(admin_user: User) -> None:
    anna = factories.person(tags=["vip"])
    before = _state()
    with pytest.raises(ValidationError) as refused:
        bulk.customers_tag_remove(actor=admin_user, selection=_selected(anna), tag="nonexistent")
    assert refused.value.errors == {"tag": ["There is no tag named 'nonexistent'."]}
    assert _state() == before


def test_account_manager_set_changes_those_with_another_and_records_it(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    seller = make_user(Role.SALES, "seller")
    anna = factories.person()
    bo = factories.person(account_manager_id=seller.pk)

    outcome = bulk.customers_account_manager_set(
        actor=admin_user, selection=_selected(anna, bo), account_manager_id=seller.pk
    )

    assert (outcome.matched, outcome.changed, outcome.value) == (2, 1, "Seller")
    assert Customer.objects.get(pk=anna.pk).account_manager_id == seller.pk
    entry = AuditEntry.objects.get(
        object_id=str(anna.pk), action="update", changes__has_key="account_manager_id"
    )
    assert entry.changes == {"account_manager_id": [None, seller.pk]}
    event = Event.objects.get(customer_id=anna.pk, kind="customer.changed")
    assert event.data == {"fields": ["account_manager_id"]}
    assert not Event.objects.filter(customer_id=bo.pk, kind="customer.changed").exists()


def test_account_manager_set_to_nobody_clears_it(admin_user: User, make_user: Callable[..., User]) -> None:
    seller = make_user(Role.SALES, "seller")
    anna = factories.person(account_manager_id=seller.pk)
    outcome = bulk.customers_account_manager_set(
        actor=admin_user, selection=_selected(anna), account_manager_id=None
    )
    assert outcome.changed == 1
    assert Customer.objects.get(pk=anna.pk).account_manager_id is None


def test_account_manager_set_refuses_an_unknown_or_inactive_user_and_changes_nothing(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    gone = make_user(Role.SALES, "gone")
    gone.is_active = False
    gone.save()
    anna = factories.person()
    before = _state()
    for manager_id in (gone.pk, 999_999):
        with pytest.raises(ValidationError) as refused:
            bulk.customers_account_manager_set(
                actor=admin_user, selection=_selected(anna), account_manager_id=manager_id
            )
        assert list(refused.value.errors) == ["account_manager"]
    assert _state() == before


def test_stage_set_is_recorded_exactly_as_a_single_stage_change(admin_user: User) -> None:
    single = factories.person(lifecycle_stage="lead")
    many = factories.person(lifecycle_stage="lead")
    customer_update(
        actor=admin_user,
        customer_id=single.pk,
        data={"lifecycle_stage": "at_risk", "stage_reason": "no reply"},
    )

    outcome = bulk.customers_stage_set(
        actor=admin_user, selection=_selected(many), stage="at_risk", reason="no reply"
    )

    assert (outcome.matched, outcome.changed) == (1, 1)
    assert Customer.objects.get(pk=many.pk).lifecycle_stage == "at_risk"
    one = Event.objects.get(customer_id=single.pk, kind="customer.stage_changed")
    other = Event.objects.get(customer_id=many.pk, kind="customer.stage_changed")
    assert (other.data, other.summary, other.actor_id, other.body) == (
        one.data,
        one.summary,
        one.actor_id,
        one.body,
    )
    assert other.data == {"from": "lead", "to": "at_risk", "reason": "no reply"}
    audit_one = AuditEntry.objects.get(object_id=str(single.pk), action="update")
    audit_other = AuditEntry.objects.get(object_id=str(many.pk), action="update")
    assert (audit_other.changes, audit_other.object_label, audit_other.actor_id) == (
        audit_one.changes,
        str(many),
        audit_one.actor_id,
    )
    assert not Event.objects.filter(customer_id=many.pk, kind="customer.changed").exists()


def test_stage_set_leaves_those_already_there_alone(admin_user: User) -> None:
    there = factories.person(lifecycle_stage="customer")
    events = Event.objects.filter(customer_id=there.pk).count()
    outcome = bulk.customers_stage_set(
        actor=admin_user, selection=_selected(there), stage="customer", reason="x"
    )
    assert (outcome.matched, outcome.changed) == (1, 0)
    assert Event.objects.filter(customer_id=there.pk).count() == events


@pytest.mark.parametrize(
    ("stage", "reason", "field"),
    [
        ("vip", "why", "stage"),
        ("former", "", "reason"),
        ("former", "  ", "reason"),
        ("former", "r" * 301, "reason"),
    ],
)
def test_stage_set_refuses_bad_input_and_changes_nothing(
    admin_user: User, stage: str, reason: str, field: str
) -> None:
    anna = factories.person(lifecycle_stage="lead")
    before = _state()
    with pytest.raises(ValidationError) as refused:
        bulk.customers_stage_set(actor=admin_user, selection=_selected(anna), stage=stage, reason=reason)
    assert list(refused.value.errors) == [field]
    assert _state() == before


def test_selection_refuses_unknown_deleted_or_malformed_ids(admin_user: User) -> None:
    anna = factories.person()
    gone = factories.person()
    Customer.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    for ids, message in (
        ([anna.pk, gone.pk], f"No customer with id {gone.pk} (deleted or merged away?)."),
        ([anna.pk, "abc"], "'abc' is not a customer id."),
        ([], "Select at least one customer."),
    ):
        with pytest.raises(ValidationError) as refused:
            bulk.selection_resolve(scope="selected", ids=ids, user=admin_user)
        assert refused.value.errors == {"ids": [message]}
    with pytest.raises(ValidationError) as refused:
        bulk.selection_resolve(scope="some", ids=[anna.pk], user=admin_user)
    assert list(refused.value.errors) == ["scope"]


def test_all_matches_follows_the_lists_filters(admin_user: User) -> None:
    leads = [factories.person(lifecycle_stage="lead", tags=["fair"]) for _ in range(3)]
    factories.person(lifecycle_stage="customer", tags=["fair"])
    factories.person(lifecycle_stage="lead")
    selection = bulk.selection_resolve(scope="all", query={"stage": "lead", "tag": "fair"}, user=admin_user)
    assert sorted(selection.values_list("pk", flat=True)) == [c.pk for c in leads]


def test_bulk_works_in_chunks_with_a_fixed_number_of_queries_per_chunk(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers = [factories.person() for _ in range(9)]
    selection = _selected(*customers)
    counts = {}
    for chunk, tag in ((9, "a"), (3, "b"), (1, "c")):
        monkeypatch.setattr(bulk, "BULK_CHUNK", chunk)
        with CaptureQueriesContext(connection) as queries:
            outcome = bulk.customers_tag_add(actor=admin_user, selection=selection, tag=tag)
        assert outcome.changed == 9
        counts[9 // chunk] = len(queries)
    per_chunk = (counts[3] - counts[1]) // 2
    # Whatever the chunk's size, each costs the same handful of statements (no query per customer).
    assert counts[9] - counts[3] == 6 * per_chunk
    assert per_chunk <= 9


# --- the page -------------------------------------------------------------------------------------


def _post(client: Client, **data: Any) -> Any:
    return client.post("/customers/bulk/", data)


def test_page_tags_selected_customers_and_says_so(staff_client: Client) -> None:
    customers = [factories.person() for _ in range(3)]
    response = _post(
        staff_client,
        action="tag_add",
        scope="selected",
        ids=[c.pk for c in customers],
        tag="vip",
        query="stage=lead",
    )
    assert response.status_code == 302
    assert response["Location"] == "/customers/?stage=lead"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Tag 'vip' added to 3 customers."]
    assert all(_tags(c) == ["vip"] for c in customers)


def test_page_asks_to_confirm_all_matches_with_their_number_then_changes_them(staff_client: Client) -> None:
    leads = [factories.person(lifecycle_stage="lead") for _ in range(4)]
    other = factories.person(lifecycle_stage="customer")
    data = {
        "action": "stage_set",
        "scope": "all",
        "query": "stage=lead",
        "stage": "at_risk",
        "reason": "silent",
    }

    asked = _post(staff_client, **data)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "This changes 4 customers: all that match the list" in page
    assert '<input type="hidden" name="confirmed" value="1">' in page
    assert Customer.objects.filter(lifecycle_stage="at_risk").count() == 0

    done = _post(staff_client, **data, confirmed="1")

    assert done.status_code == 302
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["Stage set to At risk for 4 customers."]
    assert sorted(Customer.objects.filter(lifecycle_stage="at_risk").values_list("pk", flat=True)) == [
        c.pk for c in leads
    ]
    assert Customer.objects.get(pk=other.pk).lifecycle_stage == "customer"


def test_page_bad_input_shows_the_error_and_changes_nothing(staff_client: Client) -> None:
    anna = factories.person()
    before = _state()
    response = _post(
        staff_client, action="stage_set", scope="selected", ids=[anna.pk], stage="former", reason=""
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["reason: Say why the stage changes."]
    response = _post(staff_client, action="explode", scope="selected", ids=[anna.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("action: Must be one of")
    assert _state() == before


@pytest.mark.parametrize("role", [Role.SALES, Role.SERVICE_AGENT, Role.MARKETING, Role.READ_ONLY])
def test_page_refuses_roles_without_bulk_change(make_user: Callable[..., User], role: str) -> None:
    anna = factories.person()
    client = Client()
    client.force_login(make_user(role))
    before = _state()
    response = _post(client, action="tag_add", scope="selected", ids=[anna.pk], tag="vip")
    assert response.status_code == 403
    assert _state() == before


def test_page_manager_may_bulk_change(make_user: Callable[..., User]) -> None:
    anna = factories.person()
    client = Client()
    client.force_login(make_user(Role.MANAGER))
    response = _post(client, action="tag_add", scope="selected", ids=[anna.pk], tag="vip")
    assert response.status_code == 302
    assert _tags(anna) == ["vip"]


def test_page_only_answers_post(staff_client: Client) -> None:
    assert staff_client.get("/customers/bulk/").status_code == 405


# --- the API --------------------------------------------------------------------------------------


def test_api_bulk_sets_the_manager_of_all_matches(api: ApiClient, make_user: Callable[..., User]) -> None:
    seller = make_user(Role.SALES, "seller")
    leads = [factories.person(lifecycle_stage="lead") for _ in range(2)]
    factories.person(lifecycle_stage="customer")
    response = api.post(
        "customers/bulk",
        {
            "action": "account_manager_set",
            "scope": "all",
            "query": "stage=lead",
            "account_manager_id": seller.pk,
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "action": "account_manager_set",
        "matched": 2,
        "changed": 2,
        "message": "Account manager set to Seller for 2 customers.",
        "call_list_id": None,
    }
    assert [Customer.objects.get(pk=c.pk).account_manager_id for c in leads] == [seller.pk, seller.pk]


def test_api_bulk_refuses_bad_input_with_a_problem_document_and_changes_nothing(api: ApiClient) -> None:
    anna = factories.person()
    before = _state()
    response = api.post(
        "customers/bulk", {"action": "tag_remove", "scope": "selected", "ids": [anna.pk], "tag": "none"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "tag", "reasons": ["There is no tag named 'none'."]}]
    response = api.post("customers/bulk", {"action": "delete_all", "scope": "selected", "ids": [anna.pk]})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["action"]
    assert _state() == before


def test_api_bulk_is_refused_to_roles_without_bulk_change(api_as: Callable[[str], ApiClient]) -> None:
    anna = factories.person()
    response = api_as(Role.SALES).post(
        "customers/bulk", {"action": "tag_add", "scope": "selected", "ids": [anna.pk], "tag": "vip"}
    )
    assert response.status_code == 403
    assert _tags(anna) == []


def test_outcome_message_is_translated(admin_user: User) -> None:
    from django.utils import translation

    anna = factories.person()
    outcome = bulk.customers_tag_add(actor=admin_user, selection=_selected(anna), tag="vip")
    with translation.override("sv"):
        assert bulk.outcome_message(outcome) == "Taggen 'vip' lades till på 1 kund."
    with translation.override("nb"):
        assert bulk.outcome_message(outcome) == "Taggen 'vip' ble lagt til på 1 kunde."
