"""The call-list worker: the lists with progress, one customer at a time with their 360 panel and the
script, a call logged on the timeline like any other with the outcome, skip, next; a call list made
from the customer list's view."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import call_lists
from lojal.activities.models import CallList, CallListEntry
from lojal.interactions.models import Interaction
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user(Role.SALES)


@pytest.fixture
def seller_client(seller: User) -> Client:
    client = Client()
    client.force_login(seller)
    return client


def _list(actor: User, count: int = 2, script: str = "Ask about the offer.") -> CallList:
    ids = [
        factories.person(first_name=f"Kund{index}", phones=[{"number": f"+4670123456{index}"}]).pk
        for index in range(count)
    ]
    return call_lists.call_list_create(actor=actor, name="Spring", script=script, customer_ids=ids)


def test_the_index_lists_call_lists_with_their_progress(seller: User, seller_client: Client) -> None:
    call_list = _list(seller)

    html = seller_client.get("/work/call-lists/").content.decode()

    assert f'href="/work/call-lists/{call_list.pk}/">Spring</a>' in html
    assert '<progress max="2" value="0"' in html


def test_working_a_list_shows_the_first_customer_with_contact_links_and_the_script(
    seller: User, seller_client: Client
) -> None:
    call_list = _list(seller)
    first = call_lists.call_list_entries(call_list_id=call_list.pk).first()
    assert first is not None

    html = seller_client.get(f"/work/call-lists/{call_list.pk}/").content.decode()

    assert first.customer.display_name in html
    assert 'href="tel:+46701234560"' in html
    assert "Ask about the offer." in html
    assert "Customer 1 of 2" in html


def test_logging_a_call_puts_it_on_the_timeline_records_the_outcome_and_moves_on(
    seller: User, seller_client: Client
) -> None:
    call_list = _list(seller)
    first, second = call_lists.call_list_entries(call_list_id=call_list.pk)

    response = seller_client.post(
        f"/work/call-lists/{call_list.pk}/entries/{first.pk}/log/",
        {
            "result": "reached",
            "notes": "Wants the offer in writing.",
            "outcome": "Interested",
            "duration_minutes": "4",
        },
    )
    following = seller_client.get(response["Location"]).content.decode()

    assert response["Location"] == f"/work/call-lists/{call_list.pk}/?after=1"
    call = Interaction.objects.get(customer_id=first.customer_id)
    assert (
        call.channel,
        call.subject,
        call.body_text,
        call.outcome,
        call.duration_seconds,
        call.staff_id,
    ) == (
        "call",
        "Spring",
        "Wants the offer in writing.",
        "answered",
        240,
        seller.pk,
    )
    assert Event.objects.filter(customer_id=first.customer_id, data__interaction_id=call.pk).count() == 1
    first.refresh_from_db()
    assert (first.status, first.outcome, first.interaction_id) == ("reached", "Interested", call.pk)
    assert second.customer.display_name in following
    assert "1 called (1 reached, 0 not reached), 1 of 2 to call" in following


def test_an_invalid_call_form_logs_nothing_and_records_nothing(seller: User, seller_client: Client) -> None:
    call_list = _list(seller)
    first = call_lists.call_list_entries(call_list_id=call_list.pk).first()
    assert first is not None

    response = seller_client.post(
        f"/work/call-lists/{call_list.pk}/entries/{first.pk}/log/",
        {"result": "maybe", "duration_minutes": "-3"},
    )

    assert response.status_code == 422
    assert Interaction.objects.count() == 0
    assert CallListEntry.objects.get(pk=first.pk).status == "to_call"


def test_skip_moves_on_without_logging_a_call(seller: User, seller_client: Client) -> None:
    call_list = _list(seller)
    first, _second = call_lists.call_list_entries(call_list_id=call_list.pk)

    response = seller_client.post(f"/work/call-lists/{call_list.pk}/entries/{first.pk}/skip/")

    assert response["Location"] == f"/work/call-lists/{call_list.pk}/?after=1"
    assert CallListEntry.objects.get(pk=first.pk).status == "skipped"
    assert Interaction.objects.count() == 0


def test_a_finished_list_says_so(seller: User, seller_client: Client) -> None:
    call_list = _list(seller, count=1)
    entry = call_lists.call_list_entries(call_list_id=call_list.pk).get()
    call_lists.call_list_entry_record(
        actor=seller, call_list_id=call_list.pk, entry_id=entry.pk, status="skipped"
    )

    html = seller_client.get(f"/work/call-lists/{call_list.pk}/").content.decode()

    assert "Everyone on this list has been called." in html


def test_closing_a_list_takes_it_off_the_active_ones(seller: User, seller_client: Client) -> None:
    call_list = _list(seller)

    seller_client.post(f"/work/call-lists/{call_list.pk}/close/")

    assert CallList.objects.get(pk=call_list.pk).status == "closed"
    assert "No active call lists." in seller_client.get("/work/call-lists/").content.decode()


def test_create_call_list_from_the_customer_lists_view(seller: User, seller_client: Client) -> None:
    at_risk = factories.person(first_name="Risky", lifecycle_stage="at_risk")
    factories.person(first_name="Happy", lifecycle_stage="customer")
    listing = seller_client.get("/customers/?stage=at_risk").content.decode()

    response = seller_client.post(
        "/work/call-lists/from-view/", {"name": "Win them back", "query": "stage=at_risk"}
    )

    assert 'name="query" value="stage=at_risk"' in listing
    call_list = CallList.objects.get()
    assert (call_list.name, call_list.owner_id) == ("Win them back", seller.pk)
    assert list(call_list.entries.values_list("customer_id", flat=True)) == [at_risk.pk]
    assert response["Location"] == f"/work/call-lists/{call_list.pk}/"


def test_without_a_name_no_call_list_is_made(seller_client: Client) -> None:
    response = seller_client.post("/work/call-lists/from-view/", {"name": "", "query": "stage=lead"})

    assert response["Location"] == "/customers/?stage=lead"
    assert CallList.objects.count() == 0


def test_staff_who_may_not_log_calls_may_not_work_lists(make_user: Callable[..., User], seller: User) -> None:
    call_list = _list(seller)
    first = call_lists.call_list_entries(call_list_id=call_list.pk).first()
    assert first is not None
    reader = Client()
    reader.force_login(make_user(Role.READ_ONLY))

    pages = [
        reader.get("/work/call-lists/").status_code,
        reader.get(f"/work/call-lists/{call_list.pk}/").status_code,
    ]
    post = reader.post(f"/work/call-lists/{call_list.pk}/entries/{first.pk}/log/", {"result": "reached"})

    assert (pages, post.status_code) == ([403, 403], 403)
    assert "Create call list from this view" not in reader.get("/customers/").content.decode()
    assert Interaction.objects.count() == 0


def test_the_worker_page_runs_a_fixed_number_of_queries(
    seller: User, seller_client: Client, django_assert_num_queries: Callable[..., object]
) -> None:
    call_list = _list(seller, count=3)
    first = call_lists.call_list_entries(call_list_id=call_list.pk).first()
    assert first is not None
    for number in range(8):
        factories.person(first_name=f"Extra{number}")
        call_lists.call_list_add_customers(
            call_list_id=call_list.pk, customer_ids=[factories.person().pk], actor=seller
        )
    call_lists.call_list_entry_record(
        actor=seller, call_list_id=call_list.pk, entry_id=first.pk, status="reached"
    )

    # session, user, list, next entry, progress, customer + emails, phones, addresses, tags, contact
    # persons, timeline, revenue (one aggregate), currency rates, the read's audit entry
    with django_assert_num_queries(14):
        assert seller_client.get(f"/work/call-lists/{call_list.pk}/").status_code == 200


def test_a_deleted_customer_is_passed_over_on_the_way(seller: User, seller_client: Client) -> None:
    from lojal.customers.services import customer_delete

    call_list = _list(seller)
    first, second = call_lists.call_list_entries(call_list_id=call_list.pk)
    customer_delete(actor=seller, customer_id=first.customer_id)

    response = seller_client.get(f"/work/call-lists/{call_list.pk}/")

    assert response["Location"] == f"/work/call-lists/{call_list.pk}/?after=1"
    assert CallListEntry.objects.get(pk=first.pk).status == "skipped"
    assert second.customer.display_name in seller_client.get(response["Location"]).content.decode()


def test_the_worker_records_the_customer_read_in_the_audit_log_as_the_customer_page_does(
    seller_client: Client, seller: User
) -> None:
    from lojal.core.audit_words import entries_in_words
    from lojal.core.models import AuditEntry

    spring = _list(seller, count=1)
    entry = CallListEntry.objects.get(call_list=spring)
    assert seller_client.get(f"/work/call-lists/{spring.pk}/").status_code == 200
    [read] = AuditEntry.objects.filter(action="read")
    assert (read.actor_id, read.object_type, read.object_id, read.changes) == (
        seller.pk,
        "customers.customer",
        str(entry.customer_id),
        {"via": "call list"},
    )
    [(_entry, text)] = entries_in_words([read])
    assert (text.sentence, text.lines) == ("Opened the customer", ["Where: call list"])


def test_a_call_list_without_customers_to_call_records_no_read(seller_client: Client, seller: User) -> None:
    from lojal.core.models import AuditEntry

    empty = call_lists.call_list_create(actor=seller, name="Empty", customer_ids=[])
    assert seller_client.get(f"/work/call-lists/{empty.pk}/").status_code == 200
    assert not AuditEntry.objects.filter(action="read").exists()


LEFT_OUT = (
    "The search gives at most its 3 best matches, so customers who also match beyond them were left out; "
    "how many is not known. To reach them all, use filters (they have no such limit) or add a word to the "
    "search."
)


def test_a_call_list_from_a_search_that_hit_its_cap_says_in_words_that_customers_were_left_out(
    seller_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.messages import get_messages

    from lojal.customers import selectors as customer_selectors

    monkeypatch.setattr(customer_selectors, "SEARCH_PAGE_MAX", 3)
    for first_name in ("Alva", "Bo", "Cia", "Dan", "Eva"):
        factories.person(first_name=first_name, last_name="Lindqvist")

    response = seller_client.post(
        "/work/call-lists/from-view/", {"name": "Lindqvists", "query": "q=lindqvist"}
    )

    assert CallList.objects.get().entries.count() == 3
    texts = [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]
    assert texts == [
        ("success", "Call list Lindqvists created with 3 customers."),
        ("warning", LEFT_OUT),
    ]


@pytest.mark.parametrize("query", ["stage=customer", "q=lindqvist"])
def test_a_call_list_that_left_nobody_out_has_no_warning(
    seller_client: Client, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    from django.contrib.messages import get_messages

    from lojal.customers import selectors as customer_selectors

    monkeypatch.setattr(customer_selectors, "SEARCH_PAGE_MAX", 3)
    for first_name in ("Alva", "Bo"):
        factories.person(first_name=first_name, last_name="Lindqvist", lifecycle_stage="customer")

    response = seller_client.post("/work/call-lists/from-view/", {"name": "Few", "query": query})

    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["success"]
    assert CallList.objects.get().entries.count() == 2
