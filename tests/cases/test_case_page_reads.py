"""What the case page reads and how often: a pinned number of queries whatever the case holds, the
customer panel's lower part after the page, the desk setup kept per process until a service changes
it, and the agent's presence as one row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import desk, services
from lojal.cases.macros import macro_save
from lojal.cases.models import CasePresence, Queue
from lojal.cases.queues import queue_update
from lojal.sales import services as sales_services
from tests import factories

pytestmark = pytest.mark.django_db

#: session, user, the case (queue, category, assignee and the desk setup's version), the presence
#: upsert, the messages, their attachments, the notes, the customer, their other open cases, tags,
#: time entries, who else is here, the staff (the history comes after the page, as the panel's rest).
CASE_PAGE_QUERIES = 13


def _queries(client: Client, url: str, **headers: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.fixture
def world(make_user: Callable[..., User]) -> dict[str, Any]:
    agent = make_user(Role.SERVICE_AGENT, "sara")
    queue = Queue.objects.create(name="Kundtjänst")
    customer = factories.person(first_name="Vera", last_name="Viktig", emails=["vera@example.se"])
    case = services.case_open(
        actor=None, subject="Fel belopp", channel="email", customer_id=customer.pk, queue_id=queue.pk
    )
    client = Client()
    client.force_login(agent)
    return {"agent": agent, "queue": queue, "customer": customer, "case": case, "client": client}


def test_the_case_page_runs_the_pinned_number_of_queries_with_messages_notes_and_time(
    world: dict[str, Any],
) -> None:
    agent, case, client = world["agent"], world["case"], world["client"]
    for n in range(3):
        desk.case_note_post(actor=agent, case_id=case.pk, body=f"Anteckning {n}")
        desk.case_answer(actor=agent, case_id=case.pk, text=f"Svar {n}")
        services.case_time_add(actor=agent, case_id=case.pk, minutes=5, note=f"Samtal {n}")
    services.case_tags_set(actor=agent, case_id=case.pk, tags=["faktura"])
    client.get(f"/service/cases/{case.pk}/")  # the desk setup into this process's copy

    count, page = _queries(client, f"/service/cases/{case.pk}/")

    assert count == CASE_PAGE_QUERIES
    assert page.count("desk-entry desk-note") == 3 and page.count("desk-entry desk-message") == 3
    assert "Samtal 2" in page and ">faktura</a>" in page


def test_the_page_leaves_revenue_contacts_and_holdings_to_the_panel_fragment(world: dict[str, Any]) -> None:
    customer, case, client = world["customer"], world["case"], world["client"]
    sales_services.transaction_record(
        actor=None,
        customer_id=customer.pk,
        data={"occurred_at": timezone.now(), "kind": "purchase", "amount": "1234.50", "currency": "SEK"},
    )
    sales_services.holding_open(
        actor=None, customer_id=customer.pk, data={"name": "Sparkonto", "opened_on": "2026-01-02"}
    )
    desk.case_answer(actor=world["agent"], case_id=case.pk, text="Vi tittar på det.")

    page = client.get(f"/service/cases/{case.pk}/").content.decode()
    count, fragment = _queries(client, f"/service/cases/{case.pk}/customer/", HTTP_HX_REQUEST="true")

    assert f'hx-get="/service/cases/{case.pk}/customer/"' in page
    assert "Sparkonto" not in page and 'data-testid="lifetime-revenue"' not in page
    assert "Sparkonto" in fragment
    assert 'data-testid="lifetime-revenue"><span class="nowrap">1' in fragment and "SEK" in fragment
    assert "Email out" in fragment
    # session, user, the case's customer, revenue, contacts, holdings
    assert count == 6


def test_the_panel_fragment_of_a_case_without_customer_is_empty_and_an_unknown_case_is_404(
    world: dict[str, Any],
) -> None:
    lone = services.case_open(actor=None, subject="Utan kund", channel="staff")
    client = world["client"]

    empty = client.get(f"/service/cases/{lone.pk}/customer/").content.decode()
    unknown = client.get("/service/cases/999999/customer/")

    assert empty == '<div id="panel-more" data-testid="panel-more"></div>\n'
    assert unknown.status_code == 404


def test_a_queue_renamed_through_its_service_shows_on_the_next_page_load(
    world: dict[str, Any], admin_user: User
) -> None:
    case, client = world["case"], world["client"]
    assert ">Kundtjänst</option>" in client.get(f"/service/cases/{case.pk}/").content.decode()

    queue_update(actor=admin_user, queue_id=world["queue"].pk, data={"name": "Fakturor"})
    page = client.get(f"/service/cases/{case.pk}/").content.decode()

    assert ">Fakturor</option>" in page and ">Kundtjänst</option>" not in page


def test_a_macro_saved_through_its_service_is_offered_on_the_next_page_load(
    world: dict[str, Any], admin_user: User
) -> None:
    case, client = world["case"], world["client"]
    assert "Tack för ditt mejl" not in client.get(f"/service/cases/{case.pk}/").content.decode()

    macro = macro_save(actor=admin_user, name="Tack för ditt mejl", texts={"sv": "Tack {customer_name}!"})
    page = client.get(f"/service/cases/{case.pk}/").content.decode()

    assert f'<option value="{macro.pk}" >Tack för ditt mejl</option>' in page


def test_a_queue_renamed_around_the_services_shows_once_the_copy_is_too_old(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lojal.cases import desk_setup

    case, client = world["case"], world["client"]
    client.get(f"/service/cases/{case.pk}/")
    Queue.objects.filter(pk=world["queue"].pk).update(name="Fakturor")

    kept = client.get(f"/service/cases/{case.pk}/").content.decode()
    monkeypatch.setattr(desk_setup, "MAX_AGE_SECONDS", 0.0)
    aged = client.get(f"/service/cases/{case.pk}/").content.decode()

    assert ">Kundtjänst</option>" in kept
    assert ">Fakturor</option>" in aged and ">Kundtjänst</option>" not in aged


def test_opening_the_case_page_again_keeps_one_presence_row_and_moves_its_time(world: dict[str, Any]) -> None:
    agent, case, client = world["agent"], world["case"], world["client"]
    desk.presence_touch(user=agent, case_id=case.pk, replying=True)
    CasePresence.objects.filter(case=case).update(seen_at=timezone.now() - timezone.timedelta(minutes=5))

    client.get(f"/service/cases/{case.pk}/")

    (row,) = CasePresence.objects.filter(case=case)
    assert row.user_id == agent.pk and row.is_replying is False
    assert (timezone.now() - row.seen_at).total_seconds() < 60
