"""The service desk's pages: the queue view and "take next", the case page's reply with a macro, notes
with @mentions, the collision warning, follow-ups, refused input, and what each role sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import Team, User
from lojal.accounts.roles import Role
from lojal.activities.models import Activity, Notification
from lojal.cases import desk, services
from lojal.cases.macros import macro_save
from lojal.cases.models import AgentStatus, Case, CaseChange, CaseNote, Category, Queue, TimeEntry
from lojal.interactions.models import Interaction, OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk_world(make_user: Callable[..., User]) -> dict[str, Any]:
    """A queue worked by two agents, a plain case opened first and a gold VIP's case opened after it."""
    sara = make_user(Role.SERVICE_AGENT, "sara")
    olle = make_user(Role.SERVICE_AGENT, "olle")
    team = Team.objects.create(name="Kundtjänst")
    team.members.add(sara, olle)
    queue = Queue.objects.create(name="Kundtjänst", team=team)
    plain = factories.person(first_name="Per", last_name="Persson", emails=["per@example.se"])
    vip = factories.person(
        first_name="Vera",
        last_name="Viktig",
        vip_tier="gold",
        emails=["vera@example.se"],
        preferred_language="sv",
    )
    first = services.case_open(
        actor=None, subject="Var är mitt paket?", channel="email", customer_id=plain.pk, queue_id=queue.pk
    )
    second = services.case_open(
        actor=None, subject="Fel belopp på fakturan", channel="email", customer_id=vip.pk, queue_id=queue.pk
    )
    return {"sara": sara, "olle": olle, "queue": queue, "plain": first, "vip": second}


