"""Cases through their core services: numbering, what a change records (and where), the statuses'
dates, and that a refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import services
from lojal.cases.models import Case, CaseChange, Queue
from lojal.core.errors import PermissionDenied, ValidationError
from lojal.core.models import AuditEntry
from lojal.timeline.models import Event
from lojal.timeline.rendering import event_summary
from tests import factories

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)


def test_cases_are_numbered_in_turn_by_year_with_the_companys_prefix(admin_user: User) -> None:
    first = services.case_open(actor=admin_user, subject="Fel belopp", channel="staff", opened_at=NOON)
    with override_settings(LOJAL_CASE_NUMBER_PREFIX="S"):
        second = services.case_open(actor=admin_user, subject="Ny fråga", channel="api", opened_at=NOON)

    serial = int(first.number.split("-")[1])
    assert first.number == f"26-{serial:06d}"
    assert second.number == f"S26-{serial + 1:06d}"
    assert str(first) == f"#{first.number} Fel belopp"


def test_a_case_takes_the_customers_vip_rank_and_language_and_goes_on_the_timeline(admin_user: User) -> None:
    customer = factories.person(vip_tier="gold", preferred_language="nb")

    case = services.case_open(actor=admin_user, subject="Faktura", channel="email", customer_id=customer.pk)

    assert (case.vip_rank, case.language, case.status) == (2, "nb", "new")
    event = Event.objects.get(customer=customer, kind="case.opened")
    assert event.data["number"] == case.number
    assert event_summary(kind=event.kind, data=event.data, summary=event.summary) == (
        f"Case #{case.number} opened: Faktura"
    )
    assert AuditEntry.objects.filter(action="case.opened", object_id=str(case.pk)).count() == 1


def test_a_bad_field_names_itself_and_opens_nothing(admin_user: User) -> None:
    with pytest.raises(ValidationError) as raised:
        services.case_open(actor=admin_user, subject="x", channel="email", queue_id=999)

    assert list(raised.value.errors) == ["queue_id"]
    assert Case.objects.count() == 0


def test_a_read_only_user_may_not_open_a_case(make_user: Callable[..., User]) -> None:
    reader = make_user(Role.READ_ONLY, "reader")

    with pytest.raises(PermissionDenied):
        services.case_open(actor=reader, subject="x", channel="staff")
    assert Case.objects.count() == 0


def test_solving_and_reopening_stamp_the_dates_and_count_the_reopening(admin_user: User) -> None:
    customer = factories.person()
    case = services.case_open(actor=admin_user, subject="Q", channel="email", customer_id=customer.pk)
    solved_at = NOON + dt.timedelta(hours=2)

    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "solved"}, at=solved_at)
    case.refresh_from_db()
    assert (case.status, case.solved_at, case.reopened_count) == ("solved", solved_at, 0)

    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"})
    case.refresh_from_db()
    assert (case.status, case.solved_at, case.reopened_count) == ("open", None, 1)
    changes = list(CaseChange.objects.filter(case=case).values_list("field", "old", "new"))
    assert changes == [("status", "new", "solved"), ("status", "solved", "open")]
    assert Event.objects.filter(customer=customer, kind="case.changed").count() == 2


def test_an_unchanged_value_records_nothing(admin_user: User) -> None:
    case = services.case_open(actor=admin_user, subject="Q", channel="staff", priority="high")

    services.case_change(actor=admin_user, case_id=case.pk, changes={"priority": "high"})

    assert CaseChange.objects.count() == 0


def test_a_closed_case_stays_closed(admin_user: User) -> None:
    case = services.case_open(actor=admin_user, subject="Q", channel="staff")
    services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "closed"})

    with pytest.raises(ValidationError):
        services.case_change(actor=admin_user, case_id=case.pk, changes={"status": "open"})
    case.refresh_from_db()
    assert case.status == "closed"


def test_queue_assignee_and_tags_change_together_with_their_record(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")
    queue = Queue.objects.create(name="Kundtjänst")
    case = services.case_open(actor=admin_user, subject="Q", channel="staff", tags=["faktura", "faktura"])

    services.case_change(
        actor=agent, case_id=case.pk, changes={"queue_id": queue.pk, "assignee_id": agent.pk}
    )
    services.case_tags_set(actor=agent, case_id=case.pk, tags=["retur", "faktura"])

    case.refresh_from_db()
    assert (case.queue_id, case.assignee_id) == (queue.pk, agent.pk)
    assert sorted(case.tags.values_list("name", flat=True)) == ["faktura", "retur"]
    assert set(CaseChange.objects.values_list("field", "actor_id")) == {
        ("queue_id", agent.pk),
        ("assignee_id", agent.pk),
    }


def test_time_spent_adds_up_and_a_day_of_typing_mistakes_is_refused(admin_user: User) -> None:
    case = services.case_open(actor=admin_user, subject="Q", channel="staff")

    services.case_time_add(actor=admin_user, case_id=case.pk, minutes=15)
    services.case_time_add(actor=admin_user, case_id=case.pk, minutes=30, note="Ringde kunden")
    with pytest.raises(ValidationError):
        services.case_time_add(actor=admin_user, case_id=case.pk, minutes=13 * 60)

    case.refresh_from_db()
    assert case.time_spent_minutes == 45
    assert case.time_entries.count() == 2


def test_take_next_gives_the_vip_case_first_and_never_the_same_case_twice(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    from lojal.accounts.models import Team
    from lojal.cases.assignment import case_take_next

    anna, bo = make_user(Role.SERVICE_AGENT, "anna"), make_user(Role.SERVICE_AGENT, "bo")
    team = Team.objects.create(name="Kundtjänst")
    team.members.add(anna, bo)
    queue = Queue.objects.create(name="Kundtjänst", team=team)
    plain = factories.person()
    vip = factories.person(vip_tier="platinum")
    first_in = services.case_open(
        actor=None, subject="A", channel="email", customer_id=plain.pk, queue_id=queue.pk
    )
    vip_case = services.case_open(
        actor=None, subject="B", channel="email", customer_id=vip.pk, queue_id=queue.pk
    )

    taken = [case_take_next(actor=anna), case_take_next(actor=bo), case_take_next(actor=anna)]

    assert [(case.pk, case.assignee_id, case.status) for case in taken if case] == [
        (vip_case.pk, anna.pk, "open"),
        (first_in.pk, bo.pk, "open"),
    ]
    assert taken[2] is None


def test_a_round_robin_queue_hands_cases_out_in_turn_skipping_the_agent_away(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    from lojal.accounts.models import Team
    from lojal.cases.assignment import agent_away_set, case_auto_assign

    agents = [make_user(Role.SERVICE_AGENT, name) for name in ("anna", "bo", "cecilia")]
    team = Team.objects.create(name="Kundtjänst")
    team.members.add(*agents)
    queue = Queue.objects.create(name="Kundtjänst", team=team, assignment="round_robin")
    agent_away_set(actor=agents[1], user_id=agents[1].pk, away=True)
    cases = [
        services.case_open(actor=None, subject=str(n), channel="email", queue_id=queue.pk) for n in range(3)
    ]

    chosen = [case_auto_assign(case_id=case.pk) for case in cases]

    assert chosen == [agents[0].pk, agents[2].pk, agents[0].pk]


def test_a_reply_goes_to_whoever_wrote_with_the_case_number_and_answers_the_case(admin_user: User) -> None:
    from lojal.cases.replies import case_reply
    from lojal.interactions.models import Interaction

    customer = factories.person(emails=["kund@example.se"])
    case = services.case_open(actor=None, subject="Fakturan", channel="staff", customer_id=customer.pk)

    interaction_id = case_reply(
        actor=admin_user, case_id=case.pk, text="Hej! Vi har rättat fakturan.", minutes=5
    )

    sent = Interaction.objects.get(pk=interaction_id)
    case.refresh_from_db()
    assert (sent.recipients, sent.subject) == (["kund@example.se"], f"Re: Fakturan [#{case.number}]")
    assert (case.status, case.first_responded_at is not None, case.time_spent_minutes) == ("open", True, 5)
    assert list(case.interaction_links.values_list("interaction_id", flat=True)) == [interaction_id]
