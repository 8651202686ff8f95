"""Reads of personal data are in the audit log: the customer page, the API's 360 read and every full
national number shown (with the reason, required when LOJAL_NATIONAL_ID_REASON_REQUIRED is on); the
data protection officer searches them by customer, staff member, action and dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts import audit_views
from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ANNA_FULL = "19880320-0016"
ANNA_MASKED = "19880320-****"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def anna() -> Customer:
    return factories.person(first_name="Anna", last_name="Lindqvist", national_id="880320-0016")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reads() -> list[tuple[str, str | None, str, dict[str, Any]]]:
    return [
        (entry.action, entry.actor.username if entry.actor else None, entry.object_id, entry.changes)
        for entry in AuditEntry.objects.filter(action__in=("read", "reveal")).order_by("id")
    ]


def test_customer_page_read_is_recorded_with_the_number_shown_as_a_reveal(
    make_user: Callable[..., User], anna: Customer
) -> None:
    agent, seller = make_user(Role.SERVICE_AGENT, "agent"), make_user(Role.SALES, "seller")

    assert ANNA_FULL in signed_in(agent).get(f"/customers/{anna.pk}/").content.decode()
    assert ANNA_MASKED in signed_in(seller).get(f"/customers/{anna.pk}/").content.decode()

    assert reads() == [
        ("reveal", "agent", str(anna.pk), {"via": "page"}),
        ("read", "seller", str(anna.pk), {"via": "page"}),
    ]


def test_api_read_is_one_audit_insert(api_as: Callable[[str], ApiClient], anna: Customer) -> None:
    client = api_as(Role.SALES)
    before = AuditEntry.objects.count()

    response = client.get(f"customers/{anna.pk}")

    assert response.status_code == 200
    assert response.json()["national_id"] == ANNA_MASKED
    assert AuditEntry.objects.count() == before + 1
    assert reads() == [("read", client.user.username, str(anna.pk), {"via": "api"})]


def test_api_read_of_a_missing_customer_records_nothing(api_as: Callable[[str], ApiClient]) -> None:
    assert api_as(Role.SALES).get("customers/999999").status_code == 404
    assert reads() == []


def test_api_read_showing_the_full_number_is_a_reveal_with_the_reason(
    api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    client = api_as(Role.SERVICE_AGENT)
    response = client.client.get(f"/api/v1/customers/{anna.pk}", HTTP_X_LOJAL_REASON="caller identified")
    assert response.json()["national_id"] == ANNA_FULL
    assert reads() == [
        ("reveal", client.user.username, str(anna.pk), {"via": "api", "reason": "caller identified"})
    ]


def test_with_a_reason_required_the_api_read_masks_the_number_without_one(
    settings: Any, api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    settings.NATIONAL_ID_REASON_REQUIRED = True
    client = api_as(Role.SERVICE_AGENT)

    assert client.get(f"customers/{anna.pk}").json()["national_id"] == ANNA_MASKED
    assert client.get(f"customers/{anna.pk}", reason="complaint 4411").json()["national_id"] == ANNA_FULL
    assert reads() == [
        ("read", client.user.username, str(anna.pk), {"via": "api"}),
        ("reveal", client.user.username, str(anna.pk), {"via": "api", "reason": "complaint 4411"}),
    ]


def test_reveal_endpoint_requires_a_reason_when_configured(
    settings: Any, api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    settings.NATIONAL_ID_REASON_REQUIRED = True
    client = api_as(Role.SERVICE_AGENT)

    refused = client.get(f"customers/{anna.pk}/national-id")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in refused.json()["errors"]] == ["reason"]
    assert reads() == []

    answered = client.get(f"customers/{anna.pk}/national-id", reason="  identity check  ")
    assert answered.status_code == 200
    assert answered.json() == {
        "national_id": ANNA_FULL,
        "national_id_country": "SE",
        "national_id_kind": "se_personnummer",
    }
    assert reads() == [
        (
            "reveal",
            client.user.username,
            str(anna.pk),
            {"via": "api", "field": "national_id", "reason": "identity check"},
        )
    ]


def test_reveal_endpoint_without_a_required_reason_answers_and_records(
    api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    client = api_as(Role.MANAGER)
    assert client.get(f"customers/{anna.pk}/national-id").json()["national_id"] == ANNA_FULL
    assert reads() == [("reveal", client.user.username, str(anna.pk), {"via": "api", "field": "national_id"})]


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.READ_ONLY, Role.PRIVACY_OFFICER], ids=str)
def test_reveal_is_refused_to_roles_that_may_not_see_numbers(
    api_as: Callable[[str], ApiClient], make_user: Callable[..., User], anna: Customer, role: str
) -> None:
    assert api_as(role).get(f"customers/{anna.pk}/national-id", reason="curious").status_code == 403
    page = signed_in(make_user(role)).post(
        f"/customers/{anna.pk}/national-id/", {"reason": "curious"}, **HTMX
    )
    assert page.status_code == 403
    assert ANNA_FULL not in page.content.decode()
    assert reads() == []


def test_with_a_reason_required_the_page_masks_the_number_and_reveals_it_with_a_reason(
    settings: Any, make_user: Callable[..., User], anna: Customer
) -> None:
    settings.NATIONAL_ID_REASON_REQUIRED = True
    agent = make_user(Role.SERVICE_AGENT, "agent")
    client = signed_in(agent)

    page = client.get(f"/customers/{anna.pk}/").content.decode()
    assert ANNA_FULL not in page and ANNA_MASKED in page
    assert f'action="/customers/{anna.pk}/national-id/"' in page
    edit = client.get(f"/customers/{anna.pk}/edit/").content.decode()
    assert ANNA_FULL not in edit

    refused = client.post(f"/customers/{anna.pk}/national-id/", {"reason": "   "}, **HTMX).content.decode()
    assert ANNA_FULL not in refused and 'role="alert"' in refused

    shown = client.post(f"/customers/{anna.pk}/national-id/", {"reason": "customer on the phone"}, **HTMX)
    assert ANNA_FULL in shown.content.decode()
    assert reads() == [
        ("read", "agent", str(anna.pk), {"via": "page"}),
        (
            "reveal",
            "agent",
            str(anna.pk),
            {"via": "page", "field": "national_id", "reason": "customer on the phone"},
        ),
    ]


def test_reveal_without_javascript_shows_the_customer_page_with_the_number(
    settings: Any, make_user: Callable[..., User], anna: Customer
) -> None:
    settings.NATIONAL_ID_REASON_REQUIRED = True
    client = signed_in(make_user(Role.MANAGER))
    refused = client.post(f"/customers/{anna.pk}/national-id/", {"reason": ""})
    assert refused.status_code == 422 and ANNA_FULL not in refused.content.decode()
    shown = client.post(f"/customers/{anna.pk}/national-id/", {"reason": "audit of records"})
    assert shown.status_code == 200 and ANNA_FULL in shown.content.decode()
    assert [action for action, *_rest in reads()] == ["reveal"]


# The data protection officer's search


@pytest.fixture
def history(make_user: Callable[..., User], anna: Customer) -> dict[str, Any]:
    """Reads and changes by two staff members on two customers over three days."""
    agent, manager = make_user(Role.SERVICE_AGENT, "agent"), make_user(Role.MANAGER, "manager")
    bo = factories.person(first_name="Bo", last_name="Ek")
    AuditEntry.objects.all().delete()
    signed_in(agent).get(f"/customers/{anna.pk}/")
    signed_in(manager).get(f"/customers/{bo.pk}/")
    signed_in(agent).get(f"/customers/{bo.pk}/")
    AuditEntry.objects.create(
        actor=manager, action="update", object_type="customers.customer", object_id=str(anna.pk)
    )
    entries = list(AuditEntry.objects.order_by("id"))
    days = [timezone.now() - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    for entry, when in zip(entries, days, strict=True):
        AuditEntry.objects.filter(pk=entry.pk).update(occurred_at=when)
    return {"agent": agent, "manager": manager, "bo": bo, "entries": [e.pk for e in entries], "days": days}


def test_audit_api_filters_by_customer_actor_action_and_dates(
    api_as: Callable[[str], ApiClient], anna: Customer, history: dict[str, Any]
) -> None:
    dpo = api_as(Role.PRIVACY_OFFICER)
    ids = history["entries"]

    def found(**params: Any) -> list[int]:
        response = dpo.get("audit", **params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"] if item["action"] != "token"]

    assert found(customer_id=anna.pk) == [ids[3], ids[0]]
    assert found(actor_id=history["agent"].pk) == [ids[2], ids[0]]
    assert found(action="reads") == [ids[2], ids[1], ids[0]]
    assert found(action="update") == [ids[3]]
    assert found(action="reads", customer_id=history["bo"].pk, actor_id=history["manager"].pk) == [ids[1]]
    day = timezone.localtime(history["days"][1]).date()
    assert found(since=day.isoformat(), until=day.isoformat()) == [ids[1]]
    assert found(since=(day + dt.timedelta(days=1)).isoformat(), action="reads") == [ids[2]]


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-1-5", "2026-02-30", "1899-12-31"])
def test_audit_api_refuses_a_day_not_written_as_a_calendar_day(
    api_as: Callable[[str], ApiClient], value: str
) -> None:
    response = api_as(Role.PRIVACY_OFFICER).get("audit", until=value)
    assert response.status_code == 422
    assert "until" in response.content.decode()


def test_audit_api_pages_with_a_cursor(api_as: Callable[[str], ApiClient], history: dict[str, Any]) -> None:
    dpo = api_as(Role.PRIVACY_OFFICER)
    first = dpo.get("audit", action="reads", limit=2).json()
    second = dpo.get("audit", action="reads", limit=2, cursor=first["next_cursor"]).json()
    ids = history["entries"]
    assert [item["id"] for item in first["items"]] == [ids[2], ids[1]]
    assert ([item["id"] for item in second["items"]], second["next_cursor"]) == ([ids[0]], None)


def test_audit_page_filters_and_pages_for_the_data_protection_officer(
    make_user: Callable[..., User], anna: Customer, history: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(make_user(Role.PRIVACY_OFFICER))
    ids = history["entries"]

    page = client.get("/audit/", {"action": "reads", "actor": history["agent"].pk})
    assert [entry.pk for entry in page.context["entries"]] == [ids[2], ids[0]]
    page = client.get("/audit/", {"customer": anna.pk, "action": "update"})
    assert [entry.pk for entry in page.context["entries"]] == [ids[3]]

    monkeypatch.setattr(
        audit_views, "AUDIT_LIST", dataclasses.replace(audit_views.AUDIT_LIST, page_sizes=(2, 50))
    )
    first = client.get("/audit/", {"action": "reads"})
    assert [entry.pk for entry in first.context["entries"]] == [ids[2], ids[1]]
    assert first.context["listing"].next_url == "/audit/?action=reads&page=2"
    second = client.get(first.context["listing"].next_url)
    assert [entry.pk for entry in second.context["entries"]] == [ids[0]]
    assert second.context["listing"].next_url == ""


@pytest.mark.parametrize("role", [Role.SALES, Role.SERVICE_AGENT, Role.MARKETING, Role.READ_ONLY], ids=str)
def test_audit_search_is_refused_to_other_roles(
    api_as: Callable[[str], ApiClient], make_user: Callable[..., User], role: str
) -> None:
    assert api_as(role).get("audit", action="reads").status_code == 403
    assert signed_in(make_user(role)).get("/audit/", {"action": "reads"}).status_code == 403
