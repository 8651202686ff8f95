"""The follow-up list on the shared list component: sortable columns (due, subject, customer, owner,
priority), page size, numbered pages, saved views, its own filters kept (whose, kind, status), and a
pinned number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import services
from lojal.activities.models import Activity
from lojal.core.saved_views import saved_view_create
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def subjects(html: str) -> list[str]:
    rows = html.split('<tbody id="activities-rows">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/activities/\d+/edit/">([^<]+)</a>', rows)


def _three(user: User) -> None:
    today = timezone.localdate()
    anna = factories.person(first_name="Anna", last_name="Berg")
    cecilia = factories.person(first_name="Cecilia", last_name="Ahl")
    services.activity_create(actor=user, subject="Beta", due_date=today, priority="low", customer_id=anna.pk)
    services.activity_create(
        actor=user,
        subject="Alfa",
        due_date=today + dt.timedelta(days=2),
        priority="high",
        customer_id=cecilia.pk,
    )
    services.activity_create(actor=user, subject="Gamma", due_date=today - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Gamma", "Beta", "Alfa"]),  # soonest due first
        ("-due", ["Alfa", "Beta", "Gamma"]),
        ("subject", ["Alfa", "Beta", "Gamma"]),
        ("-subject", ["Gamma", "Beta", "Alfa"]),
        ("priority", ["Alfa", "Gamma", "Beta"]),  # high, normal, low
        ("-priority", ["Beta", "Gamma", "Alfa"]),
    ],
)
def test_the_columns_sort(admin_user: User, sort: str, expected: list[str]) -> None:
    _three(admin_user)
    html = client_for(admin_user).get(f"/activities/?sort={sort}").content.decode()
    assert subjects(html) == expected


def test_customer_and_owner_sort_and_the_sorted_header_says_so(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    _three(admin_user)
    html = client_for(admin_user).get("/activities/?sort=customer").content.decode()
    names = [
        subject for subject in subjects(html) if subject != "Gamma"
    ]  # no customer: its place differs by database
    assert names == ["Alfa", "Beta"]  # Ahl before Berg
    assert 'aria-sort="ascending"' in html
    sara = make_user(Role.SALES, "sara")
    sara.first_name = "Aa"
    sara.save()
    services.activity_create(
        actor=admin_user, subject="Saras", owner_id=sara.pk, due_date=timezone.localdate()
    )
    everyone = client_for(admin_user).get("/activities/?scope=all&sort=owner").content.decode()
    assert subjects(everyone)[0] == "Saras"


def test_page_size_and_numbered_pages_keep_the_filters(admin_user: User) -> None:
    today = timezone.localdate()
    for number in range(30):
        services.activity_create(
            actor=admin_user,
            subject=f"Ring {number:02d}",
            kind="call",
            due_date=today + dt.timedelta(days=number),
        )
    services.activity_create(actor=admin_user, subject="Ett möte", kind="meeting", due_date=today)
    client = client_for(admin_user)

    first = client.get("/activities/?kind=call").content.decode()
    second = client.get("/activities/?kind=call&page=2").content.decode()
    wide = client.get("/activities/?kind=call&per_page=50").content.decode()

    assert len(subjects(first)) == 25 and "Ett möte" not in first
    assert subjects(second) == [f"Ring {number:02d}" for number in range(25, 30)]
    assert 'href="/activities/?kind=call&amp;page=2"' in first
    assert len(subjects(wide)) == 30
    assert "30 follow-ups" in first


def test_the_status_and_scope_filters_still_work(admin_user: User, make_user: Callable[..., User]) -> None:
    today = timezone.localdate()
    done = services.activity_create(actor=admin_user, subject="Klar", due_date=today)
    services.activity_complete(actor=admin_user, activity_id=done.pk)
    services.activity_create(actor=admin_user, subject="Öppen", due_date=today)
    sara = make_user(Role.SALES, "sara")
    services.activity_create(actor=admin_user, subject="Saras", owner_id=sara.pk, due_date=today)
    client = client_for(admin_user)
    assert subjects(client.get("/activities/").content.decode()) == ["Öppen"]
    assert "Klar" in client.get("/activities/?status=done").content.decode()
    assert sorted(subjects(client.get("/activities/?scope=all").content.decode())) == ["Saras", "Öppen"]


def test_chosen_columns_are_shown_and_a_completed_row_keeps_them(admin_user: User) -> None:
    customer = factories.person(first_name="Anna", last_name="Berg")
    call = services.activity_create(
        actor=admin_user, subject="Ring", due_date=timezone.localdate(), customer_id=customer.pk
    )
    client = client_for(admin_user)
    html = client.get("/activities/?columns=subject&columns=priority").content.decode()
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert header.count("<th") == 3  # subject, priority, status
    assert "Anna Berg" not in html.split('<tbody id="activities-rows">', 1)[1]
    row = client.post(
        f"/activities/{call.pk}/complete/",
        {"outcome": "Klart"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/activities/?columns=subject&columns=priority",
    ).content.decode()
    assert row.count("<td") == 3 and "Anna Berg" not in row


def test_a_saved_view_is_offered_and_opens_its_filters_and_sort(admin_user: User) -> None:
    _three(admin_user)
    saved_view_create(
        owner=admin_user,
        list_key="activities",
        name="Brådskande",
        filters="kind=todo",
        sort="priority",
        columns=["subject", "priority"],
        is_shared=False,
    )
    html = client_for(admin_user).get("/activities/").content.decode()
    assert "Brådskande" in html
    link = re.search(r'<a href="(/activities/\?[^"]*)"[^>]*>Brådskande', html)
    assert link is not None
    opened = client_for(admin_user).get(link.group(1).replace("&amp;", "&")).content.decode()
    assert subjects(opened) == ["Alfa", "Gamma", "Beta"]


def test_an_htmx_update_answers_only_the_results_and_varies_on_hx_request(admin_user: User) -> None:
    _three(admin_user)
    response = client_for(admin_user).get("/activities/?sort=subject", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and subjects(html) == ["Alfa", "Beta", "Gamma"]
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == "/activities/?sort=subject"


# session, user, the user's teams ("mine and my teams'"), count, saved views, the page's follow-ups with
# their customer, contact, owner and team (one join).
ACTIVITY_LIST_QUERIES = 6


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(admin_user: User, count: int) -> None:
    customer = factories.person()
    for number in range(count):
        services.activity_create(
            actor=admin_user, subject=f"Ring {number}", due_date=timezone.localdate(), customer_id=customer.pk
        )
    client = client_for(admin_user)
    client.get("/activities/")  # the session warmed
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/activities/?sort=priority&per_page=100").status_code == 200
    assert len(queries) == ACTIVITY_LIST_QUERIES, "\n".join(q["sql"][:90] for q in queries)
    assert Activity.objects.count() == count


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("overdue", ["Gamma"]),
        ("today", ["Beta"]),
        ("", ["Gamma", "Beta", "Alfa"]),
        ("soon", ["Gamma", "Beta", "Alfa"]),
    ],
)
def test_the_due_filter_opens_what_my_days_links_promise(
    make_user: Callable[..., User], due: str, expected: list[str]
) -> None:
    user = make_user(Role.SALES)
    _three(user)

    html = client_for(user).get("/activities/", {"scope": "mine", "due": due}).content.decode()

    assert subjects(html) == expected
    if due in {"overdue", "today"}:
        assert f'<option value="{due}" selected>' in html
