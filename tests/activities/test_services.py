"""Follow-ups through their services: what they check, who is told, and what a done one leaves on the
customer's timeline. A refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import selectors, services
from lojal.activities.models import Activity, Notification
from lojal.core.errors import Conflict, PermissionDenied, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.models import ContactPerson
from lojal.customers.services import customer_delete
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def test_a_follow_up_without_an_owner_is_the_creators_own_and_tells_nobody(admin_user: User) -> None:
    customer = factories.person()

    activity = services.activity_create(
        actor=admin_user, subject="Ring om offerten", customer_id=customer.pk, due_date=TODAY, kind="call"
    )

    assert (activity.owner_id, activity.owner_team_id, activity.status) == (admin_user.pk, None, "open")
    assert activity.created_by_id == admin_user.pk
    assert Notification.objects.count() == 0
    assert AuditEntry.objects.filter(action="activity.created", object_id=str(activity.pk)).count() == 1


def test_a_follow_up_given_to_someone_else_notifies_them(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara = make_user(Role.SALES, "sara")

    activity = services.activity_create(actor=admin_user, subject="Offert", owner_id=sara.pk, due_date=TODAY)

    notification = Notification.objects.get()
    assert (notification.recipient_id, notification.kind, notification.activity_id) == (
        sara.pk,
        "activity_assigned",
        activity.pk,
    )
    assert notification.data == {"subject": "Offert", "by": admin_user.display_name}


def test_a_follow_up_given_to_a_team_notifies_every_member_but_the_giver(
    admin_user: User, make_user: Callable[..., User], make_team: Callable[..., object]
) -> None:
    sven, sara = make_user(Role.SERVICE_AGENT, "sven"), make_user(Role.SALES, "sara")
    team = make_team("Kundtjänst", sven, sara, admin_user)

    services.activity_create(actor=admin_user, subject="Ring tillbaka", owner_team_id=team.pk, due_date=TODAY)  # type: ignore[attr-defined]

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([sven.pk, sara.pk])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": None}, "due_date"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"kind": "visit"}, "kind"),
        ({"priority": "urgent"}, "priority"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"owner_team_id": 999_999}, "owner_team_id"),
        ({"customer_id": 999_999}, "customer_id"),
        ({"duration_minutes": 30}, "duration_minutes"),
        ({"kind": "meeting", "duration_minutes": 0}, "duration_minutes"),
        ({"due_date": dt.date(1850, 1, 1)}, "due_date"),
        ({"subject": "nul\x00"}, "subject"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    admin_user: User, overrides: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"subject": "Ring", "due_date": TODAY, **overrides}

    with pytest.raises(ValidationError) as raised:
        services.activity_create(actor=admin_user, **values)  # type: ignore[arg-type]

    assert list(raised.value.errors) == [field]
    assert Activity.objects.count() == 0
    assert Notification.objects.count() == 0
    assert AuditEntry.objects.filter(action="activity.created").count() == 0


def test_owner_and_team_together_are_refused(admin_user: User, make_team: Callable[..., object]) -> None:
    team = make_team("Sälj")

    with pytest.raises(ValidationError) as raised:
        services.activity_create(
            actor=admin_user,
            subject="x",
            due_date=TODAY,
            owner_id=admin_user.pk,
            owner_team_id=team.pk,  # type: ignore[attr-defined]
        )

    assert list(raised.value.errors) == ["owner_id"]
    assert Activity.objects.count() == 0


def test_a_deleted_customer_gets_no_follow_up(admin_user: User) -> None:
    customer = factories.person()
    customer_delete(actor=admin_user, customer_id=customer.pk)

    with pytest.raises(ValidationError) as raised:
        services.activity_create(actor=admin_user, subject="x", due_date=TODAY, customer_id=customer.pk)

    assert list(raised.value.errors) == ["customer_id"]
    assert Activity.objects.count() == 0


def test_the_contact_person_must_belong_to_the_customer(admin_user: User) -> None:
    volvo, scania = factories.organisation(), factories.organisation()
    anna = ContactPerson.objects.create(organisation=scania, first_name="Anna")

    with pytest.raises(ValidationError) as raised:
        services.activity_create(
            actor=admin_user, subject="x", due_date=TODAY, customer_id=volvo.pk, contact_person_id=anna.pk
        )
    accepted = services.activity_create(
        actor=admin_user, subject="x", due_date=TODAY, customer_id=scania.pk, contact_person_id=anna.pk
    )

    assert list(raised.value.errors) == ["contact_person_id"]
    assert list(Activity.objects.values_list("pk", flat=True)) == [accepted.pk]


def test_a_timed_meeting_lasts_an_hour_unless_told(admin_user: User) -> None:
    meeting = services.activity_create(
        actor=admin_user, kind="meeting", subject="Årsmöte", due_date=TODAY, due_time=dt.time(10, 0)
    )
    short = services.activity_create(
        actor=admin_user,
        kind="meeting",
        subject="Kort",
        due_date=TODAY,
        due_time=dt.time(11),
        duration_minutes=15,
    )

    assert (meeting.duration_minutes, short.duration_minutes) == (60, 15)


def test_a_role_without_the_right_cannot_create(make_user: Callable[..., User]) -> None:
    reader = make_user(Role.READ_ONLY)

    with pytest.raises(PermissionDenied):
        services.activity_create(actor=reader, subject="x", due_date=TODAY)

    assert Activity.objects.count() == 0


def test_an_app_creates_one_for_the_system_with_its_origin(make_user: Callable[..., User]) -> None:
    sara = make_user(Role.SALES, "sara")

    activity = services.activity_create(
        actor=None,
        subject="Förnya avtalet",
        owner_id=sara.pk,
        due_date=TODAY,
        origin="app",
        origin_reference="cases.case:12",
    )

    assert (activity.origin, activity.origin_reference, activity.created_by_id) == (
        "app",
        "cases.case:12",
        None,
    )
    assert Notification.objects.get().data == {"subject": "Förnya avtalet", "by": ""}


def test_completing_puts_one_event_on_the_customers_timeline_rendered_in_the_readers_language(
    admin_user: User,
) -> None:
    customer = factories.person()
    activity = services.activity_create(
        actor=admin_user, kind="call", subject="Ring om offerten", customer_id=customer.pk, due_date=TODAY
    )
    before = Event.objects.filter(customer=customer).count()

    services.activity_complete(actor=admin_user, activity_id=activity.pk, outcome="Beställer i maj")

    done = Event.objects.get(customer=customer, kind="activity.done")
    assert Event.objects.filter(customer=customer).count() == before + 1
    assert done.data == {
        "activity_id": activity.pk,
        "activity_kind": "call",
        "subject": "Ring om offerten",
        "activity_outcome": "Beställer i maj",
    }
    assert done.actor_id == admin_user.pk
    with translation.override("en"):
        assert done.display_summary == "Call made: Ring om offerten. Outcome: Beställer i maj"
    with translation.override("sv"):
        assert done.display_summary == "Samtal genomfört: Ring om offerten. Utfall: Beställer i maj"
    with translation.override("nb"):
        assert done.display_summary == "Samtale gjennomført: Ring om offerten. Utfall: Beställer i maj"
    activity.refresh_from_db()
    assert (activity.status, activity.outcome, activity.completed_by_id) == (
        "done",
        "Beställer i maj",
        admin_user.pk,
    )


def test_completing_twice_is_refused_and_adds_no_second_event(admin_user: User) -> None:
    customer = factories.person()
    activity = services.activity_create(
        actor=admin_user, subject="x", customer_id=customer.pk, due_date=TODAY
    )
    services.activity_complete(actor=admin_user, activity_id=activity.pk)

    with pytest.raises(Conflict):
        services.activity_complete(actor=admin_user, activity_id=activity.pk, outcome="again")

    assert Event.objects.filter(kind="activity.done").count() == 1
    activity.refresh_from_db()
    assert activity.outcome == ""


def test_a_cancelled_one_can_be_reopened_but_a_done_one_cannot(admin_user: User) -> None:
    cancelled = services.activity_create(actor=admin_user, subject="a", due_date=TODAY)
    done = services.activity_create(actor=admin_user, subject="b", due_date=TODAY)
    services.activity_cancel(actor=admin_user, activity_id=cancelled.pk, reason="Kunden avböjde")
    services.activity_complete(actor=admin_user, activity_id=done.pk)

    reopened = services.activity_reopen(actor=admin_user, activity_id=cancelled.pk)
    with pytest.raises(Conflict):
        services.activity_reopen(actor=admin_user, activity_id=done.pk)

    assert (reopened.status, reopened.outcome, reopened.completed_at) == ("open", "", None)
    done.refresh_from_db()
    assert done.status == "done"
    assert Event.objects.filter(kind="activity.done").count() == 0  # neither had a customer


def test_changing_the_owner_notifies_the_new_one_and_a_new_due_date_reminds_again(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara = make_user(Role.SALES, "sara")
    activity = services.activity_create(actor=admin_user, subject="x", due_date=TODAY)
    Activity.objects.filter(pk=activity.pk).update(due_notified_at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC))

    services.activity_update(
        actor=admin_user,
        activity_id=activity.pk,
        data={"owner_id": sara.pk, "due_date": TODAY + dt.timedelta(days=1)},
    )

    activity.refresh_from_db()
    assert (activity.owner_id, activity.due_date, activity.due_notified_at) == (
        sara.pk,
        TODAY + dt.timedelta(days=1),
        None,
    )
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [(sara.pk, "activity_assigned")]
    entry = AuditEntry.objects.get(action="activity.changed")
    assert entry.changes == {"owner_id": [admin_user.pk, sara.pk], "due_date": ["2026-12-07", "2026-12-08"]}


def test_a_bad_change_changes_nothing(admin_user: User, make_user: Callable[..., User]) -> None:
    activity = services.activity_create(actor=admin_user, subject="Ring", due_date=TODAY)

    with pytest.raises(ValidationError):
        services.activity_update(
            actor=admin_user, activity_id=activity.pk, data={"subject": "Nytt", "owner_id": 999_999}
        )
    with pytest.raises(ValidationError):
        services.activity_update(actor=admin_user, activity_id=activity.pk, data={"status": "done"})

    activity.refresh_from_db()
    assert (activity.subject, activity.owner_id) == ("Ring", admin_user.pk)


def test_only_the_owner_their_team_the_creator_or_a_manager_may_change_one(
    admin_user: User, make_user: Callable[..., User], make_team: Callable[..., object]
) -> None:
    sara, sven, maria = (
        make_user(Role.SALES, "sara"),
        make_user(Role.SERVICE_AGENT, "sven"),
        make_user(Role.MANAGER, "maria"),
    )
    mine = services.activity_create(actor=admin_user, subject="Saras", owner_id=sara.pk, due_date=TODAY)

    with pytest.raises(PermissionDenied):
        services.activity_complete(actor=sven, activity_id=mine.pk)
    mine.refresh_from_db()
    assert mine.status == "open"

    team = make_team("Sälj", sven)
    services.activity_update(actor=admin_user, activity_id=mine.pk, data={"owner_team_id": team.pk})  # type: ignore[attr-defined]
    services.activity_update(actor=sven, activity_id=mine.pk, data={"subject": "Teamets"})
    services.activity_complete(actor=maria, activity_id=mine.pk)
    mine.refresh_from_db()
    assert (mine.owner_id, mine.subject, mine.status) == (None, "Teamets", "done")


def test_my_day_holds_my_and_my_teams_overdue_and_todays_open_ones(
    admin_user: User, make_user: Callable[..., User], make_team: Callable[..., object]
) -> None:
    sara, sven = make_user(Role.SALES, "sara"), make_user(Role.SERVICE_AGENT, "sven")
    team = make_team("Sälj", sara)
    create = services.activity_create
    overdue = create(
        actor=admin_user, subject="Igår", owner_id=sara.pk, due_date=TODAY - dt.timedelta(days=1)
    )
    late = create(actor=admin_user, subject="Idag 15", owner_id=sara.pk, due_date=TODAY, due_time=dt.time(15))
    early = create(
        actor=admin_user, subject="Idag 9", owner_team_id=team.pk, due_date=TODAY, due_time=dt.time(9)
    )  # type: ignore[attr-defined]
    untimed = create(actor=admin_user, subject="Idag", owner_id=sara.pk, due_date=TODAY)
    create(actor=admin_user, subject="Imorgon", owner_id=sara.pk, due_date=TODAY + dt.timedelta(days=1))
    create(actor=admin_user, subject="Svens", owner_id=sven.pk, due_date=TODAY)
    done = create(actor=admin_user, subject="Klar", owner_id=sara.pk, due_date=TODAY)
    services.activity_complete(actor=admin_user, activity_id=done.pk)

    day = selectors.activities_for_my_day(user=sara, today=TODAY)

    assert [a.pk for a in day.overdue] == [overdue.pk]
    assert [a.pk for a in day.today] == [early.pk, late.pk, untimed.pk]


def test_another_app_notifies_with_a_link_and_the_line_is_said_in_the_readers_language(
    make_user: Callable[..., User],
) -> None:
    from lojal.activities.rendering import notification_text

    agent = make_user(Role.SERVICE_AGENT, "agent")

    count = services.notification_notify(
        recipient_ids=[agent.pk, agent.pk],
        kind="case_mention",
        data={"number": "26-000007", "subject": "Fakturan", "by": "Sara", "url": "/service/cases/7/"},
    )

    notification = Notification.objects.get()
    assert (count, notification.recipient_id, notification.data["url"]) == (1, agent.pk, "/service/cases/7/")
    with translation.override("sv"):
        assert notification_text(notification) == "Sara nämnde dig i ärende #26-000007: Fakturan"


def test_a_notification_leading_outside_lojal_is_refused(make_user: Callable[..., User]) -> None:
    agent = make_user(Role.SERVICE_AGENT, "agent")

    with pytest.raises(ValidationError):
        services.notification_notify(
            recipient_ids=[agent.pk], kind="case_near", data={"url": "https://evil.example/"}
        )
    assert Notification.objects.count() == 0