def test_the_queue_view_lists_open_cases_vip_first_with_tier_and_due_in_words(
    desk_world: dict[str, Any],
) -> None:
    plain, vip = desk_world["plain"], desk_world["vip"]
    Case.objects.filter(pk=plain.pk).update(next_due=timezone.now() - dt.timedelta(hours=1))
    Case.objects.filter(pk=vip.pk).update(next_due=timezone.now() + dt.timedelta(minutes=20))

    response = _client(desk_world["sara"]).get("/service/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(f"#{vip.number}") < page.index(f"#{plain.number}")
    assert "Past due" in page and "Due soon" in page
    assert 'class="badge tier-gold">Gold<' in page
    assert "Take next" in page and 'name="ids"' in page


def test_the_queue_view_filters_by_assignee_and_breached(desk_world: dict[str, Any]) -> None:
    sara, plain, vip = desk_world["sara"], desk_world["plain"], desk_world["vip"]
    services.case_change(actor=sara, case_id=plain.pk, changes={"assignee_id": sara.pk})
    Case.objects.filter(pk=vip.pk).update(is_breached=True)
    client = _client(sara)

    mine = client.get("/service/?assignee=me").content.decode()
    breached = client.get("/service/?breached=1").content.decode()

    assert f"#{plain.number}" in mine and f"#{vip.number}" not in mine
    assert f"#{vip.number}" in breached and f"#{plain.number}" not in breached


def test_take_next_gives_the_vip_case_and_opens_it(desk_world: dict[str, Any]) -> None:
    sara, vip = desk_world["sara"], desk_world["vip"]

    response = _client(sara).post("/service/next/")

    assert response.status_code == 302
    assert response["Location"] == f"/service/cases/{vip.pk}/"
    vip.refresh_from_db()
    assert (vip.assignee_id, vip.status) == (sara.pk, "open")
    assert Case.objects.get(pk=desk_world["plain"].pk).assignee_id is None


def test_reply_with_a_macro_sends_the_email_in_the_customers_language_and_applies_the_macro(
    desk_world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    sara, vip = desk_world["sara"], desk_world["vip"]
    category = Category.objects.create(name="Fakturor")
    macro = macro_save(
        actor=make_user(Role.MANAGER, "maja"),
        name="Rättad faktura",
        texts={
            "sv": "Hej {customer_name}! Vi har rättat fakturan i ärende {case_number}. Hälsningar {agent_name}",
            "en": "Hello {customer_name}!",
        },
        status="pending_customer",
        priority="high",
        category_id=category.pk,
        tags=["faktura"],
    )
    client = _client(sara)

    filled = client.get(f"/service/cases/{vip.pk}/macro/", {"macro": macro.pk}).content.decode()
    text = f"Hej Vera Viktig! Vi har rättat fakturan i ärende #{vip.number}. Hälsningar Sara"
    assert text in filled
    response = client.post(
        f"/service/cases/{vip.pk}/reply/",
        {"text": text, "channel": "email", "macro": macro.pk, "minutes": "4"},
    )

    assert response.status_code == 302
    sent = Interaction.objects.get(direction="out", channel="email")
    assert (sent.recipients, sent.body_text) == (["vera@example.se"], text)
    assert OutboundEmail.objects.get(interaction=sent).state == "queued"
    vip.refresh_from_db()
    assert (vip.status, vip.priority, vip.category_id) == ("pending_customer", "high", category.pk)
    assert list(vip.tags.values_list("name", flat=True)) == ["faktura"]
    assert vip.time_spent_minutes == 4
    assert vip.first_responded_at is not None


def test_a_mention_in_a_note_notifies_the_mentioned_agent_with_a_link(desk_world: dict[str, Any]) -> None:
    sara, olle, plain = desk_world["sara"], desk_world["olle"], desk_world["plain"]

    response = _client(sara).post(
        f"/service/cases/{plain.pk}/notes/", {"body": "@olle kan du kolla lagret? Mejla sara@example.se"}
    )

    assert response.status_code == 302
    note = CaseNote.objects.get(case=plain)
    assert note.mentioned == [olle.pk]
    notification = Notification.objects.get()
    assert (notification.recipient_id, notification.kind) == (olle.pk, "case_mention")
    assert notification.data["url"] == f"/service/cases/{plain.pk}/"
    page = _client(olle).get(f"/service/cases/{plain.pk}/").content.decode()
    assert "Internal note" in page and "kan du kolla lagret?" in page


def test_the_case_page_warns_when_another_agent_is_viewing_or_replying(desk_world: dict[str, Any]) -> None:
    sara, olle, plain = desk_world["sara"], desk_world["olle"], desk_world["plain"]
    _client(olle).get(f"/service/cases/{plain.pk}/")
    client = _client(sara)

    viewing = client.get(f"/service/cases/{plain.pk}/").content.decode()
    _client(olle).post(f"/service/cases/{plain.pk}/presence/", {"text": "Hej Per, paketet"})
    writing = client.post(f"/service/cases/{plain.pk}/presence/", {"text": ""}).content.decode()

    assert "Olle is viewing" in viewing
    assert "Olle is writing a reply" in writing
    assert "Sara is" not in writing


def test_an_old_presence_is_no_warning(desk_world: dict[str, Any]) -> None:
    sara, olle, plain = desk_world["sara"], desk_world["olle"], desk_world["plain"]
    desk.presence_touch(user=olle, case_id=plain.pk)
    long_ago = timezone.now() - dt.timedelta(seconds=desk.PRESENCE_SECONDS + 5)
    plain.presences.update(seen_at=long_ago)

    assert desk.presence_others(case_id=plain.pk, user_id=sara.pk) == []


def test_follow_up_creates_an_activity_that_leads_back_to_the_case(desk_world: dict[str, Any]) -> None:
    sara, plain = desk_world["sara"], desk_world["plain"]

    response = _client(sara).post(
        f"/service/cases/{plain.pk}/follow-up/", {"subject": "Ring Per om paketet", "due_date": "2026-12-10"}
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.subject, activity.due_date, activity.customer_id, activity.owner_id) == (
        "Ring Per om paketet",
        dt.date(2026, 12, 10),
        plain.customer_id,
        sara.pk,
    )
    assert (activity.origin, activity.origin_reference) == ("app", f"cases.case:{plain.pk}")


def test_status_change_is_in_the_history_in_words(desk_world: dict[str, Any]) -> None:
    sara, plain = desk_world["sara"], desk_world["plain"]
    client = _client(sara)

    client.post(
        f"/service/cases/{plain.pk}/change/",
        {
            "status": "pending_third_party",
            "priority": "normal",
            "assignee_id": str(sara.pk),
            "queue_id": "",
            "category_id": "",
        },
    )

    page = client.get(f"/service/cases/{plain.pk}/").content.decode()
    history = client.get(f"/service/cases/{plain.pk}/history/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="/service/cases/{plain.pk}/history/"' in page and "Status: New" not in page
    page = history
    assert "Status: New → Waiting for a third party" in page
    assert "Assignee: nobody → Sara" in page


def test_a_refused_time_entry_shows_the_error_and_changes_nothing(desk_world: dict[str, Any]) -> None:
    sara, plain = desk_world["sara"], desk_world["plain"]

    response = _client(sara).post(f"/service/cases/{plain.pk}/time/", {"minutes": "9999"})

    assert response.status_code == 422
    assert "Between 1 and 720 minutes." in response.content.decode()
    assert TimeEntry.objects.count() == 0
    assert Case.objects.get(pk=plain.pk).time_spent_minutes == 0


def test_a_refused_reply_shows_the_error_and_neither_sends_nor_applies_the_macro(
    desk_world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    sara, vip = desk_world["sara"], desk_world["vip"]
    macro = macro_save(
        actor=make_user(Role.MANAGER, "maja"), name="Löst", texts={"sv": "Klart!"}, status="solved"
    )

    response = _client(sara).post(f"/service/cases/{vip.pk}/reply/", {"text": "   ", "macro": macro.pk})

    assert response.status_code == 422
    assert Interaction.objects.filter(direction="out").count() == 0
    vip.refresh_from_db()
    assert vip.status == "new"
    assert CaseChange.objects.filter(case=vip).count() == 0


def test_a_read_only_user_reads_the_desk_and_gets_no_forms(
    desk_world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client = _client(make_user(Role.READ_ONLY, "rita"))
    plain = desk_world["plain"]

    queue_page = client.get("/service/").content.decode()
    case_page = client.get(f"/service/cases/{plain.pk}/").content.decode()
    refused = client.post(f"/service/cases/{plain.pk}/notes/", {"body": "hej"})
    taken = client.post("/service/next/")

    assert (
        f"#{plain.number}" in queue_page and "Take next" not in queue_page and 'name="ids"' not in queue_page
    )
    assert (
        "Var är mitt paket?" in case_page and "<textarea" not in case_page and "Send reply" not in case_page
    )
    assert (refused.status_code, taken.status_code) == (403, 403)
    assert CaseNote.objects.count() == 0
    assert Case.objects.filter(assignee__isnull=False).count() == 0


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING])
def test_sales_and_marketing_read_cases_but_do_not_work_them(
    role: str, desk_world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client = _client(make_user(role))
    plain = desk_world["plain"]

    assert client.get(f"/service/cases/{plain.pk}/").status_code == 200
    assert client.post(f"/service/cases/{plain.pk}/reply/", {"text": "Hej"}).status_code == 403
    assert client.get("/service/macros/").status_code == 403
    assert Interaction.objects.filter(direction="out").count() == 0


def test_agents_may_not_configure_but_managers_do(
    desk_world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    agent = _client(desk_world["sara"])
    manager = _client(make_user(Role.MANAGER, "maja"))

    assert agent.get("/service/settings/").status_code == 403
    assert agent.post("/service/settings/categories/", {"name": "Fakturor"}).status_code == 403
    assert manager.get("/service/settings/").status_code == 200
    response = manager.post("/service/settings/categories/", {"name": "Fakturor"})
    assert response.status_code == 302
    top = Category.objects.get(name="Fakturor")
    manager.post("/service/settings/categories/", {"name": "Fel belopp", "parent_id": str(top.pk)})
    child = Category.objects.get(name="Fel belopp")
    refused = manager.post(
        "/service/settings/categories/", {"name": "Tredje nivån", "parent_id": str(child.pk)}
    )
    assert refused.status_code == 422
    assert "Categories have two levels" in refused.content.decode()
    assert not Category.objects.filter(name="Tredje nivån").exists()


def test_bulk_assign_and_tag_and_a_refused_bulk_status_changes_nothing(desk_world: dict[str, Any]) -> None:
    sara, plain, vip = desk_world["sara"], desk_world["plain"], desk_world["vip"]
    client = _client(sara)
    ids = [str(plain.pk), str(vip.pk)]

    client.post("/service/bulk/", {"ids": ids, "action": "assign", "assignee": "me"})
    client.post("/service/bulk/", {"ids": ids, "action": "tag", "tag": "leverans"})
    Case.objects.filter(pk=vip.pk).update(status="closed")
    refused = client.post("/service/bulk/", {"ids": ids, "action": "status", "status": "open"}, follow=True)

    assert set(Case.objects.values_list("assignee_id", flat=True)) == {sara.pk}
    assert sorted(Case.objects.values_list("tags__name", flat=True)) == ["leverans", "leverans"]
    assert "A closed case cannot be opened again." in refused.content.decode()
    # The first case would have been opened before the closed one refused: all of it was rolled back.
    assert Case.objects.get(pk=plain.pk).status == "new"
    assert not CaseChange.objects.filter(case=plain, field="status").exists()


def test_the_agent_goes_out_of_office_from_the_queue_view(desk_world: dict[str, Any]) -> None:
    sara = desk_world["sara"]
    client = _client(sara)

    client.post("/service/away/", {"away": "1"})

    assert AgentStatus.objects.get(user=sara).out_of_office is True
    assert "You are out of office" in client.get("/service/").content.decode()


def test_a_case_opened_by_hand_for_a_picked_customer(desk_world: dict[str, Any]) -> None:
    sara, queue = desk_world["sara"], desk_world["queue"]
    customer = factories.person(first_name="Kari", last_name="Nordmann")
    client = _client(sara)

    picked = client.get("/service/cases/new/customers/", {"q": "Nordmann"}).content.decode()
    response = client.post(
        "/service/cases/new/",
        {
            "customer_id": str(customer.pk),
            "subject": "Brev om flytt",
            "queue_id": str(queue.pk),
            "assign_me": "1",
        },
    )

    assert f'value="{customer.pk}"' in picked
    case = Case.objects.get(subject="Brev om flytt")
    assert response["Location"] == f"/service/cases/{case.pk}/"
    assert (case.customer_id, case.channel, case.assignee_id, case.status) == (
        customer.pk,
        "staff",
        sara.pk,
        "open",
    )


def test_a_new_case_without_a_subject_is_refused_and_nothing_is_opened(desk_world: dict[str, Any]) -> None:
    before = Case.objects.count()

    response = _client(desk_world["sara"]).post("/service/cases/new/", {"subject": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Case.objects.count() == before


def test_bulk_merge_moves_the_chosen_cases_into_the_numbered_one_and_tells_nobody(
    desk_world: dict[str, Any],
) -> None:
    sara, queue = desk_world["sara"], desk_world["queue"]
    customer = factories.person(first_name="Per", last_name="Dubblett")
    first = services.case_open(
        actor=None, subject="Paketet", channel="email", customer_id=customer.pk, queue_id=queue.pk
    )
    second = services.case_open(
        actor=None, subject="Paketet igen", channel="email", customer_id=customer.pk, queue_id=queue.pk
    )
    desk.case_note_post(actor=sara, case_id=second.pk, body="Samma fråga som förra")

    response = _client(sara).post(
        "/service/bulk/",
        {"ids": [str(first.pk), str(second.pk)], "action": "merge", "into": f"#{first.number}"},
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("closed", first.pk)
    assert list(CaseNote.objects.filter(case=first).values_list("body", flat=True)) == [
        "Samma fråga som förra"
    ]
    assert Interaction.objects.filter(direction="out").count() == 0


def test_bulk_merge_into_an_unknown_number_is_refused_and_merges_nothing(desk_world: dict[str, Any]) -> None:
    plain, vip = desk_world["plain"], desk_world["vip"]

    response = _client(desk_world["sara"]).post(
        "/service/bulk/",
        {"ids": [str(plain.pk), str(vip.pk)], "action": "merge", "into": "99-999999"},
        follow=True,
    )

    assert "No case with this number to merge into." in response.content.decode()
    assert Case.objects.filter(merged_into__isnull=False).count() == 0


def test_a_manager_creates_a_queue_from_the_settings_and_a_taken_name_is_refused(
    make_user: Callable[..., User],
) -> None:
    manager = make_user(Role.MANAGER, "maja")
    team = Team.objects.create(name="Företag")
    client = _client(manager)

    created = client.post(
        "/service/settings/queues/new/",
        {
            "name": "Företagskunder",
            "team_id": str(team.pk),
            "assignment": "round_robin",
            "manager_id": str(manager.pk),
            "is_active": "on",
        },
    )
    taken = client.post("/service/settings/queues/new/", {"name": "Företagskunder", "assignment": "manual"})

    assert created.status_code == 302
    queue = Queue.objects.get()
    assert (queue.name, queue.team_id, queue.assignment, queue.manager_id, queue.is_active) == (
        "Företagskunder",
        team.pk,
        "round_robin",
        manager.pk,
        True,
    )
    assert taken.status_code == 422
    assert "Another queue is called Företagskunder." in taken.content.decode()
    assert Queue.objects.count() == 1
