"""/api/v1/activities: list with filters and cursor pages, create, read, change, and complete by PATCH.
Errors are problem documents naming the field; a refused request writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from lojal.accounts.roles import Role
from lojal.activities import services
from lojal.activities.models import Activity
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_create_read_and_complete_through_the_api(api: ApiClient) -> None:
    customer = factories.person(first_name="Kari", last_name="Nordmann")

    created = api.post(
        "activities",
        {
            "kind": "call",
            "subject": "Ring om fakturan",
            "notes": "Hon ville ha en kopia",
            "customer_id": customer.pk,
            "due_date": "2026-12-09",
            "due_time": "10:30",
            "priority": "high",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {
        k: body[k] for k in ("kind", "subject", "due_date", "due_time", "priority", "status", "origin")
    } == {
        "kind": "call",
        "subject": "Ring om fakturan",
        "due_date": "2026-12-09",
        "due_time": "10:30:00",
        "priority": "high",
        "status": "open",
        "origin": "manual",
    }
    assert body["owner"] == {"id": api.user.pk, "name": api.user.display_name}
    assert body["customer"] == {"id": customer.pk, "name": "Kari Nordmann"}

    done = api.patch(f"activities/{body['id']}", {"status": "done", "outcome": "Kopian skickad"})

    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["outcome"]) == ("done", "Kopian skickad")
    assert Event.objects.filter(customer=customer, kind="activity.done").count() == 1
    assert api.get(f"activities/{body['id']}").json()["status"] == "done"


def test_the_list_filters_and_pages_by_cursor(api: ApiClient, make_user: Callable[..., object]) -> None:
    sara = make_user(Role.SALES, "sara")
    customer = factories.person()
    for day in (1, 2, 3, 4):
        services.activity_create(
            actor=api.user,
            subject=f"Dag {day}",
            due_date=dt.date(2026, 12, day),
            owner_id=sara.pk,  # type: ignore[attr-defined]
            customer_id=customer.pk if day % 2 else None,
        )
    services.activity_create(actor=api.user, subject="Min", due_date=dt.date(2026, 12, 2))

    first = api.get("activities", owner_id=sara.pk, limit=2).json()  # type: ignore[attr-defined]
    second = api.get("activities", owner_id=sara.pk, limit=2, cursor=first["next_cursor"]).json()  # type: ignore[attr-defined]
    window = api.get("activities", due_after="2026-12-02", due_before="2026-12-03").json()
    of_customer = api.get("activities", customer_id=customer.pk).json()

    assert [a["subject"] for a in first["items"]] == ["Dag 1", "Dag 2"]
    assert [a["subject"] for a in second["items"]] == ["Dag 3", "Dag 4"]
    assert second["next_cursor"] is None
    assert [a["subject"] for a in window["items"]] == ["Dag 2", "Min", "Dag 3"]
    assert [a["subject"] for a in of_customer["items"]] == ["Dag 1", "Dag 3"]
    assert api.get("activities", status="done").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "x"}, "due_date"),
        ({"subject": "x", "due_date": "2026-12-01", "kind": "visit"}, "kind"),
        ({"subject": "x", "due_date": "2026-12-01", "customer_id": 999999}, "customer_id"),
        ({"subject": "x", "due_date": "2026-12-01", "owner_id": 999999}, "owner_id"),
        ({"subject": "", "due_date": "2026-12-01"}, "subject"),
    ],
)
def test_bad_input_is_a_problem_document_naming_the_field(
    api: ApiClient, body: dict[str, object], field: str
) -> None:
    response = api.post("activities", body)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Activity.objects.count() == 0


def test_a_read_only_role_may_list_but_not_create_or_complete(
    api: ApiClient, api_as: Callable[[str], ApiClient]
) -> None:
    activity = services.activity_create(actor=api.user, subject="x", due_date=dt.date(2026, 12, 1))
    reader = api_as(Role.READ_ONLY)

    assert reader.get("activities").status_code == 200
    assert reader.post("activities", {"subject": "y", "due_date": "2026-12-01"}).status_code == 403
    assert reader.patch(f"activities/{activity.pk}", {"status": "done"}).status_code == 403
    assert Activity.objects.get().status == "open"
    assert Activity.objects.count() == 1


def test_completing_someone_elses_is_forbidden_for_sales_and_changes_nothing(
    api: ApiClient, api_as: Callable[[str], ApiClient]
) -> None:
    activity = services.activity_create(actor=api.user, subject="Admins", due_date=dt.date(2026, 12, 1))
    seller = api_as(Role.SALES)

    response = seller.patch(f"activities/{activity.pk}", {"status": "done", "outcome": "klart"})

    assert response.status_code == 403
    activity.refresh_from_db()
    assert (activity.status, activity.outcome) == ("open", "")


def test_a_patch_that_fails_half_way_changes_nothing(api: ApiClient) -> None:
    activity = services.activity_create(actor=api.user, subject="Före", due_date=dt.date(2026, 12, 1))
    services.activity_complete(actor=api.user, activity_id=activity.pk)

    response = api.patch(f"activities/{activity.pk}", {"status": "open", "subject": "Efter"})

    assert response.status_code == 409
    activity.refresh_from_db()
    assert (activity.subject, activity.status) == ("Före", "done")


def test_cancel_and_reopen_by_status(api: ApiClient) -> None:
    activity = services.activity_create(actor=api.user, subject="x", due_date=dt.date(2026, 12, 1))

    cancelled = api.patch(
        f"activities/{activity.pk}", {"status": "cancelled", "outcome": "Inte aktuellt"}
    ).json()
    reopened = api.patch(f"activities/{activity.pk}", {"status": "open", "due_date": "2026-12-20"}).json()

    assert (cancelled["status"], cancelled["outcome"]) == ("cancelled", "Inte aktuellt")
    assert (reopened["status"], reopened["due_date"], reopened["outcome"]) == ("open", "2026-12-20", "")


def test_an_unknown_activity_is_404(api: ApiClient) -> None:
    assert api.get("activities/999999").status_code == 404
    assert api.patch("activities/999999", {"status": "done"}).status_code == 404


def test_logging_a_call_through_the_api_with_a_follow_up_creates_both(api: ApiClient) -> None:
    from lojal.interactions.models import Interaction

    customer = factories.person()

    response = api.post(
        "interactions",
        {"customer_id": customer.pk, "channel": "call", "subject": "Offert", "follow_up_due": "2026-12-10"},
    )

    assert response.status_code == 201, response.content
    activity = Activity.objects.get()
    call = Interaction.objects.get()
    assert (activity.subject, activity.origin, activity.origin_reference, activity.due_date) == (
        "Follow up: Offert",
        "call_follow_up",
        f"interactions.call:{call.pk}",
        dt.date(2026, 12, 10),
    )


def test_a_follow_up_note_without_a_due_date_refuses_the_call_too(api: ApiClient) -> None:
    from lojal.interactions.models import Interaction

    customer = factories.person()

    response = api.post(
        "interactions",
        {"customer_id": customer.pk, "channel": "call", "subject": "Offert", "follow_up_note": "Ring"},
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["follow_up_due"]
    assert Interaction.objects.count() == 0
    assert Activity.objects.count() == 0
    assert Event.objects.filter(customer=customer, kind="interaction.call").count() == 0
