"""Follow-up pages: the list and its filters, the form, done in one click (htmx), the customer card,
the bell, notifications, my reminders; and a follow-up from a logged call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import services
from lojal.activities.models import Activity, CalendarFeed, Notification, ReminderPreference
from lojal.interactions.models import Interaction
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_my_open_ones_overdue_first(admin_user: User, make_user: Callable[..., User]) -> None:
    today = timezone.localdate()
    sara = make_user(Role.SALES, "sara")
    services.activity_create(actor=admin_user, subject="Idag", due_date=today)
    services.activity_create(actor=admin_user, subject="Förra veckan", due_date=today - dt.timedelta(days=7))
    services.activity_create(actor=admin_user, subject="Saras", owner_id=sara.pk, due_date=today)
    client = client_for(admin_user)

    mine = client.get("/activities/").content.decode()
    everyone = client.get("/activities/?scope=all").content.decode()

    assert mine.index("Förra veckan") < mine.index("Idag")
    assert "Saras" not in mine and "Saras" in everyone
    assert 'class="badge overdue-badge"' in mine


def test_create_from_the_customer_page_and_back(admin_user: User) -> None:
    customer = factories.person(first_name="Kari", last_name="Nordmann")
    client = client_for(admin_user)

    form = client.get(f"/activities/new/?customer={customer.pk}&back=customer")
    response = client.post(
        "/activities/new/",
        {
            "customer_id": customer.pk,
            "kind": "call",
            "subject": "Ring Kari",
            "owner": f"u{admin_user.pk}",
            "due_date": "2026-12-09",
            "due_time": "",
            "priority": "normal",
            "notes": "",
            "back": "customer",
        },
    )

    assert form.status_code == 200 and "Kari Nordmann" in form.content.decode()
    assert 'type="date"' not in form.content.decode() and 'placeholder="YYYY-MM-DD"' in form.content.decode()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    activity = Activity.objects.get()
    assert (activity.customer_id, activity.subject, activity.due_date) == (
        customer.pk,
        "Ring Kari",
        dt.date(2026, 12, 9),
    )


def test_a_form_with_an_error_shows_it_and_saves_nothing(admin_user: User) -> None:
    response = client_for(admin_user).post(
        "/activities/new/",
        {
            "kind": "todo",
            "subject": "Utan datum",
            "owner": f"u{admin_user.pk}",
            "due_date": "",
            "priority": "normal",
        },
    )

    assert response.status_code == 422
    assert Activity.objects.count() == 0


def test_done_in_one_click_from_the_list_swaps_the_row(admin_user: User) -> None:
    customer = factories.person()
    activity = services.activity_create(
        actor=admin_user, subject="Ring", customer_id=customer.pk, due_date=timezone.localdate()
    )

    response = client_for(admin_user).post(
        f"/activities/{activity.pk}/complete/", {"outcome": "Nådde henne"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.startswith("<tr") and "Nådde henne" in html and "Done" in html
    assert Event.objects.filter(customer=customer, kind="activity.done").count() == 1


def test_a_role_that_may_not_complete_gets_403_and_nothing_changes(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    activity = services.activity_create(actor=admin_user, subject="Ring", due_date=timezone.localdate())

    response = client_for(make_user(Role.READ_ONLY)).post(f"/activities/{activity.pk}/complete/")

    assert response.status_code == 403
    assert Activity.objects.get().status == "open"


def test_the_customer_card_lists_the_open_ones(admin_user: User) -> None:
    customer = factories.person()
    services.activity_create(
        actor=admin_user, subject="Öppen", customer_id=customer.pk, due_date=timezone.localdate()
    )
    done = services.activity_create(
        actor=admin_user, subject="Stängd", customer_id=customer.pk, due_date=timezone.localdate()
    )
    services.activity_complete(actor=admin_user, activity_id=done.pk)
    client = client_for(admin_user)

    page = client.get(f"/customers/{customer.pk}/").content.decode()
    card = client.get(f"/activities/customer/{customer.pk}/").content.decode()

    assert f'hx-get="/activities/customer/{customer.pk}/"' in page
    assert "Öppen" in card and "Stängd" not in card
    assert f"/activities/new/?customer={customer.pk}" in card


def test_the_bell_counts_unread_and_the_page_marks_them_read(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    sara = make_user(Role.SALES, "sara")
    services.activity_create(
        actor=admin_user, subject="Till Sara", owner_id=sara.pk, due_date=timezone.localdate()
    )
    client = client_for(sara)

    bell = client.get("/activities/bell/").content.decode()
    listing = client.get("/activities/notifications/").content.decode()
    client.post("/activities/notifications/")

    assert 'data-testid="bell-count">1<' in bell
    assert "gave you a follow-up: Till Sara" in listing
    assert Notification.objects.get().read_at is not None
    assert "bell-count" not in client.get("/activities/bell/").content.decode()


def test_the_bell_is_on_every_page_and_costs_the_page_no_query(admin_user: User) -> None:
    html = client_for(admin_user).get("/customers/").content.decode()

    assert 'hx-get="/activities/bell/"' in html


def test_my_reminders_save_the_digest_and_issue_a_calendar_address_once(admin_user: User) -> None:
    admin_user.email = "admin@lojal.example"
    admin_user.save()
    client = client_for(admin_user)

    client.post("/activities/settings/", {"email_digest": "on", "digest_hour": "8"})
    issued = client.post("/activities/settings/", {"feed": "1"}).content.decode()
    again = client.get("/activities/settings/").content.decode()

    preference = ReminderPreference.objects.get(user=admin_user)
    assert (preference.email_digest, preference.digest_hour) == (True, 8)
    feed = CalendarFeed.objects.get()
    assert 'data-testid="feed-url">http://testserver/activities/calendar/lojal_cal_' in issued
    assert "feed-url" not in again and f"{feed.prefix}…" in again


def test_a_logged_call_with_follow_up_needed_creates_both(admin_user: User) -> None:
    customer = factories.person()

    response = client_for(admin_user).post(
        f"/interactions/customers/{customer.pk}/log/",
        {
            "channel": "call",
            "direction": "out",
            "subject": "Fråga om fakturan",
            "notes": "",
            "follow_up": "1",
            "follow_up_due": "2026-12-10",
            "follow_up_note": "Ring tillbaka om kopian",
        },
    )

    assert response.status_code == 302
    call = Interaction.objects.get()
    activity = Activity.objects.get()
    assert (activity.kind, activity.subject, activity.due_date, activity.owner_id) == (
        "call",
        "Ring tillbaka om kopian",
        dt.date(2026, 12, 10),
        admin_user.pk,
    )
    assert (activity.origin, activity.origin_reference) == ("call_follow_up", f"interactions.call:{call.pk}")


def test_follow_up_needed_without_a_due_date_saves_neither(admin_user: User) -> None:
    customer = factories.person()

    client_for(admin_user).post(
        f"/interactions/customers/{customer.pk}/log/",
        {"channel": "call", "direction": "out", "subject": "Fråga", "follow_up": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert Interaction.objects.count() == 0
    assert Activity.objects.count() == 0


def test_the_bell_is_one_count_after_the_session_and_user(
    admin_user: User, django_assert_num_queries: Callable[..., object]
) -> None:
    client = client_for(admin_user)
    client.get("/activities/bell/")

    with django_assert_num_queries(3):  # the session, the user, the unread count
        client.get("/activities/bell/")


def test_my_day_is_three_queries_however_many_follow_ups(
    admin_user: User, make_team: Callable[..., object], django_assert_num_queries: Callable[..., object]
) -> None:
    from lojal.activities import selectors

    team = make_team("Sälj", admin_user)
    customer = factories.person()
    for n in range(5):
        services.activity_create(
            actor=admin_user, subject=f"Egen {n}", customer_id=customer.pk, due_date=timezone.localdate()
        )
        services.activity_create(
            actor=admin_user, subject=f"Teamets {n}", owner_team_id=team.pk, due_date=timezone.localdate()
        )  # type: ignore[attr-defined]

    # the team ids, the ids and counts of what is shown (each block at most ten), their rows
    with django_assert_num_queries(3):
        day = selectors.activities_for_my_day(user=admin_user, today=timezone.localdate())
        names = [activity.customer.display_name if activity.customer else "" for activity in day.today]

    assert (len(names), day.today_count, day.more_today) == (10, 10, 0)


def test_the_due_date_is_written_and_read_as_the_page_language_writes_dates(admin_user: User) -> None:
    from django.utils import translation

    from lojal.accounts.services import user_language_set

    user_language_set(user=admin_user, language="nb")
    with translation.override("en"):  # the requests activate nb; the tests after keep English
        client = client_for(admin_user)
        form = client.get("/activities/new/").content.decode()
        values = {"kind": "todo", "subject": "Ring", "owner": f"u{admin_user.pk}", "priority": "normal"}

        wrong = client.post("/activities/new/", {**values, "due_date": "12/09/2026", "due_time": ""})
        after_wrong = Activity.objects.count()
        right = client.post("/activities/new/", {**values, "due_date": "09.12.2026", "due_time": "14.30"})

    assert 'id="id_due_date"' in form and 'type="date"' not in form and 'type="time"' not in form
    assert (wrong.status_code, after_wrong) == (422, 0)
    assert "12/09/2026" in wrong.content.decode()
    assert right.status_code == 302
    activity = Activity.objects.get()
    assert (activity.due_date, activity.due_time) == (dt.date(2026, 12, 9), dt.time(14, 30))
