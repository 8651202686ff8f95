"""The cases API: each operation for each role (allowed, and refused with nothing changed), the list's
filters and both orders with their cursors, replies and notes, merge, split and take next."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.models import Case, CaseInteraction, CaseNote, CaseTag, Queue
from lojal.cases.schemas import CallerOut, CaseDetail, CaseOut, CasePage
from lojal.core.models import AuditEntry
from lojal.interactions.models import Interaction
from lojal.interactions.services import interaction_record
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue() -> Queue:
    return Queue.objects.create(name="Kundtjänst")


def _case(subject: str = "Fakturan", **fields: object) -> Case:
    return services.case_open(actor=None, subject=subject, channel="email", **fields)  # type: ignore[arg-type]


def _inbound(customer_id: int, subject: str) -> Interaction:
    return interaction_record(
        channel="email", direction="in", customer_id=customer_id, subject=subject, sender="kund@example.se"
    )


def test_a_read_only_member_of_staff_lists_and_reads_cases(api_as: Callable[[str], ApiClient]) -> None:
    customer = factories.person()
    case = _case(customer_id=customer.pk, tags=["faktura"])
    services.case_note_add(actor=None, case_id=case.pk, body="Intern anteckning")
    reader = api_as(Role.READ_ONLY)

    listed = reader.get("cases")
    read = reader.get(f"cases/{case.pk}")

    assert listed.status_code == 200
    assert [item["number"] for item in listed.json()["items"]] == [case.number]
    body = read.json()
    assert (body["number"], body["customer_id"], body["status"], body["priority"]) == (
        case.number,
        customer.pk,
        "new",
        "normal",
    )
    assert {"first_response_due", "next_response_due", "resolution_due", "next_due"} <= set(body)
    assert body["tags"] == ["faktura"]
    assert [note["body"] for note in body["notes"]] == ["Intern anteckning"]


def test_an_unknown_case_is_a_404_problem(api: ApiClient) -> None:
    response = api.get("cases/999999")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_agent_opens_a_case_through_the_api(api_as: Callable[[str], ApiClient], queue: Queue) -> None:
    customer = factories.person(vip_tier="gold")
    agent = api_as(Role.SERVICE_AGENT)

    response = agent.post(
        "cases",
        {"subject": "Kortet spärrat", "customer_id": customer.pk, "queue_id": queue.pk, "tags": ["kort"]},
    )

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.channel, case.queue_id, case.vip_rank, case.created_by_id) == (
        "api",
        queue.pk,
        2,
        agent.user.pk,
    )
    assert (body["vip_tier"], body["tags"]) == ("gold", ["kort"])


def test_a_read_only_token_may_not_open_change_or_answer_a_case(api_as: Callable[[str], ApiClient]) -> None:
    customer = factories.person(emails=["kund@example.se"])
    case = _case(customer_id=customer.pk)
    reader = api_as(Role.READ_ONLY)

    responses = [
        reader.post("cases", {"subject": "x"}),
        reader.patch(f"cases/{case.pk}", {"status": "solved", "tags": ["x"]}),
        reader.post(f"cases/{case.pk}/replies", {"text": "Hej"}),
        reader.post(f"cases/{case.pk}/replies", {"text": "Hej", "internal": True}),
        reader.post("cases/next"),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    case.refresh_from_db()
    assert (Case.objects.count(), case.status, case.assignee_id) == (1, "new", None)
    assert not CaseTag.objects.exists()
    assert not CaseNote.objects.exists()
    assert not Interaction.objects.filter(direction="out").exists()


def test_a_bad_reference_names_its_field_and_opens_nothing(api: ApiClient) -> None:
    response = api.post("cases", {"subject": "x", "queue_id": 999})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["queue_id"]
    assert not Case.objects.exists()


def test_the_list_filters_by_status_queue_assignee_customer_and_breach(
    api: ApiClient, queue: Queue, admin_user: User
) -> None:
    anna, bertil = factories.person(), factories.person()
    in_queue = _case("i kön", customer_id=anna.pk, queue_id=queue.pk)
    mine = _case("min", customer_id=bertil.pk, assignee_id=admin_user.pk)
    breached = _case("försenad", customer_id=bertil.pk)
    Case.objects.filter(pk=breached.pk).update(is_breached=True)
    solved = _case("löst", customer_id=anna.pk)
    services.case_change(actor=admin_user, case_id=solved.pk, changes={"status": "solved"})

    def numbers(**params: object) -> list[str]:
        response = api.get("cases", **params)
        assert response.status_code == 200, response.content
        return sorted(item["subject"] for item in response.json()["items"])

    assert numbers(status="solved") == ["löst"]
    assert numbers(status=["new", "open"]) == ["försenad", "i kön", "min"]
    assert numbers(queue_id=queue.pk) == ["i kön"]
    assert numbers(assignee_id=admin_user.pk) == ["min"]
    assert numbers(unassigned="false") == ["min"]
    assert numbers(customer_id=anna.pk) == ["i kön", "löst"]
    assert numbers(breached="true") == ["försenad"]
    assert numbers(breached="false", customer_id=bertil.pk) == ["min"]
    assert mine.pk and in_queue.pk


def test_newest_first_pages_with_a_cursor_each_case_once(api: ApiClient) -> None:
    now = timezone.now()
    cases = [
        services.case_open(
            actor=None, subject=f"c{n}", channel="api", opened_at=now - dt.timedelta(minutes=n)
        )
        for n in range(7)
    ]

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = api.get("cases", **params).json()
        seen += [item["subject"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [case.subject for case in cases]


def test_queue_order_puts_vip_first_then_the_due_time_with_no_due_time_last_across_pages(
    api: ApiClient, queue: Queue
) -> None:
    now = timezone.now()
    tiers = {"platinum": factories.person(vip_tier="platinum"), "none": factories.person(vip_tier="none")}
    tiers["gold"] = factories.person(vip_tier="gold")
    wanted = [
        ("p-early", "platinum", 10),
        ("p-late", "platinum", 50),
        ("p-none", "platinum", None),
        ("g-early", "gold", 5),
        ("g-none-1", "gold", None),
        ("g-none-2", "gold", None),
        ("n-early", "none", 1),
    ]
    for subject, tier, due in reversed(wanted):
        case = _case(subject, customer_id=tiers[tier].pk, queue_id=queue.pk)
        Case.objects.filter(pk=case.pk).update(next_due=now + dt.timedelta(minutes=due) if due else None)
    solved = _case("solved", customer_id=tiers["platinum"].pk, queue_id=queue.pk)
    Case.objects.filter(pk=solved.pk).update(status="solved")

    seen: list[str] = []
    params: dict[str, object] = {"queue_id": queue.pk, "sort": "queue", "limit": 2}
    while True:
        page = api.get("cases", **params).json()
        seen += [item["subject"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]

    # Equal keys (no due time) go oldest first: g-none-2 was opened before g-none-1 here.
    assert seen == ["p-early", "p-late", "p-none", "g-early", "g-none-2", "g-none-1", "n-early"]


def test_a_cursor_of_another_list_or_forged_is_a_422_naming_cursor(api: ApiClient) -> None:
    for index in range(3):
        _case(f"c{index}")
    newest = api.get("cases", limit=1).json()["next_cursor"]

    forged = api.get("cases", sort="queue", cursor="not-a-cursor")
    other = api.get("cases", sort="queue", cursor=newest)

    for response in (forged, other):
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


def test_an_agent_changes_fields_and_tags_together_and_a_bad_field_changes_neither(
    api_as: Callable[[str], ApiClient], queue: Queue
) -> None:
    case = _case()
    agent = api_as(Role.SERVICE_AGENT)

    changed = agent.patch(
        f"cases/{case.pk}", {"status": "open", "priority": "high", "queue_id": queue.pk, "tags": ["b", "a"]}
    )
    refused = agent.patch(f"cases/{case.pk}", {"priority": "low", "assignee_id": 999_999, "tags": ["c"]})

    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["priority"], changed.json()["tags"]) == (
        "open",
        "high",
        ["a", "b"],
    )
    assert refused.status_code == 422
    case.refresh_from_db()
    assert (case.priority, case.assignee_id) == ("high", None)
    assert sorted(CaseTag.objects.filter(case=case).values_list("name", flat=True)) == ["a", "b"]


def test_a_null_status_is_refused_by_name(api: ApiClient) -> None:
    case = _case()

    response = api.patch(f"cases/{case.pk}", {"status": None})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["status"]


def test_a_public_reply_is_sent_and_an_internal_note_is_not(api_as: Callable[[str], ApiClient]) -> None:
    customer = factories.person(emails=["kund@example.se"])
    case = _case(customer_id=customer.pk)
    agent = api_as(Role.SERVICE_AGENT)

    reply = agent.post(f"cases/{case.pk}/replies", {"text": "Vi har rättat fakturan.", "minutes": 4})
    note = agent.post(f"cases/{case.pk}/replies", {"text": "Kolla med ekonomi", "internal": True})

    assert (reply.status_code, note.status_code) == (201, 201)
    sent = Interaction.objects.get(pk=reply.json()["id"])
    assert (reply.json()["kind"], sent.direction, sent.recipients) == ("reply", "out", ["kund@example.se"])
    assert reply.json()["case"]["status"] == "open"
    assert reply.json()["case"]["time_spent_minutes"] == 4
    assert note.json()["kind"] == "note"
    assert CaseNote.objects.get(pk=note.json()["id"]).body == "Kolla med ekonomi"
    assert Interaction.objects.filter(direction="out").count() == 1


def test_an_internal_note_with_a_recipient_is_refused(api: ApiClient) -> None:
    case = _case()

    response = api.post(f"cases/{case.pk}/replies", {"text": "x", "internal": True, "to": "a@example.se"})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["to"]
    assert not CaseNote.objects.exists()


def test_merge_and_split_through_the_api(api_as: Callable[[str], ApiClient]) -> None:
    customer = factories.person()
    first, second, third = (_inbound(customer.pk, subject) for subject in ("1", "2", "3"))
    source = services.case_open(
        actor=None, subject="B", channel="email", customer_id=customer.pk, interaction_ids=[first.pk]
    )
    target = services.case_open(
        actor=None,
        subject="A",
        channel="email",
        customer_id=customer.pk,
        interaction_ids=[second.pk, third.pk],
    )
    agent = api_as(Role.SERVICE_AGENT)

    merged = agent.post(f"cases/{source.pk}/merge", {"into_case_id": target.pk})
    split = agent.post(f"cases/{target.pk}/split", {"interaction_id": third.pk})
    again = agent.post(f"cases/{source.pk}/merge", {"into_case_id": target.pk})

    assert (merged.status_code, merged.json()["id"]) == (200, target.pk)
    assert api_as(Role.READ_ONLY).get(f"cases/{source.pk}").json()["merged_into_id"] == target.pk
    assert split.status_code == 201
    assert list(
        CaseInteraction.objects.filter(case_id=split.json()["id"]).values_list("interaction_id", flat=True)
    ) == [third.pk]
    detail = agent.get(f"cases/{target.pk}").json()
    assert detail["interaction_ids"] == [first.pk, second.pk]
    assert detail["links"] == [
        {"case_id": split.json()["id"], "number": split.json()["number"], "kind": "split", "direction": "to"}
    ]
    assert again.status_code == 422


def test_a_read_only_token_may_not_merge_or_split(api_as: Callable[[str], ApiClient]) -> None:
    customer = factories.person()
    first, second = _inbound(customer.pk, "1"), _inbound(customer.pk, "2")
    source = services.case_open(
        actor=None,
        subject="B",
        channel="email",
        customer_id=customer.pk,
        interaction_ids=[first.pk, second.pk],
    )
    target = _case(customer_id=customer.pk)
    reader = api_as(Role.READ_ONLY)

    merged = reader.post(f"cases/{source.pk}/merge", {"into_case_id": target.pk})
    split = reader.post(f"cases/{source.pk}/split", {"interaction_id": second.pk})

    assert (merged.status_code, split.status_code) == (403, 403)
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, Case.objects.count()) == ("new", None, 2)
    assert CaseInteraction.objects.filter(case=source).count() == 2
    assert not AuditEntry.objects.filter(action__in=["case.merged", "case.split"]).exists()


def test_take_next_assigns_the_vip_case_first_then_answers_204_when_the_queue_is_empty(
    api_as: Callable[[str], ApiClient], queue: Queue
) -> None:
    plain = _case("vanlig", customer_id=factories.person(vip_tier="none").pk, queue_id=queue.pk)
    vip = _case("vip", customer_id=factories.person(vip_tier="platinum").pk, queue_id=queue.pk)
    agent = api_as(Role.SERVICE_AGENT)

    first = agent.post(f"cases/next?queue_id={queue.pk}")
    second = agent.post(f"cases/next?queue_id={queue.pk}")
    none_left = agent.post(f"cases/next?queue_id={queue.pk}")

    assert [first.json()["id"], second.json()["id"]] == [vip.pk, plain.pk]
    assert (first.json()["assignee_id"], first.json()["status"]) == (agent.user.pk, "open")
    assert (none_left.status_code, none_left.content) == (204, b"")


def test_take_next_from_an_unknown_queue_is_a_422_and_get_is_not_offered(
    api: ApiClient, queue: Queue
) -> None:
    case = _case(queue_id=queue.pk)

    unknown = api.post("cases/next?queue_id=999999")
    by_get = api.get("cases/next", queue_id=queue.pk)

    assert unknown.status_code == 422
    assert by_get.status_code in (405, 422)
    case.refresh_from_db()
    assert case.assignee_id is None


def _through_schema(schema: Any, body: Any) -> Any:
    """What Ninja would have sent for the same data: validated by the schema, encoded by its encoder."""
    return json.loads(json.dumps(schema.model_validate(body).model_dump(), cls=NinjaJSONEncoder))


def test_the_hot_reads_are_exactly_what_their_schemas_would_send(
    api_as: Callable[[str], ApiClient], queue: Queue, admin_user: User
) -> None:
    customer = factories.person(vip_tier="gold", phones=["+46701234567"], account_manager_id=admin_user.pk)
    first = _inbound(customer.pk, "1")
    case = services.case_open(
        actor=None,
        subject="Fakturan",
        channel="email",
        customer_id=customer.pk,
        queue_id=queue.pk,
        tags=["b", "a"],
        interaction_ids=[first.pk],
    )
    Case.objects.filter(pk=case.pk).update(next_due=timezone.now() + dt.timedelta(microseconds=1500))
    services.case_note_add(actor=admin_user, case_id=case.pk, body="Intern")
    agent = api_as(Role.SERVICE_AGENT)

    calls = [
        (CasePage, agent.get("cases", queue_id=queue.pk, sort="queue")),
        (CasePage, agent.get("cases")),
        (CaseDetail, agent.get(f"cases/{case.pk}")),
        (CallerOut, agent.get("telephony/caller", number="070-123 45 67")),
        (CaseOut, agent.post(f"cases/next?queue_id={queue.pk}")),
    ]

    for schema, response in calls:
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == _through_schema(schema, response.json()), schema.__name__
