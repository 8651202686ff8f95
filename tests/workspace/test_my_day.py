"""My day at /: the blocks a user may see, each with its work and a link to where it is done, words
when empty, and a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojal.accounts.models import Team, User
from lojal.accounts.roles import Role
from lojal.activities import call_lists
from lojal.activities.models import Activity
from lojal.customers.models import DuplicateSuspicion, Stage
from lojal.interactions.models import ChatSession
from lojal.interactions.services import interaction_record
from lojal.sales.services import customer_stage_set
from lojal.workspace import my_day
from lojal.workspace.blocks import blocks_registered
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _activity(owner: User | None = None, team: Team | None = None, **fields: Any) -> Activity:
    return Activity.objects.create(
        owner=owner, owner_team=team, **{"subject": "Call back", "due_date": timezone.localdate(), **fields}
    )


def _block(html: str, key: str) -> str:
    match = re.search(rf'data-testid="block-{key}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def test_at_risk_is_the_customers_apps_stage() -> None:
    assert my_day.AT_RISK == Stage.AT_RISK


def test_home_is_my_day_and_asks_anonymous_visitors_to_log_in(client: Client) -> None:
    assert client.get("/")["Location"] == "/login/?next=/"


def test_my_day_shows_my_and_my_teams_overdue_and_todays_activities_only(
    make_user: Callable[..., User],
) -> None:
    me, colleague = make_user(Role.SALES), make_user(Role.SALES)
    team = Team.objects.create(name="Renewals")
    team.members.add(me)
    today = timezone.localdate()
    customer = factories.person(first_name="Greta", last_name="Garbo")
    _activity(me, subject="Overdue call", due_date=today - dt.timedelta(days=2), customer=customer)
    _activity(me, subject="Today's meeting", kind="meeting")
    _activity(team=team, subject="Team to-do")
    _activity(me, subject="Next week", due_date=today + dt.timedelta(days=7))
    _activity(me, subject="Done already", status=Activity.Status.DONE)
    _activity(colleague, subject="Not mine")

    html = _client(me).get("/").content.decode()

    block = _block(html, "activities")
    # each subject is named twice in its item (the link and the label of its outcome field)
    found = re.findall(
        r"(Overdue call|Today&#x27;s meeting|Team to-do|Next week|Done already|Not mine)", block
    )
    assert list(dict.fromkeys(found)) == [
        "Overdue call",
        "Today&#x27;s meeting",
        "Team to-do",
    ]
    assert f'href="/customers/{customer.pk}/"' in block
    assert "Overdue since" in block


def test_empty_blocks_say_so_in_words(admin_user: User) -> None:
    html = _client(admin_user).get("/").content.decode()

    assert "Nothing overdue and nothing due today." in _block(html, "activities")
    assert "You have no call lists to work." in _block(html, "call_lists")
    assert "No messages without a customer." in _block(html, "inbox")
    assert "No open chats." in _block(html, "inbox")
    assert "No suspected duplicates to review." in _block(html, "duplicates")
    assert "No customer became at risk this week." in _block(html, "at_risk")


def test_blocks_show_counts_and_link_to_where_the_work_is_done(admin_user: User) -> None:
    anna, bo = factories.person(first_name="Anna"), factories.person(first_name="Bo")
    interaction_record(channel="email", direction="in", customer_id=None, subject="Who am I?")
    now = timezone.now()
    ChatSession.objects.create(token="t1", started_at=now, last_message_at=now)
    DuplicateSuspicion.objects.create(first=anna, second=bo, score=90)
    customer_stage_set(actor=admin_user, customer_id=bo.pk, stage=Stage.AT_RISK, reason="No orders")
    call_list = call_lists.call_list_create(actor=admin_user, name="Spring", customer_ids=[anna.pk, bo.pk])

    html = _client(admin_user).get("/").content.decode()

    assert '<a href="/interactions/inbox/">1 message without a customer</a>' in _block(html, "inbox")
    assert '<a href="/interactions/chats/">1 open chat</a>' in _block(html, "inbox")
    assert "1 suspected duplicate to review" in _block(html, "duplicates")
    assert f'href="/customers/{bo.pk}/">{bo.display_name}</a>' in _block(html, "at_risk")
    assert "No orders" in _block(html, "at_risk")
    calls = _block(html, "call_lists")
    assert f'href="/work/call-lists/{call_list.pk}/">Spring</a>' in calls
    assert "0 called (0 reached, 0 not reached), 2 of 2 to call" in calls


def test_a_customer_no_longer_at_risk_leaves_the_block(admin_user: User) -> None:
    bo = factories.person(first_name="Bo")
    customer_stage_set(actor=admin_user, customer_id=bo.pk, stage=Stage.AT_RISK, reason="Quiet")
    customer_stage_set(actor=admin_user, customer_id=bo.pk, stage=Stage.CUSTOMER, reason="Ordered")

    html = _client(admin_user).get("/").content.decode()

    assert "No customer became at risk this week." in _block(html, "at_risk")


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        (Role.ADMINISTRATOR, ["activities", "my_cases", "call_lists", "inbox", "duplicates", "at_risk"]),
        (Role.SALES, ["activities", "call_lists", "inbox", "at_risk"]),
        (Role.SERVICE_AGENT, ["activities", "my_cases", "call_lists", "inbox", "duplicates", "at_risk"]),
        (Role.READ_ONLY, ["activities", "at_risk"]),
        (Role.MARKETING, ["activities", "at_risk"]),
    ],
)
def test_blocks_are_shown_only_for_what_the_role_may_see(
    make_user: Callable[..., User], role: str, keys: list[str]
) -> None:
    html = _client(make_user(role)).get("/").content.decode()

    assert re.findall(r'data-testid="block-([a-z_]+)"', html) == keys


def _fill(user: User, count: int) -> None:
    team = Team.objects.get_or_create(name="Team")[0]
    team.members.add(user)
    customers = [factories.person() for _ in range(count)]
    today = timezone.localdate()
    for index, customer in enumerate(customers):
        _activity(user, customer=customer, due_date=today - dt.timedelta(days=index % 2))
        _activity(team=team, customer=customer)
        customer_stage_set(actor=user, customer_id=customer.pk, stage=Stage.AT_RISK, reason="r")
    for index in range(count):
        call_lists.call_list_create(actor=user, name=f"L{index}", customer_ids=[c.pk for c in customers])
        interaction_record(channel="email", direction="in", customer_id=None, subject="?")


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_my_day_runs_a_fixed_number_of_queries_whatever_the_data(admin_user: User) -> None:
    client = _client(admin_user)
    _fill(admin_user, 1)
    few = _queries(client)
    _fill(admin_user, 12)

    many = _queries(client)

    # session, user, the user's team ids, the ids and counts of the follow-ups shown, their rows, my
    # cases and their counts, call lists, unmatched, chats, duplicates, stage changes, their customers.
    # The team ids are read apart on purpose (activities_for_my_day's docstring): as a list of numbers,
    # the follow-ups queries are an OR of two plain index conditions, (owner, status, due_date) and
    # (owner_team, status, due_date).
    assert (few, many) == (13, 13)


def test_every_block_has_a_template_and_an_order() -> None:
    assert [block.key for block in blocks_registered()] == [
        "activities",
        "my_cases",
        "call_lists",
        "inbox",
        "duplicates",
        "at_risk",
    ]


def test_done_in_my_day_completes_the_activity_in_place_with_its_outcome(make_user: Any) -> None:
    from django.test import Client

    from lojal.accounts.roles import Role
    from lojal.activities.models import Activity
    from lojal.timeline.models import Event
    from tests import factories

    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)
    customer = factories.person()
    call = Activity.objects.create(
        owner=user, kind="call", subject="Ring", due_date=timezone.localdate(), customer=customer
    )
    page = client.get("/").content.decode()
    assert f'hx-get="/activities/{call.pk}/complete/" hx-target="this"' in page
    form = client.get(f"/activities/{call.pk}/complete/", headers={"HX-Request": "true"}).content.decode()
    assert f'hx-post="/activities/{call.pk}/complete/" hx-target="closest li"' in form
    response = client.post(
        f"/activities/{call.pk}/complete/",
        {"outcome": "Köper", "shown_in": "item"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.decode().strip().endswith('role="status">Done: Ring</li>')
    call.refresh_from_db()
    assert (call.status, call.outcome) == ("done", "Köper")
    assert Event.objects.filter(customer_id=customer.pk, kind="activity.done").count() == 1
    assert (
        "Ring"
        not in client.get("/")
        .content.decode()
        .split('data-testid="block-activities"')[1]
        .split("</section>")[0]
    )


def test_done_twice_in_my_day_shows_the_error_in_place_and_changes_nothing(make_user: Any) -> None:
    from django.test import Client

    from lojal.accounts.roles import Role
    from lojal.activities.models import Activity
    from lojal.timeline.models import Event

    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)
    call = Activity.objects.create(owner=user, subject="Ring", due_date=timezone.localdate(), status="done")
    events = Event.objects.count()
    response = client.post(
        f"/activities/{call.pk}/complete/",
        {"outcome": "Again", "shown_in": "item"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'role="alert">This follow-up is already done.</p>' in response.content.decode()
    call.refresh_from_db()
    assert (call.status, call.outcome, Event.objects.count()) == ("done", "", events)


def test_my_day_draws_the_ten_most_urgent_of_each_block_with_how_many_and_a_link_to_all(
    make_user: Callable[..., User],
) -> None:
    me = make_user(Role.SALES)
    today = timezone.localdate()
    for number in range(30):
        _activity(me, subject=f"Late {number:02d}", due_date=today - dt.timedelta(days=30 - number))
    for number in range(15):
        _activity(me, subject=f"Now {number:02d}", due_time=dt.time(8 + number % 10, number))
    _activity(me, subject="Late urgent", due_date=today - dt.timedelta(days=40))

    block = _block(_client(me).get("/").content.decode(), "activities")

    late = re.findall(r">(Late [^<]+)</a>", block)
    assert late == ["Late urgent"] + [f"Late {number:02d}" for number in range(9)]
    assert re.findall(r">(Now \d+)</a>", block) == [
        f"Now {number:02d}" for number in (0, 10, 1, 11, 2, 12, 3, 13, 4, 14)
    ]
    assert '<a href="/activities/?scope=mine&amp;due=overdue">All 31 overdue follow-ups</a>' in block
    assert '<a href="/activities/?scope=mine&amp;due=today">All 15 follow-ups due today</a>' in block


def test_a_block_that_shows_everything_has_no_link_to_more(make_user: Callable[..., User]) -> None:
    me = make_user(Role.SALES)
    for number in range(10):
        _activity(me, subject=f"Now {number}")

    block = _block(_client(me).get("/").content.decode(), "activities")

    assert len(re.findall(r'id="activity-item-', block)) == 10
    assert "due=today" not in block
    assert "due=overdue" not in block


def test_my_day_fetches_the_done_form_only_when_asked(make_user: Callable[..., User]) -> None:
    me = make_user(Role.SALES)
    client = _client(me)
    call = _activity(me, subject="Ring Ada")

    page = client.get("/").content.decode()
    fragment = client.get(f"/activities/{call.pk}/complete/", headers={"HX-Request": "true"})
    full = client.get(f"/activities/{call.pk}/complete/")

    assert 'name="outcome"' not in _block(page, "activities")
    assert "<form" not in _block(page, "activities")
    assert "HX-Request" in fragment["Vary"]
    body = fragment.content.decode()
    assert body.startswith("<form") and 'name="shown_in" value="item"' in body
    assert f'id="outcome-{call.pk}" maxlength="500" placeholder="Outcome" autofocus' in body
    assert "<html" in full.content.decode() and 'name="next" value="/"' in full.content.decode()
    call.refresh_from_db()
    assert call.status == Activity.Status.OPEN


def test_the_done_form_page_is_only_for_staff_who_may_complete(make_user: Callable[..., User]) -> None:
    owner, reader = make_user(Role.SALES), make_user(Role.READ_ONLY)
    call = _activity(owner, subject="Ring Ada")

    assert _client(reader).get(f"/activities/{call.pk}/complete/").status_code == 403
    assert _client(owner).get("/activities/999999/complete/").status_code == 404


@pytest.mark.parametrize(
    ("language", "menu", "block", "word"),
    [
        ("en", "Follow-ups", "My follow-ups", "activit"),
        ("sv", "Uppföljningar", "Mina uppföljningar", "aktivitet"),
        ("nb", "Oppfølginger", "Oppfølgingene mine", "aktivitet"),
    ],
)
def test_follow_ups_have_one_name_in_the_menu_my_day_and_the_model(
    admin_user: User, language: str, menu: str, block: str, word: str
) -> None:
    from django.utils import translation

    from lojal.activities.models import Notification

    _activity(admin_user, subject="Ring")
    client = _client(admin_user)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})

    html = client.get("/").content.decode()
    text = re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])

    assert f">{menu}</a>" in html
    assert f'<h2 id="block-activities-title">{block}</h2>' in html
    assert word not in text.lower()
    with translation.override(language):
        names = [
            str(Activity._meta.verbose_name),
            str(Activity._meta.verbose_name_plural),
            *(str(label) for _value, label in Notification.Kind.choices),
        ]
    assert not [name for name in names if word in name.lower()]
    assert menu.lower()[:8] in " ".join(names).lower()
